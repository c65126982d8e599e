#!/usr/bin/env bash
# The embedded lab: an HA pair of SIP hosts, two adjacent Linux routers and two SIP phones, on internal
# podman networks inside 198.18.0.0/15. Nothing in it can reach beyond those networks (lab/guard.sh).
#
#   lab/lab.sh up                    create what is missing (idempotent); write lab/inventory/hosts.yml
#                                    (SIPHA_LAB_PAIRS=N: N pairs, 1..9 - the rollout benchmark's estate; pair K > 1:
#                                    sip-pK-a .K1 and sip-pK-b .K2 on both networks, VIP 198.18.1.K0)
#   lab/lab.sh nms                   (re)load the NMS's Prometheus config and the collection's alert rules
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
#   lab/lab.sh power ROUTER off|on   pull a router's power (SIGKILL: no VRRP goodbye, its links drop) or start it
#                                    again (the garp mode it had is put back)
#   lab/lab.sh link NAME NET down|up the carrier of a container's NIC on a lab network (its bridge-side veth down:
#                                    the container sees NO-CARRIER, keeps its addresses and routes, as a cable pull)
#   lab/lab.sh split ROUTER on|off   the VoIP VLAN splits so that ROUTER is cut off from it (its bridge port stops
#                                    forwarding, its own link stays up, as a failed switch-to-switch link), or heals
#
#   sipha-lab-sip     198.18.1.0/24  VoIP VLAN: r1 .2, r2 .3, VRRP gateway .254 (r1 master), sip-a .11, sip-b .12,
#                                    VIP .10
#   sipha-lab-data    198.18.4.0/24  data / management: sip-a .11, sip-b .12, SCS stand-in .5, the NMS .6 (Prometheus
#                                    scraping node_exporter on each SIP host's data address, port 9100), gateway .1 (host)
#   sipha-lab-dev1    198.18.2.0/24  SIP devices: phone1 .50; r1 .2, r2 .3, VRRP gateway .254 (r1 master)
#   sipha-lab-dev2    198.18.3.0/24  SIP devices: phone2 .50; r2 .2, r1 .3, VRRP gateway .254 (r2 master)
#   sipha-lab-transit 198.18.5.0/24  router to router: r1 .2, r2 .3; the controller reaches the routers here
#                                    (out-of-band of the VoIP VLAN, as a management network would)
# VRRP (keepalived, VRRPv3): 100 ms adverts, so a backup takes over ~0.35 s after its master goes silent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ci/lib.sh
. "$here/../ci/lib.sh"
state="$here/.state"
inventory="$here/inventory/hosts.yml"
VIP=198.18.1.10
NMS=198.18.4.6         # the NMS (Prometheus) on the data network
PAIRS=${SIPHA_LAB_PAIRS:-1}
case $PAIRS in [1-9]) ;; *) echo "SIPHA_LAB_PAIRS must be 1..9 (got $PAIRS)" >&2; exit 2 ;; esac
NETWORKS=("sipha-lab-sip 198.18.1.0/24" "sipha-lab-data 198.18.4.0/24" "sipha-lab-dev1 198.18.2.0/24"
          "sipha-lab-dev2 198.18.3.0/24" "sipha-lab-transit 198.18.5.0/24")
GATEWAY_OCTET=254        # the VRRP virtual gateway on the VoIP VLAN and on each device network
VRRP_ADVERT=0.1          # seconds between adverts (VRRPv3 counts in centiseconds)
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
  mkdir -p "$state" && echo "$mode" >"$state/garp-$router"   # put back after a power cycle
  log "$router: $mode gratuitous ARP"
}

