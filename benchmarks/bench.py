# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Convergence benchmark on the embedded lab: switchovers per strategy x router behaviour.

    python3 benchmarks/bench.py [--switchovers 20] [--cap 10] [--strategies a,b,d,e,g,c,s,h,k,p]
                        [--behaviours honour,ignore,stopped] [--memory 10] [--out benchmarks/results.md]

Needs the lab up and rolled out (make demo). Each cell: sipp sends OPTIONS at 200/s from each phone
through its router to the VIP; a SIP responder on each SIP host answers and logs (epoch, Call-ID). Each
switchover is the management layer's pair of reactions, started at the same instant (a scheduled exec
in both containers, which share this machine's clock): `sipha-vip down` on the holder and
`sipha-vip [switches] up` on the other. Outage = from the exec of `up` to the first answer from the new
holder, for every client (the slowest client counts); it includes the interpreter's start-up. Also
reported from the program's own time zero (after the interpreter started). Lost = OPTIONS no host
answered between the last answer before the exec and the first answer from the new holder. A switchover
not recovered within --cap seconds is counted as "> cap" and healed with a full up.

Strategies: a VIP moved only; b one gratuitous ARP (the vendor sample); d router flush, fresh SSH only;
e router flush, warm SSH only; g directed ARP only; c sipha-vip as shipped; k keepalived, v keepalived with a virtual
MAC and p Pacemaker's IPaddr2, the peers a network team would pick instead (benchmarks/peers.py: how each is
configured and switched); n the same without its fast path (for comparison, only when asked for: --strategies n);
s sipha-vip as shipped, run as the management layer's agent runs it in production: as its non-root account (lca in the lab), through the role's sudo rule, with
exactly the command the role publishes without the helper (`/usr/bin/sudo -n /usr/local/sbin/sipha-vip up`);
h the same account through the standby helper's client, the command the role publishes with it
(`/usr/local/sbin/sipha-vip-agent up`: no sudo, no interpreter start-up when the helper answers). s and h need
the lab rolled out with -e sip_vip_agent_user=lca (lab/run.sh bench does). Their records are read back with
`status`.
Router behaviours: honour (Linux defaults), ignore (both routers drop gratuitous ARP, entries kept an hour),
stopped (r2 stopped, r1 ignores gratuitous ARP).
Everything stays inside the lab's containers; every wait is bounded.
"""
import argparse
import importlib.util
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402  pylint: disable=wrong-import-position
VIP = "198.18.1.10"
HOSTS = ("sip-a", "sip-b")
PHONES = {"phone1": ("198.18.2.50", "r1"), "phone2": ("198.18.3.50", "r2")}
RATE = 200
STRATEGIES = {
    "a": ("VIP moved only", ["--no-announce", "--no-flush"], False),
    "b": ("one gratuitous ARP (vendor sample)", ["--garp-once", "--no-flush"], False),
    "d": ("router flush, fresh SSH only", ["--no-garp", "--no-directed", "--fresh"], False),
    "e": ("router flush, warm SSH only", ["--no-garp", "--no-directed"], True),
    "g": ("directed ARP only", ["--no-garp", "--no-flush"], False),
    "c": ("sipha-vip as shipped", [], True),
    "n": ("sipha-vip without its fast path (--no-fast; not in the default run)", ["--no-fast"], True),
    "s": ("sipha-vip as shipped, run by the agent's account through its sudo rule", [], True),
    "h": ("sipha-vip as shipped, run by the agent's account through the standby helper (sipha-vip-agent)", [], True),
    "k": ("keepalived (peer): VRRPv3 on the SIP NICs, the master stopped (SIGTERM: priority-0 advert)", [], False),
    "v": ("keepalived with a virtual MAC (peer): (k) with use_vmac", [], False),
    "p": ("Pacemaker's IPaddr2 (peer): stop on the holder, then start on the other", [], False),
}
#: the peers: the VIP is theirs for the whole cell (sipha-vip is off); benchmarks/peers.py says how each runs
PEER_STRATEGIES = ("k", "v", "p")
AGENT = "lca"
SUDO = "/usr/bin/sudo"
CLIENT = "/usr/local/sbin/sipha-vip-agent"
BEHAVIOURS = {"honour": "routers honour gratuitous ARP", "ignore": "routers ignore gratuitous ARP",
              "stopped": "r2 stopped, r1 ignores gratuitous ARP"}
DRILL_DIR = "/run/sipha-bench"
STRATEGY_DEFAULT = "a,b,d,e,g,c,s,h,k,v,p"
BEHAVIOUR_DEFAULT = "honour,ignore,stopped"
PROGRAM = "/usr/local/sbin/sipha-vip"
#: strategies that run as the management layer's agent account (see the docstring): the command each publishes
AGENT_STRATEGIES = {"s": [SUDO, "-n", PROGRAM], "h": [CLIENT]}
LEAD = 0.8   # s between launching both execs and the instant they run at
# Runs in each SIP host: wait for the agreed instant, print it, become the program.
SCHEDULED = ("import os, sys, time\n"
             "at = float(sys.argv[1])\n"
             "while time.time() < at - 0.003:\n"
             "    time.sleep(0.001)\n"
             "while time.time() < at:\n"
             "    pass\n"
             "sys.stdout.write('%.6f\\n' % time.time())\n"
             "sys.stdout.flush()\n"
             "os.execv(sys.argv[2], sys.argv[2:])\n")


def x(host, *argv, check=True, timeout=60):
    done = subprocess.run(["podman", "exec", "sipha-lab-" + host] + list(argv), capture_output=True, text=True,
                          timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise RuntimeError("%s: %s: %s" % (host, " ".join(argv), done.stderr.strip() or done.stdout.strip()))
    return done


def lab(*argv):
    """lab/lab.sh with these arguments; its last lines in the error when it fails."""
    done = subprocess.run([os.path.join(ROOT, "lab", "lab.sh")] + list(argv), capture_output=True, text=True,
                          timeout=300, check=False)
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise RuntimeError("lab/lab.sh %s: exit %d: %s" % (" ".join(argv), done.returncode, tail))


def holder():
    held = [h for h in HOSTS if json.loads(x(h, "/usr/local/sbin/sipha-vip", "status").stdout)["held"]]
    if len(held) != 1:
        raise RuntimeError("expected exactly one holder of the VIP, found %s" % held)
    return held[0]


def answers(host):
    """(epoch, client ip, call number) of every answer in the host's responder log."""
    rows = []
    for line in x(host, "cat", DRILL_DIR + "/responder.log").stdout.splitlines():
        epoch, call_id = line.split(" ", 1)
        number, rest = call_id.split("-", 1)
        rows.append((float(epoch), rest.split("@", 1)[1], int(number)))
    return rows


