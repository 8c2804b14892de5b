//! The GitHub Action's "Run cosmolint" step, run as the runner runs it (`bash --noprofile
//! --norc -eo pipefail`) with the step's inputs in its environment and the binary of this
//! build installed where the install step puts it.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Output};

/// The `run:` script of the step with `id: <id>` in action.yml.
fn step_script(id: &str) -> String {
    let action = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let lines: Vec<&str> = action.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("id: {id}"))
        .unwrap_or_else(|| panic!("action.yml has no step `{id}`"));
    let run = (at..lines.len())
        .find(|&i| lines[i].trim() == "run: |")
        .expect("the step has a `run: |` script");
    let indent = lines[run].len() - lines[run].trim_start().len();
    let mut script = String::new();
    for line in &lines[run + 1..] {
        let this = line.len() - line.trim_start().len();
        if !line.trim().is_empty() && this <= indent {
            break;
        }
        script.push_str(line.get(indent + 2..).unwrap_or(""));
        script.push('\n');
    }
    script
}

struct Run {
    out: Output,
    /// What the step wrote to `$GITHUB_OUTPUT`.
    outputs: String,
}

fn run_step(workspace: &Path, args: &str) -> Run {
    run_step_with(workspace, args, &[])
}

/// The step with inputs (`FAIL_ON`, `CONFIG`, …) set over the defaults.
fn run_step_with(workspace: &Path, args: &str, inputs: &[(&str, &str)]) -> Run {
    let runner_temp = tempfile::tempdir().unwrap();
    let bin = runner_temp.path().join("cosmolint/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_cosmolint"), bin.join("cosmolint")).unwrap();
    let script = runner_temp.path().join("step.sh");
    std::fs::write(&script, step_script("run")).unwrap();
    let outputs = runner_temp.path().join("github_output");
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(workspace)
        .env("RUNNER_TEMP", runner_temp.path())
        .env("GITHUB_OUTPUT", &outputs)
        .env("PATHS", ".")
        .env("FORMAT", "json")
        .env("SARIF_FILE", "")
        .env("FAIL_ON", "")
        .env("CONFIG", "")
        .env("ARGS", args)
        .envs(inputs.iter().copied())
        .output()
        .expect("run bash");
    Run {
        out,
        outputs: std::fs::read_to_string(outputs).unwrap_or_default(),
    }
}

fn findings_in(run: &Run) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&run.out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&run.out.stdout),
            String::from_utf8_lossy(&run.out.stderr)
        )
    });
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap().to_string())
        .collect()
}

const INSECURE: &str = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}\n";

fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["legacy", "old stuff", "infra"] {
        std::fs::create_dir_all(tmp.path().join(dir)).unwrap();
        std::fs::write(tmp.path().join(dir).join("main.tf"), INSECURE).unwrap();
    }
    tmp
}

#[test]
fn quoted_args_are_split_as_a_shell_splits_them() {
    let ws = workspace();
    let all = run_step(ws.path(), "");
    assert_eq!(
        findings_in(&all),
        ["infra/main.tf", "legacy/main.tf", "old stuff/main.tf"]
    );
    assert!(all.outputs.contains("exit-code=1"), "{}", all.outputs);

    // The README's example, and a quoted pattern with a space, one per line.
    let run = run_step(ws.path(), "--exclude 'legacy/**'\n--exclude \"old stuff\"");
    assert_eq!(findings_in(&run), ["infra/main.tf"]);
    assert_eq!(run.out.status.code(), Some(1));
    let run = run_step(ws.path(), "--exclude=infra --exclude legacy\\/** --exclude 'old stuff'");
    assert!(findings_in(&run).is_empty());
    assert!(run.outputs.contains("exit-code=0"), "{}", run.outputs);
}

