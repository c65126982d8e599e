# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Design of a SIP host's network and the kernel state it implies (no I/O).

A SIP host has a SIP NIC on the VoIP network and a data NIC for management
(R1). The weak-host model (R4): one default route via the data gateway,
routes to the networks of SIP devices via the VoIP gateway on the SIP NIC.
Source policy routing gives replies from the SIP address and the VIP the SIP
NIC (R9): rules ``from <addr> lookup <table>`` and, in that table, the
connected SIP subnet and a default route via the VoIP gateway.

``HostDesign.from_dict`` validates one host; ``check_pair`` the rules that
span both hosts of the pair. Every error names the field and the rule.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.kernel import (
    RESERVED_TABLES, Address, Route, Rule, TableMap)

__all__ = ["DEFAULTS", "HostDesign", "MAIN", "Nic", "PAIR_ADDRESSES", "check_pair", "check_sip_subnet", "validate_pair"]

#: the addresses a pair needs in its SIP subnet: two hosts, the VIP and the VoIP gateway
PAIR_ADDRESSES = 4

_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
MAIN = RESERVED_TABLES["main"]

DEFAULTS: t.Dict[str, t.Any] = {
    "sip_nic": None,
    "data_nic": None,
    "sip_gateway": None,
    "data_gateway": None,
    "vip": None,
    "sip_device_networks": [],
    "route_source": "host",
    "policy_table": {"name": "sipha_sip", "id": 100},
    "rule_priority": 1000,
    "route_metric": 0,
}


class Nic(t.NamedTuple):
    role: str                       # "sip_nic" or "data_nic" (the field name)
    name: t.Optional[str]
    mac: t.Optional[str]
    interface: ipaddress.IPv4Interface
    mtu: t.Optional[int]

    @property
    def ip(self) -> str:
        return str(self.interface.ip)

    @property
    def network(self) -> ipaddress.IPv4Network:
        return self.interface.network


def _ipv4_interface(value: t.Any, field: str, pair_subnet: bool = False) -> ipaddress.IPv4Interface:
    if not isinstance(value, str) or "/" not in value:
        raise DesignError(field, "must be an IPv4 address with its prefix length, e.g. 198.51.100.11/25", value)
    try:
        iface = ipaddress.IPv4Interface(value.strip())
    except ValueError:
        raise DesignError(field, "must be an IPv4 address with its prefix length, e.g. 198.51.100.11/25", value)
    if pair_subnet:
        check_sip_subnet(iface.network, field, value)
    _usable_host(iface.ip, iface.network, field, value)
    return iface


def _usable_host(ip: ipaddress.IPv4Address, network: ipaddress.IPv4Network, field: str, value: t.Any) -> None:
    special = v.special_range(ip)
    if special:
        raise DesignError(field, "must be a unicast host address, not in the %s range" % special, value)
    if network.prefixlen < 31 and ip in (network.network_address, network.broadcast_address):
        raise DesignError(field, "is the network or broadcast address of %s" % network, value)


def _ipv4(value: t.Any, field: str) -> ipaddress.IPv4Address:
    address = v.ip_address(value, field)
    if address.version != 4:
        raise DesignError(field, "must be an IPv4 address (IPv6 is not modelled yet)", value)
    return t.cast(ipaddress.IPv4Address, address)


