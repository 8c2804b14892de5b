//! `cosmolint lsp` through the real binary over stdio: lifecycle, text sync, diagnostics
//! at exact UTF-16 (and negotiated UTF-8) positions, a cross-file unsaved edit, quick
//! fixes applied by the client, and what a broken client sends.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Long enough for a debug build on a loaded 2-core machine; a hang fails instead of
/// blocking the suite.
const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Received but not yet asked for, in arrival order.
    pending: std::cell::RefCell<std::collections::VecDeque<Value>>,
    next_id: i64,
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cosmolint lsp");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    // Nothing but frames on stdout: every header line is a header.
                    assert!(line.ends_with("\r\n"), "not an LSP header: {line:?}");
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (name, value) = line.split_once(": ").expect("header");
                    assert_eq!(name, "Content-Length", "unexpected header {line:?}");
                    length = Some(value.parse::<usize>().expect("length"));
                }
                let mut body = vec![0; length.expect("Content-Length")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("JSON body");
                assert_eq!(v["jsonrpc"], "2.0");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            messages: rx,
            pending: Default::default(),
            next_id: 1,
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string();
        self.raw(&frame(&body));
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string();
        self.raw(&frame(&body));
        id
    }

    /// The first message (in arrival order) that satisfies `want` and was not taken yet;
    /// the others stay for later calls.
    fn wait_for(&self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let mut pending = self.pending.borrow_mut();
        if let Some(i) = pending.iter().position(&want) {
            return pending.remove(i).expect("found");
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self
                .messages
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(v) if want(&v) => return v,
                Ok(v) => pending.push_back(v),
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => panic!("server closed stdout while waiting for {what}"),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.wait_for(&format!("the response to {method}"), |v| {
            v["id"] == id && v.get("method").is_none()
        })
    }

    fn initialize(&mut self, root: &Path, capabilities: Value) -> Value {
        let r = self.request(
            "initialize",
            json!({ "processId": null, "rootUri": uri(root), "capabilities": capabilities }),
        );
        self.notify("initialized", json!({}));
        r
    }

    /// The next diagnostics published for `path` with document version `version`.
    fn diagnostics(&self, path: &Path, version: i64) -> Vec<Value> {
        let u = uri(path);
        let v = self.wait_for(&format!("diagnostics of {u} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == u
                && m["params"]["version"] == version
        });
        v["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    fn open(&mut self, path: &Path, text: &str) {
        let lang = match path.extension().and_then(|e| e.to_str()) {
            Some("tf") => "terraform",
            Some("bicep") => "bicep",
            _ => "json",
        };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": lang, "version": 1, "text": text } }),
        );
    }

    fn change_all(&mut self, path: &Path, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn shutdown_and_exit(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.exit_status()
    }

    fn exit_status(mut self) -> i32 {
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                return s.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    // The test paths are ASCII without spaces (tempfile's names).
    format!("file://{}", abs.display())
}

fn codes(diags: &[Value]) -> Vec<String> {
    let mut c: Vec<String> = diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    c.sort();
    c
}

fn find<'d>(diags: &'d [Value], code: &str) -> &'d Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diags:?}"))
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    // A repository of its own: the read policy's boundary. The tests are about the server,
    // so only the rules with quick fixes run (the server reads the configuration).
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    std::fs::write(dir.path().join(".cosmolint.toml"), SELECT).expect("config");
    dir
}

const SELECT: &str = "select = [\"CDB001\", \"CDB002\"]\n";

const SECURE_TF: &str = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = true\n  access_key_metadata_writes_enabled = false\n}\n";

