# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sipha-vip's command line, parsed by hand: ``argparse`` alone costs ~13 ms of start-up on the critical path.

Built-in modules only: read by the fast path (``fast``) before anything else is imported.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

from ansible_collections.sipha.network.plugins.module_utils._model import vip_defaults

TYPE_CHECKING = False
if TYPE_CHECKING:
    import typing as t

__all__ = ["COMMAND_NAMES", "DEFAULT_CONFIG", "Options", "UsageError"]

DEFAULT_CONFIG = vip_defaults.CONFIG
COMMAND_NAMES = ("up", "down", "status", "refresh", "check", "disconnect", "probe", "_announce", "_serve")


class UsageError(Exception):
    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class Options:
    """The command line: the config file, one command, and switches (each an attribute, False by default)."""

    SWITCHES = {
        "--json": "print the run's record as JSON on stdout",
        "--quiet": "no step lines on stderr (syslog still gets them)",
        "--no-announce": "up: send no ARP at all",
        "--no-garp": "up: no gratuitous ARP",
        "--no-directed": "up: no directed ARP to the routers",
        "--garp-once": "up: one gratuitous request only, no burst (the vendor sample's behaviour)",
        "--no-flush": "up: do not flush the routers",
        "--fresh": "up: flush over fresh connections, not the warm ones; check: log in to every router afresh",
        "--no-fast": "up, down: skip the fast path (load and validate the config first, then act)",
    }

    def __init__(self, argv: t.Sequence[str]) -> None:
        self.config = DEFAULT_CONFIG
        self.agent = ""   # _serve: the management layer's agent account the standby helper serves
        self.command = ""
        self.e0 = 0.0
        for switch in self.SWITCHES:
            setattr(self, switch[2:].replace("-", "_"), False)
        args = list(argv)
        while args:
            arg = args.pop(0)
            if arg in ("-h", "--help"):
                raise UsageError("", 0)
            if arg == "--config" and args:
                self.config = args.pop(0)
            elif arg.startswith("--config="):
                self.config = arg.split("=", 1)[1]
            elif arg == "--agent" and args:
                self.agent = args.pop(0)
            elif arg in self.SWITCHES:
                setattr(self, arg[2:].replace("-", "_"), True)
            elif arg in COMMAND_NAMES and not self.command:
                self.command = arg
            else:
                raise UsageError("unknown argument %r" % arg)
        if not self.command:
            raise UsageError("a command is needed")
        if (self.command == "_serve") != bool(self.agent):
            raise UsageError("--agent ACCOUNT goes with _serve (the standby helper), and only with it")
