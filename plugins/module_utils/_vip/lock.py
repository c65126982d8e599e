# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The takeover lock: one flock on ``<run_dir>/lock`` for every run of sipha-vip.

The fast path takes it without waiting (contended: it leaves everything to the
whole program); the whole program waits for it, bounded. Waiting polls rather
than arming SIGALRM: ``signal`` imports ``enum``, which the fast path cannot
afford, and one lock for both needs one way to take it.

Python 3.8+ standard library only; installed on SIP hosts with the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import fcntl
import os
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    import typing as t

__all__ = ["NAME", "acquire", "release"]

NAME = "lock"
#: how often a waiting run tries again
POLL_S = 0.002


def acquire(run_dir: str, wait_s: float = 0.0, name: str = NAME) -> t.Optional[int]:
    """The lock's descriptor once held, or None when another run still holds it after ``wait_s`` seconds
    (0: do not wait). OSError when the lock file cannot be opened. ``name``: another lock file of the run dir."""
    fd = os.open(os.path.join(run_dir, name), os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                return None
            time.sleep(POLL_S)
        except OSError:
            os.close(fd)
            raise


def release(fd: t.Optional[int]) -> None:
    if fd is not None:
        os.close(fd)
