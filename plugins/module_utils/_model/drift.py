# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drift from the design, as a network engineer reads it (pure).

The host modules report what they would change as plan lines: ``+ route X``
(would be added), ``- route X`` (would be removed), ``~ mtu eth0 1500 (was
9000)`` (would be changed), ``~ file /etc/...`` (a file would be rewritten).
Read as drift of the host from its design, those are: ``route X: missing``,
``route X: not in the design``, ``mtu eth0 1500: differs (is 9000)``, ``file
/etc/...: differs``.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import re
import typing as t

__all__ = ["drift_line", "drift_lines"]

_WAS = re.compile(r"^(?P<what>.*?) \(was:? (?P<was>.*)\)$")


def drift_line(line: str) -> str:
    """One plan line as drift; a line of another shape is returned as it is."""
    sign, dummy, rest = line.partition(" ")
    if sign == "+":
        return "%s: missing" % rest
    if sign == "-":
        return "%s: not in the design" % rest
    if sign == "~":
        found = _WAS.match(rest)
        if found:
            return "%s: differs (is %s)" % (found.group("what"), found.group("was"))
        return "%s: differs" % rest
    return line


def drift_lines(lines: t.Iterable[t.Any]) -> t.List[str]:
    """Plan lines (a list, or lists of them) as drift lines, in order, each once."""
    out: t.List[str] = []
    for line in lines:
        for one in (line if isinstance(line, (list, tuple)) else [line]):
            text = drift_line(str(one))
            if text not in out:
                out.append(text)
    return out
