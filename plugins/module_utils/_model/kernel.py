# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Kernel network objects (addresses, routes, rules) in one normal form (no I/O).

``ip -json`` prints the same thing in several ways: a main-table route has no
``table`` key, a table may be a name or a number, a /32 rule source has no
``srclen``, a metric of 0 is often omitted, a host route has no prefix length.
Everything here is normalised so that desired and current state compare as
plain tuples.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import typing as t

__all__ = ["Address", "RESERVED_TABLES", "Route", "Rule", "SCOPES", "TableMap", "parse_addresses", "parse_routes",
           "parse_rules", "route_protocols"]

RESERVED_TABLES = {"local": 255, "main": 254, "default": 253, "unspec": 0}


class TableMap:
    """Table names <-> numbers (reserved ones plus those of the design)."""

    def __init__(self, names: t.Optional[t.Mapping[str, int]] = None) -> None:
        self.by_name: t.Dict[str, int] = dict(RESERVED_TABLES)
        self.by_name.update(names or {})

    def number(self, table: t.Any) -> int:
        if table is None or table == "":
            return RESERVED_TABLES["main"]
        if isinstance(table, int):
            return table
        text = str(table)
        if text.isdigit():
            return int(text)
        if text in self.by_name:
            return self.by_name[text]
        raise ValueError("unknown route table %r" % text)

    def name(self, number: int) -> str:
        for name, value in self.by_name.items():
            if value == number and name != "unspec":
                return name
        return str(number)


SCOPES = {"253": "link", "254": "host", "link": "link", "host": "host"}   # ip -N prints numbers


def _prefix(text: str, default_len: t.Optional[int] = None) -> str:
    if text == "default":
        return "0.0.0.0/0"
    if "/" not in text and default_len is not None:
        text = "%s/%d" % (text, default_len)
    return str(ipaddress.ip_network(text, strict=False))


class Route(t.NamedTuple):
    table: int
    dst: str            # network in CIDR form; default is 0.0.0.0/0
    dev: str
    gateway: t.Optional[str] = None
    prefsrc: t.Optional[str] = None
    metric: int = 0
    scope: str = "universe"

    @property
    def key(self) -> t.Tuple[int, str, int]:
        """What the kernel treats as the same route: table, prefix, metric."""
        return (self.table, self.dst, self.metric)

    def _middle(self) -> t.List[str]:
        out = ["via", self.gateway] if self.gateway else []
        out += ["dev", self.dev]
        if self.scope != "universe":
            out += ["scope", self.scope]
        if self.prefsrc:
            out += ["src", self.prefsrc]
        return out

    def describe(self, tables: TableMap) -> str:
        """As ``ip route show`` would print it (defaults left out, table by name)."""
        parts = ["default" if self.dst == "0.0.0.0/0" else self.dst] + self._middle()
        if self.metric:
            parts += ["metric", str(self.metric)]
        if self.table != RESERVED_TABLES["main"]:
            parts += ["table", tables.name(self.table)]
        return " ".join(parts)

    def argv(self, tables: t.Optional[TableMap] = None) -> t.List[str]:
        """Arguments after ``ip -4 route add|replace|del``, everything explicit and numeric."""
        return [self.dst] + self._middle() + ["metric", str(self.metric), "table", str(self.table)]


class Rule(t.NamedTuple):
    priority: int
    src: str            # CIDR; 0.0.0.0/0 for "all"
    table: int

    def describe(self, tables: TableMap) -> str:
        src = "all" if self.src == "0.0.0.0/0" else self.src.replace("/32", "")
        return "%d: from %s lookup %s" % (self.priority, src, tables.name(self.table))

    def argv(self) -> t.List[str]:
        return ["priority", str(self.priority), "from", self.src, "lookup", str(self.table)]


class Address(t.NamedTuple):
    dev: str
    address: str        # interface form, e.g. 198.51.100.11/25

    def argv(self) -> t.List[str]:
        return [self.address, "dev", self.dev]


# ---- parsing ip -json output ------------------------------------------------

def parse_routes(data: t.Sequence[t.Mapping[str, t.Any]], tables: TableMap) -> t.List[Route]:
    """IPv4 unicast routes of ``ip -4 -json route show table all`` (local/broadcast dropped)."""
    routes = []
    for item in data:
        if item.get("type", "unicast") != "unicast":
            continue
        dst = item.get("dst", "default")
        if ":" in dst:
            continue
        routes.append(Route(
            table=tables.number(item.get("table", "main")),
            dst=_prefix(dst, 32),
            dev=item.get("dev", ""),
            gateway=item.get("gateway"),
            prefsrc=item.get("prefsrc"),
            metric=int(item.get("metric", 0)),
            scope=SCOPES.get(str(item.get("scope", "universe")), "universe"),
        ))
    return routes


def route_protocols(data: t.Sequence[t.Mapping[str, t.Any]], tables: TableMap) -> t.Dict[t.Tuple[int, str, int], str]:
    """Protocol (kernel, static, boot, dhcp...) of each route, by route key."""
    out = {}
    for item in data:
        if item.get("type", "unicast") != "unicast" or ":" in item.get("dst", ""):
            continue
        key = (tables.number(item.get("table", "main")), _prefix(item.get("dst", "default"), 32),
               int(item.get("metric", 0)))
        protocol = str(item.get("protocol", "boot"))
        out[key] = "kernel" if protocol == "2" else protocol   # ip -N prints protocol numbers
    return out


def parse_rules(data: t.Sequence[t.Mapping[str, t.Any]], tables: TableMap) -> t.List[Rule]:
    """IPv4 rules of ``ip -4 -json rule``; only plain 'from X lookup T' rules are modelled."""
    rules = []
    for item in data:
        src = item.get("src", "all")
        if src == "all":
            cidr = "0.0.0.0/0"
        else:
            cidr = _prefix("%s/%s" % (src, item.get("srclen", 32)))
        rules.append(Rule(priority=int(item.get("priority", 0)), src=cidr, table=tables.number(item.get("table", "main"))))
    return rules


def parse_addresses(data: t.Sequence[t.Mapping[str, t.Any]]) -> t.Dict[str, t.Dict[str, t.Any]]:
    """Per interface: mac, mtu and IPv4 global addresses (interface form) of ``ip -json addr``."""
    out = {}
    for link in data:
        out[link["ifname"]] = {
            "mac": (link.get("address") or "").lower(),
            "mtu": int(link.get("mtu", 0)),
            "addresses": ["%s/%d" % (a["local"], a["prefixlen"]) for a in link.get("addr_info", [])
                          if a.get("family") == "inet" and a.get("scope", "global") == "global"],
        }
    return out
