"""The TOS/DSCP/precedence model and its filters, table-driven from data/tos_valid.yml."""

from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.filter import qos as filters
from ansible_collections.sipha.network.plugins.module_utils._model import qos as _qos


VALID = yaml.safe_load((pathlib.Path(__file__).parents[3] / "data" / "tos_valid.yml").read_text())


@pytest.mark.parametrize("value,tos", VALID["dscp_to_tos"], ids=str)
def test_dscp_to_tos(value, tos):
    assert filters.dscp_to_tos(value) == tos


@pytest.mark.parametrize("precedence,field,tos", VALID["precedence_to_tos"])
def test_precedence_to_tos(precedence, field, tos):
    assert filters.precedence_to_tos(precedence, field) == tos


@pytest.mark.parametrize("tos,reading,result", VALID["tos_to_dscp"])
def test_tos_to_dscp(tos, reading, result):
    assert filters.tos_to_dscp(tos, reading) == result


def test_every_class_round_trips():
    for name, dscp in _qos.DSCP_CLASSES.items():
        tos = filters.dscp_to_tos(name)
        assert tos == dscp * 4
        assert filters.tos_to_dscp(tos) == dscp


def test_decode_ef_in_both_readings():
    decoded = filters.tos_decode(184)
    assert decoded["hex"] == "0xb8"
    assert decoded["rfc2474"] == {"dscp": 46, "class": "ef", "ecn": 0}
    # EF read as RFC 1349: precedence 5 with the low-delay and throughput bits.
    assert decoded["rfc1349"] == {"precedence": 5, "tos_field": 12,
                                  "tos_field_names": ["lowdelay", "throughput"], "mbz": 0}


def test_decode_names_unnamed_code_point_as_none():
    assert filters.tos_decode(4 * 47)["rfc2474"]["class"] is None


@pytest.mark.parametrize("kwargs,tos,source", [
    ({"dscp": "ef"}, 184, "dscp"),
    ({"dscp_class": "cs3"}, 96, "class"),
    ({"precedence": 5}, 160, "precedence"),
    ({"precedence": 5, "tos_field": "lowdelay"}, 176, "precedence"),
    ({"tos": 104}, 104, "tos"),
    ({"tos": 162, "reading": "rfc1349"}, 162, "tos"),
])
def test_resolve_sip_tos(kwargs, tos, source):
    value = _qos.resolve_sip_tos(**kwargs)
    assert (value.tos, value.source) == (tos, source)


def test_precedence_6_needs_cap_net_admin_and_warns():
    value = _qos.resolve_sip_tos(precedence=6)
    assert value.needs_cap_net_admin
    assert any("CAP_NET_ADMIN" in w for w in value.warnings())
    assert not _qos.resolve_sip_tos(precedence=5).needs_cap_net_admin
    assert _qos.resolve_sip_tos(precedence=5).warnings() == []


def test_rfc1349_mincost_warns_about_ecn():
    value = _qos.resolve_sip_tos(precedence=5, tos_field="mincost")
    assert value.tos == 162 and value.ecn == 2
    assert any("ECN" in w for w in value.warnings())
