# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules across the pairs and routers of one inventory (no I/O).

Within a pair ``host.check_pair`` holds; here: every host address and VIP has one owner in the whole inventory;
no gateway is a host's address or a VIP; pairs share a network whole or not at all, and never one pair's SIP
network as another's data network; no pair's SIP device networks overlap any pair's own networks (R8); routers
have addresses of their own. Each finding names the host, pair or router, the inventory variable, the rule and
the value.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign

__all__ = ["Pair", "check_inventory"]


class Pair(t.NamedTuple):
    """A pair whose hosts' designs are valid: its name, host -> design, and its SIP and data networks."""

    name: str
    designs: t.Mapping[str, HostDesign]
    sip_network: ipaddress.IPv4Network
    data_network: ipaddress.IPv4Network


#: (pair, where, variable) of one address
Owner = t.Tuple[str, str, str]


def _owners(pairs: t.Sequence[Pair], errors: t.List[DesignError]) -> t.Dict[str, Owner]:
    """Every host address and VIP -> who holds it; a second holder in another pair is an error."""
    owner: t.Dict[str, Owner] = {}
    for pair in pairs:
        for host, design in sorted(pair.designs.items()):
            held = [(host, "sipha_sip_nic.address", design.sip_nic.ip),
                    (host, "sipha_data_nic.address", design.data_nic.ip)]
            if design.vip and host == min(pair.designs):
                held.append(("pair %s" % pair.name, "sipha_vip", design.vip))
            for where, variable, address in held:
                other = owner.setdefault(address, (pair.name, where, variable))
                # within a pair check_pair reports it, and a VIP twice is reported as such (pair.py)
                if other[0] != pair.name and not (variable == other[2] == "sipha_vip"):
                    errors.append(DesignError("%s: %s" % (where, variable), "address %s is already used by %s %s "
                                              "(pair %s)" % (address, other[1], other[2], other[0]),
                                              show_value=False))
    return owner


def _gateways(pairs: t.Sequence[Pair], owner: t.Mapping[str, Owner], errors: t.List[DesignError]) -> None:
    for pair in pairs:
        design = pair.designs[min(pair.designs)]
        for variable, gateway in (("sipha_sip_network.gateway", design.sip_gateway),
                                  ("sipha_data_network.gateway", design.data_gateway)):
            other = owner.get(gateway)
            if other is not None and other[0] != pair.name:
                errors.append(DesignError("pair %s: %s" % (pair.name, variable), "is the address of %s %s (pair %s)"
                                          % (other[1], other[2], other[0]), gateway))


def _networks(pairs: t.Sequence[Pair], errors: t.List[DesignError]) -> None:
    seen: t.List[t.Tuple[str, str, ipaddress.IPv4Network]] = []
    for pair in pairs:
        for variable, network in (("sipha_sip_network", pair.sip_network), ("sipha_data_network",
                                                                            pair.data_network)):
            for other_pair, other_variable, other in seen:
                if other_pair == pair.name or not network.overlaps(other):
                    continue
                if network != other:
                    rule = "overlaps pair %s's %s.cidr %s: pairs share a network whole or not at all" % (
                        other_pair, other_variable, other)
                elif variable != other_variable:
                    rule = "is pair %s's %s.cidr: a SIP network is no pair's data network (R1, R7)" % (
                        other_pair, other_variable)
                else:
                    continue
                errors.append(DesignError("pair %s: %s.cidr" % (pair.name, variable), rule, str(network)))
                break
            seen.append((pair.name, variable, network))
    for pair in pairs:
        host = min(pair.designs)
        for index, device in enumerate(pair.designs[host].sip_device_networks):
            for other in pairs:
                if other.name == pair.name:
                    continue
                for variable, network in (("sipha_sip_network", other.sip_network),
                                          ("sipha_data_network", other.data_network)):
                    if device.overlaps(network):
                        errors.append(DesignError("%s: sipha_sip_device_networks[%d]" % (host, index),
                                                  "overlaps pair %s's %s.cidr %s; networks of SIP devices must not "
                                                  "overlap the networks of SIP hosts (R8)" % (
                                                      other.name, variable, network), str(device)))


def _routers(pairs: t.Sequence[Pair], routers: t.Mapping[str, t.Mapping[str, t.Any]],
             owner: t.Mapping[str, Owner], errors: t.List[DesignError]) -> None:
    own: t.Dict[str, str] = {}
    ssh: t.Dict[t.Tuple[str, int], str] = {}
    for name, entry in sorted(routers.items()):
        address = entry["arp_target"]
        if address in own:
            errors.append(DesignError("%s: sipha_router_address" % name, "is already the address of router %s"
                                      % own[address], address))
        own.setdefault(address, name)
        login = (entry["address"], int(entry["port"]))
        if login in ssh and entry["address"] != address:
            errors.append(DesignError("%s: sipha_router_ssh_address" % name, "%s port %d is already where router "
                                      "%s is reached" % (login[0], login[1], ssh[login]), entry["address"]))
        ssh.setdefault(login, name)
        other = owner.get(address)
        if other is not None:
            errors.append(DesignError("%s: sipha_router_address" % name, "is the address of %s %s (pair %s): a "
                                      "router's own address is no SIP host's and no VIP" % (other[1], other[2], other[0]),
                                      address))
        for pair in pairs:
            network = pair.sip_network
            ends = (network.network_address, network.broadcast_address)
            if network.prefixlen < 31 and ipaddress.IPv4Address(address) in ends:
                errors.append(DesignError("%s: sipha_router_address" % name, "is the network or broadcast address "
                                          "of pair %s's sipha_sip_network.cidr %s" % (pair.name, network), address))


def check_inventory(pairs: t.Sequence[Pair], routers: t.Mapping[str, t.Mapping[str, t.Any]]) -> t.List[DesignError]:
    """Every finding across pairs and routers (``routers``: name -> its entry for the takeover program)."""
    errors: t.List[DesignError] = []
    ordered = sorted(pairs, key=lambda pair: pair.name)
    owner = _owners(ordered, errors)
    _gateways(ordered, owner, errors)
    _networks(ordered, errors)
    _routers(ordered, routers, owner, errors)
    return errors
