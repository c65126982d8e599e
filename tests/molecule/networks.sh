#!/usr/bin/env bash
# The two internal networks every networked molecule scenario uses.
set -euo pipefail
lab=$(cd "$(dirname "$0")/../../lab" && pwd)
case "${1:-up}" in
  up)
    "$lab/network.sh" up sipha-m-sip 198.51.100.0/25
    "$lab/network.sh" up sipha-m-data 198.51.100.128/25
    # behind the lab router: a network of SIP devices, and one that is not (an agent desktop)
    "$lab/network.sh" up sipha-m-dev 198.18.20.0/24
    "$lab/network.sh" up sipha-m-agent 198.18.21.0/24
    ;;
  down) "$lab/network.sh" down sipha-m-sip sipha-m-data sipha-m-dev sipha-m-agent ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
