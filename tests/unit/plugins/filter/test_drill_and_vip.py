"""The drill's outage arithmetic and the inventory-to-program router list."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.sipha.network.plugins.filter.vip import drill_outage, vip_routers

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx9dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdGtleQ"


def log(*rows):
    return "".join("%.3f %d-99@198.18.2.50\n" % row for row in rows)


def test_outage_gap_and_lost():
    # calls every 5 ms; the old holder answers up to call 4 (t=100.015), calls 5-7 go unanswered,
    # the switchover starts at t=100.018 and the new holder answers from call 8 (t=100.040)
    logs = {"sip-a": log((100.000, 1), (100.005, 2), (100.010, 3), (100.015, 4)),
            "sip-b": log((100.040, 8), (100.045, 9))}
    report = drill_outage(logs, 100.018, "sip-b", 9)
    assert report["outage_ms"] == 22.0 and report["gap_ms"] == 25.0 and report["lost"] == 3
    assert report["answered_by"] == {"sip-a": 4, "sip-b": 2} and report["recovered"]
    assert (report["gap_from_epoch"], report["gap_to_epoch"]) == (100.015, 100.040)   # where the silence lies


def test_not_recovered():
    report = drill_outage({"sip-a": log((100.0, 1)), "sip-b": ""}, 100.5, "sip-b", 10)
    assert report["outage_ms"] is None and not report["recovered"] and report["lost"] == 9
    assert report["gap_ms"] == 0.0 and report["gap_from_epoch"] is None


@pytest.mark.parametrize("args, text", [
    (({"sip-a": "garbage\n", "sip-b": ""}, 1.0, "sip-b", 1), "logs.sip-a: line 1"),
    (({"sip-a": ""}, 1.0, "sip-c", 1), "new_holder: must be one of"),
    (("not a dict", 1.0, "sip-b", 1), "logs: must map"),
])
def test_drill_outage_refuses(args, text):
    with pytest.raises(AnsibleFilterError, match=text):
        drill_outage(*args)


def test_vip_routers_maps_the_model():
    hostvars = {"r1": {"sipha_router_address": "198.18.1.2", "sipha_router_host_keys": [KEY]},
                "r2": {"sipha_router_address": "198.18.1.3", "sipha_router_ssh_address": "198.18.9.3",
                       "sipha_router_vendor": "ios", "sipha_router_vrf": "VOICE", "sipha_router_host_keys": [KEY]}}
    routers = vip_routers(["r1", "r2"], hostvars)
    assert routers[0] == {"name": "r1", "address": "198.18.1.2", "arp_target": "198.18.1.2", "port": 22,
                          "vendor": "linux", "vrf": None, "host_keys": [KEY]}
    assert (routers[1]["address"], routers[1]["arp_target"], routers[1]["vrf"]) == ("198.18.9.3", "198.18.1.3", "VOICE")


@pytest.mark.parametrize("host, text", [
    ({"sipha_router_address": "edge.example.com", "sipha_router_host_keys": [KEY]}, "r1: sipha_router_address"),
    ({"sipha_router_address": "198.18.1.2"}, "r1: sipha_router_host_keys"),
    ({"sipha_router_address": "198.18.1.2", "sipha_router_vendor": "eos", "sipha_router_host_keys": [KEY]},
     "r1: sipha_router_vendor"),
])
def test_vip_routers_names_router_and_field(host, text):
    with pytest.raises(AnsibleFilterError, match=text):
        vip_routers(["r1"], {"r1": host})
