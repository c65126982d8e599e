# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters that validate a router's ARP-flush configuration and render its files, by the vendor's driver."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import ios, junos, platforms, registry
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
def router_flush_stale_keys(router_text: t.Any, config: t.Any) -> t.List[str]:
    """The flush account's keys on an IOS or Junos router that are not in the design, as the lines that remove
    them (IOS: ``key-hash`` lines for ``no``; Junos: ``delete`` statements)."""
    if not isinstance(router_text, str):
        raise DesignError("router_text", "must be the router's text of the flush user's keys", show_value=False)
    if not isinstance(config, dict):
        raise DesignError("config", "must be a dictionary", config)
    targets = rf.flush_targets(config)
    user = v.account(config.get("account", rf.DEFAULT_ACCOUNT))
    keys = config.get("keys") or []
    if not isinstance(keys, list):
        raise DesignError("keys", "must be a list of OpenSSH public key lines", show_value=False)
    readers = {"ios": ios.stale_keys, "junos": junos.stale_keys}
    vendor = targets[0].vendor
    if vendor not in readers:
        raise DesignError("vendor", "has no key list to read (only %s)" % ", ".join(sorted(readers)), vendor)
    return readers[vendor](router_text, user, keys)


@design_filter
def router_vendor(name: t.Any) -> t.Dict[str, t.Any]:
    """What playbooks need to know of a vendor's driver: its name, title, transport, and how validate.yml reads
    the VIP's entry on the router itself (``local_show``: an argument list with ``{vip}``, or none)."""
    driver = registry.get(name if name is not None else registry.DEFAULT, "sipha_router_vendor")
    probe = rf.FlushTarget(driver.name, "0.0.0.0")
    local = driver.local_show_argv(probe)
    return {"name": driver.name, "title": driver.title, "transport": driver.transport,
            "local_show": [("{vip}" if word == probe.vip else word) for word in local] if local else None}


@design_filter
def router_platform(name: t.Any) -> t.Dict[str, t.Any]:
    """A router platform's transport facts: the OpenSSH and libssh settings that reach it, whether paramiko can,
    whether a warm connection can live, the user key types it takes."""
    found = platforms.PLATFORMS.get(name) if isinstance(name, str) else None
    if found is None:
        raise DesignError("sipha_router_platform", "must be one of %s" % ", ".join(platforms.PLATFORMS), name)
    return {"name": found.name, "vendor": found.vendor, "title": found.title, "openssh": dict(found.openssh),
            "libssh": dict(found.libssh), "paramiko": found.paramiko, "keeps_tcp": found.keeps_tcp,
            "key_types": list(found.key_types)}


class FilterModule:
    """Router ARP-flush rendering."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"router_flush_files": router_flush_files, "router_flush_ios_audit": router_flush_ios_audit,
                "router_flush_stale_keys": router_flush_stale_keys, "router_platform": router_platform,
                "router_vendor": router_vendor}
