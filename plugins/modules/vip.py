#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: vip
short_description: Hold or release the VIP on a SIP host now, and announce it (drills and reconcile)
version_added: "0.1.0"
description:
  - Adds or removes the VIP on the SIP NIC at runtime (not persisted - the VIP belongs to whichever host is
    primary, see P(sipha.network.sip_vip#role)) and announces it with the same ARP frames as C(sipha-vip up)
    - a directed ARP request to each address in O(arp_targets) with the VIP as sender, then a gratuitous
    request and a gratuitous reply.
  - Runs the takeover program's own code (C(Host) and the ARP frames in the collection's module_utils). It does not
    flush routers over SSH; C(sipha-vip up) does, and P(sipha.network.arp_flush#module) does from the controller.
  - Validates first - an IPv4 VIP inside the subnet of the NIC's own address (R2), each ARP target in it.
author:
  - sipha.network developers (@sipha-network)
attributes:
  check_mode:
    support: full
    description: Reports whether the VIP would be added or removed; changes and sends nothing.
  diff_mode:
    support: full
    description: The VIP held before and after.
options:
  vip:
    description: The VIP (IPv4).
    type: str
    required: true
  interface:
    description: The SIP NIC.
    type: str
    required: true
  prefix:
    description: Prefix length (see the same option of P(sipha.network.vip_script#module)).
    type: int
    default: 32
  label:
    description: Address label, C(<interface>:<tag>); default C(<interface>:vip) when it fits in 15 characters.
    type: str
  state:
    description: V(present) holds the VIP on this host, V(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
  announce:
    description: When to announce a held VIP - V(on_change) (when this task added it), V(always) (re-announce,
      not reported as a change), V(never) (a move without announcement, for drills).
    type: str
    choices: [on_change, always, never]
    default: on_change
  arp_targets:
    description: The adjacent routers' own addresses on the SIP network, each sent a directed ARP request.
    type: list
    elements: str
    default: []
  garp:
    description: Also send the gratuitous request and reply.
    type: bool
    default: true
seealso:
  - module: sipha.network.vip_script
"""

EXAMPLES = r"""
- name: Drill - move the VIP here without any announcement (how long do the routers keep the old MAC?)
  sipha.network.vip:
    vip: 192.0.2.10
    interface: ens224
    announce: never

- name: Release the VIP on the backup
  sipha.network.vip:
    vip: 192.0.2.10
    interface: ens224
    state: absent
"""

RETURN = r"""
held:
  description: Whether this host holds the VIP after the task.
  returned: always
  type: bool
vip:
  description: The VIP with its prefix length.
  returned: always
  type: str
  sample: 192.0.2.10/32
interface:
  description: The SIP NIC.
  returned: always
  type: str
announced:
  description: The ARP frames sent, in order.
  returned: always
  type: list
  elements: str
  sample: [directed 192.0.2.2, gratuitous request, gratuitous reply]
"""

from ansible_collections.sipha.network.plugins.module_utils._vip.modules import run_vip


def main() -> None:
    run_vip()


if __name__ == "__main__":
    main()
