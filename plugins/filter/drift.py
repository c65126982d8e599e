# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The drift filter: what the host modules would change, read as drift from the design."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.drift import drift_lines


def drift(changes: t.Any) -> t.List[str]:
    return drift_lines(changes or [])


class FilterModule:
    """Drift from the design."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"drift": drift}
