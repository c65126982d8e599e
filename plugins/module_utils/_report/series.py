# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Answers over time, compacted for drawing (no I/O).

An answer is ``(epoch, number, who)``: the failover drill's OPTIONS carry sipp's call number (the Call-ID is
``<call number>-<pid>@<client's address>``) and the host that answered; the failure drill's probes carry their
slot (1/rate s of the wall clock). Consecutive numbers answered by the same host, each within two intervals of
the one before, make a *run* ``[from_epoch, to_epoch, first, last, who]``; a number missing between answers is
lost, placed in time between its answered neighbours (slots and calls are sent at a fixed rate) and grouped
into *lost runs* ``[from_epoch, to_epoch, count, first, last]``.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import drill
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

__all__ = ["Answer", "call_answers", "client_logs", "lost_runs", "runs", "series"]

Answer = t.Tuple[float, int, str]


def _call(call_id: str, host: str) -> t.Tuple[int, str]:
    """sipp's Call-ID ``<number>-<pid>@<address>`` -> (number, client address)."""
    number, _sep, rest = call_id.partition("-")
    address = rest.rpartition("@")[2]
    if not number.isdigit() or "@" not in rest or not address:
        raise DesignError("logs.%s" % host, "a Call-ID is not sipp's '<call number>-<pid>@<address>'", call_id)
    return int(number), address


def call_answers(logs: t.Mapping[str, str]) -> t.Dict[str, t.List[Answer]]:
    """The responders' logs (host -> text) -> client address -> its answers (epoch, call number, host), oldest
    first."""
    out: t.Dict[str, t.List[Answer]] = {}
    for epoch, host, call_id in drill.parse(logs):
        number, address = _call(call_id, host)
        out.setdefault(address, []).append((epoch, number, host))
    return out


def client_logs(logs: t.Mapping[str, str], address: str) -> t.Dict[str, str]:
    """The responders' logs cut down to the lines of one client (its address after the Call-ID's '@')."""
    tail = "@" + address
    return {host: "".join(line + "\n" for line in text.splitlines() if line.rstrip().endswith(tail))
            for host, text in logs.items()}


def runs(answers: t.Sequence[Answer], interval: float) -> t.List[t.List[t.Any]]:
    """Answers (oldest first) -> runs ``[from_epoch, to_epoch, first, last, who]``."""
    out: t.List[t.List[t.Any]] = []
    for epoch, number, who in answers:
        last = out[-1] if out else None
        if last is not None and number == last[3] + 1 and who == last[4] and epoch - last[1] <= 2 * interval:
            last[1], last[3] = round(epoch, 6), number
        else:
            out.append([round(epoch, 6), round(epoch, 6), number, number, who])
    return out


def lost_runs(answers: t.Sequence[Answer], interval: float, first: t.Optional[int] = None,
              last: t.Optional[int] = None) -> t.List[t.List[t.Any]]:
    """The numbers from ``first`` to ``last`` (default: the answered ones' range) that got no answer, grouped
    ``[from_epoch, to_epoch, count, first, last]``: a missing number is placed between its answered neighbours in
    proportion, before the first answer or after the last one an interval apart."""
    when: t.Dict[int, float] = {}
    for epoch, number, _who in answers:
        when.setdefault(number, epoch)
    if not when:
        return []
    numbers = sorted(when)
    low = numbers[0] if first is None else min(first, numbers[0])
    high = numbers[-1] if last is None else max(last, numbers[-1])
    bounds = [(low - 1, None)] + [(n, when[n]) for n in numbers] + [(high + 1, None)]
    out: t.List[t.List[t.Any]] = []
    for before, after in zip(bounds, bounds[1:]):
        if after[0] - before[0] >= 2:
            one, other = before[0] + 1, after[0] - 1
            out.append([round(_placed(one, before, after, interval), 6),
                        round(_placed(other, before, after, interval), 6), other - one + 1, one, other])
    return out


def _placed(number: int, before: t.Tuple[int, t.Optional[float]], after: t.Tuple[int, t.Optional[float]],
            interval: float) -> float:
    """When a missing number was sent: in proportion between its answered neighbours (number, epoch), or an
    interval apart from the only one there is."""
    if before[1] is None:
        return t.cast(float, after[1]) - (after[0] - number) * interval
    if after[1] is None:
        return before[1] + (number - before[0]) * interval
    return before[1] + (after[1] - before[1]) * (number - before[0]) / (after[0] - before[0])


def series(answers: t.Sequence[Answer], interval: float, first: t.Optional[int] = None,
           last: t.Optional[int] = None) -> t.Dict[str, t.Any]:
    """``runs`` and ``lost`` runs of one client or path, and the span of its answers (``window``)."""
    return {"runs": runs(answers, interval), "lost": lost_runs(answers, interval, first, last),
            "window": [round(answers[0][0], 6), round(answers[-1][0], 6)] if answers else None}
