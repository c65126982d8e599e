#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sip_routes
short_description: Routes to SIP device networks and source policy routing on a SIP host
version_added: "0.1.0"
description:
  - Routes each network of SIP devices via the VoIP gateway on the SIP NIC, with the host's SIP address (or the
    VIP) as preferred source (R4).
  - Source policy routing (R9) - a named table registered in C(/etc/iproute2/rt_tables.d/) holding the connected
    SIP subnet and a default route via the VoIP gateway, and rules with explicit priorities,
    C(from <SIP address> lookup <table>) and C(from <VIP> lookup <table>), so replies from those addresses
    leave by the SIP NIC whatever the main table says.
  - Reads the kernel with C(ip -json) and changes only what differs (metric, table name or number and rule
    priority are compared as the kernel does).
author:
  - sipha.network developers (@sipha-network)
extends_documentation_fragment:
  - sipha.network.host_design
attributes:
  check_mode:
    support: full
    description: Reads the kernel and reports the plan without changing anything.
  diff_mode:
    support: full
    description: The plan as C(+)/C(-)/C(~) lines, routes and rules in C(ip) notation.
options:
  rt_tables_file:
    description: File that names the policy table.
    type: path
    default: /etc/iproute2/rt_tables.d/sipha.conf
"""

EXAMPLES = r"""
- name: Weak-host routes and source policy routing
  sipha.network.sip_routes:
    design:
      sip_nic: {name: ens224, address: 198.51.100.11/25}
      data_nic: {name: ens192, address: 192.0.2.21/24}
      sip_gateway: 198.51.100.1
      data_gateway: 192.0.2.1
      vip: 198.51.100.10
      sip_device_networks: [203.0.113.0/24]
    mode: authoritative
"""

RETURN = r"""
changes:
  description: What changed (or would change in check mode), one line each, C(+) added, C(-) removed, C(~) changed.
  returned: always
  type: list
  elements: str
  sample: ["+ route 203.0.113.0/24 via 198.51.100.1 dev eth1 src 198.51.100.11"]
commands:
  description: The commands the change runs (or would run), as argument lists.
  returned: always
  type: list
  elements: list
  sample: [["ip", "-4", "route", "replace", "203.0.113.0/24", "via", "198.51.100.1", "dev", "eth1"]]
sip_nic:
  description: The SIP NIC's interface name on this host.
  returned: always
  type: str
  sample: eth1
data_nic:
  description: The data NIC's interface name on this host.
  returned: always
  type: str
  sample: eth0
"""

from ansible_collections.sipha.network.plugins.module_utils._host.modules import run_sip_routes


def main() -> None:
    run_sip_routes()


if __name__ == "__main__":
    main()
