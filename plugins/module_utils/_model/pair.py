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

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model import roles
from ansible_collections.sipha.network.plugins.module_utils._model import split
from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._model import uniqueness
from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign, check_pair, check_sip_subnet
from ansible_collections.sipha.network.plugins.module_utils._model.qos import parse_dscp
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry

__all__ = ["HOST_VARIABLES", "ROUTER_VARIABLES", "RoleInputs", "build", "router_entry"]

#: every variable a SIP host of the model may carry (host_vars or the pair's group_vars), and whether it is required
HOST_VARIABLES: t.Dict[str, bool] = {
    "sipha_pair_name": True, "sipha_vip": True, "sipha_sip_network": True, "sipha_data_network": True,
    "sipha_sip_nic": True, "sipha_data_nic": True, "sipha_primary": True, "sipha_flush_public_key": True,
    "sipha_sip_device_networks": False, "sipha_tos_class": False, "sipha_flush_private_key": False,
    "sipha_flush_private_key_src": False, "sipha_validate_probe_address": False, "sipha_primary_command": False,
    "sipha_primary_now": False,
}
#: every variable an adjacent router of the model may carry
ROUTER_VARIABLES = ("sipha_router_address", "sipha_router_ssh_address", "sipha_router_port", "sipha_router_vendor",
                    "sipha_router_vrf", "sipha_router_host_keys", "sipha_router_platform", "sipha_router_ssh_options",
                    "sipha_pinned_host_keys", "sipha_router_transit_address")
#: the pair's variables both of its hosts must agree on
_PAIR_VARIABLES = ("sipha_vip", "sipha_primary", "sipha_sip_network", "sipha_data_network", "sipha_flush_public_key",
                   "sipha_tos_class", "sipha_validate_probe_address")
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
    """The network of a ``{cidr, gateway}`` network variable (its gateway is the host design's to check); the VoIP
    network may also say which routers stand behind a virtual gateway (``gateway_routers``, checked by the pair)."""
    allowed = {"cidr", "gateway"} | ({"gateway_routers"} if variable == "sipha_sip_network" else set())
    if not isinstance(value, dict) or set(value) - allowed:
        raise DesignError(variable, "must be a dictionary with cidr and gateway%s" % (
            " (and optionally gateway_routers)" if variable == "sipha_sip_network" else ""), value)
    cidr = value.get("cidr")
    rule = "must be an IPv4 network in CIDR form, e.g. 198.51.100.0/24"
    if not isinstance(cidr, str) or "/" not in cidr:
        raise DesignError(variable + ".cidr", rule, cidr)
    try:
        network = ipaddress.IPv4Network(cidr.strip(), strict=False)
    except ValueError:
        raise DesignError(variable + ".cidr", rule, cidr)
    if str(network.network_address) != cidr.strip().split("/")[0]:
        raise DesignError(variable + ".cidr", "has host bits set: the network is %s" % network, cidr)
    special = v.special_range(network)
    if special or network.prefixlen == 0:
        raise DesignError(variable + ".cidr", "must be a network of hosts, not in the %s range"
                          % (special or "default route 0.0.0.0/0"), cidr)
    if variable == "sipha_sip_network":
        check_sip_subnet(network, variable + ".cidr", cidr)
    return network


def _network_check(value: t.Any, variable: str) -> t.Callable[[], t.Any]:
    return lambda: _network(value, variable)


def _list(value: t.Any, field: str, what: str) -> t.List[t.Any]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise DesignError(field, "must be a list of %s" % what, value)
    return list(value)


def _scalars(data: t.Mapping[str, t.Any]) -> t.Iterator[t.Callable[[], t.Any]]:
    """The checks of a host's variables that stand alone (each reported on its own)."""
    yield lambda: v.name(data["sipha_pair_name"], "sipha_pair_name", "a pair name (it names files and messages)")
    yield lambda: v.public_key(data["sipha_flush_public_key"], "sipha_flush_public_key")
    yield lambda: _list(data.get("sipha_sip_device_networks"), "sipha_sip_device_networks", "networks in CIDR form")
    if data.get("sipha_tos_class") is not None:
        yield lambda: parse_dscp(data["sipha_tos_class"], "sipha_tos_class")
    if data.get("sipha_validate_probe_address") is not None:
        yield lambda: _probe(data["sipha_validate_probe_address"])
    for variable in ("sipha_flush_private_key", "sipha_flush_private_key_src"):
        if data.get(variable) is not None:
            yield _text(data[variable], variable)


