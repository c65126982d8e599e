# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters that validate SIP host designs on the controller, before any host is touched."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign, validate_pair
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter


@design_filter
def host_design_check(design: t.Any) -> t.Any:
    HostDesign.from_dict(design)
    return design


@design_filter
def host_pair_check(designs: t.Any) -> bool:
    validate_pair(designs)
    return True


class FilterModule:
    """SIP host design validation."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"host_design_check": host_design_check, "host_pair_check": host_pair_check}
