"""Cisco IOS contract: what router_arp_flush pushes over network_cli, and what arp_flush sends, against tests/devsim."""

from __future__ import annotations

from ansible_collections.sipha.network.tests.contract.conftest import OLD_MAC, OTHER, VIP


APPLET = "SIPHA-ARP-FLUSH-198-51-100-10"
PUSHED = [
    "privilege exec level 2 event manager run",
    "event manager applet %s authorization bypass" % APPLET,
    "description sipha.network: clears the ARP entry of 198.51.100.10 only",
    "event none sync yes",
    'action 1.0 cli command "enable"',
    'action 2.0 cli command "clear ip arp 198.51.100.10"',
    'action 2.1 regexp "(%|[Ff]ailed|[Ee]rror|[Dd]enied)" "$_cli_result"',
    'action 2.2 if $_regexp_result eq "1"',
    'action 2.3 puts "SIPHA-ARP-FLUSH-FAILED 198.51.100.10: $_cli_result"',
    "action 2.4 exit 1",
    "action 2.5 end",
    'action 3.0 syslog priority informational msg "sipha.network: cleared the ARP entry of 198.51.100.10"',
    'action 4.0 puts "SIPHA-ARP-FLUSH-OK 198.51.100.10"',
    "ip ssh pubkey-chain",
    "username sipha-flush",
]


def role_vars(keys, **extra):
    return dict({"router_arp_flush_vips": [VIP], "router_arp_flush_keys": [keys["sip_pub"]],
                 "router_arp_flush_password": "flush-secret"}, **extra)


def config_blocks(lines):
    """The lines sent between each 'configure terminal' and 'end'."""
    blocks, current = [], None
    for line in lines:
        if line == "configure terminal":
            current = []
        elif line == "end" and current is not None:
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_push_exact_configuration_then_idempotent(ios_lab, keys):
    rc, out = ios_lab.playbook(role_vars(keys))
    assert rc == 0, out
    blocks = config_blocks(ios_lab.lines("admin"))
    assert blocks[0] == ["username sipha-flush privilege 2 algorithm-type scrypt secret flush-secret"]
    assert blocks[1][:-1] == PUSHED
    assert blocks[1][-1].startswith("key-hash ssh-rsa ") and len(blocks[1][-1].split()[2]) == 32
    assert len(blocks) == 2
    # the exact commands around it: terminal setup, capability probe, the two reads the role needs
    assert ios_lab.lines("admin")[:8] == [
        "terminal length 0", "terminal width 512", "terminal width 0", "show version", "show vlan",
        "show running-config | section event manager applet",
        "show running-config | include ^username sipha-flush( |$)", "show running-config | section ip ssh pubkey-chain"]
    assert "flush-secret" not in out                          # no_log on the secret
    before = len(ios_lab.device.log)
    rc, out = ios_lab.playbook(role_vars(keys))
    assert rc == 0 and "changed=0" in out, out
    assert "configure terminal" not in ios_lab.lines("admin")[before:]


def test_flush_clears_only_the_vip_and_the_user_can_do_nothing_else(ios_lab, keys):
    assert ios_lab.playbook(role_vars(keys))[0] == 0
    result = ios_lab.flush()
    assert result["ok"] and result["verified"] and result["entry_mac"] is None, result
    assert ios_lab.lines("sipha-flush") == ["event manager run %s" % APPLET, "show ip arp %s" % VIP]
    assert ("", VIP) not in ios_lab.device.arp and ios_lab.device.arp[("", OTHER)]
    assert ios_lab.device.syslog == ["sipha.network: cleared the ARP entry of 198.51.100.10"]
    # the same account, by hand: anything but the applet is refused at privilege 2
    prompt, errors = ios_lab.by_hand("sipha-flush", keys["sip_file"], [
        "configure terminal", "clear ip arp %s" % OTHER, "show running-config", "event manager run SOMETHING-ELSE"])
    assert prompt == "R1#"
    for command, error in errors.items():
        assert "Invalid input" in error or "not registered" in error, (command, error)
    assert ios_lab.device.arp[("", OTHER)]


