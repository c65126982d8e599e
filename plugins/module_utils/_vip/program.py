# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sipha-vip: the VIP takeover program the management layer runs on each SIP host at a role change.

    sipha-vip up        take the VIP: lock, duplicate check, add, announce, flush every router
    sipha-vip down      give the VIP up (idempotent)
    sipha-vip status    JSON: held or not, last takeover's timings, per-router flush results
    sipha-vip refresh   re-announce while holding the VIP; keep the router connections warm; write the
                        health metrics for node_exporter (monitor.textfile)
    sipha-vip disconnect  close the warm router connections (after a key or config change)
    sipha-vip check     health check as a monitoring plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; one
                        status line with performance data, then one line per finding; --json: every fact)
    sipha-vip probe     JSON: can this host log in to every router over the flush account now (a harmless
                        show of the VIP's entry; exit 1 when a router cannot be reached or refuses)

Exit codes (one table in docs/sip_vip.md): 0 done (``up``: the VIP is held and announced, even if a
router, the background announcer or a later step failed, which is reported); 1 the VIP could not be
added or removed (``up``: the SIP NIC is down or missing, refused before the add; or the first
announcement failed and the VIP was removed again); 2 bad config or usage; 3 ``up`` refused because
another host answers for the VIP (split_brain: refuse); 4 another run held the lock past lock_timeout_ms.
``check`` exits with its monitoring-plugin state instead.

Each step is logged with its time in ms since the program started, to stderr and syslog.
Python 3.8+ standard library only.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._vip import arp
from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._vip import fast
from ansible_collections.sipha.network.plugins.module_utils._vip import flush as vf
from ansible_collections.sipha.network.plugins.module_utils._vip import lock
from ansible_collections.sipha.network.plugins.module_utils._vip import monitor
from ansible_collections.sipha.network.plugins.module_utils._model import health
from ansible_collections.sipha.network.plugins.module_utils._vip import netlink as nl
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._vip.cli import DEFAULT_CONFIG, Options, UsageError
from ansible_collections.sipha.network.plugins.module_utils._vip import durable
from ansible_collections.sipha.network.plugins.module_utils._vip.durable import private_open
from ansible_collections.sipha.network.plugins.module_utils._vip.spawn import SAFE_PATH, collect

__all__ = ["COMMANDS", "ConfigProblem", "Host", "LOG_INFO", "LOG_WARNING", "Log", "REPROBE_PAUSE_S", "SAVED", "TERMINABLE",
           "SYSLOG_PATH", "Syslog", "TakeoverError", "Terminated", "after_add", "announce_schedule", "announcer_flags",
           "assess", "clear_vip", "cmd_announce", "cmd_check", "cmd_disconnect", "cmd_down", "cmd_refresh", "cmd_status",
           "cmd_up", "config_against_host", "fast_values", "frames_for", "health_record", "log_flush", "main",
           "print_record", "read_config", "refuse_duplicate", "refuse_unusable_nic", "remember_locked", "rest_of_up",
           "run", "save_record", "take_and_announce", "terminated", "up_from_copy", "usage", "withdraw",
           "write_metrics", "write_out"]

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_DUPLICATE, EXIT_LOCK = 0, 1, 2, 3, 4
#: how long a run that does not hold the lock any more waits for it to save its record
SAVE_LOCK_WAIT_MS = 200
#: split_brain: refuse - the pause between two duplicate probes while another host still answers
REPROBE_PAUSE_S = 0.05


class TakeoverError(Exception):
    """A run that failed; ``extra``: what the record must say of the VIP's state (``held``, ``removed_again``)."""

    def __init__(self, message: str, code: int = EXIT_FAILED, extra: t.Optional[t.Dict[str, t.Any]] = None) -> None:
        super().__init__(message)
        self.code = code
        self.extra = extra or {}


#: syslog(3)'s socket, its facility (daemon) and severities, and the longest line sent (the rest is cut)
SYSLOG_PATH = "/dev/log"
LOG_DAEMON, LOG_WARNING, LOG_INFO = 3 << 3, 4, 6
SYSLOG_MAX = 2048


class Syslog:
    """Lines for the journal as syslog(3) sends them (RFC 3164 datagrams on /dev/log), but never waiting.

    syslog(3) sends on a blocking socket: when the journal stops reading, its queue fills (10 datagrams)
    and the takeover would stop in the middle of a step. This socket is non-blocking: a line that does not
    fit is dropped at once and counted (``dropped``, in the run's record); the takeover goes on."""

    def __init__(self, ident: str, path: str = SYSLOG_PATH) -> None:
        self.ident = ident
        self.path = path
        self.dropped = 0      # lines the journal did not take (its queue full, or gone since)
        self.sock: t.Optional[socket.socket] = None
        self.missing = not self._connect()   # no journal at all (no /dev/log): nothing is sent, as syslog(3)

    def _connect(self) -> bool:
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK)
        except OSError:
            return False
        try:
            sock.connect(self.path)
        except OSError:
            sock.close()
            return False
        self.sock = sock
        return True

    def send(self, severity: int, line: str) -> bool:
        """One line; False when it was dropped: no journal, or its queue is full (counted)."""
        if self.missing:
            return False
        data = ("<%d>%s %s[%d]: %s" % (LOG_DAEMON | severity, time.strftime("%b %e %H:%M:%S"), self.ident,
                                       os.getpid(), line)).encode("utf-8", "replace")[:SYSLOG_MAX]
        for _attempt in range(2):
            if self.sock is None and not self._connect():
                break
            try:
                self.sock.send(data)   # type: ignore[union-attr]
                return True
            except BlockingIOError:
                break              # the journal is behind: drop this line rather than wait for it
            except OSError:        # the journal restarted (ECONNREFUSED, ENOTCONN): connect again once
                self.close()
        self.dropped += 1
        return False

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def write_out(name: str, text: str) -> bool:
    """Write to sys.stdout or sys.stderr (``name``); False when it is closed or broken (None, EPIPE, EIO).

    A broken stream is replaced by None, so that Python's flush at exit does not fail again and turn the
    program's exit code into 120: what was written there is lost, the takeover and its record are not."""
    try:
        stream = getattr(sys, name)
        stream.write(text)
        stream.flush()
        return True
    except (AttributeError, OSError, ValueError):   # None, EPIPE / EIO, or closed
        setattr(sys, name, None)
        return False


