# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The router vendor drivers by name: the one place that lists them (no I/O).

Adding a platform: one driver file beside this one, and one line in ``_DRIVERS``
(plus the role's ``tasks/<name>.yml`` that pushes what ``role_files`` renders).

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import ios, junos, linux
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import Vendor

__all__ = ["DEFAULT", "drivers", "get", "names"]

_DRIVERS: t.Dict[str, Vendor] = {driver.name: driver for driver in (
    linux.Linux(),
    ios.Ios(),
    junos.Junos(),
)}
#: the vendor of a router whose inventory names none
DEFAULT = linux.Linux.name


def names() -> t.Tuple[str, ...]:
    return tuple(_DRIVERS)


def drivers() -> t.List[Vendor]:
    return list(_DRIVERS.values())


def get(name: t.Any, field: str = "vendor") -> Vendor:
    """The driver of ``name``; a DesignError naming ``field`` when there is none."""
    driver = _DRIVERS.get(name) if isinstance(name, str) else None
    if driver is None:
        raise DesignError(field, "must be one of %s" % ", ".join(_DRIVERS), name)
    return driver
