# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Children of sipha-vip started without the ``subprocess`` module, whose imports cost ~4 ms.

``posix_spawn`` with stdout and stderr on pipes, an environment of ``PATH``
only, and the program looked up on a fixed PATH (never the caller's). The
fast path (``_vip_fast``) starts the warm router flushes this way; the flush
runner (``_vip_flush``) adopts them as it adopts its own ``Popen`` children.

Built-in modules only.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import os
import select
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    import typing as t

__all__ = ["SAFE_PATH", "SIGKILL", "Spawned", "collect", "which"]

SAFE_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
SIGKILL = 9


def which(name: str) -> str:
    """``name`` on SAFE_PATH (the program never uses the caller's PATH)."""
    for directory in SAFE_PATH.split(":"):
        path = os.path.join(directory, name)
        if os.access(path, os.X_OK):
            return path
    raise OSError(2, "No such file or directory", name)


class Spawned:
    """A child started with posix_spawn, its stdout and stderr on pipes; the part of Popen's interface
    that the flush runner uses (``stdout``, ``stderr``, ``poll``, ``wait``, ``kill``)."""

    def __init__(self, argv: t.Sequence[str]) -> None:
        program = which(argv[0])
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            self.pid = os.posix_spawn(program, list(argv), {"PATH": SAFE_PATH}, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2)])
        except OSError:
            for fd in (out_r, err_r):
                os.close(fd)
            raise
        finally:
            for fd in (out_w, err_w):
                os.close(fd)
        self.stdout = open(out_r, "rb", buffering=0)   # pylint: disable=consider-using-with
        self.stderr = open(err_r, "rb", buffering=0)   # pylint: disable=consider-using-with
        self.returncode: t.Optional[int] = None
        self.out = b""      # what was read already (``collect``)
        self.err = b""
        self.ended: t.Optional[float] = None   # monotonic time both streams closed, if that was seen

    def streams(self) -> t.List[t.Any]:
        """The output streams not read to their end yet."""
        return [stream for stream in (self.stdout, self.stderr) if not stream.closed]

    def _reaped(self, status: int) -> int:
        self.returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        return self.returncode

    def poll(self) -> t.Optional[int]:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return self._reaped(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            return self._reaped(os.waitpid(self.pid, 0)[1])
        return self.returncode

    def exit_code(self, bound: float) -> t.Optional[int]:
        """The exit status, waiting ``bound`` seconds at most. A child that closed its output is exiting, but
        the kernel makes it reapable only a moment later (more under load): ``poll`` alone can miss it."""
        deadline = time.monotonic() + bound
        while True:
            code = self.poll()
            if code is not None or time.monotonic() >= deadline:
                return code
            time.sleep(0.0005)

    def kill(self) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, SIGKILL)
            except ProcessLookupError:
                pass


def collect(children: t.Sequence[Spawned], bound: float) -> None:
    """Read the children's output until each has closed both streams, or for ``bound`` seconds at most,
    noting when each ended; what is left open is for the whole program's flush runner."""
    deadline = time.monotonic() + bound
    while True:
        watched = {stream.fileno(): (child, stream) for child in children for stream in child.streams()}
        left = deadline - time.monotonic()
        if not watched or left <= 0:
            return
        for fd in select.select(list(watched), [], [], left)[0]:
            child, stream = watched[fd]
            chunk = os.read(fd, 4096)
            if stream is child.stdout:
                child.out += chunk
            else:
                child.err += chunk
            if not chunk:
                stream.close()
                if not child.streams():
                    child.ended = time.monotonic()
