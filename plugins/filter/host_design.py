# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters that validate SIP host designs on the controller, before any host is touched."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.sipha.network.plugins.module_utils._errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._host_design import HostDesign, check_pair


def host_design_check(design: t.Any) -> t.Any:
    try:
        HostDesign.from_dict(design)
    except DesignError as err:
        raise AnsibleFilterError("sipha.network.host_design_check: %s" % err)
    return design


def host_pair_check(designs: t.Any) -> bool:
    if not isinstance(designs, dict) or not designs:
        raise AnsibleFilterError("sipha.network.host_pair_check: expects a dictionary host -> design")
    built = {}
    for host, design in designs.items():
        try:
            built[host] = HostDesign.from_dict(design)
        except DesignError as err:
            raise AnsibleFilterError("sipha.network.host_pair_check: %s: %s" % (host, err))
    try:
        check_pair(built)
    except DesignError as err:
        raise AnsibleFilterError("sipha.network.host_pair_check: %s" % err)
    return True


class FilterModule:
    """SIP host design validation."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"host_design_check": host_design_check, "host_pair_check": host_pair_check}
