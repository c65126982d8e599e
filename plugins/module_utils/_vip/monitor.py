# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What ``sipha-vip check`` and the refresh timer read of this host, within one time bound.

The parts run side by side, each bounded by what is left of ``monitor.timeout_ms``: the VIP (this host's view
and an ARP probe of who answers for it), every router (a harmless request over the flush account: through the warm
connection when one is up, else fresh), the designed network against the kernel, the marking table's counters,
and the last takeover's record. A part that has not finished at the bound is named (``unfinished``) and its
children are killed; nothing here takes the takeover lock.

Python 3.8+ standard library only: installed on SIP hosts with the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import expect
from ansible_collections.sipha.network.plugins.module_utils._model import health
from ansible_collections.sipha.network.plugins.module_utils._model import metrics
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.vip import VipConfig
from ansible_collections.sipha.network.plugins.module_utils._vip import arp
from ansible_collections.sipha.network.plugins.module_utils._vip import durable
from ansible_collections.sipha.network.plugins.module_utils._vip import fast
from ansible_collections.sipha.network.plugins.module_utils._vip import flush as vf
from ansible_collections.sipha.network.plugins.module_utils._vip import lock

__all__ = ["Bound", "MONITOR_LOCK", "STATE_NAME", "gather", "last_takeover", "limits", "marking_idle",
           "write_textfile"]

#: where the check keeps what it must compare with next time (the marking counters), in the state dir
STATE_NAME = "monitor.json"
#: the lock of that file (never the takeover lock)
MONITOR_LOCK = "monitor.lock"


