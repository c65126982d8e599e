# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The router flush of a takeover: every adjacent router in parallel, each bounded, over OpenSSH.

Warm connections: while standby, the refresh timer keeps one OpenSSH
ControlMaster per router (``ensure_masters``). A flush goes through the
master when its socket exists; if that has not answered after ``hedge_ms``
(a master whose TCP connection died quietly), a fresh connection is started
beside it and the first to succeed counts. Without a master the flush goes
fresh at once. The flush is idempotent on every vendor, so two that both
arrive do no harm. A router whose host key does not match the pinned one is
refused by ssh before anything is sent.

Python 3.8+ standard library only: installed on SIP hosts with the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import threading
import time
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._model.vip import Router, VipConfig
from ansible_collections.sipha.network.plugins.module_utils._vip import lock
from ansible_collections.sipha.network.plugins.module_utils._vip.durable import private_open
from ansible_collections.sipha.network.plugins.module_utils._vip.spawn import Spawned

__all__ = ["MASTERS_LOCK", "RouterFlush", "close_masters", "end_sessions", "ensure_masters", "explain", "flush_all",
           "master_alive", "master_pid", "probe_all", "sessions"]

#: The lock of the runs that start or close warm connections (refresh, disconnect): not the takeover lock,
#: so an up or down never waits for a router that does not answer.
MASTERS_LOCK = "masters.lock"

#: the start of explain()'s reason for a connection closed before SSH began, and the probe's retry of it: the time
#: that must be left, and the random pause before the one retry (s)
CLOSED_EARLY = "the router closed the connection before SSH began"
RETRY_LEFT_S = 0.5
RETRY_PAUSE_S = (0.05, 0.3)


def explain(returncode: t.Optional[int], stderr: str) -> str:
    """A short reason for a failed ssh run, in the words a network engineer searches for."""
    text = stderr.strip()
    if "Host key verification failed" in text or "REMOTE HOST IDENTIFICATION HAS CHANGED" in text \
            or "No ED25519 host key is known" in text or "host key is known" in text:
        return "host key verification failed: the router's key is not the pinned one (refused, nothing sent)"
    if "Permission denied" in text:
        return "authentication failed: the router refused the flush key"
    if "kex_exchange_identification" in text or "Connection closed by remote host" in text:
        return (CLOSED_EARLY + " (on IOS: every vty line busy, or the vty access-class refuses this host's "
                "address; a Linux sshd past its MaxStartups)")
    last = text.splitlines()[-1] if text else ""
    if not last and returncode == 255:
        return "the session ended with no answer and no exit status (nothing proves a clear)"
    return last or "exit code %s" % returncode


