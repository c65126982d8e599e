"""The simulators' static routes: what they accept, show and remove (IOS ip route, Junos routing-options static)."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.tests.devsim.ios import INVALID, IosDevice, IosSession
from ansible_collections.sipha.network.tests.devsim.junos import SYNTAX, JunosDevice, JunosSession

ROUTE = "ip route 198.51.100.10 255.255.255.255 198.18.0.1 name sipha-vlan-split"


def ios(tmp_path, *lines):
    device = IosDevice("R1", {"u": {"level": 15}}, str(tmp_path))
    session = IosSession(device, "u")
    session.handle("configure terminal")
    replies = [session.handle(line) for line in lines]
    session.handle("end")
    return device, session, replies


def test_ios_routes_are_global_configuration_shown_as_entered(tmp_path):
    vrf = "ip route vrf VOICE 198.51.100.10 255.255.255.255 198.18.0.1 name sipha-vlan-split"
    device, session, replies = ios(tmp_path, ROUTE, vrf, "ip route 198.51.100.10 255.255.255.255 198.18.0.9")
    assert replies == ["", "", ""]
    assert session.handle("show running-config | include ^ip route").splitlines() == [
        ROUTE, vrf, "ip route 198.51.100.10 255.255.255.255 198.18.0.9"]
    assert ROUTE in session.handle("show running-config").splitlines()


def test_ios_reentering_a_route_replaces_its_options(tmp_path):
    device, _session, _replies = ios(tmp_path, "ip route 198.51.100.10 255.255.255.255 198.18.0.1", ROUTE)
    assert device.routes() == [ROUTE]


@pytest.mark.parametrize("line", [
    "ip route 198.51.100.10 198.18.0.1", "ip route 198.51.100.10/32 198.18.0.1",
    "ip route 198.51.100.10 255.255.255.255 198.18.0.1 name two words",
    "ip route 198.51.100.10 255.255.255.255 198.18.0.1 name sipha-vlan-split; reload",
    "ip route vrf A B 198.51.100.10 255.255.255.255 198.18.0.1", "no ip route 198.51.100.10",
])
def test_ios_refuses_what_is_not_an_ip_route(tmp_path, line):
    device, _session, replies = ios(tmp_path, line)
    assert replies == [INVALID] and device.routes() == []


def test_ios_no_ip_route_removes_the_matching_routes_whatever_their_name(tmp_path):
    other = "ip route 198.51.100.10 255.255.255.255 198.18.0.9 name someone-else"
    vrf = "ip route vrf VOICE 198.51.100.10 255.255.255.255 198.18.0.1"
    device, _session, replies = ios(tmp_path, ROUTE, other, vrf,
                                    "no ip route 198.51.100.10 255.255.255.255 198.18.0.1",
                                    "no ip route 198.51.100.10 255.255.255.255 198.18.0.1")
    assert replies[3:] == ["", "%No matching route to delete"] and device.routes() == [other, vrf]
    device2, _session2, _r = ios(tmp_path, ROUTE, other, vrf, "no ip route 198.51.100.10 255.255.255.255")
    assert device2.routes() == [vrf]                        # without a next hop: every route of the prefix


def junos(tmp_path, *lines, commit=True):
    device = JunosDevice("vsrx", {"u": {"admin": True}}, str(tmp_path))
    session = JunosSession(device, "u")
    session.handle("configure")
    replies = [session.handle(line) for line in lines]
    if commit:
        replies.append(session.handle("commit and-quit"))
    return device, session, replies


def test_junos_static_routes_set_show_and_delete(tmp_path):
    first = "set routing-options static route 198.51.100.10/32 next-hop 198.18.0.1"
    second = "set routing-options static route 198.51.100.10/32 next-hop 198.18.0.5"
    vrf = "set routing-instances VOICE routing-options static route 198.51.100.10/32 next-hop 198.18.0.1"
    device, session, replies = junos(tmp_path, first, second, vrf)
    assert replies[-1].startswith("commit complete") and device.routes() == [first, second]
    assert device.routes("VOICE") == [vrf]
    assert session.handle("show configuration routing-options static | display set").splitlines() == [first, second]
    session.handle("configure")
    session.handle("delete routing-options static route 198.51.100.10/32 next-hop 198.18.0.5")
    session.handle("delete routing-instances VOICE routing-options static route 198.51.100.10/32")
    session.handle("commit and-quit")
    assert device.routes() == [first] and device.routes("VOICE") == []


@pytest.mark.parametrize("line", [
    "set routing-options static route 198.51.100.10 next-hop 198.18.0.1",
    "set routing-options static route 198.51.100.10/24 next-hop 198.18.0.1",
    "set routing-options static route 198.51.100.10/32 next-hop edge-a",
    "set routing-options static route 198.51.100.10/32 nexthop 198.18.0.1",
    "set routing-instances A;B routing-options static route 198.51.100.10/32 next-hop 198.18.0.1",
])
def test_junos_refuses_a_route_statement_of_another_form(tmp_path, line):
    device, _session, replies = junos(tmp_path, line)
    assert replies[0] == SYNTAX and device.routes() == []
