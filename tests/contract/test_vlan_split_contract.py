"""The VIP VLAN split workaround (playbooks/vip_vlan_split.yml) against the IOS-XE and Junos simulators behind sshd.

The real playbook runs: its design play on the pair, the plan on the controller, then the host routes on the
detached router (edge-b, the simulator) over network_cli. The SIP hosts and the other router (edge-a) are
unreachable (a name under .invalid, a Python that does not exist): nothing but the simulator could be contacted.
"""

from __future__ import annotations

import copy
import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.tests.contract.test_ios_contract import config_blocks

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAYBOOK = str(ROOT / "playbooks" / "vip_vlan_split.yml")
BASE = yaml.safe_load((ROOT / "tests" / "unit" / "data" / "inventories.yml").read_text())["base"]
UNREACHABLE = {"ansible_connection": "ssh", "ansible_python_interpreter": "/nonexistent/python3",
               "ansible_user": "nobody"}
VIA = "198.18.0.1"                       # edge-a's own address on the routers' transit network
ADDRESSES = ["198.51.100.10", "198.51.100.11", "198.51.100.12"]     # the VIP, sip-a's and sip-b's SIP addresses


def inventory(lab, vrf=None, **edge_b):
    """The base pair and its two routers; edge-b is the simulator (its vendor), edge-a a Linux router with a
    transit address."""
    hosts = {name: dict(copy.deepcopy(variables), ansible_host="%s.invalid" % name, **UNREACHABLE)
             for name, variables in BASE["hosts"].items()}
    edge_a = dict(copy.deepcopy(BASE["routers"]["edge-a"]), ansible_host="edge-a.invalid",
                  sipha_router_transit_address=VIA, **UNREACHABLE)
    router = copy.deepcopy(BASE["routers"]["edge-b"])
    router.update(sipha_router_vendor=lab.device.vendor, sipha_router_transit_address="198.18.0.2")
    router.pop("sipha_router_vrf")
    if vrf:
        router["sipha_router_vrf"] = vrf
    if lab.device.vendor != "ios":
        router.pop("router_arp_flush_release")
    router.update(lab.connection_vars())
    router.update(edge_b)
    return {"all": {"children": {"sip_pair": {"hosts": hosts},
                                 "adjacent_routers": {"hosts": {"edge-a": edge_a, "edge-b": router}}}}}


def split(lab, check=False, vrf=None, edge_b=None, **extra):
    return lab.run_playbook(PLAYBOOK, inventory(lab, vrf, **(edge_b or {})),
                            dict({"sipha_split_router": "edge-b"}, **extra), check=check)


def ios_routes(vrf=None):
    return ["ip route %s%s 255.255.255.255 %s name sipha-vlan-split" % ("vrf %s " % vrf if vrf else "", a, VIA)
            for a in ADDRESSES]


def junos_routes(vrf=None):
    where = "routing-instances %s routing-options static" % vrf if vrf else "routing-options static"
    return ["set %s route %s/32 next-hop %s" % (where, a, VIA) for a in ADDRESSES]


def junos_pushed(lines):
    """The statements sent between each 'configure' and its 'show | compare'."""
    blocks, start = [], None
    for index, line in enumerate(lines):
        if line == "configure":
            start = index + 1
        elif line == "show | compare" and start is not None:
            blocks.append(lines[start:index])
            start = None
    return blocks


# --- IOS-XE ---------------------------------------------------------------------------------------------------
def test_ios_check_present_again_then_absent(front_lab):
    lab = front_lab("ios-xe")
    rc, out = split(lab, check=True, vrf="VOICE")
    assert rc == 0 and "changed=1" in out and "would add 3 host route(s)" in out, out
    assert "configure terminal" not in lab.lines() and lab.device.routes() == []       # --check changes nothing
    assert "ip route vrf VOICE 198.51.100.10 255.255.255.255 198.18.0.1 name sipha-vlan-split" in out   # --diff

    rc, out = split(lab, vrf="VOICE")
    assert rc == 0 and "changed=1" in out, out
    assert lab.device.routes() == ios_routes("VOICE")
    assert config_blocks(lab.lines("admin")) == [ios_routes("VOICE")]
    assert "show running-config | include ^ip route" in lab.lines("admin")
    assert "HA is reduced until the VoIP VLAN recovers" in out and "sipha_split_state=absent" in out, out

    before = len(lab.device.log)
    rc, out = split(lab, vrf="VOICE")
    assert rc == 0 and "changed=0" in out and "nothing to change" in out, out
    assert "configure terminal" not in lab.lines()[before:]

    rc, out = split(lab, vrf="VOICE", sipha_split_state="absent", sipha_split_via="edge-a")
    assert rc == 0 and "changed=1" in out and "removed 3 host route(s)" in out, out
    assert lab.device.routes() == []
    assert config_blocks(lab.lines("admin"))[-1] == [
        "no ip route vrf VOICE %s 255.255.255.255 %s" % (a, VIA) for a in ADDRESSES]
    rc, out = split(lab, vrf="VOICE", sipha_split_state="absent")
    assert rc == 0 and "changed=0" in out, out


