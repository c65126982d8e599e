#!/usr/bin/env bash
# Take the carrier away from a molecule container's NIC and give it back, from the machine:
# set the host-side veth peer of that NIC down, wait, and up again.
#
# Usage: veth_flap.sh CONTAINER NIC NETWORK SECONDS_DOWN
#
# Touches exactly one link of the machine, and only after proving it is the peer of CONTAINER's NIC:
# its ifindex is the NIC's iflink, its iflink is the NIC's ifindex, its peer lives in CONTAINER's network
# namespace, and it is a port of NETWORK's bridge. Prints what it did and the peer's name.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 CONTAINER NIC NETWORK SECONDS_DOWN" >&2; exit 2; }
container=$1 nic=$2 network=$3 hold=$4
case "$container" in hn-*|nm-*|np-*|fl-*) ;; *) echo "refused: $container is not a molecule container of sip_host_network" >&2; exit 2 ;; esac
case "$hold" in ''|*[!0-9.]*) echo "SECONDS_DOWN must be a number" >&2; exit 2 ;; esac

peer_index=$(podman exec "$container" cat "/sys/class/net/$nic/iflink")
own_index=$(podman exec "$container" cat "/sys/class/net/$nic/ifindex")
sandbox=$(podman inspect "$container" --format '{{.NetworkSettings.SandboxKey}}')
bridge=$(podman network inspect "$network" --format '{{.NetworkInterface}}')
peer=
for dir in /sys/class/net/*; do
  if [ "$(cat "$dir/ifindex")" = "$peer_index" ]; then peer=${dir##*/}; break; fi
done
[ -n "$peer" ] || { echo "no link with ifindex $peer_index on this machine" >&2; exit 1; }
[ "$(cat "/sys/class/net/$peer/iflink")" = "$own_index" ] || { echo "$peer is not the peer of $container:$nic" >&2; exit 1; }
[ "$(basename "$(readlink "/sys/class/net/$peer/master")")" = "$bridge" ] \
  || { echo "$peer is not a port of $network's bridge $bridge" >&2; exit 1; }
ip -o link show dev "$peer" | grep -q " link-netns ${sandbox##*/}\( \|$\)" \
  || { echo "$peer's peer is not in $container's network namespace ($sandbox)" >&2; exit 1; }

ip link set dev "$peer" down
sleep "$hold"
ip link set dev "$peer" up
echo "carrier of $container:$nic taken away for ${hold}s via $peer ($bridge)"