class Log:
    """Steps with their time since the program started; each goes to stderr and syslog at once.

    Neither can stop the run: stderr that is closed or broken is given up (``stderr_lost``), and syslog
    drops what the journal cannot take at once (``Syslog``)."""

    def __init__(self, command: str, t0: float, quiet: bool = False, syslog_path: str = SYSLOG_PATH) -> None:
        self.command = command
        self.t0 = t0
        self.quiet = quiet
        self.stderr_lost = False
        self.steps: t.List[t.Dict[str, t.Any]] = []
        self.syslog = Syslog("sipha-vip", syslog_path)

    def ms(self) -> float:
        return round((time.monotonic() - self.t0) * 1000.0, 1)

    def step(self, name: str, detail: str = "", warning: bool = False, **extra: t.Any) -> float:
        elapsed = self.ms()
        self._emit(dict({"step": name, "ms": elapsed}, **({"detail": detail} if detail else {}), **extra), warning)
        return elapsed

    def replay(self, steps: t.Sequence[t.Dict[str, t.Any]]) -> None:
        """Log steps that were taken before this log existed (the fast path's), with their own times."""
        for entry in steps:
            self._emit(dict(entry))

    def _emit(self, entry: t.Dict[str, t.Any], warning: bool = False) -> None:
        self.steps.append(entry)
        line = "%s: +%.1f ms %s%s" % (self.command, entry["ms"], entry["step"],
                                      ": " + entry["detail"] if entry.get("detail") else "")
        self.syslog.send(LOG_WARNING if warning else LOG_INFO, line)
        if not self.quiet and not self.stderr_lost:
            if not write_out("stderr", "sipha-vip %s%s\n" % ("WARNING " if warning else "", line)):
                self.stderr_lost = True
                self.syslog.send(LOG_WARNING, "%s: stderr is closed or broken; logging to syslog only"
                                 % self.command)

    def health(self) -> t.Dict[str, t.Any]:
        """What the record says of the log itself: lines stderr or syslog did not take."""
        return dict(({"stderr_lost": True} if self.stderr_lost else {}),
                    **({"syslog_dropped": self.syslog.dropped} if self.syslog.dropped else {}))


def run(argv: t.List[str], timeout: float = 10.0) -> subprocess.CompletedProcess:
    return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, check=False, universal_newlines=True)


def _whole_json(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8"))
    except ValueError:
        return False
    return True


class Host:
    """This SIP host's side: the VIP on the NIC, the lock, the state file."""

    def __init__(self, config: vc.VipConfig) -> None:
        self.config = config
        self.lock_fd: t.Optional[int] = None
        self.state_error: t.Optional[str] = None

    def nic_exists(self) -> bool:
        return os.path.isdir("/sys/class/net/%s" % self.config.interface)

    def vip_addresses(self) -> t.List[str]:
        """Every address of the NIC that is the VIP, whatever its prefix (``A/P``; the config's or one added by
        hand): the kernel removes an address only with its own prefix."""
        shown = run(self.config.addr_show_argv())
        if shown.returncode != 0:
            raise TakeoverError("cannot read the addresses of %s: %s" % (self.config.interface, shown.stderr.strip()))
        found = []
        for line in shown.stdout.splitlines():
            fields = line.split()
            if len(fields) > 3 and fields[2] == "inet" and fields[3].split("/")[0] == self.config.vip:
                found.append(fields[3])
        return found

    def held(self) -> bool:
        return bool(self.vip_addresses())

    def add(self) -> bool:
        """Add the VIP (rtnetlink, as ``ip address add`` does); False if it was there already."""
        code = nl.add_address(self.config.interface, self.config.vip, self.config.prefix, self.config.label)
        if code in (0, fast.EEXIST):
            return code == 0
        raise TakeoverError("could not add %s on %s: %s" % (self.config.cidr, self.config.interface,
                                                            os.strerror(code)))

    def remove(self) -> bool:
        """Remove the VIP; False if it was not there."""
        code = nl.delete_address(self.config.interface, self.config.vip, self.config.prefix)
        if code in (0, fast.EADDRNOTAVAIL):
            return code == 0
        raise TakeoverError("could not remove %s from %s: %s" % (self.config.cidr, self.config.interface,
                                                                 os.strerror(code)))

    def prepare_dirs(self) -> None:
        for path in (self.config.run_dir, self.config.state_dir):
            os.makedirs(path, mode=0o700, exist_ok=True)

    def lock(self, timeout_ms: int, wait: bool = True) -> bool:
        """Take the takeover lock, waiting at most ``timeout_ms`` (not at all unless ``wait``); False if not taken."""
        self.lock_fd = lock.acquire(self.config.run_dir, timeout_ms / 1000.0 if wait else 0.0)
        return self.lock_fd is not None

    def unlock(self) -> None:
        lock.release(self.lock_fd)
        self.lock_fd = None

    def state_path(self) -> str:
        return os.path.join(self.config.state_dir, "state.json")

    def state(self) -> t.Dict[str, t.Any]:
        """The records of the last runs; {} when there are none yet, or when the file is torn (then
        ``state_error`` says so, naming the file, and the next save starts it anew)."""
        self.state_error = None
        try:
            data = json.loads(durable.read_whole(self.state_path(), _whole_json))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            self.state_error = str(error) if isinstance(error, durable.TornFile) else \
                "%s cannot be read: %s" % (self.state_path(), error)
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, key: str, record: t.Dict[str, t.Any]) -> None:
        """Keep ``record`` as ``key`` in the state file, durably; the caller holds the takeover lock."""
        data = self.state()
        data[key] = record
        durable.replace(self.state_path(), json.dumps(data, indent=2, sort_keys=True).encode("utf-8"), 0o640)

    # the background announcer (second burst) --------------------------------------------
    def _pidfile(self) -> str:
        return fast.announcer_pidfile(self.config.run_dir)

    def announcer_pid(self) -> t.Optional[int]:
        return fast.announcer_pid(self.config.run_dir)

    def stop_announcer(self) -> bool:
        return fast.stop_announcer(self.config.run_dir)

    def start_announcer(self, config_path: str, flags: t.List[str]) -> int:
        program = os.path.abspath(sys.argv[0])
        child = subprocess.Popen([sys.executable, "-I", "-S", program, "--config", config_path, "_announce"] + flags,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 close_fds=True, start_new_session=True)
        with open(private_open(self._pidfile()), "w", encoding="utf-8") as handle:
            handle.write("%d\n" % child.pid)
        return child.pid


