# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sipha-vip's entry point: the fast path of ``up`` or ``down`` (``fast``), then the whole program (``program``).

The installed launcher file calls ``main`` with the program's time zero. The
whole program is imported only here and only after the fast path acted, so
that nothing on the critical path pays for its imports, and neither module
imports the other's caller (``program`` imports ``fast`` for its helpers;
``fast`` imports neither).

Python 3.8+ standard library only; installed on SIP hosts with the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import sys
import time

from ansible_collections.sipha.network.plugins.module_utils._vip import fast
from ansible_collections.sipha.network.plugins.module_utils._vip.cli import Options, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import typing as t

__all__ = ["main"]


def main(argv: t.Optional[t.List[str]] = None, t0: t.Optional[float] = None, run_dir: str = fast.RUN_DIR) -> int:
    """The fast path of ``up`` or ``down``, then the rest (the whole program; it nices its bookkeeping)."""
    t0 = time.monotonic() if t0 is None else t0
    e0 = time.time() - (time.monotonic() - t0)
    argv = sys.argv[1:] if argv is None else argv
    head = None
    try:
        options = Options(argv)
        if options.command == "_serve":
            # pylint: disable-next=import-outside-toplevel
            from ansible_collections.sipha.network.plugins.module_utils._vip import helper, program as whole
            del whole   # imported for the children the helper forks: they start with the whole program loaded
            return helper.serve(options.agent, main, run_dir, config=options.config)
        if options.command == "up" and not options.no_fast:
            head = fast.take(options, t0, run_dir)
        elif options.command == "down" and not options.no_fast:
            head = fast.take_down(options, t0, run_dir)
    except UsageError:
        pass   # the whole program prints the usage
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.sipha.network.plugins.module_utils._vip import program
    return program.main(argv, t0=t0, e0=e0, head=head, run_dir=run_dir)
