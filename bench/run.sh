#!/usr/bin/env bash
# Benchmarks cosmolint end to end, optionally side by side with Checkov, and writes a
# markdown table (bench/results.md). Not run in CI: numbers are only comparable on one
# machine in one run.
#
# The corpus is written by bench/gen_corpus.py (Python 3 standard library only); set
# BENCH_GEN to use another generator with the same command line.
#
#   bench/run.sh                  # standard corpus (2000 TF + 500 ARM + 500 Bicep, seed 1)
#   bench/run.sh --quick          # 300-file corpus (200/50/50)
#   bench/run.sh --with-checkov   # also install Checkov (PyPI) into a venv and measure it
#
# Checkov needs ~490 s and 1.7 GiB on the standard corpus on 2 cores, so with
# --with-checkov it runs on the quick corpus unless --checkov-full is given; the table
# says which corpus each row used.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
gen="${BENCH_GEN:-$here/gen_corpus.py}"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/cosmolint-bench}"
quick=0 checkov=0 checkov_full=0 runs=10
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --with-checkov) checkov=1 ;;
    --checkov-full) checkov=1; checkov_full=1 ;;
    --runs=*) runs="${a#--runs=}" ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
command -v hyperfine >/dev/null || { echo "hyperfine is required (apt-get install hyperfine)" >&2; exit 2; }
[ -f "$gen" ] || { echo "corpus generator not found at $gen (set BENCH_GEN)" >&2; exit 2; }

mkdir -p "$work"
# Named after the generator, so a corpus of another generator is never reused.
tag="$(basename "$gen" .py)"
std="$work/$tag-3000" small="$work/$tag-300"
[ -d "$std" ] || python3 "$gen" "$std" --tf 2000 --arm 500 --bicep 500 --seed 1 >/dev/null
[ -d "$small" ] || python3 "$gen" "$small" --tf 200 --arm 50 --bicep 50 --seed 1 >/dev/null
corpus="$std"; [ "$quick" = 1 ] && corpus="$small"
one="$small/terraform/stack-0001/main.tf"

(cd "$repo" && cargo build --release --locked -q)
bin="$repo/target/release/cosmolint"

files() { find "$1" -type f \( -name '*.tf' -o -name '*.json' -o -name '*.bicep' \) ! -name expected.json; }
count="$(files "$corpus" | wc -l)"
bytes="$(files "$corpus" | xargs cat | wc -c)"

rss() { # peak RSS in MiB of a command
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || true
  awk -F: '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time.txt"
}

json="$work/hyperfine.json"
cmds=(
  -n "cosmolint ($count files)" "$bin check $corpus --format json >/dev/null || true"
  -n "cosmolint (1 file, cold)" "$bin check $one --format json >/dev/null || true"
  -n "cat (I/O floor)" "find $corpus -type f \\( -name '*.tf' -o -name '*.json' -o -name '*.bicep' \\) ! -name expected.json -exec cat {} + >/dev/null"
)
hyperfine --warmup 1 --runs "$runs" --export-json "$json" "${cmds[@]}"

ck_rows=""
if [ "$checkov" = 1 ]; then
  venv="$work/checkov-venv"
  [ -x "$venv/bin/checkov" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q checkov; }
  ck_corpus="$small"; [ "$checkov_full" = 1 ] && ck_corpus="$std"
  ck_count="$(files "$ck_corpus" | wc -l)"
  ck="$venv/bin/checkov --skip-download --framework terraform arm bicep --quiet --compact -o json"
  hyperfine --runs 1 --export-json "$work/checkov.json" \
    -n "checkov ($ck_count files)" "$ck -d $ck_corpus >/dev/null || true" \
    -n "cosmolint ($ck_count files, same run)" "$bin check $ck_corpus --format json >/dev/null || true" \
    -n "checkov (1 file)" "$ck -f $one >/dev/null || true"
  ck_rows="$(python3 - "$work/checkov.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
names = list(r)
ck, cl = r[names[0]]["median"], r[names[1]]["median"]
for n in names:
    print(f"| {n} | {r[n]['median']*1000:.0f} ms | |")
print(f"| **speed-up on that corpus** | **{ck/cl:.0f}x** | |")
PY
)"
fi

rss_corpus="$(rss "$bin" check "$corpus" --format json)"
rss_one="$(rss "$bin" check "$one" --format json)"
# Where the time goes: --timings, 5 runs (phases are CPU time summed over threads).
timings="$work/timings.txt"; : > "$timings"
for _ in 1 2 3 4 5; do "$bin" check "$corpus" --format json --timings 2>>"$timings" >/dev/null || true; done
python3 - "$json" "$rss_corpus" "$rss_one" "$bytes" "$ck_rows" "$timings" > "$here/results.md" <<'PY'
import json, sys, platform, datetime, os, re, statistics
res = json.load(open(sys.argv[1]))["results"]
rss_c, rss_o, nbytes, ck_rows = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
phases = {}
for line in open(sys.argv[6]):
    m = re.match(r"\s+(\w+)\s+([\d.]+) ms", line)
    if m:
        phases.setdefault(m.group(1), []).append(float(m.group(2)))
phases = {k: statistics.median(v) for k, v in phases.items()}
print(f"Measured {datetime.date.today()} on {platform.machine()}, {os.cpu_count()} cores ({platform.platform()}).\n")
print("| command | median | peak RSS |")
print("| --- | --- | --- |")
rss = [rss_c, rss_o, ""]
for r, m in zip(res, rss):
    print(f"| {r['command']} | {r['median']*1000:.1f} ms | {m + ' MiB' if m else ''} |")
print(f"\nCorpus: {nbytes/1e6:.1f} MB; cosmolint throughput {nbytes/1e6/res[0]['median']:.1f} MB/s.")
if phases.get("parse"):
    cpu = [k for k in phases if k != "total"]
    summed = sum(phases[k] for k in cpu)
    print("\nPhases (`--timings`, median of 5 runs; CPU time summed over threads, total is wall):\n")
    print("| phase | ms | of parse |")
    print("| --- | --- | --- |")
    for k in cpu:
        print(f"| {k} | {phases[k]:.0f} | {phases[k]/phases['parse']:.2f}x |")
    print(f"| all phases | {summed:.0f} | **{summed/phases['parse']:.2f}x** |")
    print(f"| total (wall) | {phases.get('total', 0):.0f} | |")
if ck_rows:
    print("\nSide by side with Checkov (one run each):\n")
    print("| command | wall | |")
    print("| --- | --- | --- |")
    print(ck_rows)
PY
cat "$here/results.md"
