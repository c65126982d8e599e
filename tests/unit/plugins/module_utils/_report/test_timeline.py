# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The timeline's SVG: runs, the shaded silence, lost requests and numbered marks where their epochs put them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ansible_collections.sipha.network.plugins.module_utils._report import timeline as tl

NS = "{http://www.w3.org/2000/svg}"
T = 1_800_000_000.0
# 1 s on the axis: 130 px to 1180 px, so 1.05 px per ms
STRIP = tl.Strip("phone1", (T, T + 1.0), T + 0.25,
                 runs=[[T + 0.0, T + 0.2, 1, 41, "sip-a"], [T + 0.3, T + 0.9, 61, 181, "sip-b"]],
                 lost=[[T + 0.205, T + 0.295, 19, 42, 60]],
                 shades=[tl.Shade(T + 0.2, T + 0.3, "longest silence 100 ms")],
                 marks=[tl.Mark(T + 0.25, 1, "up started"), tl.Mark(T + 0.252, 2, "vip added", "up"),
                        tl.Mark(T + 0.3, 3, "first answer", "answer"), tl.Mark(T + 5.0, 4, "outside", "down")])


def parsed(strips, hosts=("sip-a", "sip-b")):
    return ET.fromstring(tl.svg(strips, list(hosts), "a <title>", {"data-client": "phone1"}))


def rects(root, cls):
    return [r for r in root.iter(NS + "rect") if cls in r.get("class", "").split()]


def test_runs_are_coloured_by_host_and_placed_by_epoch():
    runs = rects(parsed([STRIP]), "run")
    assert [(r.get("class"), r.get("x"), r.get("width")) for r in runs] == [
        ("run h0", "130", "210"), ("run h1", "445", "630")]


def test_the_silence_is_shaded_where_it_was():
    gap, = rects(parsed([STRIP]), "gap")
    assert (gap.get("x"), gap.get("width"), gap.get("data-from-ms"), gap.get("data-to-ms")) == \
        ("340", "105", "-50", "50")
    assert gap.find(NS + "title").text == "longest silence 100 ms: -50.0 ms to +50.0 ms"


def test_lost_requests_are_drawn_with_their_count():
    lost, = rects(parsed([STRIP]), "lost")
    assert (lost.get("x"), lost.get("width"), lost.get("data-count")) == ("345.25", "94.5", "19")
    assert "19 lost (42-60" in lost.find(NS + "title").text


def test_marks_are_numbered_and_those_outside_the_window_left_out():
    root = parsed([STRIP])
    numbers = [g for g in root.iter(NS + "g") if "mark-number" in g.get("class", "")]
    assert [(g.get("data-mark"), g.find(NS + "circle").get("cx")) for g in numbers] == [
        ("1", "392.5"), ("2", "394.6"), ("3", "445")]
    # 1 and 2 are 2 px apart: their numbers go on two rows; 3 is far enough to share the first row
    assert [g.find(NS + "circle").get("cy") for g in numbers] == ["8", "20", "8"]
    assert "up" in numbers[1].get("class") and "answer" in numbers[2].get("class")


def test_the_axis_counts_ms_from_the_origin():
    labels = [t.text for t in parsed([STRIP]).iter(NS + "text") if t.get("class") == "tick-label"]
    assert labels == ["-200 ms", "0 ms", "+200 ms", "+400 ms", "+600 ms"]
    long = tl.Strip("x", (T, T + 20.0), T)
    assert [t.text for t in parsed([long]).iter(NS + "text") if t.get("class") == "tick-label"][:3] == \
        ["0 s", "+5.0 s", "+10.0 s"]


def test_strips_stack_and_the_svg_names_itself():
    root = parsed([STRIP, STRIP._replace(label="a much longer label than the margin holds at all")])
    assert root.get("viewBox") == "0 0 1200 %d" % (2 * tl.HEIGHT) and root.get("data-client") == "phone1"
    assert root.find(NS + "title").text == "a <title>"
    second = [g for g in root.iter(NS + "g") if g.get("class") == "strip"][1]
    assert [s.text for s in second.iter(NS + "tspan")] == ["a much longer", "label than the", "margin holds at\u2026"]


@pytest.mark.parametrize("epoch, x", [(T - 1.0, 130.0), (T, 130.0), (T + 0.5, 655.0), (T + 2.0, 1180.0)])
def test_x_of_is_clamped_to_the_axis(epoch, x):
    assert tl.x_of(epoch, (T, T + 1.0)) == pytest.approx(x)
