# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The failover drill's report (no I/O): the figures of every switchover and client, the design, and per
switchover one timeline per client - its answers over the whole switchover and zoomed on the takeover, the
measured silence shaded, lost OPTIONS, and the takeover's steps from the ``up`` (and ``down``) records.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._report import page
from ansible_collections.sipha.network.plugins.module_utils._report import timeline as tl
from ansible_collections.sipha.network.plugins.module_utils._report.markup import el, figure, num

__all__ = ["DEFINITIONS", "KINDS", "html", "instants", "marks", "zoom"]

#: the drill's kinds of switchover, as the report names them
KINDS = {"controlled": "controlled switchover", "loss": "primary loss"}

#: the figures as the drill defines them (docs/rollout.md)
DEFINITIONS = (
    ("outage (ms)", "From the switchover's start - the start of sipha-vip up (the up record's started_epoch), or "
                    "for a primary loss the moment the holder was frozen - to the first answer from the new holder. "
                    "Per client: to the first answer the new holder gave that client."),
    ("from up (ms)", "From the start of up to the first answer from the new holder (differs from the outage for "
                     "a primary loss only); the bound sipha_drill_max_outage_ms applies to it."),
    ("longest silence (ms)", "The longest time no host answered, between the last answer before the start and the "
                             "first answer from the new holder (per client: that client's answers). It is shaded "
                             "on the timelines."),
    ("lost / sent", "OPTIONS sent (sipp's call count: rate x duration per client) that no host answered. On the "
                    "timelines a lost OPTIONS is placed by its call number (sipp's Call-ID), between the answered "
                    "calls around it."),
    ("steps", "The up record's steps (ms since the program's start, placed from its started_epoch) and, for a "
              "controlled switchover, the old holder's down record (read back with sipha-vip status)."),
)


def instants(switchover: t.Mapping[str, t.Any]) -> t.List[t.Tuple[float, str, str, int]]:
    """(epoch, label, kind, step index) of the switchover's start (kind ``event``, index -1) and of each step of
    the up and down records (kind ``up``/``down``), in time order: the numbered marks and the steps table."""
    start = float(switchover["start_epoch"])
    found = [(start, "switchover start (%s)" % ("holder frozen" if switchover["kind"] == "loss" else "up started"),
              "event", -1)]
    for kind in ("up", "down"):
        record = switchover.get(kind) or {}
        base = record.get("started_epoch")
        if isinstance(base, (int, float)):
            found += [(float(base) + float(step.get("ms") or 0) / 1000.0, "%s: %s" % (kind, step.get("step", "?")),
                       kind, index) for index, step in enumerate(record.get("steps") or []) if isinstance(step, dict)]
    return sorted(found, key=lambda item: item[0])


def marks(switchover: t.Mapping[str, t.Any]) -> t.List[tl.Mark]:
    """The instants as numbered marks (1 = the switchover's start when it comes first)."""
    return [tl.Mark(epoch, number, label, kind) for number, (epoch, label, kind, _i) in
            enumerate(instants(switchover), 1)]


def zoom(switchover: t.Mapping[str, t.Any], client: t.Mapping[str, t.Any]) -> t.Tuple[float, float]:
    """The window around the takeover for one client: the start, up's steps (up to half a second after the first
    new answer), the silence and the first answer from the new holder, with a margin."""
    start = float(switchover["start_epoch"])
    first = client.get("first_new_epoch")
    points = [start] + [float(p) for p in (first, client.get("gap_from_epoch"), client.get("gap_to_epoch"))
                        if p is not None]
    cap = float(first) + 0.5 if first is not None else start + 1.0
    points += [m.epoch for m in marks(switchover) if m.kind == "up" and m.epoch <= cap]
    low, high = min(points), max(points)
    pad = max((high - low) * 0.15, 0.010)
    return low - pad, high + pad


def _figure_row(number: int, keys: t.Sequence[t.Any], what: str, figures: t.Mapping[str, t.Any],
                hosts: t.Sequence[str], from_up: t.Any, total: bool) -> str:
    cells = [el("td", {}, el("a", {"href": "#switchover-%d" % number}, text=number)) if total else el("td"),
             el("td", text=what),
             figure(list(keys) + ["outage_ms"], figures.get("outage_ms")),
             figure(["switchovers", number - 1, "from_up_ms"], from_up) if total else el("td", text=""),
             figure(list(keys) + ["gap_ms"], figures.get("gap_ms")),
             figure(list(keys) + ["lost"], figures.get("lost")), figure(list(keys) + ["sent"], figures.get("sent"))]
    cells += [figure(list(keys) + ["answered_by", host], (figures.get("answered_by") or {}).get(host))
              for host in hosts]
    cells.append(figure(list(keys) + ["recovered"], figures.get("recovered")))
    return el("tr", {"class": "total" if total else "client"}, *cells)


def _figures(records: t.Mapping[str, t.Any], hosts: t.Sequence[str]) -> str:
    rows = []
    for sw in records["switchovers"]:
        n = sw["number"]
        rows.append(_figure_row(n, ["switchovers", n - 1, "figures"], "%s %s \u2192 %s, all clients" % (
            KINDS.get(sw["kind"], sw["kind"]), sw["from"], sw["to"]), sw["figures"], hosts, sw.get("from_up_ms"),
            True))
        rows += [_figure_row(n, ["switchovers", n - 1, "clients", name], name, figures, hosts, None, False)
                 for name, figures in sw["clients"].items()]
    headings = ["#", "switchover / client", "outage (ms)", "from up (ms)", "longest silence (ms)", "lost", "sent"]
    headings += ["answered by %s" % host for host in hosts] + ["recovered"]
    return el("section", {"id": "figures"}, el("h2", text="Figures"), page.table(headings, rows))


