# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The VIP VLAN split workaround (R11): host routes on a detached router, planned (no I/O).

A Layer-2 split of the VoIP VLAN can leave an adjacent router delivering SIP
(it is the first-hop gateway of some phones) while it no longer reaches the
VIP on the VLAN. Until the VLAN recovers, that router gets a /32 host route
for every VIP of the pairs it serves, and for each of those pairs' SIP hosts'
own SIP addresses, via the *transit address* of another router: that router's
own address on a router-to-router network that does not cross the VoIP VLAN
(``sipha_router_transit_address``). A /32 wins over the router's connected
VoIP route, so nothing else changes. ``absent`` removes exactly those routes.

``plan`` checks every input and names the variable, router, rule and value;
``changes`` compares the plan with what the router answered to the plan's
reads. How each platform takes, shows and removes a route is its vendor
driver's (``_router/vendors``: ``host_route_*``).

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import HostRoutes, Vendor

__all__ = ["STATES", "TRANSIT", "changes", "pairs_from_model", "plan", "transit_address"]

#: the router variable of the next hop
TRANSIT = "sipha_router_transit_address"
STATES = ("present", "absent")
_PLAYBOOK = "sipha.network.vip_vlan_split"


def _empty(value: t.Any) -> bool:
    return value is None or value == ""


def transit_address(value: t.Any, router: str,
                    sip_networks: t.Optional[t.Mapping[str, t.Any]] = None) -> str:
    """A router's ``sipha_router_transit_address``, validated: an IPv4 unicast address, outside every pair's SIP
    network (``sip_networks``: pair name -> its ``sipha_sip_network.cidr``) - the transit network must not cross
    the VoIP VLAN, or it is cut by the same split. A DesignError names ``<router>: sipha_router_transit_address``."""
    try:
        if not isinstance(value, str):
            raise DesignError(TRANSIT, "must be an IPv4 address written as a string: the router's own address on a "
                              "router-to-router transit network", value)
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            raise DesignError(TRANSIT, "must be a single IPv4 address (no prefix length, no host name): the router's "
                              "own address on a router-to-router transit network", value)
        if address.version != 4:
            raise DesignError(TRANSIT, "must be an IPv4 address: the host routes it carries are IPv4", value)
        special = v.special_range(address)
        if special:
            raise DesignError(TRANSIT, "must be a unicast host address, not in the %s range" % special, value)
        for pair_name, cidr in sorted((sip_networks or {}).items()):
            network = ipaddress.IPv4Network(cidr, strict=False)
            if address in network:
                raise DesignError(TRANSIT, "lies in pair %s's sipha_sip_network.cidr %s: the transit network must "
                                  "not cross the VoIP VLAN (the split cuts it too)" % (pair_name, network), value)
    except DesignError as err:
        raise err.within(router)
    return str(address)


def _host_address(value: t.Any, field: str) -> str:
    """A SIP host's or VIP's address, with or without its prefix length (``sipha_sip_nic.address``)."""
    text = value.split("/")[0] if isinstance(value, str) else value
    return v.ipv4_address(text, field)


def _pair(entry: t.Any, index: int) -> t.Dict[str, t.Any]:
    """One pair: ``name``, ``vip``, ``sip_network`` (CIDR), ``hosts`` (host -> SIP address), optional
    ``routers`` (the routers that serve it; default: every router of the group)."""
    if not isinstance(entry, t.Mapping):
        raise DesignError("pairs[%d]" % index, "must be a dictionary of name, vip, sip_network, hosts", entry)
    name = v.name(entry.get("name"), "pairs[%d].name" % index, "a pair name")
    where = "pair %s" % name
    try:
        network = ipaddress.IPv4Network(entry.get("sip_network"), strict=False)
    except (TypeError, ValueError):
        raise DesignError("%s: sipha_sip_network.cidr" % where, "must be an IPv4 network in CIDR form",
                          entry.get("sip_network"))
    hosts = entry.get("hosts")
    if not isinstance(hosts, t.Mapping) or not hosts:
        raise DesignError("%s: hosts" % where, "must map each SIP host of the pair to its SIP address", hosts)
    routers = entry.get("routers")
    if routers is not None and (not isinstance(routers, (list, tuple))
                                or not all(isinstance(r, str) for r in routers)):
        raise DesignError("%s: routers" % where, "must be a list of router names", routers)
    return {"name": name, "vip": _host_address(entry.get("vip"), "%s: sipha_vip" % where),
            "sip_network": str(network), "routers": None if routers is None else list(routers),
            "hosts": {host: _host_address(address, "%s: sipha_sip_nic.address" % host)
                      for host, address in sorted(hosts.items())}}


def pairs_from_model(model: t.Any) -> t.List[t.Dict[str, t.Any]]:
    """The pairs of the inventory model (``_model/pair.py`` ``build``, filter ``inventory_model``) as ``plan``
    takes them: each pair's VIP, SIP network (its hosts' SIP NIC's) and hosts' SIP addresses, and its routers."""
    if not isinstance(model, t.Mapping) or not isinstance(model.get("pairs"), t.Mapping):
        raise DesignError("model", "must be the inventory model (filter sipha.network.inventory_model) of a valid "
                          "inventory", show_value=False)
    if model.get("errors"):
        raise DesignError("model", "has design errors; fix them first: %s" % "; ".join(model["errors"]),
                          show_value=False)
    out = []
    for name, members in sorted(model["pairs"].items()):
        designs = {host: model["hosts"][host]["design"] for host in members if host in model.get("hosts", {})}
        if not designs:
            continue
        first = designs[sorted(designs)[0]]
        routers = sorted({r for host in designs for r in model["hosts"][host].get("routers", [])})
        out.append({"name": name, "vip": first["vip"],
                    "sip_network": str(ipaddress.IPv4Interface(first["sip_nic"]["address"]).network),
                    "hosts": {host: design["sip_nic"]["address"] for host, design in designs.items()},
                    "routers": routers})
    return out


def _names(value: t.Any, routers_group: str) -> t.List[str]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(name, str) for name in value):
        raise DesignError(routers_group, "must be the list of the adjacent routers' inventory names", value)
    if not value:
        raise DesignError(routers_group, "has no router: the detached router must be one of the adjacent routers "
                          "(R3)", show_value=False)
    return sorted(value)


def _serves(pair: t.Mapping[str, t.Any], router: str) -> bool:
    return pair["routers"] is None or router in pair["routers"]


def _via(routers: t.Mapping[str, t.Mapping[str, t.Any]], group: t.Sequence[str], router: str, via: t.Any,
         routers_group: str, served: t.Sequence[t.Mapping[str, t.Any]]) -> str:
    """The router whose transit address is the next hop: ``via`` when given, else the first other router (by name)
    of the group that has a transit address."""
    given = not _empty(via)
    if not given:
        candidates = [name for name in group if name != router and not _empty(routers.get(name, {}).get(TRANSIT))]
        if not candidates:
            raise DesignError(TRANSIT, "no router of group %s other than %s (the detached one) has it: set it on a "
                              "router that still reaches the VIP (its own address on a router-to-router transit "
                              "network that does not cross the VoIP VLAN), and name that router with -e "
                              "sipha_split_via=ROUTER if it is not the first by name" % (routers_group, router),
                              show_value=False)
        via = candidates[0]
    elif not isinstance(via, str) or via not in group:
        raise DesignError("sipha_split_via", "must be one of the routers of group %s (%s)"
                          % (routers_group, ", ".join(group)), via)
    elif via == router:
        raise DesignError("sipha_split_via", "must be another router than the detached one (%s): the next hop is "
                          "a router that still reaches the VIP" % router, via)
    elif _empty(routers.get(via, {}).get(TRANSIT)):
        raise DesignError(TRANSIT, "must be set: it is the next hop of the host routes (sipha_split_via names "
                          "this router)", show_value=False).within(via)
    missing = [pair["name"] for pair in served if not _serves(pair, via)]
    if missing:
        chosen = "router %s" % via if given else "%s, the first other router with a transit address," % via
        raise DesignError("sipha_split_via", "%s does not serve pair(s) %s, which %s serves: the next hop must reach "
                          "those VIPs (name one that does with -e sipha_split_via=ROUTER)"
                          % (chosen, ", ".join(missing), router), via if given else None)
    return via


def _driver(data: t.Mapping[str, t.Any], router: str) -> Vendor:
    vendor = data.get("sipha_router_vendor")
    try:
        return registry.get(registry.DEFAULT if vendor is None else vendor, "sipha_router_vendor")
    except DesignError as err:
        raise err.within(router)


def _vrf(data: t.Mapping[str, t.Any], router: str) -> t.Optional[str]:
    vrf = data.get("sipha_router_vrf")
    if _empty(vrf):
        return None
    try:
        return v.name(vrf, "sipha_router_vrf", "a VRF / routing-instance name")
    except DesignError as err:
        raise err.within(router)


def plan(routers: t.Any, group: t.Any, pairs: t.Any, router: t.Any, via: t.Any = None, state: t.Any = "present",
         routers_group: str = "adjacent_routers") -> t.Dict[str, t.Any]:
    """What the workaround does on the detached router ``router``.

    ``routers``: router name -> its variables (``sipha_router_vendor``, ``sipha_router_vrf``,
    ``sipha_router_transit_address``; hostvars will do); ``group``: the names of the adjacent routers (group
    ``routers_group``); ``pairs``: as ``pairs_from_model`` gives them; ``via``: the router whose transit address is
    the next hop (default: the first other router, by name, that has one); ``state``: present or absent.

    Returns ``router``, ``vendor``, ``title``, ``apply_by`` (the driver's ARGV or CONFIG), ``vrf``, ``via``,
    ``next_hop``, ``state``, ``pairs`` (names), ``prefixes`` (``A.B.C.D/32``), ``routes`` (readable),
    ``commands`` (argument lists or configuration lines that make them so, unread) and ``reads`` (what reads
    the router's own state, for ``changes``). A DesignError names the variable, router, rule and value."""
    if state not in STATES:
        raise DesignError("sipha_split_state", "must be present (add the host routes while the VLAN is split) or "
                          "absent (remove them when it has recovered)", state)
    names = _names(group, routers_group)
    if not isinstance(routers, t.Mapping):
        raise DesignError("routers", "must map each router's name to its variables (hostvars)", show_value=False)
    if _empty(router):
        raise DesignError("sipha_split_router", "must name the detached router (-e sipha_split_router=ROUTER), one "
                          "of group %s: %s" % (routers_group, ", ".join(names)), show_value=False)
    if not isinstance(router, str) or router not in names:
        raise DesignError("sipha_split_router", "must be one of the routers of group %s (%s)"
                          % (routers_group, ", ".join(names)), router)
    if not isinstance(pairs, (list, tuple)):
        raise DesignError("pairs", "must be a list of pairs", pairs)
    checked = [_pair(entry, index) for index, entry in enumerate(pairs)]
    served = [pair for pair in checked if _serves(pair, router)]
    if not served:
        raise DesignError("sipha_split_router", "serves no pair of the inventory: it delivers SIP to no VIP, so it "
                          "needs no host route", router)
    data = routers.get(router) or {}
    driver, vrf = _driver(data, router), _vrf(data, router)
    chosen = _via(routers, names, router, via, routers_group, served)
    networks = {pair["name"]: pair["sip_network"] for pair in checked}
    next_hop = transit_address((routers.get(chosen) or {}).get(TRANSIT), chosen, networks)
    own = data.get(TRANSIT)
    if not _empty(own) and transit_address(own, router, networks) == next_hop:
        raise DesignError(TRANSIT, "is also the transit address of %s, the detached router: the next hop must be "
                          "another router's own address" % router, own).within(chosen)
    addresses: t.List[str] = []
    for pair in served:
        for address in [pair["vip"]] + list(pair["hosts"].values()):
            if address not in addresses:
                addresses.append(address)
    ordered = tuple(sorted(addresses, key=ipaddress.IPv4Address))
    routes = HostRoutes(ordered, next_hop, vrf, state == "present")
    return {
        "router": router, "vendor": driver.name, "title": driver.title, "apply_by": driver.host_routes_by,
        "vrf": vrf, "via": chosen, "next_hop": next_hop, "state": state,
        "pairs": [pair["name"] for pair in served], "prefixes": ["%s/32" % a for a in ordered],
        "routes": [routes.route(a) for a in ordered],
        "commands": driver.host_route_commands(routes), "reads": driver.host_route_reads(routes),
    }


