//! Small inputs that ask for unbounded work (issue #13): each is generated here, linted
//! through the library to check that the evaluation budget stopped it and said so, and
//! through the binary under a 1 GiB address-space limit (`ulimit -v`) to check that it
//! ends normally. Time is bounded by the budget, which is counted, not timed: the work
//! each run spent is asserted, never its duration (`bench/hostile.sh` measures that).

use std::path::Path;

use cosmolint::eval::budget::{EXCEEDED, UNIT_BUDGET};

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn lint(dir: &Path) -> cosmolint::Report {
    cosmolint::lint(&cosmolint::Options {
        paths: vec![dir.to_path_buf()],
        base: Some(dir.to_path_buf()),
        ..Default::default()
    })
    .unwrap()
}

/// The findings of the key and role rules these inputs are written for; the network rules
/// (CDB005 and on) report the same accounts' default network settings besides.
fn codes(r: &cosmolint::Report) -> Vec<&'static str> {
    const KEY_AND_ROLE_RULES: [&str; 4] = ["CDB001", "CDB002", "CDB003", "CDB004"];
    r.diagnostics
        .iter()
        .map(|d| d.code)
        .filter(|c| !c.starts_with("CDB") || KEY_AND_ROLE_RULES.contains(c))
        .collect()
}

/// Runs the binary on `dir` with at most 1 GiB of address space; its exit status.
#[cfg(unix)]
fn exit_under_1gib(dir: &Path) -> Option<i32> {
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" check \"$1\" --format json >/dev/null 2>&1")
        .arg(env!("CARGO_BIN_EXE_cosmolint"))
        .arg(dir)
        .status()
        .unwrap();
    status.code()
}

/// The run spent its whole budget, said so once in the unresolved list, and the binary ends
/// normally (0 or 1) within 1 GiB.
fn assert_stopped_by_budget(dir: &Path, r: &cosmolint::Report) {
    assert_eq!(r.timings.work.exhausted, 1, "{:?}", r.timings.work);
    assert!(r.timings.work.max <= UNIT_BUDGET);
    let notes: Vec<&str> = r
        .unresolved
        .iter()
        .filter(|u| u.what == "evaluation")
        .map(|u| u.why.as_str())
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", r.unresolved);
    assert!(notes[0].contains(EXCEEDED), "{notes:?}");
    #[cfg(unix)]
    assert!(matches!(exit_under_1gib(dir), Some(0 | 1)), "{}", dir.display());
}

const SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

#[test]
fn values_that_double_23_times_are_cut_off_in_every_dialect() {
    let tmp = tempfile::tempdir().unwrap();
    let mut tf = String::from("locals {\n  l0 = [\"x\"]\n");
    let mut bicep = String::from("var l0 = ['x']\n");
    let mut arm_vars = vec![r#""l0": ["x"]"#.to_string()];
    for i in 1..=23 {
        tf.push_str(&format!("  l{i} = [local.l{0}, local.l{0}]\n", i - 1));
        bicep.push_str(&format!("var l{i} = [l{0}, l{0}]\n", i - 1));
        arm_vars.push(format!(
            r#""l{i}": "[createArray(variables('l{0}'), variables('l{0}'))]""#,
            i - 1
        ));
    }
    tf.push_str(
        "}\nresource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n  \
         access_key_metadata_writes_enabled = false\n  tags = {\n    n = length(flatten(local.l23))\n  }\n}\n",
    );
    bicep.push_str(
        "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    \
         disableLocalAuth: false\n    disableKeyBasedMetadataWriteAccess: true\n  }\n  tags: {\n    n: string(length(flatten(l23)))\n  }\n}\n",
    );
    let arm = format!(
        r#"{{"$schema": "{SCHEMA}", "variables": {{{}}}, "resources": [{{"type": "Microsoft.DocumentDB/databaseAccounts",
        "apiVersion": "2024-05-15", "name": "a", "properties": {{"disableLocalAuth": false,
        "disableKeyBasedMetadataWriteAccess": true}}, "tags": {{"n": "[string(length(flatten(variables('l23'))))]"}}}}]}}"#,
        arm_vars.join(", ")
    );
    for (name, file, text) in [
        ("tf", "main.tf", tf),
        ("bicep", "main.bicep", bicep),
        ("arm", "main.json", arm),
    ] {
        let dir = tmp.path().join(name);
        write(&dir, file, text);
        let r = lint(&dir);
        // What was evaluated before the budget ran out still counts.
        assert_eq!(codes(&r), ["CDB001"], "{name}");
        assert_stopped_by_budget(&dir, &r);
    }
}

