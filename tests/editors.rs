//! `cosmolint lsp` in real clients: Neovim headless (`tests/editors/nvim.lua`), Emacs with
//! eglot in batch mode (`tests/editors/eglot.el`) and a client built on the libraries VS
//! Code uses, vscode-jsonrpc and vscode-languageserver-protocol on node
//! (`tests/editors/vscode_client.js`). `.ci/run` installs them (Debian's neovim, emacs-nox
//! and elpa-eglot; the npm packages into `target/editor-clients`). Without them a test says
//! it is skipped and passes — except under CI (`CI` set), where a missing client fails.

use std::path::{Path, PathBuf};
use std::process::Command;

const MAIN_TF: &str = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  /* é😀 */ local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n}\n";

fn available(what: &str, found: bool) -> bool {
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{what} is not installed; .ci/run installs it"
        );
        eprintln!("skipped: {what} is not installed (.ci/run installs it)");
    }
    found
}

fn has(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("main.tf"), MAIN_TF).unwrap();
    // Only the rules the scripts look at.
    std::fs::write(
        dir.path().join(".cosmolint.toml"),
        "select = [\"CDB001\", \"CDB002\"]\n",
    )
    .unwrap();
    dir
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editors").join(name)
}

fn run(mut cmd: Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success() && stdout.contains(": ok"),
        "{what} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
}

#[test]
fn neovim_shows_and_fixes_a_finding() {
    if !available("Neovim (nvim)", has("nvim", "--version")) {
        return;
    }
    let ws = workspace();
    let mut cmd = Command::new("nvim");
    cmd.args(["--headless", "--clean", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", script("nvim.lua").display()))
        .env("COSMOLINT_BIN", env!("CARGO_BIN_EXE_cosmolint"))
        .env("COSMOLINT_DIR", ws.path());
    run(cmd, "nvim");
    let text = std::fs::read_to_string(ws.path().join("main.tf")).unwrap();
    assert_eq!(text, MAIN_TF, "the quick fix edits the buffer, not the file");
}

#[test]
fn emacs_eglot_shows_a_finding_and_clears_it() {
    let eglot = has("emacs", "--version")
        && Command::new("emacs")
            .args(["--batch", "-Q", "--eval", "(progn (require 'package) (add-to-list 'package-directory-list \"/usr/share/emacs/site-lisp/elpa\") (package-initialize) (require 'eglot))"])
            .output()
            .is_ok_and(|o| o.status.success());
    if !available("Emacs with eglot (emacs-nox, elpa-eglot)", eglot) {
        return;
    }
    let ws = workspace();
    let mut cmd = Command::new("emacs");
    cmd.args(["--batch", "-Q", "-l"])
        .arg(script("eglot.el"))
        .env("COSMOLINT_BIN", env!("CARGO_BIN_EXE_cosmolint"))
        .env("COSMOLINT_DIR", ws.path());
    run(cmd, "emacs eglot");
}

#[test]
fn vscode_protocol_libraries_agree_with_the_server() {
    let modules = std::env::var_os("COSMOLINT_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/editor-clients/node_modules"));
    let found = has("node", "--version") && modules.join("vscode-languageserver-protocol").is_dir();
    if !available("node with vscode-languageserver-protocol (npm)", found) {
        return;
    }
    let ws = workspace();
    let mut cmd = Command::new("node");
    cmd.arg(script("vscode_client.js"))
        .arg(env!("CARGO_BIN_EXE_cosmolint"))
        .arg(ws.path())
        .env("NODE_PATH", &modules);
    run(cmd, "the vscode-languageserver-protocol client");
}
