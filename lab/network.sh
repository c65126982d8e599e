#!/usr/bin/env bash
# Create or remove an internal podman network inside the lab ranges only.
#   network.sh up NAME SUBNET     (idempotent; refuses a subnet outside the lab ranges
#                                      or an existing network with another subnet)
#   network.sh down NAME...
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/../ci/lib.sh"

inside_lab() {  # subnet -> 0 when it lies inside one of LAB_RANGES
  # shellcheck disable=SC2086  # LAB_RANGES is a list of words
  python3 - "$1" $LAB_RANGES <<'PY'
import ipaddress, sys
net = ipaddress.ip_network(sys.argv[1], strict=True)
sys.exit(0 if any(net.subnet_of(ipaddress.ip_network(r)) for r in sys.argv[2:]) else 1)
PY
}

case "${1:-}" in
  up)
    name=$2 subnet=$3
    inside_lab "$subnet" || die "subnet $subnet of network $name is outside the lab ranges ($LAB_RANGES)"
    if podman network exists "$name"; then
      have=$(podman network inspect "$name" --format '{{range .Subnets}}{{.Subnet}} {{end}}')
      [ "${have% }" = "$subnet" ] || die "network $name exists with subnet '$have', expected $subnet"
    else
      podman network create --internal --subnet "$subnet" "$name" >/dev/null
      log "created internal network $name $subnet"
    fi
    ;;
  down)
    shift
    for name in "$@"; do podman network rm -f "$name" >/dev/null 2>&1 || true; done
    ;;
  *) die "usage: $0 up NAME SUBNET | down NAME..." ;;
esac
