# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filter that turns the inventory model's adjacent routers into the takeover program's router list."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import drill as _drill
from ansible_collections.sipha.network.plugins.module_utils._model import pair
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter


@design_filter
def vip_routers(names: t.Any, hostvars: t.Any) -> t.List[t.Dict[str, t.Any]]:
    """``sipha_router_*`` host variables of each router name -> sip_vip_routers entries (validated)."""
    if not isinstance(names, (list, tuple)) or not names:
        raise DesignError("routers", "must name at least one adjacent router", names)
    return [pair.router_entry(name, {var: hostvars[name].get(var) for var in pair.ROUTER_VARIABLES})
            for name in names]


@design_filter
def drill_outage(logs: t.Any, start: t.Any, new_holder: t.Any, sent: t.Any) -> t.Dict[str, t.Any]:
    """One switchover's outage, gap and lost OPTIONS from the SIP responders' logs."""
    if not isinstance(logs, dict):
        raise DesignError("logs", "must map each host to its responder log", logs)
    return _drill.outage(logs, float(start), new_holder, int(sent))


class FilterModule:
    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"vip_routers": vip_routers, "drill_outage": drill_outage}