peer_of() {  # container network -> the host-side veth of the container's NIC on sipha-lab-NETWORK, checked to be a
  # port of that lab network's bridge (nothing else on this machine is ever touched)
  local name=$1 net=$2 subnet nic index peer bridge
  subnet=$(podman network inspect "sipha-lab-$net" --format '{{range .Subnets}}{{.Subnet}}{{end}}')
  bridge=$(podman network inspect "sipha-lab-$net" --format '{{.NetworkInterface}}')
  nic=$(nic_on "$name" "$subnet")
  if [ -z "$nic" ] || [ -z "$bridge" ]; then die "$name has no NIC on sipha-lab-$net"; fi
  index=$(x "$name" cat "/sys/class/net/$nic/iflink")
  peer=$(ip -o link show | awk -F': ' -v i="$index" '$1 == i {sub(/@.*/, "", $2); print $2}')
  ip -o link show dev "$peer" 2>/dev/null | grep -q " master $bridge " \
    || die "the peer of $name's $nic ($peer) is not a port of $bridge (sipha-lab-$net)"
  echo "$peer"
}

power() {  # router off|on
  local r=$1
  case $2 in
    off) podman kill -s KILL "sipha-lab-$r" >/dev/null ;;
    on)
      podman start "sipha-lab-$r" >/dev/null
      x "$r" systemctl is-system-running --wait >/dev/null 2>&1 || true
      x "$r" systemctl start ssh.service keepalived.service
      if [ -f "$state/garp-$r" ]; then garp "$r" "$(cat "$state/garp-$r")" >/dev/null; fi
      ;;
    *) die "power: off or on" ;;
  esac
}

link() {  # container network down|up: the carrier of the container's NIC on that network
  local peer
  case $3 in down|up) ;; *) die "link: down or up" ;; esac
  peer=$(peer_of "$1" "$2")
  ip link set dev "$peer" "$3"
}

split() {  # router on|off: the VoIP VLAN no longer carries frames to or from the router's port (or does again)
  local peer
  peer=$(peer_of "$1" sip)
  case $2 in
    on) bridge link set dev "$peer" state 0 ;;    # disabled
    off) bridge link set dev "$peer" state 3 ;;   # forwarding
    *) die "split: on or off" ;;
  esac
}

up() {
  [ -n "$(podman images -q "$SYSTEMD_IMAGE")" ] || die "image $SYSTEMD_IMAGE missing: run make bootstrap (or lab/images.sh)"
  for net in "${NETWORKS[@]}"; do
    # shellcheck disable=SC2086  # name and subnet
    "$here/network.sh" up $net
  done
  local r
  for r in r1 r2; do
    local own=2 other=3; [ "$r" = r2 ] && own=3 other=2
    # r1 is .2 on the VoIP VLAN, dev1 and transit and .3 on dev2; r2 the other way round
    container "$r" "$SYSTEMD_IMAGE" "sipha-lab-sip:ip=198.18.1.$own" "sipha-lab-dev1:ip=198.18.2.$own" \
      "sipha-lab-dev2:ip=198.18.3.$other" "sipha-lab-transit:ip=198.18.5.$own" -- \
      --sysctl net.ipv4.ip_forward=1 --sysctl net.ipv4.conf.all.rp_filter=0
  done
  for host in a b; do
    local octet=12; [ "$host" = a ] && octet=11
    container "sip-$host" "$SYSTEMD_IMAGE" "sipha-lab-sip:ip=198.18.1.$octet" "sipha-lab-data:ip=198.18.4.$octet" -- \
      --sysctl net.ipv4.ip_forward=0
  done
  local k
  for k in $(seq 2 "$PAIRS"); do   # the other pairs of an estate: the same VLANs, routers and design, their own VIP
    container "sip-p$k-a" "$SYSTEMD_IMAGE" "sipha-lab-sip:ip=198.18.1.${k}1" "sipha-lab-data:ip=198.18.4.${k}1" -- \
      --sysctl net.ipv4.ip_forward=0
    container "sip-p$k-b" "$SYSTEMD_IMAGE" "sipha-lab-sip:ip=198.18.1.${k}2" "sipha-lab-data:ip=198.18.4.${k}2" -- \
      --sysctl net.ipv4.ip_forward=0
  done
  container phone1 "$IMAGE" sipha-lab-dev1:ip=198.18.2.50
  container phone2 "$IMAGE" sipha-lab-dev2:ip=198.18.3.50
  container scs "$IMAGE" sipha-lab-data:ip=198.18.4.5
  [ -x "$CACHE/prometheus/usr/bin/prometheus" ] || die "Prometheus missing: run make bootstrap (ci/bootstrap.sh prometheus)"
  # the NMS: Debian's Prometheus (extracted by the bootstrap), read-only, on the management network
  container nms "$IMAGE" sipha-lab-data:ip=$NMS -- \
    -v "$CACHE/prometheus/usr/bin/prometheus:/usr/local/bin/prometheus:ro"
  for name in r1 r2 $(sip_hosts); do
    x "$name" systemctl is-system-running --wait >/dev/null 2>&1 || true
  done
  # sshd and the operator's account on the SIP hosts and routers: the rollout logs in as production does
  for name in r1 r2 $(sip_hosts); do operator "$name"; done
  node_exporter sip-a 198.18.4.11; node_exporter sip-b 198.18.4.12
  nms
  vrrp r1; vrrp r2
  scs sip-a primary
  scs sip-b backup
  announce sip-a 198.18.4.11 198.18.4.1; announce sip-b 198.18.4.12 198.18.4.1
  for k in $(seq 2 "$PAIRS"); do
    scs "sip-p$k-a" primary; scs "sip-p$k-b" backup
    announce "sip-p$k-a" "198.18.4.${k}1" 198.18.4.1; announce "sip-p$k-b" "198.18.4.${k}2" 198.18.4.1
  done
  announce r1 198.18.5.2 198.18.5.1; announce r2 198.18.5.3 198.18.5.1
  x phone1 ip route replace default via "198.18.2.$GATEWAY_OCTET"
  x phone2 ip route replace default via "198.18.3.$GATEWAY_OCTET"
  gateways_ready
  write_inventory
  log "lab up; inventory: $inventory"
}

