# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The single-failure drill's model: episodes, and every path's figures from synthetic probe logs."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import failures as f
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

T0 = 1_800_000_000.0
RATE = 100.0


def answers(start, end, holes=()):
    """(epoch, slot) every 10 ms from start to end (seconds after T0), none inside a hole (from, to)."""
    out = []
    base = int(T0 * RATE)
    for k in range(round(start * RATE), round(end * RATE)):
        if not any(round(a * RATE) <= k < round(b * RATE) for a, b in holes):
            out.append((T0 + k / RATE + 0.0005, base + k))
    return out


def test_every_router_gets_its_power_off_episode_and_the_split_names_its_router():
    out = f.episodes(None, ["r1", "r2"], "r2")
    assert [e["id"] for e in out] == ["r1 off", "r2 off", "primary's sip NIC down", "primary's data NIC down",
                                      "backup's sip NIC down", "backup's data NIC down", "VoIP VLAN split from r2"]
    assert {e["side"] for e in out} == {"router", "primary", "backup", "split"}


@pytest.mark.parametrize("names, routers, split, field, text", [
    (["router_off", "cable_cut"], ["r1", "r2"], "r2", "sipha_drill_failures", "names cable_cut"),
    ("router_off", ["r1", "r2"], "r2", "sipha_drill_failures", "must be a list"),
    (["router_off"], [], None, "sipha_drill_failures", "gateway_routers"),
    (["vlan_split"], ["r1", "r2"], "r9", "sipha_drill_split_router", "must be one of the routers"),
])
def test_bad_failures_are_named(names, routers, split, field, text):
    with pytest.raises(DesignError) as err:
        f.episodes(names, routers, split)
    assert err.value.field == field and text in str(err.value)


def test_a_hole_is_the_outage_and_its_slots_are_lost():
    got = f.path_figures(answers(0, 10, [(3.0, 3.3)]), T0 + 2.9, T0 + 6)
    assert 300 <= got["outage_ms"] <= 325 and got["recovered"]
    assert got["lost"] == 30
    # where it lies: from the last answer before the hole to the first after it
    assert (got["outage_from_epoch"], got["outage_to_epoch"]) == (T0 + 2.99 + 0.0005, T0 + 3.3 + 0.0005)


def test_a_path_that_never_comes_back_is_not_recovered():
    got = f.path_figures(answers(0, 4), T0 + 3, T0 + 8)
    assert not got["recovered"] and got["outage_ms"] >= 4000 and got["lost"] >= 390
    assert got["outage_to_epoch"] == T0 + 8     # still silent at the end of the window


def test_no_answer_before_the_failure_is_said():
    got = f.path_figures(answers(5, 8), T0 + 3, T0 + 8)
    assert got["outage_ms"] is None and "no answer before" in got["note"]


def test_the_time_after_the_decision_counts_only_when_the_path_was_silent():
    silent = f.path_figures(answers(0, 10, [(3.0, 4.25)]), T0 + 3, T0 + 8, decision=T0 + 4.0)
    assert 240 <= silent["after_decision_ms"] <= 260
    busy = f.path_figures(answers(0, 10), T0 + 3, T0 + 8, decision=T0 + 4.0)
    assert busy["after_decision_ms"] is None


def _episode(**extra):
    base = {"id": "x", "side": "router", "failed": T0 + 3, "decision": None, "workaround": None,
            "restored": T0 + 6, "end": T0 + 8, "cut": []}
    base.update(extra)
    return base


@pytest.mark.parametrize("hole, verdict", [((3.0, 3.4), "ok"), ((3.0, 4.5), "R10"), ((3.0, 5.5), "FAIL")])
def test_router_side_failures_are_judged_by_their_outage(hole, verdict):
    out = f.report([_episode()], {"p": {"answers": answers(0, 10, [hole])}})
    row = next(r for r in out["rows"] if r["phase"] == "failure")
    assert row["verdict"] == verdict
    assert bool(out["failed"]) == (verdict == "FAIL")


