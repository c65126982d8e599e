# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Host DSCP marking policy for SIP and RTP, rendered as an nftables table (no I/O).

The table is self-contained (``table inet <name>``) and loaded atomically:
the file first declares, deletes and re-creates the table in one
transaction, so a reload never leaves the host unmarked in between and
never touches anyone else's tables.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.qos import parse_dscp

__all__ = ["DEFAULTS", "PROTOCOLS", "QosPolicy", "render_ruleset"]

PROTOCOLS = ("udp", "tcp")

DEFAULTS: t.Dict[str, t.Any] = {
    "table": "sipha_qos",
    "sip_dscp": "ef",
    "rtp_dscp": "ef",
    "sip_ports": [5060, 5061],
    "sip_protocols": ["udp", "tcp"],
    "mark_rtp": True,
    "rtp_port_start": 10000,
    "rtp_port_end": 20000,
    "sip_nic": None,
    "vip": None,
    "counters": True,
}


class QosPolicy:
    """Validated marking policy. Build with ``QosPolicy.from_dict``."""

    def __init__(self, **values: t.Any) -> None:
        self.table: str = values["table"]
        self.sip_dscp: int = values["sip_dscp"]
        self.rtp_dscp: int = values["rtp_dscp"]
        self.sip_ports: t.List[int] = values["sip_ports"]
        self.sip_protocols: t.List[str] = values["sip_protocols"]
        self.rtp_ports: t.Optional[t.Tuple[int, int]] = values["rtp_ports"]
        self.sip_nic: t.Optional[str] = values["sip_nic"]
        self.vip: t.Optional[t.Any] = values["vip"]
        self.counters: bool = values["counters"]

    @classmethod
    def from_dict(cls, data: t.Mapping[str, t.Any]) -> "QosPolicy":
        merged = v.merge_fields(data, DEFAULTS, "QoS policy", "qos policy")

        sip_nic = merged["sip_nic"] or None
        vip = merged["vip"] or None
        if sip_nic is None and vip is None:
            raise DesignError("sip_nic/vip", "give the SIP NIC, the VIP, or both: marking needs something to match",
                              show_value=False)
        rtp_ports = None
        if not isinstance(merged["mark_rtp"], bool):
            raise DesignError("mark_rtp", "must be true or false", merged["mark_rtp"])
        if merged["mark_rtp"]:
            start = v.port(merged["rtp_port_start"], "rtp_port_start")
            end = v.port(merged["rtp_port_end"], "rtp_port_end")
            if start > end:
                raise DesignError("rtp_port_end", "must not be below rtp_port_start (%d)" % start, end)
            rtp_ports = (start, end)
        sip_ports = v.port_list(merged["sip_ports"], "sip_ports")
        if rtp_ports:
            clash = [p for p in sip_ports if rtp_ports[0] <= p <= rtp_ports[1]]
            if clash:
                rule = "port %d lies inside the RTP range %d-%d" % (clash[0], rtp_ports[0], rtp_ports[1])
                raise DesignError("sip_ports", rule, sip_ports)
        if not isinstance(merged["counters"], bool):
            raise DesignError("counters", "must be true or false", merged["counters"])
        return cls(
            table=v.identifier(merged["table"], "table"),
            sip_dscp=parse_dscp(merged["sip_dscp"], "sip_dscp"),
            rtp_dscp=parse_dscp(merged["rtp_dscp"], "rtp_dscp"),
            sip_ports=sip_ports,
            sip_protocols=v.choice_list(merged["sip_protocols"], "sip_protocols", PROTOCOLS),
            rtp_ports=rtp_ports,
            sip_nic=v.interface_name(sip_nic, "sip_nic") if sip_nic else None,
            vip=v.ip_address(vip, "vip") if vip else None,
            counters=merged["counters"],
        )

    # -- rendering -------------------------------------------------------
    def _matches(self) -> t.List[t.Tuple[str, t.Tuple[str, ...]]]:
        """(match expression, families to mark) per traffic selector."""
        out = []
        if self.sip_nic:
            out.append(('oifname "%s"' % self.sip_nic, ("ip", "ip6")))
        if self.vip is not None:
            family = "ip" if self.vip.version == 4 else "ip6"
            out.append(("%s saddr %s" % (family, self.vip), (family,)))
        return out

    def rules(self) -> t.List[str]:
        counter = " counter" if self.counters else ""
        if len(self.sip_protocols) == 1:
            sip_l4 = self.sip_protocols[0] + " %s"
        else:
            sip_l4 = "meta l4proto { %s } th %%s" % ", ".join(self.sip_protocols)
        sip_set = ", ".join(str(p) for p in self.sip_ports)
        sip_ports = "{ %s }" % sip_set if len(self.sip_ports) > 1 else sip_set
        lines = []
        for match, families in self._matches():
            for family in families:
                for direction in ("sport", "dport"):
                    lines.append("%s %s %s%s %s dscp set %d" % (
                        match, sip_l4 % direction, sip_ports, counter, family, self.sip_dscp))
                if self.rtp_ports:
                    for direction in ("sport", "dport"):
                        lines.append("%s udp %s %d-%d%s %s dscp set %d" % (
                            match, direction, self.rtp_ports[0], self.rtp_ports[1], counter, family,
                            self.rtp_dscp))
        return lines

    def render(self) -> str:
        header = [
            "#!/usr/sbin/nft -f",
            "# Managed by sipha.network (sip_qos): DSCP marking of SIP and RTP. Local edits are overwritten.",
            "# SIP dscp %d (tos %d), RTP dscp %d; selectors: %s" % (
                self.sip_dscp, self.sip_dscp << 2, self.rtp_dscp,
                ", ".join(match for match, dummy in self._matches())),
            "# Declare, delete and re-create in one transaction: an atomic replace of this table only.",
            "table inet %s" % self.table,
            "delete table inet %s" % self.table,
            "table inet %s {" % self.table,
            "\tchain postrouting {",
            "\t\ttype filter hook postrouting priority mangle; policy accept;",
        ]
        body = ["\t\t" + rule for rule in self.rules()]
        return "\n".join(header + body + ["\t}", "}"]) + "\n"


def render_ruleset(data: t.Mapping[str, t.Any]) -> str:
    return QosPolicy.from_dict(data).render()
