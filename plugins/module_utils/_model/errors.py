# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Errors raised by the sipha.network design model.

Private module: no compatibility promise outside this collection.
Every error names the field that is wrong and the rule it breaks, so a user
can fix the inventory without reading code.
"""

from __future__ import annotations

import typing as t

__all__ = ["DesignError"]


class DesignError(ValueError):
    """A value in a design breaks a rule. Nothing has been changed on any host."""

    def __init__(self, field: str, rule: str, value: t.Any = None, show_value: bool = True) -> None:
        self.field = field
        self.rule = rule
        self.value = value
        self.show_value = show_value
        message = "%s: %s" % (field, rule)
        if show_value and value is not None:
            message += " (got %r)" % (value,)
        super().__init__(message)

    def within(self, prefix: str) -> "DesignError":
        """The same error, its field prefixed (e.g. with the host it belongs to)."""
        return DesignError("%s: %s" % (prefix, self.field), self.rule, self.value, self.show_value)
