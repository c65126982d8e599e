# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cisco IOS / IOS-XE: the VIP's ARP-flush procedure as EEM applets, and a user that may only run them (no I/O).

One applet per VIP (``event none``, so it runs only on ``event manager run``)
clears that VIP's entry, in its VRF when one is given. It runs synchronously
(``sync yes``: ``event manager run`` returns when the applet has ended, so its
``puts`` reaches the flush session) and with ``authorization bypass`` (AAA
command authorization, common with TACACS+, would refuse its ``cli``
actions). It checks the clear's own output and prints the confirmation line
only when no error came back; anything else is "not flushed". The flush user
gets a privilege level (2 by default) at which ``event manager run`` is the
only command added to IOS's level-1 set. Everything is rendered in
running-config form (one space per level), which is what ``cli_config``
compares. Keys: classic IOS takes RSA user keys only; the role removes the flush
user's keys that are not in the design (``stale_keys``).

Static host routes (the VIP VLAN split workaround) are global configuration
lines ``ip route [vrf <name>] <address> 255.255.255.255 <next hop> name
sipha-vlan-split`` (the name marks them as ours in the configuration), removed by
``no ip route [vrf <name>] <address> 255.255.255.255 <next hop>``; they are read
back from ``show running-config | include ^ip route``, which prints them as
they were entered. They stay in the running configuration only (nothing writes
memory): a reload of the router drops them.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import base64
import binascii
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import platforms
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import (CONFIG, SHELL, Dialect,
                                                                                         HostRoutes, Target, Vendor,
                                                                                         confirmation_line)

__all__ = ["APPLET_PREFIX", "FAILED", "HOST_MASK", "Ios", "ROUTE_NAME", "ROUTES_READ", "applet", "applet_name",
           "audit_applets", "config", "host_route_line", "key_hash", "privilege", "stale_keys", "user_line"]

#: what the applet prints when the clear answered with an error (AAA refusal, syntax error)
FAILED = "SIPHA-ARP-FLUSH-FAILED"

APPLET_PREFIX = "SIPHA-ARP-FLUSH-"
_ERRORS = re.compile(r"^\s*(%.*|.*not registered with event none.*|Command authorization failed.*|"
                     r"SIPHA-ARP-FLUSH-FAILED.*)$", re.M)
# hostname> or hostname# (optionally with a config mode in parentheses)
_PROMPT = re.compile(r"(?:^|[\r\n])[\w.\-/:]+(?:\([\w.\-]+\))?[>#] ?$")

_APPLET_LINE = re.compile(r"^event manager applet (\S+)")
#: the name our host routes carry (IOS: ``name next-hop-name``, up to 32 characters, no spaces)
ROUTE_NAME = "sipha-vlan-split"
HOST_MASK = "255.255.255.255"
#: every static route of the running configuration, global and per VRF
ROUTES_READ = "show running-config | include ^ip route"
# ip route [vrf V] PREFIX MASK {NEXT-HOP | INTERFACE [NEXT-HOP]} [options...]
_ROUTE_LINE = re.compile(r"^ip route (?:vrf (\S+) )?(\S+) (\S+) (\S+)(?: (\S+))?")
_DOTTED = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_KEY_HASH = re.compile(r"^\s+key-hash (\S+) ([0-9A-Fa-f]{32})(?:\s+\S.*)?$")


def privilege(value: t.Any, field: str = "privilege") -> int:
    return v.whole_number(value, field, 2, 14, "must be an IOS privilege level 2..14 (1 is every user's, 15 is "
                          "enable)")


def key_hash(key: str, field: str, kinds: t.Sequence[str] = ("ssh-rsa", "ssh-ed25519"), title: str = "IOS") -> str:
    """``key-hash <type> <MD5 of the key blob, upper-case hex>`` as IOS shows it in ip ssh pubkey-chain; a key
    type the platform cannot take is refused here, before anything is pushed (IOS would refuse it mid-push)."""
    import hashlib  # pylint: disable=import-outside-toplevel  # only the role needs it, not the takeover program
    kind, blob = v.public_key(key, field).split()[:2]
    if kind not in kinds:
        raise DesignError(field, "is a %s key; %s takes only %s user keys (ed25519 needs IOS-XE 17.8.1 or later: "
                          "set router_arp_flush_release)" % (kind, title, " / ".join(kinds)), show_value=False)
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        raise DesignError(field, "must carry a valid base64 key blob", show_value=False)
    return "key-hash %s %s" % (kind, hashlib.md5(raw, usedforsecurity=False).hexdigest().upper())


def applet_name(target: Target) -> str:
    return "%s%s%s" % (APPLET_PREFIX, target.vip.replace(".", "-"), "-" + target.vrf if target.vrf else "")


def applet(target: Target) -> t.List[str]:
    """The applet that clears exactly this VIP's entry, in running-config form."""
    return [
        "event manager applet %s authorization bypass" % applet_name(target),
        " description sipha.network: clears the ARP entry of %s only" % target.vip,
        " event none sync yes",
        ' action 1.0 cli command "enable"',
        ' action 2.0 cli command "%s"' % Ios().clear_command(target),
        ' action 2.1 regexp "(%|[Ff]ailed|[Ee]rror|[Dd]enied)" "$_cli_result"',
        ' action 2.2 if $_regexp_result eq "1"',
        ' action 2.3 puts "%s %s: $_cli_result"' % (FAILED, target.vip),
        " action 2.4 exit 1",
        " action 2.5 end",
        ' action 3.0 syslog priority informational msg "sipha.network: cleared the ARP entry of %s"' % target.vip,
        ' action 4.0 puts "%s"' % confirmation_line(target),
    ]


