# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""netplan (Ubuntu Server's default, rendered to systemd-networkd): the whole host design as one file (no I/O).

One file of ours, ``/etc/netplan/60-sipha.yaml``, holds both NICs' addresses
and MTU, the single default route (data NIC), the routes to SIP device
networks, the policy table's routes and its ``routing-policy`` rules; no
other file is touched. Facts it relies on (netplan 0.106 and systemd 252,
Debian bookworm, measured in the lab image):

* ``critical: true`` (rendered as ``CriticalConnection=true``, which systemd
  reads as ``KeepConfiguration=yes``): systemd-networkd then leaves addresses
  and routes it did not configure alone when it reconfigures the NIC.
  Without it, ``networkctl reload`` of a changed file dropped the VIP that
  sipha-vip had added, and a route added by hand (measured).
* netplan warns about (and later versions refuse) files readable by others:
  the file is 0600.
* ``from:`` on a route is its preferred source (``PreferredSource=``).

Every value in the file went through HostDesign validation; strings are
written double-quoted anyway.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.host import MAIN, HostDesign
from ansible_collections.sipha.network.plugins.module_utils._model.kernel import Route

__all__ = ["PATH", "others_configuring", "render"]

PATH = "/etc/netplan/60-sipha.yaml"
HEADER = "# Managed by sipha.network (dual_nic, sip_routes). Local edits are overwritten."


def _route(route: Route) -> t.List[str]:
    lines = ['- to: "%s"' % route.dst]
    if route.gateway:
        lines.append('  via: "%s"' % route.gateway)
    if route.prefsrc:
        lines.append('  from: "%s"' % route.prefsrc)
    if route.scope == "link":
        lines.append("  scope: link")
    if route.table != MAIN:
        lines.append("  table: %d" % route.table)
    if route.metric:
        lines.append("  metric: %d" % route.metric)
    return lines


def _nic(interface: str, address: str, mtu: t.Optional[int], routes: t.Sequence[Route],
         rules: t.Sequence[t.Tuple[int, str, int]]) -> t.List[str]:
    lines = ['"%s":' % interface, "  dhcp4: false", "  critical: true", '  addresses: ["%s"]' % address]
    if mtu:
        lines.append("  mtu: %d" % mtu)
    if routes:
        lines.append("  routes:")
        for route in routes:
            lines += ["    " + line for line in _route(route)]
    if rules:
        lines.append("  routing-policy:")
        for priority, source, table in rules:
            lines += ['    - from: "%s"' % source, "      table: %d" % table, "      priority: %d" % priority]
    return lines


def render(design: HostDesign, sip: str, data: str) -> str:
    """The netplan file for the whole design, the NICs named as on this host."""
    rules = [(rule.priority, rule.src, rule.table) for rule in design.rules()]
    body = ["network:", "  version: 2", "  renderer: networkd", "  ethernets:"]
    nics = [
        _nic(data, str(design.data_nic.interface), design.data_nic.mtu, [design.default_route(data)], []),
        _nic(sip, str(design.sip_nic.interface), design.sip_nic.mtu,
             design.device_routes(sip) + design.table_routes(sip), rules),
    ]
    for lines in nics:
        body += ["    " + line for line in lines]
    return "\n".join([HEADER] + body) + "\n"


def others_configuring(files: t.Mapping[str, str], interfaces: t.Sequence[str]) -> t.List[str]:
    """Which other netplan files (path -> text) configure one of ``interfaces``: ``path (interface)`` each.

    netplan merges every file that names a NIC (a cloud-init or installer file with DHCP or another address
    would be merged with ours), so the module warns about each. A key line ``  eth0:`` (quoted or not) counts."""
    found = []
    for path in sorted(files):
        for name in interfaces:
            key = re.compile(r'^\s+["\']?%s["\']?\s*:\s*(#.*)?$' % re.escape(name), re.M)
            if key.search(files[path]):
                found.append("%s (%s)" % (path, name))
    return found
