"""The drill report's filters: thin over module_utils/_report, their errors named as Ansible shows them."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.sipha.network.plugins.filter.drill_report import (FilterModule, drill_report_html,
                                                                           drill_report_records,
                                                                           failure_report_records)
from ansible_collections.sipha.network.tests.unit.plugins.module_utils._report import synthetic

DESIGN = synthetic.load()["design"]


def test_the_filters_are_registered():
    assert sorted(FilterModule().filters()) == ["drill_report_html", "drill_report_records", "failure_report_records"]


@pytest.mark.parametrize("call, text", [
    (lambda: drill_report_html({"kind": "bench"}), "drill_report_html: records.kind: must be one of failover_drill"),
    (lambda: drill_report_html("<html>"), "drill_report_html: records.kind"),
    (lambda: drill_report_records([], DESIGN, 200, 1200), "drill_report_records: switchovers: must be"),
    (lambda: drill_report_records([{"kind": "loss"}], dict(DESIGN, hosts={}), 200, 1200),
     "drill_report_records: design.hosts"),
    (lambda: failure_report_records("x", {}, [], DESIGN), "failure_report_records: timeline: must be"),
    (lambda: failure_report_records([], {"p": {"peer": "x", "logs": ["bad\n"]}}, [], DESIGN),
     "failure_report_records: p log 0: line 1"),
])
def test_bad_input_is_named(call, text):
    with pytest.raises(AnsibleFilterError, match=text):
        call()


def test_records_then_page():
    records = drill_report_records(synthetic.switchovers(synthetic.load()), DESIGN, "200", "1200")
    assert records["rate"] == 200.0 and records["calls_per_client"] == 1200
    assert drill_report_html(records).startswith("<!DOCTYPE html>")
