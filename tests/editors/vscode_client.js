// Drives `cosmolint lsp` with the libraries VS Code's language client is built on
// (vscode-jsonrpc, vscode-languageserver-protocol): framing, message shapes, a quick fix.
// Usage: node vscode_client.js COSMOLINT_BINARY WORKSPACE_DIR; exit status 0 when all is well.
'use strict';
const cp = require('child_process');
const path = require('path');
const { pathToFileURL } = require('url');
const rpc = require('vscode-jsonrpc/node');
const proto = require('vscode-languageserver-protocol');

const [bin, dir] = process.argv.slice(2);
const file = path.join(dir, 'main.tf');
const uri = pathToFileURL(file).href;
// A line with `é` and an emoji before the finding: UTF-16 columns.
const text = 'resource "azurerm_cosmosdb_account" "a" {\n  /* é😀 */ local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n}\n';

function fail(msg) {
  console.error(`vscode client: ${msg}`);
  process.exit(1);
}
setTimeout(() => fail('timed out'), 60000).unref();

const child = cp.spawn(bin, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
const waiting = [];
conn.onNotification(proto.PublishDiagnosticsNotification.type, (p) => {
  for (const w of waiting.slice()) {
    if (w.test(p)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(p);
    }
  }
});
conn.listen();
const published = (version) =>
  new Promise((resolve) => waiting.push({ test: (p) => p.uri === uri && p.version === version, resolve }));

function applyEdits(doc, edits) {
  const lines = doc.split('\n');
  const offset = (pos) => {
    let o = 0;
    for (let i = 0; i < pos.line; i++) o += lines[i].length + 1;
    // JavaScript strings are UTF-16: characters are code units, as in the protocol.
    return o + pos.character;
  };
  const sorted = edits.slice().sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) doc = doc.slice(0, offset(e.range.start)) + e.newText + doc.slice(offset(e.range.end));
  return doc;
}

(async () => {
  const init = await conn.sendRequest(proto.InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
    capabilities: { general: { positionEncodings: ['utf-16'] }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
  });
  if (init.serverInfo.name !== 'cosmolint') fail(`serverInfo ${JSON.stringify(init.serverInfo)}`);
  if (init.capabilities.positionEncoding !== 'utf-16') fail('positionEncoding');
  if (init.capabilities.textDocumentSync.change !== proto.TextDocumentSyncKind.Incremental) fail('sync kind');
  await conn.sendNotification(proto.InitializedNotification.type, {});
  const first = published(1);
  await conn.sendNotification(proto.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'terraform', version: 1, text },
  });
  const diags = (await first).diagnostics;
  const d = diags.find((x) => x.code === 'CDB001');
  if (!d || diags.length !== 1) fail(`diagnostics ${JSON.stringify(diags)}`);
  const col = '  /* é😀 */ local_authentication_disabled = '.length; // UTF-16 code units
  if (d.range.start.line !== 1 || d.range.start.character !== col || d.range.end.character !== col + 5) fail(`range ${JSON.stringify(d.range)}`);
  if (d.severity !== proto.DiagnosticSeverity.Error || d.source !== 'cosmolint' || !d.codeDescription.href.endsWith('CDB001.md')) fail('shape');
  const hover = await conn.sendRequest(proto.HoverRequest.type, { textDocument: { uri }, position: d.range.start });
  if (!hover || hover.contents.kind !== 'markdown' || !hover.contents.value.includes('CDB001')) fail(`hover ${JSON.stringify(hover)}`);
  const actions = await conn.sendRequest(proto.CodeActionRequest.type, {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d], only: [proto.CodeActionKind.QuickFix] },
  });
  const fix = actions.find((a) => a.kind === proto.CodeActionKind.QuickFix && a.edit && a.edit.changes[uri]);
  if (!fix) fail(`code actions ${JSON.stringify(actions)}`);
  const fixed = applyEdits(text, fix.edit.changes[uri]);
  const second = published(2);
  await conn.sendNotification(proto.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: fixed }],
  });
  const after = (await second).diagnostics;
  if (after.length !== 0) fail(`after the fix: ${JSON.stringify(after)}`);
  await conn.sendRequest(proto.ShutdownRequest.type);
  await conn.sendNotification(proto.ExitNotification.type);
  child.on('exit', (code) => {
    if (code !== 0) fail(`exit status ${code}`);
    console.log('vscode client: ok');
    process.exit(0);
  });
})().catch((e) => fail(String(e && e.stack)));
