# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sipha-vip's standby helper: ``up``, ``down`` and ``status`` for the management layer's agent account,
without sudo and without an interpreter start-up on the takeover's critical path.

The management layer's local agent runs its command as its own non-root account. Through the sudo rule,
every takeover pays for sudo (~5 ms here) and for starting the interpreter and the program (~9 ms) before
the VIP can be added. The helper (``sipha-vip --agent ACCOUNT _serve``, run by systemd as root:
``sipha-vip-helper.service``) has the whole program imported already and waits on a FIFO:

* ``agent_dir(run_dir)`` (``/run/sipha-vip-agent`` beside the run directory ``/run/sipha-vip``, which
  stays root's only) is root-owned, group the agent's group, mode 1770 (sticky:
  the agent may add its reply FIFOs there, never remove or replace the helper's files); ``request`` in it
  is a FIFO root:agent-group 0660: only root and the agent's group can write a request (the client opens
  it read-write, so that writing a request never blocks, whatever state the helper is in);
* a request is one line ``COMMAND REPLY``: COMMAND one of ``up``, ``down``, ``status`` (nothing else,
  no switches, no config), REPLY the name of a FIFO the client made in that directory
  (``reply.<pid>.<nonce>``). Anything else is refused and logged;
* for each request the helper forks: the child opens the reply FIFO (no symlink followed, it must be a
  FIFO owned by the agent's account, and the client must still be reading it), writes ``accepted``,
  makes it its stdout and stderr and runs the program's usual entry point (``_vip.launcher.main``): the
  fast path and all its fallbacks, the lock, the record, the exit code, as if sudo had started it, but
  with time zero when the request was read. Its last line is ``@sipha-vip-exit N``;
* the client (``sipha-vip-agent``, bash, ``client_script``) runs no interpreter and no sudo when the
  helper answers: it falls back to ``sudo -n sipha-vip COMMAND`` (the role's sudo rule) when the helper's
  pid file names no live process, when there is no request FIFO, or when the helper has not accepted
  within ``ACCEPT_WAIT_S``.

A request the helper reads after its client gave up finds no reader on the reply FIFO (or no FIFO) and is
dropped. A client that gives up at the same instant the helper accepts runs the program through sudo as
well; the takeover lock orders the two runs, and the second finds the work done.

Python 3.8+ standard library only; installed on SIP hosts with the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import re
import signal
import stat
import sys
import time

from ansible_collections.sipha.network.plugins.module_utils._vip import durable

TYPE_CHECKING = False
if TYPE_CHECKING:
    import typing as t

__all__ = ["ACCEPTED", "ACCEPT_WAIT_S", "AGENT_SUFFIX", "CLIENT_NAME", "COMMANDS", "EXIT_MARK", "HelperError", "PIDFILE",
           "REQUEST", "Stop", "agent_dir", "client_path", "client_script", "open_reply", "parse_request", "prepare", "serve"]

AGENT_SUFFIX = "-agent"
REQUEST = "request"
PIDFILE = "helper.pid"
CLIENT_NAME = "sipha-vip-agent"
ACCEPTED = b"accepted\n"
EXIT_MARK = "@sipha-vip-exit "
#: what the agent's account may ask for; refresh, check and disconnect stay root's (the timer's, the role's)
COMMANDS = ("up", "down", "status")
#: how long the client waits for ``accepted`` before it runs the program through sudo
ACCEPT_WAIT_S = "0.25"
_REPLY = re.compile(r"reply\.[0-9]{1,10}\.[0-9]{1,30}")
_LINE_MAX = 256


def agent_dir(run_dir: str) -> str:
    """The helper's directory for the program whose run directory is ``run_dir``: beside it."""
    return run_dir.rstrip("/") + AGENT_SUFFIX


class HelperError(Exception):
    """The helper cannot serve (its directory, its account)."""


class Stop(Exception):
    """SIGTERM or SIGINT: the helper ends (the children it forked finish their commands)."""


def parse_request(line: bytes) -> t.Optional[t.Tuple[str, str]]:
    """``(command, reply FIFO name)`` of a request line, or None when it is anything else."""
    try:
        words = line.decode("ascii").split(" ")
    except UnicodeDecodeError:
        return None
    if len(words) != 2 or words[0] not in COMMANDS or not _REPLY.fullmatch(words[1]):
        return None
    return words[0], words[1]


def _clear(agent_dir: str, dirfd: int) -> None:
    for name in os.listdir(dirfd):
        try:
            os.unlink(name, dir_fd=dirfd)
        except FileNotFoundError:
            pass
        except IsADirectoryError as error:
            raise HelperError("%s/%s: a directory where only the helper's FIFOs belong; remove it, then restart "
                              "the helper; nothing was served" % (agent_dir, name)) from error


def prepare(agent_dir: str, gid: int) -> t.Tuple[int, int]:
    """The helper's directory, emptied, with a new request FIFO open and, last, the pid file; returns the
    directory's fd and the request FIFO's.

    While it is prepared the directory is 0700 (no agent can slip a file of its own in under the helper's
    names); only then it becomes 1770 with the agent's group."""
    try:
        os.mkdir(agent_dir, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(agent_dir)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        raise HelperError("%s: must be a directory owned by uid %d (found mode %o, uid %d); nothing was served"
                          % (agent_dir, os.geteuid(), st.st_mode, st.st_uid))
    dirfd = os.open(agent_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    os.fchmod(dirfd, 0o700)
    _clear(agent_dir, dirfd)
    os.mkfifo(REQUEST, 0o600, dir_fd=dirfd)
    os.chown(REQUEST, -1, gid, dir_fd=dirfd, follow_symlinks=False)
    os.chmod(REQUEST, 0o660, dir_fd=dirfd)
    request_fd = os.open(REQUEST, os.O_RDWR | os.O_CLOEXEC, dir_fd=dirfd)   # read-write: never an end of file
    os.fchown(dirfd, -1, gid)
    os.fchmod(dirfd, 0o1770)
    # last: the pid file tells clients the helper is ready
    durable.replace(os.path.join(agent_dir, PIDFILE), b"%d\n" % os.getpid(), mode=0o644)
    return dirfd, request_fd


def open_reply(dirfd: int, name: str, uid: int) -> t.Optional[int]:
    """The client's reply FIFO, open for writing (blocking), or None: not there, not a FIFO, not the agent's,
    a symlink, or nobody reading it (the client gave up)."""
    try:
        before = os.stat(name, dir_fd=dirfd, follow_symlinks=False)
        if not stat.S_ISFIFO(before.st_mode) or before.st_uid != uid:
            return None
        fd = os.open(name, os.O_WRONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dirfd)
    except OSError:
        return None
    opened = os.fstat(fd)
    if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
        os.close(fd)
        return None
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return fd


def _log(text: str) -> None:
    try:
        sys.stderr.write("sipha-vip helper: %s\n" % text)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass


def _flush() -> None:
    """Python's own buffers out before a fork (a child must not write the parent's) and before the exit line."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass   # a closed or broken stream: what it held is lost, the run is not


def _reap(_signum: int = 0, _frame: t.Any = None) -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _stop(_signum: int, _frame: t.Any) -> None:
    raise Stop()


def _child(argv: t.List[str], reply: str, t0: float, fds: t.Tuple[int, int], uid: int,
           runner: t.Callable[..., int], run_dir: str) -> int:
    """In the forked child: answer on the reply FIFO, run the command with the program's entry point."""
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)
    dirfd, request_fd = fds
    os.close(request_fd)
    fd = open_reply(dirfd, reply, uid)
    os.close(dirfd)
    if fd is None:
        _log("%s: the client is gone (%s); not run" % (argv[-1], reply))
        return 2
    try:
        os.write(fd, ACCEPTED)
    except OSError:
        return 2
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(null)
    os.close(fd)
    try:
        code = runner(argv, t0=t0, run_dir=run_dir)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    except Exception as error:   # pylint: disable=broad-exception-caught
        # the program's own handlers catch what a takeover can meet; whatever else must still give an exit code
        try:
            os.write(2, ("sipha-vip: failed: %s\n" % error).encode("utf-8", "replace"))
        except OSError:
            pass
        code = 1
    _flush()
    try:
        os.write(1, ("%s%d\n" % (EXIT_MARK, code)).encode("ascii"))
    except OSError:
        pass
    return code


def serve(agent: str, runner: t.Callable[..., int], run_dir: str, directory: t.Optional[str] = None,
          config: t.Optional[str] = None) -> int:
    """Serve requests until SIGTERM; 0 when stopped, 2 when it cannot serve (the reason on stderr).

    ``runner(argv, t0=, run_dir=)`` runs one command in a forked child (the program's entry point);
    ``directory``: the helper's (default ``agent_dir(run_dir)``); ``config``: the config file the children
    use (the helper's own ``--config``)."""
    directory = agent_dir(run_dir) if directory is None else directory
    try:
        account = pwd.getpwnam(agent)
    except KeyError:
        _log("--agent %s: no such account on this host; nothing was served" % agent)
        return 2
    try:
        dirfd, request_fd = prepare(directory, account.pw_gid)
    except (HelperError, OSError) as error:
        _log(str(error))
        return 2
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD)}
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGCHLD, _reap)
    _log("serving %s for %s (uid %d) at %s" % (", ".join(COMMANDS), agent, account.pw_uid, directory))
    pending = b""
    try:
        while True:
            data = os.read(request_fd, 4096)
            t0 = time.monotonic()
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                _handle(line, t0, (dirfd, request_fd), account.pw_uid, runner, run_dir, config)
            if len(pending) > _LINE_MAX:
                _log("refused a request: longer than %d bytes" % _LINE_MAX)
                pending = b""
    except Stop:
        _log("stopped")
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for name in (REQUEST, PIDFILE):
            try:
                os.unlink(name, dir_fd=dirfd)
            except OSError:
                pass
        os.close(request_fd)
        os.close(dirfd)


def _handle(line: bytes, t0: float, fds: t.Tuple[int, int], uid: int, runner: t.Callable[..., int],
            run_dir: str, config: t.Optional[str]) -> None:
    request = parse_request(line)
    if request is None:
        _log("refused a request: %r (only 'up|down|status reply.<pid>.<nonce>')" % line[:80])
        return
    _flush()
    try:
        pid = os.fork()
    except OSError as error:
        _log("%s: cannot fork (%s); the client falls back to sudo" % (request[0], error))
        return
    if pid == 0:
        code = 1
        try:
            argv = ([] if config is None else ["--config", config]) + [request[0]]
            code = _child(argv, request[1], t0, fds, uid, runner, run_dir)
        finally:
            os._exit(code)   # never back into the helper's loop, whatever happened


def client_path(program: str) -> str:
    """Where the client goes: beside the program."""
    return os.path.join(os.path.dirname(program), CLIENT_NAME)


def client_script(program: str, directory: str, sudo: str = "/usr/bin/sudo", wait_s: str = ACCEPT_WAIT_S) -> str:
    """The agent's command (bash): ask the helper serving ``directory``, or run the program through sudo."""
    for name, value in (("program", program), ("directory", directory), ("sudo", sudo), ("wait_s", wait_s)):
        if not re.fullmatch(r"[A-Za-z0-9_./-]+", value):
            raise ValueError("%s: %r: only letters, digits and _ . / - may reach the client script" % (name, value))
    return CLIENT_TEMPLATE % {"program": program, "sudo": sudo, "dir": directory, "wait": wait_s,
                              "mark": EXIT_MARK.strip(), "commands": "|".join(COMMANDS),
                              "cases": "|".join("1:" + command for command in COMMANDS)}


CLIENT_TEMPLATE = r"""#!/bin/bash
# Managed by sipha.network (vip_script): the management layer's command for the VIP. Do not edit.
# sipha-vip-agent %(commands)s, run by the agent's account: asks the standby helper
# (sipha-vip-helper.service, root) to run 'sipha-vip COMMAND' at once - no sudo, no interpreter start-up;
# falls back to '%(sudo)s -n %(program)s COMMAND' (the sudo rule) when the helper is not running or has not
# accepted within %(wait)s s. Exit code: sipha-vip's. Output: sipha-vip's (stderr for up and down).
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin   # mkfifo and rm from the system, whatever the agent's PATH says
dir=%(dir)s
case "$#:${1-}" in
  %(cases)s) ;;
  *) echo "usage: sipha-vip-agent %(commands)s" >&2; exit 2 ;;
esac
fallback() { exec %(sudo)s -n %(program)s "$1"; }
pid=
{ IFS= read -r pid <"$dir/helper.pid"; } 2>/dev/null
case $pid in ''|*[!0-9]*) fallback "$1" ;; esac
[ -d "/proc/$pid" ] && [ -p "$dir/request" ] || fallback "$1"
reply=reply.$$.$RANDOM$RANDOM$RANDOM
mkfifo -m 0600 "$dir/$reply" 2>/dev/null || fallback "$1"
exec 4<>"$dir/$reply"
line=
if ! { printf '%%s %%s\n' "$1" "$reply" >&3; } 3<>"$dir/request" 2>/dev/null ||
   ! IFS= read -r -t %(wait)s -u 4 line || [ "$line" != accepted ]; then
  exec 4<&-
  rm -f "$dir/$reply"
  fallback "$1"
fi
# read-only from here: the end of the file comes when the helper's child is gone
exec 5<"$dir/$reply" 4<&-
rm -f "$dir/$reply"
[ "$1" = status ] || exec 1>&2
while IFS= read -r -u 5 line; do
  case $line in
    *'%(mark)s '*)
      code=${line##*'%(mark)s '}
      line=${line%%'%(mark)s '*}
      [ -z "$line" ] || printf '%%s\n' "$line"
      case $code in ''|*[!0-9]*) exit 1 ;; esac
      exit "$code" ;;
  esac
  printf '%%s\n' "$line"
done
echo "sipha-vip-agent: the helper's run ended before it gave an exit code" >&2
exit 1
"""
