#!/usr/bin/env bash
# The execution environment (execution-environment.yml), offline:
#   ci/ee.sh create   ansible-builder create: the schema is checked and the build context written (CI runs this)
#   ci/ee.sh build    the same, then podman builds it from the lab's debootstrap base image with a local wheelhouse
#                     (no index) and local collection tarballs (no Galaxy), smoke-tests it and prints its build
#                     time and size (make ee). The image is rebuilt only when the digest of its inputs changes.
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
mode=${1:-build}
venv="$CACHE/ee-venv"
ee="$CACHE/ee"
image=localhost/sipha-ee:latest

tool_venv "$venv" ci/ee-requirements.txt ci/ee-constraints.txt ansible-builder

# --- the local inputs: collections as tarballs with fixed names, Python packages as wheels ---------------------
mkdir -p "$ee/collections" "$ee/wheels"
dist=$(compgen -G "$CACHE/dist/sipha-network-*.tar.gz" || true)
[ -n "$dist" ] || { ci/build-collection.sh; dist=$(compgen -G "$CACHE/dist/sipha-network-*.tar.gz"); }
cp "$dist" "$ee/collections/sipha-network.tar.gz"
for fqcn in ansible.netcommon ansible.utils ansible.posix cisco.ios junipernetworks.junos; do
  tarball=$(compgen -G "$CACHE/vendor/${fqcn%%.*}-${fqcn#*.}-*.tar.gz" | head -1 || true)
  [ -n "$tarball" ] || die "no vendored $fqcn in $CACHE/vendor: make bootstrap"
  cp "$tarball" "$ee/collections/${fqcn%%.*}-${fqcn#*.}.tar.gz"
done

"$venv/bin/ansible-builder" create -f execution-environment.yml -c "$ee/context" >/dev/null \
  || die "ansible-builder create refused execution-environment.yml"
log "ansible-builder create: execution-environment.yml valid, build context in $ee/context"
[ "$mode" = create ] && exit 0
[ "$mode" = build ] || die "usage: ci/ee.sh [create|build]"

# Every package the build's pip steps ask for: ansible-core and ansible-runner, pip itself, the builder stage's
# bindep, the final stage's dumb-init, ee/requirements.txt, and the collections' requirements that are not excluded.
wheel_list="pip==24.2 ansible-core==2.19.14 ansible-runner==2.4.3 bindep pyyaml packaging dumb-init==1.2.5 xmltodict jsonschema textfsm"
want=$( { echo "$wheel_list"; cat ee/requirements.txt ci/constraints.txt ci/ee-constraints.txt; } | sha256sum | cut -c1-16)
if [ "$(cat "$ee/wheels/.sipha-wheels" 2>/dev/null)" != "$want" ]; then
  log "ee wheelhouse: downloading wheels"
  rm -rf "$ee/wheels" && mkdir -p "$ee/wheels"
  # shellcheck disable=SC2086
  "$venv/bin/pip" download -q --only-binary=:all: -d "$ee/wheels" -c ci/constraints.txt $wheel_list \
    -r ee/requirements.txt 2>&1 | grep -v 'is ignored: it is neither' >&2 || true
  [ -e "$ee/wheels/pip-24.2-py3-none-any.whl" ] || die "the wheelhouse is incomplete"
  echo "$want" >"$ee/wheels/.sipha-wheels"
fi
"$venv/bin/ansible-builder" create -f execution-environment.yml -c "$ee/context" >/dev/null

podman image exists localhost/sipha-lab:bookworm || die "no base image localhost/sipha-lab:bookworm: make bootstrap"
base=$(podman image inspect --format '{{.Id}}' localhost/sipha-lab:bookworm)
inputs=$( { echo "$base"; find "$ee/context" -type f -print0 | sort -z | xargs -0 sha256sum | sed "s|$ee/context/||"; } \
  | sha256sum | cut -c1-16)
label_of() { podman image inspect --format '{{index .Config.Labels "org.sipha.inputs"}}' "$1" 2>/dev/null || true; }
if [ "$(label_of "$image")" = "$inputs" ]; then
  log "execution environment $image up to date (inputs $inputs)"
else
  start=$(date +%s)
  podman build -q --pull=never --network=none --label "org.sipha.inputs=$inputs" -t "$image" \
    -f "$ee/context/Containerfile" "$ee/context" >"$ee/build.log" 2>&1 \
    || { tail -40 "$ee/build.log" >&2; die "podman build of the execution environment failed (log: $ee/build.log)"; }
  log "execution environment built in $(( $(date +%s) - start )) s"
fi

# --- smoke test: the tools and the collection inside -----------------------------------------------------------
podman run --rm --network=none "$image" ansible-playbook --version | head -1 | grep -q 'ansible-playbook \[core 2.19' \
  || die "ansible-playbook does not run in $image"
podman run --rm --network=none "$image" ansible-galaxy collection list sipha.network 2>/dev/null | grep -q 'sipha.network' \
  || die "sipha.network is not installed in $image"
podman run --rm --network=none "$image" ansible-runner --version >/dev/null || die "ansible-runner does not run in $image"
size=$(podman image inspect --format '{{.Size}}' "$image")
log "execution environment $image: ansible-playbook, ansible-runner and sipha.network present; $(( size / 1000000 )) MB"