sip_hosts() {  # every SIP host of the lab (sip-a, sip-b and the other pairs' hosts)
  local k
  echo sip-a sip-b
  for k in $(seq 2 "$PAIRS"); do echo "sip-p$k-a sip-p$k-b"; done
}

host_entry() {  # name data-address sip-address [pair]: the host's inventory entry under sip_pair's hosts; a pair
  # after the first gets its name, VIP and first primary as host variables (they win over group_vars/sip_pair.yml)
  cat <<YAML
            $1:
              ansible_host: $2
              sipha_lab_container: sipha-lab-$1
              sipha_sip_nic: {name: $(nic_on "$1" 198.18.1.0/24), address: $3/24}
              sipha_data_nic: {name: $(nic_on "$1" 198.18.4.0/24), address: $2/24}
YAML
  [ -z "${4:-}" ] || cat <<YAML
              sipha_pair_name: lab-pair$4
              sipha_vip: 198.18.1.${4}0
              sipha_primary: sip-p$4-a
YAML
  # an estate shares this machine's two cores among all its hosts and both routers: the refresh timer at its
  # default interval (not the one-pair lab's 10 s), and a router login may take longer than on a host of its own
  [ "$PAIRS" -eq 1 ] || cat <<YAML
              sip_vip_refresh_interval: 30
              sip_vip_flush_timeout_ms: 5000
YAML
}

other_pairs() {  # the hosts of the pairs after the first
  local k
  for k in $(seq 2 "$PAIRS"); do
    host_entry "sip-p$k-a" "198.18.4.${k}1" "198.18.1.${k}1" "$k"
    host_entry "sip-p$k-b" "198.18.4.${k}2" "198.18.1.${k}2" "$k"
  done
}

