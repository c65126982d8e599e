#!/usr/bin/env bash
# Unit tests with coverage of plugins/.
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"
use_venv
cd "$ROOT"
mkdir -p "$CACHE/reports"
COVERAGE_FILE="$CACHE/reports/.coverage" pytest --cov=plugins --cov-report=term --cov-report="xml:$CACHE/reports/coverage.xml" \
  --junitxml="$CACHE/reports/unit.xml" "$@"
