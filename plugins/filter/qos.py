# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters for TOS/DSCP/precedence and the host marking ruleset.

Documentation of each filter lives in the YAML file of the same name.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import qos as _qos
from ansible_collections.sipha.network.plugins.module_utils._model.qos_nft import render_ruleset
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter


@design_filter
def dscp_to_tos(value: t.Any) -> int:
    return _qos.dscp_to_tos(value, "dscp")


@design_filter
def tos_to_dscp(value: t.Any, reading: str = "rfc2474") -> t.Any:
    _qos.parse_reading(reading)
    if reading == "rfc1349":
        return _qos.parse_tos(value, "tos", "rfc1349") >> 5   # the precedence bits
    return _qos.tos_to_dscp(value, "tos")


@design_filter
def precedence_to_tos(value: t.Any, tos_field: t.Any = 0) -> int:
    return _qos.precedence_to_tos(value, tos_field, "precedence")


@design_filter
def tos_decode(value: t.Any) -> t.Dict[str, t.Any]:
    return _qos.decode_tos(value, "tos")


@design_filter
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
