"""Rendering of the router flush procedure, and rejection of unsafe input."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import linux

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx9dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdGtleQ sip-a"
TARGETS = [rf.FlushTarget.build("linux", "198.51.100.10"), rf.FlushTarget.build("linux", "198.51.100.20", "eth1")]


def test_router_commands():
    assert linux.flush_argv(TARGETS[0]) == ["ip", "-4", "neigh", "flush", "to", "198.51.100.10"]
    assert linux.flush_argv(TARGETS[1])[-2:] == ["dev", "eth1"]
    assert TARGETS[0].flush_request() == "flush 198.51.100.10"


def test_flush_script_accepts_only_configured_vips():
    script = linux.flush_script(TARGETS)
    assert "  198.51.100.10) exec ip -4 neigh flush to 198.51.100.10 ;;" in script
    assert "  198.51.100.20) exec ip -4 neigh flush to 198.51.100.20 dev eth1 ;;" in script
    assert '  *) echo "sipha-arp-flush: refused: not a configured VIP" >&2; exit 2 ;;' in script
    assert "flush all" not in script and "neigh flush dev" not in script


def test_forced_command_and_sudoers():
    forced = linux.forced_command(TARGETS)
    assert '  "flush 198.51.100.10") exec sudo -n /usr/local/sbin/sipha-arp-flush 198.51.100.10 ;;' in forced
    assert '  "show 198.51.100.10") exec ip -4 neigh show to 198.51.100.10 ;;' in forced
    sudoers = linux.sudoers("sipha-flush", TARGETS)
    assert ("sipha-flush ALL=(root) NOPASSWD: /usr/local/sbin/sipha-arp-flush 198.51.100.10, "
            "/usr/local/sbin/sipha-arp-flush 198.51.100.20") in sudoers


def test_authorized_keys_are_restricted():
    text = linux.authorized_keys([KEY], ["198.51.100.11", "198.51.100.12"])
    assert ('restrict,from="198.51.100.11,198.51.100.12",command="/usr/local/sbin/sipha-arp-flush-ssh" '
            + KEY) in text


@pytest.mark.parametrize("call,field", [
    (lambda: rf.FlushTarget.build("linux", "198.51.100.10; reboot"), "vip"),
    (lambda: rf.FlushTarget.build("linux", "198.51.100.10 198.51.100.11"), "vip"),
    (lambda: rf.FlushTarget.build("linux", "router1.example.com"), "vip"),
    (lambda: rf.FlushTarget.build("linux", "198.51.100.0/24"), "vip"),
    (lambda: rf.FlushTarget.build("linux", "2001:db8::10"), "vip"),
    (lambda: rf.FlushTarget.build("linux", "198.51.100.10", "eth1 up"), "interface"),
    (lambda: rf.FlushTarget.build("cisco", "198.51.100.10"), "vendor"),
    (lambda: linux.authorized_keys(['command="/bin/sh" ' + KEY], ["198.51.100.11"]), "keys[0]"),
    (lambda: linux.authorized_keys([KEY + "\nssh-ed25519 AAAA x"], ["198.51.100.11"]), "keys[0]"),
    (lambda: linux.authorized_keys([KEY], ["sip-a.example.com"]), "sources[0]"),
    (lambda: linux.authorized_keys([KEY], []), "sources"),
    (lambda: linux.sudoers("root ALL", TARGETS), "account"),
])
def test_unsafe_input_is_rejected(call, field):
    with pytest.raises(DesignError) as err:
        call()
    assert err.value.field == field


@pytest.mark.parametrize("vip", ["198.51.100.10; reboot", "198.51.100.10 198.51.100.11", "rtr.example.com"])
def test_arp_flush_module_rejects_unsafe_vip_before_connecting(run_module, tmp_path, vip):
    from ansible_collections.sipha.network.plugins.module_utils._router.flush_module import run_module as arp_flush
    result = run_module(arp_flush, {"vip": vip, "routers": [{"host": "198.51.100.2"}], "key_file": "/nonexistent",
                                    "known_hosts": str(tmp_path / "known_hosts")})
    assert result.failed and result["msg"].startswith("vip: ")
    assert "routers" not in result


@pytest.mark.parametrize("render", [linux.flush_script, linux.forced_command])
def test_rendered_scripts_pass_shellcheck(render, tmp_path):
    import shutil
    import subprocess
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed")
    path = tmp_path / "script.sh"
    path.write_text(render(TARGETS))
    proc = subprocess.run(["shellcheck", "-s", "sh", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout


RSA = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDXg2Bq2QqE3Tb3e8d4y5fD9Y2mB7Vx0rj1v3vKk5mZkq0w7m1Z5n3c2Q2o4h2k0ZVh"
       "kYbq1kA9m4fQx2rQm9x1b3k2j5Zq2Y0x7w6r8a4Q1s2d3f4g5h6j7k8l9z0x1c2v3b4n5m6Q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2j3k4l5z6"
       "x7c8v9b0n1m2Q== sip-a")
IOS = [rf.FlushTarget.build("ios", "198.51.100.10"), rf.FlushTarget.build("ios", "198.51.100.20", vrf="VOICE")]
JUNOS = [rf.FlushTarget.build("junos", "198.51.100.10"), rf.FlushTarget.build("junos", "198.51.100.20", vrf="VOICE")]


def test_requests_per_vendor_in_one_place():
    assert IOS[0].flush_request() == "event manager run SIPHA-ARP-FLUSH-198-51-100-10"
    assert IOS[1].flush_request() == "event manager run SIPHA-ARP-FLUSH-198-51-100-20-VOICE"
    assert IOS[1].show_request() == "show ip arp vrf VOICE 198.51.100.20"
    assert IOS[1].router_clear_command() == "clear ip arp vrf VOICE 198.51.100.20"
    assert JUNOS[1].flush_request() == "op sipha-arp-flush vip 198.51.100.20"
    assert JUNOS[1].show_request() == "show arp no-resolve vpn VOICE hostname 198.51.100.20"
    assert JUNOS[1].router_clear_command() == "clear arp hostname 198.51.100.20 vpn VOICE"
    linux_vrf = rf.FlushTarget.build("linux", "198.51.100.10", vrf="blue")
    assert linux.flush_argv(linux_vrf) == ["ip", "-4", "neigh", "flush", "to", "198.51.100.10", "vrf", "blue"]


def test_ios_rendering():
    from ansible_collections.sipha.network.plugins.module_utils._router.vendors import ios
    lines = ios.config("sipha-flush", 2, IOS, [RSA])
    assert lines[0] == "privilege exec level 2 event manager run"
    applet = ios.applet(IOS[0])
    assert lines[1:1 + len(applet)] == applet
    assert applet[0].endswith(" authorization bypass") and " event none sync yes" in applet   # AAA; proof
    assert applet[-1] == ' action 4.0 puts "SIPHA-ARP-FLUSH-OK 198.51.100.10"'
    assert ' action 2.0 cli command "clear ip arp vrf VOICE 198.51.100.20"' in lines
    assert ' action 4.0 puts "SIPHA-ARP-FLUSH-OK 198.51.100.20 vrf VOICE"' in lines
    assert lines[-3:-1] == ["ip ssh pubkey-chain", " username sipha-flush"]
    assert lines[-1].startswith("  key-hash ssh-rsa ") and len(lines[-1].split()[-1]) == 32
    assert ios.user_line("sipha-flush", 2) == "username sipha-flush privilege 2"
    section = ("event manager applet SIPHA-ARP-FLUSH-198-51-100-10\n event none\n"
               "event manager applet SIPHA-ARP-FLUSH-198-51-100-99\n event none\n"
               "event manager applet RELOAD\n event none\n action 1 cli command \"reload\"\n"
               "event manager applet ON-SYSLOG\n event syslog pattern \"LINK\"\n")
    assert ios.audit_applets(section, IOS) == {"stale": ["SIPHA-ARP-FLUSH-198-51-100-99"], "foreign": ["RELOAD"]}


def test_junos_rendering():
    from ansible_collections.sipha.network.plugins.module_utils._router.vendors import junos
    script = junos.op_script(JUNOS)
    assert 'if ($vip == "198.51.100.10") {\n            var $rpc = <command> "clear arp hostname 198.51.100.10";' in script
    assert 'else if ($vip == "198.51.100.20") {\n            var $rpc = <command> "clear arp hostname 198.51.100.20 vpn VOICE";' in script
    assert "refused: not a configured VIP" in script
    assert '<output> "SIPHA-ARP-FLUSH-OK 198.51.100.20 vrf VOICE";' in script
    lines = junos.set_commands("sipha-flush", JUNOS, [KEY, RSA])
    assert lines[0].endswith("checksum sha-256 " + junos.script_sha256(JUNOS))
    assert lines[1] == ('set system scripts op file sipha-arp-flush.slax allow-commands '
                        '"(^clear arp hostname 198\\.51\\.100\\.10$)|(^clear arp hostname 198\\.51\\.100\\.20 vpn VOICE$)"')
    assert "show arp no-resolve vpn VOICE hostname 198\\.51\\.100\\.20" in lines[3]
    assert lines[-2] == 'set system login user sipha-flush authentication ssh-ed25519 "%s"' % KEY
    assert lines[-1].startswith('set system login user sipha-flush authentication ssh-rsa "ssh-rsa ')


@pytest.mark.parametrize("output,mac", [
    ("198.51.100.10 dev eth1 lladdr 02:00:00:00:00:01 STALE", "02:00:00:00:00:01"),
    ("198.51.100.10 dev eth1 FAILED", None),
    ("", None),
    ("Internet  198.51.100.10   0   0200.0000.00ab  ARPA   Gi0/1", "02:00:00:00:00:ab"),
    ("Internet  198.51.100.10   0   Incomplete      ARPA", None),
    ("MAC Address       Address         Interface\n02:00:00:00:00:0c 198.51.100.10   ge-0/0/1.0  none", "02:00:00:00:00:0c"),
    ("Internet  198.51.100.100  0   0200.0000.00ab  ARPA   Gi0/1", None),
])
def test_entry_mac_reads_every_vendor_listing(output, mac):
    assert rf.entry_mac(output, "198.51.100.10") == mac


@pytest.mark.parametrize("call,field", [
    (lambda: rf.FlushTarget.build("ios", "198.51.100.10", vrf="VOICE; reload"), "vrf"),
    (lambda: rf.FlushTarget.build("junos", "198.51.100.10", vrf="a b"), "vrf"),
    (lambda: rf.FlushTarget.build("ios", "198.51.100.10", interface="Gi0/1"), "interface"),
    (lambda: rf.FlushTarget.build("junos", "198.51.100.10\nclear arp"), "vip"),
    (lambda: rf.FlushTarget.build("ios", "rtr.example.com"), "vip"),
    (lambda: v.mac_address("02:00:00:00:00", "expect_mac"), "expect_mac"),
])
def test_unsafe_vendor_input_is_rejected(call, field):
    with pytest.raises(DesignError) as err:
        call()
    assert err.value.field == field


def test_ios_privilege_and_key_checks():
    from ansible_collections.sipha.network.plugins.module_utils._router.vendors import ios
    for bad in (1, 15, "2 x", True):
        with pytest.raises(DesignError):
            ios.privilege(bad)
    with pytest.raises(DesignError) as err:
        ios.config("sipha-flush", 2, IOS, ["ssh-rsa AAAA*notbase64 x"])
    assert err.value.field == "keys[0]"


class FakeChannel:
    """Replays a device: each line sent gets the scripted reply and the prompt."""

    def __init__(self, replies, prompt="R1#", greeting=None):
        self.replies, self.prompt, self.closed = replies, prompt, False
        self.pending = (greeting if greeting is not None else prompt).encode()
        self.sent = []

    def send(self, data):
        line = data.decode().strip()
        self.sent.append(line)
        reply = self.replies.get(line)
        if reply is None:
            return len(data)                                   # no answer at all: the caller must time out
        if isinstance(reply, tuple):
            reply, self.prompt = reply
        self.pending += (line + "\r\n" + reply + ("\r\n" if reply else "") + self.prompt).encode()
        return len(data)

    def recv_ready(self):
        return bool(self.pending)

    def recv(self, size):
        data, self.pending = self.pending[:size], self.pending[size:]
        return data


def test_cli_session_prompts_enable_errors_and_timeout():
    from ansible_collections.sipha.network.plugins.module_utils._router.cli import CliError, CliSession
    channel = FakeChannel({"enable": ("", "Password: "), "secret": ("", "R1#"),
                           "show ip arp 198.51.100.10": "Internet  198.51.100.10  0  0200.0000.0001  ARPA  Gi0/1",
                           "bogus": "          ^\n% Invalid input detected at '^' marker."}, prompt="R1>")
    cli = CliSession(channel, "ios", 0.5)
    cli.open("secret")
    assert cli.prompt == "R1#" and channel.sent == ["enable", "secret"]
    assert cli.run("show ip arp 198.51.100.10").startswith("Internet  198.51.100.10")
    with pytest.raises(CliError, match="Invalid input"):
        cli.run("bogus")
    with pytest.raises(CliError, match="no prompt after 'silent' within 0.5s"):
        cli.run("silent")
    junos = CliSession(FakeChannel({"op x": "error: refused"}, prompt="u@r> "), "junos", 0.5)
    junos.open()
    with pytest.raises(CliError, match="error: refused"):
        junos.run("op x")
