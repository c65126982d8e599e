# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A switchover's outage from the SIP responders' logs (no I/O).

Each responder (one per host of the pair) logs one line per OPTIONS it answered: ``<epoch> <Call-ID>``;
sipp's Call-IDs start with the call number. Containers and hosts with synchronised clocks give
comparable epochs. Figures:

* ``outage_ms`` - from the switchover's start to the first answer from the new holder;
* ``gap_ms`` - the longest silence (no answer from any host) around the switchover: what a client sees
  (``gap_from_epoch``, ``gap_to_epoch``: the answers before and after it);
* ``lost`` - OPTIONS sent that no host answered.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

__all__ = ["outage", "parse"]


def parse(logs: t.Mapping[str, str]) -> t.List[t.Tuple[float, str, str]]:
    """(epoch, host, call id) of every answer, oldest first."""
    answers = []
    for host, text in logs.items():
        for number, line in enumerate(text.splitlines(), 1):
            parts = line.split(" ", 1)
            try:
                answers.append((float(parts[0]), host, parts[1].strip()))
            except (ValueError, IndexError):
                raise DesignError("logs.%s" % host, "line %d is not '<epoch> <Call-ID>'" % number, line)
    return sorted(answers)


def outage(logs: t.Mapping[str, str], start: float, new_holder: str, sent: int) -> t.Dict[str, t.Any]:
    answers = parse(logs)
    if new_holder not in logs:
        raise DesignError("new_holder", "must be one of the responders' hosts (%s)" % ", ".join(sorted(logs)),
                          new_holder)
    new = [a for a in answers if a[1] == new_holder and a[0] >= start]
    first_new = new[0][0] if new else None
    before = [a for a in answers if a[0] < start]
    last_before = before[-1][0] if before else None
    # the longest silence between the last answer before the start and the first from the new holder
    window = [a[0] for a in answers if last_before is not None and last_before <= a[0] <= (first_new or a[0])]
    silence = max(zip(window, window[1:]), key=lambda pair: pair[1] - pair[0], default=None)
    gap = silence[1] - silence[0] if silence else 0.0
    answered = {call for _epoch, _host, call in answers}
    return {
        "outage_ms": round((first_new - start) * 1000.0, 1) if first_new is not None else None,
        "gap_ms": round(gap * 1000.0, 1),
        "lost": max(0, sent - len(answered)),
        "sent": sent,
        "answered_by": {host: sum(1 for a in answers if a[1] == host) for host in sorted(logs)},
        "first_new_epoch": first_new,
        "gap_from_epoch": silence[0] if silence else None,
        "gap_to_epoch": silence[1] if silence else None,
        "recovered": first_new is not None,
    }