vrrp() {  # router: keepalived with one VRRPv3 instance per network it is a gateway on (the VoIP VLAN, dev1, dev2)
  local r=$1 net vrid prio master nic conf=""
  for net in 1 2 3; do
    vrid=$((10 * net + 1)); master=r1; [ "$net" = 3 ] && master=r2
    prio=100; [ "$r" = "$master" ] && prio=150
    nic=$(nic_on "$r" "198.18.$net.0/24")
    conf+="
vrrp_instance net$net {
  state BACKUP
  interface $nic
  virtual_router_id $vrid
  priority $prio
  advert_int $VRRP_ADVERT
  virtual_ipaddress {
    198.18.$net.$GATEWAY_OCTET/24
  }
}"
  done
  xi "$r" sh -c 'umask 077; cat >/etc/keepalived/keepalived.conf.tmp && mv /etc/keepalived/keepalived.conf.tmp /etc/keepalived/keepalived.conf' <<CONF
# lab/lab.sh: the lab's first-hop redundancy (VRRPv3; r1 master on the VoIP VLAN and dev1, r2 on dev2)
global_defs {
  router_id $r
  vrrp_version 3
  vrrp_garp_master_repeat 3
  vrrp_garp_master_delay 1
  enable_script_security
}
$conf
CONF
  x "$r" systemctl restart keepalived.service
}

node_exporter() {  # host data-address: Debian's prometheus-node-exporter on the data address, textfile collector only
  x "$1" sh -c "printf 'ARGS=\"--web.listen-address=%s:9100 --collector.disable-defaults --collector.textfile\"\n' $2 \
    >/etc/default/prometheus-node-exporter"
  x "$1" systemctl unmask prometheus-node-exporter.service >/dev/null 2>&1
  x "$1" systemctl enable prometheus-node-exporter.service >/dev/null 2>&1
  x "$1" systemctl restart prometheus-node-exporter.service
}

nms() {  # the NMS's Prometheus: scrapes both SIP hosts every 2 s, with the collection's alert rules
  # The rules as shipped, but every "for:" 2 s: the lab proves that the metrics reach Prometheus and the expressions
  # fire and clear on a real pair; each rule's own "for" is proven by promtool's unit tests
  # (tests/prometheus/sipha_alerts_test.yml).
  sed -E 's/^([[:space:]]+for:).*/\1 2s/' "$ROOT/prometheus/sipha_alerts.yml" | xi nms sh -c \
    'mkdir -p /etc/sipha-nms && cat >/etc/sipha-nms/sipha_alerts.yml'
  xi nms sh -c 'cat >/etc/sipha-nms/prometheus.yml' <<YAML
# lab/lab.sh: the lab's NMS
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files: [/etc/sipha-nms/sipha_alerts.yml]
scrape_configs:
  - job_name: sip_hosts
    static_configs:
      - targets: ["198.18.4.11:9100", "198.18.4.12:9100"]
YAML
  x nms pkill -x prometheus >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do x nms pgrep -x prometheus >/dev/null || break; sleep 0.1; done
  podman exec -d sipha-lab-nms prometheus --config.file=/etc/sipha-nms/prometheus.yml \
    --storage.tsdb.path=/var/lib/sipha-nms --web.listen-address="$NMS:9090" --log.level=warn >/dev/null
  for _ in $(seq 1 100); do
    python3 "$here/prom.py" "http://$NMS:9090" ready >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "Prometheus on the NMS ($NMS:9090) did not become ready"
}

gateways_ready() {  # each VRRP gateway answers from its master (r1, r1, r2)
  local net master ok
  for net in 1 2 3; do
    master=r1; [ "$net" = 3 ] && master=r2
    ok=
    for _ in $(seq 1 50); do
      x "$master" ip -4 -o addr show to "198.18.$net.$GATEWAY_OCTET/32" | grep -q . && { ok=1; break; }
      sleep 0.2
    done
    [ -n "$ok" ] || die "$master did not become VRRP master of 198.18.$net.$GATEWAY_OCTET"
  done
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
  local out  # one answer within 5 s; when none comes, what ping said
  out=$(x "$1" ping -c 1 -w 5 -i 0.2 -I "$2" "$3" 2>&1) \
    || die "$1 cannot reach the controller at $3 from $2: $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"
}

