#!/usr/bin/env bash
# Runs the cosmolint pre-commit hook for real: installs pre-commit in a throwaway venv, makes
# a throwaway git repository whose .pre-commit-config.yaml points at this repository at its
# HEAD commit, and checks that the hook fails on a bad Terraform file and passes on a good one.
#
# Usage: .ci/precommit-test.sh [REPO]   (REPO defaults to the repository holding this script)
#
# Only committed work is tested: pre-commit fetches HEAD, not the working tree. The first run
# builds cosmolint with `cargo install` (a release build, several minutes); pre-commit caches
# it under PRE_COMMIT_HOME, which is also throwaway unless you set it.
set -euo pipefail

repo="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
repo="$(cd "$repo" && pwd)"
rev="$(git -C "$repo" rev-parse HEAD)"
if [ -n "$(git -C "$repo" status --porcelain)" ]; then
  echo "note: $repo has uncommitted changes; testing the hook at HEAD $rev" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$work/cache}"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
precommit="$work/venv/bin/pre-commit"

proj="$work/project"
mkdir -p "$proj"
cd "$proj"
git init --quiet
git config user.email "ci@example.invalid"
git config user.name "cosmolint CI"
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: cosmolint
YAML

mkdir bad good
cat > bad/main.tf <<'TF'
resource "azurerm_cosmosdb_account" "main" {
  name                               = "orders"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = false
  access_key_metadata_writes_enabled = false
  public_network_access_enabled      = false

  consistency_policy { consistency_level = "Session" }
  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}
TF
sed 's/local_authentication_disabled      = false/local_authentication_disabled      = true/' bad/main.tf > good/main.tf
git add .pre-commit-config.yaml bad/main.tf good/main.tf

status=0
"$precommit" run --files bad/main.tf > "$work/bad.log" 2>&1 || status=$?
cat "$work/bad.log"
if [ "$status" -ne 1 ]; then
  echo "FAIL: pre-commit on bad/main.tf exited $status, expected 1" >&2
  exit 1
fi
if ! grep -q "CDB001" "$work/bad.log"; then
  echo "FAIL: pre-commit output on bad/main.tf does not mention CDB001" >&2
  exit 1
fi

status=0
"$precommit" run --files good/main.tf > "$work/good.log" 2>&1 || status=$?
cat "$work/good.log"
if [ "$status" -ne 0 ]; then
  echo "FAIL: pre-commit on good/main.tf exited $status, expected 0" >&2
  exit 1
fi

echo "precommit: 2 passed, 0 failed"
