#!/usr/bin/env bash
# Installs the pinned external tools into .tools/bin (git-ignored), idempotently.
# Each tool is built from source through the Go module proxy with `go install`; Go's module and
# build caches stay outside the clone so a rerun (or a fresh clone on the same machine) is fast.
# The pins live in tools.lock beside this script's parent: one line per tool, "name module version".
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="${PIPELINE_TOOLS_DIR:-$root/.tools/bin}"
lock="$root/tools.lock"
mkdir -p "$bin"

export GOMODCACHE="${GOMODCACHE:-$HOME/.cache/release-pipeline/go-mod}"
export GOCACHE="${GOCACHE:-$HOME/.cache/release-pipeline/go-build}"
export GOFLAGS="${GOFLAGS:--trimpath}"
export CGO_ENABLED=0

if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: 'go' not found; install Go 1.25+ (https://go.dev/doc/install) and rerun 'npm run tools'" >&2
  exit 1
fi

only=("$@")
wanted() {
  [ ${#only[@]} -eq 0 ] && return 0
  local n; for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
  return 1
}

status=0
while read -r name pkg version; do
  case "$name" in ''|'#'*) continue ;; esac
  wanted "$name" || continue
  stamp="$bin/.$name.version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pkg@$version" ]; then
    continue
  fi
  echo "tools: installing $name $version ($pkg)"
  tmp=$(mktemp -d)
  if GOBIN="$tmp" go install "$pkg@$version"; then
    built="$tmp/$(basename "$pkg")"
    mv -f "$built" "$bin/$name"
    echo "$pkg@$version" > "$stamp"
  else
    echo "tools: failed to install $name $version; check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))" >&2
    status=1
  fi
  rm -rf "$tmp"
done < "$lock"
[ $status -eq 0 ] && echo "tools: $(grep -cvE '^\s*(#|$)' "$lock") pinned tools ready in $bin"
exit $status
