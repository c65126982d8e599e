# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The text of this collection's own module_utils files, for the programs a module installs on a host.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import importlib.util

__all__ = ["PACKAGE", "source"]

PACKAGE = "ansible_collections.sipha.network.plugins.module_utils"


def source(name: str) -> str:
    """The text of one module (``_vip.program``), from wherever it is imported (a checkout or a module payload)."""
    fullname = "%s.%s" % (PACKAGE, name)
    spec = importlib.util.find_spec(fullname)
    if spec is None or spec.loader is None:
        raise RuntimeError("cannot find %s" % fullname)
    text = spec.loader.get_source(fullname)  # type: ignore[attr-defined]
    if text is None:
        raise RuntimeError("no source for %s" % fullname)
    return text
