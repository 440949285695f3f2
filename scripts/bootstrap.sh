#!/usr/bin/env bash
# Makes a clone ready to run: installs the npm dependencies of the three packages (root, app/, ci/)
# when their lockfiles changed, then the pinned tools (scripts/install-tools.sh). Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "bootstrap: node and npm are required (Node 20.19+); install them and rerun" >&2
  exit 1
fi

for dir in "$root" "$root/app" "$root/ci"; do
  lock="$dir/package-lock.json"
  stamp="$dir/node_modules/.bootstrap-lock-sha256"
  sum=$(sha256sum "$lock" | cut -c1-64)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    echo "bootstrap: npm ci in ${dir#"$root"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" > "$stamp"
  fi
done

bash "$root/scripts/install-tools.sh"

# Python for the offline policy schema check (policy/validate_kyverno.py), pinned in requirements.txt.
venv="${PIPELINE_VENV:-$root/.tools/venv}"
req="$root/policy/requirements.txt"
stamp="$venv/.requirements-sha256"
sum=$(sha256sum "$req" | cut -c1-64)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  echo "bootstrap: python venv for policy checks in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$sum" > "$stamp"
fi
