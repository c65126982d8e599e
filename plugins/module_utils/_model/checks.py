# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Field checks shared by every part of the design model (no I/O).

Each check returns the normalised value or raises DesignError naming the
field and the rule.  Values that end up on a command line or in a config
file are checked here, never quoted after the fact.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

__all__ = ["NAME", "SPECIAL_NETWORKS", "absolute_path", "account", "choice_list", "colon_mac", "find_mac", "identifier",
           "interface_name", "ip_address", "ipv4_address", "mac_address", "merge_fields", "name", "port", "port_list",
           "public_key", "special_range", "whole_number"]

# Linux interface names: at most 15 bytes, no '/', no whitespace, not '.' or '..'; ':' is an address label
# (eth1:vip), never an interface. We also refuse quotes and other shell/config metacharacters.
_IFNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}$")
#: an absolute path that a systemd unit, a shell line or a config file can hold as one word
_PATH = re.compile(r"^(/[A-Za-z0-9_.+-]+)+/?$")
#: IPv4 ranges that are no network of hosts or devices (RFC 6890), and what each is
SPECIAL_NETWORKS: t.Tuple[t.Tuple[ipaddress.IPv4Network, str], ...] = (
    (ipaddress.IPv4Network("0.0.0.0/8"), "'this network' 0.0.0.0/8"),
    (ipaddress.IPv4Network("127.0.0.0/8"), "loopback 127.0.0.0/8"),
    (ipaddress.IPv4Network("169.254.0.0/16"), "link-local 169.254.0.0/16"),
    (ipaddress.IPv4Network("224.0.0.0/4"), "multicast 224.0.0.0/4"),
    (ipaddress.IPv4Network("240.0.0.0/4"), "reserved (class E, and the broadcast address) 240.0.0.0/4"),
)
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
#: a VRF / routing-instance name, and a router's name in the inventory (both reach router CLIs and file names)
_NAME = NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
_ACCOUNT = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")
_MAC = re.compile(r"\b([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}|[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4})\b")
_KEY = re.compile(r"^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}( [^\s,\"]{1,64})?$")


def interface_name(value: t.Any, field: str) -> str:
    if not isinstance(value, str) or not _IFNAME.match(value):
        raise DesignError(
            field,
            "must be a Linux interface name: 1-15 of letters, digits, '_', '.', '@', '-', "
            "starting with a letter or digit (':' marks an address label, not an interface)",
            value,
        )
    return value


def identifier(value: t.Any, field: str) -> str:
    if not isinstance(value, str) or not _IDENT.match(value):
        raise DesignError(field, "must start with a letter and hold only letters, digits and '_' (max 32)", value)
    return value


def ip_address(value: t.Any, field: str) -> t.Union[ipaddress.IPv4Address, ipaddress.IPv6Address]:
    if not isinstance(value, str):
        raise DesignError(field, "must be an IPv4 or IPv6 address written as a string", value)
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        raise DesignError(field, "must be a single IPv4 or IPv6 address (no prefix length, no host name)", value)


def whole_number(value: t.Any, field: str, low: int, high: int, rule: t.Optional[str] = None) -> int:
    """A whole number ``low..high``, given as an int or a string of digits (never a bool or a float)."""
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not text.isdigit() or not low <= int(text) <= high:
        raise DesignError(field, rule or "must be a whole number %d..%d" % (low, high), value)
    return int(text)


def port(value: t.Any, field: str) -> int:
    return whole_number(value.strip() if isinstance(value, str) else value, field, 1, 65535,
                        "must be a port number 1..65535")


def port_list(value: t.Any, field: str, allow_empty: bool = False) -> t.List[int]:
    if not isinstance(value, (list, tuple)):
        raise DesignError(field, "must be a list of port numbers", value)
    if not value and not allow_empty:
        raise DesignError(field, "must hold at least one port", value)
    ports = [port(item, "%s[%d]" % (field, index)) for index, item in enumerate(value)]
    if len(set(ports)) != len(ports):
        raise DesignError(field, "lists a port twice", value)
    return sorted(ports)


