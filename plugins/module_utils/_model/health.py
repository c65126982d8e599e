# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The health of one SIP host of a pair, judged from what ``sipha-vip check`` read (no I/O).

The facts are a plain dictionary (``sipha-vip --json check`` prints it); ``judge`` turns them into findings, each
with a monitoring-plugins state, and ``plugin_output`` into the output Nagios, Icinga and their kin read: one status
line with performance data, then one line per finding.

States (the monitoring-plugins convention): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. The overall state is the worst
finding's, in the order OK < WARNING < UNKNOWN < CRITICAL (a part that could not be read never hides a critical
one, and is not hidden by a warning).

Python 3.8+ standard library only: installed on SIP hosts as part of the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

__all__ = ["CRITICAL", "Finding", "NAMES", "OK", "SEVERITY", "UNKNOWN", "WARNING", "holder_mac", "judge", "overall",
           "perfdata", "plugin_output", "takeover_summary"]

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}
#: how bad each state is, for the overall state
SEVERITY = {OK: 0, WARNING: 1, UNKNOWN: 2, CRITICAL: 3}

Facts = t.Mapping[str, t.Any]


class Finding(t.NamedTuple):
    area: str       # vip, router <name>, design, marking, takeover, config, check
    state: int
    text: str

    def as_dict(self) -> t.Dict[str, t.Any]:
        return {"area": self.area, "state": NAMES[self.state], "text": self.text}


def _vip(facts: Facts) -> t.List[Finding]:
    vip, nic = facts.get("vip"), facts.get("interface")
    if facts.get("nic") != "up":
        return [Finding("vip", CRITICAL, "the SIP NIC %s is %s: this host can neither hold nor take %s"
                        % (nic, facts.get("nic") or "unreadable", vip))]
    others = facts.get("others")
    if others is None:
        return [Finding("vip", UNKNOWN, "%s %s; who else answers for it was not probed: %s" % (
            "holds" if facts.get("held") else "does not hold", vip, facts.get("probe_error") or "no answer in time"))]
    if facts.get("held"):
        if others:
            return [Finding("vip", CRITICAL, "split brain: this host holds %s and %s also answer%s for it (the "
                            "routers follow the last announcement; reconcile the pair)" % (
                                vip, ", ".join(others), "s" if len(others) == 1 else ""))]
        return [Finding("vip", OK, "holds %s on %s; no other host answers for it" % (vip, nic))]
    if not others:
        return [Finding("vip", CRITICAL, "%s is held by no host: nothing answered an ARP probe for it on %s"
                        % (vip, nic))]
    if len(others) > 1:
        return [Finding("vip", CRITICAL, "split brain: %d hosts answer for %s (%s)"
                        % (len(others), vip, ", ".join(others)))]
    return [Finding("vip", OK, "standby; %s is held by %s" % (vip, others[0]))]


def holder_mac(facts: Facts) -> t.Optional[str]:
    """The MAC the routers should have for the VIP, when exactly one host holds it."""
    others = facts.get("others") or []
    if facts.get("held") and not others:
        return facts.get("mac")
    if not facts.get("held") and len(others) == 1:
        return others[0]
    return None


def _routers(facts: Facts) -> t.List[Finding]:
    routers = facts.get("routers")
    if routers is None:
        return []
    holder = holder_mac(facts)
    out = []
    # the standby flushes at the next failover: a router it cannot flush keeps the old MAC (4 h on IOS)
    cannot = WARNING if facts.get("held") else CRITICAL
    for router in routers:
        area = "router %s" % router["name"]
        if router.get("ok") is None:
            out.append(Finding(area, UNKNOWN, "not probed within the check's time bound"))
        elif not router["ok"]:
            out.append(Finding(area, cannot, "cannot be flushed from this host: %s" % (router.get("error") or "?")))
        elif holder and router.get("entry_mac") and router["entry_mac"] != holder:
            out.append(Finding(area, CRITICAL, "resolves %s to %s, not to its holder's %s: it was not flushed at the "
                               "last takeover (run sipha-vip up on the holder)" % (
                                   facts.get("vip"), router["entry_mac"], holder)))
        else:
            entry = router.get("entry_mac")
            out.append(Finding(area, OK, "flushable (%s, %s ms)%s" % (
                router.get("via") or "fresh", router.get("took_ms"),
                "" if not entry else "; its entry for the VIP is the holder's" if entry == holder
                else "; it resolves the VIP to %s" % entry)))
    return out


def _design(facts: Facts) -> t.List[Finding]:
    network = facts.get("network")
    if network is None:
        return [Finding("design", OK, "no expectations installed (sip_host_network not applied here): not checked")]
    if network.get("error"):
        return [Finding("design", UNKNOWN, network["error"])]
    drift = network.get("drift") or []
    if not drift:
        return [Finding("design", OK, "addresses, routes, policy rules and ARP sysctls as designed (%d checked)"
                        % network.get("checked", 0))]
    state = CRITICAL if any(severity == "critical" for severity, _line in drift) else WARNING
    return [Finding("design", state, "%d difference(s) from the design: %s" % (
        len(drift), "; ".join(line for _severity, line in drift)))]


