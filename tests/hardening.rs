//! The real binary on input written to hurt it (issue #13): every case runs `cosmolint` as a
//! child process, so a stack overflow or an abort fails the test instead of taking the test
//! runner down, and every case checks that the rest of the run still reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn cosmolint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run cosmolint")
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// The JSON report, after checking that the process ended on its own with status 0, 1 or 2.
fn report(out: &Output) -> Value {
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "cosmolint did not exit normally ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// (code, file) of every diagnostic.
fn found(v: &Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(v: &Value, code: &str, file: &str) -> bool {
    found(v).iter().any(|(c, f)| c == code && f == file)
}

const TF_ACCOUNT: &str = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}\n";
const ARM_SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

fn arm_account(disable_local_auth: &str) -> String {
    format!(
        r#"{{"$schema": "{ARM_SCHEMA}", "variables": {{"v": {{}}}}, "resources": [{{"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15", "name": "a", "properties": {{"disableKeyBasedMetadataWriteAccess": true, "publicNetworkAccess": "Disabled", "disableLocalAuth": {disable_local_auth}}}}}]}}"#
    )
}

fn bicep_account(disable_local_auth: &str) -> String {
    format!(
        "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {{\n  name: 'a'\n  properties: {{\n    disableKeyBasedMetadataWriteAccess: true\n    disableLocalAuth: {disable_local_auth}\n    publicNetworkAccess: 'Disabled'\n  }}\n}}\n"
    )
}

/// 100,000 segments or levels of each construct that builds a deep tree.
const N: usize = 100_000;

/// Deep expressions, each as the value of an account's local-auth property, per dialect.
fn deep_cases() -> Vec<(String, String)> {
    let rep = |s: &str| s.repeat(N);
    let mut cases = Vec::new();
    let tf = |name: &str, expr: String| {
        (
            format!("tf-{name}/main.tf"),
            format!("locals {{\n  v = {{}}\n}}\nresource \"azurerm_cosmosdb_account\" \"a\" {{\n  local_authentication_disabled = {expr}\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}}\n"),
        )
    };
    cases.push(tf("member", format!("local.v{}", rep(".a"))));
    cases.push(tf("index", format!("local.v{}", rep("[0]"))));
    cases.push(tf("brackets", format!("{}true{}", rep("["), rep("]"))));
    cases.push(tf("parens", format!("{}true{}", rep("("), rep(")"))));
    cases.push(tf("calls", format!("{}true{}", rep("tobool("), rep(")"))));
    cases.push(tf("not", format!("{}true", rep("!"))));
    cases.push(tf("and", vec!["true"; N].join(" && ")));
    cases.push(tf("conditional", format!("{}true", rep("true ? true : "))));
    let arm = |name: &str, expr: String| (format!("arm-{name}/azuredeploy.json"), arm_account(&expr));
    cases.push(arm("member", format!("\"[variables('v'){}]\"", rep(".a"))));
    cases.push(arm("index", format!("\"[variables('v'){}]\"", rep("[0]"))));
    cases.push(arm("calls", format!("\"[{}true(){}]\"", rep("not("), rep(")"))));
    cases.push(arm("json", format!("{}true{}", rep("["), rep("]"))));
    let bicep = |name: &str, expr: String| (format!("bicep-{name}/main.bicep"), bicep_account(&expr));
    cases.push(bicep("member", format!("v{}", rep(".a"))));
    cases.push(bicep("index", format!("v{}", rep("[0]"))));
    cases.push(bicep("brackets", format!("{}true{}", rep("["), rep("]"))));
    cases.push(bicep("parens", format!("{}true{}", rep("("), rep(")"))));
    cases.push(bicep("calls", format!("{}true{}", rep("bool("), rep(")"))));
    cases.push(bicep("not", format!("{}true", rep("!"))));
    cases.push(bicep("and", vec!["true"; N].join(" && ")));
    cases.push(bicep("conditional", format!("{}true", rep("true ? true : "))));
    cases
}

#[test]
fn deep_expressions_in_every_dialect_end_in_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "ok/main.tf", TF_ACCOUNT);
    write(tmp.path(), "ok/azuredeploy.json", arm_account("false"));
    write(tmp.path(), "ok/main.bicep", bicep_account("false"));
    let cases = deep_cases();
    for (path, text) in &cases {
        write(tmp.path(), path, text);
    }
    let v = report(&cosmolint(tmp.path(), &["check", ".", "--format", "json"]));
    // The other files of the run are still linted.
    for f in ["ok/main.tf", "ok/azuredeploy.json", "ok/main.bicep"] {
        assert!(has(&v, "CDB001", f), "{f}: {:?}", found(&v));
    }
    for (path, _) in &cases {
        // A deep value is never taken for `false`: either the file is refused with a
        // syntax error at a position, or the value is unknown.
        assert!(!has(&v, "CDB001", path), "{path}: {:?}", found(&v));
    }
    // The parser refuses each with a syntax error at a position.
    for (path, _) in &cases {
        assert!(has(&v, "syntax-error", path), "{path}: {:?}", found(&v));
    }
    // Each case alone, so that one case's abort cannot hide behind another's report.
    for (path, _) in &cases {
        let out = cosmolint(tmp.path(), &["check", path, "--format", "json"]);
        report(&out);
    }
}

