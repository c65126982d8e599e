"""The takeover program's router flush (OpenSSH's own ssh, an exec request) against the simulated IOS and Junos."""

from __future__ import annotations

import time

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._vip import flush as vf
from ansible_collections.sipha.network.tests.contract.conftest import OTHER, VIP

REQUEST = {"ios": "event manager run SIPHA-ARP-FLUSH-198-51-100-10",
           "junos": "op sipha-arp-flush vip 198.51.100.10"}


def program_config(lab, keys, tmp_path, vip=VIP, known_hosts=None):
    return vc.load({"vip": vip, "interface": "eth1", "run_dir": str(tmp_path),
                    "flush": {"key_file": keys["sip_file"], "known_hosts": known_hosts or lab.known_hosts,
                              "timeout_ms": 5000},
                    "routers": [{"name": "rtr", "address": "127.0.0.1", "port": lab.port,
                                 "vendor": lab.device.vendor}]})


@pytest.fixture(params=["ios", "junos"])
def lab(request, keys):
    chosen = request.getfixturevalue(request.param + "_lab")     # one device per test (they share tmp_path)
    role_vars = {"router_arp_flush_vips": [VIP], "router_arp_flush_keys": [keys["sip_pub"]]}
    if request.param == "ios":
        role_vars["router_arp_flush_password"] = "flush-secret"
    rc, out = chosen.playbook(role_vars)
    assert rc == 0, out
    return chosen


def test_flush_over_an_exec_request_clears_only_the_vip(lab, keys, tmp_path):
    result = vf.flush_all(program_config(lab, keys, tmp_path), warm=True, t0=time.monotonic())[0]
    assert result["ok"] and result["via"] == "fresh", result
    assert lab.lines("sipha-flush") == [REQUEST[lab.device.vendor]]
    assert ("", VIP) not in lab.device.arp and lab.device.arp[("", OTHER)]


def test_an_error_printed_with_exit_status_0_is_a_failure(lab, keys, tmp_path):
    # no applet / op-script branch for this VIP on the router: it says so, and the program must not call it flushed
    result = vf.flush_all(program_config(lab, keys, tmp_path, vip="198.51.100.77"), warm=False, t0=time.monotonic())[0]
    assert not result["ok"] and result["error"].startswith("the router refused: "), result
    assert lab.device.arp[("", VIP)]


def test_a_router_key_that_is_not_pinned_gets_nothing(lab, keys, tmp_path):
    other = tmp_path / "known_hosts"
    other.write_text("[127.0.0.1]:%d %s\n" % (lab.port, keys["stranger_pub"].rsplit(" ", 1)[0]))
    result = vf.flush_all(program_config(lab, keys, tmp_path, known_hosts=str(other)), warm=False,
                          t0=time.monotonic())[0]
    assert not result["ok"] and "host key verification failed" in result["error"], result
    assert lab.lines("sipha-flush") == [] and lab.device.arp[("", VIP)]
