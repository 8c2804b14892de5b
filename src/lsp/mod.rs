//! `cosmolint lsp`: a Language Server over stdio.
//!
//! Threads: a reader (framing, [`transport::read_loop`]), a writer (the only thing that
//! writes to stdout), the main loop (this module: lifecycle, documents, requests — it never
//! lints, so hover and code actions are answered while a lint runs) and one lint worker.
//! Edits are debounced and coalesced by the worker; a lint whose document changed again
//! meanwhile is not published (the newer edit's lint is already queued).
//!
//! A lint is [`crate::lint_from`] with the disk under the open documents
//! ([`crate::source::Source::Overlay`]), naming the changed documents: exactly the units
//! that contain them are linted (a Terraform directory and the roots calling it, a Bicep
//! file with its callers and parameter files, an ARM template with its parameter file),
//! as `cosmolint check FILE` does. Other open documents of those units are named too, so
//! editing `variables.tf` republishes `main.tf`.

mod text;
pub mod transport;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::Url;
use serde_json::{json, Value};

use crate::report::lsp_json::{self, Encoding};
use crate::source::{normalize, Overlay, Source};
use transport::{Incoming, Outgoing};

/// How long the worker waits for more edits before linting (`initializationOptions.debounceMs`).
const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(15);

/// Runs the server on stdin/stdout; returns the process exit status: 0 after `shutdown`
/// then `exit`, 1 when the client exits (or goes away) without `shutdown`.
pub fn run() -> i32 {
    let (in_tx, in_rx) = crossbeam_channel::unbounded();
    let (out_tx, out_rx) = crossbeam_channel::unbounded::<Outgoing>();
    std::thread::spawn(move || transport::read_loop(std::io::stdin(), in_tx));
    let writer = std::thread::spawn(move || transport::write_loop(std::io::stdout(), out_rx));
    let code = serve(&in_rx, &out_tx);
    drop(out_tx);
    // Everything queued is written before the process ends (the worker holds no sender
    // once the main loop has stopped it).
    let _ = writer.join();
    code
}

struct Doc {
    uri: Url,
    path: PathBuf,
    version: i32,
    text: Arc<str>,
    /// Bumped by every change; a lint result is published only for the generation it read.
    generation: u64,
    /// The files the last lint of this document read (its units), by [`key`].
    context: HashSet<PathBuf>,
    /// What was published last, for hover and code actions.
    published: Vec<Value>,
}

#[derive(Default)]
struct State {
    docs: HashMap<PathBuf, Doc>,
}

/// A document's identity: its absolute, normalized path.
fn key(path: &Path) -> PathBuf {
    std::path::absolute(path).map_or_else(|_| normalize(path), |p| normalize(&p))
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

struct Config {
    encoding: Encoding,
    root: Option<PathBuf>,
    debounce: Duration,
}

fn send(out: &Sender<Outgoing>, m: impl Into<Message>) {
    let _ = out.send(Outgoing::Message(m.into()));
}

fn error(out: &Sender<Outgoing>, id: RequestId, code: ErrorCode, message: impl Into<String>) {
    send(out, Response::new_err(id, code as i32, message.into()));
}

/// The main loop: from the first message to `exit`.
pub fn serve(incoming: &Receiver<Incoming>, out: &Sender<Outgoing>) -> i32 {
    // Until `initialize`, requests are refused (ServerNotInitialized) and notifications
    // dropped, as the protocol says; `exit` ends the server.
    let (config, id) = loop {
        match incoming.recv() {
            Err(_) => return 1,
            Ok(Incoming::Invalid(v)) => {
                let _ = out.send(Outgoing::Raw(v));
            }
            Ok(Incoming::Message(Message::Request(r))) if r.method == "initialize" => {
                break (configure(&r.params), r.id);
            }
            Ok(Incoming::Message(Message::Request(r))) => {
                error(
                    out,
                    r.id,
                    ErrorCode::ServerNotInitialized,
                    "the server is not initialized yet",
                );
            }
            Ok(Incoming::Message(Message::Notification(n))) if n.method == "exit" => return 1,
            Ok(Incoming::Message(_)) => {}
        }
    };
    send(out, Response::new_ok(id, initialize_result(config.encoding)));

    let state = Arc::new(Mutex::new(State::default()));
    let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded::<Job>();
    let worker = {
        let (state, out, jobs_tx) = (state.clone(), out.clone(), jobs_tx.clone());
        let config = Config {
            encoding: config.encoding,
            root: config.root.clone(),
            debounce: config.debounce,
        };
        std::thread::spawn(move || worker(&config, &state, &jobs_rx, &jobs_tx, &out))
    };
    let mut shut_down = false;
    let code = loop {
        let msg = match incoming.recv() {
            Err(_) => break i32::from(!shut_down),
            Ok(Incoming::Invalid(v)) => {
                let _ = out.send(Outgoing::Raw(v));
                continue;
            }
            Ok(Incoming::Message(m)) => m,
        };
        match msg {
            Message::Request(r) => {
                if shut_down {
                    error(out, r.id, ErrorCode::InvalidRequest, "the server is shutting down");
                    continue;
                }
                match r.method.as_str() {
                    "shutdown" => {
                        shut_down = true;
                        send(out, Response::new_ok(r.id, Value::Null));
                    }
                    "initialize" => error(
                        out,
                        r.id,
                        ErrorCode::InvalidRequest,
                        "the server is already initialized",
                    ),
                    _ => request(&config, &state, out, r),
                }
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    break i32::from(!shut_down);
                }
                notification(&config, &state, &jobs_tx, out, n);
            }
            // Responses to requests this server never sends.
            Message::Response(_) => {}
        }
    };
    // The worker holds a sender of its own (to queue documents it finds), so it is told.
    let _ = jobs_tx.send(Job::Stop);
    let _ = worker.join();
    code
}

