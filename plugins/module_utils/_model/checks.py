# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Field checks shared by every part of the design model (no I/O).

Each check returns the normalised value or raises DesignError naming the
field and the rule.  Values that end up on a command line or in a config
file are checked here, never quoted after the fact.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

# Linux interface names: at most 15 bytes, no '/', no whitespace, not '.' or '..'.
# We also refuse quotes and other shell/config metacharacters.
_IFNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}$")
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")


def interface_name(value: t.Any, field: str) -> str:
    if not isinstance(value, str) or not _IFNAME.match(value):
        raise DesignError(
            field,
            "must be a Linux interface name: 1-15 of letters, digits, '_', '.', ':', '@', '-', "
            "starting with a letter or digit",
            value,
        )
    return value


def identifier(value: t.Any, field: str) -> str:
    if not isinstance(value, str) or not _IDENT.match(value):
        raise DesignError(field, "must start with a letter and hold only letters, digits and '_' (max 32)", value)
    return value


def ip_address(value: t.Any, field: str) -> t.Union[ipaddress.IPv4Address, ipaddress.IPv6Address]:
    if not isinstance(value, str):
        raise DesignError(field, "must be an IPv4 or IPv6 address written as a string", value)
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        raise DesignError(field, "must be a single IPv4 or IPv6 address (no prefix length, no host name)", value)


def port(value: t.Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise DesignError(field, "must be a port number 1..65535", value)
    number = int(str(value).strip())
    if not 1 <= number <= 65535:
        raise DesignError(field, "must be a port number 1..65535", value)
    return number


def port_list(value: t.Any, field: str, allow_empty: bool = False) -> t.List[int]:
    if not isinstance(value, (list, tuple)):
        raise DesignError(field, "must be a list of port numbers", value)
    if not value and not allow_empty:
        raise DesignError(field, "must hold at least one port", value)
    ports = [port(item, "%s[%d]" % (field, index)) for index, item in enumerate(value)]
    if len(set(ports)) != len(ports):
        raise DesignError(field, "lists a port twice", value)
    return sorted(ports)


def choice_list(value: t.Any, field: str, choices: t.Sequence[str]) -> t.List[str]:
    if not isinstance(value, (list, tuple)) or not value:
        raise DesignError(field, "must be a non-empty list of %s" % ", ".join(choices), value)
    for index, item in enumerate(value):
        if item not in choices:
            raise DesignError("%s[%d]" % (field, index), "must be one of %s" % ", ".join(choices), item)
    return sorted(set(value))


def merge_fields(data: t.Any, defaults: t.Mapping[str, t.Any], what: str, field: str) -> t.Dict[str, t.Any]:
    """``defaults`` overlaid with the non-null values of ``data``; unknown keys are refused."""
    if not isinstance(data, dict):
        raise DesignError(field, "must be a dictionary", data)
    unknown = sorted(set(data) - set(defaults))
    if unknown:
        raise DesignError(unknown[0], "is not a %s field; known: %s" % (what, ", ".join(sorted(defaults))),
                          show_value=False)
    merged = dict(defaults)
    merged.update({key: value for key, value in data.items() if value is not None})
    return merged
