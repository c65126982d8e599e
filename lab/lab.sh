#!/usr/bin/env bash
# The embedded lab: an HA pair of SIP hosts, two adjacent Linux routers and two SIP phones, on internal
# podman networks inside 198.18.0.0/15. Nothing in it can reach beyond those networks (lab/guard.sh).
#
#   lab/lab.sh up                    create what is missing (idempotent); write lab/inventory/hosts.yml
#   lab/lab.sh down                  remove the lab's containers and networks
#   lab/lab.sh garp ROUTER honour|ignore
#                                    make a router honour gratuitous ARP (Linux default, entries reachable
#                                    ~30 s) or ignore it like IOS / SRX do (nft arp filter on ARP aimed at
#                                    the VIP, entries reachable for an hour)
#   lab/lab.sh status                containers and the VIP's ARP entry on each router
#   lab/lab.sh switchover sip-a|sip-b
#                                    the management layer's stand-in makes that host primary (sipha-vip up),
#                                    then the other backup (down), as rolling.yml's sipha_switchover_command
#
#   sipha-lab-sip   198.18.1.0/24  VoIP VLAN: r1 .2 (VoIP gateway), r2 .3, sip-a .11, sip-b .12, VIP .10
#   sipha-lab-data  198.18.4.0/24  data / management: sip-a .11, sip-b .12, gateway .1 (host bridge)
#   sipha-lab-dev1  198.18.2.0/24  SIP devices behind r1: phone1 .50
#   sipha-lab-dev2  198.18.3.0/24  SIP devices behind r2: phone2 .50
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ci/lib.sh
. "$here/../ci/lib.sh"
state="$here/.state"
inventory="$here/inventory/hosts.yml"
VIP=198.18.1.10
NETWORKS=("sipha-lab-sip 198.18.1.0/24" "sipha-lab-data 198.18.4.0/24" "sipha-lab-dev1 198.18.2.0/24"
          "sipha-lab-dev2 198.18.3.0/24")
SYSTEMD_IMAGE=${SIPHA_IMAGE_SYSTEMD:-localhost/sipha-lab:bookworm-systemd}
IMAGE=${SIPHA_IMAGE:-localhost/sipha-lab:bookworm}
OPERATOR=sipha-admin   # the account the controller logs in with
COMMON=(--cap-add NET_ADMIN --cap-add NET_RAW --security-opt unmask=/proc/sys)

container() {  # name image networks... (-- extra podman args)
  local name=$1 image=$2; shift 2
  if podman container exists "sipha-lab-$name"; then
    [ "$(podman inspect -f '{{.State.Running}}' "sipha-lab-$name")" = true ] || podman start "sipha-lab-$name" >/dev/null
    return
  fi
  local args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=(--network "$1"); shift; done
  [ "${1:-}" = -- ] && shift
  if [ "$image" = "$SYSTEMD_IMAGE" ]; then
    podman run -d --name "sipha-lab-$name" --hostname "$name" "${COMMON[@]}" "${args[@]}" "$@" "$image" /sbin/init >/dev/null
  else
    podman run -d --init --name "sipha-lab-$name" --hostname "$name" "${COMMON[@]}" "${args[@]}" "$@" "$image" \
      sleep infinity >/dev/null
  fi
  log "started sipha-lab-$name"
}

x() { podman exec "sipha-lab-$1" "${@:2}"; }
xi() { podman exec -i "sipha-lab-$1" "${@:2}"; }   # with this script's stdin (a here-document)

nic_on() {  # container subnet -> name of its NIC on that subnet
  x "$1" ip -o -4 addr show to "$2" | awk '{print $2; exit}'
}

garp() {  # router honour|ignore
  local router=$1 mode=$2 nic
  nic=$(nic_on "$router" 198.18.1.0/24)
  x "$router" nft delete table arp sipha_lab_garp 2>/dev/null || true
  case $mode in
    honour)
      x "$router" sysctl -qw "net.ipv4.neigh.$nic.base_reachable_time_ms=30000" "net.ipv4.neigh.$nic.gc_stale_time=60" ;;
    ignore)
      xi "$router" nft -f - <<NFT
table arp sipha_lab_garp {
  chain input { type filter hook input priority 0; arp daddr ip $VIP drop; }
}
NFT
      x "$router" sysctl -qw "net.ipv4.neigh.$nic.base_reachable_time_ms=3600000" "net.ipv4.neigh.$nic.gc_stale_time=3600" ;;
    *) die "garp: mode must be honour or ignore" ;;
  esac
  log "$router: $mode gratuitous ARP"
}

