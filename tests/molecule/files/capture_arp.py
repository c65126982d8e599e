"""Capture ARP frames with tcpdump and report when each was seen (epoch seconds, kernel timestamps).

  python3 capture_arp.py start DIR IFACE     start tcpdump detached; returns once it listens
  python3 capture_arp.py stop DIR            stop it; print JSON records, oldest first

Records: {"epoch", "src_mac", "op" (request/reply), "sender_ip", "target_ip"}. tcpdump
stops by itself after 60 s. Containers share the host's clock, so these times compare
with those the takeover program logs on a SIP host.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

LINE = re.compile(r"^(\d+\.\d+) ([0-9a-f:]{17}) > [0-9a-f:]{17}, ethertype ARP.*?: "
                  r"(?:Request who-has (\S+) tell ([0-9.]+)|Reply ([0-9.]+) is-at)")


def start(directory, iface):
    os.makedirs(directory, exist_ok=True)
    for name in ("arp.txt", "arp.err"):
        if os.path.exists(os.path.join(directory, name)):
            os.remove(os.path.join(directory, name))
    proc = subprocess.Popen(["timeout", "60", "tcpdump", "-i", iface, "-l", "-n", "-e", "-tt", "arp"],
                            stdout=open(os.path.join(directory, "arp.txt"), "w"),
                            stderr=open(os.path.join(directory, "arp.err"), "w"),
                            stdin=subprocess.DEVNULL, start_new_session=True)
    with open(os.path.join(directory, "pid"), "w") as handle:
        handle.write(str(proc.pid))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open(os.path.join(directory, "arp.err")) as handle:
            if "listening on" in handle.read():
                return 0
        time.sleep(0.05)
    sys.stderr.write("tcpdump did not start listening within 10 s\n")
    return 1


def stop(directory):
    with open(os.path.join(directory, "pid")) as handle:
        pid = int(handle.read())
    try:
        os.killpg(pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and os.path.exists("/proc/%d" % pid) and \
            "zombie" not in open("/proc/%d/status" % pid).read():
        time.sleep(0.05)
    records = []
    with open(os.path.join(directory, "arp.txt")) as handle:
        for line in handle:
            match = LINE.match(line)
            if not match:
                continue
            epoch, mac, who_has, tell, reply_ip = match.groups()
            records.append({"epoch": float(epoch), "src_mac": mac, "op": "request" if who_has else "reply",
                            "sender_ip": tell if who_has else reply_ip, "target_ip": who_has or reply_ip})
    print(json.dumps(records))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "start":
        sys.exit(start(sys.argv[2], sys.argv[3]))
    sys.exit(stop(sys.argv[2]))
