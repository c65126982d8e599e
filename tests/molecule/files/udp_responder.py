"""Answer SIP-ish UDP probes from each given local address, then stop.

Usage: python3 udp_responder.py COUNT TIMEOUT ADDR[:PORT]...
One socket per address, so each reply leaves from the address the probe was
sent to, routed by the kernel like any reply of a server. The reply names
this host and the address. Stops after COUNT replies or TIMEOUT seconds.
"""
import select
import socket
import sys
import time

count, timeout = int(sys.argv[1]), float(sys.argv[2])
sockets = []
for spec in sys.argv[3:]:
    host, dummy, port = spec.partition(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, int(port or 5060)))
    sockets.append(sock)
print("listening", flush=True)
deadline = time.monotonic() + timeout
answered = 0
while answered < count and time.monotonic() < deadline:
    ready = select.select(sockets, [], [], max(0.0, deadline - time.monotonic()))[0]
    for sock in ready:
        data, peer = sock.recvfrom(4096)
        local = sock.getsockname()[0]
        sock.sendto(("SIP/2.0 200 OK\r\nServer: %s %s\r\n\r\n" % (socket.gethostname(), local)).encode(), peer)
        answered += 1
print("answered %d" % answered, flush=True)
