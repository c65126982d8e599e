# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filter that validates a router's ARP-flush configuration and renders its files."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import ios
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import junos
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter


def _targets(config: t.Any) -> t.List[rf.FlushTarget]:
    if not isinstance(config, dict):
        raise DesignError("config", "must be a dictionary", config)
    vips = config.get("vips") or []
    if not isinstance(vips, list) or not vips:
        raise DesignError("vips", "must list at least one VIP", vips)
    targets = []
    for index, item in enumerate(vips):
        entry = item if isinstance(item, dict) else {"vip": item}
        targets.append(rf.FlushTarget.build(config.get("vendor", "linux"), entry.get("vip"), entry.get("interface"),
                                            entry.get("vrf"), prefix="vips[%d]." % index))
    if len({(x.vip, x.vrf) for x in targets}) != len(targets):
        raise DesignError("vips", "lists the same VIP (in the same VRF) twice", show_value=False)
    return targets


@design_filter
def router_flush_files(config: t.Any) -> t.Dict[str, t.Any]:
    """Validate a router's flush configuration and render what is installed on it, for its vendor."""
    targets = _targets(config)
    user = rf.account(config.get("account", "sipha-flush"))
    keys = config.get("keys") or []
    vendor = targets[0].vendor
    if vendor == "ios":
        level = ios.privilege(config.get("privilege", 2))
        return {"config": "\n".join(ios.config(user, level, targets, keys)), "user_line": ios.user_line(user, level),
                "applets": [x.ios_applet for x in sorted(targets)]}
    if vendor == "junos":
        if not keys:
            raise DesignError("keys", "must list at least one SIP host's flush key", show_value=False)
        return {"script": junos.op_script(targets), "script_path": "%s/%s" % (junos.SCRIPT_DIR, junos.SCRIPT_FILE),
                "config": "\n".join(junos.set_commands(user, targets, keys))}
    return {
        "flush_script": rf.linux_flush_script(targets),
        "forced_command": rf.linux_forced_command(targets),
        "sudoers": rf.linux_sudoers(user, targets),
        "authorized_keys": rf.authorized_keys(keys, config.get("sources") or []),
    }


@design_filter
def router_flush_ios_audit(running_section: t.Any, config: t.Any) -> t.Dict[str, t.List[str]]:
    """From ``show running-config | section event manager applet``: our stale applets and foreign event-none ones."""
    if not isinstance(running_section, str):
        raise DesignError("running_section", "must be the text of show running-config | section event manager applet",
                          show_value=False)
    return ios.audit_applets(running_section, _targets(config))


class FilterModule:
    """Router ARP-flush rendering."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"router_flush_files": router_flush_files, "router_flush_ios_audit": router_flush_ios_audit}
