# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Answers over time as an SVG timeline (no I/O): one or more strips on a time axis (ms from an origin), each with
the runs of answers coloured by the host that answered, the lost requests below them, shaded silences (the
measured gap or outage) and numbered marks (the takeover's steps, the drill's instants).

A ``Strip`` holds epochs; this module places them: x = ``LEFT`` + (epoch - window start) * scale.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import math
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._report.markup import el, num

__all__ = ["HEIGHT", "LEFT", "Mark", "Shade", "Strip", "WIDTH", "svg", "x_of"]

WIDTH, LEFT, RIGHT = 1200.0, 130.0, 20.0
HEIGHT = 114.0              # one strip
_TOP, _BAND, _LOST = 46.0, 26.0, 8.0   # marks' numbers above the band of runs; lost requests below it


class Mark(t.NamedTuple):
    """A numbered instant: ``kind`` picks its colour (up, down, event, answer)."""
    epoch: float
    number: int
    label: str
    kind: str = "event"


class Shade(t.NamedTuple):
    """A silence to shade, and what it is (shown on hover)."""
    start: float
    end: float
    label: str
    kind: str = "gap"


class Strip(t.NamedTuple):
    """One lane of the timeline: ``window`` (epochs) drawn on the axis, in ms from ``origin``."""
    label: str
    window: t.Tuple[float, float]
    origin: float
    runs: t.Sequence[t.Sequence[t.Any]] = ()
    lost: t.Sequence[t.Sequence[t.Any]] = ()
    shades: t.Sequence[Shade] = ()
    marks: t.Sequence[Mark] = ()
    focus: t.Optional[t.Tuple[float, float]] = None


def x_of(epoch: float, window: t.Tuple[float, float]) -> float:
    """Where an epoch lies on the strip (clamped to the axis)."""
    low, high = window
    span = max(high - low, 1e-6)
    return LEFT + (min(max(epoch, low), high) - low) / span * (WIDTH - LEFT - RIGHT)


def _ticks(low_ms: float, high_ms: float, count: int = 8) -> t.List[float]:
    """Round tick values (1, 2, 5 x 10^k ms) across [low_ms, high_ms]."""
    raw = max((high_ms - low_ms) / count, 1e-3)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low_ms / step) * step
    return [first + i * step for i in range(int((high_ms - first) / step) + 1)]


def _tick_text(ms: float, span_ms: float) -> str:
    if span_ms >= 5000:
        return "%+.1f s" % (ms / 1000.0) if ms else "0 s"
    return ("%+g ms" % float(num(ms, 2))) if ms else "0 ms"


def _axis(strip: Strip, y: float) -> t.List[str]:
    low, high = strip.window
    low_ms, high_ms = (low - strip.origin) * 1000.0, (high - strip.origin) * 1000.0
    parts = [el("line", {"class": "axis", "x1": LEFT, "y1": y, "x2": WIDTH - RIGHT, "y2": y})]
    for ms in _ticks(low_ms, high_ms):
        x = x_of(strip.origin + ms / 1000.0, strip.window)
        parts += [el("line", {"class": "tick", "x1": x, "y1": y, "x2": x, "y2": y + 4}),
                  el("text", {"class": "tick-label", "x": x, "y": y + 15, "text-anchor": "middle"},
                     text=_tick_text(ms, high_ms - low_ms))]
    return parts


def _span(start: float, end: float, window: t.Tuple[float, float], least: float = 1.0) -> t.Tuple[float, float]:
    x1, x2 = x_of(start, window), x_of(end, window)
    return x1, max(x2 - x1, least)


def _visible(start: float, end: float, window: t.Tuple[float, float]) -> bool:
    return end >= window[0] and start <= window[1]


def _ms(epoch: float, origin: float) -> str:
    return "%+.1f ms" % ((epoch - origin) * 1000.0)


def _wrapped(label: str, width: int = 17, most: int = 3) -> t.List[str]:
    """A strip's label in lines of about ``width`` characters (the left margin), at most ``most`` of them."""
    lines: t.List[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most - 1] + [" ".join(lines[most - 1:])[:width - 1].rstrip() + "\u2026"]
    return lines or [""]