def announce_schedule(garp: t.Mapping[str, int]) -> t.List[int]:
    """Offsets (ms after the first announcement) of the rounds the background announcer sends:
    the rest of the first burst, then a second burst after repeat_after_ms."""
    offsets = [garp["interval_ms"] * index for index in range(1, garp["count"])]
    if garp["repeat_after_ms"]:
        offsets += [garp["repeat_after_ms"] + garp["interval_ms"] * index for index in range(garp["count"])]
    return offsets


def frames_for(config: vc.VipConfig, mac: bytes, options: Options) -> t.List[t.Tuple[str, bytes]]:
    return fast.round_frames(mac, config.vip, [router.arp_target for router in config.routers],
                             config.directed_arp, options)


def announcer_flags(options: Options) -> t.List[str]:
    return [flag for flag, on in (("--no-garp", options.no_garp), ("--no-directed", options.no_directed)) if on]


def refuse_unusable_nic(config: vc.VipConfig) -> None:
    """Before the add: a VIP on a down or missing NIC cannot be announced, and would be left there."""
    state = fast.nic_state(config.interface)
    if state != "up":
        raise TakeoverError("refused: interface %s is %s; the VIP was not added (bring %s up, or fix "
                            "interface in the config, then run up again)" % (config.interface, state, config.interface))


def withdraw(config: vc.VipConfig, host: Host, log: Log, record: t.Dict[str, t.Any], error: OSError) -> None:
    """The VIP is on the NIC but cannot be announced: remove it again and fail (exit 1, not held)."""
    try:
        code = nl.delete_address(config.interface, config.vip, config.prefix)
        why = os.strerror(code)
    except OSError as gone:   # the kernel could not be asked: the VIP is still there
        code, why = -1, str(gone)
    record["held"] = code not in (0, fast.EADDRNOTAVAIL)
    record["removed_again"] = not record["held"]
    if record["held"]:
        raise TakeoverError("the first announcement failed (%s) and %s could not be removed again (%s): it is "
                            "held, unannounced; remove it (ip -4 address del %s dev %s)" % (
                                error, config.cidr, why, config.cidr, config.interface),
                            extra={"held": True, "removed_again": False})
    log.step("vip removed again", "%s dev %s: it could not be announced" % (config.cidr, config.interface),
             warning=True)
    raise TakeoverError("the first announcement on %s failed (%s): %s was removed again, not held"
                        % (config.interface, error, config.cidr), extra={"held": False, "removed_again": True})


def after_add(log: Log, record: t.Dict[str, t.Any], what: str, error: Exception) -> None:
    """A failure once the VIP is held and announced: reported (record, stderr, syslog); the exit stays 0."""
    record.setdefault("errors_after_add", []).append("%s: %s" % (what, error))
    log.step("%s failed" % what, "%s; the VIP is held and announced" % error, warning=True)


def cmd_up(config: vc.VipConfig, host: Host, log: Log, options: Options) -> t.Dict[str, t.Any]:
    record: t.Dict[str, t.Any] = {"command": "up", "vip": config.cidr, "interface": config.interface,
                                  "started_epoch": options.e0, "routers": [], "other_holders": []}
    head: t.Optional[fast.Head] = getattr(options, "head", None)
    host.prepare_dirs()
    if head is None:
        refuse_unusable_nic(config)
        if not host.lock(config.lock_timeout_ms):
            raise TakeoverError("another sipha-vip run held the lock for more than %d ms"
                                % config.lock_timeout_ms, EXIT_LOCK)
        record["lock_acquired_epoch"] = time.time()
        log.step("lock")
    else:   # the fast path holds the lock and has added the VIP
        host.lock_fd = head.lock_fd
        record["lock_acquired_epoch"] = head.lock_epoch
    record["fast_path"] = head is not None
    try:
        try:
            link = head.link if head is not None and head.link is not None else arp.ArpLink(config.interface)
        except OSError as error:
            if head is not None:   # added by the fast path, and no socket to announce it
                withdraw(config, host, log, record, error)
            raise
        with link:
            take_and_announce(config, host, log, options, record, head, link)
    finally:
        record["lock_released_epoch"] = time.time()   # main releases it once the record is saved
    record["routers_failed"] = [result["name"] for result in record["routers"] if not result["ok"]]
    record["held"] = True
    return record


