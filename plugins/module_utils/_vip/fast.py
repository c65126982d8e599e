# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fast paths of sipha-vip ``up`` and ``down``: act before the rest of the program is imported.

A takeover's first milliseconds are outage. The whole program imports json,
re, ipaddress, typing, subprocess, threading... and validates its config
before it acts: 12-15 ms on a 2-core VM before the address could be added.
This module, and what it imports (``cli``, ``arp``, ``lock``,
``netlink``, ``spawn``), use only modules built into the
interpreter, and a copy of the config that the whole program validated:

* every run of the whole program that loaded and validated the config file,
  as root, keeps the values the fast paths need in ``<run_dir>/validated``
  (marshal, 0600), with the identity of the file it read: device, inode,
  size, mtime and ctime in ns. Any write, rename or chmod of the config
  changes that identity, so a stale copy is never used;
* ``up`` looks there first. When the identity matches, it takes the lock
  (without waiting), adds the VIP over rtnetlink, sends the first
  announcement round, starts the flush over each warm router connection and
  sends the round again once a flush went through; then it hands over to the
  whole program, which loads and validates the config again and does the
  rest (background announcer, duplicate check, fallbacks, state, exit code);
* ``down`` likewise stops the background announcer and removes the VIP, so
  that the old holder stops answering for it as the new one announces it;
* after either, the rest of the run is niced (``NICE_AFTER``): the VIP is
  taken, and what is left is bookkeeping and fallbacks that must not take the
  CPU from the SIP Server taking over (the warm flushes it started keep the
  normal priority);
* otherwise (no copy, a changed config, a contended lock, ``split_brain:
  refuse``, any error) it does nothing and the whole program does all of it.

Python 3.8+ standard library only; installed on SIP hosts with the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import marshal
import os
import time

from ansible_collections.sipha.network.plugins.module_utils._model import vip_defaults
from ansible_collections.sipha.network.plugins.module_utils._vip import arp
from ansible_collections.sipha.network.plugins.module_utils._vip import lock
from ansible_collections.sipha.network.plugins.module_utils._vip import netlink as nl
from ansible_collections.sipha.network.plugins.module_utils._vip.cli import Options
from ansible_collections.sipha.network.plugins.module_utils._vip.spawn import Spawned, collect

TYPE_CHECKING = False
if TYPE_CHECKING:
    import typing as t

__all__ = ["CACHED_FIELDS", "CACHE_FORMAT", "CACHE_NAME", "Head", "IFF_UP", "NICE_AFTER", "REAP_BOUND_S", "RUN_DIR",
           "SIGTERM", "announcer_pid", "announcer_pidfile", "identity", "nic_state", "recall", "recall_file",
           "remember", "round_frames", "start_warm_flushes", "stop_announcer", "take", "take_down"]

RUN_DIR = vip_defaults.RUN_DIR
CACHE_NAME = "validated"
CACHE_FORMAT = 1
EEXIST, EADDRNOTAVAIL = 17, 99
#: the NIC flag a usable SIP NIC has (IFF_UP: administratively up)
IFF_UP = 0x1
SIGTERM = 15
#: the niceness of the rest of a run once its fast path has acted: the bookkeeping must not take the CPU from
#: the SIP Server that just became primary, nor from the routers' and clients' first packets
NICE_AFTER = 10
#: how long a flush whose output has ended may take to become reapable before it counts as not done yet
REAP_BOUND_S = 0.02
#: what the fast path needs of the config, in the validated copy
CACHED_FIELDS = ("vip", "prefix", "interface", "label", "split_brain", "directed_arp", "run_dir", "arp_targets",
                 "warm_flush", "hedge_ms")


def round_frames(mac: bytes, vip: str, arp_targets: t.Sequence[str], directed_arp: bool,
                 options: Options) -> t.List[t.Tuple[str, bytes]]:
    """One announcement round as configured, less what the drill switches turn off."""
    if options.no_announce:
        return []
    return arp.announcements(mac, vip, arp_targets, garp=not options.no_garp, replies=not options.garp_once,
                             directed=directed_arp and not options.no_directed and not options.garp_once)