class _Attempt:
    def __init__(self, via: str, argv: t.List[str], adopt: t.Optional[Spawned] = None) -> None:
        """Start ssh with ``argv``, or adopt the one the fast path started (``adopt``)."""
        self.via = via
        self.started = time.monotonic()
        self.proc: t.Union[subprocess.Popen, Spawned] = adopt if adopt is not None else subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True)
        self.out = adopt.out if adopt is not None else b""
        self.err = adopt.err if adopt is not None else b""
        self.open = len(adopt.streams()) if adopt is not None else 2
        self.ended = adopt.ended if adopt is not None else None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class RouterFlush:
    """One router's flush in progress."""

    def __init__(self, config: VipConfig, router: Router, warm: bool, t0: float,
                 early: t.Optional[t.Tuple[Spawned, float]] = None) -> None:
        self.config = config
        self.router = router
        self.t0 = t0
        self.started = early[1] if early else time.monotonic()
        self.deadline = self.started + config.flush["timeout_ms"] / 1000.0
        self.attempts: t.List[_Attempt] = []
        self.result: t.Optional[t.Dict[str, t.Any]] = None
        self.hedge_at: t.Optional[float] = None
        self.failures: t.List[str] = []
        request = router.target.flush_request()
        if early or warm and router.warm and os.path.exists(config.control_path(router)):
            self.hedge_at = self.started + config.flush["hedge_ms"] / 1000.0
            if early:   # already running over the warm connection (the fast path of up)
                self.attempts.append(_Attempt("warm", [], adopt=early[0]))
            else:
                self._start("warm", config.ssh_argv(router, "warm", request))
        else:
            self._start("fresh", config.ssh_argv(router, "fresh", request))

    def _start(self, via: str, argv: t.List[str]) -> bool:
        try:
            self.attempts.append(_Attempt(via, argv))
        except OSError as error:          # no ssh client: this router fails, the takeover goes on
            self.failures.append("%s: cannot run %s: %s" % (via, argv[0], error.strerror))
            if not any(a.proc.poll() is None for a in self.attempts):
                self.hedge_at = None
                self._done(False, None, time.monotonic(), "; ".join(self.failures))
            return False
        return True

    def hedge(self) -> t.Optional[_Attempt]:
        """Start the fresh connection beside the warm one, once, when it is due."""
        if self.result is None and self.hedge_at is not None and time.monotonic() >= self.hedge_at:
            self.hedge_at = None
            if self._start("fresh", self.config.ssh_argv(self.router, "fresh", self.router.target.flush_request())):
                return self.attempts[-1]
        return None

    def finished(self, attempt: _Attempt) -> None:
        """One attempt's ssh exited: success ends this router's flush; a warm failure goes fresh at once."""
        code = attempt.proc.wait()
        if self.result is not None:
            return
        now = attempt.ended or time.monotonic()
        target = self.router.target
        out = attempt.out.decode("utf-8", "replace")
        refused = target.error_line(out + attempt.err.decode("utf-8", "replace"))
        if refused:
            self._done(False, attempt, now, "the router refused: %s" % refused)
        elif target.driver.confirmed(target, out, code):
            self._done(True, attempt, now, None)
        elif target.driver.confirmation(target) is not None and (out.strip() or code == 0):
            # it answered, but not with the confirmation line: the clear is not proven
            self._done(False, attempt, now, "the router did not confirm the clear (no %r in its answer%s)" % (
                target.driver.confirmation(target), ": %s" % out.strip()[-200:] if out.strip() else
                "; an applet without 'sync yes' only queues the clear"))
        else:
            self.failures.append("%s: %s" % (attempt.via, explain(code, attempt.err.decode("utf-8", "replace"))))
            if attempt.via == "warm" and self.hedge_at is not None:
                self.hedge_at = now
            elif all(a.proc.poll() is not None for a in self.attempts) and self.hedge_at is None:
                self._done(False, attempt, now, "; ".join(self.failures))

    def expire(self) -> None:
        if self.result is None:
            self._done(False, None, time.monotonic(), "no answer within %d ms%s" % (
                self.config.flush["timeout_ms"], " (%s)" % "; ".join(self.failures) if self.failures else ""))

    def _done(self, ok: bool, attempt: t.Optional[_Attempt], now: float, error: t.Optional[str]) -> None:
        self.result = {
            "name": self.router.name, "address": self.router.address, "vendor": self.router.target.vendor,
            "ok": ok, "via": attempt.via if attempt else None,
            "done_ms": round((now - self.t0) * 1000.0, 1), "took_ms": round((now - self.started) * 1000.0, 1),
            "error": error, "output": (attempt.out.decode("utf-8", "replace").strip()[-500:] if attempt else ""),
        }
        for other in self.attempts:
            other.kill()


