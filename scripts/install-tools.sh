#!/usr/bin/env bash
# Installs the pinned external tools of tools.lock, idempotently; with names as arguments, only
# those. The Dagger module's toolbox runs this same script in its Go container.
# Each tool is built from source through the Go module proxy with `go install`, by exactly the Go
# of tools.lock's "toolchain" line (GOTOOLCHAIN: whatever Go runs this only has to be able to switch
# to it). The tools, and Go's module and build caches, live outside the clone (scripts/locations.sh),
# so a rerun, or a fresh clone on the same machine, is fast.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
lock="$root/tools.lock"
# shellcheck source=locations.sh
source "$root/scripts/locations.sh"
bin="$PIPELINE_TOOLS_DIR"
mkdir -p "$bin"

toolchain=$(awk '$1 !~ /^#/ && $4 == "toolchain" { print $3 }' "$lock")
if [ -z "$toolchain" ]; then
  echo "install-tools: tools.lock has no toolchain line (go golang.org/toolchain goX.Y.Z toolchain); add one" >&2
  exit 1
fi
export GOTOOLCHAIN="$toolchain"
export GOFLAGS="${GOFLAGS:--trimpath}"
export CGO_ENABLED=0

# TOOLS_SCOPE=runtime: only the tools the pipeline itself runs (the Dagger toolbox); default: all.
scope="${TOOLS_SCOPE:-all}"
only=("$@")
wanted() {
  [ "$2" = toolchain ] && return 1
  [ "$scope" = all ] || [ "$scope" = "$2" ] || return 1
  [ ${#only[@]} -eq 0 ] && return 0
  local n; for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
  return 1
}

# The version a tool records of itself where it writes it into what it makes: syft names itself
# (syft-X.Y.Z) as every SBOM's creator, from a variable its release builds set at link time.
ldflags_for() {
  case "$1" in
    syft) echo "-X main.version=${2#v}" ;;
    *) echo "" ;;
  esac
}

status=0
while read -r name pkg version use; do
  case "$name" in ''|'#'*) continue ;; esac
  wanted "$name" "$use" || continue
  stamp="$bin/.$name.version"
  # What built it, as scripts/cli.mjs checks it: the module at its version, by which Go.
  ldflags=$(ldflags_for "$name" "$version")
  want="$pkg@$version $toolchain${ldflags:+ ldflags=$ldflags}"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    continue
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "install-tools: $name $version is not installed in $bin and 'go' is not found; install Go (any release from 1.21 on switches to $toolchain: https://go.dev/doc/install) and rerun 'npm run tools'" >&2
    exit 1
  fi
  echo "tools: installing $name $version ($pkg) with $toolchain into $bin" >&2
  tmp=$(mktemp -d)
  flags=()
  [ -n "$ldflags" ] && flags=(-ldflags "$ldflags")
  if GOBIN="$tmp" go install "${flags[@]}" "$pkg@$version"; then
    mv -f "$tmp/$(basename "$pkg")" "$bin/$name"
    echo "$want" > "$stamp"
  else
    echo "tools: failed to install $name $version; check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))" >&2
    status=1
  fi
  rm -rf "$tmp"
done < "$lock"
[ $status -eq 0 ] && echo "tools: pinned tools ready in $bin" >&2
exit $status
