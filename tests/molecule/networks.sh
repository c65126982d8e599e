#!/usr/bin/env bash
# The two internal networks every networked molecule scenario uses.
set -euo pipefail
ci=$(cd "$(dirname "$0")/../../ci" && pwd)
case "${1:-up}" in
  up)
    "$ci/lab-network.sh" up sipha-m-sip 198.51.100.0/25
    "$ci/lab-network.sh" up sipha-m-data 198.51.100.128/25
    ;;
  down) "$ci/lab-network.sh" down sipha-m-sip sipha-m-data ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
