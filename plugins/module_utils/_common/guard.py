# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The apply guard: one armed apply around a whole change of a host, with a restorer that needs nothing of ours.

``arm`` records the kernel state a change may touch (the two NICs' addresses,
MTU and routes in every table, the policy rules, the NICs' sysctls, named
nftables tables) in ``GUARD_DIR/<token>/manifest.json`` on disk, and marks the
guard active. While it is active, every file a module of this collection
writes or removes (``_common.textfile``) is first copied into the guard
(once per path; a path that did not exist is recorded as absent).

Unless the change is confirmed by the deadline, the restorer puts the files
back (copy beside, fsync, rename), makes the host's network tool read them
again, and puts the kernel back. At boot, a unit ordered before the network
runs the restorer for a guard that was never confirmed: a reboot inside the
confirm window comes back with the old configuration.

The VIP (``keep``) is never touched: it belongs to the takeover program.
This file is standard library only: the module installs it on the host as the
restorer (``python3 -I``), because the module's own files are gone by then.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import fcntl
import filecmp
import json
import os
import shutil
import subprocess
import sys
import time
import typing as t

__all__ = ["fsync_dir", "ACTIVE", "GUARD_DIR", "GuardClosed", "acknowledge", "active_token", "backup_original", "check_open",
           "confirm", "guard_dir", "main", "manifest", "record_arm", "restore", "restore_kernel_argv",
           "snapshot_kernel", "state", "valid_token"]

GUARD_DIR = "/var/lib/sipha/guard"
ACTIVE = os.path.join(GUARD_DIR, "active")
SYSCTL_KEYS = ("arp_ignore", "arp_announce", "arp_filter", "arp_accept", "rp_filter", "promote_secondaries")
#: route types and tables the kernel derives from addresses: never restored by hand
_DERIVED_TABLES = ("255",)
_MAIN_TABLES = ("253", "254", "255")
_KERNEL_PROTO = "2"


class GuardClosed(Exception):
    """A module was asked to change a host whose apply guard was rolled back or expired."""


def valid_token(token: str) -> bool:
    return len(token or "") == 32 and all(c in "0123456789abcdef" for c in token)


def guard_dir(token: str) -> str:
    if not valid_token(token):
        raise ValueError("token: must be the 32 hex digits apply_guard returned")
    return os.path.join(GUARD_DIR, token)


def _write_json(path: str, data: t.Any) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    fsync_dir(os.path.dirname(path))


def fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def manifest(token: str) -> t.Dict[str, t.Any]:
    with open(os.path.join(guard_dir(token), "manifest.json"), encoding="utf-8") as handle:
        return t.cast(t.Dict[str, t.Any], json.load(handle))


def _save(job: t.Dict[str, t.Any]) -> None:
    _write_json(os.path.join(guard_dir(job["token"]), "manifest.json"), job)


def active_token() -> t.Optional[str]:
    try:
        with open(ACTIVE, encoding="utf-8") as handle:
            token = handle.read().strip()
    except FileNotFoundError:
        return None
    return token if valid_token(token) and os.path.isdir(guard_dir(token)) else None


# ---- the kernel -----------------------------------------------------------------

