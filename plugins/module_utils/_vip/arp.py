# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ARP frames for a VIP takeover, and the raw socket that sends and hears them.

The frames are built here, byte by byte, so the first announcement leaves
microseconds after the address is added (no ``arping`` process to start,
and ``arping`` waits ~1 s for replies). Three kinds announce a VIP:

* a gratuitous ARP request (sender = target = VIP), broadcast;
* a gratuitous ARP reply (sender = target = VIP, target MAC = own MAC:
  Linux treats a reply as gratuitous only then), broadcast;
* a *directed* ARP request to each adjacent router's own address with the
  VIP as sender: a router must learn the sender of a request addressed to
  itself, even one that drops gratuitous ARP.

The duplicate check sends an RFC 5227 probe (sender address 0.0.0.0), the
same as ``arping -D``, and reports the MAC of any other host that answers.

Python 3.8+ standard library only: installed on SIP hosts with the program. At run
time it imports only modules built into the interpreter (``_socket``, not
``socket``, which drags in ``enum`` and ``selectors``): it is on the
takeover's fast path (``_vip_fast``), where every millisecond of imports is
a millisecond of outage.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import _socket
import select
import struct
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    import typing as t

__all__ = ["ArpLink", "ArpPacket", "BROADCAST", "ETH_P_ARP", "PACKET_OUTGOING", "ZERO_MAC", "announcements",
           "directed_request", "frame", "gratuitous_reply", "gratuitous_request", "mac_bytes", "mac_text", "parse",
           "probe"]

ETH_P_ARP = 0x0806
BROADCAST = b"\xff" * 6
ZERO_MAC = b"\x00" * 6
REQUEST, REPLY = 1, 2
PACKET_OUTGOING = 4
_MIN_FRAME = 60


class ArpPacket:
    """One IPv4-over-Ethernet ARP packet, its addresses as text (a plain class: ``typing`` costs ms)."""

    __slots__ = ("op", "sender_mac", "sender_ip", "target_mac", "target_ip")

    def __init__(self, op: int, sender_mac: str, sender_ip: str, target_mac: str, target_ip: str) -> None:
        self.op = op
        self.sender_mac = sender_mac
        self.sender_ip = sender_ip
        self.target_mac = target_mac
        self.target_ip = target_ip

    def fields(self) -> t.Tuple[int, str, str, str, str]:
        return (self.op, self.sender_mac, self.sender_ip, self.target_mac, self.target_ip)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArpPacket) and self.fields() == other.fields()

    def __hash__(self) -> int:
        return hash(self.fields())

    def __repr__(self) -> str:
        return "ArpPacket%r" % (self.fields(),)


def mac_bytes(mac: str) -> bytes:
    parts = mac.split(":")
    if len(parts) != 6 or not all(len(p) == 2 for p in parts):
        raise ValueError("not a MAC address: %r" % mac)
    return bytes(int(part, 16) for part in parts)


def mac_text(raw: bytes) -> str:
    return ":".join("%02x" % byte for byte in raw)


def frame(op: int, sender_mac: bytes, sender_ip: str, target_mac: bytes, target_ip: str,
          eth_dst: bytes = BROADCAST) -> bytes:
    """An Ethernet frame carrying one ARP packet (IPv4 over Ethernet), padded to the 60-byte minimum."""
    header = eth_dst + sender_mac + struct.pack("!H", ETH_P_ARP)
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sender_mac, _socket.inet_aton(sender_ip),
                       target_mac, _socket.inet_aton(target_ip))
    data = header + body
    return data + b"\x00" * (_MIN_FRAME - len(data))


def parse(data: bytes) -> t.Optional[ArpPacket]:
    """The ARP packet in an Ethernet frame, or None if it is not IPv4-over-Ethernet ARP."""
    if len(data) < 42 or data[12:14] != b"\x08\x06":
        return None
    htype, ptype, hlen, plen, op, sha, spa, tha, tpa = struct.unpack("!HHBBH6s4s6s4s", data[14:42])
    if (htype, ptype, hlen, plen) != (1, 0x0800, 6, 4):
        return None
    return ArpPacket(op, mac_text(sha), _socket.inet_ntoa(spa), mac_text(tha), _socket.inet_ntoa(tpa))


def gratuitous_request(mac: bytes, vip: str) -> bytes:
    return frame(REQUEST, mac, vip, ZERO_MAC, vip)


def gratuitous_reply(mac: bytes, vip: str) -> bytes:
    return frame(REPLY, mac, vip, mac, vip)


def directed_request(mac: bytes, vip: str, router_ip: str) -> bytes:
    return frame(REQUEST, mac, vip, ZERO_MAC, router_ip)


def probe(mac: bytes, vip: str) -> bytes:
    return frame(REQUEST, mac, "0.0.0.0", ZERO_MAC, vip)


def announcements(mac: bytes, vip: str, router_ips: t.Sequence[str], garp: bool = True, replies: bool = True,
                  directed: bool = True) -> t.List[t.Tuple[str, bytes]]:
    """What one announcement round sends, in order: directed requests first (the fastest to move a
    router's entry), then the gratuitous request and reply."""
    frames = [("directed %s" % ip, directed_request(mac, vip, ip)) for ip in router_ips] if directed else []
    if garp:
        frames.append(("gratuitous request", gratuitous_request(mac, vip)))
        if replies:
            frames.append(("gratuitous reply", gratuitous_reply(mac, vip)))
    return frames


class ArpLink:
    """A packet socket on one NIC (needs CAP_NET_RAW).

    Sending uses a socket bound with protocol 0: it registers no receive hook, so creating it costs
    microseconds (an ETH_P_ARP socket waits for an RCU grace period, ~10 ms, before the first frame
    could leave). The receiving socket for the duplicate check is opened only when one is made."""

    def __init__(self, interface: str) -> None:
        self.interface = interface
        self.sock = _socket.socket(_socket.AF_PACKET, _socket.SOCK_RAW, 0)
        self.sock.bind((interface, 0))
        self.mac = self.sock.getsockname()[4][:6]

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "ArpLink":
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()

    def send(self, frames: t.Sequence[t.Tuple[str, bytes]]) -> t.Optional[float]:
        """Send the frames; return the epoch time of the first one sent (None if there were none)."""
        first = None
        for _name, data in frames:
            self.sock.send(data)
            if first is None:
                first = time.time()
        return first

    def other_holders(self, vip: str, timeout_ms: int, first: bool = False) -> t.List[str]:
        """Send a duplicate-address probe for ``vip`` and list the MACs of other hosts that claim it
        within ``timeout_ms`` (a reply, or any ARP packet they send with the VIP as sender).
        ``first``: return at the first one found."""
        own = mac_text(self.mac)
        found: t.List[str] = []
        listener = _socket.socket(_socket.AF_PACKET, _socket.SOCK_RAW, _socket.htons(ETH_P_ARP))
        try:
            listener.bind((self.interface, ETH_P_ARP))
            self.sock.send(probe(self.mac, vip))
            deadline = time.monotonic() + timeout_ms / 1000.0
            while True:
                left = deadline - time.monotonic()
                ready = select.select([listener], [], [], left)[0] if left > 0 else []
                if not ready:
                    return found
                data, address = listener.recvfrom(2048)
                packet = parse(data)
                if address[2] == PACKET_OUTGOING or packet is None:
                    continue
                if packet.sender_ip == vip and packet.sender_mac != own and packet.sender_mac not in found:
                    found.append(packet.sender_mac)
                    if first:
                        return found
        finally:
            listener.close()