def config(user: str, level: int, targets: t.Sequence[Target], keys: t.Sequence[str],
           platform: platforms.Platform = platforms.PLATFORMS["ios-xe"], release: t.Any = None,
           remove_keys: t.Sequence[str] = ()) -> t.List[str]:
    """Everything the role pushes except the user's secret, in running-config form; ``remove_keys``: the
    ``key-hash`` lines of the flush user that are not in the design (``stale_keys``)."""
    v.account(user, "account")
    lines = ["privilege exec level %d event manager run" % privilege(level)]
    for target in sorted(targets):
        lines += applet(target)
    kinds = platforms.key_types(platform, release)
    hashes = [key_hash(key, "keys[%d]" % index, kinds, platform.title) for index, key in enumerate(keys)]
    if hashes or remove_keys:
        lines += ["ip ssh pubkey-chain", " username %s" % user]
        lines += ["  no " + line for line in remove_keys] + ["  " + line for line in hashes]
    return lines


def stale_keys(pubkey_section: str, user: str, keys: t.Sequence[str]) -> t.List[str]:
    """The flush user's ``key-hash`` lines on the router that are not one of ``keys`` (to be removed), from
    ``show running-config | section ip ssh pubkey-chain``."""
    wanted = {key_hash(key, "keys[%d]" % i).split()[2] for i, key in enumerate(keys)}
    found, inside = [], False
    for line in pubkey_section.splitlines():
        if line.startswith(" username "):
            inside = line.split()[1] == user
        elif not line.startswith(" "):
            inside = False
        elif inside:
            match = _KEY_HASH.match(line)
            if match and match.group(2).upper() not in wanted:
                found.append("key-hash %s %s" % (match.group(1), match.group(2)))
    return found


def host_route_line(routes: HostRoutes, address: str) -> str:
    """The route as the running configuration shows it (``no`` + the route without its name removes it)."""
    route = "ip route %s%s %s %s" % ("vrf %s " % routes.vrf if routes.vrf else "", address, HOST_MASK, routes.next_hop)
    return "%s name %s" % (route, ROUTE_NAME) if routes.present else "no " + route


def user_line(user: str, level: int) -> str:
    """The user line without its secret (the role adds ``algorithm-type scrypt secret`` on creation only)."""
    return "username %s privilege %d" % (v.account(user, "account"), privilege(level))


def audit_applets(running_section: str, targets: t.Sequence[Target]) -> t.Dict[str, t.List[str]]:
    """Which applets on the router matter to the flush user, from ``show running-config | section event manager``.

    ``stale``: ours (SIPHA-ARP-FLUSH-*) for a VIP no longer configured, to be removed.
    ``foreign``: someone else's applets registered with ``event none``; the flush user could run those too
    (``event manager run`` takes any name), so the role refuses to proceed unless told otherwise."""
    ours = {applet_name(target) for target in targets}  # the line may go on: "... authorization bypass"
    manual: t.Dict[str, bool] = {}
    name = None
    for line in running_section.splitlines():
        match = _APPLET_LINE.match(line)
        if match:
            name = match.group(1)
            manual.setdefault(name, False)
        elif name and line.startswith(" ") and line.split()[:2] == ["event", "none"]:
            manual[name] = True
        elif not line.startswith(" "):
            name = None
    prefix = APPLET_PREFIX
    return {"stale": sorted(n for n in manual if n.startswith(prefix) and n not in ours),
            "foreign": sorted(n for n, m in manual.items() if m and not n.startswith(prefix))}


class Ios(Vendor):
    """Cisco IOS / IOS-XE: an EEM applet per VIP, run by a user whose privilege level may only run applets."""

    name, title = "ios", "IOS"
    dialect = Dialect(SHELL, _ERRORS, _PROMPT, enable_from=">")
    host_routes_by = CONFIG

    def flush_request(self, target: Target) -> str:
        return "event manager run %s" % applet_name(target)

    def show_request(self, target: Target) -> str:
        return "show ip arp %s%s" % ("vrf %s " % target.vrf if target.vrf else "", target.vip)

    def clear_command(self, target: Target) -> str:
        return "clear ip arp %s%s" % ("vrf %s " % target.vrf if target.vrf else "", target.vip)

    def confirmation(self, target: Target) -> t.Optional[str]:
        return confirmation_line(target)

    def role_files(self, user: str, targets: t.Sequence[Target], settings: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
        level = privilege(settings.get("privilege", 2))
        platform = platforms.get(settings.get("platform") or None, self.name, "platform")
        remove = settings.get("remove_keys") or []
        return {"config": "\n".join(config(user, level, targets, settings.get("keys") or [], platform,
                                           settings.get("release") or None, remove)),
                "user_line": user_line(user, level), "applets": [applet_name(x) for x in sorted(targets)],
                "platform": platform.name}

    def host_route_command(self, routes: HostRoutes, address: str,
                           outputs: t.Optional[t.Sequence[str]] = None) -> str:
        return host_route_line(routes, address)

    def host_route_reads(self, routes: HostRoutes) -> t.List[t.Any]:
        return [ROUTES_READ]

    def host_route_next_hops(self, routes: HostRoutes, outputs: t.Sequence[str]) -> t.Dict[str, t.List[str]]:
        """The /32 routes of the addresses in the routes' VRF; a route by interface counts its next hop, if any."""
        wanted = set(routes.addresses)
        found: t.Dict[str, t.List[str]] = {}
        for line in "\n".join(outputs).splitlines():
            match = _ROUTE_LINE.match(line.strip())
            if not match or match.group(1) != routes.vrf or match.group(3) != HOST_MASK or match.group(2) not in wanted:
                continue
            hop = match.group(4) if _DOTTED.match(match.group(4)) else match.group(5)
            if hop and _DOTTED.match(hop):
                found.setdefault(match.group(2), []).append(hop)
        return found