def wait_answers(host, client_ips, since, cap):
    """Poll the host's log until every client has an answer after ``since``; True if within ``cap`` s."""
    deadline = time.monotonic() + cap
    while time.monotonic() < deadline:
        seen = {ip for epoch, ip, _n in answers(host) if epoch >= since}
        if set(client_ips) <= seen:
            return True
        time.sleep(0.05)
    return False


def start_cell(clients):
    for host in HOSTS:                              # a fresh responder and log on each host, each cell
        x(host, "pkill", "-f", DRILL_DIR + "/responder.py", check=False)
        x(host, "truncate", "-s", "0", DRILL_DIR + "/responder.log")
        subprocess.run(["podman", "exec", "-d", "sipha-lab-" + host, "python3", DRILL_DIR + "/responder.py", VIP, host,
                        DRILL_DIR + "/responder.log", "3600"], check=True, timeout=30)
    for phone in clients:
        ip = PHONES[phone][0]
        x(phone, "pkill", "-x", "sipp", check=False)
        subprocess.run(["podman", "exec", "-d", "sipha-lab-" + phone, "timeout", "3600", "sipp", "-sf",
                        DRILL_DIR + "/options.xml", "-r", str(RATE), "-rp", "1000", "-m", "10000000", "-t", "u1",
                        "-i", ip, "-p", "5070", "-nostdin", VIP + ":5060"],
                       check=True, capture_output=True, timeout=30)


def stop_cell(clients):
    for phone in clients:
        x(phone, "pkill", "-x", "sipp", check=False)