def choice_list(value: t.Any, field: str, choices: t.Sequence[str]) -> t.List[str]:
    if not isinstance(value, (list, tuple)) or not value:
        raise DesignError(field, "must be a non-empty list of %s" % ", ".join(choices), value)
    for index, item in enumerate(value):
        if item not in choices:
            raise DesignError("%s[%d]" % (field, index), "must be one of %s" % ", ".join(choices), item)
    return sorted(set(value))


def merge_fields(data: t.Any, defaults: t.Mapping[str, t.Any], what: str, field: str) -> t.Dict[str, t.Any]:
    """``defaults`` overlaid with the non-null values of ``data``; unknown keys are refused."""
    if not isinstance(data, dict):
        raise DesignError(field, "must be a dictionary", data)
    unknown = sorted(set(data) - set(defaults))
    if unknown:
        raise DesignError(unknown[0], "is not a %s field; known: %s" % (what, ", ".join(sorted(defaults))),
                          show_value=False)
    merged = dict(defaults)
    merged.update({key: value for key, value in data.items() if value is not None})
    return merged


def ipv4_address(value: t.Any, field: str) -> str:
    """An IPv4 address as a string (ARP, and so the VIP and its flush, is IPv4 only)."""
    address = ip_address(value, field)
    if address.version != 4:
        raise DesignError(field, "must be an IPv4 address: ARP is IPv4 (IPv6 uses neighbour discovery)", value)
    return str(address)


def name(value: t.Any, field: str, what: str) -> str:
    """A router's name or a VRF / routing-instance name: 1-32 of letters, digits, '_', '.', '-'."""
    if not isinstance(value, str) or not _NAME.match(value):
        raise DesignError(field, "must be %s: 1-32 of letters, digits, '_', '.', '-', starting with a letter or "
                          "digit" % what, value)
    return value


def account(value: t.Any, field: str = "account") -> str:
    if not isinstance(value, str) or not _ACCOUNT.match(value):
        raise DesignError(field, "must be a lower-case account name (letters, digits, '_', '-', max 31)", value)
    return value


def public_key(value: t.Any, field: str) -> str:
    if not isinstance(value, str) or not _KEY.match(value.strip()):
        raise DesignError(field, "must be one OpenSSH public key line (type, base64, optional comment) "
                          "with no options", value)
    return value.strip()


def colon_mac(text: str) -> str:
    """Any MAC notation as lower-case, ':'-separated."""
    digits = re.sub(r"[^0-9a-f]", "", text.lower())
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def mac_address(value: t.Any, field: str = "mac") -> str:
    if not isinstance(value, str) or not _MAC.fullmatch(value.strip()):
        raise DesignError(field, "must be a MAC address (02:00:5e:00:53:01 or 0200.5e00.5301)", value)
    return colon_mac(value.strip())


def find_mac(line: str) -> t.Optional[str]:
    """The first MAC address in a line of router output, normalised, or None."""
    found = _MAC.search(line)
    return colon_mac(found.group(1)) if found else None


def special_range(network: t.Union[ipaddress.IPv4Network, ipaddress.IPv4Address]) -> t.Optional[str]:
    """The special range (SPECIAL_NETWORKS) an address or network touches, or None."""
    net = ipaddress.IPv4Network(network) if isinstance(network, ipaddress.IPv4Address) else network
    for special, what in SPECIAL_NETWORKS:
        if net.overlaps(special):
            return what
    return None


def absolute_path(value: t.Any, field: str) -> str:
    """An absolute path of letters, digits, '_', '.', '+', '-' between '/' (no '..', no spaces or quotes)."""
    if not isinstance(value, str) or not _PATH.match(value) or "/../" in value + "/" or "/./" in value + "/":
        raise DesignError(field, "must be an absolute path of letters, digits, '_', '.', '+', '-' and '/' "
                          "(no spaces, quotes or '..': it is written into unit files and command lines)", value)
    return value
