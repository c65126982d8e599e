"""What the roles leave for the monitoring check (network.json, marking.json): validated as the modules would, and
compared with a real kernel's ip -json output (a throw-away network namespace) with the modules' own planning."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import expect
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign

DESIGN = HostDesign.from_dict({
    "sip_nic": {"name": "sip0", "address": "198.51.100.11/25"}, "data_nic": {"name": "data0", "address": "198.18.4.21/24"},
    "sip_gateway": "198.51.100.1", "data_gateway": "198.18.4.1", "vip": "198.51.100.10",
    "sip_device_networks": ["198.18.9.0/24"]})
SYSCTLS = {("sip0", "arp_ignore"): 1, ("data0", "arp_ignore"): 1, ("sip0", "rp_filter"): 2}


def expectation():
    return expect.network_expectation(
        {DESIGN.table_name: DESIGN.table_id}, DESIGN.addresses("sip0", "data0"),
        [DESIGN.default_route("data0")] + DESIGN.device_routes("sip0") + DESIGN.table_routes("sip0"), DESIGN.rules(),
        SYSCTLS)


def test_round_trip_through_json():
    data = json.loads(json.dumps(expectation()))
    loaded = expect.load_network(data)
    assert [r.dst for r in loaded.routes] == ["0.0.0.0/0", "198.18.9.0/24", "198.51.100.0/25", "0.0.0.0/0"]
    assert [(r.priority, r.src, r.table) for r in loaded.rules] == [(1000, "198.51.100.11/32", 100),
                                                                    (1001, "198.51.100.10/32", 100)]
    assert dict(loaded.sysctls) == SYSCTLS and loaded.tables.number("sipha_sip") == 100


@pytest.mark.parametrize("change, field", [
    ({"version": 2}, "network.json.version"),
    ({"routes": {"dst": "x"}}, "network.json.routes"),
    ({"routes": [{"table": 254, "dst": "203.0.113.5/24", "dev": "sip0"}]}, "network.json.routes[0].dst"),
    ({"routes": [{"table": 254, "dst": "0.0.0.0/0", "dev": "sip0; reboot"}]}, "network.json.routes[0].dev"),
    ({"routes": [{"table": 254, "dst": "0.0.0.0/0", "dev": "sip0", "gateway": "gw"}]},
     "network.json.routes[0].gateway"),
    ({"routes": [{"table": 254, "dst": "0.0.0.0/0", "dev": "sip0", "scope": "site"}]}, "network.json.routes[0].scope"),
    ({"rules": [{"priority": 99999, "src": "198.51.100.11/32", "table": 100}]}, "network.json.rules[0].priority"),
    ({"addresses": [{"dev": "sip0", "address": "198.51.100.11"}]}, "network.json.addresses[0].address"),
    ({"sysctls": {"sip0/forwarding": 1}}, "network.json.sysctls.sip0/forwarding"),
    ({"sysctls": {"sip0/arp_ignore": 9}}, "network.json.sysctls.sip0/arp_ignore"),
    ({"tables": {"bad-name": 100}}, "network.json.tables"),
])
def test_a_bad_file_is_named(change, field):
    data = dict(expectation(), **change)
    with pytest.raises(DesignError) as error:
        expect.load_network(data)
    assert error.value.field == field


@pytest.mark.parametrize("data, field", [
    ({"version": 1, "family": "bridge", "table": "sipha_qos"}, "marking.json.family"),
    ({"version": 1, "family": "inet", "table": "sipha qos"}, "marking.json.table"),
    ({"version": 1, "family": "inet", "table": "sipha_qos", "counters": "yes"}, "marking.json.counters"),
    ([], "marking.json"),
])
def test_a_bad_marking_file_is_named(data, field):
    with pytest.raises(DesignError) as error:
        expect.load_marking(data)
    assert error.value.field == field


def test_marking_packets_sums_every_rules_counter():
    ruleset = {"nftables": [{"metainfo": {}}, {"table": {"name": "sipha_qos"}},
                            {"rule": {"expr": [{"match": {}}, {"counter": {"packets": 7, "bytes": 700}}]}},
                            {"rule": {"expr": [{"counter": {"packets": 5, "bytes": 500}}, {"mangle": {}}]}},
                            {"rule": {"expr": [{"accept": None}]}}]}
    assert expect.marking_packets(ruleset) == 12
    assert expect.marking_packets({}) == 0


# against a real kernel ---------------------------------------------------------------------------------------
BUILD = """
set -e
ip link add sip0 type veth peer name sip0p; ip link add data0 type veth peer name data0p
for nic in sip0 sip0p data0 data0p; do ip link set "$nic" up; done
ip addr add 198.51.100.11/25 dev sip0; ip addr add 198.18.4.21/24 dev data0
ip route add default via 198.18.4.1 dev data0
ip route add 198.18.9.0/24 via 198.51.100.1 dev sip0 src 198.51.100.11
ip route add 198.51.100.0/25 dev sip0 scope link src 198.51.100.11 table 100
ip route add default via 198.51.100.1 dev sip0 table 100
ip rule add priority 1000 from 198.51.100.11 lookup 100
ip rule add priority 1001 from 198.51.100.10 lookup 100
for nic in sip0 data0; do echo 1 >/proc/sys/net/ipv4/conf/$nic/arp_ignore; done
echo 2 >/proc/sys/net/ipv4/conf/sip0/rp_filter
eval "$BREAK"
printf '%s\\n' "$(ip -json addr show)" "$(ip -json -N -4 route show table all)" "$(ip -json -N -4 rule show)" \
  "$(cat /proc/sys/net/ipv4/conf/sip0/arp_ignore /proc/sys/net/ipv4/conf/data0/arp_ignore \
         /proc/sys/net/ipv4/conf/sip0/rp_filter | paste -sd,)"
