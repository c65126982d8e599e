# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The interface every router vendor driver implements (no I/O).

A driver says everything that differs between router platforms, and nothing
else: what a SIP host sends over the restricted account to flush or read the
VIP's ARP entry, what the router itself runs to clear it, how the router
marks an error or a prompt, which transport carries a request, and what the
router_arp_flush role installs. Transports (``_router/cli.py``, the paramiko
flush, the takeover program's OpenSSH flush) and the role look a driver up in
``registry`` and never compare vendor names.

Drivers are pure and standard library only: the takeover program ships them.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import abc
import typing as t

__all__ = ["ARGV", "CONFIG", "CONFIRMED", "Dialect", "EXEC", "HostRoutes", "RouteChanges", "SHELL", "Target", "Vendor",
           "confirmation_line"]

#: transports: one SSH exec request per command (read by a forced command), or an interactive CLI shell
EXEC = "exec"
SHELL = "shell"
#: how a platform takes static host routes: argument lists run on the router's own shell (as root), or
#: configuration lines pushed over its CLI (network_cli)
ARGV = "argv"
CONFIG = "config"


#: what the IOS applet and the Junos op script print after the clear succeeded, and only then
CONFIRMED = "SIPHA-ARP-FLUSH-OK"


def confirmation_line(target: "Target") -> str:
    return "%s %s%s" % (CONFIRMED, target.vip, " vrf %s" % target.vrf if target.vrf else "")


class Target(t.Protocol):
    """One VIP on one router (``_router.vendors.target.FlushTarget``)."""

    vendor: str
    vip: str
    interface: t.Optional[str]
    vrf: t.Optional[str]


class HostRoutes(t.NamedTuple):
    """Static /32 host routes to one next hop, in one VRF (or the global table), to be present or absent.

    ``_model/split.py`` validates every field before a driver sees it (addresses and next hop IPv4, the VRF a
    name): a driver renders them as they are."""

    #: the hosts' IPv4 addresses, in the order the commands and reads follow
    addresses: t.Tuple[str, ...]
    next_hop: str
    vrf: t.Optional[str] = None
    present: bool = True

    def route(self, address: str) -> str:
        """One route as people read it: ``198.51.100.10/32 via 198.18.0.1 vrf VOICE``."""
        return "%s/32 via %s%s" % (address, self.next_hop, " vrf %s" % self.vrf if self.vrf else "")


class RouteChanges(t.NamedTuple):
    """What differs between ``HostRoutes`` and the router, and what is sent to make them agree."""

    #: argument lists (ARGV) or configuration lines (CONFIG), in address order; empty when nothing differs
    send: t.List[t.Any]
    #: the routes added (present) or removed (absent), as ``HostRoutes.route`` reads them
    add: t.List[str]
    remove: t.List[str]
    #: host routes of the same addresses (and VRF) via another next hop, which are left as they are
    others: t.List[str]
    #: such routes that adding ours replaces (a platform whose add takes the prefix's route over)
    replaced: t.List[str]


class Dialect(t.NamedTuple):
    """How a platform answers over SSH."""

    #: EXEC or SHELL
    transport: str
    #: an error line in the router's answer; IOS and Junos may print one with exit status 0
    errors: t.Pattern[str]
    #: the CLI prompt (SHELL transports only)
    prompt: t.Optional[t.Pattern[str]] = None
    #: the unprivileged prompt's last character when the platform has ``enable`` (IOS: '>'), else None
    enable_from: t.Optional[str] = None


class Vendor(abc.ABC):
    """A router platform. Subclasses set the class attributes and implement the abstract methods."""

    #: the inventory's value of ``sipha_router_vendor`` / the config's ``vendor``
    name: t.ClassVar[str]
    #: how people call the platform, in messages and docs
    title: t.ClassVar[str]
    dialect: t.ClassVar[Dialect]
    #: whether a flush may be limited to one interface (Linux) rather than a VRF only
    interface_scoped: t.ClassVar[bool] = False

    @property
    def transport(self) -> str:
        return self.dialect.transport

    @property
    def errors(self) -> t.Pattern[str]:
        return self.dialect.errors

    @property
    def prompt(self) -> t.Optional[t.Pattern[str]]:
        return self.dialect.prompt

    @property
    def enable_from(self) -> t.Optional[str]:
        return self.dialect.enable_from

    #: how the platform takes static host routes (ARGV or CONFIG): which of the playbook's paths carries them
    host_routes_by: t.ClassVar[str]
    #: whether adding a host route replaces the address's route via another next hop (else both stay)
    host_route_replaces: t.ClassVar[bool] = False

    def __lt__(self, other: "Vendor") -> bool:
        return self.name < other.name

    def error_line(self, output: str) -> t.Optional[str]:
        """The router's error line in ``output``, or None."""
        found = self.errors.search(output)
        return found.group(1).strip() if found else None

    @abc.abstractmethod
    def flush_request(self, target: Target) -> str:
        """What a SIP host sends over the restricted account to flush the VIP's entry."""

    @abc.abstractmethod
    def show_request(self, target: Target) -> str:
        """What a SIP host sends to read the entry back."""

    @abc.abstractmethod
    def clear_command(self, target: Target) -> str:
        """What the router itself runs (the applet, op script or flush script) to clear exactly this entry."""

    @abc.abstractmethod
    def role_files(self, user: str, targets: t.Sequence[Target], settings: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
        """What the router_arp_flush role installs, validated and rendered (its ``tasks/<name>.yml`` uses it)."""

    def confirmation(self, target: Target) -> t.Optional[str]:
        """The line the router prints only after the clear succeeded, or None where the exit status says it
        (Linux: the forced command's own status)."""
        return None

    def confirmed(self, target: Target, output: str, exit_code: t.Optional[int]) -> bool:
        """Whether this answer proves the VIP's entry was cleared: the confirmation line when the platform has
        one (IOS may send no exit status at all), else exit code 0; never when an error line is in it."""
        if self.error_line(output):
            return False
        expected = self.confirmation(target)
        if expected is None:
            return exit_code == 0
        return any(line.strip() == expected for line in output.splitlines())

    def local_show_argv(self, target: Target) -> t.Optional[t.List[str]]:
        """The command that lists the VIP's entry when run on the router itself by validate.yml, or None when
        validate.yml cannot read this platform (it then reads nothing and says so)."""
        return None

    # --- static host routes (R11, the VIP VLAN split workaround) ------------------------------------------------
    @abc.abstractmethod
    def host_route_command(self, routes: HostRoutes, address: str,
                           outputs: t.Optional[t.Sequence[str]] = None) -> t.Any:
        """What makes the route of ``address`` present (or absent, as ``routes.present`` says): an argument list
        (ARGV) or one configuration line (CONFIG). ``outputs``, the answers to ``host_route_reads`` when they are
        known, lets a platform pick the exact statement (Junos: the whole route, or only its next hop)."""

    @abc.abstractmethod
    def host_route_reads(self, routes: HostRoutes) -> t.List[t.Any]:
        """What reads the router's own state of these routes, changing nothing: argument lists (ARGV) or CLI
        commands (CONFIG). Their answers, in this order, are ``host_route_changes``' ``outputs``."""

    @abc.abstractmethod
    def host_route_next_hops(self, routes: HostRoutes, outputs: t.Sequence[str]) -> t.Dict[str, t.List[str]]:
        """From the reads' answers: each address of ``routes`` -> the next hops of its /32 route on the router now,
        in the routes' VRF (an address without a route is left out)."""

    def host_route_commands(self, routes: HostRoutes) -> t.List[t.Any]:
        """Everything that makes ``routes`` present (or absent), without reading the router: one command per
        address, in address order."""
        return [self.host_route_command(routes, address) for address in routes.addresses]

    def host_route_changes(self, routes: HostRoutes, outputs: t.Sequence[str]) -> RouteChanges:
        """Only what differs: a route via the next hop that is missing (present) or there (absent). A route is the
        address and next hop (in the VRF), whatever else the router keeps with it; host routes of the same
        addresses via other next hops are only reported (``others``), unless adding ours replaces them on this
        platform (``replaced``)."""
        hops = self.host_route_next_hops(routes, outputs)
        send: t.List[t.Any] = []
        add: t.List[str] = []
        remove: t.List[str] = []
        others: t.List[str] = []
        replaced: t.List[str] = []
        for address in routes.addresses:
            there = hops.get(address, [])
            other = [routes._replace(next_hop=hop).route(address) for hop in there if hop != routes.next_hop]
            if (routes.next_hop in there) != routes.present:
                send.append(self.host_route_command(routes, address, outputs))
                (add if routes.present else remove).append(routes.route(address))
                if routes.present and self.host_route_replaces:
                    replaced += other
                    continue
            others += other
        return RouteChanges(send, add, remove, others, replaced)