# The validated copy -----------------------------------------------------------------------------
def identity(stat: os.stat_result) -> t.Tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def remember(config_path: str, stat: os.stat_result, values: t.Mapping[str, t.Any]) -> bool:
    """Keep the validated values of the config file read with ``stat``; False if nothing was written
    (not root, or the same copy is there already)."""
    if os.geteuid() != 0:
        return False
    os.makedirs(values["run_dir"], mode=0o700, exist_ok=True)
    entry = {"format": CACHE_FORMAT, "config": os.path.abspath(config_path), "identity": identity(stat)}
    entry.update((field, values[field]) for field in CACHED_FIELDS)
    path = os.path.join(values["run_dir"], CACHE_NAME)
    if recall_file(path) == entry:
        return False
    # never on the fast path (the whole program calls this): durable's tempfile costs imports
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.sipha.network.plugins.module_utils._vip import durable
    durable.replace(path, marshal.dumps(entry), 0o600)
    return True


def recall_file(path: str) -> t.Optional[t.Dict[str, t.Any]]:
    """The copy at ``path`` if it is this user's own, writable by nobody else, and readable."""
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_uid != os.geteuid() or stat.st_mode & 0o022:
                return None
            entry = marshal.load(handle)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return entry if isinstance(entry, dict) and entry.get("format") == CACHE_FORMAT else None


def recall(config_path: str, run_dir: str) -> t.Optional[t.Dict[str, t.Any]]:
    """The validated copy of ``config_path`` if the file is still the one that was validated."""
    entry = recall_file(os.path.join(run_dir, CACHE_NAME))
    if entry is None or entry.get("config") != os.path.abspath(config_path):
        return None
    try:
        if identity(os.stat(config_path)) != tuple(entry["identity"]):
            return None
    except OSError:
        return None
    return entry


def start_warm_flushes(routers: t.Sequence[t.Mapping[str, t.Any]]) -> t.Dict[str, t.Tuple[Spawned, float]]:
    """The flush of every router that has a warm connection, started now; name -> (child, start time).
    A router without one, or whose ssh cannot be started, is left to the whole program."""
    started: t.Dict[str, t.Tuple[Spawned, float]] = {}
    for router in routers:
        if os.path.exists(router["control_path"]):
            try:
                started[router["name"]] = (Spawned(router["argv"]), time.monotonic())
            except OSError:
                continue
    return started


