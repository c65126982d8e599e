"""INI options file updates keep everything that is not ours."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.options_file import read_options, update_options

EXISTING = """; exported from the administration tool
[TServer]
sip-port=5060
sip-ip-tos = 96

[backup-sync]
protocol=addp
"""


def test_rewrites_in_place_and_keeps_the_rest():
    out = update_options(EXISTING, "TServer", {"sip-ip-tos": "184", "sip-address": "198.51.100.10"})
    assert out == """; exported from the administration tool
[TServer]
sip-port=5060
sip-ip-tos=184
sip-address=198.51.100.10

[backup-sync]
protocol=addp
"""
    assert read_options(out, "TServer") == {"sip-port": "5060", "sip-ip-tos": "184", "sip-address": "198.51.100.10"}
    assert read_options(out, "backup-sync") == {"protocol": "addp"}


def test_is_idempotent():
    once = update_options(EXISTING, "TServer", {"sip-ip-tos": "184"})
    assert update_options(once, "TServer", {"sip-ip-tos": "184"}) == once


def test_new_file_and_new_section():
    assert update_options("", "TServer", {"sip-ip-tos": "184"}) == "[TServer]\nsip-ip-tos=184\n"
    out = update_options("[other]\na=1\n", "TServer", {"sip-ip-tos": "184"})
    assert out == "[other]\na=1\n\n[TServer]\nsip-ip-tos=184\n"


def test_remove_and_duplicates():
    text = "[TServer]\nsip-ip-tos=96\nsip-ip-tos=104\nsip-port=5060\n"
    assert update_options(text, "TServer", {"sip-ip-tos": None}) == "[TServer]\nsip-port=5060\n"
    assert update_options(text, "TServer", {"sip-ip-tos": "184"}) == "[TServer]\nsip-ip-tos=184\nsip-port=5060\n"


def test_same_option_in_other_section_untouched():
    text = "[other]\nsip-ip-tos=1\n[TServer]\nsip-ip-tos=96\n"
    assert update_options(text, "TServer", {"sip-ip-tos": "184"}) == "[other]\nsip-ip-tos=1\n[TServer]\nsip-ip-tos=184\n"


@pytest.mark.parametrize("section,values,field", [
    ("TServer]", {"a": "1"}, "section"),
    ("TServer", {"bad key": "1"}, "option name"),
    ("TServer", {"sip-address": "1\n[x]"}, "sip-address"),
])
def test_rejects_unsafe_names_and_values(section, values, field):
    with pytest.raises(DesignError) as err:
        update_options("", section, values)
    assert str(err.value).startswith(field + ": ")
