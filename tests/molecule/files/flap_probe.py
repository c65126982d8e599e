"""Flap a NIC and time, from outside, how long until the designed routes and rules are back.

Usage: python3 flap_probe.py admin|carrier NIC TIMEOUT EXPECTED_JSON

EXPECTED_JSON: {"routes": [...], "rules": [...]}, lines as ``ip -4 route show
table all`` / ``ip -4 rule`` print them, without ``proto X``, ``onlink`` and
``metric 0``, whitespace collapsed (a route the kernel marks ``linkdown``
does not count as back).

admin: runs ``ip link set dev NIC down`` then ``up`` itself; the clock starts
when ``up`` has returned.
carrier: prints ``watching`` and waits for the carrier of NIC to go (something
outside takes it away, e.g. the veth peer on the machine) and come back; the
clock starts when this process first sees ``/sys/class/net/NIC/carrier`` = 1
again.

Then polls ``ip -4 route show table all`` and ``ip -4 rule`` until every
expected line is there and still is 3 s later, or TIMEOUT seconds pass;
prints one JSON object: ms (time until all were present for good, null on
timeout), relapses (how often something went missing again), polls, what
was missing at the first poll and at the end, and the final route and rule
lists. It never
judges; the playbook asserts. Exits by itself (carrier mode: 60 s at most).
"""
import json
import re
import subprocess
import sys
import time

HOLD = 3.0
CLEAN = re.compile(r" (proto \S+|onlink|metric 0)(?= |$)")


def lines(argv):
    out = subprocess.run(argv, stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    return [CLEAN.sub("", " ".join(line.split())) for line in out.splitlines() if line.strip()]


def state():
    return lines(["ip", "-4", "route", "show", "table", "all"]), lines(["ip", "-4", "rule", "show"])


def missing(expected, routes, rules):
    return [r for r in expected["routes"] if r not in routes] + [r for r in expected["rules"] if r not in rules]


def carrier(nic):
    try:
        with open("/sys/class/net/%s/carrier" % nic) as handle:
            return handle.read().strip() == "1"
    except OSError:   # reading carrier of an admin-down NIC fails with EINVAL
        return False


def main():
    mode, nic, timeout, expected = sys.argv[1], sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
    result = {"mode": mode, "nic": nic}
    if mode == "admin":
        subprocess.run(["ip", "link", "set", "dev", nic, "down"], check=True)
        result["while_down"] = missing(expected, *state())
        subprocess.run(["ip", "link", "set", "dev", nic, "up"], check=True)
        start = time.monotonic()
    elif mode == "carrier":
        print("watching", flush=True)
        deadline = time.monotonic() + 60
        while carrier(nic):
            if time.monotonic() > deadline:
                sys.exit("the carrier of %s never went" % nic)
            time.sleep(0.001)
        lost = time.monotonic()
        result["while_down"] = missing(expected, *state())
        while not carrier(nic):
            if time.monotonic() > deadline:
                sys.exit("the carrier of %s never came back" % nic)
            time.sleep(0.001)
        start = time.monotonic()
        result["carrier_lost_ms"] = round((start - lost) * 1000, 1)
    else:
        sys.exit("mode: admin or carrier")
    # back = complete, and still complete HOLD seconds later (a tool may take a route away again while it
    # reconfigures the NIC: each such relapse is counted, and the clock stops at the last return)
    polls, first, since, relapses = 0, None, None, 0
    while True:
        routes, rules = state()
        now = time.monotonic()
        polls += 1
        gone = missing(expected, routes, rules)
        if first is None:
            first = gone
        if gone and since is not None:
            since, relapses = None, relapses + 1
        elif not gone and since is None:
            since = now
        if since is not None and now - since >= HOLD:
            break
        if now - start > timeout:
            break
        time.sleep(0.005)
    ms = round((since - start) * 1000, 1) if since is not None else None
    result.update(ms=ms, polls=polls, relapses=relapses, missing_first=first, missing=gone, routes=routes,
                  rules=rules)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
