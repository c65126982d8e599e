# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-interface IPv4 sysctls: keys, /proc paths and sysctl.d lines.

An interface name with a dot (a VLAN such as ``eth0.100``) cannot be written
in the dotted key form, because the dot would split it: sysctl and
systemd-sysctl take the slash form ``net/ipv4/conf/eth0.100/arp_ignore``.
We write the slash form only where it is needed.

For arp_ignore, arp_announce and rp_filter the kernel uses the larger of
``conf/all`` and ``conf/<nic>``, so a per-NIC value below ``all`` has no
effect; ``shadowed_by_all`` finds those.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import os
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.checks import interface_name

__all__ = ["PROC", "SETTINGS", "desired", "key", "plan", "proc_path", "read_proc", "render_file", "shadowed_by_all",
           "write_proc"]

#: Settings we manage, their valid values and whether the kernel takes max(all, nic).
SETTINGS: t.Dict[str, t.Tuple[t.Tuple[int, ...], bool]] = {
    "arp_ignore": ((0, 1, 2, 3, 4, 5, 6, 7, 8), True),
    "arp_announce": ((0, 1, 2), True),
    "rp_filter": ((0, 1, 2), True),
    "promote_secondaries": ((0, 1), False),
    "arp_accept": ((0, 1, 2), False),
}
PROC = "/proc/sys"


def key(interface: str, setting: str) -> str:
    """The key as written in a sysctl.d file (slash form for dotted names)."""
    if "." in interface:
        return "net/ipv4/conf/%s/%s" % (interface, setting)
    return "net.ipv4.conf.%s.%s" % (interface, setting)


def proc_path(interface: str, setting: str) -> str:
    return os.path.join(PROC, "net", "ipv4", "conf", interface, setting)


def desired(interfaces: t.Sequence[str], values: t.Mapping[str, t.Any]) -> t.Dict[t.Tuple[str, str], int]:
    """Validate and expand {setting: value} over the interfaces."""
    out: t.Dict[t.Tuple[str, str], int] = {}
    for index, name in enumerate(interfaces):
        interface_name(name, "interfaces[%d]" % index)
    for setting, value in values.items():
        if value is None:
            continue
        if setting not in SETTINGS:
            raise DesignError(setting, "is not a managed sysctl (%s)" % ", ".join(sorted(SETTINGS)), value)
        allowed = SETTINGS[setting][0]
        rule = "must be one of %s" % ", ".join(str(a) for a in allowed)
        number = v.whole_number(value, setting, min(allowed), max(allowed), rule)
        if number not in allowed:
            raise DesignError(setting, rule, value)
        for name in interfaces:
            out[(name, setting)] = number
    return out


def render_file(values: t.Mapping[t.Tuple[str, str], int], purpose: str) -> str:
    lines = ["# Managed by sipha.network (%s). Local edits are overwritten." % purpose]
    lines += ["%s = %d" % (key(nic, setting), value) for (nic, setting), value in sorted(values.items())]
    return "\n".join(lines) + "\n"


def shadowed_by_all(values: t.Mapping[t.Tuple[str, str], int], read: t.Callable[[str], t.Optional[int]]) -> t.List[str]:
    """Warnings for per-NIC values that conf/all overrides (kernel takes the max)."""
    out = []
    for (nic, setting), value in sorted(values.items()):
        if not SETTINGS[setting][1]:
            continue
        current_all = read(proc_path("all", setting))
        if current_all is not None and current_all > value:
            out.append("net.ipv4.conf.all.%s is %d, above the %d wanted on %s: the kernel uses the larger "
                       "value, so %s has no effect until conf.all is lowered" % (setting, current_all, value, nic, nic))
    return out


def read_proc(path: str) -> t.Optional[int]:
    try:
        with open(path) as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


def write_proc(path: str, value: int) -> None:
    with open(path, "w") as handle:
        handle.write("%d\n" % value)


def plan(values: t.Mapping[t.Tuple[str, str], int], read: t.Callable[[str], t.Optional[int]] = read_proc) -> t.Any:
    """Plan steps for the values that differ (kind "sysctl", undo restores the old value)."""
    from ansible_collections.sipha.network.plugins.module_utils._model.plan import Plan

    out = Plan()
    for (nic, setting), value in sorted(values.items()):
        path = proc_path(nic, setting)
        have = read(path)
        if have is None:
            raise DesignError("interfaces", "%s has no %s on this host (no such interface?)" % (nic, setting), nic)
        if have != value:
            out.add("sysctl", ["sysctl", path, str(value)], ["sysctl", path, str(have)],
                    "~ sysctl %s = %d (was %d)" % (key(nic, setting), value, have))
    return out
