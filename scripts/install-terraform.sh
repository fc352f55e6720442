#!/usr/bin/env bash
# Ensures bin/terraform is Terraform $TF_VERSION (default 1.8.5).
#
# Terraform is never downloaded from releases.hashicorp.com: it is built from source
# with `go install github.com/hashicorp/terraform@v$TF_VERSION` through the Go module
# proxy into $(go env GOPATH)/bin (about 4 minutes on 2 cores, once per machine), then
# copied into bin/. A build already present in $(go env GOPATH)/bin is reused.
#
# A plain `go install` of Terraform reports "Terraform vX.Y.Z-dev"; like the release
# builds, this one is linked with version.dev=no so that it reports "Terraform vX.Y.Z".
# A "-dev" build of the right version found in $(go env GOPATH)/bin is therefore relinked,
# which takes seconds because the compiled packages come from the Go build cache.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TF_VERSION="${TF_VERSION:-1.8.5}"
export CHECKPOINT_DISABLE=1 # no version check call to checkpoint-api.hashicorp.com

root="$(repo_root)"
target="$root/bin/terraform"
gobin="$(gopath_bin)"
cached="$gobin/terraform"
start=$SECONDS

# is_wanted BINARY succeeds when BINARY runs and reports "Terraform v$TF_VERSION".
is_wanted() {
	[[ -x "$1" ]] || return 1
	[[ "$(first_version_line "$1")" == "Terraform v$TF_VERSION" ]]
}

# first_version_line BINARY prints the first line of `BINARY version` (no pipe: a
# closed pipe would be an error under pipefail).
first_version_line() {
	local out
	out="$(env -u TF_CLI_CONFIG_FILE "$1" version 2>/dev/null)" || true
	printf '%s\n' "${out%%$'\n'*}"
}

if is_wanted "$target"; then
	log "bin/terraform is already Terraform v$TF_VERSION; nothing to do"
	exit 0
fi

if ! is_wanted "$cached"; then
	# Someone else (another clone, or a manual background build) may be building the
	# same version right now; wait for it rather than starting a second build.
	waited=0
	while pgrep -f "go install .*github.com/hashicorp/terraform@v$TF_VERSION" >/dev/null 2>&1; do
		if ((waited % 60 == 0)); then
			log "waiting for a running 'go install github.com/hashicorp/terraform@v$TF_VERSION' to finish (${waited}s so far)"
		fi
		if ((waited >= 3600)); then
			log "gave up waiting after ${waited}s"
			break
		fi
		sleep 5
		waited=$((waited + 5))
	done

	mkdir -p "$gobin"
	# The lock serialises builds started by this script from several clones at once.
	exec 9>"$gobin/.terraform-v$TF_VERSION.lock"
	flock 9 2>/dev/null || true
	if is_wanted "$cached"; then
		log "found Terraform v$TF_VERSION at $cached (built by someone else)"
	else
		if [[ -e "$cached" ]]; then
			log "$cached reports '$(first_version_line "$cached")', not 'Terraform v$TF_VERSION'; rebuilding it"
		fi
		log "building Terraform v$TF_VERSION from the Go module proxy into $gobin (takes about 4 minutes the first time)"
		GOBIN="$gobin" go install \
			-ldflags "-X github.com/hashicorp/terraform/version.dev=no" \
			"github.com/hashicorp/terraform@v$TF_VERSION"
		if ! is_wanted "$cached"; then
			log "error: $cached does not report Terraform v$TF_VERSION after the build"
			exit 1
		fi
		log "built $cached"
	fi
	exec 9>&-
else
	log "reusing Terraform v$TF_VERSION from $cached"
fi

copy_binary "$cached" "$target"
log "copied $cached to bin/terraform ($((SECONDS - start))s): $(first_version_line "$target")"
