# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The single-failure drill: its episodes, and every path's outage from the probes' logs (no I/O).

An episode fails one element of the network, lets the management layer react when the element is the primary's
(after its detection time), then restores the element. The probes (playbooks/files/sipha_drill_probe.py) log one
line per answer, ``<epoch> <peer> <slot>``: a slot is 1/rate s of the wall clock, so the logs of both hosts of a
pair merge into one record per path. For each episode and path:

* ``outage_ms`` - the longest silence (no answer) from the last answer before the failure to the restore, or to
  the end of the episode when the path never came back (``recovered`` false); ``outage_from_epoch`` and
  ``outage_to_epoch`` say where it lies;
* ``after_decision_ms`` - for a primary-side failure, from the management layer's decision (its switchover
  command starting) to the path's first answer after it, when the path was silent at the decision;
* ``lost`` - slots between the answers of the window that got no answer;
* ``verdict`` - ``ok`` (within the goal, 1 s by default), ``R10`` (over the goal, within the seed's 2 s), ``FAIL``;
  ``endpoint`` when the failed element is the path's own NIC (single-homed: no network can converge that).

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import bisect
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

__all__ = ["EPISODES", "FAILURES", "episodes", "parse", "path_answers", "path_figures", "report", "summary", "table"]

#: what each failure does: the drill's action (inventory argv template), its restore, which side it hits
FAILURES: t.Dict[str, t.Dict[str, t.Any]] = {
    "router_off": {"action": "router_off", "restore": "router_on", "side": "router"},
    "primary_sip_nic": {"action": "link_down", "restore": "link_up", "side": "primary", "network": "sip"},
    "primary_data_nic": {"action": "link_down", "restore": "link_up", "side": "primary", "network": "data"},
    "backup_sip_nic": {"action": "link_down", "restore": "link_up", "side": "backup", "network": "sip"},
    "backup_data_nic": {"action": "link_down", "restore": "link_up", "side": "backup", "network": "data"},
    "vlan_split": {"action": "split_on", "restore": "split_off", "side": "split"},
}
#: the drill's episodes in order: every router powered off in turn, then the NICs, then the VoIP VLAN split
EPISODES = ("router_off", "primary_sip_nic", "primary_data_nic", "backup_sip_nic", "backup_data_nic", "vlan_split")


def episodes(names: t.Any, routers: t.Sequence[str], split_router: t.Optional[str]) -> t.List[t.Dict[str, t.Any]]:
    """The episodes of a drill: ``names`` (a subset of EPISODES, in any order) -> one episode per failure, a
    router_off episode per router."""
    if names is None:
        names = list(EPISODES)
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise DesignError("sipha_drill_failures", "must be a list of failures (%s)" % ", ".join(EPISODES), names)
    unknown = [name for name in names if name not in FAILURES]
    if unknown:
        raise DesignError("sipha_drill_failures", "names %s; the failures are %s" % (", ".join(unknown),
                                                                                     ", ".join(EPISODES)), names)
    out: t.List[t.Dict[str, t.Any]] = []
    for name in names:
        failure = dict(FAILURES[name], failure=name)
        if name == "router_off":
            if not routers:
                raise DesignError("sipha_drill_failures", "router_off needs the routers behind the VoIP gateway "
                                  "(sipha_sip_network.gateway_routers)", show_value=False)
            out += [dict(failure, router=router, id="%s off" % router) for router in routers]
        elif name == "vlan_split":
            if split_router not in routers:
                raise DesignError("sipha_drill_split_router", "must be one of the routers behind the VoIP gateway "
                                  "(%s)" % ", ".join(routers), split_router)
            out.append(dict(failure, router=split_router, id="VoIP VLAN split from %s" % split_router))
        else:
            out.append(dict(failure, id="%s's %s NIC down" % (failure["side"], failure["network"])))
    return out


def parse(text: str, where: str) -> t.Dict[str, t.List[t.Tuple[float, int]]]:
    """A probe's log -> peer -> [(epoch, slot)], oldest first; ``reconnect`` lines are counted as slot -1."""
    out: t.Dict[str, t.List[t.Tuple[float, int]]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        try:
            epoch, peer, slot = float(parts[0]), parts[1], -1 if parts[2] == "reconnect" else int(parts[2])
        except (ValueError, IndexError):
            raise DesignError(where, "line %d is not '<epoch> <peer> <slot>'" % number, line)
        out.setdefault(peer, []).append((epoch, slot))
    for answers in out.values():
        answers.sort()
    return out


def path_answers(logs: t.Mapping[str, t.Mapping[str, t.Any]]) -> t.Dict[str, t.List[t.Tuple[float, int]]]:
    """Path name -> ``peer`` and ``logs`` (the probes' log texts) -> path name -> the peer's answers (epoch, slot),
    oldest first, every log of the path merged."""
    out: t.Dict[str, t.List[t.Tuple[float, int]]] = {}
    for name, spec in logs.items():
        answers: t.List[t.Tuple[float, int]] = []
        for index, text in enumerate(spec["logs"]):
            answers += parse(text, "%s log %d" % (name, index)).get(spec["peer"], [])
        out[name] = sorted(answers)
    return out


def path_figures(answers: t.Sequence[t.Tuple[float, int]], start: float, end: float,
                 decision: t.Optional[float] = None, rate: float = 100.0, from_start: bool = False
                 ) -> t.Dict[str, t.Any]:
    """One path's figures in the window [start, end) (epochs), from its answers (epoch, slot), oldest first.

    ``from_start``: a silence that began before the window counts from ``start`` (a restore is judged by what it
    caused, not by the failure before it)."""
    got = [a for a in answers if a[1] >= 0]
    epochs = [a[0] for a in got]
    before = bisect.bisect_left(epochs, start)
    inside = got[before:bisect.bisect_left(epochs, end)]
    previous = got[before - 1] if before else None
    reconnects = sum(1 for a in answers if a[1] < 0 and start <= a[0] < end)
    if previous is None:
        return {"outage_ms": None, "recovered": False, "lost": None, "after_decision_ms": None,
                "reconnects": reconnects, "note": "no answer before the failure", "outage_from_epoch": None,
                "outage_to_epoch": None}
    if from_start and previous[0] < start - 1.0 / rate * 3:
        previous = (start, inside[0][1] - 1 if inside else previous[1])
    chain = [previous] + inside
    recovered = bool(inside) and end - inside[-1][0] < 1.0
    tail = end - chain[-1][0]
    silences = [(a[0], b[0]) for a, b in zip(chain, chain[1:])] + ([(chain[-1][0], end)] if not recovered else [])
    longest = max(silences, key=lambda span: span[1] - span[0], default=None)
    outage = longest[1] - longest[0] if longest else 0.0
    slots = sorted({a[1] for a in chain})
    lost = sum(max(0, b - a - 1) for a, b in zip(slots, slots[1:]))
    if not recovered:
        lost += max(0, int(tail * rate) - 1)
    after = None
    if decision is not None and start <= decision < end:
        at = bisect.bisect_left(epochs, decision)
        silent = not at or decision - epochs[at - 1] > 0.1
        if silent and at < len(epochs) and epochs[at] < end:
            after = round((epochs[at] - decision) * 1000.0, 1)
    return {"outage_ms": round(outage * 1000.0, 1), "recovered": recovered, "lost": lost,
            "after_decision_ms": after, "reconnects": reconnects,
            "outage_from_epoch": longest[0] if longest else None, "outage_to_epoch": longest[1] if longest else None}


def _verdict(figures: t.Mapping[str, t.Any], goal_ms: float, seed_ms: float, judged: t.Optional[float]) -> str:
    if not figures["recovered"]:
        return "FAIL"
    value = figures["outage_ms"] if judged is None else judged
    if value is None:
        return "FAIL"
    return "ok" if value <= goal_ms else "R10" if value <= seed_ms else "FAIL"


def _first_after(answers: t.Sequence[t.Tuple[float, int]], when: float, end: float) -> t.Optional[float]:
    for epoch, slot in answers:
        if slot >= 0 and when <= epoch < end:
            return epoch
    return None


def _row(episode: t.Mapping[str, t.Any], phase: str, name: str, answers: t.Sequence[t.Tuple[float, int]],
         start: float, end: float, goal_ms: float, seed_ms: float, rate: float) -> t.Dict[str, t.Any]:
    side = episode["side"]
    decision = episode.get("decision") if phase == "failure" else None
    figures = path_figures(answers, start, end, decision, rate, from_start=phase in ("restore", "split, workaround"))
    row = dict(figures, episode=episode["id"], phase=phase, path=name)
    if name in episode.get("cut", []) and phase in ("failure", "restore"):
        # its own NIC failed: no network converges that; the restore shows how long the path took to come back
        row["verdict"] = "endpoint" if phase == "failure" or figures["recovered"] else "FAIL"
    elif phase == "split, no workaround":
        row["verdict"] = "down" if not figures["recovered"] else _verdict(figures, goal_ms, seed_ms, None)
    elif phase == "split, workaround":
        # a path the split cut: from the workaround's start to its first answer, judged against the workaround's own
        # run (its playbook returns once the routes are in place) plus the goal; a path never cut: by its outage
        first = _first_after(answers, start, end)
        last = _last_before(answers, start)
        if last is not None and start - last > 0.1 and first is not None:
            row["after_decision_ms"] = round((first - start) * 1000.0, 1)
            late = (first - episode["workaround"]["end"]) * 1000.0
            row["verdict"] = _verdict(figures, goal_ms, seed_ms, max(0.0, late))
        else:
            row["verdict"] = _verdict(figures, goal_ms, seed_ms, None)
    elif phase == "failure" and side == "primary" and figures["after_decision_ms"] is not None:
        row["verdict"] = _verdict(figures, goal_ms, seed_ms, figures["after_decision_ms"])
    else:
        row["verdict"] = _verdict(figures, goal_ms, seed_ms, None)
    return row


def _last_before(answers: t.Sequence[t.Tuple[float, int]], when: float) -> t.Optional[float]:
    found = None
    for epoch, slot in answers:
        if epoch >= when:
            break
        if slot >= 0:
            found = epoch
    return found


def report(timeline: t.Sequence[t.Mapping[str, t.Any]], paths: t.Mapping[str, t.Mapping[str, t.Any]],
           goal_ms: float = 1000.0, seed_ms: float = 2000.0, rate: float = 100.0) -> t.Dict[str, t.Any]:
    """The drill's figures and verdicts.

    ``timeline``: per episode (the timeline program's record) ``id``, ``side``, ``failed`` (epoch), ``decision``
    (epoch or None), ``workaround`` ({start, end} or None), ``restored``, ``end``, ``cut`` (paths whose own NIC
    failed). ``paths``: name -> {answers: [(epoch, slot)]}. Returns ``rows`` (one per episode, phase and path),
    ``failed`` (the FAIL rows, as lines) and ``split_effective`` (per split episode: whether some path was down
    until the workaround - the split was real)."""
    rows: t.List[t.Dict[str, t.Any]] = []
    effective: t.Dict[str, bool] = {}
    for episode in timeline:
        phases = [("failure", episode["failed"], episode["restored"])]
        if episode.get("workaround"):
            phases = [("split, no workaround", episode["failed"], episode["workaround"]["start"]),
                      ("split, workaround", episode["workaround"]["start"], episode["restored"])]
        phases.append(("restore", episode["restored"], episode["end"]))
        for phase, start, end in phases:
            for name in sorted(paths):
                rows.append(_row(episode, phase, name, paths[name]["answers"], start, end, goal_ms, seed_ms, rate))
        if episode.get("workaround"):
            effective[episode["id"]] = any(r["verdict"] == "down" for r in rows if r["episode"] == episode["id"])
    failed = ["%s (%s) %s: %s" % (r["episode"], r["phase"], r["path"], _figure(r)) for r in rows
              if r["verdict"] == "FAIL"]
    return {"rows": rows, "failed": failed, "split_effective": effective}


def _figure(row: t.Mapping[str, t.Any]) -> str:
    if row["outage_ms"] is None:
        return row.get("note", "no answer")
    text = "%s ms%s" % (row["outage_ms"], "" if row["recovered"] else " (not recovered)")
    if row["after_decision_ms"] is not None:
        text += ", %s ms after the decision" % row["after_decision_ms"]
    return text + ", %s lost" % row["lost"]


def table(rows: t.Sequence[t.Mapping[str, t.Any]]) -> t.List[str]:
    """The rows as a Markdown table: episode, phase, path, outage, after the decision, lost, verdict."""
    lines = ["| Failure | Phase | Path | Outage (ms) | After decision (ms) | Lost | Verdict |",
             "|---|---|---|---:|---:|---:|---|"]
    for r in rows:
        outage = "-" if r["outage_ms"] is None else "%s%s" % (r["outage_ms"], "" if r["recovered"] else "+")
        after = "-" if r["after_decision_ms"] is None else r["after_decision_ms"]
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (r["episode"], r["phase"], r["path"], outage, after,
                                                               "-" if r["lost"] is None else r["lost"], r["verdict"]))
    return lines


def _quantile(values: t.Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))]