def take_and_announce(config: vc.VipConfig, host: Host, log: Log, options: Options, record: t.Dict[str, t.Any],
                      head: t.Optional[fast.Head], link: arp.ArpLink) -> None:
    """Add the VIP (unless the fast path did), the first round (the VIP removed again if it fails), the rest."""
    record["mac"] = arp.mac_text(link.mac)
    frames = frames_for(config, link.mac, options)
    if head is not None:
        record["added"] = head.added
    else:
        if config.split_brain == "refuse":
            refuse_duplicate(config, link, log, record)
        record["added"] = host.add()
        log.step("vip added" if record["added"] else "vip already held", "%s dev %s" % (config.cidr, config.interface))
    if head is not None and head.sent is not None:
        record["first_announcement_epoch"] = head.first_epoch
    else:
        try:
            record["first_announcement_epoch"] = link.send(frames)
        except OSError as error:
            withdraw(config, host, log, record, error)
        if frames:
            log.step("first announcement sent", ", ".join(name for name, _f in frames),
                     epoch=record["first_announcement_epoch"])
    try:
        host.stop_announcer()
        if frames and not options.garp_once and announce_schedule(config.garp):
            host.start_announcer(options.config, announcer_flags(options))
    except OSError as error:
        after_add(log, record, "background announcer", error)
    rest_of_up(config, log, options, record, head, link, frames)


def refuse_duplicate(config: vc.VipConfig, link: arp.ArpLink, log: Log, record: t.Dict[str, t.Any]) -> None:
    """``split_brain: refuse``: probe, and while another host answers re-probe, for at most
    ``split_brain_grace_ms`` (the old primary's ``down`` may be running right now); then exit 3."""
    deadline = time.monotonic() + config.split_brain_grace_ms / 1000.0
    probes = 1
    record["other_holders"] = link.other_holders(config.vip, config.probe_ms, first=True)
    while record["other_holders"] and time.monotonic() < deadline:
        time.sleep(max(0.0, min(REPROBE_PAUSE_S, deadline - time.monotonic())))
        record["other_holders"] = link.other_holders(config.vip, config.probe_ms, first=True)
        probes += 1
    record["duplicate_probes"] = probes
    holders = ", ".join(record["other_holders"])
    log.step("duplicate check", "other holders: %s (%d probes)" % (holders or "none", probes), warning=bool(holders))
    if holders:
        raise TakeoverError("refused: %s still answers for %s after %d probes in %d ms (split_brain: refuse, "
                            "split_brain_grace_ms); the VIP was not added" % (
                                holders, config.vip, probes, config.split_brain_grace_ms), EXIT_DUPLICATE,
                            extra={"held": False, "other_holders": record["other_holders"], "duplicate_probes": probes})


def rest_of_up(config: vc.VipConfig, log: Log, options: Options, record: t.Dict[str, t.Any],
               head: t.Optional[fast.Head], link: arp.ArpLink, frames: t.List[t.Tuple[str, bytes]]) -> None:
    """Once the VIP is held and announced: the duplicate check (proceed), the flushes, the repeated rounds;
    a failure here is reported (``after_add``), never an exit 1."""
    probe = None
    if config.split_brain == "proceed":   # the duplicate check runs beside the flush, off the critical path
        def check() -> None:
            try:
                record["other_holders"] = link.other_holders(config.vip, config.probe_ms)
            except OSError as error:
                after_add(log, record, "duplicate check", error)
        probe = threading.Thread(target=check, daemon=True)
        probe.start()
    if config.flush["enabled"] and config.routers and not options.no_flush:
        early = sorted(head.early) if head is not None else []
        log.step("router flush" if early else "router flush started", "%d routers, %s%s" % (
            len(config.routers), "fresh" if options.fresh or not config.flush["warm"] else "warm if ready",
            "; %s started by the fast path" % ", ".join(early) if early else ""))
        seen = head.reannounced if head is not None else set()

        def flushed(result: t.Dict[str, t.Any]) -> None:
            log_flush(log, result)
            if frames and result.get("ok") and result["name"] not in seen:
                # as the fast path does: the flushed router asks who has the VIP at its next
                # packet, and the old holder may still answer - it learns this host now
                try:
                    link.send(frames)
                    log.step("announced again after the flush", result["name"])
                except OSError as error:
                    after_add(log, record, "announcement after the flush of %s" % result["name"], error)

        try:
            record["routers"] = vf.flush_all(config, config.flush["warm"] and not options.fresh, log.t0,
                                             flushed, early=head.early if head is not None else None)
        except (OSError, subprocess.SubprocessError) as error:
            after_add(log, record, "router flush", error)
    if probe is not None:
        probe.join()
        if record["other_holders"]:
            log.step("split brain", "%s also answers for %s; announced anyway (split_brain: proceed)"
                     % (", ".join(record["other_holders"]), config.vip), warning=True)


def fast_values(config: vc.VipConfig) -> t.Dict[str, t.Any]:
    """What the fast path of ``up`` needs of a validated config (``_vip_fast.CACHED_FIELDS``)."""
    values = {field: getattr(config, field) for field in fast.CACHED_FIELDS if hasattr(config, field)}
    values["arp_targets"] = [router.arp_target for router in config.routers]
    values["warm_flush"] = [
        {"name": router.name, "control_path": config.control_path(router),
         "argv": config.ssh_argv(router, "warm", router.target.flush_request())}
        for router in config.routers if router.warm] if config.flush["enabled"] and config.flush["warm"] else []
    values["hedge_ms"] = config.flush["hedge_ms"]
    return values