up() {
  [ -n "$(podman images -q "$SYSTEMD_IMAGE")" ] || die "image $SYSTEMD_IMAGE missing: run make bootstrap (or lab/images.sh)"
  for net in "${NETWORKS[@]}"; do
    # shellcheck disable=SC2086  # name and subnet
    "$here/network.sh" up $net
  done
  container r1 "$SYSTEMD_IMAGE" sipha-lab-sip:ip=198.18.1.2 sipha-lab-dev1:ip=198.18.2.2 -- \
    --sysctl net.ipv4.ip_forward=1 --sysctl net.ipv4.conf.all.rp_filter=0
  container r2 "$SYSTEMD_IMAGE" sipha-lab-sip:ip=198.18.1.3 sipha-lab-dev2:ip=198.18.3.2 -- \
    --sysctl net.ipv4.ip_forward=1 --sysctl net.ipv4.conf.all.rp_filter=0
  for host in a b; do
    local octet=12; [ "$host" = a ] && octet=11
    container "sip-$host" "$SYSTEMD_IMAGE" "sipha-lab-sip:ip=198.18.1.$octet" "sipha-lab-data:ip=198.18.4.$octet" -- \
      --sysctl net.ipv4.ip_forward=0
  done
  container phone1 "$IMAGE" sipha-lab-dev1:ip=198.18.2.50
  container phone2 "$IMAGE" sipha-lab-dev2:ip=198.18.3.50
  for name in r1 r2 sip-a sip-b; do
    x "$name" systemctl is-system-running --wait >/dev/null 2>&1 || true
  done
  # sshd and the operator's account on the SIP hosts and routers: the rollout logs in as production does
  for name in r1 r2 sip-a sip-b; do operator "$name"; done
  scs sip-a primary
  scs sip-b backup
  announce sip-a 198.18.4.11 198.18.4.1; announce sip-b 198.18.4.12 198.18.4.1
  announce r1 198.18.1.2 198.18.1.1; announce r2 198.18.1.3 198.18.1.1
  # a route to the other router's phones
  x r1 ip route replace 198.18.3.0/24 via 198.18.1.3
  x r2 ip route replace 198.18.2.0/24 via 198.18.1.2
  x phone1 ip route replace default via 198.18.2.2
  x phone2 ip route replace default via 198.18.3.2
  write_inventory
  log "lab up; inventory: $inventory"
}

operator() {  # container: sshd, and the account the controller logs in with (key only, sudo for everything)
  local name=$1
  [ -f "$state/operator_key" ] || { mkdir -p "$state"; chmod 0700 "$state"
    ssh-keygen -q -t ed25519 -N '' -C "$OPERATOR@sipha-lab" -f "$state/operator_key"; }
  x "$name" sh -c "id -u $OPERATOR >/dev/null 2>&1 || useradd -m -s /bin/bash $OPERATOR"
  x "$name" install -d -m 0700 -o "$OPERATOR" -g "$OPERATOR" "/home/$OPERATOR/.ssh"
  xi "$name" install -m 0600 -o "$OPERATOR" -g "$OPERATOR" /dev/stdin "/home/$OPERATOR/.ssh/authorized_keys" \
    <"$state/operator_key.pub"
  echo "$OPERATOR ALL=(ALL:ALL) NOPASSWD: ALL" | xi "$name" sh -c \
    "cat >/etc/sudoers.d/90-$OPERATOR.tmp && chmod 0440 /etc/sudoers.d/90-$OPERATOR.tmp &&
     visudo -cqf /etc/sudoers.d/90-$OPERATOR.tmp && mv /etc/sudoers.d/90-$OPERATOR.tmp /etc/sudoers.d/90-$OPERATOR"
  x "$name" systemctl start ssh.service
}

announce() {  # container address bridge-address: one ping, so the controller's ARP entry holds this container's MAC
  x "$1" ping -c 1 -W 2 -I "$2" "$3" >/dev/null || die "$1 cannot reach the controller at $3 from $2"
}

scs() {  # host initial-role: the management layer's stand-in; it alone decides the roles, sipha-vip is its reaction
  # the local agent's own account (LCA runs its reactions as a non-root account); the benchmark's agent strategy
  # (benchmarks/bench.py s) rolls out with sip_vip_agent_user: lca and runs the program as it, through the role's
  # sudo rule
  x "$1" sh -c "id -u lca >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin lca"
  xi "$1" install -m 0755 /dev/stdin /usr/local/sbin/sipha-lab-scs <<'SH'
#!/bin/sh
# Lab stand-in for the management layer (SCS/LCA): it records this host's role and runs sipha-vip as the reaction.
#   sipha-lab-scs is-primary           exit 0 primary, 1 backup, 2 unknown (the role probe site.yml asks)
#   sipha-lab-scs primary|backup [sipha-vip options...]   make this host primary (sipha-vip up) or backup (down)
state=/var/lib/sipha-lab/role
case "${1:-}" in
  is-primary) role=$(cat "$state" 2>/dev/null); [ "$role" = primary ] && exit 0; [ "$role" = backup ] && exit 1; exit 2 ;;
  primary) shift; echo primary >"$state.tmp" && mv "$state.tmp" "$state"; exec /usr/local/sbin/sipha-vip "$@" up ;;
  backup) shift; echo backup >"$state.tmp" && mv "$state.tmp" "$state"; exec /usr/local/sbin/sipha-vip "$@" down ;;
  *) echo "usage: sipha-lab-scs is-primary | primary|backup [sipha-vip options]" >&2; exit 2 ;;
