# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The health of one SIP host as Prometheus metrics, in the text exposition format node_exporter's textfile
collector reads (no I/O).

Every metric is named ``sipha_*`` with its unit in the name, and labelled ``pair`` and ``host`` (and ``router``
where it is a router's). A fact that was not read (the probe did not finish, no expectation is installed) is left
out rather than written as a guess; the ``*_checked`` gauges say which parts were judged. The alert rules shipped
with the collection (``prometheus/sipha_alerts.yml``) are written against these names.

Python 3.8+ standard library only: installed on SIP hosts as part of the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.health import Finding, holder_mac, overall

__all__ = ["METRICS", "exposition", "label_value"]

#: name -> (type, help); the order of the file
METRICS: t.Dict[str, t.Tuple[str, str]] = {
    "sipha_check_status": ("gauge", "State of the sipha-vip health check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."),
    "sipha_check_duration_seconds": ("gauge", "How long the health check took."),
    "sipha_check_timestamp_seconds": ("gauge", "When the health check read the host (Unix time)."),
    "sipha_vip_nic_up": ("gauge", "1 if the SIP NIC is up (the VIP can be held and announced)."),
    "sipha_vip_held": ("gauge", "1 if this host holds the VIP."),
    "sipha_vip_other_holders": ("gauge", "Other hosts that answered an ARP probe for the VIP, seen from this host."),
    "sipha_router_flushable": ("gauge", "1 if the router answered a harmless request over the flush account now."),
    "sipha_router_warm": ("gauge", "1 if the request went through a warm (already open) connection."),
    "sipha_router_probe_seconds": ("gauge", "How long the router took to answer the harmless request."),
    "sipha_router_stale_entry": ("gauge", "1 if the router resolves the VIP to a MAC that is not its holder's."),
    "sipha_design_checked": ("gauge", "1 if the designed network (network.json) was compared with the kernel."),
    "sipha_design_drift_items": ("gauge", "Designed addresses, routes, rules (critical) and ARP sysctls (warning) "
                                          "missing or different."),
    "sipha_marking_checked": ("gauge", "1 if the DSCP marking table was read."),
    "sipha_marking_table_present": ("gauge", "1 if the DSCP marking table is loaded."),
    "sipha_marking_packets_total": ("counter", "Packets counted by the DSCP marking rules."),
    "sipha_marking_idle_seconds": ("gauge", "Seconds since the marking rules' counters last moved, as seen by the "
                                            "checks on this host."),
    "sipha_takeover_last_timestamp_seconds": ("gauge", "When the last sipha-vip up on this host started (Unix time)."),
    "sipha_takeover_last_duration_seconds": ("gauge", "The last up, from the program's start until the VIP was "
                                                      "announced and every router flushed."),
    "sipha_takeover_last_exit_code": ("gauge", "Exit code of the last sipha-vip up on this host."),
    "sipha_takeover_last_routers_failed": ("gauge", "Routers the last sipha-vip up on this host could not flush."),
}


def label_value(text: str) -> str:
    """A label value escaped as the exposition format wants (backslash, double quote, line feed)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: t.Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(int(value))


def exposition(facts: t.Mapping[str, t.Any], findings: t.Sequence[Finding]) -> str:
    """The metrics file's text for one host's facts and findings."""
    base = [("pair", facts.get("pair") or ""), ("host", facts.get("host") or "")]
    samples: t.Dict[str, t.List[t.Tuple[t.List[t.Tuple[str, str]], t.Any]]] = {name: [] for name in METRICS}

    def add(name: str, value: t.Any, **labels: str) -> None:
        samples[name].append((base + sorted(labels.items()), value))

    add("sipha_check_status", overall(findings))
    if facts.get("duration_s") is not None:
        add("sipha_check_duration_seconds", float(facts["duration_s"]))
    add("sipha_check_timestamp_seconds", float(facts.get("now", 0.0)))
    if not facts.get("config_error"):
        add("sipha_vip_nic_up", facts.get("nic") == "up")
        add("sipha_vip_held", bool(facts.get("held")))
        if facts.get("others") is not None:
            add("sipha_vip_other_holders", len(facts["others"]))
    _routers(facts, add)
    network = facts.get("network")
    add("sipha_design_checked", network is not None and not network.get("error"))
    if network is not None and not network.get("error"):
        drift = network.get("drift") or []
        for severity in ("critical", "warning"):
            add("sipha_design_drift_items", sum(1 for item in drift if item[0] == severity), severity=severity)
    marking = facts.get("marking")
    add("sipha_marking_checked", marking is not None and marking.get("present") is not None)
    if marking is not None and marking.get("present") is not None:
        add("sipha_marking_table_present", bool(marking["present"]))
        if marking["present"]:
            add("sipha_marking_packets_total", marking.get("packets", 0))
            if marking.get("idle_s") is not None:
                add("sipha_marking_idle_seconds", float(marking["idle_s"]))
    takeover = facts.get("takeover")
    if takeover:
        add("sipha_takeover_last_timestamp_seconds", float(takeover.get("epoch") or 0.0))
        if takeover.get("duration_ms") is not None:
            add("sipha_takeover_last_duration_seconds", takeover["duration_ms"] / 1000.0)
        add("sipha_takeover_last_exit_code", takeover.get("exit") or 0)
        add("sipha_takeover_last_routers_failed", len(takeover.get("routers_failed") or []))
    lines = []
    for name, (kind, text) in METRICS.items():
        if not samples[name]:
            continue
        lines += ["# HELP %s %s" % (name, text), "# TYPE %s %s" % (name, kind)]
        for labels, value in samples[name]:
            lines.append("%s{%s} %s" % (name, ",".join('%s="%s"' % (key, label_value(val)) for key, val in labels),
                                        _number(value)))
    return "\n".join(lines) + "\n"


def _routers(facts: t.Mapping[str, t.Any], add: t.Callable[..., None]) -> None:
    holder = holder_mac(facts)
    for router in facts.get("routers") or []:
        if router.get("ok") is None:
            continue
        name = router["name"]
        add("sipha_router_flushable", bool(router["ok"]), router=name)
        add("sipha_router_warm", router.get("via") == "warm", router=name)
        if router.get("ok") and router.get("took_ms") is not None:
            add("sipha_router_probe_seconds", router["took_ms"] / 1000.0, router=name)
        if router.get("ok") and holder:
            add("sipha_router_stale_entry", bool(router.get("entry_mac")) and router["entry_mac"] != holder,
                router=name)
