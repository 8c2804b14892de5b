//! The CI formats end to end through the binary: GitHub and Azure DevOps commands with
//! hostile file names, the GitHub job summary, JUnit, LSP JSON and `--format/--output`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cosmolint");

/// One account with key auth and key metadata writes on: CDB001 and CDB002.
const ACCOUNT_TF: &str = r#"resource "azurerm_cosmosdb_account" "main" {
  name                          = "orders"
  location                      = "westeurope"
  resource_group_name           = "rg"
  offer_type                    = "Standard"
  local_authentication_disabled = false

  consistency_policy { consistency_level = "Session" }
  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}
"#;

/// Directory and file names that mean something in workflow commands, logging commands and
/// Markdown tables.
const HOSTILE_DIR: &str = "a,b:c|d";
const HOSTILE_TF: &str = "100%;x].tf";
/// Linted by name, so it gets an `unsupported-file` warning whose message holds the name —
/// newline and all.
const HOSTILE_BICEP: &str = "x\n::error::injected;]##vso[task.complete result=Failed]%0A.bicep";

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

fn run(dir: &Path, args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .arg("check")
        .args(args)
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("cosmolint runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn hostile_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &format!("{HOSTILE_DIR}/{HOSTILE_TF}"), ACCOUNT_TF);
    write(dir.path(), &format!("{HOSTILE_DIR}/{HOSTILE_BICEP}"), "");
    dir
}

fn hostile_paths() -> Vec<String> {
    vec![
        format!("{HOSTILE_DIR}/{HOSTILE_TF}"),
        format!("{HOSTILE_DIR}/{HOSTILE_BICEP}"),
    ]
}

/// (file, message) of each diagnostic in the JSON report: what the commands must carry.
fn expected(dir: &Path, paths: &[String]) -> Vec<(String, String, String)> {
    let mut args: Vec<&str> = paths.iter().map(String::as_str).collect();
    args.extend(["--format", "json"]);
    let json: Value = serde_json::from_str(&stdout(&run(dir, &args, &[]))).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A parsed command: name, decoded properties, decoded message.
type Parsed = (String, Vec<(String, String)>, String);

/// Parses a workflow command the way the Actions runner does (`ActionCommand.TryParseV2`):
/// `::name k=v,k=v::data`, the first `::` after the name ending the properties.
fn parse_github(line: &str) -> Option<Parsed> {
    let rest = line.strip_prefix("::")?;
    let end = rest.find("::")?;
    let (head, data) = (&rest[..end], &rest[end + 2..]);
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let unescape_data = |s: &str| s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%");
    let unescape_prop = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape_prop(v))
        })
        .collect();
    Some((name.to_string(), props, unescape_data(data)))
}

#[test]
fn github_annotations_survive_hostile_names_and_newlines() {
    let dir = hostile_fixture();
    let paths = hostile_paths();
    let want = expected(dir.path(), &paths);
    assert!(
        want.iter().any(|(_, m, _)| m.contains('\n')),
        "a message has a newline: {want:?}"
    );
    assert!(want.iter().any(|(f, _, _)| f.ends_with(HOSTILE_TF)));

    let mut args: Vec<&str> = paths.iter().map(String::as_str).collect();
    args.extend(["--format", "github"]);
    let out = run(dir.path(), &args, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    // One command per diagnostic and the summary line: nothing broke out onto a line of its own.
    assert_eq!(lines.len(), want.len() + 1, "{text}");
    assert!(lines.last().unwrap().starts_with("cosmolint: "));
    for (line, (file, message, severity)) in lines.iter().zip(&want) {
        let (name, props, data) = parse_github(line).unwrap_or_else(|| panic!("not a command: {line}"));
        let expected_name = match severity.as_str() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(name, expected_name);
        let keys: Vec<&str> = props.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["file", "line", "col", "endLine", "endColumn", "title"], "{line}");
        assert_eq!(&props[0].1, file, "{line}");
        assert!(data.starts_with(message.as_str()), "{data:?} vs {message:?}");
    }
    let cdb001 = lines.iter().find(|l| l.contains("CDB001")).unwrap();
    let (_, props, _) = parse_github(cdb001).unwrap();
    assert_eq!(props[5].1, "CDB001 local-auth-enabled");
    assert_eq!(props[1].1, "6");
}

/// Decodes a logging command the way the Azure Pipelines agent does (`Command.TryParse` and
/// `CommandStringConvertor.Unescape`, percent decoding on).
fn parse_azure(line: &str) -> Option<Parsed> {
    let unescape = |s: &str| {
        s.replace("%3B", ";")
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%5D", "]")
            .replace("%AZP25", "%")
    };
    let rest = line.strip_prefix("##vso[")?;
    let end = rest.find(']')?;
    let (head, message) = (&rest[..end], &rest[end + 1..]);
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape(v))
        })
        .collect();
    Some((name.to_string(), props, unescape(message)))
}

#[test]
fn azure_devops_issues_survive_hostile_names_and_newlines() {
    let dir = hostile_fixture();
    let paths = hostile_paths();
    let want = expected(dir.path(), &paths);
    let mut args: Vec<&str> = paths.iter().map(String::as_str).collect();
    args.extend(["--format", "azure-devops"]);
    let text = stdout(&run(dir.path(), &args, &[]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), want.len() + 1, "{text}");
    for (line, (file, message, severity)) in lines.iter().zip(&want) {
        let (name, props, decoded) = parse_azure(line).unwrap_or_else(|| panic!("not a command: {line}"));
        assert_eq!(name, "task.logissue");
        let get = |k: &str| props.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("type"), Some(if severity == "error" { "error" } else { "warning" }));
        assert_eq!(get("sourcepath"), Some(file.as_str()), "{line}");
        assert!(get("linenumber").unwrap().parse::<u32>().unwrap() >= 1);
        assert!(decoded.contains(message.as_str()), "{decoded:?} vs {message:?}");
    }
    assert!(lines
        .iter()
        .any(|l| l.contains("code=CDB001]CDB001 local-auth-enabled: ")));
}

#[test]
fn github_format_appends_a_job_summary() {
    let dir = hostile_fixture();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "previous step\n").unwrap();
    let out = run(
        dir.path(),
        &[HOSTILE_DIR, "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("previous step\n## cosmolint\n"), "{md}");
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    // Header, delimiter row and two findings; the `|` in the directory name is escaped, so
    // each row still has exactly five unescaped separators.
    assert_eq!(rows.len(), 4, "{md}");
    for row in &rows {
        assert_eq!(row.replace("\\|", "").matches('|').count(), 5, "{row}");
    }
    assert!(md.contains(r"a,b:c\|d/100%;x].tf:6"), "{md}");

    // Other formats leave the summary alone.
    let before = std::fs::read_to_string(&summary).unwrap();
    run(
        dir.path(),
        &[HOSTILE_DIR, "--format", "json"],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), before);
}
