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

# The version a tool records of itself, from a variable its release builds set at link time: syft
# names itself (syft-X.Y.Z) as every SBOM's creator; the tools built in their module's directory
# (which Go records as "(devel)") report theirs.
ldflags_for() {
  case "$1" in
    syft) echo "-X main.version=${2#v}" ;;
    policy-tester) echo "-X sigs.k8s.io/release-utils/version.gitVersion=$2" ;;
    kyverno) echo "-X github.com/kyverno/kyverno/pkg/version.BuildVersion=$2" ;;
    *) echo "" ;;
  esac
}

# Files a tool needs beside it, copied out of its module (a path in the module, the name in $bin):
# the database schema the local Sigstore's Trillian creates its tables from.
data_for() {
  case "$1" in
    trillian_log_server) echo "storage/mysql/schema/storage.sql trillian-mysql-schema.sql" ;;
    *) echo "" ;;
  esac
}

# The module's own directory, from the module cache: where a tool whose go.mod has replace
# directives is built, and where a data file is copied from.
module_dir() {
  go mod download -json "$1@$2" | awk -F'"' '$2 == "Dir" { print $4 }'
}

# Builds one tool into $2 (a folder): `go install M@V`, or, with a module=PATH column, `go build`
# inside a writable copy of that module's directory.
build_tool() {
  local name=$1 out=$2 pkg=$3 version=$4 module=$5 ldflags=$6
  local flags=()
  [ -n "$ldflags" ] && flags=(-ldflags "$ldflags")
  if [ -z "$module" ]; then
    GOBIN="$out" go install "${flags[@]}" "$pkg@$version" || return 1
    [ "$(basename "$pkg")" = "$name" ] || mv -f "$out/$(basename "$pkg")" "$out/$name"
    return
  fi
  local dir src
  dir=$(module_dir "$module" "$version") && [ -n "$dir" ] || return 1
  src="$out/src"
  { cp -R "$dir" "$src" && chmod -R u+w "$src"; } || return 1
  (cd "$src" && go build "${flags[@]}" -o "$out/$name" "./${pkg#"$module"/}")
}

status=0
while read -r name pkg version use extra; do
  case "$name" in ''|'#'*) continue ;; esac
  wanted "$name" "$use" || continue
  module=""
  case "$extra" in module=*) module=${extra#module=} ;; esac
  stamp="$bin/.$name.version"
  # What built it, as scripts/cli.mjs checks it: the module at its version, by which Go.
  ldflags=$(ldflags_for "$name" "$version")
  read -r data_path data_name <<< "$(data_for "$name")"
  want="$pkg@$version $toolchain${ldflags:+ ldflags=$ldflags}${module:+ in $module}"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && { [ -z "$data_name" ] || [ -f "$bin/$data_name" ]; }; then
    continue
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "install-tools: $name $version is not installed in $bin and 'go' is not found; install Go (any release from 1.21 on switches to $toolchain: https://go.dev/doc/install) and rerun 'npm run tools'" >&2
    exit 1
  fi
  echo "tools: installing $name $version ($pkg) with $toolchain into $bin" >&2
  tmp=$(mktemp -d)
  if build_tool "$name" "$tmp" "$pkg" "$version" "$module" "$ldflags" \
    && { [ -z "$data_name" ] || cp "$(module_dir "${pkg%/cmd/*}" "$version")/$data_path" "$bin/$data_name"; }; then
    mv -f "$tmp/$name" "$bin/$name"
    echo "$want" > "$stamp"
  else
    echo "tools: failed to install $name $version; check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))" >&2
    status=1
  fi
  # The module's copy came read-only from the module cache: writable first, so it can go.
  chmod -R u+w "$tmp" 2>/dev/null || true
  rm -rf "$tmp"
done < "$lock"
[ $status -eq 0 ] && echo "tools: pinned tools ready in $bin" >&2
exit $status
