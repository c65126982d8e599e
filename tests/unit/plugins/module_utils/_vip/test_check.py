"""sipha-vip check, the installed program against real kernels: this host in a network namespace, the other host of
the pair in a second one behind a veth pair (it answers ARP for the VIP when it holds it). Exit codes and output as a
monitoring plugin, the time bound judged by this test's clock, and the metrics file refresh writes."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import stat
import subprocess
import tempfile
import time

import pytest

from ansible_collections.sipha.network.tests.unit.plugins.module_utils._vip.test_fast import install_program

ROOT = os.geteuid() == 0 and shutil.which("unshare") is not None and shutil.which("nsenter") is not None
pytestmark = pytest.mark.skipif(not ROOT, reason="needs root, unshare and nsenter")

# This host: eth0 198.51.100.11/24. The other host (its own namespace): 198.51.100.12/24, and the VIP when $PEER_VIP.
# Then $THIS (shell) runs here, and the commands' outputs and exit codes are printed between markers.
PAIR = """
set -e
mount -t sysfs sysfs /sys      # this namespace's own NICs under /sys/class/net, as on a host
ip link set lo up
ip link add eth0 type veth peer name peer0
unshare --net sleep 120 &
peer=$!
for _ in $(seq 1 50); do [ "$(readlink /proc/$peer/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.02; done
ip link set peer0 netns "$peer"
ip addr add 198.51.100.11/24 dev eth0
ip link set eth0 up
nsenter -t "$peer" -n sh -c 'ip link set lo up; ip addr add 198.51.100.12/24 dev peer0; ip link set peer0 up'
[ -z "$PEER_VIP" ] || nsenter -t "$peer" -n ip addr add 198.51.100.10/32 dev peer0
set +e
eval "$THIS"
kill "$peer"
"""


def config(tmp_path, run_dir, **changes):
    data = {"vip": "198.51.100.10", "interface": "eth0", "run_dir": str(run_dir), "state_dir": str(tmp_path / "state"),
            "flush": {"enabled": False}, "probe_ms": 300,
            "monitor": {"pair": "p1", "host": "sip-a", "expect_dir": str(tmp_path / "expect"),
                        "textfile": str(tmp_path / "prom" / "sipha-vip.prom")}}
    for key, value in changes.items():
        data[key] = dict(data[key], **value) if isinstance(data.get(key), dict) else value
    path = tmp_path / "vip.json"
    path.write_text(json.dumps(data))
    return path


def pair(tmp_path, this, peer_vip=True, **changes):
    """Run ``this`` (shell, $P the program, $C the config) in this host's namespace; its stdout."""
    program, run_dir = install_program(tmp_path, "/usr/bin/python3")
    path = config(tmp_path, run_dir, **changes)
    env = dict(os.environ, THIS=this, PEER_VIP="1" if peer_vip else "", P=str(program), C=str(path))
    done = subprocess.run(["unshare", "--net", "--mount", "sh", "-c", PAIR], env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


CHECK = '"$P" --config "$C" check; echo "exit $?"'


def outcome(stdout):
    lines = stdout.strip().splitlines()
    return int(lines[-1].split()[1]), lines[0], lines[1:-1]


def test_standby_sees_the_holder(tmp_path):
    code, status, findings = outcome(pair(tmp_path, CHECK))
    assert code == 0 and status.startswith("SIPHA-VIP OK - p1 on sip-a: vip: standby; 198.51.100.10 is held by "), status
    assert "'vip_held'=0;;;0;1 'other_holders'=1;;;0;" in status
    assert findings[0].startswith("[OK] vip: standby") and "[OK] design: no expectations installed" in findings[1]


def test_holder_alone(tmp_path):
    code, status, _findings = outcome(pair(tmp_path, 'ip addr add 198.51.100.10/32 dev eth0; ' + CHECK, peer_vip=False))
    assert code == 0 and "vip: holds 198.51.100.10 on eth0; no other host answers for it" in status, status


def test_split_brain_is_critical(tmp_path):
    code, status, _findings = outcome(pair(tmp_path, 'ip addr add 198.51.100.10/32 dev eth0; ' + CHECK))
    assert code == 2 and status.startswith("SIPHA-VIP CRITICAL - p1 on sip-a: vip: split brain: this host holds"), status


def test_vip_on_no_host_is_critical(tmp_path):
    code, status, _findings = outcome(pair(tmp_path, CHECK, peer_vip=False))
    assert code == 2 and "198.51.100.10 is held by no host" in status, status


def test_sip_nic_down_is_critical(tmp_path):
    code, status, _findings = outcome(pair(tmp_path, "ip link set eth0 down; " + CHECK))
    assert code == 2 and "the SIP NIC eth0 is administratively down" in status, status


def test_designed_network_and_marking_against_the_kernel(tmp_path):
    """A route of the design missing and the marking table not loaded, then both put right."""
    expect = tmp_path / "expect"
    expect.mkdir()
    (expect / "network.json").write_text(json.dumps({
        "version": 1, "tables": {}, "addresses": [{"dev": "eth0", "address": "198.51.100.11/24"}],
        "routes": [{"table": 254, "dst": "198.18.9.0/24", "dev": "eth0", "gateway": "198.51.100.1",
                    "prefsrc": "198.51.100.11", "metric": 0, "scope": "universe"}],
        "rules": [], "sysctls": {"eth0/arp_ignore": 1}}))
    (expect / "marking.json").write_text(json.dumps({"version": 1, "family": "inet", "table": "sipha_qos"}))
    out = pair(tmp_path, CHECK + """
        ip route add 198.18.9.0/24 via 198.51.100.1 dev eth0 src 198.51.100.11
        echo 1 >/proc/sys/net/ipv4/conf/eth0/arp_ignore
        nft add table inet sipha_qos
        nft add chain inet sipha_qos out '{ type filter hook output priority 0; }'
        nft add rule inet sipha_qos out udp dport 5060 counter ip dscp set ef
        """ + CHECK)
    first = out.split("\nexit ", 1)[0]
    code, status, findings = outcome(out.split("\nSIPHA-VIP", 1)[0])
    assert code == 2 and status.startswith("SIPHA-VIP CRITICAL"), first
    assert "[CRITICAL] design: 2 difference(s) from the design: route 198.18.9.0/24 via 198.51.100.1 dev eth0 src " \
           "198.51.100.11: missing; sysctl net.ipv4.conf.eth0.arp_ignore 1: differs (is 0)" in findings, findings
    assert any(line.startswith("[CRITICAL] marking: the marking table inet sipha_qos is not loaded (Error: ")
               for line in findings), findings
    assert out.strip().splitlines()[-1] == "exit 0", out
    assert "[OK] design: addresses, routes, policy rules and ARP sysctls as designed (3 checked)" in out
    assert "[OK] marking: table inet sipha_qos present, 0 packets counted" in out


def test_a_router_that_never_answers_is_ended_at_the_bound(tmp_path):
    """A router behind no host (ARP unanswered) and a flush bound of 30 s: the check's own bound (1.5 s) ends it,
    measured by this test's clock, and names the router."""
    routers = [{"name": "r9", "address": "198.51.100.99"}]
    known = tmp_path / "known_hosts"
    known.write_text("198.51.100.99 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF5m6Bt8x3Y2yK0rZQ7oE3mJ0kQ8c1u3s1zq2n1k9xVb\n")
    started = time.monotonic()
    out = pair(tmp_path, 'start=$(date +%s%N); ' + CHECK + '; echo "took $(( ($(date +%s%N) - start) / 1000000 ))"',
               routers=routers, flush={"enabled": True, "timeout_ms": 30000, "warm": False,
                                       "known_hosts": str(known), "key_file": str(tmp_path / "flush_key")},
               monitor={"timeout_ms": 1500})
    lines = out.strip().splitlines()
    took = int(lines[-1].split()[1])
    assert lines[-2] == "exit 2", out
    assert 1400 <= took <= 2600, took                       # the bound, plus the interpreter's start
    assert "[CRITICAL] router r9: cannot be flushed from this host: no answer within 1" in out, out
    assert time.monotonic() - started < 60


def test_json_record_and_usage(tmp_path):
    out = pair(tmp_path, '"$P" --config "$C" --json check; echo "exit $?"; "$P" --config "$C" check --bogus; '
                         'echo "exit $?"; "$P" --config /nonexistent.json check; echo "exit $?"')
    record = json.loads(out.split("\nexit ", 1)[0])
    assert record["state"] == 0 and record["facts"]["others"] and record["facts"]["held"] is False
    assert [item["area"] for item in record["findings"]] == ["vip", "design", "marking", "takeover"]
    assert "\nexit 3\n" in out                               # a usage error of a plugin is UNKNOWN
    assert "SIPHA-VIP CRITICAL - the takeover program's config cannot be used: /nonexistent.json" in out
    assert out.strip().endswith("exit 2")


def test_an_account_that_cannot_read_the_config_is_unknown():
    """Run without sudo by an account that can run the program but not read its config (root's, 0640): UNKNOWN
    (the check could not look), not CRITICAL. (vip_script installs the program itself root-only.)"""
    where = pathlib.Path(tempfile.mkdtemp(prefix="sipha-check-", dir="/tmp"))
    try:
        where.chmod(0o755)
        out = pair(where, 'chmod -R a+rX "$(dirname "$C")"; chmod 0640 "$C"; '
                          'setpriv --reuid=65534 --regid=65534 --clear-groups "$P" --config "$C" check; echo "exit $?"')
    finally:
        shutil.rmtree(where)
    assert "SIPHA-VIP UNKNOWN - the takeover program's config cannot be used" in out and "run the check as root" in out
    assert out.strip().endswith("exit 3"), out


def test_refresh_writes_the_metrics_only_where_node_exporter_reads(tmp_path):
    out = pair(tmp_path, '"$P" --config "$C" --quiet refresh; echo "exit $?"; ls "$(dirname "$C")/prom" 2>&1; '
                         'mkdir -p "$(dirname "$C")/prom"; "$P" --config "$C" --quiet refresh; echo "exit $?"')
    assert out.count("exit 0") == 2 and "No such file or directory" in out, out
    textfile = tmp_path / "prom" / "sipha-vip.prom"
    assert stat.S_IMODE(textfile.stat().st_mode) == 0o644
    assert [p.name for p in textfile.parent.iterdir()] == ["sipha-vip.prom"]     # no temporary file left
    text = textfile.read_text()
    assert 'sipha_vip_held{pair="p1",host="sip-a"} 0' in text and 'sipha_vip_other_holders{pair="p1",host="sip-a"} 1' in text
    assert 'sipha_check_status{pair="p1",host="sip-a"} 0' in text
    promtool = pathlib.Path(os.environ.get("SIPHA_CACHE", pathlib.Path(__file__).parents[5] / ".cache")) / \
        "prometheus" / "usr" / "bin" / "promtool"
    done = subprocess.run([str(promtool), "check", "metrics"], input=text, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    state = json.loads((tmp_path / "state" / "state.json").read_text())
    assert state["last_refresh"]["metrics"] == {"path": str(textfile), "state": 0}


def test_a_fresh_login_at_least_every_fresh_probe_s(tmp_path, monkeypatch):
    """Through the warm connection, but a fresh login when none is remembered, when fresh_probe_s has passed, and
    with --fresh; the time of the last one is shared by every check and refresh of the host (monitor.json)."""
    from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
    from ansible_collections.sipha.network.plugins.module_utils._vip import flush as vf
    from ansible_collections.sipha.network.plugins.module_utils._vip import monitor

    asked = []
    monkeypatch.setattr(vf, "probe_all", lambda config, warm, bound_s: asked.append(warm) or [])
    config = vc.load({"vip": "198.51.100.10", "interface": "eth0", "state_dir": str(tmp_path),
                      "routers": [{"name": "r1", "address": "198.51.100.2"}], "monitor": {"fresh_probe_s": 60}})
    facts = {"now": 1000.0}
    for now, fresh in ((1000.0, False), (1030.0, False), (1061.0, False), (1062.0, True), (1063.0, False)):
        facts["now"] = now
        monitor._routers_part(config, monitor.Bound(5), facts, fresh)   # pylint: disable=protected-access
    # first (nothing remembered): fresh; 30 s later: warm; 61 s after the first: fresh; --fresh; then warm again
    assert asked == [False, True, False, False, True]
    assert json.loads((tmp_path / "monitor.json").read_text())["fresh_probe_epoch"] == 1062.0
