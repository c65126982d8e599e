#!/usr/bin/env bash
# Build the collection tarball and prove it installs offline into a scratch
# path and that ansible-doc renders its modules from there.
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"
use_venv
cd "$ROOT"
out="$CACHE/dist"
rm -rf "$out" && mkdir -p "$out"
ansible-galaxy collection build --force --output-path "$out" . >/dev/null
tarball=$(ls "$out"/sipha-network-*.tar.gz)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ANSIBLE_COLLECTIONS_PATH="$scratch" ansible-galaxy collection install --offline --no-deps -p "$scratch" "$tarball" >/dev/null
# ansible-doc exits 0 even when it finds nothing: look for each plugin's own words.
doc() {  # expected-text ansible-doc-args...
  local want=$1; shift
  ANSIBLE_COLLECTIONS_PATH="$scratch" ansible-doc "$@" 2>&1 | grep -q -- "$want" \
    || die "ansible-doc $* does not render from the installed tarball"
}
doc "sip-ip-tos" sipha.network.sip_tos
doc "nft --check" sipha.network.nft_table
doc "DSCP times 4" -t filter sipha.network.dscp_to_tos
doc "New-NetQosPolicy" -t role sipha.network.sip_qos
doc "single default route" sipha.network.dual_nic
doc "source policy routing" sipha.network.sip_routes
doc "slash form" sipha.network.arp_sysctl
doc "rolled back" sipha.network.apply_confirm
doc "RejectPolicy\|pinned" sipha.network.arp_flush
doc "cut off" -t role sipha.network.sip_host_network
doc "forced command" -t role sipha.network.router_arp_flush
doc "EEM applet" -t filter sipha.network.router_flush_files
doc "event none" -t filter sipha.network.router_flush_ios_audit
doc "overlap" -t filter sipha.network.host_design_check
doc "python3 -I -S" sipha.network.vip_script
doc "directed ARP" sipha.network.vip
doc "00-5150" -t role sipha.network.sip_vip
doc "sip_vip_routers" -t filter sipha.network.vip_routers
doc "new_holder" -t filter sipha.network.drill_outage
log "built and installed offline: $tarball"
