# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turn the model's DesignError into the filter error Ansible shows, naming the filter.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import functools
import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

Func = t.Callable[..., t.Any]


def design_filter(func: Func) -> Func:
    """Decorate a filter: ``sipha.network.<name>: <field>: <rule>`` on bad input."""
    @functools.wraps(func)
    def inner(*args: t.Any, **kwargs: t.Any) -> t.Any:
        try:
            return func(*args, **kwargs)
        except DesignError as err:
            raise AnsibleFilterError("sipha.network.%s: %s" % (func.__name__, err))
    return inner
