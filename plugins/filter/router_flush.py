# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters that validate a router's ARP-flush configuration and render its files, by the vendor's driver."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import ios, registry
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter


@design_filter
def router_flush_files(config: t.Any) -> t.Dict[str, t.Any]:
    """Validate a router's flush configuration and render what is installed on it, for its vendor."""
    return rf.role_files(config)


@design_filter
def router_flush_ios_audit(running_section: t.Any, config: t.Any) -> t.Dict[str, t.List[str]]:
    """From ``show running-config | section event manager applet``: our stale applets and foreign event-none ones."""
    if not isinstance(running_section, str):
        raise DesignError("running_section", "must be the text of show running-config | section event manager applet",
                          show_value=False)
    return ios.audit_applets(running_section, rf.flush_targets(config))


@design_filter
def router_vendor(name: t.Any) -> t.Dict[str, t.Any]:
    """What playbooks need to know of a vendor's driver: its name, title, transport, and how validate.yml reads
    the VIP's entry on the router itself (``local_show``: an argument list with ``{vip}``, or none)."""
    driver = registry.get(name if name is not None else registry.DEFAULT, "sipha_router_vendor")
    probe = rf.FlushTarget(driver.name, "0.0.0.0")
    local = driver.local_show_argv(probe)
    return {"name": driver.name, "title": driver.title, "transport": driver.transport,
            "local_show": [("{vip}" if word == probe.vip else word) for word in local] if local else None}


class FilterModule:
    """Router ARP-flush rendering."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"router_flush_files": router_flush_files, "router_flush_ios_audit": router_flush_ios_audit,
                "router_vendor": router_vendor}
