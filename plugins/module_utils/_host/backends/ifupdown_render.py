# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ifupdown (Debian/Ubuntu /etc/network/interfaces.d) rendering of a host design (no I/O).

dual_nic owns one ``iface`` stanza per NIC; sip_routes owns an ``if-up.d``
hook that replays the SIP NIC's routes and rules whenever that NIC comes up.
Facts the files rely on (measured on bookworm, ifupdown 0.8):

* ``ifup`` fails when the address is already on the NIC (put there by an
  earlier run, podman or cloud-init), so ``pre-up`` deletes exactly that
  address first; it never flushes, which would take the VIP with it.
* ``ip route replace`` and a rule added only when missing keep the hook
  idempotent without a flush (``ip rule add`` of an existing rule fails;
  there is no ``ip rule replace``); the lines are ``heal.replay_lines``, the
  same the NIC-flap watcher replays (ifup runs if-up.d hooks, a plain
  ``ip link set dev X up`` does not).
* The named table must be registered (rt_tables.d) before the hook runs; the
  hook uses the table number, which needs no registration.

Every value in these files went through HostDesign validation.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._host.heal import replay_lines
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign, Nic

__all__ = ["HEADER", "HOOK_PATH", "INTERFACES_DIR", "render_hook", "render_stanza", "stanza_path"]

HEADER = "# Managed by sipha.network ({owner}). Local edits are overwritten."
INTERFACES_DIR = "/etc/network/interfaces.d"
HOOK_PATH = "/etc/network/if-up.d/sipha-routes"


def stanza_path(interface: str) -> str:
    return "%s/60-sipha-%s" % (INTERFACES_DIR, interface)


def render_stanza(nic: Nic, interface: str, gateway: t.Optional[str] = None, metric: int = 0) -> str:
    lines = [
        HEADER.format(owner="dual_nic"),
        "auto %s" % interface,
        "iface %s inet static" % interface,
        "    address %s" % nic.interface,
    ]
    if gateway:
        lines.append("    gateway %s" % gateway)
        if metric:
            lines.append("    metric %d" % metric)
    if nic.mtu:
        lines.append("    mtu %d" % nic.mtu)
    lines.append("    pre-up ip -4 addr del %s dev %s 2>/dev/null || true" % (nic.interface, interface))
    return "\n".join(lines) + "\n"


def render_hook(design: HostDesign, sip: str) -> str:
    lines = [
        "#!/bin/sh",
        HEADER.format(owner="sip_routes"),
        "# Routes to SIP device networks and source policy routing for %s, replayed by ifup." % sip,
        '[ "$IFACE" = "%s" ] || exit 0' % sip,
        '[ "$ADDRFAM" = "inet" ] || [ "$ADDRFAM" = "meta" ] || exit 0',
    ]
    lines += replay_lines(design, sip)
    lines.append("exit 0")
    return "\n".join(lines) + "\n"
