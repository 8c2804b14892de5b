//! Hostile and broken input: every case ends with diagnostics (or nothing), never a
//! panic, a hang or unbounded memory; the rest of the run goes on.

use std::path::Path;

fn lint(dir: &Path) -> cosmolint::Report {
    cosmolint::lint(&cosmolint::Options {
        paths: vec![dir.to_path_buf()],
        base: Some(dir.to_path_buf()),
        ..Default::default()
    })
    .unwrap()
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn codes(r: &cosmolint::Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

const ACCOUNT: &str = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}\n";

#[test]
fn deeply_nested_brackets_are_a_syntax_error() {
    let tmp = tempfile::tempdir().unwrap();
    let deep = format!("locals {{\n  x = {}{}\n}}\n", "[".repeat(10_000), "]".repeat(10_000));
    write(tmp.path(), "deep/main.tf", deep);
    let objects = format!(
        "locals {{\n  x = {}{}\n}}\n",
        "{a = ".repeat(10_000),
        "}".repeat(10_000)
    );
    write(tmp.path(), "objects/main.tf", objects);
    write(tmp.path(), "ok/main.tf", ACCOUNT);
    let r = lint(tmp.path());
    assert_eq!(codes(&r), ["syntax-error", "syntax-error", "CDB001"]);
}

#[test]
fn long_operator_chains_and_traversals_do_not_overflow() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "a/main.tf",
        format!("locals {{\n  x = {}\n}}\n", vec!["1"; 50_000].join(" + ")),
    );
    write(
        tmp.path(),
        "b/main.tf",
        format!("locals {{\n  x = a{}\n}}\n", ".b".repeat(100_000)),
    );
    write(
        tmp.path(),
        "c/main.tf",
        format!("locals {{\n  x = {}true\n}}\n", "!".repeat(100_000)),
    );
    let r = lint(tmp.path());
    assert!(codes(&r).iter().all(|c| *c == "syntax-error"), "{:?}", codes(&r));
}

#[test]
fn a_50_megabyte_file_is_linted() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::with_capacity(50 << 20);
    let line = format!("# {}\n", "x".repeat(1000));
    while text.len() < 50 << 20 {
        text.push_str(&line);
    }
    text.push_str(ACCOUNT);
    write(tmp.path(), "main.tf", text);
    let r = lint(tmp.path());
    assert_eq!(codes(&r), ["CDB001"]);
}

#[test]
fn nul_bytes_and_binary_garbage_are_syntax_errors() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "nul/main.tf",
        b"resource \"a\" \"b\" {\n  x = \"\0\"\n}\0\0\n",
    );
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 & 0x7f)
        .collect();
    write(tmp.path(), "garbage/main.tf", garbage);
    let r = lint(tmp.path());
    assert!(!codes(&r).is_empty());
    assert!(codes(&r).iter().all(|c| *c == "syntax-error"), "{:?}", codes(&r));
}

#[cfg(unix)]
#[test]
fn symlink_loops_fifos_and_dangling_links_do_not_hang() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "stack/main.tf", ACCOUNT);
    symlink(tmp.path(), tmp.path().join("stack/loop")).unwrap();
    symlink(tmp.path().join("missing.tf"), tmp.path().join("stack/dangling.tf")).unwrap();
    // A FIFO named like a Terraform file: reading it would block forever.
    let fifo = tmp.path().join("stack/pipe.tf");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success());
    let r = lint(tmp.path());
    assert_eq!(codes(&r), ["CDB001"], "{:?}", r.diagnostics);
    if made.is_ok_and(|ok| ok) {
        let r = cosmolint::lint(&cosmolint::Options {
            paths: vec![fifo],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(codes(&r), ["io-error"]);
    }
}

#[cfg(unix)]
#[test]
fn symlinked_files_are_linted() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    // Linked from elsewhere in the same repository (tests/hardening.rs: from outside it).
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    write(tmp.path(), "shared/cosmos.tf", ACCOUNT);
    std::fs::create_dir_all(tmp.path().join("stack")).unwrap();
    symlink(tmp.path().join("shared/cosmos.tf"), tmp.path().join("stack/cosmos.tf")).unwrap();
    let r = lint(&tmp.path().join("stack"));
    assert_eq!(codes(&r), ["CDB001"]);
}