esac
SH
  x "$1" sh -c "mkdir -p /var/lib/sipha-lab && { [ -f /var/lib/sipha-lab/role ] || echo $2 >/var/lib/sipha-lab/role; }"
}

host_key() {  # container address -> a known_hosts line for that address, read through podman (a trusted channel)
  printf '%s %s\n' "$2" "$(x "$1" cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)"
}

write_inventory() {
  mkdir -p "$state"
  chmod 0700 "$state"
  [ -f "$state/flush_key" ] || ssh-keygen -q -t ed25519 -N '' -C sipha-flush@lab -f "$state/flush_key"
  local key_r1 key_r2
  key_r1=$(x r1 cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)
  key_r2=$(x r2 cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)
  # every host key the controller may meet, pinned (StrictHostKeyChecking=yes: nothing is auto-added)
  { host_key sip-a 198.18.4.11; host_key sip-b 198.18.4.12; host_key r1 198.18.1.2; host_key r2 198.18.1.3
  } >"$state/known_hosts"
  cat >"$inventory" <<YAML
# Generated by lab/lab.sh up: the lab's hosts (the pair's design is in group_vars/).
# The controller reaches the SIP hosts over SSH on their data NIC and the routers over SSH, as the operator
# account $OPERATOR with sudo, host keys pinned; the phones (lab plumbing, not rolled out) through podman.
all:
  vars:
    ansible_python_interpreter: /usr/bin/python3
  children:
    managed:
      vars:
        ansible_connection: ssh
        ansible_user: $OPERATOR
        ansible_ssh_private_key_file: $state/operator_key
        ansible_ssh_common_args: >-
          -o UserKnownHostsFile=$state/known_hosts -o StrictHostKeyChecking=yes -o ConnectTimeout=5
          -o ControlMaster=auto -o ControlPersist=120s -o ServerAliveInterval=5 -o ServerAliveCountMax=3
        ansible_ssh_pipelining: true
      children:
        sip_pair:
          hosts:
            sip-a:
              ansible_host: 198.18.4.11
              sipha_lab_container: sipha-lab-sip-a
              sipha_sip_nic: {name: $(nic_on sip-a 198.18.1.0/24), address: 198.18.1.11/24}
              sipha_data_nic: {name: $(nic_on sip-a 198.18.4.0/24), address: 198.18.4.11/24}
            sip-b:
              ansible_host: 198.18.4.12
              sipha_lab_container: sipha-lab-sip-b
              sipha_sip_nic: {name: $(nic_on sip-b 198.18.1.0/24), address: 198.18.1.12/24}
              sipha_data_nic: {name: $(nic_on sip-b 198.18.4.0/24), address: 198.18.4.12/24}
        adjacent_routers:
          vars:
            ansible_become: true
          hosts:
            r1:
              ansible_host: 198.18.1.2
              sipha_lab_container: sipha-lab-r1
              sipha_router_address: 198.18.1.2
              sipha_router_host_keys: ["$key_r1"]
            r2:
              ansible_host: 198.18.1.3
              sipha_lab_container: sipha-lab-r2
              sipha_router_address: 198.18.1.3
              sipha_router_host_keys: ["$key_r2"]
    sip_clients:
      vars:
        ansible_connection: containers.podman.podman
      hosts:
        phone1: {ansible_host: sipha-lab-phone1, sipha_lab_container: sipha-lab-phone1, sipha_client_address: 198.18.2.50}
        phone2: {ansible_host: sipha-lab-phone2, sipha_lab_container: sipha-lab-phone2, sipha_client_address: 198.18.3.50}
YAML
}

down() {
  for name in sip-a sip-b r1 r2 phone1 phone2; do podman rm -f -t 1 "sipha-lab-$name" >/dev/null 2>&1 || true; done
  "$here/network.sh" down sipha-lab-sip sipha-lab-data sipha-lab-dev1 sipha-lab-dev2
  rm -f "$inventory"
  log "lab down"
}

status() {
  podman ps -a --filter name=sipha-lab- --format '{{.Names}} {{.Status}}'
  for router in r1 r2; do
    printf '%s: %s\n' "$router" "$(x "$router" ip -4 neigh show to "$VIP" 2>/dev/null || echo unreachable)"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  garp) [ $# -eq 3 ] || die "usage: $0 garp r1|r2 honour|ignore"; garp "$2" "$3" ;;
  status) status ;;
  switchover)
    case "${2:-}" in sip-a|sip-b) ;; *) die "usage: $0 switchover sip-a|sip-b" ;; esac
    other=sip-a; [ "$2" = sip-a ] && other=sip-b
    x "$2" /usr/local/sbin/sipha-lab-scs primary --quiet
    x "$other" /usr/local/sbin/sipha-lab-scs backup --quiet
    ;;
  *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