def test_vrf_applet_clears_the_entry_in_its_vrf_only(ios_lab, keys):
    ios_lab.device.arp[("VOICE", VIP)] = OLD_MAC
    rc, out = ios_lab.playbook(role_vars(keys, router_arp_flush_vips=[{"vip": VIP, "vrf": "VOICE"}]))
    assert rc == 0, out
    assert 'action 2.0 cli command "clear ip arp vrf VOICE 198.51.100.10"' in config_blocks(ios_lab.lines("admin"))[1]
    result = ios_lab.flush(vrf="VOICE")
    assert result["ok"] and result["verified"], result
    assert ios_lab.lines("sipha-flush") == ["event manager run %s-VOICE" % APPLET, "show ip arp vrf VOICE %s" % VIP]
    assert ("VOICE", VIP) not in ios_lab.device.arp and ios_lab.device.arp[("", VIP)] == OLD_MAC


def test_stale_applet_removed_and_foreign_event_none_applet_refused(ios_lab, keys):
    assert ios_lab.playbook(role_vars(keys))[0] == 0
    rc, out = ios_lab.playbook(role_vars(keys, router_arp_flush_vips=["198.51.100.20"]))
    assert rc == 0, out
    assert "no event manager applet %s" % APPLET in config_blocks(ios_lab.lines("admin"))[-1]
    assert ios_lab.device.applet(APPLET) is None and ios_lab.device.applet("SIPHA-ARP-FLUSH-198-51-100-20")
    foreign = ios_lab.device.config.child("event manager applet RELOAD-ME")
    foreign.child("event none")
    before = len(ios_lab.device.log)
    rc, out = ios_lab.playbook(role_vars(keys))
    assert rc != 0 and "RELOAD-ME" in out and "Nothing was changed" in out, out
    assert "configure terminal" not in ios_lab.lines()[before:]


def test_bad_input_is_refused_before_connecting(ios_lab, keys):
    rc, out = ios_lab.playbook(role_vars(keys, router_arp_flush_vips=["198.51.100.10; reload"]))
    assert rc != 0 and "vips[0].vip" in out, out
    assert ios_lab.device.log == []


def test_check_mode_reports_and_changes_nothing(ios_lab, keys):
    ios_lab.device.users["sipha-flush"] = {"password": "x", "level": 2}
    ios_lab.device.config.child("username sipha-flush privilege 2 secret 9 $9$x")
    rc, out = ios_lab.playbook(role_vars(keys), check=True)
    assert rc == 0 and "changed=1" in out, out
    assert "configure terminal" not in ios_lab.lines()
    assert ios_lab.device.applet(APPLET) is None


def test_enable_with_a_level_1_account(ios_lab, keys):
    assert ios_lab.playbook(role_vars(keys))[0] == 0
    ok = ios_lab.flush(username="ops", key_file=None, password="ops-pw", enable_password="enable-pw")
    assert ok["ok"], ok
    assert ios_lab.lines("ops") == ["enable", "<secret>", "event manager run %s" % APPLET, "show ip arp %s" % VIP]
    wrong = ios_lab.flush(username="ops", key_file=None, password="ops-pw", enable_password="wrong")
    assert not wrong["ok"] and "enable was refused" in wrong["error"], wrong


def test_error_paths_auth_unknown_command_timeout(ios_lab, keys):
    assert ios_lab.playbook(role_vars(keys))[0] == 0
    stranger = ios_lab.flush(key_file=keys["stranger_file"])
    assert not stranger["ok"] and "Authentication failed" in stranger["error"], stranger
    unknown = ios_lab.flush(vip="198.51.100.77")                 # no applet for it on the router
    assert not unknown["ok"] and "not registered with event none" in unknown["error"], unknown
    ios_lab.device.hang_on = "event manager run"
    hung = ios_lab.flush(timeout=1.0)
    assert not hung["ok"] and "no prompt after" in hung["error"], hung
    assert 1000 <= hung["ms"] < 2500, hung
