#!/usr/bin/env bash
# Rollout and proof on the embedded lab.
#   lab/run.sh demo    README command 1: bootstrap, lab up, site.yml (cold), site.yml again (must change
#                      nothing), the failover drill; prints the summary and leaves the lab up
#   lab/run.sh bench [bench.py args]
#                      the convergence benchmark (benchmarks/bench.py) on the lab, rolled out first; ~30 min
#   lab/run.sh bench-scale [scale.py args]
#                      the rollout's cost as the estate grows (benchmarks/scale.py): labs of 1, 4 and 8 pairs; ~15 min
#   lab/run.sh bench-rollout [N]
#                      site.yml cold on a fresh lab and its changed=0 re-runs, N rounds (default 5); ~5 min
#   lab/run.sh drill [ROUNDS]
#                      the full single-failure drill (failure_drill.yml: every failure ROUNDS times, default 3)
#                      on a rolled-out lab with r2 ignoring gratuitous ARP; prints the per-failure table
#   lab/run.sh monitoring
#                      on a rolled-out lab: sipha-vip check on each host and the NMS's Prometheus alerts, for a
#                      healthy pair and each induced fault (split brain, drift, VIP on no host, a router locked out,
#                      the marking table gone, a router powered off); outputs in lab/.state/monitoring
#   lab/run.sh test    what `make test` runs: the same from a clean lab, plus validate.yml against an induced
#                      both-hosts-hold-the-VIP and a router left with the old MAC, then every AWX job template
#                      through ansible-runner (lab/awx_jobs.py); tears the lab down
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ci/lib.sh
. "$here/../ci/lib.sh"
state="$here/.state"
inventory="$here/inventory"

playbook() {  # name logfile [args...]: run a playbook of this checkout against the lab; rc of ansible-playbook
  local name=$1 logfile=$2; shift 2
  ansible-playbook -i "$inventory" "$ROOT/playbooks/$name.yml" "$@" >"$logfile" 2>&1
}

