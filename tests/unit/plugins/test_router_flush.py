"""Rendering of the router flush procedure, and rejection of unsafe input."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils import _router_flush as rf
from ansible_collections.sipha.network.plugins.module_utils._errors import DesignError

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx9dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdGtleQ sip-a"
TARGETS = [rf.FlushTarget.build("linux", "198.51.100.10"), rf.FlushTarget.build("linux", "198.51.100.20", "eth1")]


def test_router_commands():
    assert TARGETS[0].router_flush_argv() == ["ip", "-4", "neigh", "flush", "to", "198.51.100.10"]
    assert TARGETS[1].router_flush_argv()[-2:] == ["dev", "eth1"]
    assert TARGETS[0].flush_request() == "flush 198.51.100.10"


def test_flush_script_accepts_only_configured_vips():
    script = rf.linux_flush_script(TARGETS)
    assert "  198.51.100.10) exec ip -4 neigh flush to 198.51.100.10 ;;" in script
    assert "  198.51.100.20) exec ip -4 neigh flush to 198.51.100.20 dev eth1 ;;" in script
    assert '  *) echo "sipha-arp-flush: refused: not a configured VIP" >&2; exit 2 ;;' in script
    assert "flush all" not in script and "neigh flush dev" not in script


def test_forced_command_and_sudoers():
    forced = rf.linux_forced_command(TARGETS)
    assert '  "flush 198.51.100.10") exec sudo -n /usr/local/sbin/sipha-arp-flush 198.51.100.10 ;;' in forced
    assert '  "show 198.51.100.10") exec ip -4 neigh show to 198.51.100.10 ;;' in forced
    sudoers = rf.linux_sudoers("sipha-flush", TARGETS)
    assert ("sipha-flush ALL=(root) NOPASSWD: /usr/local/sbin/sipha-arp-flush 198.51.100.10, "
            "/usr/local/sbin/sipha-arp-flush 198.51.100.20") in sudoers


def test_authorized_keys_are_restricted():
    text = rf.authorized_keys([KEY], ["198.51.100.11", "198.51.100.12"])
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
    (lambda: rf.authorized_keys(['command="/bin/sh" ' + KEY], ["198.51.100.11"]), "keys[0]"),
    (lambda: rf.authorized_keys([KEY + "\nssh-ed25519 AAAA x"], ["198.51.100.11"]), "keys[0]"),
    (lambda: rf.authorized_keys([KEY], ["sip-a.example.com"]), "sources[0]"),
    (lambda: rf.authorized_keys([KEY], []), "sources"),
    (lambda: rf.linux_sudoers("root ALL", TARGETS), "account"),
])
def test_unsafe_input_is_rejected(call, field):
    with pytest.raises(DesignError) as err:
        call()
    assert err.value.field == field


@pytest.mark.parametrize("vip", ["198.51.100.10; reboot", "198.51.100.10 198.51.100.11", "rtr.example.com"])
def test_arp_flush_module_rejects_unsafe_vip_before_connecting(run_module, tmp_path, vip):
    from ansible_collections.sipha.network.plugins.module_utils._arp_flush_module import run_module as arp_flush
    result = run_module(arp_flush, {"vip": vip, "routers": [{"host": "198.51.100.2"}], "key_file": "/nonexistent",
                                    "known_hosts": str(tmp_path / "known_hosts")})
    assert result.failed and result["msg"].startswith("vip: ")
    assert "routers" not in result


@pytest.mark.parametrize("render", [rf.linux_flush_script, rf.linux_forced_command])
def test_rendered_scripts_pass_shellcheck(render, tmp_path):
    import shutil
    import subprocess
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed")
    path = tmp_path / "script.sh"
    path.write_text(render(TARGETS))
    proc = subprocess.run(["shellcheck", "-s", "sh", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout
