# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory model as a whole: SIP Server HA pairs and their adjacent routers -> every role's inputs (no I/O).

``build`` takes the ``sipha_*`` variables of every SIP host and every adjacent
router (docs/inventory.md) and returns, for each host, what the roles get
(its host network design, its pair, its routers), and every error found, each
naming the host or router, the inventory variable, the rule and the value.
It never stops at the first error of the inventory (one per host design, as
the host model stops at the first of a design), so one run shows them all.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign, check_pair
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry

__all__ = ["HOST_VARIABLES", "ROUTER_VARIABLES", "build", "router_entry"]

#: every variable a SIP host of the model may carry (host_vars or the pair's group_vars), and whether it is required
HOST_VARIABLES: t.Dict[str, bool] = {
    "sipha_pair_name": True, "sipha_vip": True, "sipha_sip_network": True, "sipha_data_network": True,
    "sipha_sip_nic": True, "sipha_data_nic": True, "sipha_primary": True, "sipha_flush_public_key": True,
    "sipha_sip_device_networks": False,
}
#: every variable an adjacent router of the model may carry
ROUTER_VARIABLES = ("sipha_router_address", "sipha_router_ssh_address", "sipha_router_port", "sipha_router_vendor",
                    "sipha_router_vrf", "sipha_router_host_keys")
#: where a host design's field comes from in the inventory
_DESIGN_SOURCE = (
    ("sip_device_networks", "sipha_sip_device_networks"), ("sip_gateway", "sipha_sip_network.gateway"),
    ("data_gateway", "sipha_data_network.gateway"), ("sip_nic", "sipha_sip_nic"), ("data_nic", "sipha_data_nic"),
    ("vip", "sipha_vip"),
)
_INDEXED = re.compile(r"^routers\[(\d+)\]\.?(.*)$")


def _inventory_field(field: str) -> str:
    """A host design's field as the inventory variable it comes from (``sip_nic.address`` -> ``sipha_sip_nic...``)."""
    for design_field, variable in _DESIGN_SOURCE:
        if field == design_field or field.startswith(design_field + ".") or field.startswith(design_field + "["):
            return variable + field[len(design_field):]
    return field


def _renamed(err: DesignError, field: str) -> DesignError:
    """The same error with another field name (the inventory variable the design field came from)."""
    return DesignError(field, err.rule, err.value, err.show_value)


def _network(value: t.Any, variable: str) -> ipaddress.IPv4Network:
    """The network of a ``{cidr, gateway}`` network variable (its gateway is the host design's to check)."""
    if not isinstance(value, dict) or set(value) - {"cidr", "gateway"}:
        raise DesignError(variable, "must be a dictionary with cidr and gateway", value)
    cidr = value.get("cidr")
    try:
        network = ipaddress.IPv4Network(cidr) if isinstance(cidr, str) else None
    except ValueError:
        network = None
    if network is None:
        raise DesignError(variable + ".cidr", "must be an IPv4 network in CIDR form, e.g. 198.51.100.0/24", cidr)
    return network


