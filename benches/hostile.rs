//! The inputs of issue #13 that used to cost super-linear time, at two sizes each, so the
//! ratio shows the growth: the human report of many findings in one file (miette used to
//! scan the file once per finding: 10,000 findings took 41 s), and a Terraform object
//! literal with many keys (hcl-edit searches its entries on every insert; objects are
//! capped at `limits::MAX_OBJECT_ENTRIES` entries so that a file's cost stays linear).
//!
//! `cargo bench --bench hostile`

use cosmolint::parse::terraform;
use cosmolint::report::human;
use cosmolint::source::FileId;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn accounts(n: usize) -> String {
    (0..n)
        .map(|i| format!("resource \"azurerm_cosmosdb_account\" \"a{i}\" {{\n  name = \"a{i}\"\n  local_authentication_disabled = false\n}}\n"))
        .collect()
}

fn object(keys: usize) -> String {
    let body: String = (0..keys).map(|i| format!("    k{i} = \"v{i}\"\n")).collect();
    format!("locals {{\n  m = {{\n{body}  }}\n}}\n")
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("human-report-findings-in-one-file");
    g.sample_size(10);
    for n in [1_000, 10_000] {
        let report = cosmolint::lint_text("main.tf", &accounts(n));
        g.throughput(Throughput::Elements(report.diagnostics.len() as u64));
        let style = human::Style {
            color: false,
            width: 100,
        };
        g.bench_with_input(BenchmarkId::from_parameter(n), &report, |b, r| {
            b.iter(|| human::render(r, style, false))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("terraform-parse-object-keys");
    g.sample_size(10);
    for keys in [2_000, 8_000] {
        let text = object(keys);
        g.throughput(Throughput::Elements(keys as u64));
        g.bench_with_input(BenchmarkId::from_parameter(keys), &text, |b, t| {
            b.iter(|| terraform::parse(FileId(0), t))
        });
    }
    // Many capped objects in one file: linear in the file.
    for copies in [4, 16] {
        let text = object(2_000).repeat(copies);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("2000-key objects", copies), &text, |b, t| {
            b.iter(|| terraform::parse(FileId(0), t))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
