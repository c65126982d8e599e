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
import hashlib
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

_APPLET_LINE = re.compile(r"^event manager applet (\S+)")


def privilege(value: t.Any, field: str = "privilege") -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit() \
            or not 2 <= int(value) <= 14:
        raise DesignError(field, "must be an IOS privilege level 2..14 (1 is every user's, 15 is enable)", value)
    return int(value)


def key_hash(key: str, field: str) -> str:
    """``key-hash <type> <MD5 of the key blob, upper-case hex>`` as IOS shows it in ip ssh pubkey-chain."""
    kind, blob = rf.public_key(key, field).split()[:2]
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        raise DesignError(field, "must carry a valid base64 key blob", show_value=False)
    return "key-hash %s %s" % (kind, hashlib.md5(raw, usedforsecurity=False).hexdigest().upper())


def applet(target: rf.FlushTarget) -> t.List[str]:
    """The applet that clears exactly this VIP's entry, in running-config form."""
    return [
        "event manager applet %s" % target.ios_applet,
        " description sipha.network: clears the ARP entry of %s only" % target.vip,
        " event none",
        ' action 1.0 cli command "enable"',
        ' action 2.0 cli command "%s"' % target.router_clear_command(),
        ' action 3.0 syslog priority informational msg "sipha.network: cleared the ARP entry of %s"' % target.vip,
    ]


def config(user: str, level: int, targets: t.Sequence[rf.FlushTarget], keys: t.Sequence[str]) -> t.List[str]:
    """Everything the role pushes except the user's secret, in running-config form."""
    rf.account(user, "account")
    lines = ["privilege exec level %d event manager run" % privilege(level)]
    for target in sorted(targets):
        lines += applet(target)
    if keys:
        lines += ["ip ssh pubkey-chain", " username %s" % user]
        lines += ["  " + key_hash(key, "keys[%d]" % index) for index, key in enumerate(keys)]
    return lines


def user_line(user: str, level: int) -> str:
    """The user line without its secret (the role adds ``algorithm-type scrypt secret`` on creation only)."""
    return "username %s privilege %d" % (rf.account(user, "account"), privilege(level))


def audit_applets(running_section: str, targets: t.Sequence[rf.FlushTarget]) -> t.Dict[str, t.List[str]]:
    """Which applets on the router matter to the flush user, from ``show running-config | section event manager``.

    ``stale``: ours (SIPHA-ARP-FLUSH-*) for a VIP no longer configured, to be removed.
    ``foreign``: someone else's applets registered with ``event none``; the flush user could run those too
    (``event manager run`` takes any name), so the role refuses to proceed unless told otherwise."""
    ours = {target.ios_applet for target in targets}
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
    prefix = "SIPHA-ARP-FLUSH-"
    return {"stale": sorted(n for n in manual if n.startswith(prefix) and n not in ours),
            "foreign": sorted(n for n, m in manual.items() if m and not n.startswith(prefix))}