def log_flush(log: Log, result: t.Dict[str, t.Any]) -> None:
    if result["ok"]:
        log.step("router %s flushed" % result["name"], "%s ms via %s, done at +%s ms" % (
            result["took_ms"], result["via"], result["done_ms"]))
    else:
        log.step("router %s NOT flushed" % result["name"], result["error"], warning=True)


def clear_vip(config: vc.VipConfig, host: Host, log: Log) -> t.List[str]:
    """After the VIP/prefix was removed (or was not there), under the lock: the VIP under any other prefix
    goes too, so that only one host answers for it; the ones removed. Exit 1 if any is still there."""
    removed = []
    for cidr in host.vip_addresses():
        if nl.delete_address(config.interface, config.vip, int(cidr.split("/")[1])) == 0:
            removed.append(cidr)
            log.step("vip removed with another prefix", "%s dev %s (the config says /%d: added by hand?)"
                     % (cidr, config.interface, config.prefix), warning=True)
    left = host.vip_addresses()
    if left:
        raise TakeoverError("the VIP is still on %s as %s after down: both hosts may answer for %s; remove it "
                            "(ip -4 address del %s dev %s)" % (config.interface, ", ".join(left), config.vip,
                                                               left[0], config.interface))
    return removed


def cmd_down(config: vc.VipConfig, host: Host, log: Log, options: Options) -> t.Dict[str, t.Any]:
    record: t.Dict[str, t.Any] = {"command": "down", "vip": config.cidr, "interface": config.interface,
                                  "started_epoch": options.e0, "removed_other_prefix": []}
    head: t.Optional[fast.Head] = getattr(options, "head", None)
    host.prepare_dirs()
    record["fast_path"] = head is not None
    if head is not None:   # the fast path stopped the announcer and removed the VIP, holding the lock
        host.lock_fd = head.lock_fd
        record["removed"] = head.removed
    elif not host.lock(config.lock_timeout_ms):
        raise TakeoverError("another sipha-vip run held the lock for more than %d ms" % config.lock_timeout_ms,
                            EXIT_LOCK)
    # the lock stays held: main releases it once the record is saved
    if head is None:
        log.step("lock")
        if host.stop_announcer():
            log.step("background announcer stopped")
        record["removed"] = host.remove() if host.nic_exists() else False
        log.step("vip removed" if record["removed"] else "vip was not held", config.cidr)
    if host.nic_exists():
        record["removed_other_prefix"] = clear_vip(config, host, log)
        record["removed"] = record["removed"] or bool(record["removed_other_prefix"])
    record["held"] = False
    return record


def cmd_refresh(config: vc.VipConfig, host: Host, log: Log, options: Options) -> t.Dict[str, t.Any]:
    """Re-announce the VIP while held, keep one warm connection per router.

    Its network I/O (the duplicate probe, the routers' connections) runs without the takeover lock, so an up
    or down that arrives meanwhile takes the lock at once and keeps its fast path. Only the announcement is
    sent under the lock, after checking again that the VIP is held: it must never follow a down."""
    record: t.Dict[str, t.Any] = {"command": "refresh", "started_epoch": options.e0}
    host.prepare_dirs()
    record["held"] = host.nic_exists() and host.held()
    if record["held"]:
        with arp.ArpLink(config.interface) as link:
            # A holder cut off from the management layer must not win the routers back every interval
            # from the new primary: when another host answers for the VIP, say so and stay quiet.
            record["other_holders"] = link.other_holders(config.vip, config.probe_ms, first=True)
            if record["other_holders"]:
                log.step("split brain", "%s also answers for %s; not re-announcing (the last up wins; "
                         "reconcile the pair)" % (", ".join(record["other_holders"]), config.vip), warning=True)
            elif not host.lock(0, wait=False):
                log.step("busy", "an up or down is running; it announces for itself; not re-announced")
                record["busy"] = True
            else:
                try:
                    record["held"] = host.held()
                    if record["held"]:
                        link.send(frames_for(config, link.mac, options))
                        log.step("re-announced", config.vip)
                finally:
                    host.unlock()
    if config.flush["enabled"] and config.flush["warm"] and config.routers:
        record["connections"] = vf.ensure_masters(config)
        for entry in record["connections"]:
            if entry.get("busy"):
                log.step("router %s" % entry["name"], "another refresh is starting the warm connections")
            elif entry.get("cold"):
                log.step("router %s fresh only" % entry["name"], entry["cold"])
            elif not entry["warm"]:
                log.step("router %s not warm" % entry["name"], entry.get("error", ""), warning=True)
    write_metrics(config, host, log, record)
    return record


def write_metrics(config: vc.VipConfig, host: Host, log: Log, record: t.Dict[str, t.Any]) -> None:
    """The refresh's last step: the health check's facts as node_exporter's textfile (monitor.textfile), where
    its directory exists. A holder's refresh has just probed for other holders: that answer is used."""
    path = config.monitor.textfile
    if not path or not os.path.isdir(os.path.dirname(path)):
        return
    try:
        facts, findings = assess(config, host, record.get("other_holders") if record["held"] else None)
        monitor.write_textfile(path, facts, findings)
    except (OSError, ValueError, subprocess.SubprocessError) as error:
        log.step("metrics not written", "%s: %s" % (path, error), warning=True)
        return
    state = health.overall(findings)
    record["metrics"] = {"path": path, "state": state}
    log.step("metrics written", "%s (%s)" % (path, health.NAMES[state]))


