# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The NetworkManager backend: one ``sipha-<interface>`` profile per NIC, applied by NetworkManager itself.

What the profiles hold and why is in ``nm_render``; safe apply uses a
NetworkManager checkpoint, which rolls the whole NM state back by itself.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._host import rollback as _rollback
from ansible_collections.sipha.network.plugins.module_utils._host.backends import nm_render as nm
from ansible_collections.sipha.network.plugins.module_utils._host.backends.base import (
    NICS, Backend, HostModuleLike)

__all__ = ["NetworkManager"]


def profiles(host: HostModuleLike) -> t.List[t.Tuple[str, t.Dict[str, str]]]:
    """(interface, properties this part owns) per profile."""
    design = host.design
    if host.part == NICS:
        return [(host.sip, nm.nic_properties(design.sip_nic, host.sip, None, design.route_metric)),
                (host.data, nm.nic_properties(design.data_nic, host.data, design.data_gateway, design.route_metric))]
    return [(host.sip, nm.route_properties(design, host.sip))]


class NetworkManager(Backend):
    name = "networkmanager"
    title = "NetworkManager"

    def detect(self, module: t.Any) -> bool:
        nmcli = module.get_bin_path("nmcli")
        if not nmcli:
            return False
        rc, out, dummy = module.run_command([nmcli, "-t", "-f", "RUNNING", "general"])
        return rc == 0 and out.strip() == "running"

    def _sync(self, host: HostModuleLike, apply: bool) -> t.List[str]:
        """Bring our profiles to the design; activate or reapply what changed."""
        lines: t.List[str] = []
        nmcli = host.module.get_bin_path("nmcli", required=True)
        for interface, props in profiles(host):
            name = nm.profile_name(interface)
            rc, out, dummy = host.module.run_command([nmcli, "-t", "-f", ",".join(sorted(props)), "connection",
                                                     "show", name])
            if rc != 0:
                if host.part != NICS and apply:
                    host.module.fail_json(msg="NetworkManager profile %s does not exist: run dual_nic first" % name)
                lines.append("+ NetworkManager profile %s: %s" % (
                    name, ", ".join("%s=%s" % kv for kv in sorted(props.items()))))
                if apply:
                    host.run_tool([nmcli] + nm.add_args(name, interface, props), "creating the profile")
                    host.run_tool([nmcli, "connection", "up", name], "activating the profile")
                continue
            current = nm.parse_terse(out)
            changed = nm.differences(props, current)
            for key in changed:
                lines.append("~ NetworkManager %s %s = %s (was %s)" % (name, key, props[key], current.get(key, "")))
            if changed and apply:
                host.run_tool([nmcli] + nm.modify_args(name, props, changed), "changing the profile")
                active = host.run_tool([nmcli, "-g", "GENERAL.CONNECTION", "device", "show", interface],
                                       "reading the device")
                if active.strip() == name:
                    host.run_tool([nmcli, "device", "reapply", interface], "reapplying the profile")
                else:
                    host.run_tool([nmcli, "connection", "up", name], "activating the profile")
        return lines

    def pending(self, host: HostModuleLike) -> t.List[str]:
        return self._sync(host, apply=False)

    def apply(self, host: HostModuleLike) -> bool:
        return bool(self._sync(host, apply=True))

    def persist(self, host: HostModuleLike) -> t.List[str]:
        return []  # the profiles are NetworkManager's persistent state

    def guard_files(self, nics: t.Sequence[str]) -> t.List[str]:
        return [nm.keyfile_path(nic) for nic in nics]

    def reload_argv(self, module: t.Any, nics: t.Sequence[str]) -> t.List[t.List[str]]:
        nmcli = module.get_bin_path("nmcli", required=True)
        # a profile that is gone after the restore cannot come up: its failure is recorded, not fatal
        return [[nmcli, "connection", "reload"]] + [[nmcli, "connection", "up", nm.profile_name(nic)] for nic in nics]

    def arm_rollback(self, host: HostModuleLike, undo: t.List[t.List[str]], timeout: int,
                     lines: t.Sequence[str]) -> t.Dict[str, t.Any]:
        """A checkpoint over all devices: NetworkManager undoes everything itself after the timeout."""
        busctl = host.module.get_bin_path("busctl", required=True)
        out = host.run_tool([busctl, "call"] + nm.NM_BUS + ["CheckpointCreate", "aouu", "0", str(timeout), "1"],
                            "creating a NetworkManager checkpoint")
        if not out.startswith("o "):
            host.module.fail_json(msg="creating a NetworkManager checkpoint failed: %s" % out.strip())
        path = out.split()[1].strip('"')
        confirm = [busctl, "call"] + nm.NM_BUS + ["CheckpointDestroy", "o", path]
        armed = _rollback.arm_external(confirm, timeout, lines, "networkmanager-checkpoint")
        armed["checkpoint"] = path
        return armed
