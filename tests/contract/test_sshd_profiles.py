"""Every path to a router, against the simulator behind Debian's OpenSSH 9.2 sshd, one profile per platform.

The takeover program's OpenSSH client, the router_arp_flush role over network_cli (paramiko, and libssh where
paramiko cannot go) and the arp_flush module each meet real OpenSSH behaviour: the key exchange and host key the
profile allows, the user key types it takes, no exit status (ios-classic), the TCP connection closed after an exec
(IOS). What each did is what the closing note of issue 14 lists.
"""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import platforms
from ansible_collections.sipha.network.plugins.module_utils._vip import flush as vf
from ansible_collections.sipha.network.tests.contract.conftest import OTHER, VIP

LIBSSH = {"ansible_network_cli_ssh_type": "libssh",
          **{"ansible_libssh_" + k: v for k, v in platforms.PLATFORMS["ios-classic"].libssh.items()}}


def role_vars(lab, keys, **extra):
    values = {"router_arp_flush_vips": [VIP], "router_arp_flush_keys": [keys["sip_pub"]],
              "router_arp_flush_platform": "" if lab.device.vendor == "junos" else lab.listener.profile.name}
    if lab.device.vendor == "ios":
        values["router_arp_flush_password"] = "flush-secret"
    values.update(extra)
    return values


def program_config(lab, keys, tmp_path, platform=None, key_file=None, vip=VIP):
    """The takeover program's config for this one router, as vip_script installs it."""
    tmp_path.mkdir(exist_ok=True)
    router = {"name": "rtr", "address": "127.0.0.1", "port": lab.port, "vendor": lab.device.vendor}
    if platform:
        router["platform"] = platform
    return vc.load({"vip": vip, "interface": "eth1", "run_dir": str(tmp_path),
                    "flush": {"key_file": key_file or keys["sip_file"], "known_hosts": lab.known_hosts,
                              "timeout_ms": 5000}, "routers": [router]})


def takeover(lab, keys, tmp_path, platform=None, key_file=None, vip=VIP):
    config = program_config(lab, keys, tmp_path, platform, key_file, vip)
    return config, vf.flush_all(config, warm=True, t0=time.monotonic())[0]


def logs_in(lab, key_file, options=()):
    """Whether OpenSSH gets a session as the flush user with this key (the answer to a harmless show)."""
    argv = ["ssh", "-F", "/dev/null", "-T", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key_file,
            "-o", "UserKnownHostsFile=%s" % lab.known_hosts, "-o", "StrictHostKeyChecking=yes", "-p", str(lab.port)]
    for key, value in options:
        argv += ["-o", "%s=%s" % (key, value)]
    proc = subprocess.run(argv + ["sipha-flush@127.0.0.1", lab.device.vendor == "ios" and "show ip arp %s" % VIP
                                  or "show arp no-resolve hostname %s" % VIP], capture_output=True, text=True,
                          timeout=30, check=False)
    return "Permission denied" not in proc.stderr and VIP in proc.stdout, proc


# --- ios-classic ----------------------------------------------------------------------------------------------
def test_ios_classic_default_openssh_cannot_reach_it_the_profile_can(front_lab, keys, tmp_path):
    lab = front_lab("ios-classic")
    rc, out = lab.playbook(role_vars(lab, keys), connection=LIBSSH)
    assert rc == 0, out
    _config, plain = takeover(lab, keys, tmp_path / "a", platform="ios-xe")     # OpenSSH 9.2 defaults only
    assert not plain["ok"] and "no answer" in plain["error"], plain      # ssh logs the kex mismatch at INFO
    assert ("", VIP) in lab.device.arp
    config, result = takeover(lab, keys, tmp_path / "b", platform="ios-classic")
    assert ("-o", "KexAlgorithms=%s" % platforms.PLATFORMS["ios-classic"].openssh["KexAlgorithms"]) in zip(
        config.ssh_argv(config.routers[0], "fresh"), config.ssh_argv(config.routers[0], "fresh")[1:])
    assert result["ok"] and result["via"] == "fresh", result       # no exit status (ssh exits 255): the line proves it
    assert ("", VIP) not in lab.device.arp and lab.device.arp[("", OTHER)]
    assert "Accepted publickey for sipha-flush" in lab.listener.sshd_log() and "RSA" in lab.listener.sshd_log()
    assert not config.routers[0].warm                             # IOS closes TCP after an exec
    assert vf.ensure_masters(config)[0]["cold"].startswith("its platform (ios-classic) closes")


