# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The single-failure drill's report (no I/O): the verdicts, the design, and per failure its instants, its rows
(phase x path: outage, after the decision, lost, verdict) and one timeline per path - the probes' answers, the
outage of each phase shaded, lost probes, the failure, the management layer's decision, the workaround and the
restore marked.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._report import page
from ansible_collections.sipha.network.plugins.module_utils._report import timeline as tl
from ansible_collections.sipha.network.plugins.module_utils._report.markup import el, figure, num

__all__ = ["DEFINITIONS", "INSTANTS", "episodes", "html", "instants"]

#: the timeline's instants, in the order they happen (sipha_failure_timeline.py)
INSTANTS = (("failed_cmd", "failure command started"), ("failed", "failed (its command returned)"),
            ("decision", "management layer's decision (switchover command)"),
            ("workaround.start", "workaround started (vip_vlan_split.yml)"),
            ("workaround.end", "workaround in place (its playbook returned)"),
            ("restored_cmd", "restore command started"), ("restored", "restored (its command returned)"),
            ("reverted", "workaround reverted"), ("end", "settled (next failure may start)"))

#: the figures as the drill defines them (docs/failure_drill.md)
DEFINITIONS = (
    ("outage (ms)", "The longest silence of the path (no answer) in the phase, from the last answer before it; "
                    "shaded on the path's timeline. '+' in the drill's table (recovered false here) when the path "
                    "had not come back by the phase's end."),
    ("after decision (ms)", "From the management layer's switchover command (a primary-side failure) or the "
                            "workaround's start (a split) to the path's first answer, when the path was silent then."),
    ("lost", "Probe slots (one every 1/rate s of the wall clock) between the phase's answers that got no answer. On "
             "the timelines each lost slot is drawn where it was sent."),
    ("verdict", "ok within the goal; R10 over the goal but within the seed's 2 s; FAIL; down: a split before the "
                "workaround (the path is cut, as expected); endpoint: the failed element is the path's own NIC."),
)