def test_ios_global_table_and_another_next_hop_left_alone(front_lab):
    lab = front_lab("ios-xe")
    foreign = "ip route 198.51.100.10 255.255.255.255 198.18.0.9 name someone-else"
    lab.device.config.child(foreign)
    rc, out = split(lab)
    assert rc == 0 and "changed=1" in out, out
    assert lab.device.routes() == [foreign] + ios_routes()
    rc, out = split(lab, sipha_split_state="absent")
    assert rc == 0 and "left alone" in out and "198.51.100.10/32 via 198.18.0.9" in out, out
    assert lab.device.routes() == [foreign]


# --- Junos ----------------------------------------------------------------------------------------------------
def test_junos_check_present_again_then_absent(front_lab):
    lab = front_lab("junos")
    rc, out = split(lab, check=True)
    assert rc == 0 and "changed=1" in out and "would add 3 host route(s)" in out, out
    assert lab.device.routes() == [] and "commit and-quit" not in lab.lines()        # compared, rolled back

    rc, out = split(lab)
    assert rc == 0 and "changed=1" in out, out
    assert lab.device.routes() == junos_routes()
    assert junos_pushed(lab.lines("admin"))[-1] == junos_routes()
    assert "show configuration routing-options static | display set" in lab.lines("admin")

    before = len(lab.device.log)
    rc, out = split(lab)
    assert rc == 0 and "changed=0" in out, out
    assert "configure" not in lab.lines()[before:]

    rc, out = split(lab, sipha_split_state="absent")
    assert rc == 0 and "changed=1" in out and "removed 3 host route(s)" in out, out
    assert lab.device.routes() == []
    assert junos_pushed(lab.lines("admin"))[-1] == [
        "delete routing-options static route %s/32" % a for a in ADDRESSES]


def test_junos_routing_instance_keeps_the_other_next_hop(front_lab):
    lab = front_lab("junos")
    other = "set routing-instances VOICE routing-options static route 198.51.100.11/32 next-hop 198.18.0.9"
    lab.device.config.append(other)
    rc, out = split(lab, vrf="VOICE")
    assert rc == 0 and "changed=1" in out, out
    assert sorted(lab.device.routes("VOICE")) == sorted(junos_routes("VOICE") + [other])
    rc, out = split(lab, vrf="VOICE", sipha_split_state="absent")
    assert rc == 0, out
    assert junos_pushed(lab.lines("admin"))[-1] == [
        "delete routing-instances VOICE routing-options static route 198.51.100.10/32",
        "delete routing-instances VOICE routing-options static route 198.51.100.11/32 next-hop %s" % VIA,
        "delete routing-instances VOICE routing-options static route 198.51.100.12/32"]
    assert lab.device.routes("VOICE") == [other]


# --- bad input: a clear error, and no router contacted --------------------------------------------------------
@pytest.mark.parametrize("extra,edge_b,message", [
    ({"sipha_split_router": "edge-z"}, {}, "sipha_split_router: must be one of the routers of group adjacent_routers "
                                           "(edge-a, edge-b) (got 'edge-z')"),
    ({"sipha_split_via": "edge-b"}, {}, "sipha_split_via: must be another router than the detached one (edge-b)"),
    ({"sipha_split_state": "gone"}, {}, "sipha_split_state: must be present"),
    ({"sipha_split_router": "edge-a"}, {"sipha_router_transit_address": "198.51.100.50"},
     "edge-b: sipha_router_transit_address: lies in pair pair-1's sipha_sip_network.cidr 198.51.100.0/25"),
    ({}, {"sipha_router_vrf": "A B"}, "edge-b: sipha_router_vrf"),
])
def test_bad_input_is_refused_before_any_router_is_contacted(front_lab, extra, edge_b, message):
    lab = front_lab("ios-xe")
    rc, out = split(lab, edge_b=edge_b, **extra)
    assert rc != 0 and message in out, out
    assert "sipha.network.vlan_split_plan" in out or "design error" in out, out
    assert lab.device.log == [] and "UNREACHABLE" not in out, out