class Bound:
    """The check's deadline: what is left of it, and commands run within it (killed at the bound)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def run(self, argv: t.List[str]) -> subprocess.CompletedProcess:
        """``argv`` with stdout captured; TimeoutExpired (the child killed) when the bound is reached."""
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=self.left(), check=False, universal_newlines=True)


def limits(config: VipConfig) -> t.Dict[str, t.Any]:
    return config.monitor._asdict()


def _nic(interface: str) -> str:
    state = fast.nic_state(interface)
    if state != "up":
        return state
    try:
        with open("/sys/class/net/%s/carrier" % interface, encoding="utf-8") as handle:
            carrier = handle.read().strip()
    except OSError:
        carrier = "1"
    return "up" if carrier == "1" else "up but without carrier (its link is down)"


def _vip_part(config: VipConfig, bound: Bound, facts: t.Dict[str, t.Any], probed: t.Optional[t.List[str]]) -> None:
    facts["nic"] = _nic(config.interface)
    if facts["nic"] == "missing":
        return
    with open("/sys/class/net/%s/address" % config.interface, encoding="utf-8") as handle:
        facts["mac"] = handle.read().strip()
    shown = bound.run(config.addr_show_argv())
    facts["held"] = any(len(line.split()) > 3 and line.split()[3].split("/")[0] == config.vip
                        for line in shown.stdout.splitlines())
    if facts["nic"] != "up":
        return
    if probed is not None:      # the refresh's own probe, just now
        facts["others"] = list(probed)
        return
    try:
        with arp.ArpLink(config.interface) as link:
            facts["others"] = link.other_holders(config.vip, int(min(config.probe_ms, bound.left() * 1000.0)))
    except OSError as error:
        facts["probe_error"] = "cannot send an ARP probe on %s: %s%s" % (
            config.interface, error.strerror or error, " (run the check as root, e.g. through sudo)"
            if error.errno in (1, 13) else "")


def _routers_part(config: VipConfig, bound: Bound, facts: t.Dict[str, t.Any], fresh: bool) -> None:
    # not probed yet: what the output says of a router when the bound ends first
    facts["routers"] = [{"name": router.name, "ok": None} for router in config.routers]
    last = _remembered(config.state_dir, "fresh_probe_epoch")
    due = fresh or not isinstance(last, (int, float)) or facts["now"] - last >= config.monitor.fresh_probe_s
    facts["routers_fresh"] = due or not config.flush["warm"]
    facts["routers"] = vf.probe_all(config, warm=config.flush["warm"] and not due, bound_s=bound.left())
    if due:
        _remember(config.state_dir, "fresh_probe_epoch", facts["now"])


def _read_json(path: str) -> t.Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _ip_json(bound: Bound, args: t.List[str]) -> t.Any:
    done = bound.run(["ip", "-json"] + args)
    if done.returncode != 0:
        raise OSError("ip -json %s: %s" % (" ".join(args), done.stderr.strip()))
    return json.loads(done.stdout or "[]")


def _sysctl(nic: str, setting: str) -> t.Optional[int]:
    try:
        with open("/proc/sys/net/ipv4/conf/%s/%s" % (nic, setting), encoding="utf-8") as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


def _installed(config: VipConfig, name: str, facts: t.Dict[str, t.Any], key: str,
               blank: t.Dict[str, t.Any]) -> t.Optional[str]:
    """The path of a role's expectation (monitor.expect_dir/name) with ``facts[key]`` started as ``blank``; None
    (and ``facts[key]`` None: not checked) when the role left none."""
    path = os.path.join(config.monitor.expect_dir, name)
    facts[key] = dict(blank) if os.path.exists(path) else None
    return path if facts[key] is not None else None


def _network_part(config: VipConfig, bound: Bound, facts: t.Dict[str, t.Any]) -> None:
    path = _installed(config, "network.json", facts, "network", {"error": None})
    if path is None:
        return
    try:
        wanted = expect.load_network(_read_json(path))
        drift = expect.network_drift(wanted, _ip_json(bound, ["addr", "show"]),
                                     _ip_json(bound, ["-N", "-4", "route", "show", "table", "all"]),
                                     _ip_json(bound, ["-N", "-4", "rule", "show"]), _sysctl)
    except (OSError, ValueError, DesignError) as error:
        facts["network"]["error"] = "the designed network cannot be compared: %s" % error
        return
    facts["network"].update(drift=[list(item) for item in drift], checked=len(wanted.addresses) + len(
        wanted.routes) + len(wanted.rules) + len(wanted.sysctls))


def _remembered(state_dir: str, key: str) -> t.Any:
    """A value of monitor.json (None when it is not there)."""
    try:
        seen = _read_json(os.path.join(state_dir, STATE_NAME))
    except (OSError, ValueError):
        return None
    return seen.get(key) if isinstance(seen, dict) else None


def _remember(state_dir: str, key: str, value: t.Any) -> None:
    """Keep ``key`` in monitor.json (its own lock, never the takeover lock)."""
    path = os.path.join(state_dir, STATE_NAME)
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    held = lock.acquire(state_dir, 1.0, MONITOR_LOCK)
    try:
        try:
            seen = _read_json(path)
        except (OSError, ValueError):
            seen = {}
        seen = dict(seen if isinstance(seen, dict) else {}, **{key: value})
        durable.replace(path, json.dumps(seen, sort_keys=True).encode("utf-8"))
    finally:
        lock.release(held)


def marking_idle(state_dir: str, table: str, packets: int, now: float) -> t.Optional[float]:
    """Seconds the counters have not changed, as every check on this host saw them (None at the first reading);
    remembers this reading. A reset (a reloaded table) counts as a change."""
    last = _remembered(state_dir, "marking")
    if not isinstance(last, dict) or last.get("table") != table or not isinstance(last.get("packets"), int):
        moved, idle = now, None
    elif packets != last["packets"]:
        moved, idle = now, 0.0
    else:
        moved = float(last.get("moved_epoch", now))
        idle = max(0.0, now - moved)
    _remember(state_dir, "marking", {"table": table, "packets": packets, "moved_epoch": moved})
    return idle


def _marking_part(config: VipConfig, bound: Bound, facts: t.Dict[str, t.Any]) -> None:
    path = _installed(config, "marking.json", facts, "marking", {"table": "?", "present": None, "error": None})
    if path is None:
        return
    try:
        wanted = expect.load_marking(_read_json(path))
    except (OSError, ValueError, DesignError) as error:
        facts["marking"]["error"] = "the marking expectation cannot be read: %s" % error
        return
    table = "%s %s" % (wanted.family, wanted.table)
    facts["marking"]["table"] = table
    try:
        done = bound.run(["nft", "-j", "list", "table", wanted.family, wanted.table])
    except OSError as error:
        facts["marking"]["error"] = "nft cannot be run: %s" % error
        return
    if done.returncode != 0:
        said = [line.strip() for line in done.stderr.splitlines() if line.strip().startswith("Error")]
        facts["marking"].update(present=False, error="the marking table %s is not loaded (%s): SIP and RTP leave "
                                "unmarked" % (table, said[0] if said else "nft exit %d" % done.returncode))
        return
    packets = expect.marking_packets(json.loads(done.stdout or "{}"))
    facts["marking"].update(present=True, packets=packets, counters=wanted.counters,
                            idle_s=marking_idle(config.state_dir, table, packets, facts["now"])
                            if wanted.counters else None)


def last_takeover(record: t.Optional[t.Mapping[str, t.Any]], now: float) -> t.Optional[t.Dict[str, t.Any]]:
    """The figures of the last ``up`` (its record in state.json)."""
    if not isinstance(record, dict):
        return None
    steps = {step.get("step"): step.get("ms") for step in record.get("steps") or [] if isinstance(step, dict)}
    announced = steps.get("first announcement sent")
    done = [router.get("done_ms") for router in record.get("routers") or []
            if isinstance(router, dict) and router.get("ok") and router.get("done_ms") is not None]
    flushed = max(done) if done and not record.get("routers_failed") else None
    ends = [value for value in (announced, flushed) if value is not None]
    epoch = record.get("started_epoch")
    return {"epoch": epoch, "age_s": round(max(0.0, now - epoch), 1) if isinstance(epoch, (int, float)) else 0,
            "exit": record.get("exit"), "error": record.get("error"), "announced_ms": announced,
            "flushed_ms": flushed, "duration_ms": max(ends) if ends else None,
            "routers_failed": list(record.get("routers_failed") or [])}


def gather(config: VipConfig, state: t.Mapping[str, t.Any], probed: t.Optional[t.List[str]] = None,
           bound: t.Optional[Bound] = None, fresh: bool = False) -> t.Dict[str, t.Any]:
    """Every fact the check judges; ``state``: the records of state.json; ``probed``: the other holders a
    refresh has just heard (its own probe), so no second probe is sent; ``fresh``: every router over a fresh
    login now (else through the warm connection, and fresh when monitor.fresh_probe_s has passed)."""
    started = time.monotonic()
    bound = bound or Bound(config.monitor.timeout_ms / 1000.0)
    facts: t.Dict[str, t.Any] = {
        "pair": config.monitor.pair, "host": config.monitor.host or socket.gethostname(), "vip": config.vip,
        "interface": config.interface, "now": time.time(), "held": False, "others": None, "unfinished": [],
        "takeover": last_takeover(state.get("last_up"), time.time())}
    parts = {"the VIP probe": (_vip_part, (probed,)), "the designed network": (_network_part, ()),
             "the marking counters": (_marking_part, ())}
    if config.flush["enabled"] and config.routers:
        parts["the router requests"] = (_routers_part, (fresh,))
    errors: t.Dict[str, str] = {}
    threads = {}
    for name, (part, extra) in parts.items():
        threads[name] = threading.Thread(target=_guarded, args=(part, (config, bound, facts) + extra, errors, name),
                                         daemon=True)
        threads[name].start()
    for name, thread in threads.items():
        thread.join(bound.left() + 0.2)
        if thread.is_alive() or name in errors and errors[name] == "timeout":
            facts["unfinished"].append(name)
    if "the VIP probe" in errors and errors["the VIP probe"] != "timeout":
        facts["probe_error"] = errors["the VIP probe"]
    for name in ("the designed network", "the marking counters"):
        if name in errors and errors[name] != "timeout":
            key = "network" if "network" in name else "marking"
            facts[key] = dict(facts.get(key) or {}, error="%s could not be read: %s" % (name, errors[name]))
    facts["duration_s"] = round(time.monotonic() - started, 3)
    return facts


def _guarded(part: t.Callable[..., None], args: t.Tuple[t.Any, ...], errors: t.Dict[str, str], name: str) -> None:
    try:
        part(*args)
    except subprocess.TimeoutExpired:
        errors[name] = "timeout"
    except (OSError, ValueError) as error:
        errors[name] = str(error)


def write_textfile(path: str, facts: t.Mapping[str, t.Any], findings: t.Sequence[health.Finding]) -> bool:
    """The metrics for node_exporter's textfile collector, replaced in one rename (never read half-written);
    False when its directory does not exist (no node_exporter here: nothing is written)."""
    if not path or not os.path.isdir(os.path.dirname(path)):
        return False
    durable.replace(path, metrics.exposition(facts, findings).encode("utf-8"), 0o644)
    return True