/// What the worker is asked to do.
enum Job {
    /// A document (by [`key`]) changed, opened, closed or was saved.
    Lint(PathBuf),
    Stop,
}

fn configure(params: &Value) -> Config {
    // utf-16 unless the client offers utf-8 (the protocol's negotiation, LSP 3.17).
    let offered = params
        .pointer("/capabilities/general/positionEncodings")
        .and_then(Value::as_array);
    let utf8 = offered.is_some_and(|a| a.iter().any(|e| e == "utf-8"));
    let utf16 = offered.is_none_or(|a| a.iter().any(|e| e == "utf-16"));
    let encoding = if utf8 && !(utf16 && offered.is_some_and(|a| a.first().is_some_and(|e| e == "utf-16"))) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let uri_path = |v: &Value| {
        v.as_str()
            .and_then(|s| Url::parse(s).ok())
            .and_then(|u| u.to_file_path().ok())
    };
    let root = params
        .pointer("/workspaceFolders/0/uri")
        .and_then(uri_path)
        .or_else(|| params.get("rootUri").and_then(uri_path))
        .or_else(|| params.get("rootPath").and_then(Value::as_str).map(PathBuf::from));
    let debounce = params
        .pointer("/initializationOptions/debounceMs")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_DEBOUNCE, |ms| Duration::from_millis(ms.min(10_000)));
    Config {
        encoding,
        root,
        debounce,
    }
}

fn initialize_result(encoding: Encoding) -> Value {
    json!({
        "capabilities": {
            "positionEncoding": match encoding { Encoding::Utf8 => "utf-8", Encoding::Utf16 => "utf-16" },
            "textDocumentSync": {
                "openClose": true,
                // Incremental.
                "change": 2,
                "save": { "includeText": false },
            },
            "hoverProvider": true,
            "codeActionProvider": { "codeActionKinds": ["quickfix"] },
        },
        "serverInfo": { "name": "cosmolint", "version": env!("CARGO_PKG_VERSION") },
    })
}

fn doc_path(uri: &Url) -> Option<PathBuf> {
    (uri.scheme() == "file").then(|| uri.to_file_path().ok()).flatten()
}

