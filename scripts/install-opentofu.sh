#!/usr/bin/env bash
# Ensures $TOFU_TARGET (default bin/tofu) is OpenTofu $TOFU_VERSION (default 1.9.4), for
# running the acceptance tests under OpenTofu as well as Terraform.
#
# OpenTofu is never downloaded as a binary: it is built from source through the Go module
# proxy. `go install github.com/opentofu/opentofu/cmd/tofu@v1.9.4` is refused because
# OpenTofu's go.mod has a replace directive, so tools/opentofu-$TOFU_VERSION is a small
# wrapper module that repeats it. The build goes to $(go env GOPATH)/bin/tofu-$TOFU_VERSION (a few
# minutes on 2 cores, once per machine) and is copied into bin/.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOFU_VERSION="${TOFU_VERSION:-1.9.4}"
root="$(repo_root)"
target="${TOFU_TARGET:-$root/bin/tofu}"
module="$root/tools/opentofu-$TOFU_VERSION"
if [[ ! -f "$module/go.mod" ]]; then
	log "error: no wrapper module $module for OpenTofu $TOFU_VERSION"
	exit 1
fi
gobin="$(gopath_bin)"
cached="$gobin/tofu-$TOFU_VERSION"
start=$SECONDS

is_wanted() {
	[[ -x "$1" ]] || return 1
	local out
	out="$(env -u TF_CLI_CONFIG_FILE "$1" version 2>/dev/null)" || true
	[[ "${out%%$'\n'*}" == "OpenTofu v$TOFU_VERSION" ]]
}

if is_wanted "$target"; then
	log "$target is already OpenTofu v$TOFU_VERSION; nothing to do"
	exit 0
fi

if ! is_wanted "$cached"; then
	mkdir -p "$gobin"
	exec 9>"$gobin/.tofu-v$TOFU_VERSION.lock"
	flock 9 2>/dev/null || true
	if ! is_wanted "$cached"; then
		log "building OpenTofu v$TOFU_VERSION from the Go module proxy into $cached (takes a few minutes the first time)"
		# Linked with version.dev=no, as release builds are, so that it reports its version.
		(cd "$module" && go build -trimpath \
			-ldflags "-X github.com/opentofu/opentofu/version.dev=no" \
			-o "$cached.tmp.$$" github.com/opentofu/opentofu/cmd/tofu)
		mv -f "$cached.tmp.$$" "$cached"
		if ! is_wanted "$cached"; then
			log "error: $cached does not report OpenTofu v$TOFU_VERSION after the build"
			exit 1
		fi
	fi
	exec 9>&-
else
	log "reusing OpenTofu v$TOFU_VERSION from $cached"
fi

copy_binary "$cached" "$target"
log "copied $cached to $target ($((SECONDS - start))s)"
