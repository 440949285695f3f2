#!/usr/bin/env bash
# Installs, idempotently, the Debian packages the local Sigstore needs beside the Go tools: the
# MariaDB server its transparency log (Trillian) keeps its trees in. The runs never use the system's
# service (which Debian starts where an init system runs): each starts a server of its own from an
# empty directory, on a port of its own (pipeline/src/sigstore/database.ts).
# Needs root and apt-get; otherwise it says what to install.
set -euo pipefail

missing=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: the local Sigstore needs ${missing[*]} (its transparency log's database); install it, e.g. sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "system-packages: apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A machine whose package lists are missing or stale gets them first.
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; then
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
