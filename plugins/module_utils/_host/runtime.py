# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read the kernel with ``ip -json`` and apply a plan (argument lists only).

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import json
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._host import sysctl as _sysctl
from ansible_collections.sipha.network.plugins.module_utils._model.plan import Plan
from ansible_collections.sipha.network.plugins.module_utils._model.kernel import (
    Route, Rule, TableMap, parse_addresses, parse_routes, parse_rules, route_protocols)

__all__ = ["ApplyError", "Kernel"]


class ApplyError(Exception):
    pass


class Kernel:
    def __init__(self, module: t.Any) -> None:
        self.module = module
        self.ip = module.get_bin_path("ip", required=True)
        #: the routing protocol our routes and rules carry (None: ip's default, boot); a backend whose daemon
        #: adds the same routes sets its own (systemd-networkd: static), so that the kernel holds one of each
        self.protocol: t.Optional[str] = None

    def stamped(self, argv: t.Sequence[str]) -> t.List[str]:
        """``argv`` with our protocol on what adds a route or a rule."""
        argv = list(argv)
        if self.protocol and argv[:3] in (["-4", "route", "replace"], ["-4", "route", "add"]):
            return argv + ["proto", self.protocol]
        if self.protocol and argv[:3] == ["-4", "rule", "add"]:
            return argv + ["protocol", self.protocol]
        return argv

    def _json(self, args: t.Sequence[str]) -> t.Any:
        rc, out, err = self.module.run_command([self.ip, "-json"] + list(args))
        if rc != 0:
            self.module.fail_json(msg="ip -json %s failed: %s" % (" ".join(args), err.strip()))
        return json.loads(out or "[]")

    def links(self) -> t.Dict[str, t.Dict[str, t.Any]]:
        return parse_addresses(self._json(["addr", "show"]))

    def routes(self, tables: TableMap) -> t.Tuple[t.List[Route], t.Dict[t.Tuple[int, str, int], str]]:
        # -N: tables (and protocols) as numbers, so a table named only in some
        # rt_tables file we do not read still parses
        data = self._json(["-N", "-4", "route", "show", "table", "all"])
        return parse_routes(data, tables), route_protocols(data, tables)

    def rules(self, tables: TableMap) -> t.List[Rule]:
        return parse_rules(self._json(["-N", "-4", "rule", "show"]), tables)

    def run_step(self, argv: t.Sequence[str]) -> None:
        if argv and argv[0] == "sysctl":
            _sysctl.write_proc(argv[1], int(argv[2]))
            return
        rc, out, err = self.module.run_command([self.ip] + self.stamped(argv))
        if rc != 0:
            raise ApplyError("ip %s: %s" % (" ".join(argv), (err or out).strip()))

    def apply(self, plan: Plan) -> t.List[str]:
        """Run the plan in order; on a failure undo what was done, then fail."""
        done = []
        for step in plan.ordered():
            try:
                self.run_step(step.do)
            except (ApplyError, OSError) as err:
                undo_errors = []
                for previous in reversed(done):
                    if previous.undo:
                        try:
                            self.run_step(previous.undo)
                        except (ApplyError, OSError) as undo_err:
                            undo_errors.append(str(undo_err))
                self.module.fail_json(
                    msg="applying '%s' failed: %s; the %d step(s) before it were undone%s" % (
                        step.line, err, len(done),
                        " (with errors: %s)" % "; ".join(undo_errors) if undo_errors else ""),
                    failed_step=step.line, undone=[s.line for s in done])
            done.append(step)
        return [step.line for step in done]

    def undo_argv(self, plan: Plan) -> t.List[t.List[str]]:
        """Undo commands as full argument lists for the detached restorer."""
        out = []
        for argv in plan.undo_commands():
            if argv[0] == "sysctl":
                out.append(["sh", "-c", 'echo "$2" > "$1"', "sh", argv[1], argv[2]])
            else:
                out.append([self.ip] + self.stamped(argv))
        return out
