//! What issue #14 adds after the rules, at two sizes each so the ratio shows the growth:
//! finding suppressions in files that have none (every run pays this: one SIMD search per
//! file), applying suppressions to findings in a file full of them, and fingerprinting
//! findings (baselines, SARIF).
//!
//! `cargo bench --bench suppress`

use std::path::PathBuf;

use cosmolint::diagnostic::Diagnostic;
use cosmolint::source::Files;
use cosmolint::{baseline, suppress};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// `n` accounts; every other one has a suppression above it.
fn accounts(n: usize) -> String {
    (0..n)
        .map(|i| {
            let ignore = if i % 2 == 0 { "# cosmolint-ignore CDB001 -- legacy\n" } else { "" };
            format!("{ignore}resource \"azurerm_cosmosdb_account\" \"a{i}\" {{\n  name = \"a{i}\"\n  local_authentication_disabled = false\n}}\n")
        })
        .collect()
}

fn scope_apply(files: &Files, linted: &[PathBuf], diagnostics: Vec<Diagnostic>) -> usize {
    let applied = suppress::apply(
        files,
        diagnostics,
        &suppress::Scope {
            linted,
            enabled: &|_, _| true,
        },
    );
    applied.kept.len() + applied.suppressed.len()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("suppress-scan-files-without-suppressions");
    g.sample_size(10);
    for n in [300, 3_000] {
        let files = Files::new(None);
        let body = accounts(1)
            .replace("# cosmolint-ignore CDB001 -- legacy\n", "")
            .repeat(80);
        let mut linted = Vec::new();
        for i in 0..n {
            let path = PathBuf::from(format!("stack-{i}/main.tf"));
            files.add(path.clone(), body.clone());
            linted.push(path);
        }
        g.throughput(Throughput::Bytes((body.len() * n) as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| scope_apply(&files, &linted, Vec::new()))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("suppress-apply-findings-in-one-file");
    g.sample_size(10);
    for n in [1_000, 10_000] {
        let report = cosmolint::lint_text("main.tf", &accounts(n));
        let all: Vec<Diagnostic> = report
            .diagnostics
            .iter()
            .cloned()
            .chain(report.suppressed.iter().map(|s| s.diagnostic.clone()))
            .collect();
        let linted = vec![PathBuf::from("main.tf")];
        g.throughput(Throughput::Elements(all.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| scope_apply(&report.files, &linted, all.clone()))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("fingerprint-findings");
    g.sample_size(10);
    for n in [1_000, 10_000] {
        let report = cosmolint::lint_text(
            "main.tf",
            &accounts(n).replace("# cosmolint-ignore CDB001 -- legacy\n", ""),
        );
        let findings = report.diagnostics.clone();
        g.throughput(Throughput::Elements(findings.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                let mut f = findings.clone();
                baseline::fingerprint(&report.files, f.iter_mut()).len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