#[test]
fn nested_loops_under_the_item_cap_are_cut_off() {
    let tmp = tempfile::tempdir().unwrap();
    let list = (0..10_000).map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(",");
    let tf = format!(
        "locals {{\n  l = [{list}]\n  big = [for i in local.l : [for j in local.l : \"${{i}}-${{j}}\"]]\n}}\n\
         resource \"azurerm_cosmosdb_account\" \"a\" {{\n  local_authentication_disabled = false\n  \
         access_key_metadata_writes_enabled = false\n  tags = {{ n = length(local.big) }}\n}}\n"
    );
    let dynamic = format!(
        "locals {{\n  l = [{list}]\n}}\nresource \"azurerm_cosmosdb_account\" \"a\" {{\n  \
         local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n  \
         dynamic \"geo_location\" {{\n    for_each = local.l\n    content {{\n      dynamic \"inner\" {{\n        \
         for_each = local.l\n        content {{\n          name = \"${{geo_location.value}}${{inner.value}}\"\n        }}\n      }}\n    }}\n  }}\n}}\n"
    );
    let bicep = "var big = [for i in range(0, 10000): range(0, 10000)]\n\
        resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    \
        disableLocalAuth: false\n    disableKeyBasedMetadataWriteAccess: true\n    ipRules: big\n  }\n}\n"
        .to_string();
    let arm = format!(
        r#"{{"$schema": "{SCHEMA}", "variables": {{"copy": [{{"name": "big", "count": 10000, "input": "[range(0, 10000)]"}}]}},
        "resources": [{{"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15", "name": "a",
        "properties": {{"disableLocalAuth": false, "disableKeyBasedMetadataWriteAccess": true,
        "copy": [{{"name": "ipRules", "count": 10000, "input": {{"ipAddressOrRange": "[variables('big')[copyIndex('ipRules')]]"}}}}]}}}}]}}"#
    );
    for (name, file, text) in [
        ("tf", "main.tf", tf),
        ("dynamic", "main.tf", dynamic),
        ("bicep", "main.bicep", bicep),
        ("arm", "main.json", arm),
    ] {
        let dir = tmp.path().join(name);
        write(&dir, file, text);
        let r = lint(&dir);
        assert_eq!(codes(&r), ["CDB001"], "{name}");
        assert_stopped_by_budget(&dir, &r);
    }
}

#[test]
fn replace_and_join_refuse_strings_over_the_cap_before_building_them() {
    let tmp = tempfile::tempdir().unwrap();
    // s10 is 1 MB ("a" × 1000, doubled ten times); replacing each of its bytes by itself
    // would be a terabyte, joining it three times is over the 1 MiB string cap.
    let mut tf = format!("locals {{\n  s0 = \"{}\"\n", "a".repeat(1000));
    let mut bicep = format!("var s0 = '{}'\n", "a".repeat(1000));
    for i in 1..=10 {
        tf.push_str(&format!("  s{i} = \"${{local.s{0}}}${{local.s{0}}}\"\n", i - 1));
        bicep.push_str(&format!("var s{i} = '${{s{0}}}${{s{0}}}'\n", i - 1));
    }
    tf.push_str(
        "  r = replace(local.s10, \"a\", local.s10)\n  j = join(\",\", [local.s10, local.s10, local.s10])\n}\n\
         resource \"azurerm_cosmosdb_account\" \"a\" {\n  name = \"${local.r}${local.j}\"\n  \
         local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n}\n",
    );
    bicep.push_str(
        "var r = replace(s10, 'a', s10)\nvar j = join([s10, s10, s10], ',')\n\
         resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: '${r}${j}'\n  properties: {\n    \
         disableLocalAuth: false\n    disableKeyBasedMetadataWriteAccess: true\n  }\n}\n",
    );
    for (name, file, text) in [("tf", "main.tf", tf), ("bicep", "main.bicep", bicep)] {
        let dir = tmp.path().join(name);
        write(&dir, file, text);
        let r = lint(&dir);
        assert_eq!(codes(&r), ["CDB001"], "{name}");
        // The name is too long to build, not a budget matter: it is Unknown and the run is
        // cheap.
        assert_eq!(r.timings.work.exhausted, 0, "{name}: {:?}", r.timings.work);
        assert!(r.timings.work.max < UNIT_BUDGET / 4, "{name}: {:?}", r.timings.work);
        #[cfg(unix)]
        assert!(matches!(exit_under_1gib(&dir), Some(0 | 1)), "{name}");
    }
}