def test_ios_classic_role_refuses_paramiko_before_connecting_and_goes_by_libssh(front_lab, keys):
    lab = front_lab("ios-classic")
    rc, out = lab.playbook(role_vars(lab, keys))                  # network_cli with paramiko
    assert rc != 0 and "ios-classic" in out and "ansible_network_cli_ssh_type: libssh" in out, out
    assert "Nothing was changed" in out and lab.device.log == []
    rc, out = lab.playbook(role_vars(lab, keys), connection=LIBSSH)
    assert rc == 0, out
    assert lab.device.applet("SIPHA-ARP-FLUSH-198-51-100-10") is not None
    rc, out = lab.playbook(role_vars(lab, keys), connection=LIBSSH)
    assert rc == 0 and "changed=0" in out, out


def test_ios_classic_refuses_an_ed25519_key_before_pushing(front_lab, keys):
    lab = front_lab("ios-classic")
    rc, out = lab.playbook(role_vars(lab, keys, router_arp_flush_keys=[keys["sip_ed_pub"]]), connection=LIBSSH)
    assert rc != 0 and "is a ssh-ed25519 key; IOS 15.x takes only ssh-rsa" in out, out
    assert lab.device.log == []


def test_arp_flush_module_paramiko_cannot_reach_ios_classic(front_lab, keys):
    lab = front_lab("ios-classic")
    assert lab.playbook(role_vars(lab, keys), connection=LIBSSH)[0] == 0
    result = lab.flush()
    assert not result["ok"] and result["error"].startswith("ssh:"), result
    assert ("", VIP) in lab.device.arp


# --- the proof of a flush (IOS) -------------------------------------------------------------------------------
def test_aaa_refusal_and_an_async_applet_are_not_flushed(front_lab, keys, tmp_path):
    lab = front_lab("ios-xe", aaa=True)
    assert lab.playbook(role_vars(lab, keys))[0] == 0
    node = lab.device.applet("SIPHA-ARP-FLUSH-198-51-100-10")
    node.line = "event manager applet SIPHA-ARP-FLUSH-198-51-100-10"          # authorization bypass removed
    _config, refused = takeover(lab, keys, tmp_path / "a")
    assert not refused["ok"] and "Command authorization failed" in refused["error"], refused
    assert ("", VIP) in lab.device.arp
    module = lab.flush()
    assert not module["ok"] and "Command authorization failed" in module["error"], module
    lab.device.aaa_command_authorization = False
    event = next(c for c in node.children if c.line.startswith("event "))
    event.line = "event none"                                                  # sync yes removed: only queued
    _config, queued = takeover(lab, keys, tmp_path / "b")
    assert not queued["ok"] and "did not confirm" in queued["error"], queued
    module = lab.flush()
    assert not module["ok"] and "did not confirm" in module["error"], module


# --- ios-xe ---------------------------------------------------------------------------------------------------
def test_ios_xe_paramiko_role_module_and_takeover(front_lab, keys, tmp_path):
    lab = front_lab("ios-xe")
    rc, out = lab.playbook(role_vars(lab, keys, router_arp_flush_release="17.9.4",
                                     router_arp_flush_keys=[keys["sip_pub"], keys["sip_ed_pub"]]))
    assert rc == 0, out
    result = lab.flush()
    assert result["ok"] and result["verified"] and result["entry_mac"] is None, result
    lab.device.arp[("", VIP)] = "02:00:00:00:00:01"
    _config, flushed = takeover(lab, keys, tmp_path / "a", key_file=keys["sip_ed_file"])   # ed25519 from 17.8.1
    assert flushed["ok"], flushed
    assert ("", VIP) not in lab.device.arp


# --- junos ----------------------------------------------------------------------------------------------------
def test_junos_role_by_sftp_then_module_and_takeover(front_lab, keys, tmp_path):
    lab = front_lab("junos")
    rc, out = lab.playbook(role_vars(lab, keys))
    assert rc == 0, out
    assert "sftp-server" not in out and "Accepted password for admin" in lab.listener.sshd_log()
    result = lab.flush()
    assert result["ok"] and result["verified"], result
    lab.device.arp[("", VIP)] = "02:00:00:00:00:01"
    config, flushed = takeover(lab, keys, tmp_path / "a")
    assert flushed["ok"] and "SIPHA-ARP-FLUSH-OK 198.51.100.10" in flushed["output"], flushed
    assert config.routers[0].warm


