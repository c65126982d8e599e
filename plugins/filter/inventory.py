# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filter that builds and checks the whole inventory model (``_model/pair.py``) on the controller."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import pair
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter


def _names(value: t.Any, what: str) -> t.List[str]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(name, str) for name in value):
        raise DesignError(what, "must be a list of inventory host names", value)
    return list(value)


@design_filter
def inventory_model(hosts: t.Any, hostvars: t.Any, routers: t.Any = None,
                    routers_group: str = "adjacent_routers") -> t.Dict[str, t.Any]:
    """The SIP hosts and adjacent routers named -> every role's inputs and every design error (never raises for a
    design error: they are listed in ``errors``)."""
    host_names = _names(hosts, "hosts")
    router_names = _names(routers, "routers")
    host_data = {name: {var: hostvars[name].get(var) for var in pair.HOST_VARIABLES} for name in host_names}
    router_data = {name: {var: hostvars[name].get(var) for var in pair.ROUTER_VARIABLES} for name in router_names}
    return pair.build(host_data, router_data, routers_group)


class FilterModule:
    """The inventory model."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"inventory_model": inventory_model}