def _row(rows: t.List[float], x: float) -> int:
    """The row (0-2) of a mark's number at ``x``: the first whose last number is far enough to the left, else a
    new row, else the row whose last number is furthest left; ``rows`` keeps each row's last x."""
    row = next((i for i, last in enumerate(rows) if x - last >= 16), None)
    if row is None and len(rows) < 3:
        rows.append(x)
        return len(rows) - 1
    if row is None:
        row = min(range(len(rows)), key=lambda i: rows[i])
    rows[row] = x
    return row


def _strip(strip: Strip, y: float, hosts: t.Sequence[str]) -> str:
    window, band = strip.window, y + _TOP
    lines = _wrapped(strip.label)
    parts = [el("text", {"class": "strip-label", "x": 8, "y": band + _BAND / 2 + 4 - (len(lines) - 1) * 7},
                *(el("tspan", {"x": 8, "dy": 14 if i else None}, text=line) for i, line in enumerate(lines)))]
    if strip.focus and _visible(strip.focus[0], strip.focus[1], window):
        x, w = _span(strip.focus[0], strip.focus[1], window, 2.0)
        parts.append(el("rect", {"class": "focus", "x": x, "y": band - 4, "width": w, "height": _BAND + 8},
                        el("title", text="the zoomed window below")))
    for shade in strip.shades:
        if _visible(shade.start, shade.end, window):
            x, w = _span(shade.start, shade.end, window, 2.0)
            parts.append(el("rect", {"class": shade.kind, "x": x, "y": band - 6, "width": w,
                                     "height": _BAND + _LOST + 12, "data-from-ms": num(
                                         (shade.start - strip.origin) * 1000.0, 3),
                                     "data-to-ms": num((shade.end - strip.origin) * 1000.0, 3)},
                            el("title", text="%s: %s to %s" % (shade.label, _ms(shade.start, strip.origin),
                                                               _ms(shade.end, strip.origin)))))
    for start, end, first, last, who in strip.runs:
        if _visible(start, end, window):
            x, w = _span(start, end, window, 1.2)
            index = hosts.index(who) if who in hosts else len(hosts)
            parts.append(el("rect", {"class": "run h%d" % min(index, 3), "x": x, "y": band, "width": w,
                                     "height": _BAND},
                            el("title", text="%s answered %s-%s (%s to %s)" % (
                                who or "answered", first, last, _ms(start, strip.origin), _ms(end, strip.origin)))))
    for start, end, count, first, last in strip.lost:
        if _visible(start, end, window):
            x, w = _span(start, end, window, 2.0)
            parts.append(el("rect", {"class": "lost", "x": x, "y": band + _BAND + 3, "width": w, "height": _LOST,
                                     "data-count": count},
                            el("title", text="%d lost (%s-%s, sent about %s to %s)" % (
                                count, first, last, _ms(start, strip.origin), _ms(end, strip.origin)))))
    rows: t.List[float] = []
    for mark in sorted(strip.marks, key=lambda m: m.epoch):
        if not _visible(mark.epoch, mark.epoch, window):
            continue
        x = x_of(mark.epoch, window)
        top = y + 8 + _row(rows, x) * 12
        parts += [el("line", {"class": "mark %s" % mark.kind, "x1": x, "y1": top + 5, "x2": x,
                              "y2": band + _BAND + _LOST + 6}),
                  el("g", {"class": "mark-number %s" % mark.kind, "data-mark": mark.number},
                     el("circle", {"cx": x, "cy": top, "r": 6}),
                     el("text", {"x": x, "y": top + 3.5, "text-anchor": "middle"}, text=mark.number),
                     el("title", text="%d. %s (%s)" % (mark.number, mark.label, _ms(mark.epoch, strip.origin))))]
    return el("g", {"class": "strip", "data-label": strip.label}, *(parts + _axis(strip, band + _BAND + _LOST + 8)))


def svg(strips: t.Sequence[Strip], hosts: t.Sequence[str], title: str,
        attrs: t.Optional[t.Mapping[str, t.Any]] = None) -> str:
    """The strips stacked in one SVG (``class="timeline"``); ``hosts`` give the runs' colours in order."""
    height = HEIGHT * len(strips)
    body = [_strip(strip, i * HEIGHT, hosts) for i, strip in enumerate(strips)]
    return el("svg", dict({"class": "timeline", "viewBox": "0 0 %d %d" % (WIDTH, height), "role": "img",
                           "xmlns": "http://www.w3.org/2000/svg"}, **(attrs or {})),
              el("title", text=title), *body)