#[test]
fn reference_chains_of_deep_values_do_not_overflow() {
    let tmp = tempfile::tempdir().unwrap();
    // Each named value is a deep array around the previous one (60 levels: hcl-edit refuses
    // 64): evaluation depth adds up over the hops, and the values grow deeper than any
    // expression.
    let wrap = |inner: String| format!("{}{inner}{}", "[".repeat(60), "]".repeat(60));
    let mut tf = String::from("locals {\n  l0 = false\n");
    let mut bicep = String::from("var l0 = false\n");
    let mut arm_vars = vec!["\"l0\": false".to_string()];
    for i in 1..300 {
        tf.push_str(&format!("  l{i} = {}\n", wrap(format!("local.l{}", i - 1))));
        bicep.push_str(&format!("var l{i} = {}\n", wrap(format!("l{}", i - 1))));
        arm_vars.push(format!("\"l{i}\": \"[createArray(variables('l{}'))]\"", i - 1));
    }
    tf.push_str("}\n");
    // Every link is used, in order, so each is evaluated once on top of the cached one below.
    let uses: Vec<String> = (0..300).map(|i| format!("t{i} = local.l{i}")).collect();
    tf.push_str(&format!(
        "resource \"azurerm_cosmosdb_account\" \"a\" {{\n  tags = {{\n    {}\n  }}\n  local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}}\n",
        uses.join("\n    ")
    ));
    let uses: Vec<String> = (0..300).map(|i| format!("t{i}: l{i}")).collect();
    bicep.push_str(&bicep_account("false").replacen(
        "  name: 'a'\n",
        &format!("  name: 'a'\n  tags: {{\n    {}\n  }}\n", uses.join("\n    ")),
        1,
    ));
    let uses: Vec<String> = (0..300).map(|i| format!("\"t{i}\": \"[variables('l{i}')]\"")).collect();
    let arm = arm_account("false")
        .replace(
            "\"variables\": {\"v\": {}}",
            &format!("\"variables\": {{{}}}", arm_vars.join(", ")),
        )
        .replace(
            "\"name\": \"a\",",
            &format!("\"name\": \"a\", \"tags\": {{{}}},", uses.join(", ")),
        );
    write(tmp.path(), "tf/main.tf", tf);
    write(tmp.path(), "bicep/main.bicep", bicep);
    write(tmp.path(), "arm/azuredeploy.json", arm);
    let v = report(&cosmolint(tmp.path(), &["check", ".", "--format", "json"]));
    for f in ["tf/main.tf", "bicep/main.bicep", "arm/azuredeploy.json"] {
        assert!(has(&v, "CDB001", f), "{f}: {:?}", found(&v));
    }
}

/// Runs the binary, failing the test (instead of hanging it) when it does not end within two
/// minutes (a FIFO read would block forever). Not a timing assertion: the slowest case takes
/// seconds in a debug build.
fn cosmolint_bounded(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run cosmolint");
    // Read the pipes while waiting: a full pipe would block the child.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut v).map(|_| v)
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut v).map(|_| v)
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("cosmolint {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap().unwrap(),
        stderr: err_reader.join().unwrap().unwrap(),
    }
}

