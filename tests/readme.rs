//! The README's examples are what the binary prints: the sample human report is one finding
//! of `cosmolint check examples/`, verbatim, and the sample JSON report has the shape and the
//! values of the real one (strings shortened with `…` match the real string's start).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The body of the first fenced block of `lang` in the README.
fn fence(text: &str, lang: &str) -> String {
    let open = format!("```{lang}\n");
    let start = text
        .find(&open)
        .unwrap_or_else(|| panic!("README.md has no ```{lang} block"))
        + open.len();
    let end = start + text[start..].find("```").expect("the block is closed");
    text[start..end].to_string()
}

fn check_examples(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(["check", "examples/"])
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the README says the example exits with 1");
    String::from_utf8(out.stdout).unwrap()
}

/// Lines without trailing whitespace (editors strip it from Markdown).
fn trimmed(text: &str) -> Vec<String> {
    text.trim_end().lines().map(|l| l.trim_end().to_string()).collect()
}

#[test]
fn readme_sample_report_is_the_binary_output() {
    let sample = fence(&readme(), "text");
    let header = sample.lines().next().unwrap().to_string();
    let output = check_examples(&["--color", "never"]);
    // The finding the sample shows: from its header to the next finding's header.
    let lines: Vec<&str> = output.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == header)
        .unwrap_or_else(|| panic!("no `{header}` in the output:\n{output}"));
    let is_header = |l: &str| l.contains(": error[") || l.contains(": warning[") || l.contains(": info[");
    let end = (start + 1..lines.len())
        .find(|&i| is_header(lines[i]) || lines[i].contains(" findings in "))
        .unwrap_or(lines.len());
    let finding = lines[start..end].join("\n");
    assert_eq!(
        trimmed(&sample),
        trimmed(&finding),
        "README.md's sample report differs from `cosmolint check examples/ --color never`; paste:\n{finding}"
    );
}

/// `sample` is `real` with some strings shortened to `start…`: same keys, same values.
fn assert_matches(sample: &Value, real: &Value, at: &str) {
    match (sample, real) {
        (Value::Object(s), Value::Object(r)) => {
            let (sk, rk): (Vec<&String>, Vec<&String>) = (s.keys().collect(), r.keys().collect());
            assert_eq!(sk, rk, "{at}: the README's keys differ from the report's");
            for (k, v) in s {
                assert_matches(v, &r[k], &format!("{at}.{k}"));
            }
        }
        (Value::Array(s), Value::Array(r)) => {
            // Each element shown is one of the real ones (the README shows a selection).
            for (i, v) in s.iter().enumerate() {
                let found = r
                    .iter()
                    .any(|x| std::panic::catch_unwind(|| assert_matches(v, x, "")).is_ok());
                assert!(found, "{at}[{i}]: no such element in the report: {v}\nreport: {real}");
            }
        }
        (Value::String(s), Value::String(r)) if s.contains('…') => {
            let (head, tail) = s.split_once('…').unwrap();
            assert!(
                r.starts_with(head.trim_end()) && r.ends_with(tail.trim_start()),
                "{at}: `{s}` does not shorten `{r}`"
            );
        }
        _ => assert_eq!(sample, real, "{at}"),
    }
}

#[test]
fn readme_sample_json_has_the_real_shape_and_values() {
    let text = readme();
    let at = text.find("`--format json` is stable").expect("the JSON section");
    let sample: Value = serde_json::from_str(&fence(&text[at..], "json")).expect("the README's JSON parses");
    let real: Value = serde_json::from_str(&check_examples(&["--format", "json"])).unwrap();
    let mut real = real;
    // The version changes with every release; the README shows the current one.
    assert_eq!(real["tool"]["version"], env!("CARGO_PKG_VERSION"));
    real["tool"]["version"] = sample["tool"]["version"].clone();
    assert_matches(&sample, &real, "$");
}
