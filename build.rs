//! Build script: tells the tests whether the shared data beside the repository is there.
//!
//! The real-world corpus (`../shared/corpus/files`) and the SARIF schema
//! (`../shared/schemas/sarif-schema-2.1.0.json`) are not part of the repository. Tests that
//! need them are compiled with `#[cfg_attr(not(has_corpus), ignore = "…")]` (or
//! `has_sarif_schema`), so a clone without them reports them as ignored, with the reason,
//! instead of passing without testing anything. When `CI` is set the cfgs are always on: CI
//! has the data, and a test that cannot find it fails.

use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let shared = Path::new(&manifest).join("..").join("shared");
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    for (cfg, path) in [
        ("has_corpus", shared.join("corpus").join("files")),
        (
            "has_sarif_schema",
            shared.join("schemas").join("sarif-schema-2.1.0.json"),
        ),
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        // Cargo treats a watched path that does not exist as changed on every build (the
        // crate would be rebuilt each time), so only existing paths are watched: the data,
        // else `../shared` when only the data is missing. Without `../shared` nothing is
        // watched: after adding it, `touch build.rs`.
        if path.exists() {
            println!("cargo::rerun-if-changed={}", path.display());
        } else if shared.is_dir() {
            println!("cargo::rerun-if-changed={}", shared.display());
        }
        if ci || path.exists() {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-changed=build.rs");
}
