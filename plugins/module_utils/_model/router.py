# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An adjacent router's ARP-flush design, for any vendor (no I/O).

After a switchover every router that delivers SIP to the VIP must forget the
VIP's old MAC (R3, R13); only the VIP's entry is flushed, never the table.
What differs per platform (requests, clear commands, error lines, what is
installed) is in the vendor drivers, ``_router/vendors/``; this module holds
what does not: the VIP rule, a router's flush configuration turned into its
flush targets and installed files, and the reading of an ARP listing.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.target import FlushTarget

__all__ = ["DEFAULT_ACCOUNT", "FlushTarget", "entry_mac", "flush_targets", "role_files", "vip"]

DEFAULT_ACCOUNT = "sipha-flush"


def vip(value: t.Any, field: str = "vip") -> str:
    return v.ipv4_address(value, field)


def entry_mac(output: str, address: str) -> t.Optional[str]:
    """The MAC a router's ARP listing gives for ``address`` (lower case, ':'-separated), or None.

    Works on all three listings: Linux ``ip neigh`` (``lladdr 02:..``), IOS
    ``show ip arp`` (``0200.0000.0001``, ``Incomplete``) and Junos ``show arp``."""
    for line in output.splitlines():
        if address not in line.split():
            continue
        found = v.find_mac(line)
        if found:
            return found
    return None


def flush_targets(config: t.Any) -> t.List[FlushTarget]:
    """A router's flush configuration (``vendor``, ``vips``) -> its validated flush targets."""
    if not isinstance(config, dict):
        raise DesignError("config", "must be a dictionary", config)
    vips = config.get("vips") or []
    if not isinstance(vips, list) or not vips:
        raise DesignError("vips", "must list at least one VIP", vips)
    targets = []
    for index, item in enumerate(vips):
        entry = item if isinstance(item, dict) else {"vip": item}
        targets.append(FlushTarget.build(config.get("vendor", registry.DEFAULT), entry.get("vip"),
                                         entry.get("interface"), entry.get("vrf"), prefix="vips[%d]." % index))
    if len({(x.vip, x.vrf) for x in targets}) != len(targets):
        raise DesignError("vips", "lists the same VIP (in the same VRF) twice", show_value=False)
    return targets


def role_files(config: t.Any) -> t.Dict[str, t.Any]:
    """Validate a router's flush configuration and render what router_arp_flush installs, by its vendor's driver."""
    targets = flush_targets(config)
    user = v.account(config.get("account", DEFAULT_ACCOUNT))
    driver = targets[0].driver
    return dict(driver.role_files(user, targets, config), vendor=driver.name)