def router_entry(name: str, data: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """An adjacent router's ``sipha_router_*`` variables -> its entry in the takeover program's config, validated.

    A DesignError names the router and the inventory variable (``edge-b: sipha_router_vendor``)."""
    address = data.get("sipha_router_address")
    entry = {
        "name": name, "address": data.get("sipha_router_ssh_address") or address, "arp_target": address,
        "port": data.get("sipha_router_port") or 22,
        "vendor": registry.DEFAULT if data.get("sipha_router_vendor") is None else data["sipha_router_vendor"],
        "vrf": data.get("sipha_router_vrf") or None, "host_keys": list(data.get("sipha_router_host_keys") or []),
    }
    try:
        vc.load({"vip": "0.0.0.1", "interface": "lo", "routers": [entry]}, need_host_keys=True)
    except DesignError as err:
        found = _INDEXED.match(err.field)
        field = "sipha_router_%s" % (found.group(2) or "*") if found else err.field
        field = field.replace("sipha_router_arp_target", "sipha_router_address")
        raise _renamed(err, field).within(name)
    return entry


class _Build:
    """One pass over the inventory; ``errors`` collects every finding."""

    def __init__(self, hosts: t.Mapping[str, t.Mapping[str, t.Any]],
                 routers: t.Mapping[str, t.Mapping[str, t.Any]], routers_group: str) -> None:
        self.hosts, self.routers, self.routers_group = hosts, routers, routers_group
        self.errors: t.List[str] = []
        self.out: t.Dict[str, t.Dict[str, t.Any]] = {}

    def fail(self, where: str, variable: str, rule: str, value: t.Any = None, show_value: bool = True) -> None:
        self.errors.append(str(DesignError("%s: %s" % (where, variable), rule, value, show_value)))

    def host(self, name: str, data: t.Mapping[str, t.Any]) -> t.Optional[HostDesign]:
        missing = [var for var, required in HOST_VARIABLES.items() if required and data.get(var) in (None, "")]
        for var in missing:
            self.fail(name, var, "must be set (see docs/inventory.md)", show_value=False)
        if missing:
            return None
        sip_network = data["sipha_sip_network"]
        data_network = data["sipha_data_network"]
        design = {
            "sip_nic": data["sipha_sip_nic"], "data_nic": data["sipha_data_nic"],
            "sip_gateway": sip_network.get("gateway") if isinstance(sip_network, dict) else None,
            "data_gateway": data_network.get("gateway") if isinstance(data_network, dict) else None,
            "vip": data["sipha_vip"], "sip_device_networks": data.get("sipha_sip_device_networks") or [],
        }
        self.out[name] = {"design": design, "pair": [], "routers": []}
        try:
            built = HostDesign.from_dict(design)
        except DesignError as err:
            self.errors.append(str(_renamed(err, _inventory_field(err.field)).within(name)))
            return None
        for variable, nic, address in (("sipha_sip_network", "sipha_sip_nic", built.sip_nic.ip),
                                       ("sipha_data_network", "sipha_data_nic", built.data_nic.ip)):
            try:
                network = _network(data[variable], variable)
            except DesignError as err:
                self.errors.append(str(err.within(name)))
                continue
            if ipaddress.IPv4Address(address) not in network:
                self.fail(name, nic + ".address", "must lie in %s.cidr %s" % (variable, network), address)
            if variable == "sipha_sip_network" and built.vip and ipaddress.IPv4Address(built.vip) not in network:
                self.fail(name, "sipha_vip", "must lie in sipha_sip_network.cidr %s (R2)" % network, built.vip)
        return built

    def router(self, name: str) -> t.Optional[t.Dict[str, t.Any]]:
        """The router's entry for the takeover program, validated, or None (its error recorded)."""
        try:
            return router_entry(name, self.routers[name])
        except DesignError as err:
            self.errors.append(str(err))
            return None

    def router_in_pair(self, name: str, entry: t.Mapping[str, t.Any], pair_name: str, sip_network: t.Any) -> None:
        """A router delivers SIP to the pair's VIP: its own address lies in the pair's SIP network."""
        try:
            network = _network(sip_network, "sipha_sip_network")
        except DesignError:
            return  # reported for the pair's hosts
        if ipaddress.ip_address(entry["arp_target"]) not in network:
            self.fail(name, "sipha_router_address", "must be the router's own address in pair %s's "
                      "sipha_sip_network.cidr %s" % (pair_name, network), entry["arp_target"])

    def pair(self, pair_name: str, members: t.Sequence[str], designs: t.Mapping[str, HostDesign]) -> None:
        where = "pair %s" % pair_name
        first = self.hosts[members[0]]
        if len(members) != 2:
            self.fail(where, "sipha_pair_name", "must name exactly 2 SIP hosts, a primary and a backup; it names %d "
                      "(%s)" % (len(members), ", ".join(members)), show_value=False)
        for variable in ("sipha_vip", "sipha_primary", "sipha_sip_network", "sipha_data_network",
                         "sipha_flush_public_key"):
            values = {name: self.hosts[name].get(variable) for name in members}
            if None in values.values():
                continue  # reported as not set
            if any(value != values[members[0]] for value in values.values()):
                self.fail(where, variable, "must be the same for both hosts of the pair (set it in the pair's "
                          "group_vars)", values)
        if first.get("sipha_primary") not in members:
            self.fail(where, "sipha_primary", "must be one of the pair's hosts (%s)" % ", ".join(members),
                      first.get("sipha_primary"))
        if len(designs) == len(members) == 2:
            try:
                check_pair(designs)
            except DesignError as err:
                host, _sep, field = err.field.partition(": ")
                self.errors.append(str(_renamed(err, _inventory_field(field)).within(host)))

    def run(self, router_names: t.Sequence[str]) -> t.Dict[str, t.Any]:
        pairs: t.Dict[str, t.List[str]] = {}
        designs: t.Dict[str, t.Dict[str, HostDesign]] = {}
        for name in sorted(self.hosts):
            data = self.hosts[name]
            built = self.host(name, data)
            pair_name = data.get("sipha_pair_name")
            if isinstance(pair_name, str) and pair_name:
                pairs.setdefault(pair_name, []).append(name)
                if built is not None:
                    designs.setdefault(pair_name, {})[name] = built
        if not router_names:
            self.fail(self.routers_group, "hosts", "must list the adjacent routers that deliver SIP to the VIPs (R3)",
                      show_value=False)
        vips: t.Dict[str, str] = {}
        for pair_name, members in sorted(pairs.items()):
            self.pair(pair_name, members, designs.get(pair_name, {}))
            vip = self.hosts[members[0]].get("sipha_vip")
            if isinstance(vip, str) and vip in vips:
                self.fail("pair %s" % pair_name, "sipha_vip", "is already the VIP of pair %s" % vips[vip], vip)
            elif isinstance(vip, str):
                vips[vip] = pair_name
        # addresses are unique across pairs too (within a pair check_pair says so)
        owner: t.Dict[str, t.Tuple[str, str, str]] = {}
        for pair_name, built in sorted(designs.items()):
            for host, design in sorted(built.items()):
                for variable, address in (("sipha_sip_nic.address", design.sip_nic.ip),
                                          ("sipha_data_nic.address", design.data_nic.ip)):
                    other = owner.setdefault(address, (pair_name, host, variable))
                    if other[0] != pair_name:
                        self.fail(host, variable, "address %s is already used by %s %s (pair %s)" % (
                            address, other[1], other[2], other[0]), show_value=False)
        routers = {name: self.router(name) for name in router_names}
        for pair_name, members in sorted(pairs.items()):
            for name, entry in routers.items():
                if entry is not None:
                    self.router_in_pair(name, entry, pair_name, self.hosts[members[0]].get("sipha_sip_network"))
            for host in members:
                if host in self.out:
                    self.out[host]["pair"] = sorted(members)
                    self.out[host]["routers"] = list(router_names)
        return {"errors": self.errors, "hosts": self.out, "pairs": {k: sorted(v) for k, v in pairs.items()},
                "routers": {k: v for k, v in routers.items() if v is not None}}


def build(hosts: t.Any, routers: t.Any, routers_group: str = "adjacent_routers") -> t.Dict[str, t.Any]:
    """``hosts``: SIP host name -> its ``sipha_*`` variables; ``routers``: router name -> its ``sipha_router_*``
    variables (every router of ``routers_group``). Returns ``errors`` (every finding, as readable lines),
    ``hosts`` (name -> ``design``, ``pair``, ``routers``), ``pairs`` and ``routers`` (the valid ones)."""
    if not isinstance(hosts, dict) or not hosts:
        return {"errors": ["sip hosts: the inventory has no SIP host of the model (group sip_pair)"], "hosts": {},
                "pairs": {}, "routers": {}}
    if not isinstance(routers, dict):
        routers = {}
    return _Build(hosts, routers, routers_group).run(sorted(routers))
