# Where this project keeps what it builds for a machine, outside any clone: Go's module and build
# caches, the pinned tools (one folder per tools.lock content, so clones at different pins never
# overwrite each other's), the policy check's Python venv. Every clone on the machine, CI's fresh
# one included, reuses what an earlier run built. Each is the caller's own when set in the
# environment. Sourced by install-tools.sh and bootstrap.sh; pipeline/locations.mjs computes the same
# for the Node side (a test holds the two equal).
# shellcheck shell=bash
_locations_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_locations_cache="${XDG_CACHE_HOME:-$HOME/.cache}/release-pipeline"
export GOMODCACHE="${GOMODCACHE:-$_locations_cache/go-mod}"
export GOCACHE="${GOCACHE:-$_locations_cache/go-build}"
# The pins alone name the tools folder: comments and spacing in tools.lock do not.
_locations_pins=$(awk '$1 !~ /^#/ && NF { $1 = $1; print }' "$_locations_root/tools.lock" | sha256sum | cut -c1-16)
export PIPELINE_TOOLS_DIR="${PIPELINE_TOOLS_DIR:-$_locations_cache/tools/$_locations_pins/bin}"
export PIPELINE_VENV="${PIPELINE_VENV:-$_locations_cache/venv}"
unset _locations_root _locations_cache _locations_pins
