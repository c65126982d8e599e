# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A SIP responder for failover drills: answers OPTIONS on VIP:5060 with 200 OK naming this host.

    python3 sipha_sip_responder.py VIP NAME LOG [SECONDS]

Binds the VIP with IP_FREEBIND, so it runs on both hosts of a pair and answers only where the VIP is.
Each answered request is appended to LOG as "epoch call-id" (kernel receive time is not needed: the
drill's resolution is the client's send interval). Stops by itself after SECONDS (default 600).
"""
import socket
import sys
import time

IP_FREEBIND = 15


def answer(request, name):
    lines = request.decode("utf-8", "replace").split("\r\n")
    if not lines or not lines[0].startswith("OPTIONS "):
        return None, None
    keep = [line for line in lines[1:] if line.split(":", 1)[0].strip().lower() in
            ("via", "from", "to", "call-id", "cseq", "v", "f", "t", "i")]
    call_id = next((line.split(":", 1)[1].strip() for line in keep if line.lower().startswith(("call-id", "i:"))), "")
    reply = ["SIP/2.0 200 OK"] + keep + ["Server: sipha-responder/%s" % name, "Content-Length: 0", "", ""]
    return "\r\n".join(reply).encode(), call_id


def main():
    vip, name, log_path = sys.argv[1:4]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 600.0
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
    sock.bind((vip, 5060))
    end = time.monotonic() + seconds
    with open(log_path, "a", buffering=1) as log:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return 0
            sock.settimeout(left)
            try:
                data, peer = sock.recvfrom(4096)
            except socket.timeout:
                return 0
            reply, call_id = answer(data, name)
            if reply:
                try:
                    sock.sendto(reply, peer)
                except OSError:   # the VIP left this host between the request and the answer: not answered
                    continue
                log.write("%.6f %s\n" % (time.time(), call_id))


if __name__ == "__main__":
    sys.exit(main())