def flush_all(config: VipConfig, warm: bool, t0: float,
              on_done: t.Callable[[t.Dict[str, t.Any]], None] = lambda result: None,
              early: t.Optional[t.Mapping[str, t.Tuple[Spawned, float]]] = None) -> t.List[t.Dict[str, t.Any]]:
    """Flush the VIP's entry on every router in parallel; each is bounded by flush.timeout_ms.
    ``early``: flushes the fast path started already (router name -> (child, start time))."""
    early = early or {}
    flushes = [RouterFlush(config, router, warm, t0, early.get(router.name)) for router in config.routers]
    selector = selectors.DefaultSelector()

    def watch(flush: RouterFlush, attempt: _Attempt) -> None:
        for stream in (attempt.proc.stdout, attempt.proc.stderr):
            if stream is not None and not stream.closed:
                selector.register(stream, selectors.EVENT_READ, (flush, attempt, stream))

    def unwatch(attempt: _Attempt) -> None:
        for stream in (attempt.proc.stdout, attempt.proc.stderr):
            if stream is not None and not stream.closed:
                try:
                    selector.unregister(stream)
                except KeyError:
                    pass
                stream.close()

    for flush in flushes:
        if flush.attempts:
            watch(flush, flush.attempts[0])
            if flush.attempts[0].open == 0:   # the fast path saw it end
                flush.finished(flush.attempts[0])
                if flush.result is not None:   # else a failed warm one: the loop below hedges at once
                    on_done(flush.result)
    try:
        while any(flush.result is None for flush in flushes):
            now = time.monotonic()
            waits = [flush.deadline - now for flush in flushes if flush.result is None]
            waits += [flush.hedge_at - now for flush in flushes if flush.result is None and flush.hedge_at]
            if not waits:
                break
            for key, _mask in selector.select(max(0.0, min(waits))):
                flush, attempt, stream = key.data
                chunk = os.read(stream.fileno(), 4096)
                if chunk:
                    if stream is attempt.proc.stdout:
                        attempt.out += chunk
                    else:
                        attempt.err += chunk
                    continue
                attempt.open -= 1
                selector.unregister(stream)
                if attempt.open == 0:
                    was_open = flush.result is None
                    flush.finished(attempt)
                    if was_open and flush.result is not None:
                        on_done(flush.result)
            now = time.monotonic()
            for flush in flushes:
                started = flush.hedge()
                if started is not None:
                    watch(flush, started)
                if flush.result is None and now >= flush.deadline:
                    flush.expire()
                    on_done(flush.result or {})
    finally:
        for flush in flushes:
            for attempt in flush.attempts:
                attempt.kill()
                unwatch(attempt)
        selector.close()
    return [flush.result or {} for flush in flushes]


def _probe(config: VipConfig, router: Router, via: str, deadline: float, bound_ms: int) -> t.Dict[str, t.Any]:
    """One request over ``via`` (warm or fresh), read until ``deadline``: ``ok``, ``error``, ``entry_mac``."""
    try:
        proc = subprocess.Popen(config.ssh_argv(router, via, router.target.show_request()), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True)
    except OSError as error:
        return {"ok": False, "error": "cannot run ssh: %s" % error.strerror, "entry_mac": None}
    return _probe_read(router, proc, deadline, bound_ms, config.vip)


def _probe_read(router: Router, proc: subprocess.Popen, deadline: float, bound_ms: int,
                vip: str) -> t.Dict[str, t.Any]:
    """One request's outcome: ``ok``, ``error``, ``entry_mac``."""
    try:
        out, err = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"ok": False, "error": "no answer within %d ms" % bound_ms, "entry_mac": None}
    text, said = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    refused = router.target.error_line(text + said)
    # IOS may end the session with no exit status: an answer without an error line is an answer
    answered = proc.returncode == 0 or (router.target.driver.confirmation(router.target) is not None
                                        and bool(text.strip()) and not said.strip())
    if refused:
        return {"ok": False, "error": "the router refused: %s" % refused, "entry_mac": None}
    if not answered:
        return {"ok": False, "error": explain(proc.returncode, said), "entry_mac": None}
    return {"ok": True, "error": None, "entry_mac": rf.entry_mac(text, vip)}