/// (code, file, message) of every diagnostic.
fn messages(v: &Value) -> Vec<(String, String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn files_over_the_size_limit_are_refused_before_they_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "ok/main.tf", TF_ACCOUNT);
    // 5 GiB, sparse: reading it would take minutes and all memory; line-index panics past
    // 4 GiB. Refused from its size alone.
    let big = std::fs::File::create(tmp.path().join("big/main.tf").tap_dir()).unwrap();
    big.set_len(5 << 30).unwrap();
    let big_json = std::fs::File::create(tmp.path().join("big/azuredeploy.json")).unwrap();
    big_json.set_len(5 << 30).unwrap();
    let v = report(&cosmolint_bounded(tmp.path(), &["check", ".", "--format", "json"]));
    let m = messages(&v);
    assert!(has(&v, "CDB001", "ok/main.tf"), "{m:?}");
    assert!(
        m.iter().any(|(c, f, msg)| c == "io-error"
            && f == "big/main.tf"
            && msg.contains("5368709120 bytes, over the limit of 67108864 bytes")),
        "{m:?}"
    );
    // A JSON file over the limit that does not announce an ARM schema is not ours: no error.
    assert!(!m.iter().any(|(_, f, _)| f == "big/azuredeploy.json"), "{m:?}");

    // The limit is configurable, and a JSON file that is ARM is refused by it too.
    write(tmp.path(), "small/azuredeploy.json", arm_account("false"));
    let v = report(&cosmolint_bounded(
        tmp.path(),
        &["check", "ok", "small", "--format", "json", "--max-file-size", "100"],
    ));
    let m = messages(&v);
    for f in ["ok/main.tf", "small/azuredeploy.json"] {
        assert!(
            m.iter()
                .any(|(c, file, msg)| c == "io-error" && file == f && msg.contains("over the limit of 100 bytes")),
            "{f}: {m:?}"
        );
    }
}

trait TapDir {
    fn tap_dir(self) -> Self;
}