def cmd_announce(config: vc.VipConfig, host: Host, log: Log, options: Options) -> t.Dict[str, t.Any]:
    """The background announcer started by ``up``: the rest of the bursts, while the VIP is held."""
    sent = 0
    start = time.monotonic()
    with arp.ArpLink(config.interface) as link:
        frames = frames_for(config, link.mac, options)
        for offset in announce_schedule(config.garp):
            delay = start + offset / 1000.0 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if not host.held():
                log.step("announcer stopped", "the VIP is no longer held")
                break
            link.send(frames)
            sent += 1
    return {"command": "_announce", "rounds": sent}


def cmd_status(config: vc.VipConfig, host: Host, _log: Log, _options: Options) -> t.Dict[str, t.Any]:
    state = host.state()
    exists = host.nic_exists()
    record = {
        "vip": config.vip, "prefix": config.prefix, "interface": config.interface, "interface_exists": exists,
        "held": exists and host.held(), "announcer_running": host.announcer_pid() is not None,
        "warm": {router.name: os.path.exists(config.control_path(router)) for router in config.routers},
        # the ssh sessions this host holds per router for the warm connection (at most one is ever kept)
        "sessions": {router.name: vf.sessions(config, router) for router in config.routers},
        "last_up": state.get("last_up"), "last_down": state.get("last_down"), "last_refresh": state.get("last_refresh"),
    }
    if host.state_error:
        record["state_error"] = host.state_error
    if exists:
        with open("/sys/class/net/%s/address" % config.interface, encoding="utf-8") as handle:
            record["mac"] = handle.read().strip()
    return record


def cmd_disconnect(config: vc.VipConfig, host: Host, log: Log, _options: Options) -> t.Dict[str, t.Any]:
    closed = vf.close_masters(config)
    log.step("closed warm connections", ", ".join(closed) or "none were open")
    return {"command": "disconnect", "closed": closed}


def config_against_host(config: vc.VipConfig, host: Host) -> None:
    """The config against this host: the NIC, the VIP's subnet, the routers' ARP targets, the pinned keys."""
    if not host.nic_exists():
        raise DesignError("interface", "%s does not exist on this host" % config.interface, show_value=False)
    shown = run(["ip", "-4", "-o", "address", "show", "dev", config.interface])
    networks = [line.split()[3] for line in shown.stdout.splitlines() if len(line.split()) > 3]
    try:
        with open(config.flush["known_hosts"], encoding="utf-8") as handle:
            known = handle.read()
    except OSError:
        known = ""
    vc.check_against_host(config, networks, known)


def assess(config: vc.VipConfig, host: Host, probed: t.Optional[t.List[str]] = None,
           fresh: bool = False) -> t.Tuple[t.Dict[str, t.Any], t.List[health.Finding]]:
    """What the health check reads of this host (``facts``), and what the model finds in it."""
    facts = monitor.gather(config, host.state(), probed, fresh=fresh)
    try:
        config_against_host(config, host)
    except (DesignError, OSError, subprocess.SubprocessError) as error:
        facts["config_error"] = str(error)
    return facts, health.judge(facts, monitor.limits(config))


def health_record(config: vc.VipConfig, host: Host, fresh: bool = False) -> t.Dict[str, t.Any]:
    """The check's record: ``facts``, ``findings``, ``state`` and the plugin ``output``."""
    facts, findings = assess(config, host, fresh=fresh)
    return {"command": "check", "facts": facts, "findings": [finding.as_dict() for finding in findings],
            "state": health.overall(findings), "output": health.plugin_output(facts, findings, monitor.limits(config))}


def _check_overrun(bound_ms: int) -> t.Callable[[int, t.Any], None]:
    def overrun(_signum: int, _frame: t.Any) -> None:
        write_out("stdout", "SIPHA-VIP UNKNOWN - the check did not end within %d ms (its bound)\n" % bound_ms)
        os._exit(health.UNKNOWN)   # pylint: disable=protected-access
    return overrun


def cmd_check(config: vc.VipConfig, host: Host, log: Log, options: Options) -> t.Dict[str, t.Any]:
    """The health check, as a monitoring plugin: the VIP held by exactly one host (this host's view and an ARP
    probe), each router flushable now, the designed network present, the marking counters moving, the last
    takeover; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Bounded by monitor.timeout_ms (a timer ends it one
    second after that, whatever it waits for); never takes the takeover lock. ``--fresh``: every router over a
    fresh login (the account itself, not the warm connection)."""
    bound_ms = config.monitor.timeout_ms
    previous = signal.signal(signal.SIGALRM, _check_overrun(bound_ms))
    signal.setitimer(signal.ITIMER_REAL, bound_ms / 1000.0 + 1.0)
    try:
        record = health_record(config, host, fresh=options.fresh)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    log.step("checked", record["output"].splitlines()[0])
    return record


def cmd_probe(config: vc.VipConfig, host: Host, log: Log, _options: Options) -> t.Dict[str, t.Any]:
    if not config.flush["enabled"]:
        return {"command": "probe", "flush_enabled": False, "routers": [], "failed": []}
    routers = vf.probe_all(config)
    for result in routers:
        if not result["ok"]:
            log.step("router %s cannot be flushed from this host" % result["name"], result["error"], warning=True)
    return {"command": "probe", "flush_enabled": True, "routers": routers,
            "failed": [result["name"] for result in routers if not result["ok"]]}


COMMANDS = {"up": cmd_up, "down": cmd_down, "status": cmd_status, "refresh": cmd_refresh, "check": cmd_check,
            "disconnect": cmd_disconnect, "probe": cmd_probe, "_announce": cmd_announce}
