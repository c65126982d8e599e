# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The files sipha-vip writes: private from creation, replaced atomically and durably.

* ``private_open``: a file under the run dir (a master's ssh log, the
  announcer's pid file) is created 0600 by ``os.open`` itself, whatever the
  umask, and one left 0644 by an earlier version is tightened;
* ``replace``: the state file and the validated copy are written to a unique
  temporary file in the same directory (``tempfile.mkstemp``), fsynced,
  renamed over the old one, and the directory is fsynced: a crash leaves
  either the old file or the new one, never an empty or torn one, and two
  writers never share a temporary file. The caller holds the takeover lock;
* ``read_whole``: a file read back is either whole or a clear error that
  names the file (empty, or cut short).

Not on the fast path (``tempfile`` costs imports): the whole program, and
``fast.remember`` which the whole program calls, use it.

Python 3.8+ standard library only; installed on SIP hosts with the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import os
import tempfile
import typing as t

__all__ = ["PRIVATE", "TornFile", "private_open", "read_whole", "replace"]

PRIVATE = 0o600


class TornFile(ValueError):
    """A file that is empty or cut short: the message names it."""


def private_open(path: str, append: bool = False) -> int:
    """A descriptor of ``path`` for writing, created (or made) 0600 and truncated unless ``append``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
    except OSError:
        os.close(fd)
        raise
    return fd


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(path: str, data: bytes, mode: int = PRIVATE) -> None:
    """Make ``path`` hold ``data``: unique temporary file beside it, fsync, rename, fsync of the directory."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(temp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)


def read_whole(path: str, complete: t.Callable[[bytes], bool]) -> bytes:
    """The bytes of ``path``; TornFile naming it when it is empty or ``complete`` says it is cut short.
    OSError when it cannot be read (FileNotFoundError when it is not there)."""
    with open(path, "rb") as handle:
        data = handle.read()
    if not data.strip():
        raise TornFile("%s is empty (a write that did not finish?)" % path)
    if not complete(data):
        raise TornFile("%s is cut short or corrupt (a write that did not finish?)" % path)
    return data
