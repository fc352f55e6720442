#!/usr/bin/env bash
# Usage: scripts/install-tool.sh PACKAGE VERSION
#
# Ensures bin/<name> (name = last element of PACKAGE) was built from PACKAGE at VERSION,
# as reported by `go version -m`. A binary of that version already in
# $(go env GOPATH)/bin is copied; otherwise it is built with
# `GOBIN=bin go install PACKAGE@VERSION` through the Go module proxy.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -ne 2 ]]; then
	echo "usage: $0 PACKAGE VERSION" >&2
	exit 2
fi
pkg=$1
version=$2
name="${pkg##*/}"
root="$(repo_root)"
bin="$root/bin"
cached="$(gopath_bin)/$name"
start=$SECONDS

# is_wanted BINARY succeeds when BINARY was built from $pkg at $version.
is_wanted() {
	[[ -x "$1" ]] || return 1
	go version -m "$1" 2>/dev/null | awk -v pkg="$pkg" -v ver="$version" '
		$1 == "path" && $2 == pkg { p = 1 }
		$1 == "mod" && $3 == ver { v = 1 }
		END { exit !(p && v) }'
}

if is_wanted "$bin/$name"; then
	log "bin/$name is already $pkg@$version; nothing to do"
	exit 0
fi

if is_wanted "$cached"; then
	copy_binary "$cached" "$bin/$name"
	log "reused $cached ($pkg@$version)"
	exit 0
fi

log "building $pkg@$version into bin/"
mkdir -p "$bin"
GOBIN="$bin" go install "$pkg@$version"
if ! is_wanted "$bin/$name"; then
	log "error: bin/$name is not $pkg@$version after the build"
	exit 1
fi
log "built bin/$name ($((SECONDS - start))s)"