#[test]
fn args_are_never_executed_or_expanded() {
    let ws = workspace();
    let marker = ws.path().join("pwned");
    let m = marker.display();
    let run = run_step(
        ws.path(),
        &format!("--exclude \"$(touch {m})\" --exclude '`touch {m}`' --exclude $HOME --exclude *"),
    );
    assert!(!marker.exists(), "the args input was executed");
    // cosmolint got each word as written, and said that those patterns match nothing.
    let stderr = String::from_utf8_lossy(&run.out.stderr);
    for word in [format!("$(touch {m})"), format!("`touch {m}`"), "$HOME".to_string()] {
        assert!(
            stderr.contains(&format!("--exclude `{word}` matched no file")),
            "{stderr}"
        );
    }
    // `*` reached cosmolint as a glob, not as the workspace's file names.
    assert!(findings_in(&run).is_empty(), "{stderr}");
    // A `;` is a word like any other (here a path that does not exist), not a command break.
    let run = run_step(ws.path(), &format!("; touch {m}"));
    assert!(!marker.exists(), "the args input was executed");
    assert_eq!(run.out.status.code(), Some(2));
}

#[test]
fn an_unmatched_quote_fails_the_step_with_a_clear_error() {
    let ws = workspace();
    let run = run_step(ws.path(), "--exclude 'legacy/**");
    assert_eq!(run.out.status.code(), Some(2));
    assert!(run.outputs.contains("exit-code=2"), "{}", run.outputs);
    let stdout = String::from_utf8_lossy(&run.out.stdout);
    assert!(
        stdout.contains("::error title=cosmolint::the args input could not be split"),
        "{stdout}"
    );
}

#[test]
fn the_config_input_names_the_configuration_and_fail_on_defaults_to_its() {
    let ws = workspace();
    // A trusted configuration outside the linted paths, and one in the workspace.
    let trusted = tempfile::tempdir().unwrap();
    let config = trusted.path().join("cosmolint.toml");
    std::fs::write(&config, "[per-path-ignores]\n\"legacy\" = [\"ALL\"]\n").unwrap();
    std::fs::write(
        ws.path().join(".cosmolint.toml"),
        "exclude = [\"infra\"]\nfail-on = \"error\"\n",
    )
    .unwrap();
    let run = run_step(ws.path(), "");
    assert_eq!(
        findings_in(&run),
        ["legacy/main.tf", "old stuff/main.tf"],
        "the workspace's file"
    );
    let run = run_step_with(ws.path(), "", &[("CONFIG", config.to_str().unwrap())]);
    // Its globs are relative to its own directory, so `legacy` matches nothing here.
    assert_eq!(
        findings_in(&run),
        ["infra/main.tf", "legacy/main.tf", "old stuff/main.tf"]
    );
    let local = ws.path().join("ci.toml");
    std::fs::write(
        &local,
        "fail-on = \"error\"\n[per-path-ignores]\n\"legacy\" = [\"ALL\"]\n",
    )
    .unwrap();
    let run = run_step_with(ws.path(), "", &[("CONFIG", "ci.toml")]);
    assert_eq!(findings_in(&run), ["infra/main.tf", "old stuff/main.tf"]);
    assert_eq!(run.out.status.code(), Some(1));
    // An empty fail-on input leaves the configuration's in force; a set one wins.
    std::fs::write(&local, "select = [\"CDB002\"]\nfail-on = \"error\"\n").unwrap();
    std::fs::write(
        ws.path().join("infra/main.tf"),
        "resource \"azurerm_cosmosdb_sql_role_assignment\" \"r\" {\n  scope = \"/\"\n}\n",
    )
    .unwrap();
    let quiet = run_step_with(ws.path(), "--select CDB004", &[("CONFIG", "ci.toml")]);
    assert_eq!(
        quiet.out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&quiet.out.stderr)
    );
    let strict = run_step_with(
        ws.path(),
        "--select CDB004",
        &[("CONFIG", "ci.toml"), ("FAIL_ON", "warning")],
    );
    assert_eq!(strict.out.status.code(), Some(1));
    let missing = run_step_with(ws.path(), "", &[("CONFIG", "nope.toml")]);
    assert_eq!(missing.out.status.code(), Some(2));
    assert!(missing.outputs.contains("exit-code=2"));
}
