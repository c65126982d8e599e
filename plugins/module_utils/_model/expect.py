# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the roles built, as the monitoring check compares it with the host (no I/O).

The roles leave their expectations on the host (``/etc/sipha/monitor.d``): ``network.json`` from sip_host_network
(the addresses, routes, policy rules and ARP sysctls of the design, with the NIC names resolved on the host) and
``marking.json`` from sip_qos (the marking table). ``sipha-vip check`` and the refresh timer read them and the
kernel, and report what is missing or different with the same planning code the host modules use, so "no drift"
here means the modules would add nothing.

Python 3.8+ standard library only: installed on SIP hosts as part of the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.drift import drift_lines
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.kernel import (
    SCOPES, Address, Route, Rule, TableMap, parse_addresses, parse_routes, parse_rules)
from ansible_collections.sipha.network.plugins.module_utils._model.plan import (
    plan_addresses, plan_routes, plan_rules)

__all__ = ["EXPECT_VERSION", "Marking", "NetworkExpect", "load_marking", "load_network", "marking_expectation",
           "marking_packets", "network_drift", "network_expectation"]

EXPECT_VERSION = 1
#: the settings whose drift is a warning (ARP flux); a missing address, route or rule is critical (SIP breaks)
SYSCTL_SETTINGS = ("arp_ignore", "arp_announce", "rp_filter", "arp_accept", "promote_secondaries")


class NetworkExpect(t.NamedTuple):
    tables: TableMap
    addresses: t.Tuple[Address, ...]
    routes: t.Tuple[Route, ...]
    rules: t.Tuple[Rule, ...]
    #: (interface, setting) -> value
    sysctls: t.Tuple[t.Tuple[t.Tuple[str, str], int], ...]


class Marking(t.NamedTuple):
    family: str
    table: str
    #: whether its rules count packets (sip_qos_counters): without counters, their movement is not judged
    counters: bool = True


# ---- written by the roles ---------------------------------------------------------------------------------------

def network_expectation(tables: t.Mapping[str, int], addresses: t.Sequence[Address], routes: t.Sequence[Route],
                        rules: t.Sequence[Rule], sysctls: t.Mapping[t.Tuple[str, str], int]) -> t.Dict[str, t.Any]:
    """The content of network.json: the design's kernel objects on this host (NIC names resolved)."""
    return {
        "version": EXPECT_VERSION,
        "tables": dict(sorted(tables.items())),
        "addresses": [{"dev": a.dev, "address": a.address} for a in addresses],
        "routes": [dict(route._asdict()) for route in routes],
        "rules": [dict(rule._asdict()) for rule in rules],
        "sysctls": {"%s/%s" % key: value for key, value in sorted(sysctls.items())},
    }


def marking_expectation(family: str, table: str, counters: bool = True) -> t.Dict[str, t.Any]:
    """The content of marking.json: the nftables table whose rules mark SIP and RTP."""
    return {"version": EXPECT_VERSION, "family": family, "table": table, "counters": counters}


# ---- read by the check --------------------------------------------------------------------------------------------

def _version(data: t.Any, what: str) -> t.Dict[str, t.Any]:
    if not isinstance(data, dict):
        raise DesignError(what, "must be a JSON object", show_value=False)
    if data.get("version") != EXPECT_VERSION:
        raise DesignError(what + ".version", "must be %d" % EXPECT_VERSION, data.get("version"))
    return data