fn notification(config: &Config, state: &Mutex<State>, jobs: &Sender<Job>, out: &Sender<Outgoing>, n: Notification) {
    use lsp_types::{
        DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    };
    match n.method.as_str() {
        "textDocument/didOpen" => {
            let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                return;
            };
            let Some(path) = doc_path(&p.text_document.uri) else {
                return;
            };
            let k = key(&path);
            lock(state).docs.insert(
                k.clone(),
                Doc {
                    uri: p.text_document.uri,
                    path,
                    version: p.text_document.version,
                    text: p.text_document.text.into(),
                    generation: 0,
                    context: HashSet::new(),
                    published: Vec::new(),
                },
            );
            let _ = jobs.send(Job::Lint(k));
        }
        "textDocument/didChange" => {
            let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                return;
            };
            let Some(path) = doc_path(&p.text_document.uri) else {
                return;
            };
            let k = key(&path);
            {
                let mut st = lock(state);
                let Some(doc) = st.docs.get_mut(&k) else { return };
                let mut text = doc.text.to_string();
                for c in &p.content_changes {
                    let range = c
                        .range
                        .map(|r| ((r.start.line, r.start.character), (r.end.line, r.end.character)));
                    text::apply(&mut text, range, &c.text, config.encoding);
                }
                doc.text = text.into();
                doc.version = p.text_document.version;
                doc.generation += 1;
            }
            let _ = jobs.send(Job::Lint(k));
        }
        "textDocument/didSave" => {
            let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) else {
                return;
            };
            if let Some(path) = doc_path(&p.text_document.uri) {
                let _ = jobs.send(Job::Lint(key(&path)));
            }
        }
        "textDocument/didClose" => {
            let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                return;
            };
            let Some(path) = doc_path(&p.text_document.uri) else {
                return;
            };
            let k = key(&path);
            if lock(state).docs.remove(&k).is_some() {
                // A closed document shows nothing; the documents of its units are linted
                // again with the saved file in its place.
                publish(out, &p.text_document.uri, None, Vec::new());
                let _ = jobs.send(Job::Lint(k));
            }
        }
        // Files changed on disk (a `git checkout`, another tool): every open document may
        // read them.
        "workspace/didChangeWatchedFiles" | "workspace/didChangeConfiguration" => {
            let keys: Vec<PathBuf> = lock(state).docs.keys().cloned().collect();
            for k in keys {
                let _ = jobs.send(Job::Lint(k));
            }
        }
        _ => {}
    }
}

fn publish(out: &Sender<Outgoing>, uri: &Url, version: Option<i32>, diagnostics: Vec<Value>) {
    let mut params = json!({ "uri": uri.as_str(), "diagnostics": diagnostics });
    if let Some(v) = version {
        params["version"] = json!(v);
    }
    send(out, Notification::new("textDocument/publishDiagnostics".into(), params));
}

fn request(config: &Config, state: &Mutex<State>, out: &Sender<Outgoing>, r: Request) {
    let result = match r.method.as_str() {
        "textDocument/hover" => hover(state, &r.params),
        "textDocument/codeAction" => code_actions(state, &r.params),
        _ => {
            let _ = config;
            return error(
                out,
                r.id,
                ErrorCode::MethodNotFound,
                format!("unknown method `{}`", r.method),
            );
        }
    };
    match result {
        Ok(v) => send(out, Response::new_ok(r.id, v)),
        Err(why) => error(out, r.id, ErrorCode::InvalidParams, why),
    }
}

type Pos = (u64, u64);

fn pos(v: &Value) -> Option<Pos> {
    Some((v.get("line")?.as_u64()?, v.get("character")?.as_u64()?))
}

fn range_of(v: &Value) -> Option<(Pos, Pos)> {
    Some((pos(v.get("start")?)?, pos(v.get("end")?)?))
}

/// The published diagnostics of the request's document.
fn published(state: &Mutex<State>, params: &Value) -> Result<Vec<Value>, String> {
    let uri = params
        .pointer("/textDocument/uri")
        .and_then(Value::as_str)
        .and_then(|u| Url::parse(u).ok())
        .ok_or("no textDocument.uri")?;
    let Some(path) = doc_path(&uri) else {
        return Ok(Vec::new());
    };
    Ok(lock(state)
        .docs
        .get(&key(&path))
        .map(|d| d.published.clone())
        .unwrap_or_default())
}

fn hover(state: &Mutex<State>, params: &Value) -> Result<Value, String> {
    let at = params.get("position").and_then(pos).ok_or("no position")?;
    let diagnostics = published(state, params)?;
    let mut parts = Vec::new();
    let mut range = None;
    for d in &diagnostics {
        let Some((start, end)) = d.get("range").and_then(range_of) else {
            continue;
        };
        if !(start <= at && at <= end) {
            continue;
        }
        let code = d.get("code").and_then(Value::as_str).unwrap_or_default();
        let Some(rule) = crate::rules::find(code) else { continue };
        let text = format!(
            "**{}** `{}`: {}\n\n{}",
            rule.id,
            rule.name,
            rule.summary,
            first_paragraph(rule.doc)
        );
        if !parts.contains(&text) {
            parts.push(text);
        }
        range.get_or_insert(d["range"].clone());
    }
    if parts.is_empty() {
        return Ok(Value::Null);
    }
    Ok(json!({
        "contents": { "kind": "markdown", "value": parts.join("\n\n---\n\n") },
        "range": range,
    }))
}

