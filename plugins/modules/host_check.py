#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: host_check
short_description: What dual_nic, sip_routes and arp_sysctl would change on a SIP host, in one read
version_added: "0.2.0"
description:
  - Runs the planning of M(sipha.network.dual_nic), M(sipha.network.sip_routes) and M(sipha.network.arp_sysctl)
    in check mode, in one call, and reports what each would change and the host's drift from the design.
  - Never changes the host's network, also outside check mode. Nothing differing means each of the three modules
    would report C(changed=false) with the same options; the role C(sipha.network.sip_host_network) then applies
    nothing and arms no guard.
  - With O(expectation_file), it also keeps there what the design builds on this host (RV(expected)), for the
    monitoring check C(sipha-vip check) - the one file it may write, and only when its content differs.
  - The NICs for the ARP sysctls are the two NICs of the design, as M(sipha.network.dual_nic) resolves them
    (by name or MAC).
author:
  - sipha.network developers (@sipha-network)
extends_documentation_fragment:
  - sipha.network.host_design
attributes:
  check_mode:
    support: full
    description: The same in and out of check mode; in check mode C(changed) says whether the three modules
      would change something (or O(expectation_file) would be written).
  diff_mode:
    support: full
    description: The three modules' diffs (plan lines and files before and after), and O(expectation_file)'s.
options:
  expectation_file:
    description:
      - Where to keep RV(expected) as JSON (root, 0640; its directory is made 0750), written atomically only
        when its content differs; C(changed) then says so. Omitted, nothing is written.
    type: path
  dual_nic:
    description: Options of M(sipha.network.dual_nic) that change what it plans - C(promote_secondaries),
      C(keep_addresses), C(sysctl_file).
    type: dict
    default: {}
  sip_routes:
    description: Options of M(sipha.network.sip_routes) - C(rt_tables_file).
    type: dict
    default: {}
  arp_sysctl:
    description: Options of M(sipha.network.arp_sysctl) except C(interfaces) - C(arp_ignore), C(arp_announce),
      C(rp_filter), C(arp_accept), C(path).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Is the host's network as designed?
  sipha.network.host_check:
    design:
      sip_nic: {name: ens224, address: 198.51.100.11/25}
      data_nic: {name: ens192, address: 192.0.2.21/24}
      sip_gateway: 198.51.100.1
      data_gateway: 192.0.2.1
      vip: 198.51.100.10
      sip_device_networks: [203.0.113.0/24]
    arp_sysctl:
      rp_filter: 2
  register: network

- name: Say what differs
  ansible.builtin.debug:
    var: network.drift
  when: network.differs
"""

RETURN = r"""
differs:
  description: Whether any of the three modules would change something.
  returned: always
  type: bool
  sample: true
changes:
  description: Per module, what it would change, one plan line each (as that module's C(changes)).
  returned: always
  type: dict
  sample: {"dual_nic": [], "sip_routes": ["+ route 203.0.113.0/24 via 198.51.100.1 dev ens224 src 198.51.100.11"],
           "arp_sysctl": []}
drift:
  description: The same lines, read as drift of the host from its design.
  returned: always
  type: list
  elements: str
  sample: ["route 203.0.113.0/24 via 198.51.100.1 dev ens224 src 198.51.100.11: missing"]
sip_nic:
  description: The SIP NIC's interface name on this host.
  returned: always
  type: str
  sample: ens224
data_nic:
  description: The data NIC's interface name on this host.
  returned: always
  type: str
  sample: ens192
backend:
  description: The persistence backend in use.
  returned: always
  type: str
  sample: ifupdown
expected:
  description:
    - What the three modules build on this host, NIC names resolved - the addresses, the default route, the routes
      to SIP device networks, the policy table's routes, the policy rules and the ARP sysctls - in the form the
      monitoring check reads (C(/etc/sipha/monitor.d/network.json), written by the sip_host_network role;
      C(sipha-vip check) reports any of them missing or different).
  returned: always
  type: dict
  sample: {"version": 1, "tables": {"sipha_sip": 100},
           "addresses": [{"dev": "ens224", "address": "198.51.100.11/25"}],
           "routes": [{"table": 254, "dst": "0.0.0.0/0", "dev": "ens192", "gateway": "192.0.2.1", "prefsrc": null,
                       "metric": 0, "scope": "universe"}],
           "rules": [{"priority": 1000, "src": "198.51.100.11/32", "table": 100}],
           "sysctls": {"ens224/arp_ignore": 1}}
"""

from ansible_collections.sipha.network.plugins.module_utils._host.check_module import run_host_check


def main() -> None:
    run_host_check()


if __name__ == "__main__":
    main()
