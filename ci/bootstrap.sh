#!/usr/bin/env bash
# One idempotent bootstrap for developers and CI. Everything is cached by
# existence (and by the digest of what defines it), so a second run is quick.
#   ci/bootstrap.sh            everything
#   ci/bootstrap.sh python     only the venv, collections and ansible-test stand-in
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"
what=${1:-all}
mkdir -p "$CACHE"

APT_PACKAGES="podman runc catatonit debootstrap nftables tcpdump shellcheck iptables netavark aardvark-dns conmon containernetworking-plugins rsync git make libwrap0 openssl chromium chromium-driver"

system() {
  local missing=()
  for pkg in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt: installing ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! cmp -s "$ROOT/lab/containers.conf" /etc/containers/containers.conf; then
    install -D -m 0644 "$ROOT/lab/containers.conf" /etc/containers/containers.conf
    log "installed /etc/containers/containers.conf"
  fi
  "$ROOT/lab/guard.sh"
}

python_env() {
  local want stamp
  want=$(cat "$ROOT/ci/requirements.txt" "$ROOT/ci/constraints.txt" | sha256sum | cut -c1-16)
  stamp="$VENV/.sipha-requirements"
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import ansible, molecule, pytest' 2>/dev/null \
     || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    local py
    py=$(command -v python3.11 || command -v python3)
    "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "$py is older than 3.11 (ansible-core 2.19 needs 3.11)"
    log "venv: creating $VENV with $("$py" --version)"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
    "$VENV/bin/pip" install -q -r "$ROOT/ci/requirements.txt" -c "$ROOT/ci/constraints.txt" 2>&1 \
      | grep -v 'is ignored: it is neither' >&2 || true
    "$VENV/bin/python" -c 'import ansible, molecule, pytest' || die "venv install failed"
    echo "$want" >"$stamp"
  fi
  use_venv

  # Dependency collections: tarballs built from the ansible wheel, installed offline.
  local wanted
  wanted=$(grep -v '^#' "$ROOT/ci/collections.txt" | xargs)
  mkdir -p "$CACHE/wheels" "$CACHE/vendor" "$COLLECTIONS/ansible_collections/sipha"
  local need_wheel=0 fqcn
  for fqcn in $wanted; do
    compgen -G "$CACHE/vendor/${fqcn%%.*}-${fqcn#*.}-*.tar.gz" >/dev/null || need_wheel=1
  done
  if [ $need_wheel = 1 ] && ! compgen -G "$CACHE/wheels/ansible-$ANSIBLE_BUNDLE_VERSION-*.whl" >/dev/null; then
    log "downloading the ansible $ANSIBLE_BUNDLE_VERSION wheel (for its bundled collections)"
    pip download -q --no-deps -d "$CACHE/wheels" "ansible==$ANSIBLE_BUNDLE_VERSION" 2>&1 | grep -v 'is ignored' >&2 || true
  fi
  # shellcheck disable=SC2086
  python "$ROOT/ci/vendor_collections.py" "$CACHE/wheels" "$CACHE/vendor" $wanted
  for fqcn in $wanted; do
    if [ ! -f "$COLLECTIONS/ansible_collections/${fqcn%%.*}/${fqcn#*.}/MANIFEST.json" ]; then
      log "installing $fqcn offline"
      ansible-galaxy collection install --offline --no-deps -p "$COLLECTIONS" \
        "$CACHE/vendor/${fqcn%%.*}-${fqcn#*.}"-*.tar.gz >/dev/null
    fi
  done
  # This checkout is the collection sipha.network: link it where Ansible looks.
  ln -sfn "$ROOT" "$COLLECTIONS/ansible_collections/sipha/network"
  [ -f "$COLLECTIONS/ansible_collections/sipha/network/galaxy.yml" ] || die "collection link is broken"

  # ansible-test wants to download its pip bootstrap from a host we cannot reach.
  install -D -m 0644 "$ROOT/ci/get_pip_24_2.py" "$HOME/.ansible/test/cache/get_pip_24_2.py"
}

# Debian packages extracted into a directory of the cache, never installed (nothing of them runs on this machine
# as a service). Cached by the candidate version of the first package.
extract_debs() {  # dir check-file package...: extract the packages' candidate version into dir when not done yet
  local dir=$1 check=$2 want have tmp pkg
  shift 2
  want=$(apt-cache policy "$1" | awk '/Candidate:/ {print $2}')
  have=$(cat "$dir/.version" 2>/dev/null || true)
  if [ -z "$want" ] || [ "$want" = "(none)" ]; then die "apt has no $1 candidate"; fi
  if [ "$have" = "$want" ] && [ -x "$dir/$check" ]; then return 0; fi
  log "extracting $* $want into $dir"
  tmp=$(mktemp -d)
  local versioned=()
  for pkg in "$@"; do versioned+=("$pkg=$want"); done
  (cd "$tmp" && apt-get download -q "${versioned[@]}" 2>/dev/null >/dev/null) \
    || (apt-get update -q >/dev/null && cd "$tmp" && apt-get download -q "${versioned[@]}" >/dev/null 2>&1) \
    || die "cannot download $* $want"
  rm -rf "$dir" && mkdir -p "$dir"
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$dir"; done
  rm -rf "$tmp"
  echo "$want" >"$dir/.version"
}

# Debian's own sshd and sftp-server for the device simulator's OpenSSH front (tests/devsim/sshd.py), extracted
# into the cache: nothing listens on this machine's port 22.
sshd_front() {
  extract_debs "$CACHE/sshd" usr/lib/openssh/sftp-server openssh-server openssh-sftp-server
  [ -x "$CACHE/sshd/usr/sbin/sshd" ] || die "openssh-server has no sshd"
  "$CACHE/sshd/usr/sbin/sshd" -V 2>&1 | grep -q OpenSSH || die "the extracted sshd does not run"
}

# Debian's Prometheus: promtool for the alert rules' unit tests, the server for the lab's monitoring test (in the
# NMS container); no service starts on this machine.
prometheus_tools() {
  extract_debs "$CACHE/prometheus" usr/bin/promtool prometheus
  [ -x "$CACHE/prometheus/usr/bin/prometheus" ] || die "the prometheus package has no server binary"
  "$CACHE/prometheus/usr/bin/promtool" --version 2>&1 | grep -q '^promtool' || die "the extracted promtool does not run"
}

case "$what" in
  all) system; sshd_front; prometheus_tools; python_env; "$ROOT/lab/images.sh" ;;
  sshd) sshd_front ;;
  prometheus) prometheus_tools ;;
  python) prometheus_tools; python_env ;;
  system) system ;;
  images) "$ROOT/lab/images.sh" ;;
  *) die "usage: $0 [all|python|system|sshd|prometheus|images]" ;;
esac
log "bootstrap ($what) done"
