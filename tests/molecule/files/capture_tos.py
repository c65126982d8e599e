"""Capture UDP packets with tcpdump and report the TOS byte of each.

  python3 capture_tos.py start DIR COUNT FILTER [IFACE [DIRECTION]]
                                          start tcpdump detached (IFACE default any,
                                          DIRECTION in/out/inout); returns when it listens
  python3 capture_tos.py read DIR TIMEOUT         wait for it to finish; print JSON records

Records: {"src", "sport", "dst", "dport", "tos"}. tcpdump stops by itself
after COUNT packets or 30 s, whichever comes first.
"""
import json
import os
import re
import subprocess
import sys
import time

HEADER = re.compile(r"IP \(tos (0x[0-9a-f]+)")
ADDRS = re.compile(r"^\s*(\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+):")


def start(directory, count, bpf, iface="any", direction="inout"):
    os.makedirs(directory, exist_ok=True)
    for name in ("cap.pcap", "cap.err", "cap.rc"):
        if os.path.exists(os.path.join(directory, name)):
            os.remove(os.path.join(directory, name))
    script = ('timeout 30 tcpdump -i "$4" -Q "$5" -nn -U -c "$1" -w "$2/cap.pcap" "$3" 2>"$2/cap.err";'
              ' echo $? >"$2/cap.rc"')
    subprocess.Popen(["sh", "-c", script, "sh", count, directory, bpf, iface, direction], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(os.path.join(directory, "cap.err")) as handle:
                if "listening on" in handle.read():
                    return 0
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    sys.exit("tcpdump did not start listening within 10 s")


def read(directory, timeout):
    deadline = time.monotonic() + float(timeout)
    rc_path = os.path.join(directory, "cap.rc")
    while not os.path.exists(rc_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    text = subprocess.run(["tcpdump", "-r", os.path.join(directory, "cap.pcap"), "-nn", "-v"],
                          capture_output=True, text=True, check=True).stdout
    records, tos = [], None
    for line in text.splitlines():
        header = HEADER.search(line)
        if header:
            tos = int(header.group(1), 16)
            continue
        addrs = ADDRS.match(line)
        if addrs and tos is not None:
            src, sport, dst, dport = addrs.groups()
            records.append({"src": src, "sport": int(sport), "dst": dst, "dport": int(dport), "tos": tos})
            tos = None
    print(json.dumps({"finished": os.path.exists(rc_path), "records": records}))


if __name__ == "__main__":
    if sys.argv[1] == "start":
        start(*sys.argv[2:])
    else:
        read(sys.argv[2], sys.argv[3])
