//! Throughput of the ARM JSON parser (JSON, `[...]` expressions and lowering, in bytes per
//! second) and of evaluation + model building, on a synthetic template with `n` accounts,
//! role definitions and role assignments written the way exported templates write them
//! (parameters, variables, `concat`, `resourceId`, `guid`, `copy`).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use cosmolint::eval::arm::ArmUnit;
use cosmolint::parse::arm;
use cosmolint::source::FileId;

fn synthetic(n: usize) -> String {
    let mut resources = Vec::new();
    for i in 0..n {
        resources.push(format!(
            r#"{{
      "type": "Microsoft.DocumentDB/databaseAccounts",
      "apiVersion": "2024-05-15",
      "name": "[concat(parameters('prefix'), '-{i}')]",
      "location": "[parameters('location')]",
      "kind": "GlobalDocumentDB",
      "properties": {{
        "databaseAccountOfferType": "Standard",
        "disableLocalAuth": "[parameters('disableLocalAuth')]",
        "disableKeyBasedMetadataWriteAccess": "[not(parameters('allowKeyWrites'))]",
        "locations": [{{ "locationName": "[parameters('location')]", "failoverPriority": 0 }}],
        "capabilities": "[if(parameters('serverless'), createArray(createObject('name', 'EnableServerless')), createArray())]"
      }}
    }},
    {{
      "type": "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions",
      "apiVersion": "2024-05-15",
      "name": "[concat(parameters('prefix'), '-{i}', '/', guid(resourceGroup().id, 'reader-{i}'))]",
      "dependsOn": ["[resourceId('Microsoft.DocumentDB/databaseAccounts', concat(parameters('prefix'), '-{i}'))]"],
      "properties": {{
        "roleName": "reader-{i}",
        "type": "CustomRole",
        "assignableScopes": ["[concat(resourceId('Microsoft.DocumentDB/databaseAccounts', concat(parameters('prefix'), '-{i}')), '/dbs/', variables('database'))]"],
        "permissions": [{{ "dataActions": "[variables('readActions')]" }}]
      }}
    }},
    {{
      "type": "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
      "apiVersion": "2024-05-15",
      "name": "[concat(parameters('prefix'), '-{i}', '/', guid(parameters('principalIds')[copyIndex()], 'reader-{i}'))]",
      "copy": {{ "name": "assignments{i}", "count": "[length(parameters('principalIds'))]" }},
      "properties": {{
        "roleDefinitionId": "[resourceId('Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions', concat(parameters('prefix'), '-{i}'), guid(resourceGroup().id, 'reader-{i}'))]",
        "principalId": "[parameters('principalIds')[copyIndex()]]",
        "scope": "[resourceId('Microsoft.DocumentDB/databaseAccounts', concat(parameters('prefix'), '-{i}'))]"
      }}
    }}"#
        ));
    }
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{
    "prefix": {{ "type": "string", "defaultValue": "contoso" }},
    "location": {{ "type": "string", "defaultValue": "[resourceGroup().location]" }},
    "disableLocalAuth": {{ "type": "bool", "defaultValue": false }},
    "allowKeyWrites": {{ "type": "bool", "defaultValue": true }},
    "serverless": {{ "type": "bool", "defaultValue": true }},
    "principalIds": {{ "type": "array", "defaultValue": ["11111111-1111-1111-1111-111111111111"] }}
  }},
  "variables": {{
    "database": "orders",
    "readActions": [
      "Microsoft.DocumentDB/databaseAccounts/readMetadata",
      "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read"
    ]
  }},
  "resources": [
    {}
  ]
}}
"#,
        resources.join(",\n    ")
    )
}

fn bench(c: &mut Criterion) {
    let text = synthetic(200);
    let mut g = c.benchmark_group("arm");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| arm::parse(FileId(0), std::hint::black_box(&text)))
    });
    let parsed = arm::parse(FileId(0), &text).expect("an ARM template");
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let root = parsed.root.expect("a root object");
    g.bench_function("evaluate+model", |b| {
        b.iter(|| {
            let unit = ArmUnit::new(&root, &text, &[]);
            cosmolint::model::arm::build(&unit, &unit.resources)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