impl TapDir for PathBuf {
    /// Creates the parent directory.
    fn tap_dir(self) -> PathBuf {
        std::fs::create_dir_all(self.parent().unwrap()).unwrap();
        self
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_never_read_wherever_they_are() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    // Every kind of file cosmolint reads besides the linted ones, as a FIFO or /dev/zero.
    write(repo, "tf/main.tf", TF_ACCOUNT);
    mkfifo(&repo.join("tf/terraform.tfvars"));
    write(
        repo,
        "registry/main.tf",
        format!("module \"m\" {{\n  source = \"Azure/x/azurerm\"\n}}\n{TF_ACCOUNT}"),
    );
    std::fs::create_dir_all(repo.join("registry/.terraform/modules")).unwrap();
    symlink("/dev/zero", repo.join("registry/.terraform/modules/modules.json")).unwrap();
    write(
        repo,
        "fifomod/main.tf",
        format!("module \"m\" {{\n  source = \"Azure/x/azurerm\"\n}}\n{TF_ACCOUNT}"),
    );
    mkfifo(&repo.join("fifomod/.terraform/modules/modules.json"));
    write(
        repo,
        "bicep/main.bicep",
        format!("module m 'mod.bicep' = {{\n  name: 'm'\n}}\n{}", bicep_account("false")),
    );
    mkfifo(&repo.join("bicep/mod.bicep"));
    mkfifo(&repo.join("bicep/main.bicepparam"));
    write(repo, "arm/azuredeploy.json", arm_account("false"));
    mkfifo(&repo.join("arm/azuredeploy.parameters.json"));
    let v = report(&cosmolint_bounded(repo, &["check", ".", "--format", "json"]));
    let m = messages(&v);
    for f in [
        "tf/main.tf",
        "registry/main.tf",
        "fifomod/main.tf",
        "bicep/main.bicep",
        "arm/azuredeploy.json",
    ] {
        assert!(has(&v, "CDB001", f), "{f}: {m:?}");
    }
    // A FIFO found by listing a directory is not an input (like one found by the walk).
    assert!(!m.iter().any(|(_, f, _)| f == "tf/terraform.tfvars"), "{m:?}");
    for (f, why) in [
        ("registry/.terraform/modules/modules.json", "special file"),
        (
            "fifomod/.terraform/modules/modules.json",
            "a FIFO is not a regular file",
        ),
    ] {
        assert!(
            m.iter()
                .any(|(c, file, msg)| c == "io-error" && file == f && msg.contains(why)),
            "{f}: {m:?}"
        );
    }

    // Named on the command line: the usage error says why, nothing blocks.
    mkfifo(&repo.join("named/p.json"));
    mkfifo(&repo.join("named/v.tfvars"));
    mkfifo(&repo.join("named/p.bicepparam"));
    for args in [
        ["check", "arm", "--parameters", "named/p.json"],
        ["check", "tf", "--var-file", "named/v.tfvars"],
    ] {
        let out = cosmolint_bounded(repo, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("FIFO"), "{args:?}: {err}");
    }
    let out = cosmolint_bounded(
        repo,
        &[
            "check",
            "bicep",
            "--parameters",
            "named/p.bicepparam",
            "--format",
            "json",
        ],
    );
    let m = messages(&report(&out));
    assert!(
        m.iter()
            .any(|(c, f, msg)| c == "io-error" && f == "named/p.bicepparam" && msg.contains("FIFO")),
        "{m:?}"
    );
}

#[cfg(unix)]
#[test]
fn nothing_outside_the_repository_is_read_or_printed() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let secret = "SECRET-TOKEN-d41d8cd98f00";
    write(tmp.path(), "secret.txt", format!("password = \"{secret}\"\n"));
    write(
        tmp.path(),
        "outside/mod.bicep",
        format!("// {secret}\n{}", bicep_account("false")),
    );
    write(
        tmp.path(),
        "outside/cosmos.json",
        arm_account("false").replace("\"a\"", &format!("\"{secret}\"")),
    );
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo, "ok/main.tf", TF_ACCOUNT);
    symlink("/proc/self/environ", repo.join("env.tf")).unwrap();
    symlink("../secret.txt", repo.join("leak.tf")).unwrap();
    symlink("../secret.txt", repo.join("leak.bicep")).unwrap();
    symlink("../outside/cosmos.json", repo.join("leak.json")).unwrap();
    write(
        &repo,
        "mods/main.bicep",
        "module m 'linked.bicep' = {\n  name: 'm'\n}\n",
    );
    symlink("../../outside/mod.bicep", repo.join("mods/linked.bicep")).unwrap();
    for format in ["json", "human", "sarif", "github", "azure-devops", "junit", "lsp-json"] {
        let out = cosmolint_bounded(&repo, &["check", ".", "--format", format, "--show-unresolved"]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(secret), "{format}: {all}");
        assert!(!all.contains("PATH="), "{format}: the environment was printed: {all}");
        assert_eq!(out.status.code(), Some(2), "{format}: {all}");
    }
    let v = report(&cosmolint_bounded(&repo, &["check", ".", "--format", "json"]));
    let m = messages(&v);
    assert!(has(&v, "CDB001", "ok/main.tf"), "{m:?}");
    for (f, why) in [
        ("env.tf", "special file"),
        ("leak.tf", "outside the repository"),
        ("leak.bicep", "outside the repository"),
        ("leak.json", "outside the repository"),
    ] {
        assert!(
            m.iter()
                .any(|(c, file, msg)| c == "io-error" && file == f && msg.contains(why)),
            "{f}: {m:?}"
        );
    }
    // Named explicitly, the link is still not followed out of the repository.
    let v = report(&cosmolint_bounded(&repo, &["check", "leak.tf", "--format", "json"]));
    assert!(
        messages(&v)
            .iter()
            .any(|(c, _, msg)| c == "io-error" && msg.contains("outside")),
        "{:?}",
        messages(&v)
    );
}

/// Strings that mean something to a terminal, a CI log reader, a Markdown renderer or a
/// workflow-command parser. One table for every output format.
const HOSTILE: &[&str] = &[
    "x\n::error file=a,line=1::injected",
    "x\r::add-mask::hidden",
    "##vso[task.setvariable variable=x]1",
    "##[group]folded",
    "osc52\u{1b}]52;c;aGVsbG8=\u{7}",
    "clear\u{1b}[2J\u{1b}[31mred",
    "bidi\u{202e}lirpa\u{2066}x\u{2069}",
    "md`](https:e.vil)![i](https:e.vil)<img src=x>",
    "pct%0A%25;]|&",
    "c1\u{9b}31m\u{85}nel\u{2028}ls",
];

