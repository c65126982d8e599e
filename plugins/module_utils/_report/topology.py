# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pair's design as the drill report draws it (no I/O): the SIP device networks and their clients, the
adjacent routers, the VoIP VLAN with its gateway, the two SIP hosts with their SIP and data NICs, the VIP on the
host that held it when the drill started, and the data network - as an SVG picture and as a table.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._report.markup import el

__all__ = ["design", "listing", "picture"]

WIDTH = 1200
_CHAR = 7.0            # an estimate of one character's width at the picture's 12 px font
_LINE = 16


def _text(value: t.Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise DesignError("design.%s" % field, "must be a non-empty string", value)
    return value


def _network(value: t.Any, field: str) -> t.Dict[str, t.Any]:
    if not isinstance(value, dict):
        raise DesignError("design.%s" % field, "must be a mapping with cidr and gateway", value)
    return {"cidr": _text(value.get("cidr"), field + ".cidr"), "gateway": _text(value.get("gateway"),
                                                                                field + ".gateway"),
            "gateway_routers": list(value.get("gateway_routers") or [])}


def _nic(value: t.Any, field: str) -> t.Dict[str, str]:
    if not isinstance(value, dict):
        raise DesignError("design.%s" % field, "must be a mapping with name and address", value)
    return {"name": _text(value.get("name"), field + ".name"), "address": _text(value.get("address"),
                                                                                field + ".address")}


def design(raw: t.Any) -> t.Dict[str, t.Any]:
    """The drill plays' design (tasks/drill_report.yml: the inventory model's hosts and routers, the pair's
    networks, the clients) -> what the report draws, checked; a DesignError names the field."""
    if not isinstance(raw, dict):
        raise DesignError("design", "must be a mapping (tasks/drill_report.yml builds it)", raw)
    hosts, routers = raw.get("hosts"), raw.get("routers")
    if not isinstance(hosts, dict) or not hosts:
        raise DesignError("design.hosts", "must map each host of the pair to its design", hosts)
    if not isinstance(routers, dict):
        raise DesignError("design.routers", "must map each adjacent router to its entry", routers)
    out: t.Dict[str, t.Any] = {
        "pair": _text(raw.get("pair"), "pair"), "vip": _text(raw.get("vip"), "vip"),
        "holder": raw.get("holder") if raw.get("holder") in hosts else None,
        "sip_network": _network(raw.get("sip_network"), "sip_network"),
        "data_network": _network(raw.get("data_network"), "data_network"),
        "device_networks": [_text(n, "device_networks") for n in raw.get("device_networks") or []],
        "hosts": {name: {nic: _nic((hosts[name] or {}).get(nic), "hosts.%s.%s" % (name, nic))
                         for nic in ("sip_nic", "data_nic")} for name in sorted(hosts)},
        "routers": {}, "clients": {}, "management": None,
    }
    for name in sorted(routers):
        entry = routers[name] if isinstance(routers[name], dict) else {}
        out["routers"][name] = {"address": _text(entry.get("arp_target", entry.get("address")),
                                                 "routers.%s.address" % name),
                                "vendor": str(entry.get("vendor") or "linux"), "vrf": entry.get("vrf") or None}
    for name, address in sorted((raw.get("clients") or {}).items()):
        out["clients"][name] = _text(address, "clients.%s" % name)
    management = raw.get("management")
    if isinstance(management, dict) and management.get("name"):
        out["management"] = {"name": _text(management["name"], "management.name"),
                             "address": _text(management.get("address"), "management.address")}
    return out


def _box(cx: float, y: float, lines: t.Sequence[t.Tuple[str, str]], cls: str) -> t.Tuple[str, float]:
    """A box centred on ``cx`` from ``y`` down with one text line per (text, class); its markup and height."""
    width = max(len(text) for text, _cls in lines) * _CHAR + 20
    height = len(lines) * _LINE + 10
    parts = [el("rect", {"class": cls, "x": cx - width / 2, "y": y, "width": width, "height": height, "rx": 6})]
    parts += [el("text", {"x": cx, "y": y + 17 + i * _LINE, "class": line_cls, "text-anchor": "middle"}, text=text)
              for i, (text, line_cls) in enumerate(lines)]
    return "".join(parts), height


def _spread(count: int, low: float = 60.0, high: float = WIDTH - 60.0) -> t.List[float]:
    return [low + (i + 0.5) * (high - low) / count for i in range(count)]


def _line(x1: float, y1: float, x2: float, y2: float, cls: str) -> str:
    return el("line", {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "class": cls})


def _label(x: float, y: float, text: str, cls: str = "label", anchor: str = "start") -> str:
    return el("text", {"x": x, "y": y, "class": cls, "text-anchor": anchor}, text=text)


def _in_network(address: str, cidr: str) -> bool:
    """Whether a dotted address lies in a dotted cidr (no ipaddress module needed for this much)."""
    def value(dotted: str) -> int:
        parts = [int(p) for p in dotted.split(".")]
        return (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
    try:
        base, bits = cidr.split("/")
        mask = (0xFFFFFFFF << (32 - int(bits))) & 0xFFFFFFFF
        return value(address) & mask == value(base) & mask
    except (ValueError, IndexError):
        return False


def picture(d: t.Mapping[str, t.Any]) -> str:
    """The topology as an SVG picture (``class="topology"``)."""
    parts: t.List[str] = []
    y_dev, y_router, y_voip, y_host, y_data = 30.0, 170.0, 300.0, 370.0, 520.0
    sip, data = d["sip_network"], d["data_network"]
    networks = list(d["device_networks"]) or ["SIP devices"]
    placed = {n: [c for c, a in d["clients"].items() if _in_network(a, n)] for n in networks}
    loose = [c for c in d["clients"] if not any(c in members for members in placed.values())]
    if loose:
        networks.append("other SIP clients")
        placed["other SIP clients"] = loose
    routers = sorted(d["routers"])
    router_x = dict(zip(routers, _spread(len(routers), 100.0, WIDTH - 100.0)))
    for cx, network in zip(_spread(len(networks)), networks):
        lines = [(network, "name")] + [("%s %s" % (c, d["clients"][c]), "small") for c in placed[network]]
        box, height = _box(cx, y_dev, lines, "net")
        parts += [_line(cx, y_dev + height, router_x[r], y_router, "routed") for r in routers] + [box]
    parts.append(_label(20, y_dev - 12, "SIP device networks (routed through the adjacent routers)", "caption"))
    parts.append(_line(30, y_voip, WIDTH - 30, y_voip, "bus sip"))
    behind = [r for r in sip["gateway_routers"] if r in d["routers"]]
    parts.append(_label(34, y_voip - 8, "VoIP VLAN %s" % sip["cidr"], "bus-label"))
    virtual = " (virtual: %s behind it)" % ", ".join(behind) if behind else ""
    parts.append(_label(WIDTH - 34, y_voip - 8, "gateway %s%s" % (sip["gateway"], virtual), "bus-label", "end"))
    for name in routers:
        entry, cx = d["routers"][name], router_x[name]
        lines = [(name, "name"), ("%s router" % entry["vendor"], "small")]
        lines += [("VRF %s" % entry["vrf"], "small")] if entry["vrf"] else []
        box, height = _box(cx, y_router, lines, "router")
        parts += [_line(cx, y_router + height, cx, y_voip, "link"), box,
                  _label(cx + 6, y_voip - 24, entry["address"], "addr")]
    hosts = sorted(d["hosts"])
    for cx, name in zip(_spread(len(hosts), 250.0, WIDTH - 250.0), hosts):
        nics = d["hosts"][name]
        holder = name == d["holder"]
        lines = [(name, "name"), ("held the VIP at the start" if holder else "backup at the start", "small")]
        box, height = _box(cx, y_host, lines, "host holder" if holder else "host")
        parts += [_line(cx, y_voip, cx, y_host, "link"), _line(cx, y_host + height, cx, y_data, "link"), box,
                  _label(cx + 6, y_voip + 20, "%s %s" % (nics["sip_nic"]["name"], nics["sip_nic"]["address"]),
                         "addr"),
                  _label(cx + 6, y_data - 10, "%s %s" % (nics["data_nic"]["name"], nics["data_nic"]["address"]),
                         "addr")]
        if holder:
            vip, _h = _box(cx - 110, y_voip + 8, [("VIP %s" % d["vip"], "name")], "vip")
            parts.append(vip)
    parts.append(_line(30, y_data, WIDTH - 30, y_data, "bus data"))
    parts.append(_label(34, y_data + 18, "data network %s" % data["cidr"], "bus-label"))
    parts.append(_label(WIDTH - 34, y_data + 18, "gateway %s" % data["gateway"], "bus-label", "end"))
    if d["management"]:
        box, _h = _box(WIDTH - 120, y_data - 60, [(d["management"]["name"], "name"),
                                                  (d["management"]["address"], "small")], "host")
        parts += [_line(WIDTH - 120, y_data - 20, WIDTH - 120, y_data, "link"), box]
    return el("svg", {"class": "topology", "viewBox": "0 0 %d %d" % (WIDTH, y_data + 40), "role": "img",
                      "data-pair": d["pair"], "xmlns": "http://www.w3.org/2000/svg"},
              el("title", text="The design of pair %s" % d["pair"]), *parts)


def listing(d: t.Mapping[str, t.Any]) -> str:
    """The same design as a table: one row per element (network, host and NIC, router, client)."""
    sip, data = d["sip_network"], d["data_network"]
    rows = [("pair", d["pair"], "VIP %s, held by %s at the start" % (d["vip"], d["holder"] or "no host")),
            ("VoIP VLAN", sip["cidr"], "gateway %s%s" % (sip["gateway"], "; routers behind it: %s"
                                                         % ", ".join(sip["gateway_routers"])
                                                         if sip["gateway_routers"] else "")),
            ("data network", data["cidr"], "gateway %s" % data["gateway"])]
    for name, nics in d["hosts"].items():
        rows += [("SIP host", name, "SIP NIC %s %s; data NIC %s %s" % (
            nics["sip_nic"]["name"], nics["sip_nic"]["address"], nics["data_nic"]["name"],
            nics["data_nic"]["address"]))]
    for name, entry in d["routers"].items():
        rows.append(("adjacent router", name, "%s on the SIP network, vendor %s%s" % (
            entry["address"], entry["vendor"], ", VRF %s" % entry["vrf"] if entry["vrf"] else "")))
    rows += [("SIP device network", network, "routed via %s" % sip["gateway"]) for network in d["device_networks"]]
    rows += [("SIP client", name, address) for name, address in d["clients"].items()]
    if d["management"]:
        rows.append(("management (SCS)", d["management"]["name"], d["management"]["address"]))
    body = [el("tr", {}, el("th", {"scope": "row"}, text=kind), el("td", {}, text=name), el("td", {}, text=detail))
            for kind, name, detail in rows]
    head = el("thead", {}, el("tr", {}, el("th", text="element"), el("th", text="name"), el("th", text="detail")))
    return el("table", {"class": "design"}, head, el("tbody", {}, *body))