#[test]
fn lifecycle_capabilities_and_exit_codes() {
    let ws = workspace();
    let mut c = Client::start();
    // Before initialize: refused, and the server goes on.
    let early = c.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    let init = c.initialize(ws.path(), json!({}));
    let result = &init["result"];
    assert_eq!(result["serverInfo"]["name"], "cosmolint");
    assert_eq!(result["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(result["capabilities"]["hoverProvider"], true);
    assert_eq!(
        result["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    // A second initialize is an error; an unknown method is MethodNotFound.
    let again = c.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    let unknown = c.request("cosmolint/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    assert_eq!(c.shutdown_and_exit(), 0);

    // `exit` without `shutdown`: status 1; so is the client going away.
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status(), 1);
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    assert_eq!(c.exit_status(), 1);
}

#[test]
fn malformed_input_gets_an_error_and_the_server_keeps_answering() {
    let ws = workspace();
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    // Not JSON; JSON that is no message; a frame without Content-Length.
    c.raw(&frame("{not json"));
    let e = c.wait_for("a parse error", |v| v["error"]["code"] == -32700);
    assert_eq!(e["id"], Value::Null);
    c.raw(&frame("[1, 2, 3]"));
    c.wait_for("an invalid request error", |v| v["error"]["code"] == -32600);
    c.raw(b"X-Nonsense: 1\r\n\r\n");
    c.wait_for("a missing length error", |v| v["error"]["code"] == -32700);
    // Notifications with parameters of the wrong shape are ignored.
    c.notify("textDocument/didOpen", json!({ "textDocument": 7 }));
    c.notify("textDocument/didChange", json!(null));
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///nowhere.tf" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(r["result"], Value::Null, "{r}");
    // Wrong parameters for a request: InvalidParams, not a crash.
    let r = c.request("textDocument/codeAction", json!({ "textDocument": {} }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert_eq!(c.shutdown_and_exit(), 0);
}

/// `  /* é😀 */ local_authentication_disabled = false`: the value starts after 1 + 2
/// UTF-16 code units (2 + 4 bytes) of non-ASCII text.
const UNICODE_TF: &str = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  /* é😀 */ local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n}\n";

#[test]
fn diagnostics_have_exact_utf16_ranges_and_a_fix_clears_them() {
    let ws = workspace();
    let main = ws.path().join("main.tf");
    std::fs::write(&main, UNICODE_TF).unwrap();
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    c.open(&main, UNICODE_TF);
    let diags = c.diagnostics(&main, 1);
    assert_eq!(codes(&diags), ["CDB001"]);
    let d = find(&diags, "CDB001");
    let prefix = "  /* é😀 */ local_authentication_disabled = ";
    let start = prefix.encode_utf16().count();
    assert_eq!(start, prefix.chars().count() + 1, "the emoji is two UTF-16 units");
    assert_eq!(
        d["range"],
        json!({ "start": { "line": 1, "character": start }, "end": { "line": 1, "character": start + 5 } })
    );
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "cosmolint");
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("rules/CDB001.md"));
    // The edit that makes it secure: nothing is left.
    c.change_all(&main, 2, &UNICODE_TF.replace("= false\n  access", "= true\n  access"));
    assert_eq!(c.diagnostics(&main, 2), Vec::<Value>::new());
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn utf8_positions_when_the_client_prefers_them() {
    let ws = workspace();
    let main = ws.path().join("main.tf");
    std::fs::write(&main, UNICODE_TF).unwrap();
    let mut c = Client::start();
    let init = c.initialize(
        ws.path(),
        json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } }),
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    c.open(&main, UNICODE_TF);
    let diags = c.diagnostics(&main, 1);
    let start = "  /* é😀 */ local_authentication_disabled = ".len();
    assert_eq!(
        find(&diags, "CDB001")["range"]["start"],
        json!({ "line": 1, "character": start })
    );
    // Incremental edits count bytes too: replace `false` (bytes start..start+5).
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&main), "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 1, "character": start }, "end": { "line": 1, "character": start + 5 } }, "text": "true" }],
        }),
    );
    assert_eq!(c.diagnostics(&main, 2), Vec::<Value>::new());
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn an_unsaved_variable_default_updates_the_other_files_diagnostics() {
    let ws = workspace();
    let main = ws.path().join("main.tf");
    let vars = ws.path().join("variables.tf");
    let main_text = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = var.disable_local_auth\n  access_key_metadata_writes_enabled = false\n}\n";
    let vars_text = "variable \"disable_local_auth\" {\n  type    = bool\n  default = false\n}\n";
    std::fs::write(&main, main_text).unwrap();
    std::fs::write(&vars, vars_text).unwrap();
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    c.open(&main, main_text);
    let diags = c.diagnostics(&main, 1);
    let d = find(&diags, "CDB001");
    // The default in variables.tf is related information, in the other file.
    let related = d["relatedInformation"].as_array().expect("relatedInformation");
    let r = related
        .iter()
        .find(|r| r["location"]["uri"] == uri(&vars))
        .unwrap_or_else(|| panic!("no related location in variables.tf: {related:?}"));
    assert_eq!(r["location"]["range"]["start"], json!({ "line": 2, "character": 12 }));
    c.open(&vars, vars_text);
    assert_eq!(c.diagnostics(&vars, 1), Vec::<Value>::new());
    // Opening it lints the unit again: main.tf is published too, unchanged.
    assert_eq!(codes(&c.diagnostics(&main, 1)), ["CDB001"]);
    // Edit variables.tf without saving: main.tf is published again, without the finding.
    c.change_all(&vars, 2, &vars_text.replace("default = false", "default = true"));
    assert_eq!(c.diagnostics(&main, 1), Vec::<Value>::new());
    assert_eq!(std::fs::read_to_string(&vars).unwrap(), vars_text, "nothing is written");
    // Closing variables.tf: main.tf reads the saved file again.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&vars) } }),
    );
    assert_eq!(codes(&c.diagnostics(&main, 1)), ["CDB001"]);
    assert_eq!(c.shutdown_and_exit(), 0);
}

