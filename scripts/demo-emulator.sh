#!/usr/bin/env bash
# The cloud half of `make demo`: starts the local IAM and Organizations emulator on a
# loopback port, applies examples/demo with apply_to_cloud=true against it (identity
# policy, SCP, their attachments, and the simulator reading them back), prints the
# outputs, destroys everything and stops the emulator; it ends with imspolicy diff-access's
# report, per principal, of the plan it applied.
#
# Usage: demo-emulator.sh TERRAFORM EMULATOR DEV_TFRC DEMO_DIR IMSPOLICY
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

terraform=$1 emulator=$2 tfrc=$3 demo=$4 imspolicy=$5
work="$(mktemp -d)"
emulator_pid=""
cleanup() {
	if [[ -n "$emulator_pid" ]]; then
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# Throwaway credentials that only the emulator knows.
export HW_ACCESS_KEY="AKDEMO$(date +%s)" HW_SECRET_KEY="demo-secret-$RANDOM$RANDOM"
export HW_DOMAIN_ID="0123456789abcdef0123456789abcdef"
"$emulator" -listen 127.0.0.1:0 -port-file "$work/addr" \
	-access-key "$HW_ACCESS_KEY" -secret-key "$HW_SECRET_KEY" -account-id "$HW_DOMAIN_ID" \
	-root-id r-emulator -enable-delay 1s >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do
	[[ -s "$work/addr" ]] && break
	sleep 0.1
done
if [[ ! -s "$work/addr" ]]; then
	log "the emulator did not start:"
	cat "$work/emulator.log" >&2
	exit 1
fi
addr="$(tr -d '\n' <"$work/addr")"
export HW_IAM_ENDPOINT="http://$addr" HW_ORGANIZATIONS_ENDPOINT="http://$addr"
log "emulator listening on http://$addr"

color=()
[[ -n "${TF_NO_COLOR:-}" ]] && color=(-no-color)
tf() {
	TF_CLI_CONFIG_FILE="$tfrc" "$terraform" -chdir="$demo" "$@"
}
state="$work/demo.tfstate"
vars=(-input=false -var apply_to_cloud=true -state="$state" "${color[@]}")
echo "==> terraform plan -out (the plan the demo applies, for imspolicy diff-access)"
tf plan -out="$work/demo.tfplan" "${vars[@]}" >/dev/null
tf show -json "$work/demo.tfplan" >"$work/plan.json"
echo "==> terraform apply -var apply_to_cloud=true (against the emulator)"
tf apply -auto-approve "${vars[@]}" | grep -E 'Creation complete|Apply complete' || true
echo "==> terraform output applied"
tf output -state="$state" "${color[@]}" applied
echo "==> terraform plan again: nothing to change"
tf plan -detailed-exitcode "${vars[@]}" >/dev/null
echo "    (no changes)"
echo "==> terraform destroy"
tf destroy -auto-approve "${vars[@]}" | grep -E 'Destroy complete' || true
echo "==> imspolicy diff-access --plan plan.json: who gains access from the plan the demo applied"
# The builders live in an account of the production OU, where the SCP applies; exit status 1 says the plan grants new access.
status=0
(cd "$work" && "$imspolicy" diff-access --plan plan.json --org-path "r-emulator/ou-prod-0001/$HW_DOMAIN_ID") || status=$?
echo "    (exit status $status: 0 nothing new, 1 new access, 3 unknown)"
