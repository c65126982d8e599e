"""The simulator's and the collection's readings checked against parsers written by others from real devices.

ntc-templates' TextFSM templates were built from real IOS and Junos output: every ARP listing the simulator prints
must parse with them to the same MAC the collection reads (``entry_mac``). Junos allow-commands are POSIX extended
regular expressions: GNU grep -E, a real ERE implementation, judges the role's regex.
"""

from __future__ import annotations

import subprocess

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import junos
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