/// Applies a `WorkspaceEdit`'s edits for `u` to `text` (UTF-16 positions).
fn apply_edit(text: &str, edit: &Value, u: &str) -> String {
    let mut edits: Vec<&Value> = edit["changes"][u]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let offset = |p: &Value| -> usize {
        let (line, ch) = (
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= ch || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_string();
    for e in edits {
        let (s, t) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(s..t, e["newText"].as_str().unwrap());
    }
    out
}

fn quick_fix(c: &mut Client, path: &Path, d: &Value) -> Value {
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(path) }, "range": d["range"], "context": { "diagnostics": [d] } }),
    );
    let actions = r["result"].as_array().cloned().unwrap_or_default();
    let action = actions
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == d["code"])
        .unwrap_or_else(|| panic!("no quick fix for {}: {r}", d["code"]));
    assert_eq!(action["kind"], "quickfix");
    action.clone()
}

#[test]
fn quick_fixes_make_the_findings_disappear_in_every_dialect() {
    let ws = workspace();
    let cases: [(&str, &str); 3] = [
        ("main.tf", "resource \"azurerm_cosmosdb_account\" \"a\" {\n  name = \"a\"\n  local_authentication_disabled = false\n}\n"),
        (
            "main.bicep",
            "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  location: 'westeurope'\n}\n",
        ),
        (
            "azuredeploy.json",
            "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"resources\": [\n    {\n      \"type\": \"Microsoft.DocumentDB/databaseAccounts\",\n      \"apiVersion\": \"2024-05-15\",\n      \"name\": \"a\",\n      \"properties\": {\n        \"disableLocalAuth\": false\n      }\n    }\n  ]\n}\n",
        ),
    ];
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    for (name, text) in cases {
        let path = ws.path().join(name);
        std::fs::write(&path, text).unwrap();
        c.open(&path, text);
        let mut diags = c.diagnostics(&path, 1);
        assert_eq!(codes(&diags), ["CDB001", "CDB002"], "{name}");
        let mut current = text.to_string();
        // Fix one finding at a time, as a user would, until none is left.
        for version in 2..=3 {
            let d = diags[0].clone();
            let action = quick_fix(&mut c, &path, &d);
            current = apply_edit(&current, &action["edit"], &uri(&path));
            c.change_all(&path, version, &current);
            let after = c.diagnostics(&path, version);
            assert!(
                !after.iter().any(|a| a["code"] == d["code"]),
                "{name}: {} is still reported after its fix:\n{current}",
                d["code"]
            );
            assert_eq!(
                after.len(),
                diags.len() - 1,
                "{name}: the fix made a new finding:\n{current}"
            );
            diags = after;
        }
        assert!(diags.is_empty(), "{name}");
    }
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn a_fix_edits_the_variable_default_where_the_value_is_written() {
    let ws = workspace();
    let main = ws.path().join("main.tf");
    let vars = ws.path().join("variables.tf");
    let main_text = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = var.disable_local_auth\n  access_key_metadata_writes_enabled = false\n}\n";
    let vars_text = "variable \"disable_local_auth\" {\n  default = false\n}\n";
    std::fs::write(&main, main_text).unwrap();
    std::fs::write(&vars, vars_text).unwrap();
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    c.open(&main, main_text);
    let diags = c.diagnostics(&main, 1);
    let action = quick_fix(&mut c, &main, find(&diags, "CDB001"));
    let edit = &action["edit"];
    assert!(
        edit["changes"].get(uri(&main)).is_none(),
        "main.tf is not edited: {edit}"
    );
    let fixed = apply_edit(vars_text, edit, &uri(&vars));
    assert_eq!(fixed, "variable \"disable_local_auth\" {\n  default = true\n}\n");
    c.open(&vars, &fixed);
    assert_eq!(c.diagnostics(&main, 1), Vec::<Value>::new());
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn hover_shows_the_rule() {
    let ws = workspace();
    let main = ws.path().join("main.tf");
    std::fs::write(&main, UNICODE_TF).unwrap();
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    c.open(&main, UNICODE_TF);
    let diags = c.diagnostics(&main, 1);
    let at = &find(&diags, "CDB001")["range"]["start"];
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&main) }, "position": at }),
    );
    let text = r["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("CDB001") && text.contains("local-auth-enabled"), "{r}");
    assert!(text.contains("account keys"), "{text}");
    let nothing = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&main) }, "position": { "line": 3, "character": 0 } }),
    );
    assert_eq!(nothing["result"], Value::Null);
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn large_documents_and_bursts_of_edits_keep_the_server_answering() {
    let ws = workspace();
    let main = ws.path().join("main.tf");
    // ~5 MB: 20,000 accounts.
    let mut big = String::new();
    for i in 0..20_000 {
        big.push_str(&format!(
            "resource \"azurerm_cosmosdb_account\" \"a{i}\" {{\n  name = \"account-{i}-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding\"\n  local_authentication_disabled = true\n  access_key_metadata_writes_enabled = false\n}}\n"
        ));
    }
    assert!(big.len() > 5_000_000, "{}", big.len());
    std::fs::write(&main, SECURE_TF).unwrap();
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    c.open(&main, &big);
    // Requests are answered while it is linted.
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&main) }, "position": { "line": 0, "character": 0 } }),
    );
    assert!(r.get("result").is_some(), "{r}");
    assert_eq!(c.diagnostics(&main, 1), Vec::<Value>::new());
    // 1,000 edits in a row, each appending a character to a comment; the last version is
    // the one published (older lints are dropped), and it is right.
    let small = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n}\n#";
    c.change_all(&main, 2, small);
    for v in 3..1_003 {
        c.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(&main), "version": v },
                "contentChanges": [{ "range": { "start": { "line": 4, "character": 1 }, "end": { "line": 4, "character": 1 } }, "text": "x" }],
            }),
        );
    }
    assert_eq!(codes(&c.diagnostics(&main, 1_002)), ["CDB001"]);
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&main) }, "position": { "line": 1, "character": 35 } }),
    );
    assert!(
        r["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("CDB001"),
        "{r}"
    );
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn a_document_that_does_not_parse_shows_the_syntax_error() {
    let ws = workspace();
    let main = ws.path().join("main.bicep");
    let text = "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    disableLocalAuth: \n  }\n}\n";
    std::fs::write(&main, "").unwrap();
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    c.open(&main, text);
    let diags = c.diagnostics(&main, 1);
    let d = find(&diags, "syntax-error");
    assert_eq!(d["range"]["start"]["line"], 3, "{d}");
    // A file that is not saved yet is linted from its buffer too.
    let new = ws.path().join("new.tf");
    c.open(&new, "resource \"azurerm_cosmosdb_account\" \"a\" {\n}\n");
    assert_eq!(codes(&c.diagnostics(&new, 1)), ["CDB001", "CDB002"]);
    assert!(!new.exists());
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn ignore_here_suppresses_and_the_configuration_is_read_again_without_a_restart() {
    let ws = workspace();
    let main = ws.path().join("main.tf");
    let text = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n}\n";
    std::fs::write(&main, text).unwrap();
    let mut c = Client::start();
    c.initialize(ws.path(), json!({}));
    c.open(&main, text);
    let diags = c.diagnostics(&main, 1);
    assert_eq!(codes(&diags), ["CDB001", "CDB002"]);
    let d = find(&diags, "CDB001").clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&main) }, "range": d["range"], "context": { "diagnostics": [d] } }),
    );
    let actions = r["result"].as_array().cloned().unwrap_or_default();
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore CDB001 here")
        .unwrap_or_else(|| panic!("no ignore action: {r}"));
    assert_eq!(ignore["isPreferred"], false);
    let ignored = apply_edit(text, &ignore["edit"], &uri(&main));
    assert!(
        ignored.contains("{\n  # cosmolint-ignore CDB001 -- TODO: say why this is accepted\n  local_authentication_disabled = false\n"),
        "{ignored}"
    );
    c.change_all(&main, 2, &ignored);
    assert_eq!(codes(&c.diagnostics(&main, 2)), ["CDB002"]);
    // A configuration written while the server runs applies to the next lint.
    std::fs::write(
        ws.path().join(".cosmolint.toml"),
        format!("{SELECT}ignore = [\"CDB002\"]\n"),
    )
    .unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({ "changes": [] }));
    assert_eq!(c.diagnostics(&main, 2), Vec::<Value>::new());
    assert_eq!(c.shutdown_and_exit(), 0);
}
