# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The records a drill report is built from (no I/O): what the drill measured, per switchover or failure, with
the answers over time compacted for drawing (``series``). The records are written beside the report as JSON;
every figure the report shows is one of them, at the JSON pointer its cell names.

Failover drill (``kind: failover_drill``): per switchover the drill's own figures (``figures``: the
``drill_outage`` filter's result the drill judged), the same figures per client (the responders' logs cut down
to that client's Call-IDs, by the same model), the ``up`` record and, for a controlled switchover, the old
holder's ``down`` record, and each client's ``series``.
Failure drill (``kind: failure_drill``): the timeline, the ``failure_report`` rows and each path's ``series``.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import drill
from ansible_collections.sipha.network.plugins.module_utils._model import failures
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._report import series
from ansible_collections.sipha.network.plugins.module_utils._report import topology

__all__ = ["failover", "failure"]

_EPISODE_KEYS = ("kind", "from", "to", "start", "report", "up", "logs")


def _head(kind: str, title: str, design: t.Any, settings: t.Any, generated: str) -> t.Dict[str, t.Any]:
    if settings is not None and not isinstance(settings, dict):
        raise DesignError("settings", "must be a mapping of the drill's settings", settings)
    return {"kind": kind, "title": str(title), "generated": str(generated or ""), "design": topology.design(design),
            "settings": dict(settings or {})}


def _down(record: t.Any, up: t.Mapping[str, t.Any]) -> t.Optional[t.Dict[str, t.Any]]:
    """The old holder's down record when it belongs to this switchover (started after up did), else None."""
    if not isinstance(record, dict) or not isinstance(record.get("started_epoch"), (int, float)):
        return None
    return dict(record) if float(record["started_epoch"]) >= float(up.get("started_epoch") or 0.0) else None


def failover(episodes: t.Any, design: t.Any, rate: float, calls_per_client: int,
             settings: t.Any = None, generated: str = "", title: str = "") -> t.Dict[str, t.Any]:
    """The failover drill's records from its switchovers (tasks/drill_episode.yml's entries: kind, from, to, start,
    report, from_up_ms, up, down, logs) - every client named in ``design.clients``."""
    if not isinstance(episodes, list) or not episodes:
        raise DesignError("switchovers", "must be the drill's list of switchovers, each with its logs", episodes)
    out = _head("failover_drill", title or "Failover drill", design, settings, generated)
    out.update(rate=rate, calls_per_client=int(calls_per_client), switchovers=[])
    names = {address: name for name, address in out["design"]["clients"].items()}
    interval = 1.0 / float(rate)
    for index, episode in enumerate(episodes):
        missing = [key for key in _EPISODE_KEYS if not isinstance(episode, dict) or key not in episode]
        if missing or not isinstance(episode["logs"], dict):
            raise DesignError("switchovers[%d]" % index, "needs %s (the drill keeps its responder logs only when "
                              "sipha_drill_report_file is set)" % ", ".join(missing or ["logs"]), show_value=False)
        start, logs = float(episode["start"]), episode["logs"]
        answers = series.call_answers(logs)
        clients: t.Dict[str, t.Any] = {}
        lines: t.Dict[str, t.Any] = {}
        for address in sorted(set(names) | set(answers), key=lambda a: names.get(a, a)):
            name = names.get(address, address)
            clients[name] = drill.outage(series.client_logs(logs, address), start, episode["to"],
                                         int(calls_per_client))
            lines[name] = series.series(answers.get(address, []), interval, 1, int(calls_per_client))
        up = episode["up"] if isinstance(episode["up"], dict) else {}
        out["switchovers"].append({
            "number": index + 1, "kind": episode["kind"], "from": episode["from"], "to": episode["to"],
            "start_epoch": start, "from_up_ms": episode.get("from_up_ms"), "figures": episode["report"],
            "line": episode.get("line", ""), "clients": clients, "up": up, "down": _down(episode.get("down"), up),
            "series": lines,
        })
    return out


def failure(timeline: t.Any, logs: t.Any, rows: t.Any, design: t.Any, rate: float,
            settings: t.Any = None, generated: str = "", title: str = "") -> t.Dict[str, t.Any]:
    """The failure drill's records: its timeline, the ``failure_report`` rows, and each path's series from the
    probes' logs (path -> peer, logs) - what ``failure_report`` read."""
    if not isinstance(timeline, list) or not isinstance(logs, dict) or not isinstance(rows, list):
        raise DesignError("timeline", "must be the drill's timeline, with logs (path -> peer, logs) and rows",
                          show_value=False)
    out = _head("failure_drill", title or "Single-failure drill", design, settings, generated)
    interval = 1.0 / float(rate)
    paths = {}
    for name, answers in failures.path_answers(logs).items():
        got = [(epoch, slot, "") for epoch, slot in answers if slot >= 0]
        paths[name] = dict(series.series(got, interval), peer=logs[name]["peer"],
                           reconnects=[round(epoch, 6) for epoch, slot in answers if slot < 0])
    out.update(rate=rate, timeline=[dict(e) for e in timeline if isinstance(e, dict)], rows=list(rows), paths=paths)
    return out