def test_primary_side_failures_are_judged_after_the_decision():
    # 1 s detection, then the path back 300 ms after the decision: the outage is 1.3 s, the network's part 0.3 s
    episode = _episode(side="primary", decision=T0 + 4.0)
    out = f.report([episode], {"p": {"answers": answers(0, 10, [(3.0, 4.3)])}})
    row = next(r for r in out["rows"] if r["phase"] == "failure")
    assert row["outage_ms"] > 1250 and 290 <= row["after_decision_ms"] <= 320 and row["verdict"] == "ok"


def test_a_path_whose_own_nic_failed_is_an_endpoint_not_a_failure():
    out = f.report([_episode(side="backup", cut=["p"])], {"p": {"answers": answers(0, 10, [(3.0, 6.0)])}})
    assert [r["verdict"] for r in out["rows"]] == ["endpoint", "endpoint"] and not out["failed"]
    restore = out["rows"][1]
    assert restore["outage_ms"] < 50       # counted from the restore, not from the failure before it


def test_a_split_is_down_until_the_workaround_then_judged_from_its_end():
    episode = _episode(side="split", workaround={"start": T0 + 5.0, "end": T0 + 6.0}, restored=T0 + 9, end=T0 + 11)
    logs = {"through r2": {"answers": answers(0, 12, [(3.0, 5.8)])}, "via r1": {"answers": answers(0, 12)}}
    out = f.report([episode], logs)
    verdicts = {(r["path"], r["phase"]): r["verdict"] for r in out["rows"]}
    assert verdicts[("through r2", "split, no workaround")] == "down"
    assert verdicts[("through r2", "split, workaround")] == "ok"
    assert verdicts[("via r1", "split, no workaround")] == "ok"
    row = next(r for r in out["rows"] if r["path"] == "through r2" and r["phase"] == "split, workaround")
    assert 790 <= row["after_decision_ms"] <= 815       # from the workaround's start; before its command returned
    assert row["lost"] < 85                            # counted from the workaround's start
    assert out["split_effective"] == {"x": True}


def test_a_path_back_long_after_the_workaround_returned_fails():
    episode = _episode(side="split", workaround={"start": T0 + 5.0, "end": T0 + 6.0}, restored=T0 + 9, end=T0 + 11)
    out = f.report([episode], {"p": {"answers": answers(0, 12, [(3.0, 8.5)])}})
    row = next(r for r in out["rows"] if r["phase"] == "split, workaround")
    assert row["verdict"] == "FAIL" and out["failed"]


def test_a_split_that_cut_nothing_is_not_effective():
    episode = _episode(side="split", workaround={"start": T0 + 5.0, "end": T0 + 6.0}, restored=T0 + 9, end=T0 + 11)
    out = f.report([episode], {"p": {"answers": answers(0, 12)}})
    assert out["split_effective"] == {"x": False}


def test_a_bad_log_line_is_named():
    with pytest.raises(DesignError) as err:
        f.parse("1.0 198.51.100.1 5\nnot a line\n", "sip-a vip-out.log")
    assert "line 2" in str(err.value) and err.value.field == "sip-a vip-out.log"


def test_the_table_marks_a_path_not_recovered():
    out = f.report([_episode()], {"p": {"answers": answers(0, 4)}})
    lines = f.table(out["rows"])
    assert lines[0].startswith("| Failure |") and "+ |" in lines[2] and "FAIL" in lines[2]


def test_the_summary_takes_rounds_and_paths_together_and_leaves_out_cut_paths():
    rounds = [_episode(), _episode(id="x"), _episode(side="backup", id="y", cut=["q"])]
    logs = {"p": {"answers": answers(0, 10, [(3.0, 3.2)])}, "q": {"answers": answers(0, 10, [(3.0, 6.0)])}}
    lines = f.summary(f.report(rounds, logs)["rows"])
    x = next(line for line in lines if line.startswith("| x | failure |"))
    cells = [c.strip() for c in x.split("|")[1:-1]]
    assert cells[2] == "4"                                  # two rounds of x, two paths each
    assert 200 <= float(cells[3]) <= 3100 and float(cells[5]) > 2900   # q's 3 s hole is x's worst
    y = next(line for line in lines if line.startswith("| y | failure |"))
    assert "endpoint 1" in y and float(y.split("|")[6]) < 300          # q is cut by y itself: not judged