"""


def kernel(breaking=""):
    done = subprocess.run(["unshare", "--net", "sh", "-c", BUILD], env=dict(os.environ, BREAK=breaking),
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    links, routes, rules, values = done.stdout.splitlines()
    read = dict(zip([("sip0", "arp_ignore"), ("data0", "arp_ignore"), ("sip0", "rp_filter")],
                    (int(x) for x in values.split(","))))
    return json.loads(links), json.loads(routes), json.loads(rules), lambda nic, setting: read.get((nic, setting))


NETNS = os.geteuid() == 0 and shutil.which("unshare") is not None


@pytest.mark.skipif(not NETNS, reason="needs root and unshare --net")
@pytest.mark.parametrize("breaking, drift", [
    ("", []),
    ("ip route del 198.18.9.0/24",
     [("critical", "route 198.18.9.0/24 via 198.51.100.1 dev sip0 src 198.51.100.11: missing")]),
    ("ip rule del priority 1001", [("critical", "rule 1001: from 198.51.100.10 lookup sipha_sip: missing")]),
    ("ip route del default table 100", [("critical", "route default via 198.51.100.1 dev sip0 table sipha_sip: "
                                                     "missing")]),
    ("ip addr del 198.18.4.21/24 dev data0", [("critical", "address 198.18.4.21/24 dev data0: missing"),
                                              ("critical", "route default via 198.18.4.1 dev data0: missing")]),
    ("ip route replace default via 198.18.4.254 dev data0",
     [("critical", "route default via 198.18.4.1 dev data0: differs (is default via 198.18.4.254 dev data0)")]),
    ("echo 0 >/proc/sys/net/ipv4/conf/sip0/arp_ignore",
     [("warning", "sysctl net.ipv4.conf.sip0.arp_ignore 1: differs (is 0)")]),
])
def test_drift_against_the_kernel(breaking, drift):
    """The design built by hand as the modules build it: no drift; each thing broken: named, with its severity."""
    loaded = expect.load_network(json.loads(json.dumps(expectation())))
    assert expect.network_drift(loaded, *kernel(breaking)) == drift
