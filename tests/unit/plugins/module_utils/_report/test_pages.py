# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Both drills' pages: every figure's cell agrees with the records, every switchover has a timeline per client and
every failure one per path, the page fetches nothing and runs nothing, and every name is escaped."""

from __future__ import annotations

import copy
import html.parser
import json
import re

import pytest

from ansible_collections.sipha.network.plugins.filter.drill_report import drill_report_html
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._report import failover_drill, failure_drill
from ansible_collections.sipha.network.tests.unit.plugins.module_utils._report import synthetic

HOSTILE = "<script>alert(1)</script>"
RECORDS = {"failover": synthetic.failover_records(), "failure": synthetic.failure_records()}


class Page(html.parser.HTMLParser):
    """The figure cells (pointer, data-value, text), the timelines' data attributes, and every tag seen."""

    def __init__(self, text):
        super().__init__()
        self.cells, self.timelines, self.tags, self.open = [], [], set(), []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self.tags.add(tag)
        if "data-record" in found:
            self.open.append([found["data-record"], found["data-value"], "", found.get("class", "")])
        if tag == "svg" and "timeline" in found.get("class", ""):
            self.timelines.append({k[5:]: v for k, v in found.items() if k.startswith("data-")})

    def handle_data(self, data):
        if self.open:
            self.open[-1][2] += data

    def handle_endtag(self, tag):
        if self.open and tag in ("td", "th"):
            self.cells.append(tuple(self.open.pop()))


def resolve(records, pointer):
    value = records
    for key in pointer[1:].split("/"):
        key = key.replace("~1", "/").replace("~0", "~")
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


@pytest.mark.parametrize("kind", ["failover", "failure"])
def test_every_figure_cell_is_its_record(kind):
    records = RECORDS[kind]
    page = Page(drill_report_html(records))
    assert len(page.cells) > 40
    for pointer, value, text, cls in page.cells:
        want = resolve(records, pointer)
        assert json.loads(value) == want and type(json.loads(value)) is type(want), pointer
        if "fig" in cls.split():
            assert text == ("-" if want is None else want if isinstance(want, str) else json.dumps(want)), pointer


def test_the_failover_page_has_each_switchovers_and_clients_figures_and_timelines():
    records = RECORDS["failover"]
    page = Page(drill_report_html(records))
    pointers = {cell[0] for cell in page.cells}
    for i, sw in enumerate(records["switchovers"]):
        for key in ("outage_ms", "gap_ms", "lost", "sent"):
            assert "/switchovers/%d/figures/%s" % (i, key) in pointers
            assert {"/switchovers/%d/clients/%s/%s" % (i, c, key) for c in ("phone1", "phone2")} <= pointers
        assert "/switchovers/%d/up/steps/1/ms" % i in pointers
    assert page.timelines == [{"switchover": str(n), "client": c} for n in (1, 2) for c in ("phone1", "phone2")]
    assert "/switchovers/0/down/steps/2/ms" in pointers and "/switchovers/1/down/steps/0/ms" not in pointers


def test_the_failure_page_has_every_row_and_a_timeline_per_failure_and_path():
    records = RECORDS["failure"]
    page = Page(drill_report_html(records))
    pointers = {cell[0] for cell in page.cells}
    for i in range(len(records["rows"])):
        assert {"/rows/%d/%s" % (i, k) for k in ("outage_ms", "after_decision_ms", "lost", "verdict")} <= pointers
    assert "/timeline/1/decision" in pointers and "/timeline/0/decision" not in pointers
    paths = ("HA sync", "SIP phone1 to the VIP")
    assert page.timelines == [{"episode": str(n), "path": p} for n in (1, 2, 3) for p in paths]
    assert {"/timeline/2/workaround/start", "/timeline/2/workaround/end", "/timeline/2/reverted"} <= pointers


def test_the_takeovers_steps_are_marked_from_the_up_record():
    sw = RECORDS["failover"]["switchovers"][0]
    marks = failover_drill.marks(sw)
    assert [m.label for m in marks][:4] == [
        "switchover start (up started)", "up: lock", "up: vip added", "up: first announcement sent"]
    assert marks[2].epoch == pytest.approx(synthetic.T0 + 101.998 + 0.0026)
    assert [m.label for m in marks][-3:] == ["down: start", "down: vip removed", "down: done"]
    low, high = failover_drill.zoom(sw, sw["clients"]["phone1"])
    assert low < sw["clients"]["phone1"]["gap_from_epoch"] and high > sw["up"]["started_epoch"] + 0.021


@pytest.mark.parametrize("index, labels", [
    (1, ["failure command started", "failed (its command returned)", "management layer's decision (switchover "
         "command)", "restore command started", "restored (its command returned)", "settled (next failure may start)"]),
    (2, ["failure command started", "failed (its command returned)", "workaround started (vip_vlan_split.yml)",
         "workaround in place (its playbook returned)", "restore command started", "restored (its command returned)",
         "workaround reverted", "settled (next failure may start)"]),
])
def test_the_failure_instants_in_time_order(index, labels):
    episode = RECORDS["failure"]["timeline"][index]
    assert [label for _e, label, _k in failure_drill.instants(episode)] == labels


def test_a_split_before_its_workaround_reads_down():
    page = drill_report_html(RECORDS["failure"])
    row = RECORDS["failure"]["rows"].index(next(r for r in RECORDS["failure"]["rows"] if r["verdict"] == "down"))
    assert 'class="fig verdict-down" data-record="/rows/%d/verdict" data-value="&quot;down&quot;">down<' % row in page


@pytest.mark.parametrize("kind", ["failover", "failure"])
def test_the_page_runs_nothing_and_fetches_nothing(kind):
    text = drill_report_html(RECORDS[kind])
    page = Page(text)
    assert not page.tags & {"script", "img", "iframe", "object", "embed", "audio", "video", "form"}
    assert re.findall(r"(?:src|href)=\"([^\"#][^\"]*)\"", text) == ["data:,"]     # the empty icon only
    assert "url(" not in text and "@import" not in text and "<script" not in text.lower()
    assert set(re.findall(r"https?://[^\"' ]+", text)) == {"http://www.w3.org/2000/svg"}   # a namespace, not fetched


@pytest.mark.parametrize("kind", ["failover", "failure"])
def test_hostile_names_come_out_as_text(kind):
    data = synthetic.load({"sip-a": HOSTILE, "phone1": 'phone1"><img src=x>', "r1": "r1<&>"})
    records = synthetic.failover_records(data) if kind == "failover" else synthetic.failure_records(data)
    text = drill_report_html(records)
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "r1&lt;&amp;&gt;" in text
    page = Page(text)
    assert page.tags.isdisjoint({"script", "img"})
    assert all(json.loads(value) == resolve(records, pointer) for pointer, value, _text, _cls in page.cells)


def test_rows_that_do_not_follow_the_timeline_are_refused():
    records = copy.deepcopy(RECORDS["failure"])
    records["rows"] = records["rows"][:-1]
    with pytest.raises(DesignError, match=r"rows: do not follow the timeline at episode 2 \(VoIP VLAN split"):
        failure_drill.html(records)


def test_the_settings_are_shown_as_given_booleans_as_yes_or_no():
    records = dict(RECORDS["failover"], settings={"primary loss": True, "switchovers": 4, "<b>": "<i>"})
    text = drill_report_html(records)
    assert '<th scope="row">primary loss</th><td>yes</td>' in text and "<td>4</td>" in text
    assert '<th scope="row">&lt;b&gt;</th><td>&lt;i&gt;</td>' in text