def _routes(value: t.Any) -> t.Tuple[Vendor, HostRoutes]:
    """A plan's routes again, checked (it went through a playbook's variables on its way here)."""
    needed = ("vendor", "prefixes", "next_hop", "state", "router")
    if not isinstance(value, t.Mapping) or not all(key in value for key in needed):
        raise DesignError("plan", "must be what sipha.network.vlan_split_plan returned", show_value=False)
    driver = registry.get(value["vendor"], "plan.vendor")
    if value["state"] not in STATES:
        raise DesignError("plan.state", "must be present or absent", value["state"])
    prefixes = value["prefixes"] if isinstance(value["prefixes"], (list, tuple)) else [None]
    addresses = tuple(v.ipv4_address(p[:-3] if isinstance(p, str) and p.endswith("/32") else None,
                                     "plan.prefixes[%d]" % i) for i, p in enumerate(prefixes))
    vrf = value.get("vrf")
    vrf = None if _empty(vrf) else v.name(vrf, "plan.vrf", "a VRF / routing-instance name")
    return driver, HostRoutes(addresses, v.ipv4_address(value["next_hop"], "plan.next_hop"), vrf,
                              value["state"] == "present")


def changes(plan_value: t.Any, outputs: t.Any, check: bool = False) -> t.Dict[str, t.Any]:
    """What differs between the plan and the router, from the router's answers to the plan's ``reads`` (in order).

    Returns ``send`` (only what differs: argument lists or configuration lines; empty when nothing does),
    ``add`` and ``remove`` (the routes), ``others`` (host routes of the same addresses via another next hop, left
    alone), ``replaced`` (such routes that adding ours takes over, where the platform's add does), ``changed``,
    ``diff`` (``+ route`` / ``- route`` lines) and ``summary`` (what was done - or, with ``check``, what would be -
    and what it means for HA)."""
    driver, routes = _routes(plan_value)
    reads = plan_value.get("reads") or []
    if not isinstance(outputs, (list, tuple)) or not all(isinstance(o, str) for o in outputs) \
            or len(outputs) != len(reads):
        raise DesignError("outputs", "must be the router's answer to each of the plan's %d read(s), in order, as "
                          "text" % len(reads), show_value=False)
    found = driver.host_route_changes(routes, list(outputs))
    result = {"send": found.send, "add": found.add, "remove": found.remove, "others": found.others,
              "replaced": found.replaced, "changed": bool(found.send),
              "diff": ["+ " + r for r in found.add] + ["- " + r for r in found.remove + found.replaced]}
    result["summary"] = _summary(plan_value, result, check)
    return result


def _summary(plan_value: t.Mapping[str, t.Any], found: t.Mapping[str, t.Any], check: bool) -> t.List[str]:
    router, via, hop = plan_value["router"], plan_value["via"], plan_value["next_hop"]
    where = "%s (%s%s)" % (router, plan_value.get("title", plan_value["vendor"]),
                           ", vrf %s" % plan_value["vrf"] if plan_value.get("vrf") else "")
    pairs = ", ".join(plan_value.get("pairs", []))
    present = plan_value["state"] == "present"
    done = found["add"] if present else found["remove"]
    verb = ("would add" if check else "added") if present else ("would remove" if check else "removed")
    if done:
        lines = ["%s: %s %d host route(s) via %s's transit address %s: %s (pair %s)"
                 % (where, verb, len(done), via, hop, ", ".join(r.split(" ")[0] for r in done), pairs)]
    else:
        lines = ["%s: nothing to change - the %d host route(s) via %s (%s) %s" % (
            where, len(plan_value["prefixes"]), via, hop, "are there" if present else "are not there")]
    if found["replaced"]:
        lines.append("%s (another next hop, taken over by this run's): %s"
                     % ("would replace" if check else "replaced", ", ".join(found["replaced"])))
    if found["others"]:
        lines.append("left alone (another next hop; not this run's): %s" % ", ".join(found["others"]))
    revert = "ansible-playbook -i INVENTORY %s -e sipha_split_router=%s -e sipha_split_via=%s -e " \
             "sipha_split_state=absent" % (_PLAYBOOK, router, via)
    if present:
        lines.append("HA is reduced until the VoIP VLAN recovers: %s reaches the VIP only through %s, so a failure of "
                     "%s or of the transit network cuts %s's phones off the SIP Server. When the VLAN is whole "
                     "again, revert: %s" % (router, via, via, router, revert))
    else:
        lines.append("%s reaches the VIP on the VoIP VLAN again (its connected route); check the pair with "
                     "sipha.network.validate." % router)
    return lines