/// What no human, GitHub or Azure DevOps report may contain raw.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A tree where every hostile string is a directory name (Terraform finding), an ARM
/// resource name (quoted in messages) and the text of a broken Bicep statement (quoted in
/// the syntax error), plus a binary file named `.tf`.
fn hostile_tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (i, h) in HOSTILE.iter().enumerate() {
        write(tmp.path(), &format!("{}/main.tf", h.replace('/', "_")), TF_ACCOUNT);
        let name = serde_json::to_string(h).unwrap();
        write(
            tmp.path(),
            &format!("arm{i}/azuredeploy.json"),
            arm_account("false").replace("\"name\": \"a\"", &format!("\"name\": {name}")),
        );
        write(
            tmp.path(),
            &format!("bicep{i}/main.bicep"),
            format!("var x = '{h}\n{h} = (\n"),
        );
    }
    let binary: Vec<u8> = (0..2048u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    write(tmp.path(), "bin/main.tf", binary);
    tmp
}

fn run_format(dir: &Path, format: &str) -> String {
    let out = cosmolint(dir, &["check", ".", "--format", format, "--color", "never"]);
    assert!(matches!(out.status.code(), Some(1 | 2)), "{format}: {:?}", out.status);
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{format}: output is not UTF-8: {e}"))
}

#[test]
fn no_format_lets_input_text_control_the_terminal_or_the_log() {
    let tmp = hostile_tree();
    for format in ["human", "github", "azure-devops"] {
        let text = run_format(tmp.path(), format);
        assert!(text.contains("CDB001"), "{format}: {text}");
        for (n, line) in text.lines().enumerate() {
            // A command's `file=` / `sourcepath=` property carries the path exactly (the
            // runner decodes its documented escapes) so the annotation finds the file; the
            // message is what the log shows.
            let shown = match format {
                "github" => line.splitn(3, "::").nth(2).unwrap_or(line),
                "azure-devops" => line.split_once(']').map_or(line, |(_, m)| m),
                _ => line,
            };
            let bad: Vec<char> = shown.chars().filter(|c| unsafe_char(*c)).collect();
            assert!(bad.is_empty(), "{format} line {n}: raw {bad:?} in {line:?}");
            let t = line.trim_start();
            match format {
                // Every line is cosmolint's own command or summary.
                "github" => assert!(
                    ["::error ", "::warning ", "::notice ", "cosmolint: "]
                        .iter()
                        .any(|p| line.starts_with(p)),
                    "{format} line {n}: {line:?}"
                ),
                "azure-devops" => {
                    assert!(
                        line.starts_with("##vso[task.logissue ") || line.starts_with("cosmolint: "),
                        "{format} line {n}: {line:?}"
                    );
                    // The agent runs one command per line: the first `##vso[` up to the
                    // first raw `]` (escaped in values); the message holds no other.
                    assert!(!shown.contains("##vso["), "{format} line {n}: {line:?}");
                }
                _ => {
                    assert!(
                        !t.starts_with("::") && !t.starts_with("##["),
                        "{format} line {n}: {line:?}"
                    );
                    assert!(!line.contains("##vso["), "{format} line {n}: {line:?}");
                }
            }
        }
    }
    // The binary file's bytes are not dumped: its snippet shows no control characters
    // (checked above) and it is reported.
    let human = run_format(tmp.path(), "human");
    assert!(human.contains("bin/main.tf"), "{human}");
}

#[test]
fn machine_formats_carry_hostile_names_exactly_and_stay_well_formed() {
    let tmp = hostile_tree();
    // JSON, SARIF and LSP JSON are data: they stay valid JSON and keep each name exactly.
    let json: Value = serde_json::from_str(&run_format(tmp.path(), "json")).unwrap();
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    let messages: String = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    for h in HOSTILE {
        let dir = h.replace('/', "_");
        assert!(files.contains(&format!("{dir}/main.tf").as_str()), "{h:?}: {files:?}");
        assert!(messages.contains(h), "{h:?} not quoted exactly");
    }
    for format in ["sarif", "lsp-json"] {
        let text = run_format(tmp.path(), format);
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{format}: {e}"));
        // JSON escapes C0 controls; C1 and bidi characters are data there, kept exactly.
        assert!(
            !text.chars().any(|c| c < ' ' && c != '\n'),
            "{format}: raw control character"
        );
        assert!(v.is_object() || v.is_array());
    }
    // JUnit is well-formed XML.
    let xml = run_format(tmp.path(), "junit");
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("junit: {e}: {xml}"),
        }
    }
    // The job summary: one table row per line, five cell separators, no Markdown or HTML
    // from the input.
    let summary = tmp.path().join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(["check", ".", "--format", "github"])
        .current_dir(tmp.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(1 | 2)));
    let md = std::fs::read_to_string(&summary).unwrap();
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    assert!(rows.len() > HOSTILE.len(), "{md}");
    for line in md.lines().skip_while(|l| !l.starts_with("| ")) {
        assert!(line.starts_with("| "), "a line outside the table: {line:?}");
        assert_eq!(line.matches('|').count(), 5, "{line}");
        assert!(!line.chars().any(unsafe_char), "{line:?}");
        // Location and message (the rule cell is cosmolint's own link).
        let cells: Vec<&str> = line.split('|').collect();
        for cell in &cells[3..] {
            for markup in ["](", "![", "<img", "`", "[", "<b"] {
                assert!(!cell.contains(markup), "{markup} in {line}");
            }
        }
    }
}

