//! Throughput of the Bicep parser (lexer, statement finder, parser and lowering to IR) and
//! of evaluation + model building, in bytes per second, on synthetic templates: one clean
//! file, one with newer syntax (spread, nullable params, `resourceInput<…>`, `extension`),
//! one with every closing brace missing (error recovery), and runs of broken statements
//! (linear: the same throughput at two sizes).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cosmolint::eval::bicep::{BicepLoader, BicepUnit};
use cosmolint::parse::bicep::{self, BicepFile};
use cosmolint::source::FileId;

/// Module calls are not followed in the benchmark (the templates have none).
struct NoModules;

impl BicepLoader for NoModules {
    fn load(&self, _: &Path) -> Option<Arc<BicepFile>> {
        None
    }
}

/// A template with `n` accounts, role definitions and assignments.
fn synthetic(n: usize, newer_syntax: bool) -> String {
    let mut s = String::new();
    if newer_syntax {
        s.push_str("extension microsoftGraphV1\n");
        s.push_str("param tags resourceInput<'Microsoft.DocumentDB/databaseAccounts@2024-11-15'>.tags?\n");
    }
    s.push_str("@description('Location of every account.')\nparam location string = resourceGroup().location\n");
    s.push_str("param principalIds array = []\nvar dbName = 'orders'\n\n");
    for i in 0..n {
        if newer_syntax {
            s.push_str(&format!("param settings{i} {{ localAuth: bool? }}?\n"));
        }
        s.push_str(&format!(
            "resource account{i} 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {{\n  name: 'contoso-{i}'\n  location: location\n  kind: 'GlobalDocumentDB'\n  properties: {{\n    databaseAccountOfferType: 'Standard'\n    disableLocalAuth: !empty(principalIds) && length(principalIds) > {i}\n    capabilities: map(['EnableServerless'], c => {{ name: c }})\n"
        ));
        if newer_syntax {
            s.push_str(&format!(
                "    ...(settings{i}.?localAuth ?? false ? {{ disableLocalAuth: false }} : {{}})\n"
            ));
        }
        s.push_str(&format!(
            "  }}\n  resource db 'sqlDatabases' = {{\n    name: dbName\n    properties: {{ resource: {{ id: dbName }} }}\n  }}\n}}\n\nresource def{i} 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-05-15' = {{\n  parent: account{i}\n  name: guid(account{i}.id, 'reader')\n  properties: {{\n    roleName: 'reader-{i}'\n    type: 'CustomRole'\n    assignableScopes: [ '${{account{i}.id}}/dbs/${{dbName}}' ]\n    permissions: [ {{ dataActions: [ 'Microsoft.DocumentDB/databaseAccounts/readMetadata' ] }} ]\n  }}\n}}\n\nresource ra{i} 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = [for p in principalIds: {{\n  parent: account{i}\n  name: guid(p, account{i}.id)\n  properties: {{\n    roleDefinitionId: def{i}.id\n    principalId: p\n    scope: '${{account{i}.id}}/dbs/${{dbName}}'\n  }}\n}}]\n\n"
        ));
    }
    s
}

/// `n` broken statements, one after another, of the shapes that were slow (issue #13):
/// a missing value, an unclosed bracket, an unterminated interpolation, a broken type.
/// Parsing them must stay linear: the throughput of 2,000 and of 8,000 is the same.
fn broken_statements(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&match i % 4 {
            0 => format!("param p{i} string =\n"),
            1 => format!("var v{i} = [\n"),
            2 => format!("resource r{i} 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {{\n  name: 'a${{'\n}}\n"),
            _ => format!("param t{i} {{ a: string b: int }}\n"),
        });
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("bicep_parse");
    // Every statement's closing brace removed: error recovery on each.
    let broken = synthetic(200, false).replace("}\n\n", "\n\n");
    for (name, text) in [
        ("clean", synthetic(200, false)),
        ("newer_syntax", synthetic(200, true)),
        ("broken", broken),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| bicep::parse(FileId(0), std::hint::black_box(&text)))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("bicep_parse_broken_statements");
    group.sample_size(10);
    for n in [2_000, 8_000] {
        let text = broken_statements(n);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(n.to_string(), |b| {
            b.iter(|| bicep::parse(FileId(0), std::hint::black_box(&text)))
        });
    }
    group.finish();
    let text = synthetic(200, false);
    let parsed = Arc::new(bicep::parse(FileId(0), &text));
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let mut group = c.benchmark_group("bicep_evaluate");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("evaluate+model", |b| {
        b.iter(|| {
            let unit = BicepUnit::new(parsed.clone(), PathBuf::from("main.bicep"), None, &NoModules);
            cosmolint::model::arm::build(&unit, &unit.resources)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