def _nic(value: t.Any, field: str, pair_subnet: bool = False) -> Nic:
    if not isinstance(value, dict):
        raise DesignError(field, "must be a dictionary with name or mac, address and optionally mtu", value)
    unknown = sorted(set(value) - {"name", "mac", "address", "mtu"})
    if unknown:
        raise DesignError("%s.%s" % (field, unknown[0]), "is not a NIC field (name, mac, address, mtu)",
                          show_value=False)
    name = value.get("name") or None
    mac = value.get("mac") or None
    if name is None and mac is None:
        raise DesignError(field, "give the NIC's name or its MAC address", show_value=False)
    if name is not None:
        v.interface_name(name, field + ".name")
    if mac is not None:
        if not isinstance(mac, str) or not _MAC.match(mac.strip().lower()):
            raise DesignError(field + ".mac", "must be a MAC address like 52:54:00:12:34:56", mac)
        mac = mac.strip().lower()
    mtu = value.get("mtu")
    if mtu is not None:
        mtu = v.whole_number(mtu, field + ".mtu", 576, 9216, "must be an integer 576..9216")
    return Nic(field, name, mac, _ipv4_interface(value.get("address"), field + ".address", pair_subnet), mtu)


def check_sip_subnet(network: ipaddress.IPv4Network, field: str, value: t.Any) -> None:
    """The SIP subnet holds the pair's addresses: two hosts, the VIP and the gateway (PAIR_ADDRESSES)."""
    usable = network.num_addresses - (2 if network.prefixlen < 31 else 0)
    if usable < PAIR_ADDRESSES:
        raise DesignError(field, "the SIP subnet %s is too small for a pair: it has %d usable address(es), a pair "
                          "needs %d (two hosts, the VIP and the gateway; /29 or larger)" % (
                              network, usable, PAIR_ADDRESSES), value)


def _gateway(value: t.Any, field: str, nic: Nic) -> str:
    if value is None:
        raise DesignError(field, "is required", show_value=False)
    gateway = _ipv4(value, field)
    if gateway not in nic.network:
        raise DesignError(field, "must be inside the %s subnet %s" % (nic.role, nic.network), value)
    _usable_host(gateway, nic.network, field, value)
    if gateway == nic.interface.ip:
        raise DesignError(field, "must not be the host's own %s address" % nic.role, value)
    return str(gateway)


