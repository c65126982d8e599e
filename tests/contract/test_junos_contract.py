"""Junos contract: what router_arp_flush pushes over network_cli (SFTP + set commands), and what arp_flush sends."""

from __future__ import annotations

import os

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import junos
from ansible_collections.sipha.network.tests.contract.conftest import OLD_MAC, OTHER, VIP

SCRIPT = "/var/db/scripts/op/sipha-arp-flush.slax"


def role_vars(keys, **extra):
    return dict({"router_arp_flush_vips": [VIP], "router_arp_flush_keys": [keys["sip_pub"]]}, **extra)


def pushed(lines):
    """The lines between 'configure' and the commit."""
    start = lines.index("configure") + 1
    return lines[start:lines.index("show | compare", start)]


def test_push_exact_configuration_then_idempotent(junos_lab, keys):
    rc, out = junos_lab.playbook(role_vars(keys))
    assert rc == 0, out
    lines = [line for line in junos_lab.lines("admin") if not line.startswith(("set cli ", "show configuration ", "show version"))]
    assert lines[0] == "sftp put %s" % SCRIPT
    targets = [rf.FlushTarget.build("junos", VIP)]
    stored = os.path.join(junos_lab.device.root, SCRIPT.lstrip("/"))
    with open(stored, encoding="utf-8") as handle:
        assert handle.read() == junos.op_script(targets)          # the file on the router is the rendered script
    assert pushed(lines) == [
        "set system scripts op file sipha-arp-flush.slax checksum sha-256 %s" % junos.script_sha256(targets),
        'set system scripts op file sipha-arp-flush.slax allow-commands "(^clear arp hostname 198\\.51\\.100\\.10$)"',
        "set system login class sipha-flush idle-timeout 1",
        'set system login class sipha-flush allow-commands "(^op sipha-arp-flush vip 198\\.51\\.100\\.10$)'
        '|(^show arp no-resolve hostname 198\\.51\\.100\\.10$)"',
        "set system login user sipha-flush class sipha-flush",
        'set system login user sipha-flush authentication ssh-rsa "%s"' % keys["sip_pub"],
    ]
    assert lines[lines.index("show | compare") + 1] == "commit and-quit"
    before = len(junos_lab.device.log)
    rc, out = junos_lab.playbook(role_vars(keys))
    assert rc == 0 and "changed=0" in out, out
    again = junos_lab.lines("admin")[before:]
    assert "commit and-quit" not in again and not any(x.startswith("sftp put") for x in again)
    assert again[-3:] == ["top", "rollback 0", "exit"]


def test_flush_clears_only_the_vip_and_the_user_can_do_nothing_else(junos_lab, keys):
    assert junos_lab.playbook(role_vars(keys))[0] == 0
    result = junos_lab.flush()
    assert result["ok"] and result["verified"] and result["output"].split() == [VIP, "deleted", "SIPHA-ARP-FLUSH-OK", VIP], result
    assert junos_lab.lines("sipha-flush") == ["op sipha-arp-flush vip %s" % VIP,
                                              "show arp no-resolve hostname %s" % VIP]
    assert ("", VIP) not in junos_lab.device.arp and junos_lab.device.arp[("", OTHER)]
    prompt, errors = junos_lab.by_hand("sipha-flush", keys["sip_file"], [
        "clear arp hostname %s" % OTHER, "clear arp", "op sipha-arp-flush vip %s" % OTHER,
        "show configuration", "configure", "start shell"])
    assert prompt == "sipha-flush@vsrx>"
    for command, error in errors.items():
        assert "unknown command" in error, (command, error)
    assert junos_lab.device.arp[("", OTHER)]


def test_vpn_and_a_tampered_script(junos_lab, keys):
    junos_lab.device.arp[("VOICE", VIP)] = OLD_MAC
    rc, out = junos_lab.playbook(role_vars(keys, router_arp_flush_vips=[{"vip": VIP, "vrf": "VOICE"}]))
    assert rc == 0, out
    result = junos_lab.flush(vrf="VOICE")
    assert result["ok"] and result["verified"], result
    assert ("VOICE", VIP) not in junos_lab.device.arp and junos_lab.device.arp[("", VIP)] == OLD_MAC
    assert junos_lab.lines("sipha-flush")[-1] == "show arp no-resolve vpn VOICE hostname %s" % VIP
    stored = os.path.join(junos_lab.device.root, SCRIPT.lstrip("/"))
    with open(stored, "a", encoding="utf-8") as handle:
        handle.write("/* changed on the router */\n")
    junos_lab.device.arp[("VOICE", VIP)] = OLD_MAC
    tampered = junos_lab.flush(vrf="VOICE")
    assert not tampered["ok"] and "checksum" in tampered["error"], tampered
    assert junos_lab.device.arp[("VOICE", VIP)] == OLD_MAC
    rc, out = junos_lab.playbook(role_vars(keys, router_arp_flush_vips=[{"vip": VIP, "vrf": "VOICE"}]))
    assert rc == 0 and "changed=1" in out, out                # the role puts the right script back
    assert junos_lab.flush(vrf="VOICE")["ok"]


def test_keys_required_and_bad_input_refused_before_connecting(junos_lab, keys):
    rc, out = junos_lab.playbook(role_vars(keys, router_arp_flush_keys=[]))
    assert rc != 0 and "keys: must list at least one" in out, out
    rc, out = junos_lab.playbook(role_vars(keys, router_arp_flush_vips=[{"vip": VIP, "vrf": "A B"}]))
    assert rc != 0 and "vips[0].vrf" in out, out
    assert junos_lab.device.log == []


def test_unpinned_host_key_is_refused(junos_lab, keys):
    rc, out = junos_lab.playbook(role_vars(keys), extra_env={"ANSIBLE_HOST_KEY_CHECKING": "False"})
    assert rc != 0 and "host key checking is disabled" in out, out
    rc, out = junos_lab.playbook(role_vars(keys), extra_env={"ANSIBLE_PARAMIKO_HOST_KEY_AUTO_ADD": "True"})
    assert rc != 0 and "host_key_auto_add is on" in out, out
    assert junos_lab.device.log == []
    os.remove(junos_lab.known_hosts)
    rc, out = junos_lab.playbook(role_vars(keys))
    # the SFTP upload opens its own connection, where the paramiko plugin would ask; no terminal, so it fails
    assert rc != 0 and ("can't be established" in out or "stdin is not interactive" in out), out
    assert junos_lab.device.log == []


def test_error_paths_auth_unknown_command_timeout(junos_lab, keys):
    assert junos_lab.playbook(role_vars(keys))[0] == 0
    stranger = junos_lab.flush(key_file=keys["stranger_file"])
    assert not stranger["ok"] and "Authentication failed" in stranger["error"], stranger
    refused = junos_lab.flush(vip="198.51.100.77")               # not in the class's allow-commands
    assert not refused["ok"] and "unknown command" in refused["error"], refused
    junos_lab.device.hang_on = "op "
    hung = junos_lab.flush(timeout=1.0)
    assert not hung["ok"] and "no prompt after" in hung["error"], hung
    assert 1000 <= hung["ms"] < 2500, hung