def _list(data: t.Mapping[str, t.Any], key: str, what: str) -> t.List[t.Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise DesignError("%s.%s" % (what, key), "must be a list", value)
    return value


def _cidr(value: t.Any, field: str, network: bool) -> str:
    try:
        parsed = ipaddress.IPv4Network(value, strict=True) if network else ipaddress.IPv4Interface(value)
    except (TypeError, ValueError):
        raise DesignError(field, "must be an IPv4 %s in CIDR form" % ("network" if network else "address"), value)
    if not network and "/" not in str(value):
        raise DesignError(field, "must carry its prefix length", value)
    return str(parsed)


def _table(value: t.Any, field: str) -> int:
    return v.whole_number(value, field, 0, 2 ** 32 - 1)


def load_network(data: t.Any) -> NetworkExpect:
    """Validate network.json's content (each value as the modules would accept it)."""
    what = "network.json"
    data = _version(data, what)
    tables = data.get("tables", {})
    if not isinstance(tables, dict):
        raise DesignError(what + ".tables", "must map table names to numbers", tables)
    names = {v.identifier(name, "%s.tables" % what): _table(number, "%s.tables.%s" % (what, name))
             for name, number in tables.items()}
    addresses = tuple(Address(v.interface_name(item.get("dev"), "%s.addresses[%d].dev" % (what, i)),
                              _cidr(item.get("address"), "%s.addresses[%d].address" % (what, i), False))
                      for i, item in enumerate(_dicts(_list(data, "addresses", what), what + ".addresses")))
    routes = []
    for i, item in enumerate(_dicts(_list(data, "routes", what), what + ".routes")):
        field = "%s.routes[%d]" % (what, i)
        gateway, prefsrc = item.get("gateway"), item.get("prefsrc")
        routes.append(Route(
            table=_table(item.get("table"), field + ".table"), dst=_cidr(item.get("dst"), field + ".dst", True),
            dev=v.interface_name(item.get("dev"), field + ".dev"),
            gateway=v.ipv4_address(gateway, field + ".gateway") if gateway is not None else None,
            prefsrc=v.ipv4_address(prefsrc, field + ".prefsrc") if prefsrc is not None else None,
            metric=v.whole_number(item.get("metric", 0), field + ".metric", 0, 2 ** 32 - 1),
            scope=_scope(item.get("scope", "universe"), field + ".scope")))
    rules = tuple(Rule(v.whole_number(item.get("priority"), "%s.rules[%d].priority" % (what, i), 0, 32767),
                       _cidr(item.get("src"), "%s.rules[%d].src" % (what, i), True),
                       _table(item.get("table"), "%s.rules[%d].table" % (what, i)))
                  for i, item in enumerate(_dicts(_list(data, "rules", what), what + ".rules")))
    sysctls = data.get("sysctls", {})
    if not isinstance(sysctls, dict):
        raise DesignError(what + ".sysctls", "must map 'interface/setting' to a number", sysctls)
    settings = []
    for key, value in sorted(sysctls.items()):
        field = "%s.sysctls.%s" % (what, key)
        nic, _slash, setting = str(key).rpartition("/")
        if setting not in SYSCTL_SETTINGS:
            raise DesignError(field, "must name one of %s" % ", ".join(SYSCTL_SETTINGS), key)
        if nic != "all":
            v.interface_name(nic, field)
        settings.append(((nic, setting), v.whole_number(value, field, 0, 8)))
    return NetworkExpect(TableMap(names), addresses, tuple(routes), rules, tuple(settings))


def _dicts(items: t.List[t.Any], field: str) -> t.List[t.Dict[str, t.Any]]:
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise DesignError("%s[%d]" % (field, index), "must be a JSON object", item)
    return items


def _scope(value: t.Any, field: str) -> str:
    if value != "universe" and value not in SCOPES.values():
        raise DesignError(field, "must be universe, link or host", value)
    return str(value)


def load_marking(data: t.Any) -> Marking:
    what = "marking.json"
    data = _version(data, what)
    family = data.get("family")
    if family not in ("inet", "ip"):
        raise DesignError(what + ".family", "must be inet or ip", family)
    counters = data.get("counters", True)
    if not isinstance(counters, bool):
        raise DesignError(what + ".counters", "must be true or false", counters)
    return Marking(family, v.identifier(data.get("table"), what + ".table"), counters)


# ---- drift ---------------------------------------------------------------------------------------------------------

def network_drift(expect: NetworkExpect, links: t.Sequence[t.Mapping[str, t.Any]],
                  routes: t.Sequence[t.Mapping[str, t.Any]], rules: t.Sequence[t.Mapping[str, t.Any]],
                  sysctl: t.Callable[[str, str], t.Optional[int]]) -> t.List[t.Tuple[str, str]]:
    """(severity, drift line) of every designed object that is missing or different; nothing else is judged
    (an object the design does not hold is not drift here: the monitoring check says what is missing).

    ``links``, ``routes``, ``rules``: ``ip -json addr``, ``ip -json -N -4 route show table all`` and ``ip -json
    -N -4 rule show``; ``sysctl(interface, setting)``: the value now (None when unreadable)."""
    never: t.Callable[[t.Any], bool] = lambda _item: False
    current_routes = parse_routes(routes, expect.tables)
    critical = plan_addresses(expect.addresses, parse_addresses(links), authoritative=False).diff_lines()
    critical += plan_routes(expect.routes, current_routes, expect.tables, never, authoritative=False).diff_lines()
    critical += plan_rules(expect.rules, parse_rules(rules, expect.tables), expect.tables, never,
                           authoritative=False).diff_lines()
    out = [("critical", line) for line in drift_lines(critical)]
    for (nic, setting), wanted in expect.sysctls:
        have = sysctl(nic, setting)
        if have != wanted:
            out.append(("warning", "sysctl net.ipv4.conf.%s.%s %d: %s" % (
                nic, setting, wanted, "unreadable" if have is None else "differs (is %d)" % have)))
    return out


def marking_packets(ruleset: t.Any) -> int:
    """The packets counted by every rule's counter in ``nft -j list table`` output."""
    total = 0
    for item in (ruleset or {}).get("nftables", []) if isinstance(ruleset, dict) else []:
        rule = item.get("rule") if isinstance(item, dict) else None
        for expr in (rule or {}).get("expr", []):
            counter = expr.get("counter") if isinstance(expr, dict) else None
            if isinstance(counter, dict):
                total += int(counter.get("packets", 0))
    return total
