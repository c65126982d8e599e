# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Synthetic drills for the report's tests, from tests/unit/data/drill_report.yml: the responder and probe logs
the drills would have collected, reduced by the same filters the playbooks run, and the report's records."""

from __future__ import annotations

import copy
import pathlib
import typing as t

import yaml

from ansible_collections.sipha.network.plugins.filter.drill_report import drill_report_records, failure_report_records
from ansible_collections.sipha.network.plugins.filter.failures import failure_report
from ansible_collections.sipha.network.plugins.filter.vip import drill_outage

T0 = 1_800_000_000.0
TEXT = (pathlib.Path(__file__).parents[3] / "data" / "drill_report.yml").read_text()
INSTANTS = ("failed_cmd", "failed", "decision", "restored_cmd", "restored", "reverted", "end")


def load(replace: t.Optional[t.Mapping[str, str]] = None) -> t.Dict[str, t.Any]:
    """The data file, with names replaced in its text (a host named ``<script>...``)."""
    text = TEXT
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    return yaml.safe_load(text)


def _shifted(record: t.Any) -> t.Any:
    if isinstance(record, dict) and "started_epoch" in record:
        record = dict(record, started_epoch=T0 + record["started_epoch"])
    return copy.deepcopy(record)


def switchovers(data: t.Mapping[str, t.Any]) -> t.List[t.Dict[str, t.Any]]:
    """The failover drill's entries as tasks/drill_episode.yml keeps them with the report on."""
    spec, clients = data["failover"], data["design"]["clients"]
    rate, calls = spec["rate"], spec["calls"]
    out = []
    for sw in spec["switchovers"]:
        lines: t.Dict[str, t.List[str]] = {host: [] for host in data["design"]["hosts"]}
        for index, (client, address) in enumerate(clients.items()):
            lost = {n for first, last in sw["lost"].get(client, []) for n in range(first, last + 1)}
            for n in range(1, calls + 1):
                if n not in lost:
                    host = sw["from"] if n < sw["switch_call"] else sw["to"]
                    epoch = T0 + sw["at"] + (n - 1) / rate + index * 0.0011 + 0.0005
                    lines[host].append("%.6f %d-%d@%s" % (epoch, n, 4242 + index, address))
        logs = {host: "".join(line + "\n" for line in sorted(found)) for host, found in lines.items()}
        start = T0 + sw["at"] + sw["start_ms"] / 1000.0
        up = _shifted(sw["up"])
        report = drill_outage(logs, start, sw["to"], calls * len(clients))
        out.append({"kind": sw["kind"], "from": sw["from"], "to": sw["to"], "start": start, "report": report,
                    "from_up_ms": round((report["first_new_epoch"] - up["started_epoch"]) * 1000.0, 1), "up": up,
                    "down": _shifted(sw.get("down")), "logs": logs,
                    "line": "%s %s -> %s: outage %s ms" % (sw["kind"], sw["from"], sw["to"], report["outage_ms"])})
    return out


def failover_records(data: t.Optional[t.Mapping[str, t.Any]] = None) -> t.Dict[str, t.Any]:
    data = data or load()
    spec = data["failover"]
    return drill_report_records(switchovers(data), data["design"], spec["rate"], spec["calls"],
                                {"OPTIONS per second per client": spec["rate"]}, "2026-12-04 10:00:00 UTC",
                                "Failover drill of pair %s" % data["design"]["pair"])


def failure_inputs(data: t.Mapping[str, t.Any]) -> t.Tuple[t.List[t.Any], t.Dict[str, t.Any], t.Dict[str, t.Any]]:
    """The timeline (epochs), the probes' logs per path and failure_report's result, as the drill makes them."""
    spec = data["failure"]
    rate = spec["rate"]
    timeline = [dict(e, **{k: T0 + e[k] for k in INSTANTS if isinstance(e.get(k), (int, float))})
                for e in spec["timeline"]]
    for episode in timeline:
        if episode.get("workaround"):
            episode["workaround"] = {k: T0 + v for k, v in episode["workaround"].items()}
    logs = {}
    for name, path in spec["paths"].items():
        entries = [(T0 + k / rate + 0.002, "%d" % (int(T0 * rate) + k)) for k in range(int(spec["until"] * rate))
                   if not any(a <= k / rate < b for a, b in path["holes"])]
        if path.get("reconnect"):
            entries.append((T0 + path["reconnect"], "reconnect"))
        logs[name] = {"peer": path["peer"],
                      "logs": ["".join("%.6f %s %s\n" % (e, path["peer"], s) for e, s in sorted(entries))]}
    return timeline, logs, failure_report(timeline, logs, 1000, 2000, rate)


def failure_records(data: t.Optional[t.Mapping[str, t.Any]] = None) -> t.Dict[str, t.Any]:
    data = data or load()
    timeline, logs, report = failure_inputs(data)
    return failure_report_records(timeline, logs, report["rows"], data["design"], data["failure"]["rate"],
                                  {"probes per second per path": data["failure"]["rate"]}, "2026-12-04 10:00:00 UTC",
                                  "Single-failure drill of pair %s" % data["design"]["pair"])
