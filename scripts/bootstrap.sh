#!/usr/bin/env bash
# Makes a clone ready to run, idempotently: npm ci where a lockfile changed, the pinned tools
# (scripts/install-tools.sh), the compiled pipeline CLI (scripts/build-cli.mjs) and, for the tests,
# the Python venv of the policy check; the tools and the venv outside the clone (scripts/locations.sh).
# Profiles (BOOTSTRAP_PROFILE): dev (the default: everything the tests need); runtime (`npm run
# pipeline`: root and app/ packages, the runtime tools, the CLI; no ci/, no venv); packages (the npm
# packages only: what `npm run test:unit` needs); app (app/'s only: `npm start`). The Dagger
# module's toolbox (ci/src/toolbox-plan.ts) runs toolbox-packages (root and app/ packages, from the
# lockfiles alone, so that layer stays cached while sources change) and then toolbox (the CLI); its
# tools come from containers of their own.
# One bootstrap at a time per clone: two at once would corrupt node_modules (npm ci's ENOTEMPTY).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
profile="${BOOTSTRAP_PROFILE:-dev}"
# shellcheck source=locations.sh
source "$root/scripts/locations.sh"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "bootstrap: node and npm are required (Node 20.19+); install them and rerun" >&2
  exit 1
fi

exec 9>"$root/.bootstrap.lock"
if ! flock -n 9; then
  echo "bootstrap: another bootstrap of this clone is running; waiting for it" >&2
  flock 9
fi

case "$profile" in
  app) packages=("$root/app") ;;
  runtime | toolbox | toolbox-packages) packages=("$root" "$root/app") ;;
  *) packages=("$root" "$root/app" "$root/ci") ;;
esac
for dir in "${packages[@]}"; do
  lock="$dir/package-lock.json"
  stamp="$dir/node_modules/.bootstrap-lock-sha256"
  sum=$(sha256sum "$lock" | cut -c1-64)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    echo "bootstrap: npm ci in ${dir#"$root"/}" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" > "$stamp"
  fi
done

case "$profile" in app | packages | toolbox-packages) exit 0 ;; esac
if [ "$profile" = toolbox ]; then
  node "$root/scripts/build-cli.mjs"
  exit 0
fi
if [ "$profile" = runtime ]; then TOOLS_SCOPE=runtime bash "$root/scripts/install-tools.sh"; else
  bash "$root/scripts/install-tools.sh"
  # The tests run the local Sigstore, whose transparency log needs Debian's MariaDB server; without
  # it (not root, no apt), the tests that need it say so and the others run.
  bash "$root/scripts/system-packages.sh" || echo "bootstrap: continuing without it: the local Sigstore's tests will fail naming it" >&2
fi
node "$root/scripts/build-cli.mjs"

[ "$profile" = runtime ] && exit 0

# Python for the offline policy schema check (policy/validate_kyverno.py) and the SPDX validator the
# SBOM test runs (pyspdxtools), pinned in policy/requirements.txt.
venv="$PIPELINE_VENV"
req="$root/policy/requirements.txt"
stamp="$venv/.requirements-sha256"
sum=$(sha256sum "$req" | cut -c1-64)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  echo "bootstrap: python venv for policy checks in $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$sum" > "$stamp"
fi
