# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One VIP on one router, validated, and what is sent for it, through the router's vendor driver (no I/O).

Every value that reaches a router is validated here first: a VIP with a space
or ';', or a host name where an address belongs, never leaves this file.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import Vendor

__all__ = ["FlushTarget"]


class FlushTarget(t.NamedTuple):
    """One VIP on one router: on one interface (Linux) or in one VRF / routing instance (all vendors)."""

    vendor: str
    vip: str
    interface: t.Optional[str] = None
    vrf: t.Optional[str] = None

    @classmethod
    def build(cls, vendor: t.Any, vip_value: t.Any, interface: t.Any = None, vrf: t.Any = None,
              prefix: str = "") -> "FlushTarget":
        driver = registry.get(vendor, prefix + "vendor")
        if interface and not driver.interface_scoped:
            scoped = ", ".join(d.title for d in registry.drivers() if d.interface_scoped)
            raise DesignError(prefix + "interface", "only applies to %s routers (%s uses vrf)" % (
                scoped, driver.title), interface)
        ifname = v.interface_name(interface, prefix + "interface") if interface else None
        vrf_value = v.name(vrf, prefix + "vrf", "a VRF / routing-instance name") if vrf else None
        return cls(driver.name, v.ipv4_address(vip_value, prefix + "vip"), ifname, vrf_value)

    @property
    def driver(self) -> Vendor:
        return registry.get(self.vendor)

    # What a SIP host sends over the restricted account (the same for the module and the takeover program).
    def flush_request(self) -> str:
        return self.driver.flush_request(self)

    def show_request(self) -> str:
        return self.driver.show_request(self)

    def router_clear_command(self) -> str:
        """What the router itself runs to clear exactly this entry."""
        return self.driver.clear_command(self)

    def error_line(self, output: str) -> t.Optional[str]:
        return self.driver.error_line(output)
