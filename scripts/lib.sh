# shellcheck shell=bash
# Helpers shared by the scripts in this directory. Source it; do not run it.

# repo_root prints the absolute path of the repository root.
repo_root() {
	cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# gopath_bin prints the bin directory of the first GOPATH entry, where
# `go install` puts binaries by default and where builds are shared between clones.
gopath_bin() {
	local gopath
	gopath="$(go env GOPATH)"
	printf '%s/bin\n' "${gopath%%:*}"
}

# log prints a message prefixed with the script name to stderr.
log() {
	printf '[%s] %s\n' "$(basename "$0")" "$*" >&2
}

# copy_binary SRC DST copies a binary atomically (temporary file, then rename).
copy_binary() {
	local src=$1 dst=$2
	mkdir -p "$(dirname "$dst")"
	cp -f "$src" "$dst.tmp.$$"
	chmod +x "$dst.tmp.$$"
	mv -f "$dst.tmp.$$" "$dst"
}
