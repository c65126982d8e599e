"""Send one SIP OPTIONS datagram from a chosen source address and port.

Usage: python3 udp_send.py SRC SPORT DST DPORT [LABEL]
The kernel picks the route (and so the NIC) as for any other packet.
"""
import socket
import sys

src, sport, dst, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
label = sys.argv[5] if len(sys.argv) > 5 else "probe"
message = (
    "OPTIONS sip:%s:%d SIP/2.0\r\n"
    "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%s\r\n"
    "From: <sip:probe@%s>;tag=%s\r\nTo: <sip:%s>\r\nCall-ID: %s@%s\r\nCSeq: 1 OPTIONS\r\n"
    "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
) % (dst, dport, src, sport, label, src, label, dst, label, src)
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((src, sport))
    sock.sendto(message.encode(), (dst, dport))