def instants(episode: t.Mapping[str, t.Any]) -> t.List[t.Tuple[float, str, t.List[str]]]:
    """(epoch, label, JSON pointer keys within the episode) of each instant the episode has, in time order."""
    found = []
    for key, label in INSTANTS:
        head, _dot, tail = key.partition(".")
        value = episode.get(head)
        if tail:
            value = value.get(tail) if isinstance(value, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found.append((float(value), label, [head, tail] if tail else [head]))
    return sorted(found, key=lambda item: item[0])


def episodes(records: t.Mapping[str, t.Any]) -> t.List[t.Tuple[int, t.Dict[str, t.Any], t.List[int]]]:
    """(timeline index, episode, indexes of its rows) of every episode that has rows: ``failure_report`` gives
    each restored episode one row per phase (two, three with a workaround) and path, in the timeline's order."""
    paths = len(records["paths"])
    out, at = [], 0
    for index, episode in enumerate(records["timeline"]):
        if "restored" not in episode:
            continue
        count = (3 if episode.get("workaround") else 2) * paths
        mine = list(range(at, at + count))
        if at + count > len(records["rows"]) or any(records["rows"][i].get("episode") != episode.get("id")
                                                    for i in mine):
            raise DesignError("rows", "do not follow the timeline at episode %d (%s): give the rows "
                              "failure_report made of this timeline" % (index, episode.get("id")), show_value=False)
        out.append((index, episode, mine))
        at += count
    return out


def _counted(rows: t.Iterable[t.Mapping[str, t.Any]]) -> str:
    counts: t.Dict[str, int] = {}
    for row in rows:
        counts[str(row.get("verdict"))] = counts.get(str(row.get("verdict")), 0) + 1
    return ", ".join("%s %d" % item for item in sorted(counts.items()))


def _verdicts(records: t.Mapping[str, t.Any], found: t.Sequence[t.Tuple[int, t.Dict[str, t.Any], t.List[int]]]
              ) -> str:
    """Per failure: its rows' verdicts counted and the longest outage, linked to its section; the FAIL rows."""
    rows = []
    for number, (_index, episode, mine) in enumerate(found, 1):
        mine_rows = [records["rows"][i] for i in mine]
        worst = max((r["outage_ms"] for r in mine_rows if r.get("outage_ms") is not None
                     and r.get("verdict") not in ("endpoint", "down")), default=None)
        rows.append(el("tr", {}, el("td", {}, el("a", {"href": "#failure-%d" % number}, text=number)),
                       el("td", text=episode["id"]), el("td", text=_counted(mine_rows)),
                       el("td", {"class": "at"}, text="-" if worst is None else num(worst, 1))))
    failed = [el("li", text="%s (%s) %s: outage %s ms, %s lost" % (r["episode"], r["phase"], r["path"],
                                                                   r.get("outage_ms"), r.get("lost")))
              for r in records["rows"] if r.get("verdict") == "FAIL"]
    parts = [el("h2", text="Verdicts"), el("p", text="%s (rows: failure x phase x path)" % _counted(records["rows"])),
             page.table(["#", "failure", "verdicts", "longest judged outage (ms)"], rows, "verdicts")]
    if failed:
        parts += [el("p", text="Rows that failed:"), el("ul", {}, *failed)]
    return el("section", {"id": "verdicts"}, *parts)


def _rows_table(records: t.Mapping[str, t.Any], mine: t.Sequence[int]) -> str:
    rows = []
    for i in mine:
        row = records["rows"][i]
        rows.append(el("tr", {}, el("td", text=row["phase"]), el("td", text=row["path"]),
                       figure(["rows", i, "outage_ms"], row.get("outage_ms")),
                       figure(["rows", i, "after_decision_ms"], row.get("after_decision_ms")),
                       figure(["rows", i, "lost"], row.get("lost")),
                       figure(["rows", i, "recovered"], row.get("recovered")),
                       figure(["rows", i, "verdict"], row.get("verdict"), cls="fig verdict-%s" % row.get("verdict"))))
    return page.table(["phase", "path", "outage (ms)", "after decision (ms)", "lost", "recovered", "verdict"], rows,
                      "figures rows")


def _path(records: t.Mapping[str, t.Any], number: int, episode: t.Mapping[str, t.Any], name: str,
          mine: t.Sequence[int], found: t.Sequence[t.Tuple[float, str, t.List[str]]]) -> str:
    line = records["paths"][name]
    origin = float(episode.get("failed_cmd", episode["failed"]))
    window = (origin - 1.0, float(episode["end"]) + 0.2)
    least = 3000.0 / float(records["rate"])    # a silence of up to 3 probe intervals is the probes' own pace
    shades = [tl.Shade(float(r["outage_from_epoch"]), float(r["outage_to_epoch"]),
                       "%s: outage %s ms" % (r["phase"], num(r["outage_ms"], 1)), "outage")
              for r in (records["rows"][i] for i in mine)
              if r["path"] == name and r.get("outage_from_epoch") is not None and (r.get("outage_ms") or 0) > least]
    marks = [tl.Mark(epoch, n, label) for n, (epoch, label, _keys) in enumerate(found, 1)]
    strip = tl.Strip(name, window, origin, line["runs"], line["lost"], shades, marks)
    return el("div", {"class": "path"}, tl.svg([strip], [""], "%s, %s: answers over time" % (episode["id"], name),
                                               {"data-episode": number, "data-path": name}))


def _episode(records: t.Mapping[str, t.Any], index: int, episode: t.Mapping[str, t.Any],
             mine: t.Sequence[int], number: int) -> str:
    found = instants(episode)
    origin = float(episode.get("failed_cmd", episode["failed"]))
    rows = [el("tr", {}, el("td", text=n), el("td", text=label),
               figure(["timeline", index] + keys, epoch, cls="at"),
               el("td", {"class": "at"}, text="%+.1f" % ((epoch - origin) * 1000.0)))
            for n, (epoch, label, keys) in enumerate(found, 1)]
    who = ", ".join("%s %s" % (k, episode[k]) for k in ("host", "router", "network") if episode.get(k))
    parts = [el("h2", text="%d. %s" % (number, episode["id"])),
             el("p", {"class": "muted"}, text="%s side%s; primary before: %s" % (
                 episode.get("side", "?"), " (%s)" % who if who else "", episode.get("primary_before", "?"))),
             el("h3", text="Figures per phase and path"), _rows_table(records, mine),
             el("h3", text="Instants"), page.table(["#", "instant", "epoch", "ms from the failure command"], rows,
                                                   "instants"),
             page.legend([""], [("event", "the drill's instants (numbered as in the table)")],
                         "outage of a phase (longer than 3 probe intervals)")]
    parts += [_path(records, number, episode, name, mine, found) for name in sorted(records["paths"])]
    return el("section", {"class": "episode", "id": "failure-%d" % number}, *parts)


def html(records: t.Mapping[str, t.Any]) -> str:
    """The single-failure drill's report page."""
    found = episodes(records)
    intro = ("%d failure(s), one at a time, every path probed %s times a second (SIP from each client to the VIP, "
             "the VIP to each client, HA sync, SCS to each host); the figures are the drill's own rows (the JSON "
             "file beside this page)." % (len(found), num(float(records["rate"]))))
    sections = [_episode(records, index, episode, mine, number)
                for number, (index, episode, mine) in enumerate(found, 1)]
    return page.document(records["title"], page.header(records, intro), _verdicts(records, found), page.design(records),
                         *sections, page.definitions(DEFINITIONS))