changed_total() {  # sum of changed= in a PLAY RECAP
  awk '/^PLAY RECAP/ {recap=1; next} recap && /changed=/ {split($0, f, "changed="); split(f[2], n, " "); s += n[1]}
       END {print s + 0}' "$1"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

secs() { printf '%d.%d' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }  # ms -> seconds with one decimal

rollout() {  # site.yml cold, then again (must change nothing); sets cold_ms and rerun_ms
  mkdir -p "$state/logs"
  local start
  start=$(now_ms)
  playbook site "$state/logs/site-cold.log" || { tail -40 "$state/logs/site-cold.log" >&2; die "site.yml failed"; }
  cold_ms=$(( $(now_ms) - start ))
  start=$(now_ms)
  playbook site "$state/logs/site-rerun.log" || { tail -40 "$state/logs/site-rerun.log" >&2; die "site.yml re-run failed"; }
  rerun_ms=$(( $(now_ms) - start ))
  rerun_changed=$(changed_total "$state/logs/site-rerun.log")
  log "site.yml over SSH (operator + sudo, safe apply on): cold $(secs "$cold_ms")s (changed=$(changed_total "$state/logs/site-cold.log")), re-run $(secs "$rerun_ms")s (changed=$rerun_changed, $(( 100 * rerun_ms / cold_ms ))% of cold)"
  [ "$rerun_changed" -eq 0 ] || { grep -B3 '^changed' "$state/logs/site-rerun.log" >&2; die "site.yml re-run changed $rerun_changed tasks"; }
}

report_check() {  # html: the drill's report in headless Chromium (lab/report_check.py): no console error, every figure
  # equal to its records file, a timeline per client or path, the topology; a screenshot kept in $CACHE/artifacts
  local html=$1 name
  name=$(basename "$html" .html)
  python "$here/report_check.py" "$html" "${html%.html}.json" "$CACHE/artifacts/$name.png" \
    || die "the report $html failed its browser check"
  cp "$html" "${html%.html}.json" "$CACHE/artifacts/"
}

drill() {  # extra ansible args
  playbook failover_drill "$state/logs/drill.log" -e "sipha_drill_summary_file=$state/drill-summary.txt" \
    -e "sipha_drill_report_file=$state/drill-report.html" "$@" \
    || { tail -30 "$state/logs/drill.log" >&2; die "the failover drill failed"; }
  cat "$state/drill-summary.txt"
  report_check "$state/drill-report.html"
}

expect_validate_failure() {  # what-was-induced expected-text
  if playbook validate "$state/logs/validate-neg.log"; then
    die "validate.yml passed although $1"
  fi
  grep -q -- "$2" "$state/logs/validate-neg.log" || { tail -20 "$state/logs/validate-neg.log" >&2; die "validate.yml failed without '$2'"; }
  log "validate.yml refused $1: $(grep -o -m1 -- "$2[^\"]*" "$state/logs/validate-neg.log" | cut -c1-160)"
}

nic_on() {  # container subnet -> its NIC on that subnet (podman does not promise an order of NICs)
  podman exec "sipha-lab-$1" ip -o -4 addr show to "$2" | awk '{print $2; exit}'
}

holder() {  # the lab host that holds the VIP
  local h
  for h in sip-a sip-b; do
    podman exec "sipha-lab-$h" /usr/local/sbin/sipha-vip status | grep -q '^  "held": true' && { echo "$h"; return; }
  done
}

dry_run() {  # label [site.yml args]: site.yml --check --diff exits 0, shows drift, changes nothing
  local label=$1 sum_before sum_after
  shift
  mkdir -p "$state/logs"
  sum_before=$(lab_state)
  playbook site "$state/logs/site-check-$label.log" --check --diff "$@" \
    || { tail -40 "$state/logs/site-check-$label.log" >&2; die "site.yml --check --diff ($label) failed"; }
  sum_after=$(lab_state)
  [ "$sum_before" = "$sum_after" ] || die "site.yml --check --diff ($label) changed the lab"
  log "site.yml --check --diff ($label): exit 0, nothing changed; $(grep -c 'difference(s) from the design' "$state/logs/site-check-$label.log") host(s) with drift"
}

lab_state() {  # a digest of what a rollout changes on the SIP hosts: addresses, routes, rules, the marking table
  # (without counters), our files
  local h
  for h in sip-a sip-b; do
    podman exec "sipha-lab-$h" sh -c 'ip -4 -o addr show; ip -4 route show table all | grep -v "^local \|^broadcast "; ip -4 rule;
      nft -s list table inet sipha_qos 2>/dev/null;
      cat /etc/network/interfaces.d/* /etc/network/if-up.d/sipha-routes /etc/sysctl.d/60-sipha-* /etc/sipha/* 2>/dev/null
      true' \
      | sha256sum
  done
}

joint_rollback() {  # one guarded apply for the network and the marking: a failing QoS step undoes both
  local before after
  before=$(lab_state)
  # a new device network (routes, rules, the hook file) and a new SIP DSCP (the marking table) change inside
  # sip_host_network's guard; then the options file cannot be written (its directory is missing)
  if playbook site "$state/logs/site-joint-rollback.log" \
      -e '{"sipha_sip_device_networks": ["198.18.2.0/24", "198.18.3.0/24", "198.18.9.0/24"]}' \
      -e sip_qos_sip_dscp=af31 -e sip_qos_options_file=/nonexistent/sip-server-options.cfg; then
    die "site.yml passed although the options file could not be written"
  fi
  grep -q "and so was the network change guarded with them" "$state/logs/site-joint-rollback.log" \
    || { tail -30 "$state/logs/site-joint-rollback.log" >&2; die "site.yml did not say the guarded change was undone"; }
  after=$(lab_state)
  [ "$before" = "$after" ] || die "after the failed QoS step, the network or the marking table was not put back"
  log "site.yml with a QoS step failing after a network change: refused; routes, rules, files and the marking table as before"
}

holders() {  # every lab host that holds the VIP, space-separated
  local h out=""
  for h in sip-a sip-b; do
    podman exec "sipha-lab-$h" /usr/local/sbin/sipha-vip status | grep -q '^  "held": true' && out="$out $h"
  done
  echo "${out# }"
}

scs_switchover() {  # to-host: the management layer's stand-in makes to-host primary, then the other backup
  "$here/lab.sh" switchover "$1"
}

lines_of() {  # container file -> its line count (0 when missing)
  podman exec "sipha-lab-$1" sh -c "wc -l <$2 2>/dev/null || echo 0"
}

rolling() {  # label [rolling.yml args]: rolling.yml on the live pair with SIP OPTIONS through both routers the
  # whole time; judge the losses
  local label=$1 dir=/run/sipha-rolling h phone n before
  shift
  for h in sip-a sip-b; do
    podman exec "sipha-lab-$h" sh -c "rm -rf $dir && mkdir -m 0700 $dir"
    podman cp "$ROOT/playbooks/files/sipha_sip_responder.py" "sipha-lab-$h:$dir/responder.py"
    podman exec -d "sipha-lab-$h" python3 "$dir/responder.py" 198.18.1.10 "$h" "$dir/responder.log" 900 >/dev/null
  done
  n=1
  for phone in phone1 phone2; do
    podman exec "sipha-lab-$phone" sh -c "rm -rf $dir && mkdir -m 0700 $dir"
    podman cp "$ROOT/playbooks/files/sipha_options.xml" "sipha-lab-$phone:$dir/options.xml"
    # 200 OPTIONS/s for at most 15 minutes; stopped below when the run is over
    podman exec -d "sipha-lab-$phone" timeout 900 sipp -sf "$dir/options.xml" -r 200 -rp 1000 -m 180000 -t u1 \
      -i "198.18.$((n + 1)).50" -p 5070 -nostdin -timeout 900 198.18.1.10:5060 >/dev/null
    n=$((n + 1))
  done
  for _ in $(seq 1 50); do   # traffic answered before the run starts
    [ "$(( $(lines_of sip-a $dir/responder.log) + $(lines_of sip-b $dir/responder.log) ))" -ge 400 ] && break
    sleep 0.2
  done
  playbook rolling "$state/logs/rolling-$label.log" -e "sipha_rolling_report_file=$state/rolling-$label.json" "$@" \
    || { tail -40 "$state/logs/rolling-$label.log" >&2; die "rolling.yml ($label) failed"; }
  before=$(( $(lines_of sip-a $dir/responder.log) + $(lines_of sip-b $dir/responder.log) ))
  for _ in $(seq 1 50); do   # 400 more answers (1 s of both clients) after the run
    [ "$(( $(lines_of sip-a $dir/responder.log) + $(lines_of sip-b $dir/responder.log) ))" -ge $((before + 400)) ] && break
    sleep 0.2
  done
  for phone in phone1 phone2; do podman exec "sipha-lab-$phone" pkill -INT sipp || true; done
  for h in sip-a sip-b; do
    podman exec "sipha-lab-$h" pkill -f "$dir/responder.py" || true
    podman exec "sipha-lab-$h" cat "$dir/responder.log" >"$state/rolling-$label-$h.log"
  done
  log "rolling.yml ($label): $(changed_total "$state/logs/rolling-$label.log") tasks changed"
  python3 "$here/rolling_traffic.py" "$state/rolling-$label.json" 100 "$state/rolling-$label-sip-a.log" \
    "$state/rolling-$label-sip-b.log" | tee "$state/rolling-$label-summary.txt" \
    || die "rolling.yml ($label): OPTIONS were lost outside the switchovers, or for too long"
}

rolling_change() {  # a device network added on the live pair and removed again, each by rolling.yml
  local h
  rolling add -e sipha_rolling_switch_back=true \
    -e '{"sipha_sip_device_networks": ["198.18.2.0/24", "198.18.3.0/24", "198.18.9.0/24"]}'
  for h in sip-a sip-b; do
    podman exec "sipha-lab-$h" ip -4 route show 198.18.9.0/24 | grep -q "via 198.18.1.254" \
      || die "rolling.yml (add) left $h without the route to 198.18.9.0/24"
  done
  rolling remove
  for h in sip-a sip-b; do
    [ -z "$(podman exec "sipha-lab-$h" ip -4 route show 198.18.9.0/24)" ] \
      || die "rolling.yml (remove) left $h with a route to 198.18.9.0/24"
  done
  log "rolling.yml added 198.18.9.0/24 on both hosts of the live pair and removed it again"
}

vip_stays() {  # the VIP is where the management layer put it after site.yml runs against the old sipha_primary
  local before after
  before=$(holders)
  [ "$before" = sip-a ] || die "expected sip-a to hold the VIP before the switchover, found '$before'"
  scs_switchover sip-b
  [ "$(holders)" = sip-b ] || die "the stand-in's switchover left the VIP on '$(holders)'"
  playbook site "$state/logs/site-after-switchover.log" \
    || { tail -30 "$state/logs/site-after-switchover.log" >&2; die "site.yml failed after a switchover"; }
  after=$(holders)
  [ "$after" = sip-b ] || die "site.yml (sipha_primary: sip-a, probe says sip-b) moved the VIP to '$after'"
  log "site.yml after a switchover to sip-b (inventory sipha_primary: sip-a): the VIP stays on sip-b"
  # without the probe, the inventory's sipha_primary alone never moves the VIP: reported, left
  playbook site "$state/logs/site-no-probe.log" -e '{"sipha_primary_command": [], "sip_vip_primary_command": []}' \
    || { tail -30 "$state/logs/site-no-probe.log" >&2; die "site.yml without a probe failed"; }
  [ "$(holders)" = sip-b ] || die "site.yml without a probe moved the VIP to '$(holders)'"
  grep -q "nothing was moved" "$state/logs/site-no-probe.log" || die "site.yml without a probe did not report the mismatch"
  log "site.yml without a probe: the mismatch is reported, the VIP stays on sip-b"
  # --limit to one host: refused before anything is touched, no split brain
  if playbook site "$state/logs/site-limit.log" --limit sip-a; then die "site.yml --limit sip-a ran on half a pair"; fi
  grep -q "is not in this run" "$state/logs/site-limit.log" || { tail -20 "$state/logs/site-limit.log" >&2; die "site.yml --limit failed for another reason"; }
  [ "$(holders)" = sip-b ] || die "site.yml --limit sip-a left the VIP on '$(holders)'"
  log "site.yml --limit sip-a: refused (half a pair), the VIP stays on sip-b"
  scs_switchover sip-a
  [ "$(holders)" = sip-a ] || die "the switch back left the VIP on '$(holders)'"
}

failure_drill() {  # label rounds [ansible args]: every single failure, rounds times; the table and its summary
  local label=$1 rounds=$2 failures
  shift 2
  failures=$(python3 -c 'import json, sys; print(json.dumps({"sipha_drill_failures": ["router_off",
    "primary_sip_nic", "primary_data_nic", "backup_sip_nic", "backup_data_nic", "vlan_split"] * int(sys.argv[1])}))' "$rounds")
  playbook failure_drill "$state/logs/failure-drill-$label.log" -e "$failures" \
    -e "sipha_drill_summary_file=$state/failure-drill-$label.md" \
    -e "sipha_drill_report_file=$state/failure-drill-$label-report.html" "$@" \
    || { tail -30 "$state/logs/failure-drill-$label.log" | cut -c1-2000 >&2; die "the single-failure drill ($label) failed"; }
  cat "$state/failure-drill-$label.md"
  report_check "$state/failure-drill-$label-report.html"
}

awx_jobs() {  # every AWX job template through ansible-runner transmit | worker | process, in the EE (lab/awx_jobs.py)
  [ -n "$(ls "$CACHE"/dist/sipha-network-*.tar.gz 2>/dev/null)" ] || "$ROOT/ci/build-collection.sh"
  "$ROOT/ci/ee.sh" build     # rebuilt only when its inputs changed
  if ! python "$here/awx_jobs.py" "$state" localhost/sipha-ee:latest 2>"$state/logs/awx-jobs.err" \
      | while read -r line; do log "AWX job $line"; done
  then
    tail -60 "$state/logs/awx-jobs.err" >&2
    die "an AWX job template did not run as it must"
  fi
}

PROM=http://198.18.4.6:9090   # the lab's NMS (lab/lab.sh nms)

health() {  # label host expected-exit regex [switch]: sipha-vip [switch] check on host as the monitoring account
  # (nagios, through the role's sudo rule, as NRPE runs it); its output kept in $state/monitoring/; judged
  local label=$1 h=$2 want=$3 pattern=$4 out rc start took switch=()
  [ -n "${5:-}" ] && switch=("$5")
  mkdir -p "$state/monitoring"
  start=$(now_ms)
  set +e
  out=$(podman exec -u nagios "sipha-lab-$h" /usr/bin/sudo -n /usr/local/sbin/sipha-vip "${switch[@]}" check 2>&1)
  rc=$?
  set -e
  took=$(( $(now_ms) - start ))
  printf '$ sudo -n sipha-vip %scheck   (as nagios on %s, %s: exit %d, %d ms)\n%s\n' "${5:+$5 }" "$h" "$label" "$rc" \
    "$took" "$out" \
    >"$state/monitoring/$label-$h.txt"
  [ "$rc" = "$want" ] || { echo "$out" >&2; die "sipha-vip check on $h ($label) exited $rc, expected $want"; }
  tr '\n' ' ' <<<"$out" | grep -qE -- "$pattern" \
    || { echo "$out" >&2; die "sipha-vip check on $h ($label) does not say /$pattern/"; }
  # the monitoring-plugins bound (monitor.timeout_ms, 10 s by default), judged from outside
  [ "$took" -le 11000 ] || die "sipha-vip check on $h ($label) took $took ms, more than its bound"
  log "check $label on $h: exit $rc in $took ms: $(head -n1 <<<"$out" | cut -d'|' -f1 | cut -c1-150)"
}

health_eventually() {  # label host regex: the check says OK (and matches) within 60 s, re-run every 2 s
  local deadline=$(( $(date +%s) + 60 ))
  until podman exec -u nagios "sipha-lab-$2" /usr/bin/sudo -n /usr/local/sbin/sipha-vip check 2>&1 \
      | tr '\n' ' ' | grep -qE -- "$3"; do
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 2
  done
  health "$1" "$2" 0 "$3"
}

alert() {  # name firing|gone label=value...: the NMS's Prometheus has the alert firing, or no longer has it
  local name=$1 mode=$2 out
  shift 2
  out=$(python3 "$here/prom.py" "$PROM" wait-alert "$name" "$mode" 90 "$@") \
    || { echo "$out" >&2; die "Prometheus: alert $name not $mode within 90 s"; }
  log "Prometheus: $name $mode after $(cut -d: -f1 <<<"$out")"
  echo "$name $mode ($*): $out" >>"$state/monitoring/alerts.txt"
}

monitoring() {  # sipha-vip check and the Prometheus alerts on the live pair, each fault induced and healed
  local held other nic_other keys=/var/lib/sipha-flush/.ssh/authorized_keys addr_other h
  held=$(holder); other=sip-a; [ "$held" = sip-a ] && other=sip-b
  nic_other=$(nic_on "$other" 198.18.1.0/24)
  mkdir -p "$state/monitoring" "$state/logs"; : >"$state/monitoring/alerts.txt"
  # a live pair: a SIP responder on the VIP of each host (the SIP Server's stand-in) answers the OPTIONS keepalives
  # phone1 sends (10/s) the whole time, so the holder's marking rules count its answers
  for h in sip-a sip-b; do
    podman exec -i "sipha-lab-$h" sh -c 'mkdir -p /run/sipha-mon && cat >/run/sipha-mon/responder.py' \
      <"$ROOT/playbooks/files/sipha_sip_responder.py"
    podman exec -d "sipha-lab-$h" python3 /run/sipha-mon/responder.py 198.18.1.10 "$h" /run/sipha-mon/responder.log 600 \
      >/dev/null
  done
  podman exec -i sipha-lab-phone1 sh -c 'mkdir -p /run/sipha-mon && cat >/run/sipha-mon/options.xml' \
    <"$ROOT/playbooks/files/sipha_options.xml"
  podman exec -d sipha-lab-phone1 timeout 600 sipp -sf /run/sipha-mon/options.xml -r 10 -rp 1000 -m 6000 -t u1 \
    -i 198.18.2.50 -p 5071 -nostdin -timeout 600 198.18.1.10:5060 >/dev/null
  # both hosts' metrics reach Prometheus through node_exporter (the refresh timer writes them every 10 s)
  python3 "$here/prom.py" "$PROM" wait-query 'sipha_check_status{pair="lab-pair"}' 60 2 >/dev/null \
    || die "Prometheus has no sipha_check_status of both hosts within 60 s"
  health_eventually healthy "$held" '^SIPHA-VIP OK .*holds 198\.18\.1\.10.*marking: table inet sipha_qos present, [1-9]'
  health healthy "$other" 0 '^SIPHA-VIP OK .*standby; 198\.18\.1\.10 is held by'
  alert SiphaVipSplitBrain gone pair=lab-pair

  # split brain: the other host takes the VIP silently (the old primary cut off from the management layer)
  ansible -i "$inventory" "$other" -b -m sipha.network.vip -a "vip=198.18.1.10 interface=$nic_other announce=never" \
    >/dev/null
  health split-brain "$other" 2 '^SIPHA-VIP CRITICAL .*split brain'
  health split-brain "$held" 2 '^SIPHA-VIP CRITICAL .*split brain'
  alert SiphaVipSplitBrain firing pair=lab-pair
  # drift at the same time: a route to a SIP device network vanishes from the other host
  podman exec "sipha-lab-$other" ip -4 route del 198.18.3.0/24
  health drift "$other" 2 'route 198\.18\.3\.0/24 via 198\.18\.1\.254 .*: missing'
  alert SiphaDesignDrift firing "host=$other" severity=critical
  # the reconcile (site.yml: the management layer's stand-in says $held is primary) releases the VIP on $other, and
  # the rollout puts the route back
  playbook site "$state/logs/site-reconcile.log" \
    || { tail -30 "$state/logs/site-reconcile.log" >&2; die "site.yml (reconcile) failed"; }
  [ "$(holders)" = "$held" ] || die "the reconcile left the VIP on '$(holders)'"
  alert SiphaVipSplitBrain gone pair=lab-pair
  alert SiphaDesignDrift gone "host=$other"
  health reconciled "$other" 0 '^SIPHA-VIP OK .*standby'

  # the VIP on no host: the holder loses it silently
  ansible -i "$inventory" "$held" -b -m sipha.network.vip \
    -a "vip=198.18.1.10 interface=$(nic_on "$held" 198.18.1.0/24) state=absent" >/dev/null
  health no-holder "$other" 2 '^SIPHA-VIP CRITICAL .*held by no host'
  alert SiphaVipOnNoHost firing pair=lab-pair
  podman exec "sipha-lab-$held" /usr/local/sbin/sipha-vip --quiet up
  alert SiphaVipOnNoHost gone pair=lab-pair

  # the standby locked out of r1's flush account (r1 no longer accepts its address in from=)
  addr_other=$(podman exec "sipha-lab-$other" ip -4 -o address show dev "$nic_other" | awk '{print $4}' | cut -d/ -f1 \
    | head -n1)
  podman exec sipha-lab-r1 cp -p "$keys" "$keys.lab"
  podman exec sipha-lab-r1 sed -i "s/${addr_other//./\\.}\([,\"]\)/198.18.1.250\1/" "$keys"
  # a warm connection logged in before still carries a flush; a fresh login (--fresh, and every check or refresh
  # once monitor.fresh_probe_s passed: 30 s in the lab) proves the account itself
  health locked-out "$other" 2 'router r1: cannot be flushed from this host: .*authentication failed' --fresh
  alert SiphaRouterNotFlushable firing "host=$other" router=r1
  podman exec sipha-lab-r1 mv "$keys.lab" "$keys"
  alert SiphaRouterNotFlushable gone "host=$other" router=r1

  # the marking table unloaded on the holder; the boot unit puts it back
  podman exec "sipha-lab-$held" nft delete table inet sipha_qos
  health no-marking "$held" 2 'marking: the marking table inet sipha_qos is not loaded'
  alert SiphaMarkingTableMissing firing "host=$held"
  podman exec "sipha-lab-$held" systemctl restart sipha-qos.service
  alert SiphaMarkingTableMissing gone "host=$held"

  # a router that does not answer at all (r2 powered off): the check still ends within its bound, and names it
  "$here/lab.sh" power r2 off
  health router-off "$other" 2 'router r2: cannot be flushed from this host'
  "$here/lab.sh" power r2 on
  # r2 is back once it answers ARP again and its sshd runs: both hosts OK again within a minute
  for h in sip-a sip-b; do health_eventually healed "$h" '^SIPHA-VIP OK'; done
  podman exec sipha-lab-phone1 pkill -INT sipp || true
  for h in sip-a sip-b; do podman exec "sipha-lab-$h" pkill -f /run/sipha-mon/responder.py || true; done
  log "monitoring: every induced fault named by sipha-vip check and alerted by Prometheus; outputs in $state/monitoring"
}

negative_checks() {
  local held other mac_other h
  held=$(holder); other=sip-a; [ "$held" = sip-a ] && other=sip-b
  # the refresh timer would heal what we break here (its directed ARP moves the router back): pause it
  for h in sip-a sip-b; do podman exec "sipha-lab-$h" systemctl stop sipha-vip-refresh.timer; done
  # both hosts hold the VIP: the other takes it silently
  ansible -i "$inventory" "$other" -b -m sipha.network.vip \
    -a "vip=198.18.1.10 interface=$(nic_on "$other" 198.18.1.0/24) announce=never" >/dev/null
  expect_validate_failure "both hosts hold the VIP" "is held by sip-a and sip-b"
  ansible -i "$inventory" "$other" -b -m sipha.network.vip \
    -a "vip=198.18.1.10 interface=$(nic_on "$other" 198.18.1.0/24) state=absent" >/dev/null
  # a router still resolves the VIP to the other host's MAC
  mac_other=$(podman exec "sipha-lab-$other" cat "/sys/class/net/$(nic_on "$other" 198.18.1.0/24)/address")
  podman exec sipha-lab-r2 ip neigh replace 198.18.1.10 lladdr "$mac_other" dev "$(nic_on r2 198.18.1.0/24)" nud reachable
  expect_validate_failure "r2 resolves the VIP to the old MAC" "r2 resolves VIP 198.18.1.10 to $mac_other"
  podman exec "sipha-lab-$held" /usr/local/sbin/sipha-vip --quiet up
  # the VoIP VLAN split from r2 (its bridge port stops forwarding, its link stays up): named, with the workaround
  "$here/lab.sh" split r2 on
  expect_validate_failure "the VoIP VLAN is split from r2" "r2 does not answer ARP on the VoIP VLAN"
  grep -q "vip_vlan_split -e sipha_split_router=r2" "$state/logs/validate-neg.log" \
    || die "validate.yml did not name the workaround playbook for the split"
  "$here/lab.sh" split r2 off
  # the standby cannot log in to r1's flush account (r1 no longer accepts its source address): found now by
  # sipha-vip probe from each host, not at the next failover
  local keys=/var/lib/sipha-flush/.ssh/authorized_keys addr_other
  addr_other=$(podman exec "sipha-lab-$other" ip -4 -o address show dev "$(nic_on "$other" 198.18.1.0/24)" \
    | awk '{print $4}' | cut -d/ -f1 | head -n1)
  podman exec sipha-lab-r1 cp -p "$keys" "$keys.lab"
  podman exec sipha-lab-r1 sed -i "s/${addr_other//./\\.}\([,\"]\)/198.18.1.250\1/" "$keys"
  ! podman exec sipha-lab-r1 grep -q -- "$addr_other" "$keys" || die "could not take $addr_other out of r1's from="
  expect_validate_failure "$other locked out of r1's flush account" "$other cannot flush r1"
  podman exec sipha-lab-r1 mv "$keys.lab" "$keys"
  for h in sip-a sip-b; do podman exec "sipha-lab-$h" systemctl start sipha-vip-refresh.timer; done
  playbook validate "$state/logs/validate.log" || { tail -20 "$state/logs/validate.log" >&2; die "validate.yml fails on the healed lab"; }
  log "validate.yml passes again after sipha-vip up on $held"
}

case "${1:-}" in
  demo)
    "$ROOT/ci/bootstrap.sh" all
    use_venv
    "$here/lab.sh" up
    rollout
    drill
    cat <<TXT

The lab is still up: ansible-playbook -i lab/inventory playbooks/validate.yml (or failover_drill.yml) runs
against it; lab/lab.sh garp r1 ignore makes a router ignore gratuitous ARP. Tear it down with: make lab-down
TXT
    ;;
  drill)
    "$ROOT/ci/bootstrap.sh" all
    use_venv
    "$here/lab.sh" down >/dev/null 2>&1 || true
    "$here/lab.sh" up
    rollout
    "$here/lab.sh" garp r2 ignore
    failure_drill full "${2:-3}" -e sipha_drill_hold_s=4
    log "the table is in $state/failure-drill-full.md (figures: failure-drill-full.json); the lab is still up"
    ;;
  monitoring)
    # on a rolled-out lab (make demo): sipha-vip check and the NMS's alerts, each fault induced and healed
    use_venv
    monitoring
    ;;
  bench-scale)
    # site.yml cold, its changed=0 re-run and validate.yml on labs of 1, 4 and 8 pairs (benchmarks/scale.py)
    "$ROOT/ci/bootstrap.sh" all
    use_venv
    shift
    python3 "$ROOT/benchmarks/scale.py" "$@"
    ;;
  bench-rollout)
    # site.yml cold (each on a fresh lab) and its changed=0 re-runs, N rounds: medians and p95 (benchmarks/results.md)
    use_venv
    rounds=${2:-5}
    mkdir -p "$state/logs"
    : >"$state/rollout-times.txt"
    for _ in $(seq 1 "$rounds"); do
      "$here/lab.sh" down >/dev/null 2>&1 || true
      "$here/lab.sh" up >/dev/null
      rollout
      start=$(now_ms)
      playbook site "$state/logs/site-rerun2.log" || die "site.yml second re-run failed"
      echo "$cold_ms $rerun_ms $(( $(now_ms) - start ))" >>"$state/rollout-times.txt"
    done
    python3 "$ROOT/benchmarks/rollout_times.py" "$state/rollout-times.txt"
    "$here/lab.sh" down
    ;;
  bench)
    "$ROOT/ci/bootstrap.sh" all
    use_venv
    "$here/lab.sh" up
    mkdir -p "$state/logs"
    # the management layer's agent as in production: its own account (lca), the role's sudo rule (strategy s) and
    # the standby helper's client (strategy h)
    playbook site "$state/logs/site-bench.log" -e sip_vip_agent_user=lca \
      || { tail -40 "$state/logs/site-bench.log" >&2; die "site.yml failed"; }
    shift
    python3 "$ROOT/benchmarks/bench.py" "$@"
    ;;
  test)
    use_venv
    "$here/lab.sh" down >/dev/null 2>&1 || true
    "$here/lab.sh" up
    dry_run fresh
    rollout
    dry_run drift -e '{"sipha_sip_device_networks": ["198.18.2.0/24", "198.18.3.0/24", "198.18.9.0/24"]}'
    grep -q "route 198.18.9.0/24 via 198.18.1.254 dev .*: missing" "$state/logs/site-check-drift.log" \
      || die "site.yml --check --diff did not show the missing route to 198.18.9.0/24"
    joint_rollback
    vip_stays
    rolling_change
    "$here/lab.sh" garp r2 ignore
    drill -e sipha_drill_switchovers=2 -e sipha_drill_max_outage_ms=100
    failure_drill short 1
    monitoring
    negative_checks
    awx_jobs
    "$here/lab.sh" down
    ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
