# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Traffic probes for the single-failure drill (playbooks/failure_drill.yml); standard library only.

Every probe stops by itself after SECONDS. Senders send one message per slot, a slot being 1/RATE s of the
wall clock (slot = floor(epoch * RATE)), so the probes of both hosts of a pair number alike; every answer is
logged as "<epoch> <peer> <slot>", the epoch taken when the answer came back.

    udp-echo PORT SECONDS
        answer every datagram to its sender (a SIP device answering the VIP's own requests)
    udp-send BIND PORT SECONDS RATE LOG PEER...
        SIP OPTIONS from BIND:PORT to PEER:PORT in every slot; BIND is the VIP, bound with IP_FREEBIND, so the
        probe runs on both hosts of the pair and only the holder's requests leave (a host without the VIP gets
        ENETUNREACH from the kernel and sends nothing)
    tcp-echo BIND PORT SECONDS
        echo every line on every connection (the HA synchronisation peer, or a host the SCS stand-in watches)
    tcp-send PEER PORT SECONDS RATE LOG
        one connection kept to PEER:PORT, the slot number written in every slot, each echo logged; a broken
        connection is logged as "<epoch> <peer> reconnect" and made again
    fresh WITHIN LOG...
        exit 0 when, in every LOG, every peer's last answer is at most WITHIN seconds old (1 otherwise, naming
        the stale ones): the drill starts a failure only when every path answers
"""
import errno
import math
import select
import socket
import sys
import threading
import time

IP_FREEBIND = 15


def _udp_echo(port, seconds):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", port))
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return 0
        sock.settimeout(left)
        try:
            data, peer = sock.recvfrom(2048)
        except socket.timeout:
            return 0
        lines = data.split(b"\r\n")
        call = [line for line in lines if line.lower().startswith(b"call-id:")]
        reply = b"SIP/2.0 200 OK\r\n" + b"\r\n".join(call) + b"\r\nContent-Length: 0\r\n\r\n"
        try:
            sock.sendto(reply, peer)
        except OSError:
            continue


def _options(bind, port, peer, slot):
    return ("OPTIONS sip:%s:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%d\r\nFrom: <sip:drill@%s>;tag=%d\r\n"
            "To: <sip:%s>\r\nCall-ID: %d@%s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            % (peer, port, bind, port, slot, bind, slot, peer, slot, peer)).encode()


def _udp_send(bind, port, seconds, rate, log_path, peers):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((bind, port))
    sock.setblocking(False)
    end = time.time() + seconds
    slot = math.floor(time.time() * rate)
    with open(log_path, "a", buffering=1) as log:
        while time.time() < end:
            for peer in peers:
                try:
                    sock.sendto(_options(bind, port, peer, slot), (peer, port))
                except OSError:
                    pass   # not the holder (ENETUNREACH), or no route: not sent
            slot += 1
            while True:    # read answers until the next slot
                wait = slot / rate - time.time()
                if wait <= 0:
                    break
                ready, _w, _x = select.select([sock], [], [], wait)
                if not ready:
                    break
                try:
                    data, peer = sock.recvfrom(2048)
                except OSError:
                    continue
                for line in data.split(b"\r\n"):
                    if line.lower().startswith(b"call-id:"):
                        number = line.split(b":", 1)[1].strip().split(b"@")[0]
                        if number.isdigit():
                            log.write("%.6f %s %s\n" % (time.time(), peer[0], number.decode()))
    return 0


def _tcp_echo(bind, port, seconds):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
    server.bind((bind, port))
    server.listen(8)
    end = time.monotonic() + seconds

    def serve(conn):
        conn.settimeout(max(1.0, end - time.monotonic()))
        try:
            while True:
                data = conn.recv(4096)
                if not data:
                    return
                conn.sendall(data)
        except OSError:
            return
        finally:
            conn.close()

    while True:
        left = end - time.monotonic()
        if left <= 0:
            return 0
        server.settimeout(left)
        try:
            conn, _peer = server.accept()
        except socket.timeout:
            return 0
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def _tcp_send(peer, port, seconds, rate, log_path):
    end = time.time() + seconds
    slot = math.floor(time.time() * rate)
    conn, pending = None, b""
    with open(log_path, "a", buffering=1) as log:
        def broken():
            log.write("%.6f %s reconnect\n" % (time.time(), peer))
            conn.close()

        while time.time() < end:
            if conn is None:
                try:
                    conn = socket.create_connection((peer, port), timeout=0.5)
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    conn.setblocking(False)
                    pending = b""
                except OSError:
                    conn = None
                    time.sleep(0.1)
                    slot = max(slot, math.floor(time.time() * rate))
                    continue
            try:
                conn.send(b"%d\n" % slot)
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EWOULDBLOCK):
                    broken()
                    conn = None
                    continue
            slot += 1
            while conn is not None:   # echoes, until the next slot is due
                wait = slot / rate - time.time()
                if wait <= 0 or not select.select([conn], [], [], wait)[0]:
                    break
                try:
                    data = conn.recv(65536)
                except OSError as err:
                    if err.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                        continue
                    data = b""
                if not data:
                    broken()
                    conn = None
                    break
                now = time.time()
                pending += data
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    log.write("%.6f %s %s\n" % (now, peer, line.decode()))
    return 0


def _fresh(within, paths):
    now, stale = time.time(), []
    for path in paths:
        last = {}
        try:
            with open(path, "rb") as log:
                log.seek(0, 2)
                log.seek(max(0, log.tell() - 65536))
                for line in log.read().decode("utf-8", "replace").splitlines()[1:]:
                    parts = line.split()
                    if len(parts) == 3 and parts[2] != "reconnect":
                        last[parts[1]] = float(parts[0])
        except (OSError, ValueError):
            pass
        if not last:
            stale.append("%s: no answer yet" % path)
        stale += ["%s: %s last answered %.1f s ago" % (path, peer, now - epoch) for peer, epoch in sorted(last.items())
                  if now - epoch > within]
    sys.stdout.write("\n".join(stale) + ("\n" if stale else ""))
    return 1 if stale else 0


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    command, args = argv[1], argv[2:]
    if command == "udp-echo" and len(args) == 2:
        return _udp_echo(int(args[0]), float(args[1]))
    if command == "udp-send" and len(args) >= 6:
        return _udp_send(args[0], int(args[1]), float(args[2]), float(args[3]), args[4], args[5:])
    if command == "tcp-echo" and len(args) == 3:
        return _tcp_echo(args[0], int(args[1]), float(args[2]))
    if command == "tcp-send" and len(args) == 5:
        return _tcp_send(args[0], int(args[1]), float(args[2]), float(args[3]), args[4])
    if command == "fresh" and len(args) >= 2:
        return _fresh(float(args[0]), args[1:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
