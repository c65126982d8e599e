"""Both drills refuse a pair the inventory does not mark as a lab or test pair, before anything is touched, unless
the run names the pair in sipha_drill_confirm. The real playbooks run; the hosts and routers cannot be reached
(test_site_stops_at_design's inventory), so a drill that went on could touch nothing."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.sipha.network.tests.unit.playbooks.test_site_stops_at_design import DATA, inventory, run_site

DRILLS = ["failover_drill", "failure_drill"]


def _run(tmp_path, playbook, lab, extra=()):
    hosts = copy.deepcopy(DATA["base"]["hosts"])
    for name, value in lab.items():
        hosts[name]["sipha_lab"] = value
    result = run_site(inventory(tmp_path, hosts, copy.deepcopy(DATA["base"]["routers"])), tmp_path, playbook, extra)
    return result, result.stdout + result.stderr


@pytest.mark.parametrize("playbook", DRILLS)
@pytest.mark.parametrize("lab, named", [({}, "sip-a and sip-b are"), ({"sip-a": True}, "sip-b is"),
                                        ({"sip-a": True, "sip-b": "false"}, "sip-b is")])
def test_a_pair_not_marked_as_a_lab_is_refused_before_anything_is_touched(tmp_path, playbook, lab, named):
    result, out = _run(tmp_path, playbook, lab)
    assert result.returncode != 0, out
    assert "pair pair-1: the drill is refused - %s not marked as a lab or test pair" % named in out, out
    assert "-e sipha_drill_confirm=pair-1" in out, out
    assert "UNREACHABLE" not in out and "Drill directory" not in out, out


@pytest.mark.parametrize("playbook", DRILLS)
def test_naming_the_pair_lets_the_drill_past_the_guard(tmp_path, playbook):
    # past the guard, each drill stops at its own inputs (no SIP clients in this inventory), still before any host
    result, out = _run(tmp_path, playbook, {}, ("-e", "sipha_drill_confirm=pair-1"))
    assert "the drill is refused" not in out, out
    assert result.returncode != 0 and "UNREACHABLE" not in out, out
    assert "SIP client" in out or "gateway_routers" in out, out


@pytest.mark.parametrize("playbook", DRILLS)
def test_naming_another_pair_does_not(tmp_path, playbook):
    result, out = _run(tmp_path, playbook, {}, ("-e", "sipha_drill_confirm=pair-2"))
    assert result.returncode != 0 and "the drill is refused" in out, out


def test_a_lab_pair_needs_no_confirmation(tmp_path):
    result, out = _run(tmp_path, "failover_drill", {"sip-a": True, "sip-b": True})
    assert "the drill is refused" not in out and "SIP client" in out, out


@pytest.mark.parametrize("playbook", DRILLS)
@pytest.mark.parametrize("extra, refused", [
    (("-e", "sipha_drill_report_file=/tmp/x/drill.html", "-e", "sipha_drill_summary_file=/tmp/x/drill.md"), True),
    (("-e", "sipha_drill_report_file=/tmp/x/drill.json"), True),
    (("-e", "sipha_drill_report_file=/tmp/x/drill-report.html", "-e", "sipha_drill_summary_file=/tmp/x/drill.md"),
     False),
])
def test_a_report_that_would_overwrite_a_file_of_the_drill_is_refused(tmp_path, playbook, extra, refused):
    result, out = _run(tmp_path, playbook, {"sip-a": True, "sip-b": True}, extra)
    assert result.returncode != 0 and "UNREACHABLE" not in out, out
    assert ("sipha_drill_report_file /tmp/x/drill" in out and "Nothing was touched" in out) is refused, out