class HostDesign:
    """A validated host design. Build it with ``HostDesign.from_dict``."""

    def __init__(self, **values: t.Any) -> None:
        self.sip_nic: Nic = values["sip_nic"]
        self.data_nic: Nic = values["data_nic"]
        self.sip_gateway: str = values["sip_gateway"]
        self.data_gateway: str = values["data_gateway"]
        self.vip: t.Optional[str] = values["vip"]
        self.sip_device_networks: t.List[ipaddress.IPv4Network] = values["sip_device_networks"]
        self.route_source: str = values["route_source"]
        self.table_name: str = values["table_name"]
        self.table_id: int = values["table_id"]
        self.rule_priority: int = values["rule_priority"]
        self.route_metric: int = values["route_metric"]

    @property
    def tables(self) -> TableMap:
        return TableMap({self.table_name: self.table_id})

    @classmethod
    def from_dict(cls, data: t.Any) -> "HostDesign":
        merged = v.merge_fields(data, DEFAULTS, "host design", "design")

        sip_nic = _nic(merged["sip_nic"], "sip_nic", pair_subnet=merged["vip"] is not None)
        data_nic = _nic(merged["data_nic"], "data_nic")
        if sip_nic.name and sip_nic.name == data_nic.name:
            raise DesignError("data_nic.name", "must differ from sip_nic.name: the SIP and data NICs are two NICs",
                              data_nic.name)
        if sip_nic.mac and sip_nic.mac == data_nic.mac:
            raise DesignError("data_nic.mac", "must differ from sip_nic.mac: the SIP and data NICs are two NICs",
                              data_nic.mac)
        if sip_nic.network.overlaps(data_nic.network):
            raise DesignError("data_nic.address", "the data subnet %s overlaps the SIP subnet %s; they must be "
                              "distinct networks (R1, R7)" % (data_nic.network, sip_nic.network), str(data_nic.interface))

        sip_gateway = _gateway(merged["sip_gateway"], "sip_gateway", sip_nic)
        data_gateway = _gateway(merged["data_gateway"], "data_gateway", data_nic)

        vip = None
        if merged["vip"] is not None:
            vip_ip = _ipv4(merged["vip"], "vip")
            if vip_ip not in sip_nic.network:
                raise DesignError("vip", "must be inside the SIP subnet %s (R2)" % sip_nic.network, merged["vip"])
            _usable_host(vip_ip, sip_nic.network, "vip", merged["vip"])
            if vip_ip == sip_nic.interface.ip:
                raise DesignError("vip", "must differ from the host's own SIP address", merged["vip"])
            if str(vip_ip) == sip_gateway:
                raise DesignError("vip", "must differ from sip_gateway", merged["vip"])
            vip = str(vip_ip)

        networks = _device_networks(merged["sip_device_networks"], sip_nic, data_nic)

        route_source = merged["route_source"]
        if route_source not in ("host", "vip"):
            raise DesignError("route_source", "must be 'host' (the SIP address) or 'vip'", route_source)
        if route_source == "vip" and vip is None:
            raise DesignError("route_source", "is 'vip' but no vip is given", show_value=False)

        table = merged["policy_table"]
        if not isinstance(table, dict) or set(table) - {"name", "id"}:
            raise DesignError("policy_table", "must be a dictionary with name and id", table)
        table_name = v.identifier(table.get("name", "sipha_sip"), "policy_table.name")
        if table_name in RESERVED_TABLES:
            raise DesignError("policy_table.name", "must not be a reserved table (local, main, default, unspec)",
                              table_name)
        table_rule = "must be 1..252 or 256..2147483647 (253-255 are reserved)"
        table_id = v.whole_number(table.get("id", 100), "policy_table.id", 1, 2 ** 31 - 1, table_rule)
        if 253 <= table_id <= 255:
            raise DesignError("policy_table.id", table_rule, table.get("id"))
        priority = v.whole_number(merged["rule_priority"], "rule_priority", 1, 32764, "must be 1..32764 (the rule "
                                  "for the VIP takes the next one; 32766 is the main table's)")
        metric = v.whole_number(merged["route_metric"], "route_metric", 0, 2 ** 32 - 1,
                                "must be an integer 0..4294967295")

        return cls(sip_nic=sip_nic, data_nic=data_nic, sip_gateway=sip_gateway, data_gateway=data_gateway,
                   vip=vip, sip_device_networks=networks, route_source=route_source, table_name=table_name,
                   table_id=table_id, rule_priority=priority, route_metric=metric)

    # ---- desired kernel state -------------------------------------------------
    def nic_names(self, macs: t.Mapping[str, str]) -> t.Tuple[str, str]:
        """Interface names of (SIP NIC, data NIC); ``macs`` maps MAC -> name on the host."""
        names = []
        for nic in (self.sip_nic, self.data_nic):
            if nic.mac is not None:
                name = macs.get(nic.mac)
                if name is None:
                    raise DesignError(nic.role + ".mac", "no interface on this host has this MAC", nic.mac)
                if nic.name is not None and nic.name != name:
                    raise DesignError(nic.role, "name %s and MAC %s are different interfaces on this host (%s)"
                                      % (nic.name, nic.mac, name), show_value=False)
                names.append(name)
            else:
                if nic.name not in macs.values():
                    raise DesignError(nic.role + ".name", "no such interface on this host", nic.name)
                names.append(t.cast(str, nic.name))
        return names[0], names[1]

    def addresses(self, sip: str, data: str) -> t.List[Address]:
        return [Address(sip, str(self.sip_nic.interface)), Address(data, str(self.data_nic.interface))]

    def default_route(self, data: str) -> Route:
        return Route(MAIN, "0.0.0.0/0", data, gateway=self.data_gateway, metric=self.route_metric)

    def device_routes(self, sip: str) -> t.List[Route]:
        source = self.vip if self.route_source == "vip" else self.sip_nic.ip
        return [Route(MAIN, str(net), sip, gateway=self.sip_gateway, prefsrc=source, metric=self.route_metric)
                for net in self.sip_device_networks]

    def table_routes(self, sip: str) -> t.List[Route]:
        return [
            Route(self.table_id, str(self.sip_nic.network), sip, prefsrc=self.sip_nic.ip, scope="link",
                  metric=self.route_metric),
            Route(self.table_id, "0.0.0.0/0", sip, gateway=self.sip_gateway, metric=self.route_metric),
        ]

    def rules(self) -> t.List[Rule]:
        out = [Rule(self.rule_priority, "%s/32" % self.sip_nic.ip, self.table_id)]
        if self.vip:
            out.append(Rule(self.rule_priority + 1, "%s/32" % self.vip, self.table_id))
        return out


