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
  public_network_access_enabled = false

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
/// Named on the command line with an extension cosmolint does not read, so it gets an
/// `unsupported-file` warning whose message holds the name — newline and all.
const HOSTILE_BICEP: &str = "x\n::error::injected;]##vso[task.complete result=Failed]%0A.txt";

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
        // A line break from the input is shown as an escape, not decoded into a new line.
        let message = message.replace('\n', "\\u{a}");
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
        let message = message.replace('\n', "\\u{a}").replace("##vso[", "##vso\\[");
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
    // Header, delimiter row and two findings; the `|` in the directory name is a character
    // reference, so each row still has exactly five separators.
    assert_eq!(rows.len(), 4, "{md}");
    for row in &rows {
        assert_eq!(row.matches('|').count(), 5, "{row}");
    }
    assert!(
        md.contains("a&#44;b&#58;c&#124;d&#47;100&#37;&#59;x&#93;&#46;tf:6"),
        "{md}"
    );

    // Other formats leave the summary alone.
    let before = std::fs::read_to_string(&summary).unwrap();
    run(
        dir.path(),
        &[HOSTILE_DIR, "--format", "json"],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), before);
}

#[test]
fn junit_is_well_formed_with_a_case_per_file_and_rule() {
    use quick_xml::events::Event;

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad/main.tf", ACCOUNT_TF);
    write(
        dir.path(),
        "good/main.tf",
        &ACCOUNT_TF.replace(
            "local_authentication_disabled = false",
            "local_authentication_disabled = true\n  access_key_metadata_writes_enabled = false",
        ),
    );
    write(dir.path(), "broken <&>/x.tf", "resource \"a\" {\n");
    let out = run(dir.path(), &[".", "--format", "junit"], &[]);
    let xml = stdout(&out);

    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut errors) = (0, 0, 0);
    let mut suite_attrs = Vec::new();
    let mut failure_text = String::new();
    let mut failure_messages = Vec::new();
    let mut in_failure = false;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("malformed XML: {e}\n{xml}"))
        {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => cases += 1,
                b"failure" => {
                    failures += 1;
                    in_failure = true;
                    let message = e.try_get_attribute("message").unwrap().expect("failure message");
                    failure_messages.push(
                        message
                            .normalized_value(quick_xml::XmlVersion::default())
                            .unwrap()
                            .to_string(),
                    );
                }
                b"error" => errors += 1,
                b"testsuite" => {
                    for a in e.attributes() {
                        let a = a.unwrap();
                        suite_attrs.push((
                            String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                            a.normalized_value(quick_xml::XmlVersion::default())
                                .unwrap()
                                .to_string(),
                        ));
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_failure => failure_text.push_str(&t.decode().unwrap()),
            Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
            _ => {}
        }
    }
    let rules = cosmolint::rules::ALL.iter().filter(|r| r.enabled_by_default).count();
    // Three .tf files times the rules, and one syntax-error case for the broken file.
    assert_eq!(cases, 3 * rules + 1, "{xml}");
    assert_eq!(failures, 2, "CDB001 and CDB002 in bad/main.tf:\n{xml}");
    assert_eq!(errors, 1, "{xml}");
    let attr = |k: &str| suite_attrs.iter().find(|(key, _)| key == k).unwrap().1.clone();
    assert_eq!(attr("tests"), (3 * rules + 1).to_string());
    assert_eq!(attr("failures"), "2");
    assert_eq!(attr("errors"), "1");
    assert!(failure_text.contains("bad/main.tf:6:35: error: "), "{failure_text}");
    assert!(
        failure_messages
            .iter()
            .any(|m| m.starts_with("bad/main.tf:6:35: `azurerm_cosmosdb_account.main` accepts")),
        "{failure_messages:?}"
    );
}

#[test]
fn junit_has_cases_for_bicep_and_arm_templates_and_none_for_notices() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.bicep",
        "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    disableLocalAuth: true\n    disableKeyBasedMetadataWriteAccess: true\n    publicNetworkAccess: 'Disabled'\n  }\n}\n",
    );
    write(
        dir.path(),
        "azuredeploy.json",
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}"#,
    );
    write(
        dir.path(),
        "azuredeploy.parameters.json",
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}}"#,
    );
    write(dir.path(), "README.md", "# x\n");
    let out = run(
        dir.path(),
        &["main.bicep", "azuredeploy.json", "README.md", "--format", "junit"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "the README.md notice fails nothing");
    let xml = stdout(&out);
    let rules = cosmolint::rules::ALL.iter().filter(|r| r.enabled_by_default).count();
    for file in ["main.bicep", "azuredeploy.json"] {
        let cases = xml.matches(&format!("<testcase classname=\"{file}\"")).count();
        assert_eq!(cases, rules, "{file}:\n{xml}");
    }
    assert!(!xml.contains("README.md") && !xml.contains("parameters.json"), "{xml}");
    assert!(
        xml.contains(&format!("tests=\"{}\" failures=\"0\" errors=\"0\"", 2 * rules)),
        "{xml}"
    );
}