def _steps(sw: t.Mapping[str, t.Any]) -> str:
    """The numbered marks as a table; a step's ms is the record's own figure."""
    rows = []
    start = float(sw["start_epoch"])
    for number, (epoch, label, kind, index) in enumerate(instants(sw), 1):
        step = sw[kind]["steps"][index] if index >= 0 else {}
        ms_cell = figure(["switchovers", sw["number"] - 1, kind, "steps", index, "ms"], step.get("ms")) \
            if index >= 0 else el("td", {"class": "fig"}, text="-")
        rows.append(el("tr", {}, el("td", text=number), el("td", text=label), ms_cell,
                       el("td", {"class": "at"}, text="%+.1f" % ((epoch - start) * 1000.0)),
                       el("td", text=str(step.get("detail", "")))))
    routers = [el("tr", {}, el("td", text=r.get("name", "?")), figure(keys + ["ok"], r.get("ok")),
                  el("td", text=r.get("via", "")), figure(keys + ["done_ms"], r.get("done_ms")),
                  figure(keys + ["took_ms"], r.get("took_ms")))
               for i, r in enumerate((sw.get("up") or {}).get("routers") or [])
               for keys in [["switchovers", sw["number"] - 1, "up", "routers", i]]]
    parts = [el("h3", text="Steps"),
             page.table(["#", "step", "ms since the program started", "ms from the switchover start", "detail"],
                        rows, "steps")]
    if routers:
        parts += [el("h3", text="Router flushes (up)"),
                  page.table(["router", "ok", "via", "done (ms)", "took (ms)"], routers, "routers")]
    return el("div", {"class": "steps"}, *parts)


def _client(sw: t.Mapping[str, t.Any], name: str, address: str, hosts: t.Sequence[str]) -> str:
    figures, line = sw["clients"][name], sw["series"].get(name) or {}
    start = float(sw["start_epoch"])
    found = instants(sw)
    numbered = marks(sw)
    shown = list(numbered)
    # the whole run shows the start, when down started and the first new answer: up's steps are one point there
    overview = [m for m, (_e, _l, kind, index) in zip(numbered, found)
                if kind == "event" or (kind, index) == ("down", 0)]
    if figures.get("first_new_epoch") is not None:
        shown.append(tl.Mark(float(figures["first_new_epoch"]), len(numbered) + 1,
                             "first answer from %s to %s" % (sw["to"], name), "answer"))
    shades = [tl.Shade(float(figures["gap_from_epoch"]), float(figures["gap_to_epoch"]),
                       "longest silence %s ms" % num(figures["gap_ms"] or 0.0, 1))] \
        if figures.get("gap_from_epoch") is not None else []
    window = line.get("window") or [start - 1.0, start + 1.0]
    whole = (min(float(window[0]), start) - 0.05, max(float(window[1]), start) + 0.05)
    near = zoom(sw, figures)
    strips = [tl.Strip("whole run", whole, start, line.get("runs", ()), line.get("lost", ()), shades,
                       overview + shown[len(numbered):], near),
              tl.Strip("takeover", near, start, line.get("runs", ()), line.get("lost", ()), shades, shown)]
    caption = "%s (%s): outage %s ms, longest silence %s ms, lost %s of %s; mark %d = its first answer from %s" % (
        name, address or "?", figures.get("outage_ms"), figures.get("gap_ms"), figures.get("lost"),
        figures.get("sent"), len(numbered) + 1, sw["to"])
    return el("div", {"class": "client"}, el("h3", text=name), el("p", {"class": "muted"}, text=caption),
              tl.svg(strips, hosts, "Switchover %d, client %s: answers over time" % (sw["number"], name),
                     {"data-switchover": sw["number"], "data-client": name}))


def _switchover(records: t.Mapping[str, t.Any], sw: t.Mapping[str, t.Any], hosts: t.Sequence[str]) -> str:
    clients = records["design"]["clients"]
    title = "%d. %s %s \u2192 %s" % (sw["number"], KINDS.get(sw["kind"], sw["kind"]), sw["from"], sw["to"])
    parts = [el("h2", text=title), el("p", {"class": "muted"}, text=sw.get("line") or ""),
             page.legend(hosts, [("event", "switchover start"), ("up", "up's steps"), ("down", "down's steps"),
                                 ("answer", "first answer from the new holder")])]
    parts += [_client(sw, name, clients.get(name, name), hosts) for name in sw["clients"]]
    parts.append(_steps(sw))
    return el("section", {"class": "episode", "id": "switchover-%d" % sw["number"]}, *parts)


def html(records: t.Mapping[str, t.Any]) -> str:
    """The failover drill's report page."""
    hosts = sorted(records["design"]["hosts"])
    count = len(records["switchovers"])
    intro = ("%d switchover(s) of the VIP %s, SIP OPTIONS at %s/s from each of %d client(s) to the VIP; the figures "
             "are the drill's own records (the JSON file beside this page)." % (
                 count, records["design"]["vip"], num(float(records["rate"])), len(records["design"]["clients"])))
    return page.document(records["title"], page.header(records, intro), _figures(records, hosts),
                         page.design(records), *(_switchover(records, sw, hosts) for sw in records["switchovers"]),
                         page.definitions(DEFINITIONS))