def scheduled(host, at, argv, user="root"):
    return subprocess.Popen(["podman", "exec", "--user", user, "sipha-lab-" + host, "python3", "-IS", "-c", SCHEDULED,
                             "%.6f" % at] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def ran(proc, what, host=None, command=None):
    """When the exec ran, and the run's record: printed by --json, or (``host``: the agent's run, which the sudo
    rule lets print nothing) the last ``command`` record of ``status``."""
    out, err = proc.communicate(timeout=60)
    lines = out.splitlines()
    if host is not None and lines and proc.returncode == 0:
        return float(lines[0]), json.loads(x(host, PROGRAM, "status").stdout)["last_" + command]
    if len(lines) < 2:
        raise RuntimeError("%s: no record (exit %s): %s" % (what, proc.returncode, err.strip()[-300:]))
    return float(lines[0]), json.loads(lines[1])


def switchover(old, new, flags, warm, client_ips, cap, agent=None):
    if warm:
        x(new, PROGRAM, "--quiet", "refresh")           # what the timer does while standby
    at = time.time() + LEAD
    if agent:
        # exactly what the management layer runs: its account, the role's sudo rule or helper, the command
        down = scheduled(old, at, agent + ["down"], user=AGENT)
        up = scheduled(new, at, agent + ["up"], user=AGENT)
        exec_up, record = ran(up, "up on " + new, new, "up")
        exec_down, record_down = ran(down, "down on " + old, old, "down")
    else:
        down = scheduled(old, at, [PROGRAM, "--json", "--quiet", "down"])
        up = scheduled(new, at, [PROGRAM, "--json", "--quiet"] + flags + ["up"])
        exec_up, record = ran(up, "up on " + new)
        exec_down, record_down = ran(down, "down on " + old)
    if record.get("exit") != 0 or record_down.get("exit") != 0:
        raise RuntimeError("up on %s exit %s, down on %s exit %s"
                           % (new, record.get("exit"), old, record_down.get("exit")))
    recovered = wait_answers(new, client_ips, exec_up, cap)
    if not recovered:
        x(new, PROGRAM, "--quiet", "up")                  # heal before the next one
        if not wait_answers(new, client_ips, time.time(), 30):
            raise RuntimeError("the lab did not recover after a full up on %s" % new)
    steps = {step["step"]: step["ms"] for step in record["steps"]}
    removed = {step["step"]: step["ms"] for step in record_down["steps"]}.get("vip removed")
    return {"new": new, "start": exec_up, "t0": record["started_epoch"], "recovered": recovered,
            "late_ms": max(exec_up, exec_down) * 1000.0 - at * 1000.0, "fast": record.get("fast_path"),
            "added_ms": steps.get("vip added", steps.get("vip already held")),
            "removed_at_ms": None if removed is None else (record_down["started_epoch"] - exec_up) * 1000.0 + removed,
            "flush_ms": [r.get("done_ms") for r in record.get("routers", []) if r.get("ok")]}


def forget_vip():
    """Both routers' entries for the VIP flushed by hand, as an operator would (a stopped router is skipped)."""
    for router in ("r1", "r2"):
        x(router, "ip", "neigh", "flush", "to", VIP, check=False)


def peer_switchover(peer, old, new, client_ips, cap):
    """A peer's switchover: its command(s) on the old and new holder (benchmarks/peers.py); outage from the exec of
    the one that starts it. Not recovered within the cap (routers that ignore gratuitous ARP): healed by flushing
    the routers' entries for the VIP by hand, as an operator would, before the next one."""
    at = time.time() + LEAD
    old_argv, new_argv = peer.commands(old, new)
    starter = None
    if new_argv is not None:        # waits (bounded) for the old holder's word, then becomes the start
        starter = subprocess.Popen(["podman", "exec", "sipha-lab-" + new] + new_argv, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    if "{at}" in old_argv:
        proc = subprocess.Popen(["podman", "exec", "sipha-lab-" + old] + [
            "%.6f" % at if word == "{at}" else word for word in old_argv], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
    else:
        proc = scheduled(old, at, old_argv)
    out, err = proc.communicate(timeout=60)
    if proc.returncode != 0 or not out.strip():
        raise RuntimeError("%s on %s: exit %s: %s" % (STRATEGIES[peer.key][0], old, proc.returncode, err[-300:]))
    exec_at = float(out.splitlines()[0].split()[0])
    if starter is not None:
        said, err = starter.communicate(timeout=60)
        if starter.returncode != 0:
            raise RuntimeError("%s: start on %s exit %s: %s" % (peer.key, new, starter.returncode, err[-300:]))
    recovered = wait_answers(new, client_ips, exec_at, cap)
    peer.after(old, new)
    if not recovered:
        forget_vip()
        if not wait_answers(new, client_ips, time.time(), 30):
            raise RuntimeError("the lab did not recover after the routers' entries were flushed")
    return {"new": new, "start": exec_at, "t0": exec_at, "recovered": recovered,
            "late_ms": exec_at * 1000.0 - at * 1000.0, "fast": None, "added_ms": None, "removed_at_ms": None,
            "flush_ms": []}


def peer_cell(key, current):
    """The peer of strategy ``key``, holding the VIP on ``current`` (sipha-vip gives it up first)."""
    other = HOSTS[1] if current == HOSTS[0] else HOSTS[0]

    def run(host, argv, input=None, check=True):   # pylint: disable=redefined-builtin
        done = subprocess.run(["podman", "exec", "-i", "sipha-lab-" + host] + list(argv), input=input,
                              capture_output=True, text=True, timeout=60, check=False)
        if check and done.returncode != 0:
            raise RuntimeError("%s: %s: %s" % (host, " ".join(argv), done.stderr.strip() or done.stdout.strip()))
        return done

    nics = {host: x(host, "ip", "-o", "-4", "addr", "show", "to", "198.18.1.0/24").stdout.split()[1] for host in HOSTS}
    data = {host: x(host, "ip", "-o", "-4", "addr", "show", "to", "198.18.4.0/24").stdout.split()[3].split("/")[0]
            for host in HOSTS}
    peer = peers.PEERS[key](run, x, VIP, nics, data)
    x(current, PROGRAM, "--quiet", "down")
    peer.setup(current, other)
    # once, as an operator moving the VIP to another tool would: the routers forget the MAC sipha-vip's VIP had
    # (a peer with a virtual MAC is otherwise judged on entries learnt before it ran)
    forget_vip()
    return peer


# Runs the command as a waited child and prints the kernel's accounting of its peak RSS (KB; the largest of it and the
# children it waited for, as GNU time's "Maximum resident set size" reads it) and its exit code.
PEAK_RSS = ("import resource, subprocess, sys\n"
            "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n")


def peak_rss(host, argv):
    kb, code = x(host, "python3", "-IS", "-c", PEAK_RSS, *argv).stdout.split()
    if code != "0":
        raise RuntimeError("%s: %s exited %s" % (host, " ".join(argv), code))
    return int(kb)


def memory(runs):
    """Peak RSS (KB) of sipha-vip up (fast path and all, with its router flushes) and of the refresh timer's run (its
    masters, the health check and the metrics file), ``runs`` of each, with the lab's routers honouring."""
    out = {"up": [], "refresh": []}
    current = holder()
    for _index in range(runs):
        new = HOSTS[1] if current == HOSTS[0] else HOSTS[0]
        x(current, PROGRAM, "--quiet", "down")
        out["up"].append(peak_rss(new, [PROGRAM, "--quiet", "up"]))
        out["refresh"].append(peak_rss(current, [PROGRAM, "--quiet", "refresh"]))
        current = new
    return out


def measure(events, rows_by_host, client_ips):
    """Outage and lost OPTIONS of each switchover, from both responders' logs."""
    rows = sorted(r + (h,) for h, host_rows in rows_by_host.items() for r in host_rows)
    results = []
    for event in events:
        outage, outage_t0, lost = 0.0, 0.0, 0
        for ip in client_ips:
            mine = [r for r in rows if r[1] == ip]
            before = [r[2] for r in mine if r[0] < event["start"]]
            after = [r for r in mine if r[0] >= event["start"] and r[3] == event["new"]]
            if not event["recovered"] or not after or not before:
                outage = outage_t0 = None
                break
            outage = max(outage, (after[0][0] - event["start"]) * 1000.0)
            outage_t0 = max(outage_t0, (after[0][0] - event["t0"]) * 1000.0)
            answered = {r[2] for r in mine}
            lost += sum(1 for n in range(max(before) + 1, after[0][2]) if n not in answered)
        results.append(dict(event, outage_ms=outage, outage_t0_ms=outage_t0, lost=lost))
    return results


def percentile(values, share):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(results, cap, key="outage_ms"):
    done = [r[key] for r in results if r[key] is not None]
    censored = len(results) - len(done)
    cell = {"n": len(results), "censored": censored, "lost": sum(r["lost"] for r in results),
            "added_ms": statistics.median([r["added_ms"] for r in results if r["added_ms"] is not None] or [0]),
            "late_ms": max(r["late_ms"] for r in results), "fast": sum(1 for r in results if r["fast"])}
    if censored * 2 >= len(results):
        cell.update(median="> %d s" % cap, p95="> %d s" % cap, max="> %d s" % cap)
    else:
        values = done + [float("inf")] * censored

        def fmt(value):
            return "> %d s" % cap if value == float("inf") else "%.1f" % value

        cell.update(median=fmt(statistics.median(values)), p95=fmt(percentile(values, 0.95)), max=fmt(max(values)))
    return cell


def r2_back():
    """r2 running again if a cell stopped it: powered on as the failure drill does (its sshd, keepalived and ARP
    mode back). Not `lab.sh up`: right after r2 starts again, r1 has been seen not to reach the controller over the
    transit network for more than 5 s, which lab.sh up's check rightly refuses."""
    if subprocess.run(["podman", "inspect", "-f", "{{.State.Running}}", "sipha-lab-r2"], capture_output=True,
                      text=True, check=True).stdout.strip() != "true":
        lab("power", "r2", "on")


def set_behaviour(behaviour):
    if behaviour == "stopped":
        lab("garp", "r1", "ignore")
        subprocess.run(["podman", "stop", "-t", "1", "sipha-lab-r2"], check=True, capture_output=True, timeout=60)
        return ["phone1"]
    r2_back()
    for router in ("r1", "r2"):
        lab("garp", router, behaviour)
    return ["phone1", "phone2"]


def main():
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    cli.add_argument("--switchovers", type=int, default=20)
    cli.add_argument("--cap", type=int, default=10, help="seconds a switchover may take before it is cut off")
    cli.add_argument("--strategies", default=STRATEGY_DEFAULT)
    cli.add_argument("--behaviours", default=BEHAVIOUR_DEFAULT)
    cli.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results.md"))
    cli.add_argument("--memory", type=int, default=10, help="runs of up and refresh whose peak RSS is measured")
    cli.add_argument("--render", metavar="JSON", help="only write the tables again from a results.json")
    cli.add_argument("--seconds", type=int, help="with --render: how long that run took, for the header")
    args = cli.parse_args()
    if args.render:
        with open(args.render, encoding="utf-8") as handle:
            raw = {tuple(key.split("/")): results for key, results in json.load(handle).items()}
        args.extra = extra_of(args.out)
        write(args, raw, args.seconds)
        return 0
    args.extra = {"versions": {}, "memory": None}
    started = time.time()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))   # still restore the lab (finally)
    for host in HOSTS:
        x(host, "systemctl", "stop", "sipha-vip-refresh.timer")   # no announcement but the strategy's own
        x(host, "mkdir", "-p", DRILL_DIR)
        subprocess.run(["podman", "cp", os.path.join(ROOT, "playbooks", "files", "sipha_sip_responder.py"),
                        "sipha-lab-%s:%s/responder.py" % (host, DRILL_DIR)], check=True, timeout=30)
    for phone in PHONES:
        x(phone, "mkdir", "-p", DRILL_DIR)
        subprocess.run(["podman", "cp", os.path.join(ROOT, "playbooks", "files", "sipha_options.xml"),
                        "sipha-lab-%s:%s/options.xml" % (phone, DRILL_DIR)], check=True, timeout=30)
    table = {}
    try:
        for behaviour in args.behaviours.split(","):
            clients = set_behaviour(behaviour)
            client_ips = [PHONES[p][0] for p in clients]
            for key in args.strategies.split(","):
                name, flags, warm = STRATEGIES[key]
                start_cell(clients)
                current = holder()
                if not wait_answers(current, client_ips, time.time(), 30):
                    raise RuntimeError("no traffic reaches %s before the cell %s/%s" % (current, key, behaviour))
                events = []
                peer = peer_cell(key, current) if key in PEER_STRATEGIES else None
                if peer is not None:
                    args.extra["versions"][key] = peer.version(current)
                    if not wait_answers(current, client_ips, time.time(), 30):
                        raise RuntimeError("no traffic reaches %s once %s holds the VIP" % (current, key))
                try:
                    for _index in range(args.switchovers):
                        new = HOSTS[1] if current == HOSTS[0] else HOSTS[0]
                        events.append(switchover(current, new, flags, warm, client_ips, args.cap,
                                                 agent=AGENT_STRATEGIES.get(key)) if peer is None
                                      else peer_switchover(peer, current, new, client_ips, args.cap))
                        current = new
                        wait_answers(current, client_ips, time.time() + 0.3, 10)   # steady traffic before the next
                finally:
                    if peer is not None:      # the VIP back to sipha-vip, on the host that holds it now
                        peer.teardown(HOSTS)
                        x(current, PROGRAM, "--quiet", "up")
                stop_cell(clients)
                rows = {host: answers(host) for host in HOSTS}
                table[(key, behaviour)] = measure(events, rows, client_ips)
                print("%s/%s: %s" % (key, behaviour, json.dumps(summarise(table[(key, behaviour)], args.cap))),
                      flush=True)
                write(args, table, time.time() - started, quiet=True)   # what is done so far, at each cell
        if args.memory:
            set_behaviour("honour")
            args.extra["memory"] = memory(args.memory)
    finally:
        for phone in PHONES:
            x(phone, "pkill", "-x", "sipp", check=False)
        r2_back()
        for router in ("r1", "r2"):
            lab("garp", router, "honour")
        for host in HOSTS:
            x(host, "pkill", "-f", DRILL_DIR + "/responder.py", check=False)
            x(host, "systemctl", "start", "sipha-vip-refresh.timer")
    write(args, table, time.time() - started)
    return 0


def splice(path, lines):
    """The file with its convergence section (from its title to the next top-level heading) replaced by ``lines``:
    the other sections of results.md (NIC flap, rollout, agent account) are written by hand and stay."""
    lines = list(lines)
    while lines and not lines[-1]:
        lines.pop()
    try:
        with open(path, encoding="utf-8") as handle:
            old = handle.read().rstrip("\n").split("\n")
    except FileNotFoundError:
        old = []
    before, after = [], old
    if lines[0] in old:
        start = old.index(lines[0])
        end = next((i for i in range(start + 1, len(old)) if old[i].startswith("# ")), len(old))
        before, after = old[:start], old[end:]
    return "\n".join(before + lines + ([""] + after if after else [])) + "\n"


def durable():
    """The collection's own atomic, durable file replace (plugins/module_utils/_vip/durable.py: standard library
    only), loaded from this checkout."""
    spec = importlib.util.spec_from_file_location(
        "sipha_durable", os.path.join(ROOT, "plugins", "module_utils", "_vip", "durable.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extra_of(out):
    """What a run kept beside its switchovers (the peers' versions, the memory figures): <out>-extra.json."""
    try:
        with open(os.path.splitext(out)[0] + "-extra.json", encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return {"versions": {}, "memory": None}


def extra_lines(extra, strategies):
    """The peers' versions and the memory figures, as lines of results.md."""
    lines = []
    shown = [key for key in strategies if key in PEER_STRATEGIES]
    if shown:
        lines += ["### The peers", ""]
        for key in shown:
            version = extra["versions"].get(key, "version not read")
            lines.append("- (%s) %s: %s. %s" % (key, STRATEGIES[key][0], version, peers.SUMMARY[key]))
        lines.append("")
    mem = extra.get("memory")
    if mem:
        lines += ["### Memory", "",
                  "Peak RSS from the kernel's accounting (`getrusage(RUSAGE_CHILDREN).ru_maxrss` of a parent that ran "
                  "the command and waited: the largest of the program and the children it waited for, as GNU "
                  "time's \"Maximum resident set size\"), %d runs each, routers honouring:" % len(mem["up"]), "",
                  "| command | median | max | goal |", "|---|---|---|---|"]
        for command, goal in (("up", 30 * 1024), ("refresh", None)):
            values = mem[command]
            lines.append("| `sipha-vip %s` | %.1f MB | %.1f MB | %s |" % (
                command, statistics.median(values) / 1024.0, max(values) / 1024.0,
                "≤ 30 MB: %s" % ("met" if max(values) <= goal else "NOT met") if goal else "-"))
        lines.append("")
    return lines


def write(args, raw, seconds, quiet=False):
    """results.md (the tables) and results.json (every switchover) from {(strategy, behaviour): results}."""
    behaviours = args.behaviours.split(",")
    with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as handle:
        json.dump({"%s/%s" % key: results for key, results in raw.items()}, handle, indent=1, sort_keys=True)
    with open(os.path.splitext(args.out)[0] + "-extra.json", "w", encoding="utf-8") as handle:
        json.dump(args.extra, handle, indent=1, sort_keys=True)
    table = {key: {"exec": summarise(results, args.cap), "t0": summarise(results, args.cap, "outage_t0_ms")}
             for key, results in raw.items()}
    per_censored = args.cap * RATE
    lines = ["# Convergence benchmark (embedded lab)", "",
             "`python3 benchmarks/bench.py --switchovers %d --cap %d%s%s` on the lab of `make demo`, %s%s; "
             "every switchover in `%s`." % (args.switchovers, args.cap,
                                            "" if args.strategies == STRATEGY_DEFAULT else " --strategies " + args.strategies,
                                            "" if args.behaviours == BEHAVIOUR_DEFAULT else " --behaviours " + args.behaviours,
                                            time.strftime("%Y-%m-%d"),
                                            "; %d s in all" % seconds if seconds else "",
                                            os.path.relpath(os.path.splitext(args.out)[0] + ".json", ROOT)), "",
             "Each switchover: `sipha-vip down` on the holder and `sipha-vip [switches] up` on the other, "
             "exec'd at the same instant. Outage: from the exec of `up` to the first SIP answer from the new "
             "holder, for every client (sipp, 200 OPTIONS/s per phone, one phone behind each router: a 5 ms "
             "probe interval); ms, median / p95 / max over the switchovers; lost = OPTIONS no host answered. "
             "\"> %d s\": not recovered within the cap (a majority censored shows only that). The peers (k, v, p) "
             "hold the VIP instead of sipha-vip for their cells (the routers' entries for it flushed once as a "
             "peer takes it over); their switchover starts with the exec of the command "
             "that begins it (below), and \"time zero\" is that exec too." % args.cap, ""]
    for clock, title in (("exec", "Outage from the exec of `up` (interpreter start-up included)"),
                         ("t0", "Outage from the program's time zero (after the interpreter started)")):
        lines += ["### " + title, "", "| strategy | " + " | ".join(BEHAVIOURS[b] for b in behaviours) + " |",
                  "|---|" + "---|" * len(behaviours)]
        for key in args.strategies.split(","):
            cells = []
            for behaviour in behaviours:
                cell = table.get((key, behaviour), {}).get(clock)
                cells.append("—" if cell is None else "%s / %s / %s; lost %s%s" % (
                    cell["median"], cell["p95"], cell["max"],
                    "%d" % cell["lost"] if not cell["censored"] else
                    "≥ %d per client in each one > cap%s" % (per_censored, " + %d" % cell["lost"] if cell["lost"] else ""),
                    "; %d/%d > cap" % (cell["censored"], cell["n"]) if cell["censored"] else ""))
            lines.append("| (%s) %s | %s |" % (key, STRATEGIES[key][0], " | ".join(cells)))
        lines.append("")
    cells = [cell["exec"] for key, cell in table.items() if key[0] not in PEER_STRATEGIES]   # sipha-vip's own
    if cells:
        lines.append("sipha-vip: VIP added (median of the cells' medians, from time zero): %.1f ms; fast path taken in "
                     "%d of %d switchovers; the scheduled execs ran at most %.1f ms late." % (
                         statistics.median(c["added_ms"] for c in cells), sum(c["fast"] for c in cells),
                         sum(c["n"] for c in cells), max(cell["exec"]["late_ms"] for cell in table.values())))
        lines.append("")
    lines += extra_lines(args.extra, args.strategies.split(","))
    durable().replace(args.out, splice(args.out, lines).encode("utf-8"), mode=0o644)
    if not quiet:
        print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