def test_junos_without_sftp_is_refused_with_the_statement_to_add(front_lab, keys):
    lab = front_lab("junos", sftp=False)
    rc, out = lab.playbook(role_vars(lab, keys))
    assert rc != 0 and "set system services ssh sftp-server" in out and "Nothing was changed" in out, out
    assert "configure" not in [line for _user, line in lab.device.log]


# --- revocation, every vendor behind sshd ---------------------------------------------------------------------
@pytest.mark.parametrize("profile", ["ios-classic", "ios-xe", "junos"])
def test_a_host_taken_out_of_the_pair_no_longer_logs_in(front_lab, keys, profile):
    lab = front_lab(profile)
    connection = LIBSSH if profile == "ios-classic" else None
    options = sorted(platforms.PLATFORMS[profile].openssh.items())
    both = [keys["sip_pub"], keys["stranger_pub"]]
    assert lab.playbook(role_vars(lab, keys, router_arp_flush_keys=both), connection=connection)[0] == 0
    assert logs_in(lab, keys["stranger_file"], options)[0]
    rc, out = lab.playbook(role_vars(lab, keys), connection=connection)        # the stranger's host decommissioned
    assert rc == 0 and "changed=1" in out, out
    allowed, proc = logs_in(lab, keys["stranger_file"], options)
    assert not allowed and "Permission denied" in proc.stderr, proc
    assert logs_in(lab, keys["sip_file"], options)[0]
    rc, out = lab.playbook(role_vars(lab, keys), connection=connection)
    assert rc == 0 and "changed=0" in out, out


# --- sipha-vip probe: can this host flush every router now (validate.yml runs it on both hosts) -----------------
@pytest.mark.parametrize("profile", ["ios-classic", "ios-xe", "junos"])
def test_probe_reads_the_entry_and_names_a_host_the_router_refuses(front_lab, keys, tmp_path, profile):
    lab = front_lab(profile)
    assert lab.playbook(role_vars(lab, keys), connection=LIBSSH if profile == "ios-classic" else None)[0] == 0
    config = program_config(lab, keys, tmp_path / "a", platform=profile if profile != "junos" else None)
    before = dict(lab.device.arp)
    good = vf.probe_all(config)[0]
    assert good["ok"] and good["entry_mac"] == "02:00:00:00:00:01", good
    assert lab.device.arp == before                                  # harmless: nothing cleared
    locked_out = program_config(lab, keys, tmp_path / "b", platform=profile if profile != "junos" else None,
                                key_file=keys["stranger_file"])
    refused = vf.probe_all(locked_out)[0]
    assert not refused["ok"] and refused["error"].startswith("authentication failed"), refused


# --- vty lines: what the cold IOS path costs, and a router whose lines are all busy ----------------------------
def _hold_vty(lab):
    """One TCP connection that has sshd's banner, so the device has given it a line."""
    held = socket.create_connection(("127.0.0.1", lab.port), timeout=10)
    assert held.recv(64).startswith(b"SSH-2.0-"), "the gate gave no line"
    return held


def _until(check, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within %ss" % seconds
        time.sleep(0.02)


def test_ios_flushes_hold_no_vty_and_a_router_with_every_line_busy_is_named(front_lab, keys, tmp_path):
    lab = front_lab("ios-classic")
    gate = lab.listener
    assert lab.playbook(role_vars(lab, keys), connection=LIBSSH)[0] == 0
    _until(lambda: gate.vty_in_use == 0)                    # the role's session ended with the play
    config = program_config(lab, keys, tmp_path / "a", platform="ios-classic")
    assert vf.ensure_masters(config)[0]["cold"]
    assert gate.vty_in_use == 0                              # the refresh timer holds no line on IOS
    held = [_hold_vty(lab) for _line in range(gate.profile.vty_lines)]
    try:
        refused_before = gate.vty_refused
        _config, full = takeover(lab, keys, tmp_path / "b", platform="ios-classic")
        assert not full["ok"] and "every vty line busy" in full["error"], full
        assert gate.vty_refused > refused_before and ("", VIP) in lab.device.arp
        held.pop().close()
        _until(lambda: gate.vty_in_use < gate.profile.vty_lines)
        _config, freed = takeover(lab, keys, tmp_path / "c", platform="ios-classic")
        assert freed["ok"], freed
        assert ("", VIP) not in lab.device.arp
        _until(lambda: gate.vty_in_use == len(held))         # the flush's line is given back when IOS closes TCP
    finally:
        for sock in held:
            sock.close()
