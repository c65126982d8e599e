# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The element builder escapes every text and attribute; a figure's cell names its record and value."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._report.markup import el, esc, figure, num, pointer


def test_text_and_attributes_are_escaped_children_are_not():
    out = el("td", {"title": '"><script>x</script>', "data-none": None}, el("b", text="<i>"), text="a & b")
    assert out == '<td title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"><b>&lt;i&gt;</b>a &amp; b</td>'
    assert esc("it's") == "it&#x27;s"


@pytest.mark.parametrize("value, digits, text", [
    (12.0, 1, "12"), (3.25, 1, "3.2"), (3.26, 1, "3.3"), (-0.04, 1, "0"), (100.0, 0, "100"), (0.125, 2, "0.12"),
    (1e-9, 2, "0"), (-12.5, 1, "-12.5"),
])
def test_numbers_lose_trailing_zeros(value, digits, text):
    assert num(value, digits) == text


def test_float_attributes_get_two_decimals_and_void_elements_no_end():
    assert el("rect", {"x": 1.0 / 3, "width": 10.0}) == '<rect x="0.33" width="10"></rect>'
    assert el("meta", {"charset": "utf-8"}) == '<meta charset="utf-8">'


@pytest.mark.parametrize("tag, attrs", [("scr ipt", {}), ("td", {"on click": "x"}), ("td", {"a=b": 1})])
def test_names_are_refused_unless_plain(tag, attrs):
    with pytest.raises(ValueError):
        el(tag, attrs)


@pytest.mark.parametrize("keys, text", [
    (("switchovers", 0, "figures", "gap_ms"), "/switchovers/0/figures/gap_ms"),
    (("clients", "a/b~c", "lost"), "/clients/a~1b~0c/lost"),
])
def test_pointers_follow_rfc_6901(keys, text):
    assert pointer(*keys) == text


@pytest.mark.parametrize("value, data, shown", [
    (6.2, "6.2", "6.2"), (1200, "1200", "1200"), (None, "null", "-"), (True, "true", "true"),
    ("ok", '"ok"', "ok"), ("<FAIL>", '"&lt;FAIL&gt;"', "&lt;FAIL&gt;"),
])
def test_a_figure_cell_carries_its_pointer_and_exact_value(value, data, shown):
    assert figure(["rows", 3, "x"], value) == \
        '<td class="fig" data-record="/rows/3/x" data-value="%s">%s</td>' % (data.replace('"', "&quot;"), shown)
