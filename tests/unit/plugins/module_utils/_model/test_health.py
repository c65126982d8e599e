"""sipha-vip check's judgment (pure): table-driven from tests/unit/data/health.yml, and its plugin output."""

from __future__ import annotations

import pathlib
import re

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._model import health

CASES = yaml.safe_load((pathlib.Path(__file__).parents[3] / "data" / "health.yml").read_text())
LIMITS = {"timeout_ms": 10000, "takeover_warn_ms": 2000, "takeover_recent_s": 86400, "marking_idle_s": 900}
BASE = {
    "pair": "p1", "host": "sip-a", "vip": "198.51.100.10", "interface": "eth0", "now": 1700000000.0, "nic": "up",
    "held": True, "mac": "02:00:00:00:00:0a", "others": [],
    "routers": [{"name": "r1", "ok": True, "via": "warm", "took_ms": 14.2, "entry_mac": "02:00:00:00:00:0a"}],
    "network": {"drift": [], "checked": 11},
    "marking": {"table": "inet sipha_qos", "present": True, "packets": 5000, "idle_s": 2.0},
    "takeover": {"epoch": 1699990000.0, "age_s": 10000.0, "exit": 0, "announced_ms": 2.3, "flushed_ms": 15.9,
                 "duration_ms": 15.9, "routers_failed": []},
    "unfinished": [], "duration_s": 0.41,
}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_judgment(case):
    facts = dict(BASE, **case["facts"])
    findings = health.judge(facts, LIMITS)
    state = health.overall(findings)
    assert health.NAMES[state] == case["state"], [f.as_dict() for f in findings]
    deciding = [f for f in findings if f.state == state]
    assert deciding[0].area == case["area"], [f.as_dict() for f in findings]
    for text in case["says"]:
        assert text in deciding[0].text, deciding[0].text
    output = health.plugin_output(facts, findings, LIMITS)
    first = output.splitlines()[0]
    assert first.startswith("SIPHA-VIP %s - p1 on sip-a: " % case["state"]), first
    assert case["says"][0] in first


def test_output_follows_the_monitoring_plugins_format():
    facts = dict(BASE, routers=BASE["routers"] + [{"name": "r2", "ok": False, "error": "no | answer"}])
    findings = health.judge(facts, LIMITS)
    lines = health.plugin_output(facts, findings, LIMITS).splitlines()
    status, _bar, perf = lines[0].partition(" | ")
    assert "|" not in status and status.startswith("SIPHA-VIP WARNING - ")       # only the perfdata follows a '|'
    labels = re.findall(r"'([a-z0-9_]+)'=([0-9.]+)(ms|s|c)?;", perf)
    assert [label for label, _value, _unit in labels] == [
        "vip_held", "other_holders", "routers_flushable", "router_r1", "drift", "marking_packets", "takeover",
        "check_time"], perf
    assert ("routers_flushable", "1", "") in labels and ("router_r1", "14.2", "ms") in labels
    assert ("marking_packets", "5000", "c") in labels and ("check_time", "0.41", "s") in labels
    # then one line per finding, worst first or not, each with its state
    assert lines[1:] == ["[%s] %s: %s" % (health.NAMES[f.state], f.area, f.text.replace("|", "/")) for f in findings]
    assert "[WARNING] router r2: cannot be flushed from this host: no / answer" in lines


def test_overall_order():
    finding = health.Finding
    assert health.overall([finding("a", health.WARNING, ""), finding("b", health.UNKNOWN, "")]) == health.UNKNOWN
    assert health.overall([finding("a", health.CRITICAL, ""), finding("b", health.UNKNOWN, "")]) == health.CRITICAL
    assert health.overall([finding("a", health.OK, "")]) == health.OK
    assert health.overall([]) == health.UNKNOWN
