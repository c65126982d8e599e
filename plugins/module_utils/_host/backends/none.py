# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``backend: none``: the running kernel only; nothing persists across a reboot.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._host.backends.base import Backend, HostModuleLike

__all__ = ["KernelOnly"]


class KernelOnly(Backend):
    name = "none"
    title = "the running kernel only"
    auto = False  # never chosen by auto: it must be asked for

    def detect(self, module: t.Any) -> bool:
        return False

    def persist(self, host: HostModuleLike) -> t.List[str]:
        return []
