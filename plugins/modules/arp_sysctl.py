#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: arp_sysctl
short_description: ARP-flux and reverse-path sysctls for the NICs of a multi-homed host
version_added: "0.1.0"
description:
  - Sets, per NIC, C(arp_ignore) (answer ARP only for addresses of the NIC asked), C(arp_announce) (use the best
    local address of the outgoing NIC as ARP source) and C(rp_filter) (2 = loose, for asymmetric paths, R9),
    at run time and in a file under C(/etc/sysctl.d/).
  - Interface names with a dot (VLANs such as C(eth0.100)) are written in the slash form of the key.
  - Warns when C(net.ipv4.conf.all) holds a larger value, which the kernel would use instead.
author:
  - sipha.network developers (@sipha-network)
attributes:
  check_mode:
    support: full
    description: Reports the values that differ without writing them.
  diff_mode:
    support: full
    description: The values that change and the file before and after.
options:
  interfaces:
    description: The NICs (names).
    type: list
    elements: str
    required: true
  arp_ignore:
    description: Value of C(arp_ignore), 0..8.
    type: int
    default: 1
  arp_announce:
    description: Value of C(arp_announce), 0..2.
    type: int
    default: 2
  rp_filter:
    description: Value of C(rp_filter), 0 (off), 1 (strict) or 2 (loose).
    type: int
    default: 2
  arp_accept:
    description: Value of C(arp_accept), 0..2, when given (whether gratuitous ARP creates neighbour entries).
    type: int
  path:
    description: The sysctl.d file.
    type: path
    default: /etc/sysctl.d/60-sipha-arp.conf
"""

EXAMPLES = r"""
- name: ARP flux off on both NICs, loose reverse-path filter
  sipha.network.arp_sysctl:
    interfaces: [ens224, ens192.100]
"""

RETURN = r"""
changes:
  description: What changed, one line each.
  returned: always
  type: list
  elements: str
  sample: ["~ sysctl net.ipv4.conf.ens224.arp_ignore = 1 (was 0)"]
values:
  description: The managed keys and their values.
  returned: always
  type: dict
  sample: {"net.ipv4.conf.ens224.arp_ignore": 1, "net/ipv4/conf/ens192.100/arp_ignore": 1}
"""

from ansible_collections.sipha.network.plugins.module_utils._host.modules import run_arp_sysctl


def main() -> None:
    run_arp_sysctl()


if __name__ == "__main__":
    main()
