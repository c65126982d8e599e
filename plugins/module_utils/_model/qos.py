# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pure model of the IP TOS byte, DSCP and IP precedence (no I/O).

The TOS byte (the SIP Server option ``sip-ip-tos``) has two readings:

* RFC 2474 (DiffServ): DSCP in the top six bits, the low two bits are ECN
  (RFC 3168) and must be zero in a configured value.  TOS = DSCP * 4.
* RFC 1349: IP precedence in the top three bits, a four-bit TOS field, and a
  last bit that must be zero.  TOS = precedence * 32 + field * 2.

Used by the ``sip_tos`` module, the filters and the ``sip_qos`` role.
Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

__all__ = ["CAP_NET_ADMIN_PRECEDENCE", "DSCP_CLASSES", "READINGS", "SipTos", "TOS_FIELDS", "decode_tos",
           "dscp_class_name", "dscp_to_tos", "parse_class", "parse_dscp", "parse_precedence", "parse_reading",
           "parse_tos", "parse_tos_field", "precedence_to_tos", "resolve_sip_tos", "tos_field_names", "tos_to_dscp"]

#: DiffServ code points by name (RFC 2474 class selectors, RFC 2597 AF,
#: RFC 3246 EF, RFC 5865 VOICE-ADMIT, RFC 8622 LE).
DSCP_CLASSES: t.Dict[str, int] = {
    "default": 0,
    "be": 0,
    "le": 1,
    "cs0": 0,
    "cs1": 8,
    "cs2": 16,
    "cs3": 24,
    "cs4": 32,
    "cs5": 40,
    "cs6": 48,
    "cs7": 56,
    "af11": 10,
    "af12": 12,
    "af13": 14,
    "af21": 18,
    "af22": 20,
    "af23": 22,
    "af31": 26,
    "af32": 28,
    "af33": 30,
    "af41": 34,
    "af42": 36,
    "af43": 38,
    "va": 44,
    "ef": 46,
}

#: Preferred name for each code point when printing (first wins).
_CANONICAL: t.Dict[int, str] = {}
for _name in ("cs0", "le", "cs1", "af11", "af12", "af13", "cs2", "af21", "af22", "af23",
              "cs3", "af31", "af32", "af33", "cs4", "af41", "af42", "af43", "cs5", "va",
              "ef", "cs6", "cs7"):
    _CANONICAL.setdefault(DSCP_CLASSES[_name], _name)

#: RFC 1349 four-bit TOS field values.
TOS_FIELDS: t.Dict[str, int] = {
    "normal": 0,
    "mincost": 1,
    "reliability": 2,
    "throughput": 4,
    "lowdelay": 8,
}

#: IP precedence from which Linux may require CAP_NET_ADMIN to set IP_TOS
#: (6 = internetwork control, 7 = network control).
CAP_NET_ADMIN_PRECEDENCE = 6

READINGS = ("rfc2474", "rfc1349")


