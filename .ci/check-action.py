"""Checks action.yml's structure (actionlint checks workflows, not action metadata files).

Usage: python check-action.py REPO_ROOT   (needs PyYAML)

- name, description, runs.using == composite;
- every input has a description, every `run` step a `shell`, no `uses` step a `shell`;
- every `inputs.X` and `steps.X.outputs` referenced exists;
- README.md shows tests/action/workflow.yml verbatim, so the documented workflow is the
  one actionlint checked.
"""

import re
import sys
from pathlib import Path

import yaml

root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
text = (root / "action.yml").read_text()
action = yaml.safe_load(text)
errors = []

for key in ("name", "description", "runs"):
    if not action.get(key):
        errors.append(f"action.yml: missing `{key}`")
runs = action.get("runs") or {}
if runs.get("using") != "composite":
    errors.append(f"action.yml: runs.using is {runs.get('using')!r}, expected 'composite'")

inputs = action.get("inputs") or {}
for name, spec in inputs.items():
    if not (spec or {}).get("description"):
        errors.append(f"action.yml: input `{name}` has no description")

steps = runs.get("steps") or []
ids = {s.get("id") for s in steps if s.get("id")}
for i, step in enumerate(steps):
    where = f"action.yml: step {i + 1} ({step.get('name', 'unnamed')})"
    if "run" in step and not step.get("shell"):
        errors.append(f"{where}: `run` step without `shell` (required in composite actions)")
    if "uses" in step and "shell" in step:
        errors.append(f"{where}: `uses` step with `shell`")
    if ("run" in step) == ("uses" in step):
        errors.append(f"{where}: needs exactly one of `run` and `uses`")

for name in sorted(set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))):
    if name not in inputs:
        errors.append(f"action.yml: references undefined input `{name}`")
for name in sorted(set(re.findall(r"steps\.([A-Za-z0-9_-]+)\.outputs", text))):
    if name not in ids:
        errors.append(f"action.yml: references outputs of unknown step `{name}`")

example = (root / "tests/action/workflow.yml").read_text()
readme = root / "README.md"
if not readme.exists() or example not in readme.read_text():
    errors.append("README.md: does not contain tests/action/workflow.yml verbatim (update one of them)")

for e in errors:
    print(e)
print(f"action.yml: {len(inputs)} inputs, {len(steps)} steps, {len(errors)} problems")
sys.exit(1 if errors else 0)
