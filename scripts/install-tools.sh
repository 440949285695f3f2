#!/usr/bin/env bash
# Installs the pinned external tools into .tools/bin (git-ignored), idempotently; with names as
# arguments, only those. The Dagger module's toolbox runs this same script in its Go container.
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

# TOOLS_SCOPE=runtime: only the tools the pipeline itself runs (the Dagger toolbox); default: all.
scope="${TOOLS_SCOPE:-all}"
only=("$@")
wanted() {
  [ "$scope" = all ] || [ "$scope" = "$2" ] || return 1
  [ ${#only[@]} -eq 0 ] && return 0
  local n; for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
  return 1
}

status=0
while read -r name pkg version use; do
  case "$name" in ''|'#'*) continue ;; esac
  wanted "$name" "$use" || continue
  stamp="$bin/.$name.version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pkg@$version" ]; then
    continue
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "install-tools: $name $version is not installed in $bin and 'go' is not found; install Go 1.26 (https://go.dev/doc/install) and rerun 'npm run tools'" >&2
    exit 1
  fi
  echo "tools: installing $name $version ($pkg)" >&2
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
[ $status -eq 0 ] && echo "tools: pinned tools ready in $bin" >&2
exit $status
