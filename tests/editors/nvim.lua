-- Neovim (0.7+) headless as a real LSP client of `cosmolint lsp`: diagnostics at the right
-- characters (Neovim converts the UTF-16 columns to bytes), a quick fix applied with
-- Neovim's own workspace-edit code, the finding gone after the edit.
-- Run: COSMOLINT_BIN=… COSMOLINT_DIR=… nvim --headless --clean -u NONE -c 'luafile nvim.lua'
local bin, dir = os.getenv('COSMOLINT_BIN'), os.getenv('COSMOLINT_DIR')
local function fail(msg)
  io.stderr:write('nvim: ' .. msg .. '\n')
  os.exit(1)
end
local file = dir .. '/main.tf'
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({ cmd = { bin, 'lsp' }, root_dir = dir, name = 'cosmolint' })
if not id then fail('could not start the server') end
vim.lsp.buf_attach_client(buf, id)

local function findings(code)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code == code) then
      table.insert(out, d)
    end
  end
  return out
end

if not vim.wait(30000, function() return #findings('CDB001') > 0 end, 20) then
  fail('no CDB001 diagnostic')
end
local d = findings('CDB001')[1]
local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
-- Neovim's columns are bytes: the value under the diagnostic must be `false`.
local under = line:sub(d.col + 1, d.end_col)
if under ~= 'false' then fail('diagnostic covers `' .. under .. '` in `' .. line .. '`') end

local client = vim.lsp.get_client_by_id(id)
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  -- The diagnostic's line (Neovim 0.7 keeps no LSP range with the diagnostic).
  range = { start = { line = d.lnum, character = 0 }, ['end'] = { line = d.lnum + 1, character = 0 } },
  context = { diagnostics = { d.user_data.lsp } },
}
local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000)
local action
for _, r in pairs(responses or {}) do
  for _, a in ipairs(r.result or {}) do
    if a.kind == "quickfix" and a.edit and a.isPreferred and not action then action = a end
  end
end
if not action then fail('no quick fix: ' .. vim.inspect(responses)) end
vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
if not vim.wait(30000, function() return #findings('CDB001') == 0 end, 20) then
  fail('CDB001 still reported after the fix: ' .. table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n'))
end
local stopped = false
client.stop()
vim.wait(10000, function() stopped = client.is_stopped(); return stopped end, 20)
if not stopped then fail('server did not stop') end
io.stdout:write('nvim: ok\n')
vim.cmd('qa!')