def summary(rows: t.Sequence[t.Mapping[str, t.Any]]) -> t.List[str]:
    """Per failure and phase, over every round and path that the failure does not cut by itself: the judged figure
    (after the decision where there is one, else the outage) as median, p95 and max, the lost probes (max) and the
    verdicts counted - as a Markdown table."""
    groups: t.Dict[t.Tuple[str, str], t.List[t.Mapping[str, t.Any]]] = {}
    for row in rows:
        groups.setdefault((row["episode"], row["phase"]), []).append(row)
    lines = ["| Failure | Phase | Rows | Judged ms: median | p95 | max | Lost (max) | Verdicts |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for (episode, phase), members in groups.items():
        judged = [r for r in members if r["verdict"] not in ("endpoint", "down")]
        values = [float(r["after_decision_ms"] if r["after_decision_ms"] is not None else r["outage_ms"])
                  for r in judged if r["outage_ms"] is not None]
        counts: t.Dict[str, int] = {}
        for r in members:
            counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
        figures = ("%.1f" % _quantile(values, 0.5), "%.1f" % _quantile(values, 0.95), "%.1f" % max(values)) \
            if values else ("-", "-", "-")
        lost = max((r["lost"] for r in judged if r["lost"] is not None), default=0)
        lines.append("| %s | %s | %d | %s | %s | %s | %d | %s |" % (
            episode, phase, len(members), figures[0], figures[1], figures[2], lost,
            ", ".join("%s %d" % item for item in sorted(counts.items()))))
    return lines
