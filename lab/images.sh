#!/usr/bin/env bash
# Build the lab images from Debian packages (no container registry is reachable):
# debootstrap one bookworm rootfs, import it three times:
#   $IMAGE_BASE     plain command (molecule runs its own), for routers and simple hosts
#   $IMAGE_SYSTEMD  CMD /sbin/init, for roles that install systemd units; ifupdown's
#                   networking.service runs, NetworkManager is masked
#   $IMAGE_NM       CMD /sbin/init with NetworkManager running (the RHEL-style backend)
#   $IMAGE_NETPLAN  CMD /sbin/init with netplan and systemd-networkd (Ubuntu Server's stack);
#                   only this image has the netplan command (backend auto would pick it)
# Each image carries a label with the digest of its recipe (this script + package list);
# an image whose label matches is reused, anything else is rebuilt.
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/../ci/lib.sh"

PACKAGES=python3,iproute2,keepalived,iputils-arping,iputils-ping,openssh-server,openssh-client,sudo,nftables,tcpdump,procps,netcat-openbsd,sip-tester,systemd,systemd-sysv,dbus,cron,ifupdown,network-manager,libpam-systemd,netplan.io,prometheus-node-exporter,resource-agents
recipe=$( { cat "$0"; echo "$PACKAGES"; } | sha256sum | cut -c1-16)

label_of() { podman image inspect --format '{{index .Config.Labels "org.sipha.recipe"}}' "$1" 2>/dev/null || true; }
if [ "$(label_of "$IMAGE_BASE")" = "$recipe" ] && [ "$(label_of "$IMAGE_SYSTEMD")" = "$recipe" ] \
   && [ "$(label_of "$IMAGE_NM")" = "$recipe" ] && [ "$(label_of "$IMAGE_NETPLAN")" = "$recipe" ]; then
  log "images up to date (recipe $recipe)"
  exit 0
fi

# The Debian mirror this machine already uses (apt sources), so no host is named here.
mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1=="deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || die "no Debian mirror found in the apt sources"

rootfs=$(mktemp -d "$CACHE/rootfs.XXXXXX")
tarball="$rootfs.tar"
trap 'rm -rf "$rootfs" "$tarball"' EXIT
log "debootstrap bookworm from the apt mirror (recipe $recipe)"
debootstrap --variant=minbase --include="$PACKAGES" bookworm "$rootfs" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
  || { tail -20 "$CACHE/debootstrap.log"; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }

# netplan only in its own image: keep its package, take it out for the others, put it back last.
netplan_deb=$(find "$rootfs/var/cache/apt/archives" -name 'netplan.io_*.deb' | head -1)
[ -n "$netplan_deb" ] || die "debootstrap left no netplan.io package"
cp "$netplan_deb" "$rootfs/root/netplan.io.deb"
chroot "$rootfs" dpkg --remove netplan.io >>"$CACHE/debootstrap.log" 2>&1 || die "removing netplan.io failed"
# Trim, and make the rootfs fit a container: no apt lists, sshd's run dir made at start,
# units that make no sense in a container masked.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
# node_exporter (Debian's prometheus-node-exporter, for the monitoring test) starts only where the lab enables it;
# cluster-glue's logd (pulled in by resource-agents, whose IPaddr2 the benchmark runs standalone) never.
for unit in systemd-networkd-wait-online.service getty@.service console-getty.service systemd-logind.service \
            prometheus-node-exporter.service logd.service; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
# Host keys are made per container by the scenarios that need distinct ones.
systemd_image() {  # tag: import the rootfs as it is now, booting systemd
  tar -C "$rootfs" -cf "$tarball" .
  podman import -q --change "LABEL org.sipha.recipe=$recipe" --change 'CMD ["/sbin/init"]' \
    --change 'STOPSIGNAL SIGRTMIN+3' "$tarball" "$1" >/dev/null
}
# NetworkManager off except in its own image (it would take the NICs of every scenario).
ln -sf /dev/null "$rootfs/etc/systemd/system/NetworkManager.service"
ln -sf /dev/null "$rootfs/etc/systemd/system/NetworkManager-wait-online.service"
tar -C "$rootfs" -cf "$tarball" .
podman import -q --change "LABEL org.sipha.recipe=$recipe" "$tarball" "$IMAGE_BASE" >/dev/null
systemd_image "$IMAGE_SYSTEMD"
# The NetworkManager image: NM on, ifupdown off. podman puts the addresses on the NICs
# before NM starts; without keep-configuration=no NM adopts them as "external" and never
# activates the saved profiles after a restart; no-auto-default stops DHCP profiles.
rm -f "$rootfs/etc/systemd/system/NetworkManager.service" "$rootfs/etc/systemd/system/NetworkManager-wait-online.service"
ln -sf /dev/null "$rootfs/etc/systemd/system/networking.service"
cat >"$rootfs/etc/NetworkManager/conf.d/90-sipha-lab.conf" <<'CONF'
[main]
no-auto-default=*

[device-sipha-lab]
match-device=interface-name:eth*
managed=1
keep-configuration=no
CONF
systemd_image "$IMAGE_NM"
# The netplan image: netplan renders to systemd-networkd; NetworkManager and ifupdown off.
ln -sf /dev/null "$rootfs/etc/systemd/system/NetworkManager.service"
ln -sf /dev/null "$rootfs/etc/systemd/system/NetworkManager-wait-online.service"
chroot "$rootfs" dpkg --install /root/netplan.io.deb >>"$CACHE/debootstrap.log" 2>&1 || die "installing netplan.io failed"
rm -f "$rootfs/root/netplan.io.deb"
mkdir -p "$rootfs/etc/systemd/system/multi-user.target.wants" "$rootfs/etc/systemd/system/sockets.target.wants"
ln -sf /lib/systemd/system/systemd-networkd.service "$rootfs/etc/systemd/system/multi-user.target.wants/"
ln -sf /lib/systemd/system/systemd-networkd.socket "$rootfs/etc/systemd/system/sockets.target.wants/"
mkdir -p "$rootfs/etc/netplan"
systemd_image "$IMAGE_NETPLAN"
log "built $IMAGE_BASE, $IMAGE_SYSTEMD, $IMAGE_NM and $IMAGE_NETPLAN"