#[test]
fn reference_cycles_are_unknown() {
    let tmp = tempfile::tempdir().unwrap();
    let text = r#"
locals {
  a = local.b
  b = local.c
  c = local.a
}
variable "v" {
  default = false
}
resource "azurerm_cosmosdb_account" "a" {
  local_authentication_disabled = local.a
  access_key_metadata_writes_enabled = false
  public_network_access_enabled = false
}
"#;
    write(tmp.path(), "main.tf", text);
    let r = lint(tmp.path());
    assert!(codes(&r).is_empty(), "{:?}", codes(&r));
    assert!(
        r.unresolved.iter().any(|u| u.why.contains("refers to itself")),
        "{:?}",
        r.unresolved
    );
}

#[test]
fn exponential_string_growth_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("locals {\n  s0 = \"abcdefgh\"\n");
    for i in 1..=64 {
        text.push_str(&format!("  s{i} = \"${{local.s{}}}${{local.s{}}}\"\n", i - 1, i - 1));
    }
    text.push_str("  f = format(\"%s%s\", local.s64, local.s64)\n}\n");
    text.push_str(
        "resource \"azurerm_cosmosdb_account\" \"a\" {\n  name = local.f\n  local_authentication_disabled = local.s64 == \"x\"\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}\n",
    );
    write(tmp.path(), "main.tf", text);
    let r = lint(tmp.path());
    assert!(codes(&r).is_empty(), "{:?}", codes(&r));
}

#[test]
fn modules_that_call_themselves_or_leave_the_repository_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(
        &repo,
        "main.tf",
        "module \"me\" {\n  source = \"./\"\n}\nmodule \"out\" {\n  source = \"../outside\"\n}\n",
    );
    write(tmp.path(), "outside/main.tf", ACCOUNT);
    write(&repo, "loop/a/main.tf", "module \"b\" {\n  source = \"../b\"\n}\n");
    write(&repo, "loop/b/main.tf", "module \"a\" {\n  source = \"../a\"\n}\n");
    let r = lint(&repo);
    assert!(codes(&r).is_empty(), "{:?}", codes(&r));
    let whys: Vec<&str> = r.unresolved.iter().map(|u| u.why.as_str()).collect();
    assert!(whys.iter().any(|w| w.contains("outside the repository")), "{whys:?}");
    assert!(whys.iter().any(|w| w.contains("calls itself")), "{whys:?}");
}

#[test]
fn mutated_real_files_never_crash() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut sources = Vec::new();
    for root in [&corpus, &fixtures] {
        for e in walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            let ext = e.path().extension().and_then(|x| x.to_str()).unwrap_or("");
            if matches!(ext, "tf" | "tfvars" | "json" | "bicep" | "bicepparam") {
                let name = e.file_name().to_string_lossy().into_owned();
                sources.push((name, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut per_kind = std::collections::BTreeMap::<String, usize>::new();
    for (i, (name, src)) in sources.iter().enumerate().step_by(3) {
        for (m, mutated) in mutations(src, i).into_iter().enumerate() {
            // One directory per mutant, under the file's own name, so that a template and
            // its parameter file are never mixed up across mutants.
            write(&tmp.path().join(format!("{i}-{m}")), name, mutated);
            *per_kind
                .entry(name.rsplit('.').next().unwrap().to_string())
                .or_default() += 1;
        }
    }
    let r = lint(tmp.path());
    for d in &r.diagnostics {
        assert!(
            d.is_rule() || matches!(d.code, "syntax-error" | "encoding-error"),
            "{}: {}",
            d.code,
            d.message
        );
    }
    for kind in ["tf", "json", "bicep"] {
        assert!(per_kind.get(kind).copied().unwrap_or(0) > 50, "{per_kind:?}");
    }
    // The mutants still parse often enough to reach the rules and the syntax errors.
    assert!(codes(&r).contains(&"syntax-error") && r.diagnostics.iter().any(|d| d.is_rule()));
}

/// Truncations, byte flips, a duplicated line, removed brackets.
fn mutations(src: &[u8], seed: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for frac in [3, 2] {
        out.push(src[..src.len() / frac].to_vec());
    }
    let mut flipped = src.to_vec();
    for k in 0..8 {
        if !flipped.is_empty() {
            let at = (seed * 7919 + k * 104_729) % flipped.len();
            flipped[at] ^= 0x5a;
        }
    }
    out.push(flipped);
    let text = String::from_utf8_lossy(src);
    let lines: Vec<&str> = text.lines().collect();
    if !lines.is_empty() {
        let mut dup = lines.clone();
        dup.insert(seed % lines.len(), lines[seed % lines.len()]);
        out.push(dup.join("\n").into_bytes());
    }
    out.push(text.replacen('}', "", 1 + seed % 3).into_bytes());
    out.push(text.replacen('[', "", 1).into_bytes());
    out
}
