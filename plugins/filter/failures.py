# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the single-failure drill: its episodes, and its report from the probes' logs."""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import failures as _failures
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter


@design_filter
def failure_episodes(names: t.Any, routers: t.Any, split_router: t.Any = None) -> t.List[t.Dict[str, t.Any]]:
    """``sipha_drill_failures`` -> the drill's episodes."""
    if not isinstance(routers, list):
        raise DesignError("routers", "must be a list of router names", routers)
    return _failures.episodes(names, routers, split_router or None)


@design_filter
def failure_report(timeline: t.Any, logs: t.Any, goal_ms: t.Any = 1000, seed_ms: t.Any = 2000,
                   rate: t.Any = 100) -> t.Dict[str, t.Any]:
    """The timeline and the probes' logs (path -> [log text, ...]) -> rows, failed lines and a Markdown table."""
    if not isinstance(timeline, list) or not isinstance(logs, dict):
        raise DesignError("timeline", "must be the timeline program's list, with logs a mapping of path to logs",
                          show_value=False)
    paths = {name: {"answers": answers} for name, answers in _failures.path_answers(logs).items()}
    done = [dict(episode) for episode in timeline if "restored" in episode]
    for episode, following in zip(done, done[1:]):   # a restore's window runs until the next failure begins
        episode["end"] = max(episode["end"], following.get("failed_cmd", following["failed"]))
    out = _failures.report(done, paths, float(goal_ms), float(seed_ms), float(rate))
    out["table"] = _failures.table(out["rows"])
    out["summary"] = _failures.summary(out["rows"])
    return out


class FilterModule:
    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"failure_episodes": failure_episodes, "failure_report": failure_report}
