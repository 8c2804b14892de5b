#!/usr/bin/env bash
# Measures cosmolint on small inputs that ask for unbounded work (issue #13): each case is
# generated here (a few KB), timed with hyperfine and its peak memory taken from GNU time;
# the evaluation work units come from `--timings`. Target: every input under 1 MB in
# ≤ 10 s and ≤ 1 GiB. Writes bench/hostile.md. Not run in CI: times are only comparable on
# one machine in one run; tests/bounded.rs asserts the work and the memory limit instead.
#
#   bench/hostile.sh [--runs=N] [--bin=PATH]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/cosmolint-hostile}"
runs=3 bin=""
for a in "$@"; do
  case "$a" in
    --runs=*) runs="${a#--runs=}" ;;
    --bin=*) bin="${a#--bin=}" ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
command -v hyperfine >/dev/null || { echo "hyperfine is required (apt-get install hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is required" >&2; exit 2; }
if [ -z "$bin" ]; then
  (cd "$repo" && cargo build --release --locked -q)
  bin="$repo/target/release/cosmolint"
fi

rm -rf "$work" && mkdir -p "$work"
python3 - "$work" <<'PY'
import json, os, sys
root = sys.argv[1]
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
def w(p, t):
    p = os.path.join(root, p); os.makedirs(os.path.dirname(p), exist_ok=True); open(p, "w").write(t)
tf_acc = 'resource "azurerm_cosmosdb_account" "a" {\n  local_authentication_disabled = false\n}\n'
b_acc = "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a${x}'\n  properties: {\n    disableLocalAuth: false\n  }\n}\n"
# A module calling the next ten times, six levels deep (a million instances), with and
# without resources.
for res in (True, False):
    s = "res" if res else "nores"
    for lvl in range(7):
        calls = lvl < 6
        w(f"tf-fanout-{s}/l{lvl}/main.tf", 'variable "x" {\n  default = 1\n}\n'
          + ("".join(f'module "m{i}" {{\n  source = "../l{lvl+1}"\n  x = var.x\n}}\n' for i in range(10)) if calls else "")
          + (tf_acc if res else ""))
        w(f"bicep-fanout-{s}/l{lvl}.bicep", "param x string = '1'\n"
          + ("".join(f"module m{i} 'l{lvl+1}.bicep' = {{\n  name: 'm{i}'\n  params: {{\n    x: x\n  }}\n}}\n" for i in range(10)) if calls else "")
          + (b_acc if res else ""))
# Values that double, 23 levels.
w("tf-double/main.tf", 'locals {\n  l0 = ["x"]\n' + "".join(f"  l{i} = [local.l{i-1}, local.l{i-1}]\n" for i in range(1, 24))
  + '}\nresource "azurerm_cosmosdb_account" "a" {\n  tags = { n = length(flatten(local.l23)) }\n}\n')
w("bicep-double/main.bicep", "var l0 = ['x']\n" + "".join(f"var l{i} = [l{i-1}, l{i-1}]\n" for i in range(1, 24))
  + "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  tags: {\n    n: string(length(flatten(l23)))\n  }\n}\n")
w("arm-double/main.json", json.dumps({"$schema": SCHEMA, "variables": {"l0": ["x"], **{f"l{i}": f"[createArray(variables('l{i-1}'), variables('l{i-1}'))]" for i in range(1, 24)}},
  "resources": [{"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15", "name": "a", "tags": {"n": "[string(length(flatten(variables('l23'))))]"}}]}))
# Nested loops under the 10,000-item cap.
l = "[" + ",".join(f'"{i}"' for i in range(10000)) + "]"
w("tf-loops/main.tf", f"locals {{\n  l = {l}\n  big = [for i in local.l : [for j in local.l : \"${{i}}-${{j}}\"]]\n}}\n"
  + 'resource "azurerm_cosmosdb_account" "a" {\n  tags = { n = length(local.big) }\n  dynamic "geo_location" {\n    for_each = local.l\n    content {\n      dynamic "inner" {\n        for_each = local.l\n        content { name = "${geo_location.value}${inner.value}" }\n      }\n    }\n  }\n}\n')
w("bicep-loops/main.bicep", "var big = [for i in range(0, 10000): range(0, 10000)]\nresource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    ipRules: big\n  }\n}\n")
w("arm-loops/main.json", json.dumps({"$schema": SCHEMA, "variables": {"copy": [{"name": "big", "count": 10000, "input": "[range(0, 10000)]"}]},
  "resources": [{"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15", "name": "a", "copy": {"name": "c", "count": 10000},
  "properties": {"copy": [{"name": "ipRules", "count": 10000, "input": {"ipAddressOrRange": "[variables('big')[copyIndex('ipRules')]]"}}]}}]}))
# replace() of a 1 MB string by a 1 MB string, join() of 1 MB strings.
mb = "a" * 1000
w("tf-strings/main.tf", 'locals {\n  s0 = "' + mb + '"\n' + "".join(f'  s{i} = "${{local.s{i-1}}}${{local.s{i-1}}}"\n' for i in range(1, 11))
  + '  r = replace(local.s10, "a", local.s10)\n  j = join(",", [local.s10, local.s10, local.s10])\n}\nresource "azurerm_cosmosdb_account" "a" {\n  name = "${local.r}${local.j}"\n}\n')
# A chain of 450 nested module directories.
p = "chain"
for i in range(450):
    w(f"{p}/main.tf", 'module "next" {\n  source = "./next"\n}\n' if i < 449 else tf_acc)
    p += "/next"
PY

out="$here/hostile.md"
{
  echo "# Hostile inputs ($(date -u +%Y-%m-%d), $(nproc) cores, runs=$runs)"
  echo
  echo "Generated by \`bench/hostile.sh\`. Target: ≤ 10 s and ≤ 1 GiB each."
  echo
  echo "| case | size | mean time | peak RSS | work units (max per unit) | budget ran out |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
} > "$out"
for case in $(cd "$work" && ls -d */ | tr -d /); do
  dir="$work/$case"
  size=$(du -sk "$dir" | cut -f1)
  hyperfine -N -i --runs "$runs" --export-json "$work/$case.json" "$bin check $dir --format json" >/dev/null 2>&1 || true
  mean=$(python3 -c "import json;print('%.3f s' % json.load(open('$work/$case.json'))['results'][0]['mean'])")
  # Exit status 1 (findings) is expected.
  /usr/bin/time -o "$work/$case.rss" -f "%M" "$bin" check "$dir" --format json >/dev/null 2>&1 || true
  rss=$(tail -1 "$work/$case.rss")
  timings=$( { "$bin" check "$dir" --format json --timings 2>&1 >/dev/null || true; } | grep "evaluation work")
  max=$(echo "$timings" | sed -E 's/.*at most ([0-9]+) in one.*/\1/')
  ran_out=$(echo "$timings" | sed -E 's/.*; ([0-9]+) ran out.*/\1/')
  echo "| $case | ${size} KB | $mean | $((rss / 1024)) MiB | $max | $ran_out |" >> "$out"
done
cat "$out"