def _marking(facts: Facts, limits: Facts) -> t.List[Finding]:
    marking = facts.get("marking")
    if marking is None:
        return [Finding("marking", OK, "no marking expectation installed (sip_qos not applied here): not checked")]
    if marking.get("error"):
        return [Finding("marking", CRITICAL if marking.get("present") is False else UNKNOWN, marking["error"])]
    idle = marking.get("idle_s")
    packets = marking.get("packets", 0)
    if marking.get("counters") is False:
        return [Finding("marking", OK, "table %s present (its rules have no counters: whether it marks is not "
                        "judged)" % marking["table"])]
    if facts.get("held") and idle is not None and idle >= limits["marking_idle_s"]:
        return [Finding("marking", WARNING, "table %s counted no packet for %d s while this host holds the VIP "
                        "(%d in all): SIP and RTP are not being marked, or no SIP traffic reaches the VIP"
                        % (marking["table"], idle, packets))]
    return [Finding("marking", OK, "table %s present, %d packets counted%s" % (
        marking["table"], packets, "" if idle is None else "; counters moved since the last reading" if not idle
        else "; counters unchanged for %d s" % idle))]


def takeover_summary(takeover: Facts) -> str:
    parts = ["VIP announced at +%s ms" % takeover["announced_ms"]] if takeover.get("announced_ms") is not None else []
    if takeover.get("flushed_ms") is not None:
        parts.append("every router flushed at +%s ms" % takeover["flushed_ms"])
    return ", ".join(parts) or "no step timings"


def _takeover(facts: Facts, limits: Facts) -> t.List[Finding]:
    takeover = facts.get("takeover")
    if not takeover:
        return [Finding("takeover", OK, "no takeover recorded on this host")]
    age = takeover.get("age_s", 0)
    when = "%d s ago" % age
    recent = age <= limits["takeover_recent_s"]
    problems = []
    if takeover.get("exit"):
        problems.append("exit %s (%s)" % (takeover["exit"], takeover.get("error") or "see sipha-vip status"))
    if takeover.get("routers_failed"):
        problems.append("not flushed: %s" % ", ".join(takeover["routers_failed"]))
    duration = takeover.get("duration_ms")
    if duration is not None and duration > limits["takeover_warn_ms"]:
        problems.append("took %s ms (above %d ms)" % (duration, limits["takeover_warn_ms"]))
    text = "last up %s: %s" % (when, takeover_summary(takeover))
    if problems:
        return [Finding("takeover", WARNING if recent else OK, "%s; %s" % (text, "; ".join(problems)))]
    return [Finding("takeover", OK, text)]


def judge(facts: Facts, limits: Facts) -> t.List[Finding]:
    """Every finding, in the order of the output. ``limits``: the monitor section (thresholds)."""
    out = [Finding("config", CRITICAL, "the takeover program's config does not fit this host: %s"
                   % facts["config_error"])] if facts.get("config_error") else []
    out += _vip(facts) + _routers(facts) + _design(facts) + _marking(facts, limits) + _takeover(facts, limits)
    for part in facts.get("unfinished") or []:
        out.append(Finding("check", UNKNOWN, "%s did not finish within the check's bound of %d ms"
                           % (part, limits["timeout_ms"])))
    return out


def overall(findings: t.Sequence[Finding]) -> int:
    return max((finding.state for finding in findings), key=lambda state: SEVERITY[state], default=UNKNOWN)


def _perf(label: str, value: t.Any, unit: str = "", warn: str = "", crit: str = "", low: str = "",
          high: str = "") -> str:
    return "'%s'=%s%s;%s;%s;%s;%s" % (label, value, unit, warn, crit, low, high)


def perfdata(facts: Facts, limits: Facts) -> t.List[str]:
    """Performance data (label=value[UOM];warn;crit;min;max), numbers only where they were read."""
    out = []
    if facts.get("nic") == "up":
        out.append(_perf("vip_held", int(bool(facts.get("held"))), low="0", high="1"))
    if facts.get("others") is not None:
        out.append(_perf("other_holders", len(facts["others"]), low="0"))
    routers = facts.get("routers") or []
    if routers:
        flushable = sum(1 for router in routers if router.get("ok"))
        out.append(_perf("routers_flushable", flushable, low="0", high=str(len(routers))))
        out += [_perf("router_%s" % router["name"], router["took_ms"], "ms", low="0")
                for router in routers if router.get("ok") and router.get("took_ms") is not None]
    network = facts.get("network")
    if network is not None and not network.get("error"):
        out.append(_perf("drift", len(network.get("drift") or []), warn="0", crit="0", low="0"))
    marking = facts.get("marking")
    if marking is not None and marking.get("present"):
        out.append(_perf("marking_packets", marking.get("packets", 0), "c", low="0"))
    takeover = facts.get("takeover") or {}
    if takeover.get("duration_ms") is not None:
        out.append(_perf("takeover", takeover["duration_ms"], "ms", warn=str(limits["takeover_warn_ms"]), low="0"))
    if facts.get("duration_s") is not None:
        out.append(_perf("check_time", facts["duration_s"], "s", crit="%g" % (limits["timeout_ms"] / 1000.0),
                         low="0"))
    return out


def plugin_output(facts: Facts, findings: t.Sequence[Finding], limits: Facts) -> str:
    """The status line (state, what is wrong or what holds, performance data), then one line per finding."""
    state = overall(findings)
    bad = [finding for finding in findings if finding.state != OK]
    shown = bad if bad else [finding for finding in findings if finding.area == "vip"] or list(findings[:1])
    where = "%s on %s" % (facts.get("pair") or "pair", facts.get("host") or "this host")
    summary = "; ".join("%s: %s" % (finding.area, finding.text) for finding in shown)
    line = "SIPHA-VIP %s - %s: %s" % (NAMES[state], where, summary.replace("|", "/"))
    perf = perfdata(facts, limits)
    lines = [line + (" | " + " ".join(perf) if perf else "")]
    lines += ["[%s] %s: %s" % (NAMES[finding.state], finding.area, finding.text.replace("|", "/"))
              for finding in findings]
    return "\n".join(lines) + "\n"