#[test]
fn many_findings_and_huge_objects_end_in_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let accounts: String = (0..2_000)
        .map(|i| format!("resource \"azurerm_cosmosdb_account\" \"a{i}\" {{\n  local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n}}\n"))
        .collect();
    write(tmp.path(), "many/main.tf", accounts);
    let keys: String = (0..45_000).map(|i| format!("    k{i} = \"v{i}\"\n")).collect();
    write(
        tmp.path(),
        "object/main.tf",
        format!("locals {{\n  m = {{\n{keys}  }}\n}}\n"),
    );
    let out = cosmolint_bounded(tmp.path(), &["check", ".", "--color", "never"]);
    let text = String::from_utf8(out.stdout).unwrap();
    // Every finding is rendered with its own snippet, at its own line.
    assert_eq!(text.matches(": error[CDB001]").count(), 2_000);
    assert!(
        text.contains("many/main.tf:7998:35: error[CDB001]"),
        "{}",
        &text[text.len() - 2000..]
    );
    assert!(text.contains(" 7998 |   local_authentication_disabled = false"));
    assert!(
        text.contains("object/main.tf:2:7: error[syntax-error]"),
        "{}",
        &text[..2000]
    );
    assert!(text.contains("object has more than 8192 entries"));
}

fn utf16(text: &str, be: bool) -> Vec<u8> {
    let mut v = if be { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
    for u in text.encode_utf16() {
        v.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
    }
    v
}

/// (code, file, line) of every diagnostic.
fn lines_of(v: &Value) -> Vec<(String, String, u64)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn utf16_and_utf32_files_are_decoded_in_every_dialect() {
    let tmp = tempfile::tempdir().unwrap();
    let arm = arm_account("false").replace(", \"", ",\r\n\"");
    let cdb001_line = |text: &str, needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() as u64 + 1;
    let mut want = Vec::new();
    for (be, tag) in [(false, "le"), (true, "be")] {
        write(tmp.path(), &format!("{tag}/azuredeploy.json"), utf16(&arm, be));
        write(tmp.path(), &format!("{tag}/main.tf"), utf16(TF_ACCOUNT, be));
        write(
            tmp.path(),
            &format!("{tag}/main.bicep"),
            utf16(&bicep_account("false"), be),
        );
        want.push((
            format!("{tag}/azuredeploy.json"),
            cdb001_line(&arm, "\"disableLocalAuth\""),
        ));
        want.push((format!("{tag}/main.tf"), 2));
        want.push((format!("{tag}/main.bicep"), 5));
    }
    let mut utf32 = vec![0xFF, 0xFE, 0, 0];
    utf32.extend(TF_ACCOUNT.chars().flat_map(|c| (c as u32).to_le_bytes()));
    write(tmp.path(), "utf32/main.tf", utf32);
    want.push(("utf32/main.tf".into(), 2));
    // An unpaired surrogate is an encoding error that names the encoding.
    let mut broken = utf16("resource \"x\" \"y\" {\n", false);
    broken.extend([0x00, 0xD8, b'}', 0]);
    write(tmp.path(), "broken/main.tf", broken);
    let v = report(&cosmolint(tmp.path(), &["check", ".", "--format", "json"]));
    let got = lines_of(&v);
    for (file, line) in &want {
        assert!(
            got.contains(&("CDB001".into(), file.clone(), *line)),
            "{file}:{line}: {got:?}"
        );
    }
    assert!(
        messages(&v)
            .iter()
            .any(|(c, f, m)| c == "encoding-error" && f == "broken/main.tf" && m.contains("UTF-16 LE")),
        "{:?}",
        messages(&v)
    );
    // Named on the command line, a UTF-16 template is linted too (it was skipped silently).
    let v = report(&cosmolint(
        tmp.path(),
        &["check", "le/azuredeploy.json", "--format", "json"],
    ));
    assert!(has(&v, "CDB001", "le/azuredeploy.json"), "{:?}", found(&v));
}

#[test]
fn an_unpaired_surrogate_escape_in_json_is_read_as_azure_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "azuredeploy.json",
        arm_account("false").replace("\"name\": \"a\"", "\"name\": \"a\\ud800\""),
    );
    let v = report(&cosmolint(tmp.path(), &["check", ".", "--format", "json"]));
    assert_eq!(found(&v), [("CDB001".to_string(), "azuredeploy.json".to_string())]);
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_linted_and_never_merged() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let name = |b: &[u8]| tmp.path().join(OsStr::from_bytes(b));
    for dir in [&b"d\xff"[..], &b"d\xfe"[..]] {
        std::fs::create_dir_all(name(dir)).unwrap();
        std::fs::write(name(dir).join("main.tf"), TF_ACCOUNT).unwrap();
    }
    std::fs::write(name(b"cosmos\xff.tf"), TF_ACCOUNT).unwrap();
    let v = report(&cosmolint(tmp.path(), &["check", ".", "--format", "json"]));
    let files: Vec<String> = found(&v)
        .into_iter()
        .filter(|(c, _)| c == "CDB001")
        .map(|(_, f)| f)
        .collect();
    assert_eq!(files, ["cosmos\\xFF.tf", "d\\xFE/main.tf", "d\\xFF/main.tf"]);
    // Named, it is linted as Terraform.
    let out = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .arg("check")
        .arg(OsStr::from_bytes(b"cosmos\xff.tf"))
        .args(["--format", "json"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(has(&report(&out), "CDB001", "cosmos\\xFF.tf"));
    // URIs name each file by its bytes.
    let sarif: Value = serde_json::from_str(&run_format(tmp.path(), "sarif")).unwrap();
    let mut uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "CDB001")
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    uris.sort();
    assert_eq!(uris, ["cosmos%FF.tf", "d%FE/main.tf", "d%FF/main.tf"]);
    let lsp: Value = serde_json::from_str(&run_format(tmp.path(), "lsp-json")).unwrap();
    let uris: Vec<&str> = lsp
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris.len(), 3, "{uris:?}");
    for tail in ["/cosmos%FF.tf", "/d%FE/main.tf", "/d%FF/main.tf"] {
        assert!(
            uris.iter().any(|u| u.starts_with("file:///") && u.ends_with(tail)),
            "{tail}: {uris:?}"
        );
    }
}