scs() {  # host initial-role: the management layer's stand-in; it alone decides the roles, sipha-vip is its reaction
  # the local agent's own account (LCA runs its reactions as a non-root account); the benchmark's agent strategy
  # (benchmarks/bench.py s) rolls out with sip_vip_agent_user: lca and runs the program as it, through the role's
  # sudo rule
  x "$1" sh -c "id -u lca >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin lca"
  # the monitoring system's account (NRPE runs its checks as nagios): sip_vip_monitor_user gives it sipha-vip check
  x "$1" sh -c "id -u nagios >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin nagios"
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
  { host_key sip-a 198.18.4.11; host_key sip-b 198.18.4.12; host_key r1 198.18.5.2; host_key r2 198.18.5.3
    local k
    for k in $(seq 2 "$PAIRS"); do host_key "sip-p$k-a" "198.18.4.${k}1"; host_key "sip-p$k-b" "198.18.4.${k}2"; done
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
$(host_entry sip-a 198.18.4.11 198.18.1.11)
$(host_entry sip-b 198.18.4.12 198.18.1.12)
$(other_pairs)
        adjacent_routers:
          vars:
            ansible_become: true
          hosts:
            r1:
              ansible_host: 198.18.5.2
              sipha_lab_container: sipha-lab-r1
              sipha_router_address: 198.18.1.2
              sipha_router_transit_address: 198.18.5.2
              sipha_router_host_keys: ["$key_r1"]
            r2:
              ansible_host: 198.18.5.3
              sipha_lab_container: sipha-lab-r2
              sipha_router_address: 198.18.1.3
              sipha_router_transit_address: 198.18.5.3
              sipha_router_host_keys: ["$key_r2"]
    sip_clients:
      vars:
        ansible_connection: containers.podman.podman
      hosts:
        phone1: {ansible_host: sipha-lab-phone1, sipha_lab_container: sipha-lab-phone1, sipha_client_address: 198.18.2.50}
        phone2: {ansible_host: sipha-lab-phone2, sipha_lab_container: sipha-lab-phone2, sipha_client_address: 198.18.3.50}
    # the management layer's stand-in on the data network (the failure drill's SCS-to-host connections start here)
    sipha_management:
      vars:
        ansible_connection: containers.podman.podman
      hosts:
        scs: {ansible_host: sipha-lab-scs, sipha_lab_container: sipha-lab-scs, sipha_client_address: 198.18.4.5}
YAML
}

down() {
  for name in sip-a sip-b r1 r2 phone1 phone2 scs nms; do podman rm -f -t 1 "sipha-lab-$name" >/dev/null 2>&1 || true; done
  # an estate's other pairs (SIPHA_LAB_PAIRS), whatever it was when it came up
  podman ps -a --format '{{.Names}}' | grep -E '^sipha-lab-sip-p[0-9]-[ab]$' | xargs -r podman rm -f -t 1 >/dev/null 2>&1 || true
  "$here/network.sh" down sipha-lab-sip sipha-lab-data sipha-lab-dev1 sipha-lab-dev2 sipha-lab-transit
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
  nms) nms ;;
  garp) [ $# -eq 3 ] || die "usage: $0 garp r1|r2 honour|ignore"; garp "$2" "$3" ;;
  status) status ;;
  power) [ $# -eq 3 ] || die "usage: $0 power r1|r2 off|on"; power "$2" "$3" ;;
  link) [ $# -eq 4 ] || die "usage: $0 link CONTAINER sip|data|dev1|dev2|transit down|up"; link "$2" "$3" "$4" ;;
  split) [ $# -eq 3 ] || die "usage: $0 split r1|r2 on|off"; split "$2" "$3" ;;
  switchover)
    case "${2:-}" in sip-a|sip-b) ;; *) die "usage: $0 switchover sip-a|sip-b" ;; esac
    other=sip-a; [ "$2" = sip-a ] && other=sip-b
    x "$2" /usr/local/sbin/sipha-lab-scs primary --quiet
    x "$other" /usr/local/sbin/sipha-lab-scs backup --quiet
    ;;
  *) sed -n '2,39p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