def nic_state(interface: str) -> str:
    """``up``, ``administratively down`` or ``missing``: the NIC's flags from sysfs, with no import (an os.read,
    on the fast path before the add: a VIP added to a down NIC cannot be announced)."""
    try:
        fd = os.open("/sys/class/net/%s/flags" % interface, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return "missing"
    try:
        flags = int(os.read(fd, 64).strip() or b"0", 16)
    except (OSError, ValueError):
        return "missing"
    finally:
        os.close(fd)
    return "up" if flags & IFF_UP else "administratively down"


# The background announcer of the last up (its pid file in run_dir) -------------------------------
def announcer_pidfile(run_dir: str) -> str:
    return os.path.join(run_dir, "announcer.pid")


def announcer_pid(run_dir: str) -> t.Optional[int]:
    """The running announcer's pid, if the pid file names a live ``sipha-vip _announce``."""
    try:
        with open(announcer_pidfile(run_dir), encoding="utf-8") as handle:
            pid = int(handle.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            cmdline = handle.read().split(b"\0")
        return pid if b"_announce" in cmdline else None
    except (OSError, ValueError):
        return None


def stop_announcer(run_dir: str) -> bool:
    pid = announcer_pid(run_dir)
    if pid is None:
        return False
    try:
        os.kill(pid, SIGTERM)
    except ProcessLookupError:
        return False
    return True


# The fast paths of up and down --------------------------------------------------------------------------------
class Head:
    """What the fast path did before handing over: the lock it holds, the VIP, the first round."""

    def __init__(self, lock_fd: int, lock_epoch: float, t0: float) -> None:
        self.lock_fd = lock_fd
        self.lock_epoch = lock_epoch
        self.t0 = t0
        self.added = False
        self.removed = False
        self.link: t.Optional[arp.ArpLink] = None
        self.first_epoch: t.Optional[float] = None
        self.sent: t.Optional[t.List[str]] = None   # None: the first round is still to be sent
        self.early: t.Dict[str, t.Tuple[Spawned, float]] = {}   # flushes started over warm connections
        self.reannounced: t.Set[str] = set()   # routers whose flush went through before the round was resent
        self.steps: t.List[t.Dict[str, t.Any]] = []

    def step(self, name: str, detail: str = "", **extra: t.Any) -> None:
        self.steps.append(dict({"step": name, "ms": round((time.monotonic() - self.t0) * 1000.0, 1)},
                               **({"detail": detail} if detail else {}), **extra))


def _acted(options: Options, t0: float, run_dir: str, up: bool,
           act: t.Callable[[t.Dict[str, t.Any], Head], int],
           done: t.Tuple[int, ...],
           given: t.Optional[t.Dict[str, t.Any]] = None) -> t.Optional[t.Tuple[t.Dict[str, t.Any], Head, int]]:
    """With the validated copy (``given``, or the one of the config as it is) and the lock (taken without
    waiting), ``act``; its errno must be in ``done``. Returns the copy, a Head holding the lock and the
    errno, or None with the lock free again."""
    head = None
    try:
        entry = recall(options.config, run_dir) if given is None else given
        if entry is None or (up and (entry["split_brain"] != "proceed" or nic_state(entry["interface"]) != "up")):
            return None   # the whole program refuses a down or missing NIC, naming it
        fd = lock.acquire(entry["run_dir"])   # contended: the whole program waits for it
        if fd is None:
            return None
        head = Head(fd, time.time(), t0)
        head.step("start", "sipha-vip %s (pid %d), fast path" % (options.command, os.getpid()))
        head.step("lock")
        code = act(entry, head)
        if code not in done:
            raise OSError(code, os.strerror(code))
    except (OSError, KeyError, TypeError, ValueError):
        if head is not None:
            lock.release(head.lock_fd)
        return None
    return entry, head, code


def take(options: Options, t0: float, run_dir: str,
         entry: t.Optional[t.Dict[str, t.Any]] = None) -> t.Optional[Head]:
    """``up``: lock, add the VIP, send the first round and start the warm flushes from the validated copy
    (``entry``: this one, whatever the config file is now); None if it was not done (then nothing was
    changed and the lock is free again)."""
    acted = _acted(options, t0, run_dir, True, lambda entry, head: nl.add_address(
        entry["interface"], entry["vip"], entry["prefix"], entry["label"]), (0, EEXIST), entry)
    if acted is None:
        return None
    entry, head, code = acted
    head.added = code == 0
    head.step("vip added" if head.added else "vip already held",
              "%s/%d dev %s" % (entry["vip"], entry["prefix"], entry["interface"]))
    try:
        # kept open for the whole program: closing a packet socket waits for an RCU grace period (~15 ms)
        head.link = arp.ArpLink(entry["interface"])
        frames = round_frames(head.link.mac, entry["vip"], entry["arp_targets"], entry["directed_arp"], options)
        head.first_epoch = head.link.send(frames)
        head.sent = [name for name, _frame in frames]
    except (OSError, KeyError, TypeError, ValueError):
        return head   # the whole program sends the first round
    if frames:
        head.step("first announcement sent", ", ".join(head.sent), epoch=head.first_epoch)
    if not options.no_flush and not options.fresh:
        head.early = start_warm_flushes(entry["warm_flush"])
        if head.early:
            head.step("router flush started", "%s over warm connections" % ", ".join(sorted(head.early)))
            # wait for them here, bounded by the hedge: they are done in ~15 ms, and the rest of the
            # program's imports would only compete with them for the CPU
            collect([child for child, _started in head.early.values()], entry["hedge_ms"] / 1000.0)
            flushed = {name for name, (child, _s) in head.early.items()
                       if child.ended is not None and child.exit_code(REAP_BOUND_S) == 0}
            if frames and flushed:
                # a flushed router asks who has the VIP at its next packet; while the old holder still has
                # it, either may answer first. Announce again: the router learns this host now.
                try:
                    head.link.send(frames)
                    head.reannounced = flushed
                    head.step("announced again after the flush")
                except OSError:
                    pass   # the whole program sends it again after these flushes
    return head


def _give_up(entry: t.Dict[str, t.Any], head: Head) -> int:
    if stop_announcer(entry["run_dir"]):
        head.step("background announcer stopped")
    return nl.delete_address(entry["interface"], entry["vip"], entry["prefix"])


def take_down(options: Options, t0: float, run_dir: str) -> t.Optional[Head]:
    """``down``: lock, stop the background announcer, remove the VIP from the validated copy; None if not done.
    Fast so that the old holder stops answering for the VIP while the new one announces it."""
    acted = _acted(options, t0, run_dir, False, _give_up, (0, EADDRNOTAVAIL))
    if acted is None:
        return None
    entry, head, code = acted
    head.removed = code == 0
    head.step("vip removed" if head.removed else "vip was not held", "%s/%d" % (entry["vip"], entry["prefix"]))
    return head
