#!/usr/bin/env bash
# fuzz/run.sh TARGET [SECONDS]: seeds TARGET's corpus and fuzzes it for SECONDS (600).
set -euo pipefail
cd "$(dirname "$0")"
target="$1" secs="${2:-600}"
corpus="corpus/$target"
mkdir -p "$corpus"
case "$target" in
  terraform_*) pattern='*.tf' ;;
  arm_*) pattern='*.json' ;;
  bicep_*) pattern='*.bicep' ;;
  *) pattern='*' ;;
esac
for dir in ../testdata ../../shared/corpus/files; do
  [ -d "$dir" ] && find "$dir" -name "$pattern" -size -64k -exec cp -n {} "$corpus/" \; 2>/dev/null || true
done
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "$corpus" -- \
  -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536
