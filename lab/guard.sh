#!/usr/bin/env bash
# Keep lab traffic inside the lab: a FORWARD chain on the machine that drops
# anything entering or leaving the lab ranges unless both ends are in lab
# ranges (a lab router may route between them). Idempotent (the chain is
# rebuilt, the jump added once).
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/../ci/lib.sh"
chain=SIPHA-LAB
iptables -w -N "$chain" 2>/dev/null || iptables -w -F "$chain"
for src in $LAB_RANGES; do
  for dst in $LAB_RANGES; do
    iptables -w -A "$chain" -s "$src" -d "$dst" -j RETURN
  done
done
# link-local multicast (224.0.0.0/24: VRRP adverts between the lab's routers) is never routed off its link; a
# bridged frame passes this chain only because the machine has bridge-nf-call-iptables on
for src in $LAB_RANGES; do
  iptables -w -A "$chain" -s "$src" -d 224.0.0.0/24 -j RETURN -m comment --comment "sipha: link-local multicast"
done
for range in $LAB_RANGES; do
  iptables -w -A "$chain" -s "$range" -j DROP -m comment --comment "sipha: keep lab traffic local"
  iptables -w -A "$chain" -d "$range" -j DROP -m comment --comment "sipha: keep lab traffic local"
done
iptables -w -C FORWARD -j "$chain" 2>/dev/null || iptables -w -I FORWARD 1 -j "$chain"
log "FORWARD guard in place for: $LAB_RANGES"
