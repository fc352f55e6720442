#!/usr/bin/env bash
# Validates every SARIF log the tests of internal/cli produce with Microsoft's SARIF
# validator (sarif-multitool `validate`, pinned in tools/sarif-multitool), with the rule
# kinds Sarif, Gh and Ghas (GitHub code scanning and GitHub Advanced Security) at error
# and warning level: any error or warning fails.
#
# The validator is installed from npm with `npm ci` into tools/sarif-multitool/node_modules.
# When npm or the registry cannot be reached, the check is skipped with a message, except
# in CI (CI=true), where that fails.
#
# Its binary is called directly: the npm shim runs it through a shell, which splits the
# ;-separated values of --rule-kind and --level.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

root="$(repo_root)"
tooldir="$root/tools/sarif-multitool"

unavailable() {
	if [[ -n "${CI:-}" ]]; then
		log "ERROR: $*; CI cannot skip the SARIF validation."
		exit 1
	fi
	log "WARNING: $*; skipping the SARIF validation."
	exit 0
}

case "$(uname -s)/$(uname -m)" in
Linux/x86_64) pkg=sarif-multitool-linux ;;
Darwin/*) pkg=sarif-multitool-darwin ;;
*) unavailable "the validator ships no binary for $(uname -s)/$(uname -m)" ;;
esac
binary="$tooldir/node_modules/@microsoft/$pkg/Sarif.Multitool"

# npm ci again only when the lock file changed since the last install.
installed="$tooldir/node_modules/.package-lock.json"
if [[ ! -x "$binary" || ! -f "$installed" || "$tooldir/package-lock.json" -nt "$installed" ]]; then
	command -v npm >/dev/null || unavailable "npm is not installed"
	log "npm ci in tools/sarif-multitool"
	# --ignore-scripts: the platform package's only script makes the binary executable,
	# which is done here.
	(cd "$tooldir" && npm ci --no-audit --no-fund --ignore-scripts >&2) ||
		unavailable "npm ci failed (is the npm registry reachable?)"
	chmod u+x "$binary"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/logs"

log "go test ./internal/cli, keeping every SARIF log it produces"
(cd "$root" && IMSPOLICY_SARIF_DIR="$work/logs" go test -count=1 ./internal/cli/ >&2)

shopt -s nullglob
logs=("$work"/logs/*.sarif)
if ((${#logs[@]} < 10)); then
	log "ERROR: the tests produced ${#logs[@]} SARIF logs; expected many more (is IMSPOLICY_SARIF_DIR still honoured?)"
	exit 1
fi

# The validator says nothing about a file it cannot parse as a whole: check that first.
for f in "${logs[@]}"; do
	node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$f" ||
		{ log "ERROR: $(basename "$f") is not JSON"; exit 1; }
done

log "sarif-multitool validate --rule-kind Sarif;Gh;Ghas --level Error;Warning on ${#logs[@]} logs"
"$binary" validate --rule-kind "Sarif;Gh;Ghas" --level "Error;Warning" \
	--output "$work/validation.sarif" "${logs[@]}" >"$work/console.txt" 2>&1 ||
	{ cat "$work/console.txt" >&2; log "ERROR: the validator failed"; exit 1; }

# Its exit status is 0 whatever it finds: read its findings from its own SARIF output.
problems="$(node -e '
const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
for (const run of log.runs) {
  for (const inv of run.invocations || []) {
    if (!inv.executionSuccessful) console.log("the validator did not run successfully");
    for (const n of inv.toolExecutionNotifications || []) console.log("validator: " + (n.message.text || JSON.stringify(n.message)));
  }
  for (const r of run.results || []) {
    const where = (r.locations || []).map(l => l.physicalLocation.artifactLocation.uri).join(" ");
    const text = r.message.text || (r.message.arguments || []).join(" | ");
    console.log(`${where}: ${r.level || "warning"} ${r.ruleId}: ${text}`);
  }
}' "$work/validation.sarif")"
if [[ -n "$problems" ]] || grep -qE ': (error|warning) [A-Z]+[0-9]+:' "$work/console.txt"; then
	cat "$work/console.txt" >&2
	printf '%s\n' "$problems" >&2
	log "ERROR: the SARIF logs above do not validate clean (Sarif, Gh, Ghas at error and warning)"
	exit 1
fi
scanned="$(grep -oE 'Done\. [0-9]+ files scanned' "$work/console.txt" | grep -oE '[0-9]+' || true)"
if [[ "$scanned" != "${#logs[@]}" ]]; then
	cat "$work/console.txt" >&2
	log "ERROR: the validator scanned ${scanned:-no} files of ${#logs[@]}"
	exit 1
fi
echo "==> sarif-check: ${#logs[@]} SARIF logs validate clean (sarif-multitool $(node -p 'require(process.argv[1]).version' "$tooldir/node_modules/@microsoft/sarif-multitool/package.json"), Sarif;Gh;Ghas, errors and warnings)"
