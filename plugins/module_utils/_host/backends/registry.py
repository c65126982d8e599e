# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host network backends by name, in the order ``backend: auto`` tries them: the one place that lists them.

Adding a backend: one driver file beside this one and one line in ``_BACKENDS``.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._host.backends import ifupdown, netplan, networkmanager, none
from ansible_collections.sipha.network.plugins.module_utils._host.backends.base import Backend

__all__ = ["AUTO", "auto_candidates", "choices", "detect", "get", "names"]

#: detection order: NetworkManager running, then netplan installed, then ifupdown (``none`` is never detected)
_BACKENDS: t.Dict[str, Backend] = {backend.name: backend for backend in (
    networkmanager.NetworkManager(),
    netplan.Netplan(),
    ifupdown.Ifupdown(),
    none.KernelOnly(),
)}
AUTO = "auto"


def names() -> t.Tuple[str, ...]:
    return tuple(_BACKENDS)


def choices() -> t.List[str]:
    """The modules' ``backend`` option choices."""
    return [AUTO] + list(_BACKENDS)


def get(name: str) -> Backend:
    return _BACKENDS[name]


def auto_candidates() -> t.List[Backend]:
    """The backends ``auto`` tries, in order."""
    return [backend for backend in _BACKENDS.values() if backend.auto]


def detect(module: t.Any) -> t.Optional[Backend]:
    """The first backend whose tool the host uses, or None."""
    for backend in auto_candidates():
        if backend.detect(module):
            return backend
    return None