def _ip_json(ip: str, args: t.Sequence[str]) -> t.Any:
    out = subprocess.run([ip, "-json", "-N"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         universal_newlines=True, check=False).stdout
    return json.loads(out or "[]")


def _route_argv(route: t.Mapping[str, t.Any]) -> t.List[str]:
    argv = [] if str(route.get("type", "1")) == "1" else [str(route["type"])]
    argv += [route["dst"], "table", str(route.get("table", "254")), "dev", route["dev"]]
    for key, word in (("gateway", "via"), ("protocol", "proto"), ("scope", "scope"), ("metric", "metric"),
                      ("prefsrc", "src")):
        if key in route:
            argv += [word, str(route[key])]
    argv += [flag for flag in route.get("flags", []) if flag == "onlink"]
    return argv


def _rule_argv(rule: t.Mapping[str, t.Any]) -> t.List[str]:
    argv = ["priority", str(rule["priority"])]
    src = rule.get("src", "all")
    argv += ["from", src if src == "all" or "srclen" not in rule else "%s/%s" % (src, rule["srclen"])]
    if "dst" in rule:
        argv += ["to", rule["dst"] if "dstlen" not in rule else "%s/%s" % (rule["dst"], rule["dstlen"])]
    for key in ("iif", "oif", "fwmark"):
        if key in rule:
            argv += [key, str(rule[key])]
    # the protocol is part of a rule's identity: a rule put back without the one networkd gave it is a second
    # rule beside networkd's own when networkd re-adds it (measured: both 1000: from ... lookup sipha_sip)
    if "protocol" in rule:
        argv += ["proto", str(rule["protocol"])]
    return argv + ["table", str(rule.get("table", "254"))]


def _read(path: str) -> t.Optional[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


def snapshot_kernel(nics: t.Sequence[str], ip: str = "ip", nft: t.Optional[str] = None,
                    nft_tables: t.Sequence[t.Sequence[str]] = ()) -> t.Dict[str, t.Any]:
    """What a change of these NICs may touch, as argument lists ``restore`` can put back."""
    links = {link["ifname"]: link for link in _ip_json(ip, ["-4", "addr", "show"]) if link.get("ifname") in nics}
    routes = [_route_argv(r) for r in _ip_json(ip, ["-4", "route", "show", "table", "all"])
              if r.get("dev") in nics and str(r.get("table", "254")) not in _DERIVED_TABLES
              and str(r.get("protocol", "")) != _KERNEL_PROTO]
    rules = [_rule_argv(r) for r in _ip_json(ip, ["-4", "rule", "show"])
             if str(r.get("table", "254")) not in _MAIN_TABLES and "priority" in r]
    sysctls = {}
    for dev in ["all", "default"] + list(nics):
        for key in SYSCTL_KEYS:
            path = "/proc/sys/net/ipv4/conf/%s/%s" % (dev, key)
            value = _read(path)
            if value is not None:
                sysctls[path] = value
    tables = {}
    for family, name in nft_tables:
        text = None
        if nft:
            proc = subprocess.run([nft, "list", "table", family, name], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, universal_newlines=True, check=False)
            text = proc.stdout if proc.returncode == 0 else None
        tables["%s %s" % (family, name)] = text
    return {
        "addresses": {dev: ["%s/%s" % (a["local"], a["prefixlen"]) for a in link.get("addr_info", [])
                            if a.get("family") == "inet"] for dev, link in links.items()},
        "mtu": {dev: link.get("mtu") for dev, link in links.items()},
        "routes": routes, "rules": rules, "sysctls": sysctls, "nft": tables,
    }


def restore_kernel_argv(old: t.Mapping[str, t.Any], now: t.Mapping[str, t.Any],
                        keep: t.Sequence[str]) -> t.List[t.List[str]]:
    """The ``ip`` argument lists that turn ``now`` back into ``old`` (both from ``snapshot_kernel``; pure).

    Addresses in ``keep`` (the VIP) are left as they are, whichever way they went."""
    steps: t.List[t.List[str]] = []

    def kept(addr: str) -> bool:
        return addr.split("/")[0] in keep

    for dev, addrs in old["addresses"].items():
        current = now["addresses"].get(dev, [])
        steps += [["-4", "addr", "del", a, "dev", dev] for a in current if a not in addrs and not kept(a)]
        steps += [["-4", "addr", "add", a, "dev", dev] for a in addrs if a not in current and not kept(a)]
        if old["mtu"].get(dev) and now["mtu"].get(dev) != old["mtu"][dev]:
            steps.append(["link", "set", "dev", dev, "mtu", str(old["mtu"][dev])])
    old_routes = [list(r) for r in old["routes"]]
    steps += [["-4", "route", "del"] + r for r in now["routes"] if list(r) not in old_routes]
    steps += [["-4", "route", "replace"] + r for r in old_routes if r not in [list(n) for n in now["routes"]]]
    old_rules = [list(r) for r in old["rules"]]
    steps += [["-4", "rule", "del"] + r for r in now["rules"] if list(r) not in old_rules]
    steps += [["-4", "rule", "add"] + r for r in old_rules if r not in [list(n) for n in now["rules"]]]
    return steps


def _restore_kernel(job: t.Dict[str, t.Any]) -> t.List[t.Dict[str, t.Any]]:
    old = job["kernel"]
    now = snapshot_kernel(job["nics"], job["ip"], job.get("nft"), [k.split() for k in old["nft"]])
    results = []
    for argv in restore_kernel_argv(old, now, job["keep"]):
        result = _run([job["ip"]] + argv)
        # what an address removal took with it is gone already; what the tool put back meanwhile (it reads its
        # restored files asynchronously) is there already
        result["ignored"] = bool(result["rc"]) and (argv[2] == "del" or "File exists" in result.get("stderr", ""))
        results.append(result)
    for path, value in old["sysctls"].items():
        if now["sysctls"].get(path) != value:
            try:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(value + "\n")
                results.append({"argv": ["sysctl", path, value], "rc": 0})
            except OSError as err:
                results.append({"argv": ["sysctl", path, value], "rc": 1, "stderr": str(err)})
    for table, text in old["nft"].items():
        if text == now["nft"].get(table):
            continue
        if now["nft"].get(table) is not None:
            results.append(_run([job["nft"], "delete", "table"] + table.split()))
        if text is not None:
            results.append(_run([job["nft"], "-f", "-"], text))
    return results


def _run(argv: t.Sequence[str], stdin: t.Optional[str] = None) -> t.Dict[str, t.Any]:
    try:
        proc = subprocess.run(list(argv), input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, check=False)
    except OSError as err:   # a tool that is gone must not stop the rest of the restore
        return {"argv": list(argv), "rc": 127, "stderr": str(err)}
    result: t.Dict[str, t.Any] = {"argv": list(argv), "rc": proc.returncode}
    if proc.returncode:
        result["stderr"] = proc.stderr.strip()
    return result


# ---- files ----------------------------------------------------------------------

def _open_job() -> t.Optional[t.Dict[str, t.Any]]:
    """The active guard while it still guards (None when there is none, or it was confirmed)."""
    token = active_token()
    if token is None:
        return None
    job = manifest(token)
    if job.get("confirmed_at"):
        return None
    if job.get("rolled_back_at") or time.time() >= job["deadline"]:
        raise GuardClosed("the apply guard %s %s; nothing more is changed under it (run the rollout again)"
                          % (token, "rolled the change back" if job.get("rolled_back_at") else "has expired"))
    return job


def check_open() -> None:
    """Raise GuardClosed when the active guard was rolled back or has expired (call before changing the kernel)."""
    _open_job()


def backup_original(path: str) -> None:
    """Called before a module writes or removes ``path``: keep the original in the active guard.

    Raises GuardClosed when the active guard was rolled back or has expired: the change it guarded is over,
    and nothing more may be written under it."""
    job = _open_job()
    if job is None:
        return
    path = os.path.abspath(path)
    if path in job["files"]:
        return
    entry: t.Optional[t.Dict[str, t.Any]] = None
    if os.path.lexists(path):
        copy = os.path.join(guard_dir(job["token"]), "files", str(len(job["files"])))
        shutil.copy2(path, copy)
        with open(copy, "rb") as handle:
            os.fsync(handle.fileno())
        info = os.stat(path)
        entry = {"copy": copy, "mode": info.st_mode & 0o7777, "uid": info.st_uid, "gid": info.st_gid}
    job["files"][path] = entry
    _save(job)


def _restore_files(job: t.Mapping[str, t.Any]) -> t.List[t.Dict[str, t.Any]]:
    results = []
    for path, entry in sorted(job["files"].items()):
        try:
            if entry is None:
                if os.path.lexists(path):
                    os.remove(path)
                    fsync_dir(os.path.dirname(path))
                    results.append({"argv": ["remove", path], "rc": 0})
                continue
            if os.path.isfile(path) and filecmp.cmp(entry["copy"], path, shallow=False):
                continue
            tmp = os.path.join(os.path.dirname(path), ".sipha-restore-%s" % os.path.basename(path))
            shutil.copyfile(entry["copy"], tmp)
            os.chown(tmp, entry["uid"], entry["gid"])
            os.chmod(tmp, entry["mode"])
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, path)
            fsync_dir(os.path.dirname(path))
            results.append({"argv": ["restore", path], "rc": 0})
        except OSError as err:
            results.append({"argv": ["restore", path], "rc": 1, "stderr": str(err)})
    return results


# ---- arm, confirm, restore ------------------------------------------------------

def record_arm(token: str, timeout: int, nics: t.Sequence[str], keep: t.Sequence[str], ip: str,
               nft: t.Optional[str], nft_tables: t.Sequence[t.Sequence[str]],
               reload_argv: t.Sequence[t.Sequence[str]], what: str) -> t.Dict[str, t.Any]:
    """Write the guard to disk and make it the active one (the restorer is started by the caller)."""
    os.makedirs(os.path.join(guard_dir(token), "files"), mode=0o700, exist_ok=True)
    now = time.time()
    job = {"token": token, "what": what, "armed_at": now, "deadline": now + timeout, "timeout": timeout,
           "nics": list(nics), "keep": list(keep), "ip": ip, "nft": nft, "reload": [list(a) for a in reload_argv],
           "kernel": snapshot_kernel(nics, ip, nft, nft_tables), "files": {}}
    _save(job)
    tmp = ACTIVE + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, ACTIVE)
    fsync_dir(GUARD_DIR)
    return job