/// The first paragraph of a rule's doc page below its title.
fn first_paragraph(doc: &str) -> String {
    doc.split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or_default()
        .replace('\n', " ")
}

fn code_actions(state: &Mutex<State>, params: &Value) -> Result<Value, String> {
    let (start, end) = params.get("range").and_then(range_of).ok_or("no range")?;
    let only: Option<Vec<String>> = params
        .pointer("/context/only")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|k| k.as_str().map(String::from)).collect());
    if only.as_ref().is_some_and(|o| {
        !o.iter()
            .any(|k| k == "quickfix" || "quickfix".starts_with(&format!("{k}.")))
    }) {
        return Ok(json!([]));
    }
    let mut actions = Vec::new();
    for d in published(state, params)? {
        let Some((ds, de)) = d.get("range").and_then(range_of) else {
            continue;
        };
        // The diagnostic and the requested range overlap (or touch: a cursor).
        if de < start || end < ds {
            continue;
        }
        for fix in d.pointer("/data/fixes").and_then(Value::as_array).into_iter().flatten() {
            let mut diag = d.clone();
            if let Some(data) = diag.get_mut("data").and_then(Value::as_object_mut) {
                data.remove("fixes");
            }
            actions.push(json!({
                "title": fix["title"],
                "kind": "quickfix",
                "diagnostics": [diag],
                "isPreferred": fix["isPreferred"],
                "edit": fix["edit"],
            }));
        }
    }
    Ok(Value::Array(actions))
}

/// Lints what the queued documents affect, publishes, repeats until told to stop.
fn worker(config: &Config, state: &Mutex<State>, jobs: &Receiver<Job>, requeue: &Sender<Job>, out: &Sender<Outgoing>) {
    loop {
        let Ok(Job::Lint(first)) = jobs.recv() else { return };
        let mut changed: HashSet<PathBuf> = HashSet::from([first]);
        // Debounce: take the edits that follow within the window, and whatever is queued.
        let deadline = Instant::now() + config.debounce;
        loop {
            match jobs.recv_deadline(deadline) {
                Ok(Job::Lint(k)) => {
                    changed.insert(k);
                }
                Ok(Job::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => break,
            }
        }
        for job in jobs.try_iter() {
            match job {
                Job::Lint(k) => changed.insert(k),
                Job::Stop => return,
            };
        }
        lint_and_publish(config, state, &changed, requeue, out);
    }
}

fn lint_and_publish(
    config: &Config,
    state: &Mutex<State>,
    changed: &HashSet<PathBuf>,
    requeue: &Sender<Job>,
    out: &Sender<Outgoing>,
) {
    // A snapshot: the open documents' texts, and which of them the change affects (the
    // changed ones, those whose units read a changed file, those a changed one's units
    // read).
    let (overlay, affected) = {
        let st = lock(state);
        let mut overlay = Overlay::default();
        for d in st.docs.values() {
            overlay.insert(&d.path, d.text.clone());
        }
        let mut affected: Vec<(PathBuf, PathBuf, u64)> = Vec::new();
        for (k, d) in &st.docs {
            let hit = changed.contains(k)
                || changed.iter().any(|c| d.context.contains(c))
                || changed
                    .iter()
                    .any(|c| st.docs.get(c).is_some_and(|cd| cd.context.contains(k)));
            if hit {
                affected.push((k.clone(), d.path.clone(), d.generation));
            }
        }
        (overlay, affected)
    };
    if affected.is_empty() {
        return;
    }
    let paths: Vec<PathBuf> = affected.iter().map(|(_, p, _)| p.clone()).collect();
    let opts = match options(config, &paths) {
        Ok(opts) => opts,
        Err(why) => {
            show_message(out, 1, &why);
            crate::Options {
                paths,
                base: config.root.clone(),
                ..crate::Options::default()
            }
        }
    };
    let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::lint_from(&opts, Source::Overlay(Arc::new(overlay)))
    }));
    let report = match linted {
        Ok(Ok(report)) => Some(report),
        Ok(Err(e)) => {
            show_message(out, 1, &format!("cosmolint: {e}"));
            None
        }
        Err(_) => None,
    };
    let mut st = lock(state);
    let read: HashSet<PathBuf> = report
        .as_ref()
        .map(|r| r.files.all().iter().map(|f| key(&f.path)).collect())
        .unwrap_or_default();
    for (k, _, generation) in &affected {
        let Some(doc) = st.docs.get_mut(k) else { continue };
        if doc.generation != *generation {
            // Edited meanwhile: that edit's lint is queued and will publish.
            continue;
        }
        let diagnostics = match &report {
            Some(report) => report
                .diagnostics
                .iter()
                .filter(|d| report.files.get(d.span.file).is_some_and(|f| key(&f.path) == *k))
                .map(|d| {
                    let mut v = lsp_json::diagnostic(&report.files, d, config.encoding);
                    let mut fixes: Vec<Value> = crate::fix::fixes(report, d)
                        .iter()
                        .map(|f| fix_value(report, f, config.encoding, true))
                        .collect();
                    fixes.extend(
                        crate::fix::ignore_here(&report.files, d)
                            .map(|f| fix_value(report, &f, config.encoding, false)),
                    );
                    if !fixes.is_empty() {
                        v["data"]["fixes"] = Value::Array(fixes);
                    }
                    v
                })
                .collect(),
            None => vec![json!({
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "severity": 1,
                "code": "internal-error",
                "source": "cosmolint",
                "message": "cosmolint failed on this file; please report this bug",
            })],
        };
        doc.context = read.clone();
        doc.published = diagnostics.clone();
        publish(out, &doc.uri, Some(doc.version), diagnostics);
    }
    // Open documents the changed ones' units read for the first time (a new module call):
    // lint them on their own so that their units are complete.
    let linted: HashSet<&PathBuf> = affected.iter().map(|(k, _, _)| k).collect();
    for k in st.docs.keys() {
        if !linted.contains(k) && read.contains(k) {
            let _ = requeue.send(Job::Lint(k.clone()));
        }
    }
}

