#!/usr/bin/env bash
# The two internal networks every networked molecule scenario uses.
set -euo pipefail
ci=$(cd "$(dirname "$0")/../../ci" && pwd)
case "${1:-up}" in
  up)
    "$ci/lab-network.sh" up sipha-m-sip 198.51.100.0/25
    "$ci/lab-network.sh" up sipha-m-data 198.51.100.128/25
    # behind the lab router: a network of SIP devices, and one that is not (an agent desktop)
    "$ci/lab-network.sh" up sipha-m-dev 198.18.20.0/24
    "$ci/lab-network.sh" up sipha-m-agent 198.18.21.0/24
    ;;
  down) "$ci/lab-network.sh" down sipha-m-sip sipha-m-data sipha-m-dev sipha-m-agent ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