SAVED = {"up": "last_up", "down": "last_down", "refresh": "last_refresh"}
#: the commands a SIGTERM ends with a record (``terminated``); the others keep the default (they just end)
TERMINABLE = ("up", "down", "refresh")


def usage() -> str:
    text = __doc__.split("Private module", maxsplit=1)[0].strip() + "\n\nusage: sipha-vip [--config FILE] [switches] COMMAND\n"
    text += "  --config FILE  config file (default %s)\n" % DEFAULT_CONFIG
    return text + "".join("  %-14s %s\n" % item for item in Options.SWITCHES.items()) + \
        "The up switches are for drills and benchmarks, not for production use.\n"


class ConfigProblem(Exception):
    """The config file cannot be used; ``torn``: it is empty, cut short or gone (a write that did not
    finish), so ``up`` may still act on the validated copy."""

    def __init__(self, message: str, torn: bool, readable: bool = True) -> None:
        super().__init__(message)
        self.torn = torn
        self.readable = readable


def read_config(path: str) -> t.Tuple[os.stat_result, vc.VipConfig]:
    """The config file's identity and validated content; ConfigProblem naming the file and the rule."""
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            data = handle.read()
    except OSError as error:
        raise ConfigProblem("%s: %s" % (path, error.strerror), isinstance(error, FileNotFoundError), False)
    if not data.strip():
        raise ConfigProblem("%s is empty (a write that did not finish?)" % path, True)
    if not _whole_json(data):
        raise ConfigProblem("%s is cut short or corrupt: not valid JSON (a write that did not finish?)" % path,
                            True)
    try:
        return stat, vc.parse(data.decode("utf-8"))
    except DesignError as error:
        raise ConfigProblem("%s: %s" % (path, error), False)


def remember_locked(options: Options, stat: os.stat_result, config: vc.VipConfig, log: Log) -> None:
    """Keep the validated copy, under the takeover lock if it is free now (else the next run keeps it)."""
    try:
        os.makedirs(config.run_dir, mode=0o700, exist_ok=True)
        fd = lock.acquire(config.run_dir)
        if fd is None:
            return
        try:
            fast.remember(options.config, stat, fast_values(config))
        finally:
            lock.release(fd)
    except OSError as error:
        log.step("validated copy not kept", str(error), warning=True)


def up_from_copy(options: Options, log: Log, run_dir: str, problem: str) -> t.Optional[t.Dict[str, t.Any]]:
    """``up`` with a torn config: what the validated copy of that file allows (lock, add, first round, the
    warm flushes); None if there is no copy of it or it could not be done."""
    entry = fast.recall_file(os.path.join(run_dir, fast.CACHE_NAME))
    if entry is None or entry.get("config") != os.path.abspath(options.config):
        return None
    head = fast.take(options, log.t0, run_dir, entry=entry)
    if head is None:
        return None
    log.replay(head.steps)
    try:
        children = {name: child for name, (child, _started) in head.early.items()}
        collect(list(children.values()), vc.FLUSH_DEFAULTS["timeout_ms"] / 1000.0)
        flushed = sorted(name for name, child in children.items() if child.exit_code(fast.REAP_BOUND_S) == 0)
        for child in children.values():
            child.kill()
        record = {"command": "up", "vip": "%s/%d" % (entry["vip"], entry["prefix"]), "interface": entry["interface"],
                  "started_epoch": options.e0, "fast_path": True, "from_validated_copy": True,
                  "config_error": problem, "added": head.added, "held": True, "routers_flushed": flushed,
                  "routers_failed": sorted({r["name"] for r in entry["warm_flush"]} - set(flushed))}
    finally:
        if head.link is not None:
            head.link.close()
        lock.release(head.lock_fd)
    log.step("done", "VIP held from the validated copy; %s must be fixed (no bursts, no state record)"
             % options.config, warning=True)
    return record


def save_record(host: Host, log: Log, key: str, record: t.Dict[str, t.Any]) -> None:
    """The run's record in the state file, under the takeover lock (held still, or taken for it briefly)."""
    if host.lock_fd is None and not host.lock(SAVE_LOCK_WAIT_MS):
        log.step("state not saved", "another sipha-vip run holds the lock", warning=True)
        return
    try:
        host.save(key, record)
        if host.state_error:
            log.step("state file started anew", host.state_error, warning=True)
    except OSError as error:
        log.step("state not saved", "%s: %s" % (host.state_path(), error), warning=True)


def print_record(options: Options, log: Log, record: t.Dict[str, t.Any], where: str) -> None:
    if options.command == "check" and not options.json:
        write_out("stdout", record["output"])
        return
    if options.json or options.command in ("status", "probe"):
        text = json.dumps(record, indent=2 if options.command in ("status", "probe") else None, sort_keys=True) + "\n"
        if not write_out("stdout", text):
            log.syslog.send(LOG_WARNING, "%s: stdout is closed or broken; the record is in %s"
                            % (options.command, where))


class Terminated(Exception):
    """SIGTERM arrived while a command ran."""


def _terminate(_signum: int, _frame: t.Any) -> None:
    raise Terminated()


def terminated(options: Options, host: Host, log: Log) -> t.Tuple[t.Dict[str, t.Any], int]:
    """The record and exit code of a command ended by SIGTERM: they say whether the VIP is held now.

    ``up``: 0 when the VIP is held (taken, maybe not flushed everywhere), 1 when it is not; ``down``: 0 when
    it is gone, 1 when it is still held; other commands: 1."""
    held = host.nic_exists() and host.held()
    if options.command == "up":
        code = EXIT_OK if held else EXIT_FAILED
    elif options.command == "down":
        code = EXIT_OK if not held else EXIT_FAILED
    else:
        code = EXIT_FAILED
    log.step("terminated", "SIGTERM during %s; the VIP is %s" % (options.command, "held" if held else "not held"),
             warning=True)
    record = {"command": options.command, "error": "terminated by SIGTERM", "terminated": True, "held": held,
              "started_epoch": options.e0, "fast_path": getattr(options, "head", None) is not None}
    if options.command == "up" and held:
        record["errors_after_add"] = ["terminated by SIGTERM"]
    return record, code


