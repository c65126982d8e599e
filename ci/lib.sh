# shellcheck shell=bash
# Shared settings for the ci/ scripts. Source it; do not run it.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${SIPHA_CACHE:-$ROOT/.cache}
VENV=$CACHE/venv
COLLECTIONS=$CACHE/collections
export ROOT CACHE VENV COLLECTIONS
# The ansible wheel we take dependency collections from (Galaxy is unreachable).
export ANSIBLE_BUNDLE_VERSION=12.3.0
# Lab images (one debootstrap rootfs, imported three times).
IMAGE_BASE=localhost/sipha-lab:bookworm
IMAGE_SYSTEMD=localhost/sipha-lab:bookworm-systemd
IMAGE_NM=localhost/sipha-lab:bookworm-nm
IMAGE_NETPLAN=localhost/sipha-lab:bookworm-netplan
export SIPHA_IMAGE=${SIPHA_IMAGE:-$IMAGE_BASE} SIPHA_IMAGE_SYSTEMD=${SIPHA_IMAGE_SYSTEMD:-$IMAGE_SYSTEMD}
export SIPHA_IMAGE_NM=${SIPHA_IMAGE_NM:-$IMAGE_NM} SIPHA_IMAGE_NETPLAN=${SIPHA_IMAGE_NETPLAN:-$IMAGE_NETPLAN}
# The only ranges lab networks may use (RFC 2544 benchmarking, TEST-NET-2).
export LAB_RANGES="198.18.0.0/15 198.51.100.0/24"

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "${0##*/}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

use_venv() {
  export PATH="$VENV/bin:$PATH"
  export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS"
  export ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1
}

tool_venv() {  # dir requirements constraints executable: a tool's own venv, recreated when its pins' digest changes
  local dir=$1 requirements=$2 constraints=$3 executable=$4 want
  want=$(cat "$requirements" "$constraints" | sha256sum | cut -c1-16)
  if [ "$(cat "$dir/.sipha-requirements" 2>/dev/null)" = "$want" ] && [ -x "$dir/bin/$executable" ]; then
    return 0
  fi
  log "venv: creating $dir"
  rm -rf "$dir"
  "$(command -v python3.11 || command -v python3)" -m venv "$dir"
  "$dir/bin/pip" install -q -r "$requirements" -c "$constraints" 2>&1 | grep -v 'is ignored: it is neither' >&2 || true
  [ -x "$dir/bin/$executable" ] || die "installing $requirements into $dir failed"
  echo "$want" >"$dir/.sipha-requirements"
}
