# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filter that validates a router's ARP-flush configuration and renders its files."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils import _router_flush as rf
from ansible_collections.sipha.network.plugins.module_utils._errors import DesignError
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter


@design_filter
def router_flush_files(config: t.Any) -> t.Dict[str, str]:
    if not isinstance(config, dict):
        raise DesignError("config", "must be a dictionary", config)
    vips = config.get("vips") or []
    if not isinstance(vips, list) or not vips:
        raise DesignError("vips", "must list at least one VIP", vips)
    targets = []
    for index, item in enumerate(vips):
        entry = item if isinstance(item, dict) else {"vip": item}
        targets.append(rf.FlushTarget.build(config.get("vendor", "linux"), entry.get("vip"),
                                            entry.get("interface"), prefix="vips[%d]." % index))
    user = rf.account(config.get("account", "sipha-flush"))
    return {
        "flush_script": rf.linux_flush_script(targets),
        "forced_command": rf.linux_forced_command(targets),
        "sudoers": rf.linux_sudoers(user, targets),
        "authorized_keys": rf.authorized_keys(config.get("keys") or [], config.get("sources") or []),
    }


class FilterModule:
    """Router ARP-flush rendering."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"router_flush_files": router_flush_files}
