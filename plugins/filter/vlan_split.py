# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the VIP VLAN split workaround (R11): the plan for the detached router, and what differs on it.

The logic is the model's (``_model/split.py``) and the vendor drivers'; these only read the routers' variables.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import split
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter

#: the router variables the plan reads
ROUTER_VARIABLES = ("sipha_router_vendor", "sipha_router_vrf", split.TRANSIT)


def _router_vars(hostvars: t.Any, name: str) -> t.Dict[str, t.Any]:
    """The router's variables the plan needs; one whose template fails is named with Ansible's reason."""
    out: t.Dict[str, t.Any] = {}
    for variable in ROUTER_VARIABLES:
        try:
            value = hostvars[name].get(variable)
            if type(value).__name__.endswith("Undefined"):
                raise ValueError(getattr(value, "_undefined_message", None) or "undefined")
        except Exception as err:  # pylint: disable=broad-except  # any template failure becomes a message
            raise DesignError("%s: %s" % (name, variable), "cannot be templated: %s" % str(err).splitlines()[0],
                              show_value=False)
        out[variable] = value
    return out


@design_filter
def vlan_split_plan(model: t.Any, hostvars: t.Any, routers: t.Any, router: t.Any, via: t.Any = None,
                    state: t.Any = "present", routers_group: str = "adjacent_routers") -> t.Dict[str, t.Any]:
    """The inventory model and the routers' variables -> what the workaround does on the detached router."""
    if not isinstance(routers, (list, tuple)) or not all(isinstance(name, str) for name in routers):
        raise DesignError(routers_group, "must be the list of the adjacent routers' inventory names", routers)
    data = {name: _router_vars(hostvars, name) for name in routers}
    return split.plan(data, list(routers), split.pairs_from_model(model), router, via, state, routers_group)


@design_filter
def vlan_split_changes(plan: t.Any, outputs: t.Any, check: t.Any = False) -> t.Dict[str, t.Any]:
    """A plan and the router's answers to its reads -> only what differs, and what it means."""
    return split.changes(plan, outputs, bool(check))


class FilterModule:
    """The VIP VLAN split workaround."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"vlan_split_plan": vlan_split_plan, "vlan_split_changes": vlan_split_changes}
