# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters for TOS/DSCP/precedence and the host marking ruleset.

Documentation of each filter lives in the YAML file of the same name.
"""

from __future__ import annotations

import functools
import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.sipha.network.plugins.module_utils import _qos
from ansible_collections.sipha.network.plugins.module_utils._errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._qos_nft import render_ruleset


def _design_errors_as_filter_errors(name: str) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
    def wrap(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(func)
        def inner(*args: t.Any, **kwargs: t.Any) -> t.Any:
            try:
                return func(*args, **kwargs)
            except DesignError as err:
                raise AnsibleFilterError("sipha.network.%s: %s" % (name, err))
        return inner
    return wrap


@_design_errors_as_filter_errors("dscp_to_tos")
def dscp_to_tos(value: t.Any) -> int:
    return _qos.dscp_to_tos(value, "dscp")


@_design_errors_as_filter_errors("tos_to_dscp")
def tos_to_dscp(value: t.Any, reading: str = "rfc2474") -> t.Any:
    _qos.parse_reading(reading)
    if reading == "rfc1349":
        return _qos.decode_tos(_qos.parse_tos(value, "tos", "rfc1349"))["rfc1349"]["precedence"]
    return _qos.tos_to_dscp(value, "tos")


@_design_errors_as_filter_errors("precedence_to_tos")
def precedence_to_tos(value: t.Any, tos_field: t.Any = 0) -> int:
    return _qos.precedence_to_tos(value, tos_field, "precedence")


@_design_errors_as_filter_errors("tos_decode")
def tos_decode(value: t.Any) -> t.Dict[str, t.Any]:
    return _qos.decode_tos(value, "tos")


@_design_errors_as_filter_errors("nft_dscp_ruleset")
def nft_dscp_ruleset(policy: t.Any) -> str:
    return render_ruleset(policy)


class FilterModule:
    """TOS, DSCP and precedence conversions; nftables DSCP marking."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {
            "dscp_to_tos": dscp_to_tos,
            "tos_to_dscp": tos_to_dscp,
            "precedence_to_tos": precedence_to_tos,
            "tos_decode": tos_decode,
            "nft_dscp_ruleset": nft_dscp_ruleset,
        }
