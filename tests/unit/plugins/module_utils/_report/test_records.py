# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report's records: the drill's own figures, the same per client, the takeover's records, the series."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._report import records
from ansible_collections.sipha.network.tests.unit.plugins.module_utils._report import synthetic

T0 = synthetic.T0
FAILOVER = synthetic.failover_records()
FAILURE = synthetic.failure_records()


# controlled switchover (up at +1998 ms after call 1): phone1 lost 398-400 (its last answer before is call 397, sent
# at +1980 ms), phone2 lost 400 and 1199-1200; the new holder answers from call 401 (+2000 ms); answers come 0.5 ms
# after the send, phone2's 1.1 ms later than phone1's. Primary loss: 441-499 lost by both (frozen at +2200 ms).
@pytest.mark.parametrize("switchover, client, outage, gap, lost, answered", [
    (0, "phone1", 2.5, 20.0, 3, {"sip-a": 397, "sip-b": 800}),
    (0, "phone2", 3.6, 10.0, 3, {"sip-a": 399, "sip-b": 798}),
    (1, "phone1", 295.5, 300.0, 59, {"sip-a": 701, "sip-b": 440}),
    (1, "phone2", 296.6, 300.0, 59, {"sip-a": 701, "sip-b": 440}),
])
def test_per_client_figures(switchover, client, outage, gap, lost, answered):
    got = FAILOVER["switchovers"][switchover]["clients"][client]
    assert (got["outage_ms"], got["gap_ms"], got["lost"], got["sent"], got["answered_by"]) == \
        (outage, gap, lost, 1200, answered)


def test_the_drills_own_figures_are_kept_as_they_are():
    given = synthetic.switchovers(synthetic.load())
    assert [sw["figures"] for sw in FAILOVER["switchovers"]] == [sw["report"] for sw in given]
    first = FAILOVER["switchovers"][0]
    assert (first["figures"]["outage_ms"], first["figures"]["gap_ms"], first["figures"]["lost"]) == (2.5, 8.9, 6)
    assert first["start_epoch"] == T0 + 101.998 and first["from_up_ms"] == 2.5 and first["up"] == given[0]["up"]


def test_lost_calls_are_placed_between_their_answered_neighbours():
    phone2 = FAILOVER["switchovers"][0]["series"]["phone2"]
    # call 400 midway between 399 (answered at +1991.6 ms) and 401 (+2001.6 ms); 1199-1200 after 1198, 5 ms apart
    assert phone2["lost"] == [[round(T0 + 101.9966, 6), round(T0 + 101.9966, 6), 1, 400, 400],
                              [round(T0 + 105.9916, 6), round(T0 + 105.9966, 6), 2, 1199, 1200]]
    assert [run[2:] for run in phone2["runs"]] == [[1, 399, "sip-a"], [401, 1198, "sip-b"]]


def test_a_down_record_counts_only_when_it_ran_after_up():
    controlled, loss = FAILOVER["switchovers"]
    assert controlled["down"]["started_epoch"] == T0 + 102.6
    assert loss["down"] is None


def test_failure_records_keep_timeline_rows_and_series():
    timeline, _logs, report = synthetic.failure_inputs(synthetic.load())
    assert FAILURE["rows"] == report["rows"] and FAILURE["timeline"] == timeline
    sip = FAILURE["paths"]["SIP phone1 to the VIP"]
    assert [lost[2:] for lost in sip["lost"]] == [[30, 180000000210, 180000000239],
                                                  [111, 180000000560, 180000000670],
                                                  [170, 180000001010, 180000001179]]
    assert FAILURE["paths"]["HA sync"]["reconnects"] == [T0 + 8.16] and sip["peer"] == "198.18.1.10"


@pytest.mark.parametrize("episodes, text", [
    ([], "switchovers: must be the drill's list"),
    ([{"kind": "controlled"}], "switchovers[0]: needs from, to, start, report, up, logs"),
    ([{"kind": "loss", "from": "a", "to": "b", "start": 1, "report": {}, "up": {}, "logs": "x"}],
     "switchovers[0]: needs logs (the drill keeps"),
])
def test_failover_inputs_are_named(episodes, text):
    with pytest.raises(DesignError, match=text.replace("[", r"\[").replace("(", r"\(")):
        records.failover(episodes, synthetic.load()["design"], 200, 1200)


def test_settings_must_be_a_mapping():
    with pytest.raises(DesignError, match="settings: must be a mapping"):
        records.failure([], {}, [], synthetic.load()["design"], 100, settings=["x"])