def _as_int(value: t.Any, field: str, low: int, high: int, what: str) -> int:
    """Strict integer in [low, high]; accepts int or a string of decimal digits."""
    if isinstance(value, bool):
        raise DesignError(field, "must be an integer %d..%d (%s), not a boolean" % (low, high, what), value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise DesignError(field, "must be an integer %d..%d (%s)" % (low, high, what), value)
    if not low <= number <= high:
        raise DesignError(field, "must be within %d..%d (%s)" % (low, high, what), value)
    return number


def parse_dscp(value: t.Any, field: str = "dscp") -> int:
    """DSCP from a number 0..63 or a class name such as ``ef``, ``cs3``, ``af41``."""
    if isinstance(value, str) and not value.strip().isdigit():
        name = value.strip().lower()
        if name not in DSCP_CLASSES:
            raise DesignError(
                field,
                "unknown DSCP class name; use a number 0..63 or one of %s" % ", ".join(sorted(DSCP_CLASSES)),
                value,
            )
        return DSCP_CLASSES[name]
    return _as_int(value, field, 0, 63, "a 6-bit DSCP")


def parse_class(value: t.Any, field: str = "class") -> int:
    """DSCP from a class name only (no numbers)."""
    if not isinstance(value, str) or value.strip().lower() not in DSCP_CLASSES:
        raise DesignError(field, "must be a DSCP class name: %s" % ", ".join(sorted(DSCP_CLASSES)), value)
    return DSCP_CLASSES[value.strip().lower()]


def parse_precedence(value: t.Any, field: str = "precedence") -> int:
    return _as_int(value, field, 0, 7, "a 3-bit IP precedence")


def parse_tos_field(value: t.Any, field: str = "tos_field") -> int:
    """RFC 1349 TOS field: a name (``lowdelay`` ...) or a number 0..15."""
    if isinstance(value, str) and not value.strip().isdigit():
        name = value.strip().lower()
        if name not in TOS_FIELDS:
            raise DesignError(field, "must be 0..15 or one of %s" % ", ".join(sorted(TOS_FIELDS)), value)
        return TOS_FIELDS[name]
    return _as_int(value, field, 0, 15, "the 4-bit RFC 1349 TOS field")


def parse_reading(value: t.Any, field: str = "reading") -> str:
    if value not in READINGS:
        raise DesignError(field, "must be one of %s" % ", ".join(READINGS), value)
    return value


def parse_tos(value: t.Any, field: str = "tos", reading: str = "rfc2474") -> int:
    """A configured TOS byte 0..255, checked against the reading of the byte.

    Under RFC 2474 the low two bits are ECN, which an application must not set;
    under RFC 1349 only the last bit must be zero.
    """
    reading = parse_reading(reading)
    tos = _as_int(value, field, 0, 255, "the IP TOS byte")
    if reading == "rfc2474" and tos & 0x03:
        raise DesignError(
            field,
            "the two low bits are the ECN field under RFC 2474 and must be 0; "
            "a DSCP byte is a multiple of 4 (use reading=rfc1349 for a precedence/TOS-field byte)",
            value,
        )
    if reading == "rfc1349" and tos & 0x01:
        raise DesignError(field, "the last bit must be zero under RFC 1349", value)
    return tos


def dscp_to_tos(value: t.Any, field: str = "dscp") -> int:
    """TOS byte for a DSCP number or class name (DSCP * 4)."""
    return parse_dscp(value, field) << 2


def precedence_to_tos(value: t.Any, tos_field: t.Any = 0, field: str = "precedence") -> int:
    """TOS byte for an IP precedence and an RFC 1349 TOS field (precedence * 32 + field * 2)."""
    return (parse_precedence(value, field) << 5) | (parse_tos_field(tos_field) << 1)


def tos_to_dscp(value: t.Any, field: str = "tos") -> int:
    """DSCP of a TOS byte read as RFC 2474; the ECN bits must be zero."""
    return parse_tos(value, field, "rfc2474") >> 2


def dscp_class_name(dscp: int) -> t.Optional[str]:
    """Standard name of a code point, or None when it has none."""
    return _CANONICAL.get(dscp)


def tos_field_names(field_value: int) -> t.List[str]:
    if field_value == 0:
        return ["normal"]
    return [name for name, bit in sorted(TOS_FIELDS.items(), key=lambda kv: -kv[1]) if bit and field_value & bit]


def decode_tos(value: t.Any, field: str = "tos") -> t.Dict[str, t.Any]:
    """Both readings of any byte 0..255 (nothing rejected but the range)."""
    tos = _as_int(value, field, 0, 255, "the IP TOS byte")
    dscp = tos >> 2
    rfc1349_field = (tos >> 1) & 0x0F
    return {
        "tos": tos,
        "hex": "0x%02x" % tos,
        "rfc2474": {"dscp": dscp, "class": dscp_class_name(dscp), "ecn": tos & 0x03},
        "rfc1349": {
            "precedence": tos >> 5,
            "tos_field": rfc1349_field,
            "tos_field_names": tos_field_names(rfc1349_field),
            "mbz": tos & 0x01,
        },
    }


class SipTos:
    """The resolved ``sip-ip-tos`` value and what it means."""

    def __init__(self, tos: int, source: str) -> None:
        self.tos = tos
        self.source = source
        decoded = decode_tos(tos)
        self.dscp = decoded["rfc2474"]["dscp"]
        self.dscp_class = decoded["rfc2474"]["class"]
        self.ecn = decoded["rfc2474"]["ecn"]
        self.precedence = decoded["rfc1349"]["precedence"]
        self.rfc1349 = decoded["rfc1349"]

    @property
    def needs_cap_net_admin(self) -> bool:
        return self.precedence >= CAP_NET_ADMIN_PRECEDENCE

    def warnings(self) -> t.List[str]:
        out = []
        if self.needs_cap_net_admin:
            out.append(
                "sip-ip-tos %d sets IP precedence %d (internetwork/network control): on Linux "
                "the SIP Server account may need CAP_NET_ADMIN to set it, and routers usually "
                "reserve it for routing protocols" % (self.tos, self.precedence)
            )
        if self.ecn:
            out.append(
                "sip-ip-tos %d has a non-zero low bit pair: DiffServ (RFC 2474) equipment reads it "
                "as the ECN field, not as part of the class" % self.tos
            )
        return out

    def as_dict(self) -> t.Dict[str, t.Any]:
        return {
            "sip_ip_tos": self.tos,
            "hex": "0x%02x" % self.tos,
            "dscp": self.dscp,
            "dscp_class": self.dscp_class,
            "precedence": self.precedence,
            "ecn": self.ecn,
            "rfc1349": self.rfc1349,
            "needs_cap_net_admin": self.needs_cap_net_admin,
            "source": self.source,
        }


def resolve_sip_tos(
    dscp: t.Any = None,
    precedence: t.Any = None,
    tos: t.Any = None,
    dscp_class: t.Any = None,
    tos_field: t.Any = None,
    reading: str = "rfc2474",
) -> SipTos:
    """Exactly one of dscp / precedence / tos / class gives the byte."""
    given = [name for name, val in (("dscp", dscp), ("precedence", precedence), ("tos", tos), ("class", dscp_class))
             if val is not None]
    if len(given) != 1:
        raise DesignError(
            "/".join(given) if given else "dscp/precedence/tos/class",
            "exactly one of dscp, precedence, tos, class must be given, found %d" % len(given),
            show_value=False,
        )
    if tos_field is not None and given[0] != "precedence":
        raise DesignError("tos_field", "only applies with precedence (the RFC 1349 reading)", tos_field)
    if given[0] == "dscp":
        return SipTos(dscp_to_tos(dscp, "dscp"), "dscp")
    if given[0] == "class":
        return SipTos(parse_class(dscp_class, "class") << 2, "class")
    if given[0] == "precedence":
        return SipTos(precedence_to_tos(precedence, tos_field if tos_field is not None else 0), "precedence")
    return SipTos(parse_tos(tos, "tos", reading), "tos")