def probe_all(config: VipConfig, warm: bool = False, bound_s: t.Optional[float] = None) -> t.List[t.Dict[str, t.Any]]:
    """A harmless request to every router over the flush account, now, from this host: the show request of the
    VIP's entry, in parallel, bounded by flush.timeout_ms (and ``bound_s`` when given). Changes nothing on any
    router. By default over a fresh connection (the route, source address, pinned host key, flush key and account
    a flush would use); ``warm``: through the warm connection where one is up (what the next flush would use),
    and fresh when that fails, within the same bound.

    Per router: ``ok`` (it answered, no error line), ``error``, ``entry_mac`` (the MAC it has for the VIP, or None),
    ``via`` (warm or fresh), ``took_ms``."""
    bound_ms = config.flush["timeout_ms"] if bound_s is None else min(config.flush["timeout_ms"], int(bound_s * 1000))
    deadline = time.monotonic() + bound_ms / 1000.0
    results: t.List[t.Dict[str, t.Any]] = [{} for _router in config.routers]

    def one(index: int, router: Router) -> None:
        started = time.monotonic()
        via = "warm" if warm and router.warm and os.path.exists(config.control_path(router)) else "fresh"
        result: t.Dict[str, t.Any] = {"name": router.name, "address": router.address, "vendor": router.target.vendor,
                                      "ok": False, "error": None, "entry_mac": None, "via": via}
        for attempt in (via, "fresh") if via == "warm" else (via,):
            # a warm connection answers in milliseconds: one silent for hedge_ms is dead, the rest goes fresh
            until = min(deadline, started + config.flush["hedge_ms"] / 1000.0) if attempt == "warm" else deadline
            outcome = _probe(config, router, attempt, until,
                             bound_ms if until == deadline else config.flush["hedge_ms"])
            if not outcome["ok"] and str(outcome["error"]).startswith(CLOSED_EARLY) and \
                    deadline - time.monotonic() > RETRY_LEFT_S:
                # a router that turned the connection away before SSH began (its vty lines or sshd's MaxStartups
                # full: many hosts asking at once): once more after a short random pause, within the bound
                time.sleep(random.uniform(*RETRY_PAUSE_S))
                outcome = _probe(config, router, attempt, deadline, bound_ms)
            earlier = result["error"]
            result.update(outcome, via=attempt)
            if earlier:   # the warm attempt failed first
                result["error"] = "warm: %s; fresh: %s" % (earlier, outcome["error"]) if not outcome["ok"] else None
            # a router that answered with an error refuses the account itself: a fresh connection would not help
            if result["ok"] or str(outcome["error"]).startswith("the router refused"):
                break
        result["took_ms"] = round((time.monotonic() - started) * 1000.0, 1)
        results[index] = result

    threads = [threading.Thread(target=one, args=(index, router), daemon=True)
               for index, router in enumerate(config.routers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def master_pid(config: VipConfig, router: Router) -> t.Optional[int]:
    """The pid of the master that answers ``-O check`` ("Master running (pid=N)"; 0 when it says none), or
    None when no master answers within 5 s."""
    if not os.path.exists(config.control_path(router)):
        return None
    try:
        check = subprocess.run(config.ssh_argv(router, "check"), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=5, check=False)
    except subprocess.TimeoutExpired:
        return None
    if check.returncode != 0:
        return None
    said = check.stdout.decode("utf-8", "replace")
    start = said.find("pid=")
    digits = said[start + 4:].split(")", 1)[0] if start >= 0 else ""
    return int(digits) if digits.isdigit() else 0


def master_alive(config: VipConfig, router: Router) -> bool:
    return master_pid(config, router) is not None


def sessions(config: VipConfig, router: Router) -> t.List[int]:
    """The ssh processes that hold a session to ``router`` for the warm connection (the master, and any plain
    ``-N`` session OpenSSH kept when it found a stale socket): found by their ControlPath, from /proc."""
    wanted = "ControlPath=%s" % config.control_path(router)
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % name, "rb") as handle:
                argv = handle.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if wanted in argv and "-N" in argv and any(os.path.basename(arg) == "ssh" for arg in argv[:2]):
            found.append(int(name))
    return sorted(found)


def end_sessions(pids: t.Sequence[int], grace_s: float = 1.0) -> None:
    """SIGTERM, then SIGKILL after ``grace_s`` for those still there."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace_s
    left = list(pids)
    while left and time.monotonic() < deadline:
        time.sleep(0.01)
        left = [pid for pid in left if _exists(pid)]
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 1.0      # SIGKILL is delivered asynchronously: gone before we go on
    while left and time.monotonic() < deadline:
        left = [pid for pid in left if _exists(pid)]
        if left:
            time.sleep(0.01)


def _exists(pid: int) -> bool:
    try:
        with open("/proc/%d/stat" % pid, "rb") as handle:
            return handle.read().split(b") ", 1)[-1][:1] != b"Z"
    except OSError:
        return False


def _clear(config: VipConfig, router: Router) -> None:
    """No session and no socket left for ``router``: a master killed with SIGKILL leaves its socket, and OpenSSH
    then keeps a plain session beside it ("ControlSocket ... already exists, disabling multiplexing")."""
    end_sessions(sessions(config, router))
    try:
        os.unlink(config.control_path(router))
    except FileNotFoundError:
        pass


def ensure_masters(config: VipConfig) -> t.List[t.Dict[str, t.Any]]:
    """Keep exactly one warm connection per router (for the refresh timer): start those that are not alive.

    Runs under its own lock (MASTERS_LOCK), never the takeover lock. A router whose master does not answer
    ``-O check`` loses every session and its socket first, so at most one session per router is ever kept.
    Started in parallel; each is bounded by flush.timeout_ms. ssh -f backgrounds the master after login; it
    counts as warm only once ``-O check`` answers."""
    held = lock.acquire(config.run_dir, 0.0, MASTERS_LOCK)
    if held is None:
        return [{"name": router.name, "warm": master_alive(config, router), "started": False, "busy": True}
                for router in config.routers]
    try:
        return _ensure_masters(config)
    finally:
        lock.release(held)


def _ensure_masters(config: VipConfig) -> t.List[t.Dict[str, t.Any]]:
    results: t.List[t.Dict[str, t.Any]] = []
    starting: t.List[t.Tuple[Router, subprocess.Popen, float, str]] = []
    for router in config.routers:
        if not router.warm:       # IOS closes TCP after an exec: a master would hold a vty and carry one flush
            _clear(config, router)
            results.append({"name": router.name, "warm": False, "started": False, "sessions": 0,
                            "cold": "its platform (%s) closes the connection after an exec: every flush is a "
                                    "fresh connection" % router.platform})
            continue
        pid = master_pid(config, router)
        if pid is not None:
            # a plain session kept beside a live master (an older version, or a start that raced): ended
            end_sessions([other for other in sessions(config, router) if pid and other != pid])
            results.append({"name": router.name, "warm": True, "started": False,
                            "sessions": len(sessions(config, router))})
            continue
        _clear(config, router)
        log = config.control_path(router) + ".log"
        os.close(private_open(log))   # root's alone (0600): ssh -E appends to it
        argv = config.ssh_argv(router, "master")
        argv[1:1] = ["-E", log]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True)
        starting.append((router, proc, time.monotonic(), log))
    for router, proc, started, log in starting:
        left = started + config.flush["timeout_ms"] / 1000.0 - time.monotonic()
        try:
            code = proc.wait(timeout=max(0.0, left))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = None
        warm = code == 0 and master_alive(config, router)
        entry: t.Dict[str, t.Any] = {"name": router.name, "warm": warm, "started": warm}
        if not warm:
            with open(log, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            entry["error"] = ("no answer within %d ms" % config.flush["timeout_ms"] if code is None
                              else explain(code, text) if code != 0
                              else "ssh returned but no master answers on %s" % config.control_path(router))
            _clear(config, router)   # nothing half-started stays behind
        entry["sessions"] = len(sessions(config, router))
        results.append(entry)
    return results


def close_masters(config: VipConfig) -> t.List[str]:
    """Close every warm connection (after a config or host-key change), and every session a stale socket left
    behind; returns the routers closed."""
    closed = []
    held = lock.acquire(config.run_dir, 5.0, MASTERS_LOCK)
    try:
        for router in config.routers:
            if os.path.exists(config.control_path(router)) or sessions(config, router):
                if os.path.exists(config.control_path(router)):
                    try:
                        subprocess.run(config.ssh_argv(router, "exit"), stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=5, check=False)
                    except subprocess.TimeoutExpired:
                        pass
                _clear(config, router)
                closed.append(router.name)
    finally:
        lock.release(held)
    return closed
