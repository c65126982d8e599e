# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""NetworkManager profiles for a host design, driven with nmcli argument lists.

Each NIC gets a profile of its own, ``sipha-<interface>``. dual_nic owns its
address, gateway, MTU and metric properties; sip_routes owns the SIP NIC
profile's routes and routing rules. Facts this relies on (NetworkManager
1.42, measured):

* ``ipv4.route-metric`` applies to the default route and to routes written
  without a metric, so it is set to the design's metric (NM's own default
  would give 100/101 and a second route beside ours).
* Do not set ``ipv4.route-table``: it moves every route of the profile,
  prefix route included, out of the main table; routes name their table.
* ``nmcli device reapply`` changes only the difference without dropping the
  address, but leaves routes removed from the profile in other tables; the
  module's own plan removes those afterwards.
* Checkpoints (D-Bus ``CheckpointCreate``) roll the whole NM state back by
  themselves after their timeout unless destroyed, even when the client that
  made them is gone.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign, Nic

__all__ = ["NM_BUS", "add_args", "differences", "modify_args", "nic_properties", "normalise", "parse_terse",
           "profile_name", "route_properties", "route_text", "KEYFILE_DIR", "keyfile_path"]

NM_BUS = ["org.freedesktop.NetworkManager", "/org/freedesktop/NetworkManager", "org.freedesktop.NetworkManager"]


#: where NetworkManager's keyfile plugin keeps a profile that ``nmcli connection add`` created
KEYFILE_DIR = "/etc/NetworkManager/system-connections"


def profile_name(interface: str) -> str:
    return "sipha-%s" % interface


def keyfile_path(interface: str) -> str:
    return "%s/%s.nmconnection" % (KEYFILE_DIR, profile_name(interface))


def nic_properties(nic: Nic, interface: str, gateway: t.Optional[str], metric: int) -> t.Dict[str, str]:
    return {
        "connection.interface-name": interface,
        "connection.autoconnect": "yes",
        "connection.autoconnect-priority": "100",
        "ipv4.method": "manual",
        "ipv4.addresses": str(nic.interface),
        "ipv4.gateway": gateway or "",
        "ipv4.never-default": "no" if gateway else "yes",
        "ipv4.route-metric": str(metric),
        "802-3-ethernet.mtu": str(nic.mtu or 0),
    }


def route_text(route: t.Any) -> str:
    parts = [route.dst]
    if route.gateway:
        parts.append(route.gateway)
    attrs = []
    if route.table != 254:
        attrs.append("table=%d" % route.table)
    if route.prefsrc:
        attrs.append("src=%s" % route.prefsrc)
    return " ".join(parts + attrs)


def route_properties(design: HostDesign, interface: str) -> t.Dict[str, str]:
    routes = design.device_routes(interface) + design.table_routes(interface)
    rules = ["priority %d from %s table %d" % (r.priority, r.src.replace("/32", ""), r.table) for r in design.rules()]
    return {
        "ipv4.routes": ", ".join(route_text(r) for r in routes),
        "ipv4.routing-rules": ", ".join(rules),
    }


def normalise(prop: str, value: str) -> t.Any:
    """Compare nmcli's display form with ours: lists as sets of normalised items."""
    value = value.strip()
    if prop in ("ipv4.routes", "ipv4.routing-rules", "ipv4.addresses"):
        items = []
        for item in value.replace(";", ",").split(","):
            tokens = item.split()
            if prop == "ipv4.routes":  # nmcli prints route attributes in its own order
                tokens = [tok for tok in tokens if "=" not in tok] + sorted(tok for tok in tokens if "=" in tok)
            if tokens:
                items.append(" ".join(tokens))
        return sorted(items)
    if prop == "ipv4.gateway" and value in ("--", ""):
        return ""
    if prop == "802-3-ethernet.mtu" and value in ("auto", "0"):
        return "0"
    return value


def differences(wanted: t.Mapping[str, str], current: t.Mapping[str, str]) -> t.List[str]:
    return sorted(p for p, v in wanted.items() if normalise(p, v) != normalise(p, current.get(p, "")))


def parse_terse(text: str) -> t.Dict[str, str]:
    """``nmcli -t -f a,b connection show X`` -> {a: value}; unescapes ``\\:``."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key] = value.replace("\\:", ":").replace("\\\\", "\\")
    return out


def modify_args(name: str, props: t.Mapping[str, str], keys: t.Iterable[str]) -> t.List[str]:
    args = ["connection", "modify", name]
    for key in keys:
        args += [key, props[key]]
    return args


def add_args(name: str, interface: str, props: t.Mapping[str, str]) -> t.List[str]:
    args = ["connection", "add", "type", "ethernet", "con-name", name, "ifname", interface]
    for key, value in sorted(props.items()):
        if key != "connection.interface-name":
            args += [key, value]
    return args
