# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Add and remove the VIP over rtnetlink: what ``ip -4 address add|del`` sends, without starting ``ip``.

Starting ``ip`` from Python costs 2-4 ms (fork, exec, dynamic linking) on
the takeover's critical path; the kernel request itself takes microseconds.
The message is the one iproute2 sends for ``ip -4 address add A/P dev D
label L``: RTM_NEWADDR with NLM_F_CREATE|NLM_F_EXCL, IFA_LOCAL = IFA_ADDRESS
= A, scope global, no broadcast. So the kernel answers as it answers ``ip``:
EEXIST when the address is there already, EADDRNOTAVAIL on a delete of an
address that is not.

Only modules built into the interpreter (``_socket``, ``struct``): this file
is on the takeover program's fast path.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import _socket
import struct

__all__ = ["NETLINK_ROUTE", "NLMSG_ERROR", "acknowledgement", "add_address", "address_message", "delete_address",
           "request"]

RTM_NEWADDR, RTM_DELADDR = 20, 21
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL = 1, 2, 3
NETLINK_ROUTE = 0
_HEADER = struct.Struct("=IHHII")       # nlmsghdr: length, type, flags, sequence, port id
_IFADDRMSG = struct.Struct("=BBBBI")    # family, prefix length, flags, scope, interface index
_ATTR = struct.Struct("=HH")            # rtattr: length, type


def _attribute(kind: int, payload: bytes) -> bytes:
    length = _ATTR.size + len(payload)
    return _ATTR.pack(length, kind) + payload + b"\0" * (-length % 4)


def address_message(operation: int, index: int, address: str, prefix: int, label: str | None = None,
                    sequence: int = 1) -> bytes:
    """The RTM_NEWADDR / RTM_DELADDR request for one IPv4 address on interface ``index``."""
    if operation not in (RTM_NEWADDR, RTM_DELADDR):
        raise ValueError("operation must be RTM_NEWADDR or RTM_DELADDR")
    raw = _socket.inet_aton(address)
    body = _IFADDRMSG.pack(_socket.AF_INET, prefix, 0, 0, index)
    body += _attribute(IFA_LOCAL, raw) + _attribute(IFA_ADDRESS, raw)
    if label and operation == RTM_NEWADDR:
        body += _attribute(IFA_LABEL, label.encode("ascii") + b"\0")
    flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_CREATE | NLM_F_EXCL if operation == RTM_NEWADDR else 0)
    return _HEADER.pack(_HEADER.size + len(body), operation, flags, sequence, 0) + body


def acknowledgement(data: bytes, sequence: int) -> int | None:
    """The errno in the kernel's answer to request ``sequence`` (0: done), or None if it is not in ``data``."""
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, kind, _flags, got, _port = _HEADER.unpack_from(data, offset)
        if length < _HEADER.size:
            return None
        if kind == NLMSG_ERROR and got == sequence and offset + _HEADER.size + 4 <= len(data):
            return -struct.unpack_from("=i", data, offset + _HEADER.size)[0]
        offset += (length + 3) & ~3
    return None


def request(message: bytes, timeout: float = 2.0) -> int:
    """Send one rtnetlink request and wait for its acknowledgement; the errno (0: done).

    Raises OSError when the kernel cannot be asked (no socket, no answer within ``timeout``)."""
    sequence = _HEADER.unpack_from(message)[3]
    sock = _socket.socket(_socket.AF_NETLINK, _socket.SOCK_RAW, NETLINK_ROUTE)
    try:
        sock.settimeout(timeout)
        sock.bind((0, 0))
        sock.send(message)
        while True:
            code = acknowledgement(sock.recv(65536), sequence)
            if code is not None:
                return code
    finally:
        sock.close()


def add_address(interface: str, address: str, prefix: int, label: str | None = None) -> int:
    """``ip -4 address add address/prefix dev interface [label label]``; the errno (0 added, EEXIST held)."""
    return request(address_message(RTM_NEWADDR, _socket.if_nametoindex(interface), address, prefix, label))


def delete_address(interface: str, address: str, prefix: int) -> int:
    """``ip -4 address del address/prefix dev interface``; the errno (0 removed, EADDRNOTAVAIL not held)."""
    return request(address_message(RTM_DELADDR, _socket.if_nametoindex(interface), address, prefix))