#[test]
fn junit_has_cases_for_the_rules_that_ran_only() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "resource \"azurerm_cosmosdb_account\" \"a\" {\n  name = \"a\"\n  local_authentication_disabled = true\n}\n",
    );
    let cases = |args: &[&str]| -> Vec<String> {
        let out = run(dir.path(), &[&["main.tf", "--format", "junit"], args].concat(), &[]);
        stdout(&out)
            .lines()
            .filter_map(|l| l.split(" name=\"").nth(1))
            .filter_map(|n| n.split('"').next())
            .filter(|n| n.starts_with("CDB"))
            .map(str::to_string)
            .collect()
    };
    // A rule that did not run passed nothing: it has no test case.
    assert_eq!(cases(&["--select", "CDB001"]), ["CDB001 local-auth-enabled"]);
    assert_eq!(
        cases(&["--ignore", "CDB001,CDB003"]),
        [
            "CDB002 key-metadata-writes-enabled",
            "CDB004 account-scope-assignment",
            "CDB005 public-network-open",
            "CDB006 firewall-allows-any",
            "CDB007 tls-below-1-2",
            "CDB008 key-access-management-role",
            "CDB009 mongo-rbac-disabled",
            "CDB010 unknown-role-definition",
            "CDB014 account-key-in-use"
        ]
    );
}

#[test]
fn lsp_json_positions_count_utf16_units() {
    let dir = tempfile::tempdir().unwrap();
    // 😀 is one character but two UTF-16 units; é is one of each.
    let tf = ACCOUNT_TF.replace(
        "local_authentication_disabled = false",
        "local_authentication_disabled = /* 😀é */ false",
    );
    write(dir.path(), "my dir/main.tf", &tf);
    let json: Value = serde_json::from_str(&stdout(&run(dir.path(), &[".", "--format", "json"], &[]))).unwrap();
    let lsp: Value = serde_json::from_str(&stdout(&run(dir.path(), &[".", "--format", "lsp-json"], &[]))).unwrap();

    let group = &lsp[0];
    let uri = group["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/my%20dir/main.tf"),
        "{uri}"
    );
    let find = |code: &str| {
        group["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap()
            .clone()
    };
    let d = find("CDB001");
    let human = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CDB001")
        .unwrap();
    // JSON counts characters from 1, LSP UTF-16 units from 0: one more unit for the emoji.
    let col = human["range"]["start"]["column"].as_u64().unwrap();
    assert_eq!(d["range"]["start"]["character"].as_u64().unwrap(), col - 1 + 1);
    assert_eq!(d["range"]["start"]["line"], 5);
    let text_before = "  local_authentication_disabled = /* 😀é */ ";
    assert_eq!(
        d["range"]["start"]["character"].as_u64().unwrap() as usize,
        text_before.encode_utf16().count()
    );
    assert_eq!(
        d["range"]["end"]["character"].as_u64().unwrap() as usize,
        text_before.encode_utf16().count() + "false".len()
    );
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "cosmolint");
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/rules/CDB001.md"));
}

#[test]
fn lsp_json_related_information_points_at_labels() {
    let dir = tempfile::tempdir().unwrap();
    let tf = format!(
        "variable \"off\" {{\n  default = false\n}}\n{}",
        ACCOUNT_TF.replace(
            "local_authentication_disabled = false",
            "local_authentication_disabled = var.off"
        )
    );
    write(dir.path(), "main.tf", &tf);
    let lsp: Value = serde_json::from_str(&stdout(&run(dir.path(), &[".", "--format", "lsp-json"], &[]))).unwrap();
    let d = lsp[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CDB001")
        .unwrap();
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], lsp[0]["uri"]);
    assert_eq!(related["location"]["range"]["start"]["line"], 1);
    assert!(related["message"].as_str().unwrap().contains("off"));
}

#[test]
fn output_writes_one_format_to_a_file_and_another_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", ACCOUNT_TF);
    let out = run(
        dir.path(),
        &[".", "--format", "sarif", "--output", "out.sarif", "--format", "github"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
    let text = stdout(&out);
    assert!(text.starts_with("::error file=main.tf,"), "{text}");
    assert!(!text.contains("\"version\""));

    // Every format to a file: the human report goes to stdout.
    let out = run(
        dir.path(),
        &[
            ".",
            "-f",
            "junit",
            "-o",
            "out.xml",
            "--format=lsp-json",
            "--output=out.json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(std::fs::read_to_string(dir.path().join("out.xml"))
        .unwrap()
        .starts_with("<?xml"));
    assert!(std::fs::read_to_string(dir.path().join("out.json"))
        .unwrap()
        .starts_with('['));
    let text = stdout(&out);
    assert!(
        text.contains("error[CDB001]") && text.contains("2 findings in 1 file"),
        "{text}"
    );
}

#[test]
fn unwritable_output_is_exit_status_2() {
    let dir = tempfile::tempdir().unwrap();
    // No findings, so any status but 0 comes from the output.
    write(dir.path(), "empty.tf", "");
    let out = run(
        dir.path(),
        &[".", "--format", "sarif", "--output", "missing/dir/out.sarif"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot write the sarif report to missing/dir/out.sarif"),
        "{err}"
    );
}

#[test]
fn ambiguous_output_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.tf", "");
    for (args, needle) in [
        (
            vec![".", "--format", "sarif", "--format", "github"],
            "only one --format",
        ),
        (
            vec![".", "--output", "x.sarif", "--format", "sarif"],
            "must follow the --format",
        ),
    ] {
        let out = run(dir.path(), &args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!dir.path().join("x.sarif").exists());
    }
}