/// A module that calls the next module ten times, six levels deep: a million instances.
fn fan_out(dir: &Path, with_resources: bool) {
    let tf_account = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n  \
        access_key_metadata_writes_enabled = false\n}\n";
    let bicep_account = "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a${x}'\n  \
        properties: {\n    disableLocalAuth: false\n    disableKeyBasedMetadataWriteAccess: true\n  }\n}\n";
    for level in 0..=6 {
        let mut tf = String::from("variable \"x\" {\n  default = 1\n}\n");
        let mut bicep = String::from("param x string = '1'\n");
        if level < 6 {
            for i in 0..10 {
                tf.push_str(&format!(
                    "module \"m{i}\" {{\n  source = \"../l{}\"\n  x = var.x\n}}\n",
                    level + 1
                ));
                bicep.push_str(&format!(
                    "module m{i} 'l{}.bicep' = {{\n  name: 'm{i}'\n  params: {{\n    x: x\n  }}\n}}\n",
                    level + 1
                ));
            }
        }
        if with_resources {
            tf.push_str(tf_account);
            bicep.push_str(bicep_account);
        }
        write(dir, &format!("tf/l{level}/main.tf"), tf);
        write(dir, &format!("bicep/l{level}.bicep"), bicep);
    }
}

#[test]
fn modules_that_fan_out_a_million_times_stop_at_the_instance_limit() {
    for with_resources in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        fan_out(tmp.path(), with_resources);
        for dialect in ["tf", "bicep"] {
            let dir = tmp.path().join(dialect);
            let r = lint(&dir);
            let limited = r
                .unresolved
                .iter()
                .filter(|u| u.why.contains("limit of 1024 module instances"))
                .count();
            assert!(limited > 0, "{dialect}: {:?}", r.unresolved);
            // One entry per call that was not followed in a module that was: not one per
            // instance of the million.
            assert!(limited <= 60, "{dialect}: {limited}");
            if with_resources {
                assert!(codes(&r).iter().all(|c| *c == "CDB001"), "{dialect}");
                assert!(!r.diagnostics.is_empty(), "{dialect}");
            } else {
                assert!(r.diagnostics.is_empty(), "{dialect}: {:?}", codes(&r));
            }
            #[cfg(unix)]
            assert!(matches!(exit_under_1gib(&dir), Some(0 | 1)), "{dialect}");
        }
    }
}

#[test]
fn module_nesting_past_the_depth_limit_is_reported_not_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let mut dir = tmp.path().to_path_buf();
    for _ in 0..cosmolint::eval::MAX_MODULE_DEPTH {
        write(&dir, "main.tf", "module \"next\" {\n  source = \"./next\"\n}\n");
        dir = dir.join("next");
    }
    write(
        &dir,
        "main.tf",
        "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n}\n",
    );
    let r = lint(tmp.path());
    assert!(
        r.unresolved
            .iter()
            .any(|u| u.why.contains("nests deeper than 16 module levels") && u.why.contains("not checked")),
        "{:?}",
        r.unresolved
    );
}

#[test]
fn a_450_deep_chain_of_module_directories_is_keyed_without_quadratic_work() {
    // The chain itself is linear now (each directory's identity comes from its parent's);
    // what is asserted is the outcome, the speed is in bench/hostile.sh.
    let tmp = tempfile::tempdir().unwrap();
    let mut dir = tmp.path().to_path_buf();
    for _ in 0..450 {
        write(&dir, "main.tf", "module \"next\" {\n  source = \"./next\"\n}\n");
        dir = dir.join("next");
    }
    write(&dir, "main.tf", "locals {\n  x = 1\n}\n");
    let r = lint(tmp.path());
    assert_eq!(r.summary.files, 451);
    assert!(r.diagnostics.is_empty(), "{:?}", codes(&r));
}
