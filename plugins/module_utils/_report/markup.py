# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTML and SVG elements as text (no I/O): every text and attribute value escaped, so a name such as
``<script>`` in an inventory comes out as text; the figures' cells carry the record they show.

A figure's cell says where its number is in the records file (``data-record``, a JSON pointer, RFC 6901) and
the number itself (``data-value``, its JSON text), so a checker compares the page with the records without
reading prose; the cell shows that same JSON text (``-`` for null).

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import html
import json
import re
import typing as t

__all__ = ["el", "esc", "figure", "num", "pointer", "shown"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9:_-]*$")
#: HTML elements without a closing tag
_VOID = frozenset(("br", "col", "hr", "img", "link", "meta"))


def esc(value: t.Any) -> str:
    """Text or an attribute value, escaped for HTML and XML (quotes included)."""
    return html.escape(str(value), quote=True)


def num(value: float, digits: int = 1) -> str:
    """A coordinate or a derived number without trailing zeros: 12.0 -> '12', 3.25 -> '3.2'."""
    text = "%.*f" % (digits, value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attribute(name: str, value: t.Any) -> str:
    if not _NAME.match(name):
        raise ValueError("not an attribute name: %r" % name)
    if isinstance(value, float):
        value = num(value, 2)
    return ' %s="%s"' % (name, esc(value))


def el(tag: str, attrs: t.Optional[t.Mapping[str, t.Any]] = None, *children: str, text: t.Any = None) -> str:
    """``<tag attrs>children text</tag>``. ``children`` are markup made by ``el`` (not escaped again); ``text``
    is escaped. Attributes whose value is None are left out; a float attribute gets at most 2 decimals."""
    if not _NAME.match(tag):
        raise ValueError("not an element name: %r" % tag)
    head = "<%s%s>" % (tag, "".join(_attribute(k, v) for k, v in (attrs or {}).items() if v is not None))
    if tag in _VOID:
        return head
    return "%s%s%s</%s>" % (head, "".join(children), "" if text is None else esc(text), tag)


def pointer(*keys: t.Union[str, int]) -> str:
    """The JSON pointer of a value in the records file: pointer('switchovers', 0, 'gap_ms')."""
    return "".join("/" + str(key).replace("~", "~0").replace("/", "~1") for key in keys)


def shown(value: t.Any) -> str:
    """How a figure is shown: its JSON text, a string as it is, null as '-'."""
    if value is None:
        return "-"
    return value if isinstance(value, str) else json.dumps(value)


def figure(keys: t.Sequence[t.Union[str, int]], value: t.Any, tag: str = "td", cls: str = "fig") -> str:
    """A cell showing one figure of the records, with its JSON pointer and exact value."""
    return el(tag, {"class": cls, "data-record": pointer(*keys), "data-value": json.dumps(value)}, text=shown(value))
