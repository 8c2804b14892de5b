//! Throughput of the Terraform parser (MB/s) and of evaluation + model building, on a
//! synthetic module made by repeating the bundled example with renamed resources.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cosmolint::eval::terraform::{ModuleLoader, TfModule, TfUnit};
use cosmolint::parse::terraform;
use cosmolint::source::FileId;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn synthetic(copies: usize) -> String {
    let example = include_str!("../examples/terraform/main.tf");
    let mut out = String::new();
    for i in 0..copies {
        out.push_str(
            &example
                .replace("\"main\"", &format!("\"main{i}\""))
                .replace(".main.", &format!(".main{i}."))
                .replace("\"writer\"", &format!("\"writer{i}\""))
                .replace(".writer.", &format!(".writer{i}."))
                .replace("\"api\"", &format!("\"api{i}\""))
                .replace("\"reporting\"", &format!("\"reporting{i}\""))
                .replace("\"disable_local_auth\"", &format!("\"disable_local_auth{i}\""))
                .replace("var.disable_local_auth", &format!("var.disable_local_auth{i}"))
                .replace("\"database\"", &format!("\"database{i}\""))
                .replace("var.database", &format!("var.database{i}")),
        );
    }
    out
}

struct NoModules;

impl ModuleLoader for NoModules {
    fn resolve(&self, _: &Path, _: &str, source: &str) -> Result<PathBuf, String> {
        Err(format!("{source} is not loaded in benchmarks"))
    }
    fn load(&self, _: &Path) -> Option<Arc<TfModule>> {
        None
    }
}

fn bench(c: &mut Criterion) {
    let text = synthetic(200);
    let mut g = c.benchmark_group("terraform");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse", |b| b.iter(|| terraform::parse(FileId(0), &text)));
    g.bench_function("evaluate+model", |b| {
        b.iter_batched(
            || Arc::new(TfModule::new(PathBuf::from("."), [terraform::parse(FileId(0), &text)])),
            |module| {
                let unit = TfUnit::new(module, Vec::new(), &NoModules);
                cosmolint::model::azurerm::build(&unit)
            },
            criterion::BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
