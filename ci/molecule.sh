#!/usr/bin/env bash
# Every molecule scenario of every role (or those named: ci/molecule.sh ROLE[/SCENARIO] ...).
# Logs go to .cache/logs; a failing scenario's tail is printed.
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"
use_venv
cd "$ROOT"
mkdir -p "$CACHE/logs"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for file in roles/*/molecule/*/molecule.yml; do
    role=${file#roles/}; role=${role%%/*}
    scenario=$(basename "$(dirname "$file")")
    targets+=("$role/$scenario")
  done
fi
passed=0 failed=0
for target in "${targets[@]}"; do
  role=${target%%/*} scenario=${target#*/}
  [ "$scenario" = "$target" ] && scenario=default
  logfile="$CACHE/logs/molecule-$role-$scenario.log"
  start=$(date +%s)
  if (cd "roles/$role" && molecule test -s "$scenario") >"$logfile" 2>&1; then
    passed=$((passed + 1)); log "PASS $role/$scenario in $(( $(date +%s) - start ))s"
  else
    failed=$((failed + 1)); log "FAIL $role/$scenario in $(( $(date +%s) - start ))s (log: $logfile)"
    grep -E -B2 -A12 'fatal:|FAILED!|ERROR' "$logfile" | tail -80 >&2 || tail -80 "$logfile" >&2
  fi
  # what the scenario printed as its measurements
  grep -E '^\s+msg: ' "$logfile" | sed 's/^\s*msg: /    /' | grep -E 'tos [0-9]+|ms\b' >&2 || true
done
echo "molecule: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
