"""sipha.network.host_check run in-process: the parts only ever read, and their plans become drift."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._host import check_module
from ansible_collections.sipha.network.plugins.module_utils._host.check_module import run_host_check

DESIGN = {"sip_nic": {"name": "eth0", "address": "198.51.100.11/25"},
          "data_nic": {"name": "eth1", "address": "192.0.2.21/24"},
          "sip_gateway": "198.51.100.1", "data_gateway": "192.0.2.1", "vip": "198.51.100.10",
          "sip_device_networks": ["203.0.113.0/24"]}


@pytest.fixture
def parts(monkeypatch):
    """The three parts replaced by fakes that record the mode they ran in and return a given plan."""
    seen = {}
    plans = {"dual_nic": [], "sip_routes": [], "arp_sysctl": []}

    def fake(part):
        class Part:
            extra_spec = dict(getattr(check_module, {"dual_nic": "DualNic", "sip_routes": "SipRoutes"}[part]).extra_spec)

            def __init__(self, module, params):
                seen[part] = (module.check_mode, params)

            def evaluate(self):
                return {"changed": bool(plans[part]), "changes": plans[part], "sip_nic": "eth0", "data_nic": "eth1",
                        "backend": "none", "diff": [{"prepared": part}]}
        return Part

    def arp(module, params):
        seen["arp_sysctl"] = (module.check_mode, params)
        return {"changed": bool(plans["arp_sysctl"]), "changes": plans["arp_sysctl"], "diff": [{"prepared": "arp"}]}

    monkeypatch.setattr(check_module, "DualNic", fake("dual_nic"))
    monkeypatch.setattr(check_module, "SipRoutes", fake("sip_routes"))
    monkeypatch.setattr(check_module, "arp_sysctl_result", arp)
    return seen, plans


def test_nothing_differs(run_module, parts):
    seen, _plans = parts
    result = run_module(run_host_check, {"design": DESIGN})
    assert not result["changed"] and not result["differs"] and result["drift"] == []
    # every part ran in check mode although the play did not
    assert {part: mode for part, (mode, _params) in seen.items()} == {"dual_nic": True, "sip_routes": True,
                                                                      "arp_sysctl": True}
    assert seen["arp_sysctl"][1]["interfaces"] == ["eth0", "eth1"]
    assert seen["dual_nic"][1]["promote_secondaries"] is True and seen["dual_nic"][1]["controller"] is None


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_difference_is_drift_and_changed_only_in_a_dry_run(run_module, parts, check_mode):
    _seen, plans = parts
    plans["sip_routes"] = ["+ route 203.0.113.0/24 via 198.51.100.1 dev eth0 src 198.51.100.11"]
    plans["arp_sysctl"] = ["~ sysctl net.ipv4.conf.eth0.arp_ignore = 1 (was 0)"]
    result = run_module(run_host_check, {"design": DESIGN}, check_mode=check_mode, diff=True)
    assert result["differs"] and result["changed"] is check_mode
    assert result["drift"] == ["route 203.0.113.0/24 via 198.51.100.1 dev eth0 src 198.51.100.11: missing",
                               "sysctl net.ipv4.conf.eth0.arp_ignore = 1: differs (is 0)"]
    assert result["changes"]["dual_nic"] == [] and len(result["changes"]["sip_routes"]) == 1
    assert [d["prepared"] for d in result["diff"]] == ["dual_nic", "sip_routes", "arp"]


def test_options_reach_their_part(run_module, parts):
    seen, _plans = parts
    run_module(run_host_check, {"design": DESIGN, "dual_nic": {"keep_addresses": ["198.51.100.99/25"]},
                                "sip_routes": {"rt_tables_file": "/tmp/rt"}, "arp_sysctl": {"rp_filter": 1}})
    assert seen["dual_nic"][1]["keep_addresses"] == ["198.51.100.99/25"]
    assert seen["sip_routes"][1]["rt_tables_file"] == "/tmp/rt"
    assert seen["arp_sysctl"][1]["rp_filter"] == 1 and seen["arp_sysctl"][1]["arp_ignore"] == 1


@pytest.mark.parametrize("params,message", [
    ({"dual_nic": {"force": True}}, "dual_nic: unsupported option(s) force; supported: promote_secondaries"),
    ({"arp_sysctl": {"interfaces": ["eth9"]}}, "arp_sysctl: unsupported option(s) interfaces"),
    ({"arp_sysctl": {"rp_filter": "loose"}}, "arp_sysctl: "),
])
def test_an_option_a_part_does_not_read_is_refused(run_module, parts, params, message):
    seen, _plans = parts
    result = run_module(run_host_check, dict(params, design=DESIGN))
    assert result.failed and message in result["msg"]


def test_a_design_error_names_the_field_and_reads_nothing(run_module):
    bad = dict(DESIGN, sip_gateway="192.0.2.1")
    result = run_module(run_host_check, {"design": bad})
    assert result.failed and result.get("field", "").startswith("sip_gateway")


def test_expected_is_what_the_modules_build_with_this_hosts_nic_names(run_module, parts):
    """What the role leaves for the monitoring check: the design's objects on eth0/eth1, loadable by the check."""
    from ansible_collections.sipha.network.plugins.module_utils._model import expect

    result = run_module(run_host_check, {"design": DESIGN, "arp_sysctl": {"rp_filter": 1}})
    expected = result["expected"]
    assert expected["addresses"] == [{"dev": "eth0", "address": "198.51.100.11/25"},
                                     {"dev": "eth1", "address": "192.0.2.21/24"}]
    assert [(r["table"], r["dst"], r["dev"], r["gateway"]) for r in expected["routes"]] == [
        (254, "0.0.0.0/0", "eth1", "192.0.2.1"), (254, "203.0.113.0/24", "eth0", "198.51.100.1"),
        (100, "198.51.100.0/25", "eth0", None), (100, "0.0.0.0/0", "eth0", "198.51.100.1")]
    assert [(r["priority"], r["src"]) for r in expected["rules"]] == [
        (1000, "198.51.100.11/32"), (1001, "198.51.100.10/32")]
    assert expected["sysctls"] == {"eth0/arp_announce": 2, "eth0/arp_ignore": 1, "eth0/promote_secondaries": 1,
                                   "eth0/rp_filter": 1, "eth1/arp_announce": 2, "eth1/arp_ignore": 1,
                                   "eth1/rp_filter": 1}
    assert len(expect.load_network(expected).routes) == 4
    without = run_module(run_host_check, {"design": DESIGN, "dual_nic": {"promote_secondaries": False}})
    assert "eth0/promote_secondaries" not in without["expected"]["sysctls"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_expectation_file_is_kept_only_when_it_differs(run_module, parts, tmp_path, monkeypatch, check_mode):
    """The one file host_check may write: made with its directory, 0640, changed only when its content differs, and
    never in check mode (a dry run shows it in the diff)."""
    from ansible_collections.sipha.network.plugins.module_utils._common import textfile

    monkeypatch.setattr(textfile, "guarded", lambda module, path: None)
    path = tmp_path / "monitor.d" / "network.json"
    params = {"design": DESIGN, "expectation_file": str(path)}
    first = run_module(run_host_check, params, check_mode=check_mode, diff=True)
    assert first["changed"] and first["diff"][-1]["after_header"] == str(path)
    if check_mode:
        assert not path.exists()
        return
    assert oct(path.stat().st_mode & 0o777) in ("0o640", "0o600") and oct(path.parent.stat().st_mode & 0o777) == "0o750"
    import json
    assert json.loads(path.read_text()) == first["expected"]
    again = run_module(run_host_check, params)
    assert not again["changed"] and not again["differs"]
