#!/usr/bin/env bash
# ansible-lint, production profile (settings in .ansible-lint), and shellcheck.
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"
use_venv
cd "$ROOT"
ansible-lint --profile production "$@"
git ls-files -z --cached --others --exclude-standard -- '*.sh' .ci/run | xargs -0 shellcheck -x
log "lint passed"
