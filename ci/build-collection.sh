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
ANSIBLE_COLLECTIONS_PATH="$scratch" ansible-doc sipha.network.sip_tos >/dev/null
ANSIBLE_COLLECTIONS_PATH="$scratch" ansible-doc -t filter sipha.network.dscp_to_tos >/dev/null
ANSIBLE_COLLECTIONS_PATH="$scratch" ansible-doc -t role sipha.network.sip_qos >/dev/null
log "built and installed offline: $tarball"