/// The options of a lint: the `.cosmolint.toml` of the documents' repository (read again
/// for every lint, so an edited configuration applies without a restart), as `check`
/// reads it.
fn options(config: &Config, paths: &[PathBuf]) -> Result<crate::Options, String> {
    use crate::config;
    // A document not saved yet is found by its directory.
    let existing: Vec<PathBuf> = paths
        .iter()
        .map(|p| match p.parent() {
            Some(dir) if !p.exists() => dir.to_path_buf(),
            _ => p.clone(),
        })
        .collect();
    let file = config::find(&existing)
        .and_then(|found| found.map(|p| config::load(&p, config.root.as_deref())).transpose())
        .map_err(|e| format!("cosmolint: {e}"))?;
    let resolved =
        config::resolve(file.as_ref(), &config::Overrides::default()).map_err(|e| format!("cosmolint: {e}"))?;
    Ok(crate::Options {
        paths: paths.to_vec(),
        var_files: resolved.var_files.0,
        parameters: resolved.parameters.0,
        base: config.root.clone(),
        settings: resolved.settings,
        ..crate::Options::default()
    })
}

fn show_message(out: &Sender<Outgoing>, kind: u8, message: &str) {
    send(
        out,
        Notification::new("window/showMessage".into(), json!({ "type": kind, "message": message })),
    );
}

/// A fix as the `data` of a diagnostic: its title and the `WorkspaceEdit`.
fn fix_value(report: &crate::Report, fix: &crate::fix::Fix, encoding: Encoding, preferred: bool) -> Value {
    let mut changes: serde_json::Map<String, Value> = serde_json::Map::new();
    for e in &fix.edits {
        let Some(f) = report.files.get(e.span.file) else {
            continue;
        };
        let uri = Url::from_file_path(key(&f.path))
            .map(|u| u.to_string())
            .unwrap_or_default();
        let edit = json!({ "range": lsp_json::range(&report.files, e.span, encoding), "newText": e.text });
        if let Some(a) = changes
            .entry(uri)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
        {
            a.push(edit);
        }
    }
    json!({ "title": fix.title, "edit": { "changes": changes }, "isPreferred": preferred })
}
