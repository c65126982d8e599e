# -*- coding: utf-8 -*-
"""Recovery time of the SIP NIC's designed routes and rules after NIC flaps, repeated (not in CI).

Runs against a SIP host of a converged sip_host_network molecule scenario (after
``molecule converge -s default|networkmanager|netplan``): N admin flaps
(``ip link set dev NIC down; up`` inside the host) and N carrier losses (the
host-side veth peer set down for HOLD seconds, through
tests/molecule/files/veth_flap.sh, which checks it is that container's peer),
each timed by tests/molecule/files/flap_probe.py (polls ``ip -4 route show
table all`` / ``ip -4 rule``; "back" = every designed line present and still
present 3 s later). Prints one JSON object per flap and a summary line per
mode: median, p95, max (ms), relapses and failures.

Usage: python3 benchmarks/nic_flap.py CONTAINER [--flaps 10] [--nic eth0] [--sip-ip 198.51.100.11]
       [--gateway 198.51.100.2] [--vip 198.51.100.10] [--subnet 198.51.100.0/25] [--network 198.18.20.0/24]
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
FILES = ROOT / "tests" / "molecule" / "files"


def expected(args):
    nic = args.nic
    return {
        "routes": ["%s via %s dev %s src %s" % (net, args.gateway, nic, args.sip_ip) for net in args.network]
        + ["default via %s dev %s table sipha_sip" % (args.gateway, nic),
           "%s dev %s table sipha_sip scope link src %s" % (args.subnet, nic, args.sip_ip)],
        "rules": ["1000: from %s lookup sipha_sip" % args.sip_ip, "1001: from %s lookup sipha_sip" % args.vip],
    }


def podman(*argv, **kwargs):
    return subprocess.run(["podman"] + list(argv), stdout=subprocess.PIPE, universal_newlines=True, check=True,
                          **kwargs).stdout


def flap(args, mode, wanted):
    probe = ["exec", args.container, "python3", "/usr/local/bin/flap_probe.py", mode, args.nic, "15", json.dumps(wanted)]
    if mode == "admin":
        return json.loads(podman(*probe).splitlines()[-1])
    watcher = subprocess.Popen(["podman"] + probe, stdout=subprocess.PIPE, universal_newlines=True)
    if watcher.stdout.readline().strip() != "watching":
        sys.exit("the carrier probe did not start")
    subprocess.run([str(FILES / "veth_flap.sh"), args.container, args.nic, "sipha-m-sip", str(args.hold)], check=True,
                   stdout=subprocess.DEVNULL)
    out, dummy = watcher.communicate(timeout=60)
    return json.loads(out.splitlines()[-1])


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("container")
    parser.add_argument("--flaps", type=int, default=10)
    parser.add_argument("--hold", type=float, default=1.0, help="seconds without carrier")
    parser.add_argument("--nic", default="eth0")
    parser.add_argument("--sip-ip", default="198.51.100.11")
    parser.add_argument("--gateway", default="198.51.100.2")
    parser.add_argument("--vip", default="198.51.100.10")
    parser.add_argument("--subnet", default="198.51.100.0/25")
    parser.add_argument("--network", action="append", default=None)
    args = parser.parse_args()
    args.network = args.network or ["198.18.20.0/24"]
    wanted = expected(args)
    podman("cp", str(FILES / "flap_probe.py"), "%s:/usr/local/bin/flap_probe.py" % args.container)
    for mode in ("admin", "carrier"):
        times, relapses, failed = [], 0, 0
        for dummy in range(args.flaps):
            result = flap(args, mode, wanted)
            print(json.dumps({k: result[k] for k in ("mode", "ms", "relapses", "missing_first", "missing")}))
            relapses += result["relapses"]
            if result["ms"] is None:
                failed += 1
            else:
                times.append(result["ms"])
            time.sleep(0.5)
        if times:
            print("SUMMARY %s %s: %d flaps, median %.1f ms, p95 %.1f ms, max %.1f ms, relapses %d, not back %d" % (
                args.container, mode, args.flaps, statistics.median(times), p95(times), max(times), relapses, failed))
        else:
            print("SUMMARY %s %s: %d flaps, none came back" % (args.container, mode, args.flaps))


if __name__ == "__main__":
    main()
