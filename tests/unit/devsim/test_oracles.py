"""The simulator's and the collection's readings checked against parsers written by others from real devices.

ntc-templates' TextFSM templates were built from real IOS and Junos output: every ARP listing the simulator prints
must parse with them to the same MAC the collection reads (``entry_mac``). Junos allow-commands are POSIX extended
regular expressions: GNU grep -E, a real ERE implementation, judges the role's regex. The cisco.ios collection's
static-routes parser (its resource module's template for ``show running-config | include ip route``) reads the
static routes the simulator shows the same way the IOS driver does.
"""

from __future__ import annotations

import subprocess

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import ios, junos
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import HostRoutes
from ansible_collections.sipha.network.tests.devsim.ios import IosDevice, IosSession
from ansible_collections.sipha.network.tests.devsim.junos import JunosDevice, JunosSession

ntc = pytest.importorskip("ntc_templates.parse")   # pinned in ci/requirements.txt: present in CI

ARP = {("", "198.51.100.10"): "02:00:00:00:00:01", ("", "198.51.100.11"): "0a:1b:2c:3d:4e:5f",
       ("VOICE", "198.51.100.10"): "02:00:00:00:00:aa"}


@pytest.mark.parametrize("command,vrf,address", [
    ("show ip arp", "", None), ("show ip arp 198.51.100.10", "", "198.51.100.10"),
    ("show ip arp vrf VOICE 198.51.100.10", "VOICE", "198.51.100.10")])
def test_ios_show_ip_arp_parses_with_ntc_templates(tmp_path, command, vrf, address):
    device = IosDevice("R1", {"u": {"level": 15}}, str(tmp_path))
    device.arp = dict(ARP)
    text = IosSession(device, "u").exec_line(command)
    rows = ntc.parse_output(platform="cisco_ios", command="show ip arp", data=text)
    expected = {ip: mac for (v, ip), mac in ARP.items() if v == vrf and address in (None, ip)}
    assert {row["ip_address"]: row["mac_address"] for row in rows} == {
        ip: mac.replace(":", "")[:4] + "." + mac.replace(":", "")[4:8] + "." + mac.replace(":", "")[8:]
        for ip, mac in expected.items()}
    for ip, mac in expected.items():
        assert rf.entry_mac(text, ip) == mac


@pytest.mark.parametrize("command,vrf,address", [
    ("show arp no-resolve", "", None), ("show arp no-resolve hostname 198.51.100.10", "", "198.51.100.10"),
    ("show arp no-resolve vpn VOICE hostname 198.51.100.10", "VOICE", "198.51.100.10")])
def test_junos_show_arp_parses_with_ntc_templates(tmp_path, command, vrf, address):
    device = JunosDevice("vsrx", {"u": {"admin": True}}, str(tmp_path))
    device.arp = dict(ARP)
    text = JunosSession(device, "u").operational(command)
    rows = ntc.parse_output(platform="juniper_junos", command="show arp no-resolve", data=text)
    expected = {ip: mac for (v, ip), mac in ARP.items() if v == vrf and address in (None, ip)}
    assert {row["ip_address"]: row["mac_address"] for row in rows} == expected
    for ip, mac in expected.items():
        assert rf.entry_mac(text, ip) == mac


def test_junos_allow_commands_is_the_documented_ere_and_admits_exactly_the_commands():
    targets = [rf.FlushTarget.build("junos", "198.51.100.10"),
               rf.FlushTarget.build("junos", "198.51.100.20", vrf="VOICE")]
    allowed = [junos.Junos().flush_request(x) for x in targets] + [junos.Junos().show_request(x) for x in targets]
    regex = junos.allow_regex(allowed)
    assert regex.startswith("(^") and ")|(^" in regex and regex.endswith("$)")
    refused = ["op sipha-arp-flush vip 198.51.100.100", "op sipha-arp-flush vip 198x51.100.10",
               "op sipha-arp-flush vip 198.51.100.10 | save /tmp/x", "clear arp", "show arp no-resolve",
               "request system reboot; op sipha-arp-flush vip 198.51.100.10", "show configuration"]
    proc = subprocess.run(["grep", "-E", "-x", "-e", regex], input="\n".join(allowed + refused) + "\n",
                          capture_output=True, text=True, check=False)
    assert proc.stdout.splitlines() == allowed, proc


@pytest.mark.parametrize("vrf", [None, "VOICE"])
def test_ios_static_routes_parse_with_the_cisco_ios_resource_module(tmp_path, vrf):
    template = pytest.importorskip(
        "ansible_collections.cisco.ios.plugins.module_utils.network.ios.rm_templates.static_routes")
    device = IosDevice("R1", {"u": {"level": 15}}, str(tmp_path))
    session = IosSession(device, "u")
    routes = HostRoutes(("198.51.100.10", "198.51.100.11"), "198.18.0.1", vrf)
    session.handle("configure terminal")
    other = "ip route 198.51.100.11 255.255.255.255 GigabitEthernet0/2 198.18.0.7 200"   # IOS shows full names
    for line in ios.Ios().host_route_commands(routes) + [other]:
        assert session.handle(line) == "", line
    session.handle("end")
    text = session.handle(ios.ROUTES_READ)
    parsed = template.Static_routesTemplate(lines=text.splitlines()).parse()
    theirs = {}
    for entries in parsed.values():
        for entry in entries:
            if entry.get("_vrf") == vrf and entry["_netmask"] == ios.HOST_MASK:
                theirs.setdefault(entry["_dest"], []).append(entry["forward_router_address"])
                if entry.get("forward_router_address") == "198.18.0.1":
                    assert entry["name"] == ios.ROUTE_NAME
    assert ios.Ios().host_route_next_hops(routes, [text]) == theirs
    assert theirs == ({"198.51.100.10": ["198.18.0.1"], "198.51.100.11": ["198.18.0.1"]} if vrf else
                      {"198.51.100.10": ["198.18.0.1"], "198.51.100.11": ["198.18.0.1", "198.18.0.7"]})
