"""The alert rules shipped for the sipha_* metrics, held by Debian's own promtool: they load, their unit tests pass
(each alert fires where it must, only after its 'for', and stays silent on a healthy pair), they name only metrics
the program writes, and the tests catch a rule that is wrong."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess

import yaml

from ansible_collections.sipha.network.plugins.module_utils._model import health
from ansible_collections.sipha.network.plugins.module_utils._model import metrics

ROOT = pathlib.Path(__file__).parents[3]
RULES = ROOT / "prometheus" / "sipha_alerts.yml"
TESTS = ROOT / "tests" / "prometheus" / "sipha_alerts_test.yml"
PROMTOOL = pathlib.Path(os.environ.get("SIPHA_CACHE", ROOT / ".cache")) / "prometheus" / "usr" / "bin" / "promtool"


def promtool(*args, cwd=None):
    assert PROMTOOL.exists(), "promtool is missing: ci/bootstrap.sh python extracts Debian's prometheus package"
    return subprocess.run([str(PROMTOOL)] + list(args), capture_output=True, text=True, cwd=cwd, timeout=120,
                          check=False)


def rules():
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def test_rules_load():
    done = promtool("check", "rules", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: %d rules found" % len(rules()) in done.stdout


def test_rule_unit_tests_pass():
    done = promtool("test", "rules", TESTS.name, cwd=TESTS.parent)
    assert done.returncode == 0 and "SUCCESS" in done.stdout, done.stdout + done.stderr


def test_rules_name_only_metrics_the_program_writes():
    for rule in rules():
        used = set(re.findall(r"\bsipha_[a-z_]+\b", rule["expr"]))
        assert used and used <= set(metrics.METRICS), (rule["alert"], used - set(metrics.METRICS))


def test_every_alert_is_tested_firing():
    cases = yaml.safe_load(TESTS.read_text())["tests"]
    fired = {check["alertname"] for case in cases for check in case["alert_rule_test"] if check["exp_alerts"]}
    assert fired == {rule["alert"] for rule in rules()}


def test_the_tests_catch_a_wrong_rule(tmp_path):
    """The split-brain rule made to need three holders: promtool's tests fail, naming the alert."""
    mutant = RULES.read_text().replace("sum by (pair) (sipha_vip_held) > 1", "sum by (pair) (sipha_vip_held) > 2") \
        .replace("max by (pair) (sipha_vip_held + sipha_vip_other_holders) > 1",
                 "max by (pair) (sipha_vip_held + sipha_vip_other_holders) > 2")
    assert mutant != RULES.read_text()
    (tmp_path / "prometheus").mkdir()
    (tmp_path / "prometheus" / "sipha_alerts.yml").write_text(mutant)
    (tmp_path / "tests" / "prometheus").mkdir(parents=True)
    shutil.copy(TESTS, tmp_path / "tests" / "prometheus" / TESTS.name)
    done = promtool("test", "rules", TESTS.name, cwd=tmp_path / "tests" / "prometheus")
    assert done.returncode != 0 and "alertname: SiphaVipSplitBrain" in done.stdout + done.stderr, done.stdout


FACTS = {
    "pair": "p1", "host": 'odd"name\\x', "vip": "198.51.100.10", "interface": "eth0", "now": 1700000000.5,
    "nic": "up", "held": True, "mac": "02:00:00:00:00:0a", "others": [],
    "routers": [{"name": "r1", "ok": True, "via": "warm", "took_ms": 14.2, "entry_mac": "02:00:00:00:00:0a"},
                {"name": "r2", "ok": False, "via": "fresh", "error": "no answer within 2000 ms", "took_ms": 2000.4}],
    "network": {"drift": [["critical", "route 203.0.113.0/24 via 198.51.100.1 dev eth0: missing"]], "checked": 9},
    "marking": {"table": "inet sipha_qos", "present": True, "packets": 1234, "idle_s": 3.0},
    "takeover": {"epoch": 1699990000.25, "exit": 0, "duration_ms": 16.1, "routers_failed": []},
    "unfinished": [], "duration_s": 0.42,
}
LIMITS = {"timeout_ms": 10000, "takeover_warn_ms": 2000, "takeover_recent_s": 86400, "marking_idle_s": 900}


def test_the_metrics_file_is_valid_exposition():
    """What the refresh timer writes passes promtool's own linter, escapes label values, and holds the facts."""
    text = metrics.exposition(FACTS, health.judge(FACTS, LIMITS))
    done = subprocess.run([str(PROMTOOL), "check", "metrics"], input=text, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr + text
    labels = 'pair="p1",host="odd\\"name\\\\x"'
    assert 'sipha_check_status{%s} 2' % labels in text            # the missing route is critical
    assert 'sipha_router_flushable{%s,router="r1"} 1' % labels in text
    assert 'sipha_router_flushable{%s,router="r2"} 0' % labels in text
    assert 'sipha_router_stale_entry{%s,router="r1"} 0' % labels in text
    assert 'sipha_design_drift_items{%s,severity="critical"} 1' % labels in text
    assert 'sipha_marking_packets_total{%s} 1234' % labels in text
    assert 'sipha_takeover_last_duration_seconds{%s} 0.0161' % labels in text
    assert "# TYPE sipha_marking_packets_total counter" in text
