# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Linux routers: a root flush script, and an account whose forced command may only run it (no I/O).

The SIP host sends one exec request, ``flush <VIP>`` or ``show <VIP>``; the
forced command matches the word exactly and runs the flush script through
``sudo -n`` (or ``ip neigh show``), so the account can do nothing else.

Static host routes (the VIP VLAN split workaround) are ``ip -4 route replace
<address>/32 via <next hop> [vrf <name>]`` and ``ip -4 route del ...``, run as
root on the router; ``ip -4 route show [vrf <name>] <address>/32`` reads one
back (the exact prefix, ip-route(8)). They live in the kernel only: a reboot of
the router drops them.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import (ARGV, EXEC, Dialect,
                                                                                         HostRoutes, Target, Vendor)

__all__ = ["FLUSH_SCRIPT", "FORCED_COMMAND", "Linux", "authorized_keys", "flush_argv", "flush_script",
           "forced_command", "host_route_argv", "host_route_show_argv", "show_argv", "sudoers"]

FLUSH_SCRIPT = "/usr/local/sbin/sipha-arp-flush"
FORCED_COMMAND = "/usr/local/sbin/sipha-arp-flush-ssh"


def flush_argv(target: Target) -> t.List[str]:
    """The Linux router's own flush of exactly this entry."""
    argv = ["ip", "-4", "neigh", "flush", "to", target.vip]
    argv += ["dev", target.interface] if target.interface else []
    return argv + (["vrf", target.vrf] if target.vrf else [])


def show_argv(target: Target) -> t.List[str]:
    return ["ip", "-4", "neigh", "show", "to", target.vip] + (["vrf", target.vrf] if target.vrf else [])


def host_route_argv(routes: HostRoutes, address: str) -> t.List[str]:
    """``ip -4 route replace|del <address>/32 via <next hop> [vrf <name>]``: replace adds the route or takes over
    the one the table has for the prefix; del removes only the route via that next hop."""
    argv = ["ip", "-4", "route", "replace" if routes.present else "del", "%s/32" % address, "via", routes.next_hop]
    return argv + (["vrf", routes.vrf] if routes.vrf else [])


def host_route_show_argv(routes: HostRoutes, address: str) -> t.List[str]:
    """The routes of exactly ``<address>/32`` in the VRF's table (the main table without one)."""
    return ["ip", "-4", "route", "show"] + (["vrf", routes.vrf] if routes.vrf else []) + ["%s/32" % address]


def _case_script(purpose: str, word: str, cases: t.Sequence[t.Tuple[str, str]], refusal: str) -> str:
    """A /bin/sh script that runs the one action whose pattern matches ``word`` exactly, else refuses.

    Patterns and actions are built only from validated values (addresses, interface names, fixed paths)."""
    lines = ["#!/bin/sh", "# Managed by sipha.network (router_arp_flush). %s" % purpose,
             "PATH=/usr/sbin:/usr/bin:/sbin:/bin", 'case "%s" in' % word]
    lines += ["  %s) exec %s ;;" % case for case in cases]
    lines += ['  *) echo "sipha-arp-flush: %s" >&2; exit 2 ;;' % refusal, "esac"]
    return "\n".join(lines) + "\n"


def flush_script(targets: t.Sequence[Target]) -> str:
    """Root's flush script: flushes a configured VIP's entry, refuses anything else."""
    cases = [(target.vip, " ".join(flush_argv(target))) for target in sorted(targets)]
    return _case_script("Flushes the ARP entry of one configured VIP, nothing else.", "${1:-}", cases,
                        "refused: not a configured VIP")


def forced_command(targets: t.Sequence[Target]) -> str:
    """The restricted account's forced command: exactly 'flush <VIP>' or 'show <VIP>'."""
    cases: t.List[t.Tuple[str, str]] = []
    for target in sorted(targets):
        cases.append(('"%s"' % Linux.flush_request(Linux(), target), "sudo -n %s %s" % (FLUSH_SCRIPT, target.vip)))
        cases.append(('"%s"' % Linux.show_request(Linux(), target), " ".join(show_argv(target))))
    return _case_script("The only thing the flush account can run.", "${SSH_ORIGINAL_COMMAND:-}", cases, "refused")


def sudoers(user: str, targets: t.Sequence[Target]) -> str:
    v.account(user, "account")
    commands = ", ".join("%s %s" % (FLUSH_SCRIPT, target.vip) for target in sorted(targets))
    return ("# Managed by sipha.network (router_arp_flush).\n"
            "Defaults:%s !requiretty\n%s ALL=(root) NOPASSWD: %s\n" % (user, user, commands))


def authorized_keys(keys: t.Sequence[str], sources: t.Sequence[str]) -> str:
    """Each key may only run the forced command, from the SIP hosts' addresses, with no pty or forwarding."""
    if not keys:
        raise DesignError("keys", "must list at least one SIP host's flush key", show_value=False)
    if not sources:
        raise DesignError("sources", "must list the SIP hosts' addresses (from=)", show_value=False)
    froms = ",".join(str(v.ip_address(s, "sources[%d]" % i)) for i, s in enumerate(sources))
    lines = ["# Managed by sipha.network (router_arp_flush)."]
    for index, key in enumerate(keys):
        checked = v.public_key(key, "keys[%d]" % index)
        lines.append('restrict,from="%s",command="%s" %s' % (froms, FORCED_COMMAND, checked))
    return "\n".join(lines) + "\n"


class Linux(Vendor):
    """A Linux router (the lab's, or any with OpenSSH and sudo)."""

    name, title = "linux", "Linux"
    dialect = Dialect(EXEC, re.compile(r"^\s*(sipha-arp-flush: .*)$", re.M))   # the forced command's refusals
    interface_scoped = True
    host_routes_by = ARGV
    host_route_replaces = True          # ip route replace takes the prefix's route in the table over

    def flush_request(self, target: Target) -> str:
        return "flush %s" % target.vip

    def show_request(self, target: Target) -> str:
        return "show %s" % target.vip

    def clear_command(self, target: Target) -> str:
        return " ".join(flush_argv(target))

    def role_files(self, user: str, targets: t.Sequence[Target], settings: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
        return {
            "flush_script": flush_script(targets),
            "forced_command": forced_command(targets),
            "sudoers": sudoers(user, targets),
            "authorized_keys": authorized_keys(settings.get("keys") or [], settings.get("sources") or []),
        }

    def local_show_argv(self, target: Target) -> t.Optional[t.List[str]]:
        return show_argv(target)

    def host_route_command(self, routes: HostRoutes, address: str,
                           outputs: t.Optional[t.Sequence[str]] = None) -> t.List[str]:
        return host_route_argv(routes, address)

    def host_route_reads(self, routes: HostRoutes) -> t.List[t.Any]:
        return [host_route_show_argv(routes, address) for address in routes.addresses]

    def host_route_next_hops(self, routes: HostRoutes, outputs: t.Sequence[str]) -> t.Dict[str, t.List[str]]:
        """Each read lists one prefix's routes (``198.51.100.10 via 198.18.0.1 dev eth2``, or a multipath route's
        ``nexthop via ...`` lines): every ``via`` of it is a next hop."""
        found: t.Dict[str, t.List[str]] = {}
        for address, output in zip(routes.addresses, outputs):
            words = output.split()
            hops = [words[i + 1] for i, word in enumerate(words[:-1]) if word == "via"]
            if hops:
                found[address] = hops
        return found