def state(token: str) -> t.Dict[str, t.Any]:
    try:
        job = manifest(token)
    except FileNotFoundError:
        return {"state": "unknown"}
    if job.get("rolled_back_at"):
        failed = [r for r in job.get("results", []) if r.get("rc") and not r.get("ignored")]
        return {"state": "rolled_back", "armed_at": job["armed_at"], "rolled_back_at": job["rolled_back_at"],
                "at_boot": job.get("at_boot", False), "by": job.get("by", "deadline"), "files": sorted(job["files"]), "restore_failed": failed}
    if job.get("confirmed_at"):
        return {"state": "confirmed", "files": sorted(job["files"])}
    return {"state": "armed", "deadline": job["deadline"], "files": sorted(job["files"])}


def confirm(token: str) -> t.Dict[str, t.Any]:
    """Keep the change: the restorer exits, the guard is no longer active. A rolled-back change stays so."""
    job = manifest(token)
    if not job.get("rolled_back_at") and not job.get("confirmed_at"):
        job["confirmed_at"] = time.time()
        _save(job)
    acknowledge(token)
    return state(token)


def acknowledge(token: str) -> None:
    """The controller has seen the outcome: the guard stops being the active one."""
    job = manifest(token)
    if (job.get("rolled_back_at") or job.get("confirmed_at")) and active_token() == token:
        os.remove(ACTIVE)
        fsync_dir(GUARD_DIR)