def _probe(value: t.Any) -> None:
    address = ipaddress.IPv4Address(v.ipv4_address(value, "sipha_validate_probe_address"))
    special = v.special_range(address)
    if special:
        raise DesignError("sipha_validate_probe_address", "must be a SIP device's unicast address, not in the %s "
                          "range" % special, value)


def _text(value: t.Any, variable: str) -> t.Callable[[], None]:
    def check() -> None:
        if value != roles.VAULTED and (not isinstance(value, str) or not value.strip()):
            raise DesignError(variable, "must be a non-empty string (a vaulted key, or a file on the controller)",
                              value, show_value=variable != "sipha_flush_private_key")
    return check


def pinned_host_keys(value: t.Any, router: str) -> t.Optional[t.List[str]]:
    """A router's host keys from ``sipha_pinned_host_keys`` (what an AWX credential injects): a mapping of router
    name to its keys, or known_hosts-like text - one ``router keytype base64`` per line, ``#`` comments. None when
    it does not name the router."""
    if value is None or value == "":
        return None
    if isinstance(value, t.Mapping):
        keys = value.get(router)
        return None if keys is None else _list(keys, "sipha_pinned_host_keys", "the router's SSH host public keys")
    if not isinstance(value, str):
        raise DesignError("sipha_pinned_host_keys", "must be a mapping of router name to host keys, or lines of "
                          "'router keytype base64'", type(value).__name__)
    found: t.List[str] = []
    for number, line in enumerate(value.splitlines(), 1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if len(words) != 3:
            raise DesignError("sipha_pinned_host_keys", "line %d must be 'router keytype base64' (3 words, got %d)"
                              % (number, len(words)), show_value=False)
        if words[0] == router:
            found.append(words[1] + " " + words[2])
    return found or None


def router_entry(name: str, data: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """An adjacent router's ``sipha_router_*`` variables -> its entry in the takeover program's config, validated.

    A DesignError names the router and the inventory variable (``edge-b: sipha_router_vendor``)."""
    address = data.get("sipha_router_address")
    entry = {
        "name": name, "address": address if data.get("sipha_router_ssh_address") is None
        else data["sipha_router_ssh_address"], "arp_target": address,
        "port": 22 if data.get("sipha_router_port") is None else data["sipha_router_port"],
        "vendor": registry.DEFAULT if data.get("sipha_router_vendor") is None else data["sipha_router_vendor"],
        "vrf": data.get("sipha_router_vrf") if data.get("sipha_router_vrf") != "" else None,
        "host_keys": data.get("sipha_router_host_keys") or [],
        "platform": data.get("sipha_router_platform") or None,
        "ssh_options": data.get("sipha_router_ssh_options") or None,
    }
    try:
        v.name(name, "name", "a router's inventory name (it names the router's files and connection socket)")
        if address is None:
            raise DesignError("sipha_router_address", "must be set: the router's own address on the SIP network "
                              "(see docs/inventory.md)", show_value=False)
        special = v.special_range(ipaddress.IPv4Address(rf.vip(address, "sipha_router_address")))
        if special:
            raise DesignError("sipha_router_address", "must be a unicast host address, not in the %s range"
                              % special, address)
        _list(entry["host_keys"], "sipha_router_host_keys", "the router's SSH host public keys")
        pinned = pinned_host_keys(data.get("sipha_pinned_host_keys"), name)
        if pinned is not None and entry["host_keys"] and sorted(pinned) != sorted(entry["host_keys"]):
            raise DesignError("sipha_router_host_keys", "differs from the router's keys in sipha_pinned_host_keys "
                              "(an AWX credential?): one source of trust only - remove one, or make them agree",
                              show_value=False)
        if pinned is not None:
            entry["host_keys"] = pinned
        vc.load({"vip": "0.0.0.1", "interface": "lo", "routers": [entry]}, need_host_keys=True)
    except DesignError as err:
        found = _INDEXED.match(err.field)
        field = "sipha_router_%s" % (found.group(2) or "*") if found else err.field
        field = field.replace("sipha_router_arp_target", "sipha_router_address")
        raise _renamed(err, field).within(name)
    entry["port"] = v.port(entry["port"], "port")
    entry["host_keys"] = list(entry["host_keys"])
    for key in ("platform", "ssh_options"):
        if entry[key] is None:
            del entry[key]
    return entry


class _Build:
    """One pass over the inventory; ``errors`` collects every finding."""

    def __init__(self, hosts: t.Mapping[str, t.Mapping[str, t.Any]],
                 routers: t.Mapping[str, t.Mapping[str, t.Any]], routers_group: str, role_inputs: RoleInputs) -> None:
        self.hosts, self.routers, self.routers_group = hosts, routers, routers_group
        self.role_inputs = role_inputs
        self.errors: t.List[str] = []
        self.out: t.Dict[str, t.Dict[str, t.Any]] = {}
        self.networks: t.Dict[str, t.Tuple[ipaddress.IPv4Network, ipaddress.IPv4Network]] = {}

    def fail(self, where: str, variable: str, rule: str, value: t.Any = None, show_value: bool = True) -> None:
        self.errors.append(str(DesignError("%s: %s" % (where, variable), rule, value, show_value)))

    def record(self, name: str, check: t.Callable[[], t.Any]) -> bool:
        """Run one check; its DesignError, prefixed with ``name``, is recorded. True when it passed."""
        try:
            check()
        except DesignError as err:
            self.errors.append(str(err.within(name)))
            return False
        return True

    def host(self, name: str, data: t.Mapping[str, t.Any]) -> t.Optional[HostDesign]:
        missing = [var for var, required in HOST_VARIABLES.items() if required and data.get(var) in (None, "")]
        for var in missing:
            self.fail(name, var, "must be set (see docs/inventory.md)", show_value=False)
        if missing:
            return None
        # every check runs (each error is listed), then the design is built only when all passed
        checks = list(_scalars(data)) + [_network_check(data[variable], variable)
                                         for variable in ("sipha_sip_network", "sipha_data_network")]
        passed = [self.record(name, check) for check in checks]
        if False in passed:
            return None
        sip_network, data_network = (_network(data[var], var) for var in ("sipha_sip_network", "sipha_data_network"))
        design = {
            "sip_nic": data["sipha_sip_nic"], "data_nic": data["sipha_data_nic"],
            "sip_gateway": data["sipha_sip_network"].get("gateway"),
            "data_gateway": data["sipha_data_network"].get("gateway"),
            "vip": data["sipha_vip"], "sip_device_networks": data.get("sipha_sip_device_networks") or [],
        }
        self.out[name] = {"design": design, "pair": [], "routers": [], "gateway_routers": [], "role_vars": {}}
        try:
            built = HostDesign.from_dict(design)
        except DesignError as err:
            self.errors.append(str(_renamed(err, _inventory_field(err.field)).within(name)))
            return None
        found = 0
        for variable, nic, network in (("sipha_sip_network", built.sip_nic, sip_network),
                                       ("sipha_data_network", built.data_nic, data_network)):
            where = "sipha_%s.address" % nic.role
            if nic.interface.ip not in network:
                self.fail(name, where, "must lie in %s.cidr %s" % (variable, network), nic.ip)
                found += 1
            elif nic.network != network:
                self.fail(name, where, "has prefix /%d but %s.cidr is %s: the NIC's prefix must be the network's"
                          % (nic.network.prefixlen, variable, network), str(nic.interface))
                found += 1
        if found:
            return None
        self.networks[name] = (sip_network, data_network)
        return built

    def router(self, name: str) -> t.Optional[t.Dict[str, t.Any]]:
        """The router's entry for the takeover program, validated, or None (its error recorded)."""
        try:
            return router_entry(name, self.routers[name])
        except DesignError as err:
            self.errors.append(str(err))
            return None

    def router_in_pair(self, name: str, entry: t.Mapping[str, t.Any], pair_name: str, sip_network: t.Any) -> bool:
        """A router delivers SIP to the pair's VIP: its own address lies in the pair's SIP network."""
        try:
            network = _network(sip_network, "sipha_sip_network")
        except DesignError:
            return True  # reported for the pair's hosts
        if ipaddress.ip_address(entry["arp_target"]) not in network:
            self.fail(name, "sipha_router_address", "must be the router's own address in pair %s's "
                      "sipha_sip_network.cidr %s" % (pair_name, network), entry["arp_target"])
            return False
        return True

    def gateway_routers(self, pair_name: str, sip_network: t.Any, routers: t.Mapping[str, t.Mapping[str, t.Any]]
                        ) -> t.List[str]:
        """The routers behind the pair's virtual VoIP gateway (a first-hop redundancy group: VRRP, HSRP), checked:
        at least two, each an adjacent router of the inventory (so each is flushed at a switchover, R13), none whose
        own address is the virtual gateway. [] when the gateway is a router's own address."""
        if not isinstance(sip_network, dict) or sip_network.get("gateway_routers") is None:
            return []
        where, field = "pair %s" % pair_name, "sipha_sip_network.gateway_routers"
        names = sip_network["gateway_routers"]
        if not isinstance(names, list) or not all(isinstance(name, str) and name for name in names):
            self.fail(where, field, "must be a list of the adjacent routers' inventory names that stand behind the "
                      "virtual gateway", names)
            return []
        unknown = [name for name in names if name not in self.routers]
        if unknown:
            self.fail(where, field, "names %s, not in the adjacent routers group %s: every router behind the "
                      "gateway delivers SIP to the VIP and must be flushed at a switchover (R13)"
                      % (", ".join(unknown), self.routers_group), names)
        if len(set(names)) < 2:
            self.fail(where, field, "must name at least two routers: a redundancy gateway with one router behind "
                      "it is no redundancy (R13)", names)
        gateway = sip_network.get("gateway")
        own = [name for name in names if name in routers and routers[name]["arp_target"] == gateway]
        if own:
            self.fail(where, "sipha_sip_network.gateway", "is %s's own address (sipha_router_address), but a "
                      "virtual gateway must be an address of its own that moves between the routers behind it"
                      % own[0], gateway)
        return [name for name in names if name not in unknown]

    def pair(self, pair_name: str, members: t.Sequence[str], designs: t.Mapping[str, HostDesign]) -> None:
        where = "pair %s" % pair_name
        first = self.hosts[members[0]]
        if len(members) != 2:
            self.fail(where, "sipha_pair_name", "must name exactly 2 SIP hosts, a primary and a backup; it names %d "
                      "(%s)" % (len(members), ", ".join(members)), show_value=False)
        for variable in _PAIR_VARIABLES:
            values = {name: self.hosts[name].get(variable) for name in members}
            if None in values.values() and HOST_VARIABLES[variable]:
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

    def host_roles(self, name: str, routers: t.Mapping[str, t.Dict[str, t.Any]]) -> None:
        """The host's role variables: computed, checked, and handed out (``role_vars``)."""
        data, out = self.hosts[name], self.out[name]
        entries = [routers[router] for router in out["routers"] if router in routers]
        mapped = roles.host_mapping(data, out["pair"], entries)
        values = roles.effective(self.role_inputs.inventory(data, roles.HOST_ROLES), mapped,
                                 self.role_inputs.defaults(roles.HOST_ROLES))
        checked = self.role_inputs.set_in(data, roles.HOST_ROLES) | {key for key, value in mapped.items()
                                                                     if value is not None}
        for err in roles.host_role_errors(values, self.role_inputs.options, checked, out["pair"], name):
            self.errors.append(str(err.within(name)))
        out["role_vars"] = roles.public_vars(values, roles.HOST_OUTPUTS)

    def router_roles(self, name: str, served: t.Sequence[t.Mapping[str, t.Any]]) -> t.Dict[str, t.Any]:
        data = self.routers[name]
        mapped = roles.router_mapping(data, served)
        values = roles.effective(self.role_inputs.inventory(data, roles.ROUTER_ROLES), mapped,
                                 self.role_inputs.defaults(roles.ROUTER_ROLES))
        for err in roles.router_role_errors(values, self.role_inputs.options,
                                            self.role_inputs.set_in(data, roles.ROUTER_ROLES) | set(mapped)):
            self.errors.append(str(err.within(name)))
        return roles.public_vars(values, roles.ROUTER_OUTPUTS)

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
        clean: t.Set[str] = set()   # pairs without an error of their own
        for pair_name, members in sorted(pairs.items()):
            before = len(self.errors)
            self.pair(pair_name, members, designs.get(pair_name, {}))
            vip = self.hosts[members[0]].get("sipha_vip")
            if isinstance(vip, str) and vip in vips:
                self.fail("pair %s" % pair_name, "sipha_vip", "is already the VIP of pair %s" % vips[vip], vip)
            elif isinstance(vip, str):
                vips[vip] = pair_name
            if len(self.errors) == before:
                clean.add(pair_name)
        routers = {name: self.router(name) for name in router_names}
        valid = {name: entry for name, entry in routers.items() if entry is not None}
        complete = [uniqueness.Pair(name, built, *self.networks[min(built)]) for name, built in designs.items()
                    if len(built) == len(pairs[name]) == 2]
        found = uniqueness.check_inventory(complete, valid)
        self.errors += [str(err) for err in found]
        bad_routers = {err.field.partition(": ")[0] for err in found} & set(valid)
        sip_networks = {pair.name: str(pair.sip_network) for pair in complete}
        for name in sorted(valid):
            transit = self.routers[name].get(split.TRANSIT)
            if transit is None:
                continue
            try:
                split.transit_address(transit, name, sip_networks)
            except DesignError as err:
                self.errors.append(str(err))
                bad_routers.add(name)
        for pair_name, members in sorted(pairs.items()):
            for name, entry in valid.items():
                if not self.router_in_pair(name, entry, pair_name, self.hosts[members[0]].get("sipha_sip_network")):
                    bad_routers.add(name)
            behind = self.gateway_routers(pair_name, self.hosts[members[0]].get("sipha_sip_network"), valid)
            for host in members:
                if host in self.out:
                    self.out[host]["pair"] = sorted(members)
                    self.out[host]["routers"] = list(router_names)
                    self.out[host]["gateway_routers"] = behind
        router_vars: t.Dict[str, t.Dict[str, t.Any]] = {}
        if self.role_inputs.enabled:
            good = sorted(host for pair in complete if pair.name in clean for host in pair.designs)
            for host in good:
                self.host_roles(host, {name: entry for name, entry in valid.items() if name not in bad_routers})
            if len(good) == len(self.hosts):   # a router's variables come from every host it serves
                for name in valid:
                    router_vars[name] = self.router_roles(name, [self.hosts[host] for host in good
                                                                 if name in self.out[host]["routers"]])
        return {"errors": self.errors, "hosts": self.out, "pairs": {k: sorted(v) for k, v in pairs.items()},
                "routers": valid, "router_vars": router_vars}


class RoleInputs:
    """The roles' options (their argument specs) and defaults, given by the caller (read from the roles' files).

    Without them (``RoleInputs()``) no role variable is computed or checked."""

    def __init__(self, options: t.Optional[t.Mapping[str, t.Mapping[str, t.Mapping[str, t.Any]]]] = None,
                 defaults: t.Optional[t.Mapping[str, t.Mapping[str, t.Any]]] = None) -> None:
        self.options = options or {}
        self.role_defaults = defaults or {}
        self.enabled = bool(options)

    def names(self, role_names: t.Iterable[str]) -> t.Set[str]:
        out: t.Set[str] = set()
        for role in role_names:
            out |= set(self.options.get(role, {})) | set(self.role_defaults.get(role, {}))
        return out

    def defaults(self, role_names: t.Iterable[str]) -> t.Dict[str, t.Any]:
        out: t.Dict[str, t.Any] = {}
        for role in role_names:
            out.update(self.role_defaults.get(role, {}))
        return out

    def set_in(self, data: t.Mapping[str, t.Any], role_names: t.Iterable[str]) -> t.Set[str]:
        return {name for name in self.names(role_names) if name in data}

    def inventory(self, data: t.Mapping[str, t.Any], role_names: t.Iterable[str]) -> t.Dict[str, t.Any]:
        return {name: data[name] for name in self.set_in(data, role_names)}


def build(hosts: t.Any, routers: t.Any, routers_group: str = "adjacent_routers",
          role_inputs: t.Optional[RoleInputs] = None) -> t.Dict[str, t.Any]:
    """``hosts``: SIP host name -> its ``sipha_*`` variables and the role variables its inventory sets;
    ``routers``: router name -> its ``sipha_router_*`` (and role) variables (every router of ``routers_group``);
    ``role_inputs``: the roles' options and defaults. Returns ``errors`` (every finding, as readable lines),
    ``hosts`` (name -> ``design``, ``pair``, ``routers``, ``gateway_routers``, ``role_vars``), ``pairs``, ``routers`` (the valid
    ones) and ``router_vars`` (router name -> its role variables)."""
    if not isinstance(hosts, dict) or not hosts:
        return {"errors": ["sip hosts: the inventory has no SIP host of the model (group sip_pair)"], "hosts": {},
                "pairs": {}, "routers": {}, "router_vars": {}}
    if not isinstance(routers, dict):
        routers = {}
    return _Build(hosts, routers, routers_group, role_inputs or RoleInputs()).run(sorted(routers))