def main(argv: t.Optional[t.List[str]] = None, t0: t.Optional[float] = None, e0: t.Optional[float] = None,
         head: t.Optional[fast.Head] = None, run_dir: str = fast.RUN_DIR) -> int:
    """The whole program; ``head``: what the fast path of ``up`` did already (``_vip.launcher.main``);
    ``run_dir``: where the validated copy is (the installed config's)."""
    t0 = time.monotonic() if t0 is None else t0
    # run as root by the management layer: only the system's own tools (ip, ssh), whatever PATH it had
    os.environ["PATH"] = SAFE_PATH
    try:
        options = Options(sys.argv[1:] if argv is None else argv)
    except UsageError as error:
        write_out("stderr" if error.code else "stdout", ("sipha-vip: %s\n\n" % error if str(error) else "") + usage())
        # a monitoring plugin's usage error is UNKNOWN
        return health.UNKNOWN if error.code and "check" in (sys.argv[1:] if argv is None else argv) else error.code
    if options.command == "_serve":
        write_out("stderr", "sipha-vip: _serve is the standby helper's command (sipha-vip-helper.service), "
                            "run through the installed program only\n")
        return EXIT_CONFIG
    options.e0 = time.time() - (time.monotonic() - t0) if e0 is None else e0
    options.head = head   # type: ignore[attr-defined]
    log = Log(options.command, t0, quiet=options.quiet or options.command in ("status", "probe", "check", "_announce"))
    if head is not None:
        log.replay(head.steps)
        log.step("program loaded")
    else:
        log.step("start", "sipha-vip %s (pid %d)" % (options.command, os.getpid()))
    try:
        stat, config = read_config(options.config)
    except ConfigProblem as problem:
        log.step("config invalid" if problem.readable else "config unreadable", str(problem), warning=True)
        if options.command == "check":
            # a config this account cannot read says nothing of the pair (run the check as root); a missing or bad
            # one means the takeover cannot run
            state = health.UNKNOWN if not problem.readable and not problem.torn else health.CRITICAL
            write_out("stdout", "SIPHA-VIP %s - the takeover program's config cannot be used: %s%s\n" % (
                health.NAMES[state], str(problem).replace("|", "/"),
                " (run the check as root, e.g. through the sudo rule of sip_vip_monitor_user)"
                if state == health.UNKNOWN else ""))
            return state
        record = up_from_copy(options, log, run_dir, str(problem)) \
            if problem.torn and options.command == "up" and head is None else None
        if record is None:
            return EXIT_CONFIG
        record.update(exit=EXIT_OK, steps=log.steps, **log.health())
        print_record(options, log, record, "syslog only (no state without a config)")
        return EXIT_OK
    if head is None:
        remember_locked(options, stat, config, log)
    host = Host(config)
    code = EXIT_OK
    # SIGTERM (systemd stopping the agent, an operator's kill) ends a takeover command where it is: the flushes'
    # ssh children are ended on the way out, and the record says what was done. The background announcer keeps
    # the default: SIGTERM is how down stops it, at once and without a record.
    previous = signal.getsignal(signal.SIGTERM)
    if options.command in TERMINABLE:
        signal.signal(signal.SIGTERM, _terminate)
    try:
        try:
            record = COMMANDS[options.command](config, host, log, options)
        except Terminated:
            record, code = terminated(options, host, log)
        except DesignError as error:
            record, code = {"command": options.command, "error": str(error)}, EXIT_CONFIG
            log.step("check failed", str(error), warning=True)
        except (TakeoverError, OSError, subprocess.SubprocessError) as error:
            code = error.code if isinstance(error, TakeoverError) else EXIT_FAILED
            record = {"command": options.command, "error": str(error), "started_epoch": options.e0}
            record.update(error.extra if isinstance(error, TakeoverError) else {})
            log.step("failed", str(error), warning=True)
        if options.command == "probe" and record.get("failed") and not code:
            code = EXIT_FAILED
        if options.command == "check":   # a monitoring plugin's state; an error of the check itself is UNKNOWN
            code = record["state"] if "state" in record else health.UNKNOWN
            record.setdefault("output", "SIPHA-VIP UNKNOWN - the check failed: %s\n" % record.get("error"))
        if options.command in ("up", "down") or code and options.command != "check":
            failed = record.get("routers_failed") or []
            log.step("done" if not code else "exit %d" % code,
                     ("VIP held; routers not flushed: %s" % ", ".join(failed)) if failed else "", warning=bool(failed))
        if options.command in TERMINABLE:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)   # the record is written whatever comes next
        if head is not None:
            # the takeover is done (flushes, hedges and the announcer ran at the normal priority): what is left is
            # bookkeeping, which must not take the CPU from the SIP Server that just became primary
            os.nice(fast.NICE_AFTER)
        record["exit"] = code
        record["steps"] = log.steps
        record.update(log.health())
        if options.command in SAVED and not record.get("busy"):
            save_record(host, log, SAVED[options.command], record)
    finally:
        host.unlock()
    print_record(options, log, record, host.state_path())
    signal.signal(signal.SIGTERM, previous)   # as it was (main runs in-process in the tests and the module)
    log.syslog.close()
    return code
