# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``monitor`` section of the takeover program's config: what ``sipha-vip check`` and the refresh timer's
metrics file need besides the takeover itself (no I/O).

Python 3.8+ standard library only: installed on SIP hosts as part of the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

__all__ = ["EXPECT_DIR", "MONITOR_DEFAULTS", "Monitor", "TEXTFILE", "load_monitor"]

#: where node_exporter's textfile collector reads on Debian (prometheus-node-exporter's default)
TEXTFILE = "/var/lib/prometheus/node-exporter/sipha-vip.prom"
#: where the roles leave what they built, for the check to compare with the host (network.json, marking.json)
EXPECT_DIR = "/etc/sipha/monitor.d"
MONITOR_DEFAULTS: t.Dict[str, t.Any] = {
    "pair": "", "host": "", "textfile": TEXTFILE, "timeout_ms": 10000, "takeover_warn_ms": 2000,
    "takeover_recent_s": 86400, "marking_idle_s": 900, "expect_dir": EXPECT_DIR, "fresh_probe_s": 3600,
}
#: a Prometheus label value we write without escaping, and a file name in the textfile directory
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class Monitor(t.NamedTuple):
    """What the check and the metrics need: the labels, where the metrics go, the bounds and thresholds."""

    #: the pair's and this host's names, as the inventory calls them (metric labels; "" for the host: its hostname)
    pair: str
    host: str
    #: node_exporter's textfile collector file the refresh timer writes ("" for none; written only where its
    #: directory exists)
    textfile: str
    #: the whole check ends within this (ms), whatever the network does
    timeout_ms: int
    #: the last takeover is reported as slow above this (ms from the program's start to every router flushed)
    takeover_warn_ms: int
    #: how long (s) a failed or slow takeover keeps the check at WARNING
    takeover_recent_s: int
    #: on the VIP's holder, marking counters that do not move for this long (s) are reported
    marking_idle_s: int
    #: where the roles' expectations are (network.json, marking.json)
    expect_dir: str
    #: a warm connection proves a router flushable only while it lasts: a fresh login to every router at least this
    #: often (s; 0: at every run) proves the account itself (a key or from= address changed since the login)
    fresh_probe_s: int = 3600


def _label(value: t.Any, field: str) -> str:
    if value == "":
        return value
    if not isinstance(value, str) or not _LABEL.match(value):
        raise DesignError(field, "must be empty or 1-64 of letters, digits, '_', '.', '-', starting with a letter or "
                          "digit (a metric label)", value)
    return value


def _path(value: t.Any, field: str, empty: bool) -> str:
    if empty and value == "":
        return value
    return v.absolute_path(value, field)


def load_monitor(data: t.Any) -> Monitor:
    """Validate the ``monitor`` section (``{}`` or missing: every default)."""
    try:
        merged = v.merge_fields(data if data is not None else {}, MONITOR_DEFAULTS, "monitor", "monitor")
    except DesignError as error:
        raise error.within("monitor") if error.field != "monitor" else error
    textfile = _path(merged["textfile"], "monitor.textfile", True)
    if textfile and not textfile.endswith(".prom"):
        raise DesignError("monitor.textfile", "must end in .prom (node_exporter's textfile collector reads only "
                          "those)", textfile)
    return Monitor(
        pair=_label(merged["pair"], "monitor.pair"), host=_label(merged["host"], "monitor.host"), textfile=textfile,
        timeout_ms=v.whole_number(merged["timeout_ms"], "monitor.timeout_ms", 1000, 60000),
        takeover_warn_ms=v.whole_number(merged["takeover_warn_ms"], "monitor.takeover_warn_ms", 1, 600000),
        takeover_recent_s=v.whole_number(merged["takeover_recent_s"], "monitor.takeover_recent_s", 0, 31536000),
        marking_idle_s=v.whole_number(merged["marking_idle_s"], "monitor.marking_idle_s", 10, 31536000),
        expect_dir=_path(merged["expect_dir"], "monitor.expect_dir", False),
        fresh_probe_s=v.whole_number(merged["fresh_probe_s"], "monitor.fresh_probe_s", 0, 604800))
