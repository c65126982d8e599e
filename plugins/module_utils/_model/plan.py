# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plan the change from current to desired kernel state (no I/O).

A plan is an ordered list of steps, each with the ``ip`` arguments that do it,
the ``ip`` arguments that undo it (for a self-reverting apply), and a line
for the diff. Adds come before deletes, addresses before routes before rules,
so a host never passes through a state with fewer paths than either end.

Scope: only objects a caller says it manages can be deleted, and only in
authoritative mode; routes the kernel made (``proto kernel``) never are.
Rules that appear more than once (the kernel allows identical rules) are
reduced to one in authoritative mode.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import collections
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.kernel import Address, Route, Rule, TableMap

__all__ = ["ORDER", "Plan", "Step", "plan_addresses", "plan_mtu", "plan_routes", "plan_rules"]

ORDER = {"mtu": 0, "addr+": 1, "route~": 2, "route+": 2, "rule+": 3, "rule-": 4, "route-": 5, "addr-": 6,
         "sysctl": 7}


class Step(t.NamedTuple):
    kind: str                    # key of ORDER
    do: t.Tuple[str, ...]        # ip arguments (without "ip")
    undo: t.Tuple[str, ...]      # ip arguments that restore the previous state
    line: str                    # diff line, starting with +, - or ~


class Plan:
    def __init__(self) -> None:
        self.steps: t.List[Step] = []

    def add(self, kind: str, do: t.Sequence[str], undo: t.Sequence[str], line: str) -> None:
        self.steps.append(Step(kind, tuple(do), tuple(undo), line))

    def extend(self, other: "Plan") -> None:
        self.steps.extend(other.steps)

    def ordered(self) -> t.List[Step]:
        return sorted(self.steps, key=lambda s: ORDER[s.kind])

    def __bool__(self) -> bool:
        return bool(self.steps)

    def diff_lines(self) -> t.List[str]:
        return [s.line for s in self.ordered()]

    def commands(self) -> t.List[t.List[str]]:
        return [list(s.do) for s in self.ordered()]

    def undo_commands(self) -> t.List[t.List[str]]:
        """Undo in reverse order of doing."""
        return [list(s.undo) for s in reversed(self.ordered()) if s.undo]


def plan_routes(desired: t.Sequence[Route], current: t.Sequence[Route], tables: TableMap,
                managed: t.Callable[[Route], bool], authoritative: bool,
                protocols: t.Optional[t.Mapping[t.Tuple[int, str, int], str]] = None) -> Plan:
    plan = Plan()
    protocols = protocols or {}
    by_key: t.Dict[t.Tuple[int, str, int], Route] = {}
    for route in current:
        by_key.setdefault(route.key, route)
    wanted_keys = set()
    for route in desired:
        wanted_keys.add(route.key)
        have = by_key.get(route.key)
        if have == route:
            continue
        if have is None:
            plan.add("route+", ["-4", "route", "replace"] + route.argv(tables),
                     ["-4", "route", "del"] + route.argv(tables), "+ route %s" % route.describe(tables))
        else:
            plan.add("route~", ["-4", "route", "replace"] + route.argv(tables),
                     ["-4", "route", "replace"] + have.argv(tables),
                     "~ route %s (was: %s)" % (route.describe(tables), have.describe(tables)))
    if authoritative:
        for route in current:
            if route.key in wanted_keys or not managed(route) or protocols.get(route.key) == "kernel":
                continue
            plan.add("route-", ["-4", "route", "del"] + route.argv(tables),
                     ["-4", "route", "replace"] + route.argv(tables), "- route %s" % route.describe(tables))
    return plan


def plan_rules(desired: t.Sequence[Rule], current: t.Sequence[Rule], tables: TableMap,
               managed: t.Callable[[Rule], bool], authoritative: bool) -> Plan:
    plan = Plan()
    counts = collections.Counter(current)
    for rule in desired:
        if counts[rule] == 0:
            plan.add("rule+", ["-4", "rule", "add"] + rule.argv(), ["-4", "rule", "del"] + rule.argv(),
                     "+ rule %s" % rule.describe(tables))
    if authoritative:
        for rule, count in sorted(counts.items()):
            extra = count - 1 if rule in desired else (count if managed(rule) else 0)
            for dummy in range(extra):
                plan.add("rule-", ["-4", "rule", "del"] + rule.argv(), ["-4", "rule", "add"] + rule.argv(),
                         "- rule %s%s" % (rule.describe(tables), " (duplicate)" if rule in desired else ""))
    return plan


def plan_addresses(desired: t.Sequence[Address], links: t.Mapping[str, t.Mapping[str, t.Any]],
                   authoritative: bool, keep: t.Iterable[str] = ()) -> Plan:
    """Addresses on the NICs named in ``desired``; ``keep`` (IPs) are never removed."""
    plan = Plan()
    keep_ips = {k.split("/")[0] for k in keep}
    wanted = collections.defaultdict(list)
    for address in desired:
        wanted[address.dev].append(address.address)
    for dev, addresses in wanted.items():
        have = list(links.get(dev, {}).get("addresses", []))
        for address in addresses:
            if address not in have:
                args = Address(dev, address).argv()
                plan.add("addr+", ["addr", "add"] + args, ["addr", "del"] + args, "+ address %s dev %s" % (address, dev))
        if authoritative:
            wanted_ips = {a.split("/")[0] for a in addresses}
            for address in have:
                ip = address.split("/")[0]
                if address in addresses or ip in keep_ips:
                    continue
                note = " (prefix length differs)" if ip in wanted_ips else ""
                args = Address(dev, address).argv()
                plan.add("addr-", ["addr", "del"] + args, ["addr", "add"] + args,
                         "- address %s dev %s%s" % (address, dev, note))
    return plan


def plan_mtu(dev: str, mtu: t.Optional[int], links: t.Mapping[str, t.Mapping[str, t.Any]]) -> Plan:
    plan = Plan()
    have = links.get(dev, {}).get("mtu")
    if mtu is not None and have != mtu:
        plan.add("mtu", ["link", "set", "dev", dev, "mtu", str(mtu)],
                 ["link", "set", "dev", dev, "mtu", str(have)] if have else [],
                 "~ mtu %s %s (was %s)" % (dev, mtu, have))
    return plan