#[test]
fn a_lone_cr_ends_a_line_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    // ARM and Bicep files saved with CR line ends; the finding is on line 5 (0-based 4).
    let arm = format!(
        "{{\r\"$schema\": \"{ARM_SCHEMA}\",\r\"resources\": [{{\"type\": \"Microsoft.DocumentDB/databaseAccounts\", \"apiVersion\": \"2024-05-15\", \"name\": \"a\",\r\"properties\": {{\"disableKeyBasedMetadataWriteAccess\": true, \"publicNetworkAccess\": \"Disabled\",\r\"disableLocalAuth\": false}}}}]\r}}\r"
    );
    write(tmp.path(), "azuredeploy.json", &arm);
    write(tmp.path(), "main.bicep", bicep_account("false").replace('\n', "\r"));
    let v = report(&cosmolint(tmp.path(), &["check", ".", "--format", "json"]));
    let got = lines_of(&v);
    assert!(
        got.contains(&("CDB001".into(), "azuredeploy.json".into(), 5)),
        "{got:?}"
    );
    assert!(got.contains(&("CDB001".into(), "main.bicep".into(), 5)), "{got:?}");
    let lsp: Value = serde_json::from_str(&run_format(tmp.path(), "lsp-json")).unwrap();
    for f in lsp.as_array().unwrap() {
        for d in f["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "CDB001")
        {
            assert_eq!(d["range"]["start"]["line"], 4, "{d}");
        }
    }
    let sarif: Value = serde_json::from_str(&run_format(tmp.path(), "sarif")).unwrap();
    for r in sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "CDB001")
    {
        assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 5, "{r}");
    }
    let human = run_format(tmp.path(), "human");
    assert!(human.contains("azuredeploy.json:5:"), "{human}");
    assert!(human.contains(" 5 | \"disableLocalAuth\": false"), "{human}");
}