def _device_networks(value: t.Any, sip_nic: Nic, data_nic: Nic) -> t.List[ipaddress.IPv4Network]:
    if not isinstance(value, (list, tuple)):
        raise DesignError("sip_device_networks", "must be a list of networks in CIDR form", value)
    networks: t.List[ipaddress.IPv4Network] = []
    for index, item in enumerate(value):
        field = "sip_device_networks[%d]" % index
        if not isinstance(item, str) or "/" not in item:
            raise DesignError(field, "must be a network in CIDR form, e.g. 203.0.113.0/24", item)
        try:
            net = ipaddress.IPv4Network(item.strip())
        except ValueError as err:
            rule = "has host bits set" if "host bits" in str(err) else "must be an IPv4 network in CIDR form"
            raise DesignError(field, rule, item)
        if net.prefixlen == 0:
            raise DesignError(field, "must not be the default route: the single default route goes via the data "
                              "gateway (R4)", item)
        special = v.special_range(net)
        if special:
            raise DesignError(field, "must be a network of SIP devices, not in the %s range" % special, item)
        for nic in (sip_nic, data_nic):
            if net.overlaps(nic.network):
                raise DesignError(field, "overlaps the %s subnet %s; networks of SIP devices must not overlap the "
                                  "host's own networks (R8)" % (nic.role, nic.network), item)
        for earlier in networks:
            if net.overlaps(earlier):
                raise DesignError(field, "overlaps %s listed before it" % earlier, item)
        networks.append(net)
    return networks


def validate_pair(designs: t.Any) -> t.Dict[str, HostDesign]:
    """Build every host's design (errors name the host) and check the pair."""
    if not isinstance(designs, dict) or not designs:
        raise DesignError("designs", "must be a dictionary of host name to design", designs)
    built = {}
    for host, design in designs.items():
        try:
            built[host] = HostDesign.from_dict(design)
        except DesignError as err:
            raise err.within(host)
    check_pair(built)
    return built


def check_pair(designs: t.Mapping[str, HostDesign]) -> None:
    """Rules across the hosts of one HA pair (host name -> design)."""
    seen: t.Dict[str, str] = {}
    hosts = sorted(designs)
    for host in hosts:
        design = designs[host]
        for field, ip in (("sip_nic.address", design.sip_nic.ip), ("data_nic.address", design.data_nic.ip)):
            if ip in seen:
                raise DesignError("%s: %s" % (host, field), "address %s is already used by %s" % (ip, seen[ip]),
                                  show_value=False)
            seen[ip] = "%s %s" % (host, field)
    if not hosts:
        return
    first = designs[hosts[0]]
    for host in hosts[1:]:
        design = designs[host]
        for field, mine, theirs in (
                ("vip", design.vip, first.vip),
                ("sip_nic.address", str(design.sip_nic.network), str(first.sip_nic.network)),
                ("sip_gateway", design.sip_gateway, first.sip_gateway)):
            if mine != theirs:
                raise DesignError("%s: %s" % (host, field), "must match %s's (%s vs %s): both hosts of a pair share "
                                  "the VoIP network, its gateway and the VIP" % (hosts[0], mine, theirs),
                                  show_value=False)
