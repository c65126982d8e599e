# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cisco IOS / IOS-XE: the VIP's ARP-flush procedure as EEM applets, and a user that may only run them (no I/O).

One applet per VIP (``event none``, so it runs only on ``event manager run``)
clears that VIP's entry, in its VRF when one is given. The flush user gets a
privilege level (2 by default) at which ``event manager run`` is the only
command added to IOS's level-1 set. Everything is rendered in running-config
form (one space per level), which is what ``cisco.ios.ios_config`` compares.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import base64
import binascii
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import SHELL, Dialect, Target, Vendor

__all__ = ["APPLET_PREFIX", "Ios", "applet", "applet_name", "audit_applets", "config", "key_hash", "privilege",
           "user_line"]

APPLET_PREFIX = "SIPHA-ARP-FLUSH-"
_ERRORS = re.compile(r"^\s*(%.*|.*not registered with event none.*)$", re.M)
# hostname> or hostname# (optionally with a config mode in parentheses)
_PROMPT = re.compile(r"(?:^|[\r\n])[\w.\-/:]+(?:\([\w.\-]+\))?[>#] ?$")

_APPLET_LINE = re.compile(r"^event manager applet (\S+)")


def privilege(value: t.Any, field: str = "privilege") -> int:
    return v.whole_number(value, field, 2, 14, "must be an IOS privilege level 2..14 (1 is every user's, 15 is "
                          "enable)")


def key_hash(key: str, field: str) -> str:
    """``key-hash <type> <MD5 of the key blob, upper-case hex>`` as IOS shows it in ip ssh pubkey-chain."""
    import hashlib  # pylint: disable=import-outside-toplevel  # only the role needs it, not the takeover program
    kind, blob = v.public_key(key, field).split()[:2]
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
        "event manager applet %s" % applet_name(target),
        " description sipha.network: clears the ARP entry of %s only" % target.vip,
        " event none",
        ' action 1.0 cli command "enable"',
        ' action 2.0 cli command "%s"' % Ios().clear_command(target),
        ' action 3.0 syslog priority informational msg "sipha.network: cleared the ARP entry of %s"' % target.vip,
    ]


def config(user: str, level: int, targets: t.Sequence[Target], keys: t.Sequence[str]) -> t.List[str]:
    """Everything the role pushes except the user's secret, in running-config form."""
    v.account(user, "account")
    lines = ["privilege exec level %d event manager run" % privilege(level)]
    for target in sorted(targets):
        lines += applet(target)
    if keys:
        lines += ["ip ssh pubkey-chain", " username %s" % user]
        lines += ["  " + key_hash(key, "keys[%d]" % index) for index, key in enumerate(keys)]
    return lines


def user_line(user: str, level: int) -> str:
    """The user line without its secret (the role adds ``algorithm-type scrypt secret`` on creation only)."""
    return "username %s privilege %d" % (v.account(user, "account"), privilege(level))


def audit_applets(running_section: str, targets: t.Sequence[Target]) -> t.Dict[str, t.List[str]]:
    """Which applets on the router matter to the flush user, from ``show running-config | section event manager``.

    ``stale``: ours (SIPHA-ARP-FLUSH-*) for a VIP no longer configured, to be removed.
    ``foreign``: someone else's applets registered with ``event none``; the flush user could run those too
    (``event manager run`` takes any name), so the role refuses to proceed unless told otherwise."""
    ours = {applet_name(target) for target in targets}
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

    def flush_request(self, target: Target) -> str:
        return "event manager run %s" % applet_name(target)

    def show_request(self, target: Target) -> str:
        return "show ip arp %s%s" % ("vrf %s " % target.vrf if target.vrf else "", target.vip)

    def clear_command(self, target: Target) -> str:
        return "clear ip arp %s%s" % ("vrf %s " % target.vrf if target.vrf else "", target.vip)

    def role_files(self, user: str, targets: t.Sequence[Target], settings: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
        level = privilege(settings.get("privilege", 2))
        return {"config": "\n".join(config(user, level, targets, settings.get("keys") or [])),
                "user_line": user_line(user, level), "applets": [applet_name(x) for x in sorted(targets)]}
