# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the drill report: the records of a failover or single-failure drill, and the HTML page of them."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._report import failover_drill, failure_drill, records
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter

#: records kind -> its page
PAGES: t.Dict[str, t.Callable[[t.Mapping[str, t.Any]], str]] = {
    "failover_drill": failover_drill.html, "failure_drill": failure_drill.html}


@design_filter
def drill_report_records(switchovers: t.Any, design: t.Any, rate: t.Any, calls_per_client: t.Any,
                         settings: t.Any = None, generated: t.Any = "", title: t.Any = "") -> t.Dict[str, t.Any]:
    """The failover drill's switchovers (with their responder logs) -> the report's records."""
    return records.failover(switchovers, design, float(rate), int(calls_per_client), settings, str(generated),
                            str(title))


@design_filter
def failure_report_records(timeline: t.Any, logs: t.Any, rows: t.Any, design: t.Any, rate: t.Any = 100,
                           settings: t.Any = None, generated: t.Any = "", title: t.Any = "") -> t.Dict[str, t.Any]:
    """The single-failure drill's timeline, probe logs and rows -> the report's records."""
    return records.failure(timeline, logs, rows, design, float(rate), settings, str(generated), str(title))


@design_filter
def drill_report_html(data: t.Any) -> str:
    """A drill report's records -> one self-contained HTML page."""
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind not in PAGES:
        raise DesignError("records.kind", "must be one of %s (drill_report_records, failure_report_records)"
                          % ", ".join(sorted(PAGES)), kind)
    return PAGES[kind](data)


class FilterModule:
    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"drill_report_records": drill_report_records, "failure_report_records": failure_report_records,
                "drill_report_html": drill_report_html}
