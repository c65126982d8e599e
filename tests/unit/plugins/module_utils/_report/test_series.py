# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Answers over time: per client from the responders' logs, runs of consecutive numbers, lost ones placed."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._report import series

LOGS = {"sip-a": "100.000 1-7@198.18.2.50\n100.001 1-8@198.18.2.5\n100.005 2-7@198.18.2.50\n",
        "sip-b": "100.020 5-7@198.18.2.50\n100.021 2-8@198.18.2.5\n"}


def test_answers_per_client_with_call_number_and_host():
    assert series.call_answers(LOGS) == {
        "198.18.2.50": [(100.0, 1, "sip-a"), (100.005, 2, "sip-a"), (100.02, 5, "sip-b")],
        "198.18.2.5": [(100.001, 1, "sip-a"), (100.021, 2, "sip-b")]}


def test_a_clients_logs_keep_its_own_lines_only():
    assert series.client_logs(LOGS, "198.18.2.5") == {
        "sip-a": "100.001 1-8@198.18.2.5\n", "sip-b": "100.021 2-8@198.18.2.5\n"}


@pytest.mark.parametrize("line, text", [
    ("100.0 abc@198.18.2.50", "logs.sip-a: a Call-ID is not sipp's"),
    ("100.0 12-3", "logs.sip-a: a Call-ID is not sipp's"),
    ("nonsense", "logs.sip-a: line 1 is not"),
])
def test_a_call_id_that_is_not_sipps_is_named(line, text):
    with pytest.raises(DesignError, match=text):
        series.call_answers({"sip-a": line + "\n"})


@pytest.mark.parametrize("answers, want", [
    # consecutive numbers, one host, 5 ms apart: one run
    ([(0.0, 1, "a"), (0.005, 2, "a"), (0.010, 3, "a")], [[0.0, 0.01, 1, 3, "a"]]),
    # another host takes over: a new run
    ([(0.0, 1, "a"), (0.005, 2, "a"), (0.011, 3, "b")], [[0.0, 0.005, 1, 2, "a"], [0.011, 0.011, 3, 3, "b"]]),
    # a number missing: a new run
    ([(0.0, 1, "a"), (0.010, 3, "a")], [[0.0, 0.0, 1, 1, "a"], [0.01, 0.01, 3, 3, "a"]]),
    # late beyond two intervals: a new run even with the next number
    ([(0.0, 1, "a"), (0.0101, 2, "a")], [[0.0, 0.0, 1, 1, "a"], [0.0101, 0.0101, 2, 2, "a"]]),
])
def test_runs(answers, want):
    assert series.runs(answers, 0.005) == want


@pytest.mark.parametrize("answers, first, last, want", [
    # 3 and 4 lost between 2 (t=0.005) and 5 (t=0.020): placed in proportion
    ([(0.0, 1, "a"), (0.005, 2, "a"), (0.020, 5, "b")], None, None, [[0.01, 0.015, 2, 3, 4]]),
    # the sent range is 1..7: 1 before the first answer, 6 and 7 after the last, an interval apart
    ([(0.010, 2, "a"), (0.015, 3, "a"), (0.020, 4, "a"), (0.025, 5, "a")], 1, 7,
     [[0.005, 0.005, 1, 1, 1], [0.03, 0.035, 2, 6, 7]]),
    # nothing lost
    ([(0.0, 1, "a"), (0.005, 2, "a")], 1, 2, []),
    # no answer at all: nothing to place them by
    ([], 1, 10, []),
])
def test_lost_runs(answers, first, last, want):
    assert series.lost_runs(answers, 0.005, first, last) == want


def test_series_holds_runs_lost_and_window():
    got = series.series([(10.0, 1, "a"), (10.02, 5, "a")], 0.005, 1, 5)
    assert got == {"runs": [[10.0, 10.0, 1, 1, "a"], [10.02, 10.02, 5, 5, "a"]],
                   "lost": [[10.005, 10.015, 3, 2, 4]], "window": [10.0, 10.02]}
    assert series.series([], 0.005)["window"] is None