def restore(token: str, at_boot: bool = False, by: str = "deadline") -> t.Dict[str, t.Any]:
    """Put the files and the kernel back, then let the network tool read its files (at boot: the files only).

    The kernel comes back first (the controller's path), and again after the tool has read its files (what
    the tool did meanwhile). ``by`` records who acted: ``deadline`` (the restorer), ``boot`` or ``request``."""
    with open(os.path.join(guard_dir(token), "lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        job = manifest(token)
        if job.get("rolled_back_at") or job.get("confirmed_at"):
            return job
        results = _restore_files(job)
        changed_files = bool(results)
        if not at_boot:
            results += _restore_kernel(job)
        # the tool reads its files again only when one changed back; at boot the tools have not started yet,
        # and only a generator (netplan's) must see the files again
        for argv in job["reload"] if changed_files else []:
            if not at_boot or argv[1:2] == ["generate"]:
                results.append(_run(argv))
        if changed_files and not at_boot:
            results += _restore_kernel(job)
        job.update(rolled_back_at=time.time(), at_boot=at_boot, by=by, results=results)
        _save(job)
        return job


def _wait(token: str) -> None:
    while True:
        job = manifest(token)
        if job.get("confirmed_at") or job.get("rolled_back_at"):
            return
        if time.time() >= job["deadline"]:
            restore(token)
            return
        time.sleep(0.2)


def main(argv: t.Sequence[str]) -> int:
    """``--wait TOKEN``: restore at the deadline unless confirmed; ``--boot``: restore an unconfirmed guard."""
    if len(argv) == 2 and argv[0] == "--wait":
        _wait(argv[1])
        return 0
    if list(argv) == ["--boot"]:
        token = active_token()
        if token is not None:
            restore(token, at_boot=True, by="boot")
        return 0
    sys.stderr.write("usage: sipha-guard-restore --wait TOKEN | --boot\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
