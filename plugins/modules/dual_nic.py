#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dual_nic
short_description: SIP and data NIC addresses, MTU and the single default route of a SIP host
version_added: "0.1.0"
description:
  - Puts the static addresses and MTU of the SIP NIC and the data NIC on the running kernel, keeps exactly one
    default route in the main table (via the data gateway, weak host model, R4) and none via the SIP NIC, and
    sets C(promote_secondaries) on the SIP NIC so removing an address never takes the VIP with it.
  - Reads the kernel with C(ip -json), changes only what differs, and never removes the VIP or O(keep_addresses).
  - Before it touches anything, checks that the controller's connection survives the change (the address it
    connects to stays, and a route leads back to it) and refuses otherwise, saying why.
  - With O(rollback_timeout), arms a detached process that restores the previous state unless
    M(sipha.network.apply_confirm) confirms the change in time. Run the module with C(async) so its result
    survives a connection the change breaks (the role C(sipha.network.sip_host_network) does).
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
  promote_secondaries:
    description: Set C(net.ipv4.conf.<SIP NIC>.promote_secondaries=1) at run time and in O(sysctl_file).
    type: bool
    default: true
  keep_addresses:
    description: Addresses never removed from the two NICs in authoritative mode (the VIP always is).
    type: list
    elements: str
    default: []
  controller:
    description:
      - How the controller reaches this host, as the host sees it (from C(SSH_CONNECTION)). Without it no path
        check is made.
    type: dict
    suboptions:
      client:
        description: The controller's address.
        type: str
        required: true
      server:
        description: The host address the controller connects to.
        type: str
        required: true
  force:
    description: Apply even when the path check says the controller would be cut off (use with O(rollback_timeout)).
    type: bool
    default: false
  rollback_timeout:
    description:
      - Seconds after which the change is undone unless confirmed with M(sipha.network.apply_confirm). 0 disables.
    type: int
    default: 0
  sysctl_file:
    description: Where C(promote_secondaries) is persisted.
    type: path
    default: /etc/sysctl.d/60-sipha-dual-nic.conf
"""

EXAMPLES = r"""
- name: Addresses and default route of a SIP host, with a self-reverting apply
  sipha.network.dual_nic:
    design:
      sip_nic: {name: ens224, address: 198.51.100.11/25}
      data_nic: {name: ens192, address: 192.0.2.21/24}
      sip_gateway: 198.51.100.1
      data_gateway: 192.0.2.1
      vip: 198.51.100.10
    controller:
      client: "{{ ansible_env.SSH_CONNECTION.split()[0] }}"
      server: "{{ ansible_env.SSH_CONNECTION.split()[2] }}"
    rollback_timeout: 60
  async: 120
  poll: 0
  register: dual_nic_job
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
rollback:
  description: The armed rollback (O(rollback_timeout) > 0 and something changed).
  returned: when a rollback was armed
  type: dict
  sample: {"token": "0f3c...", "deadline": 1795000000.0, "timeout": 60}
"""

from ansible_collections.sipha.network.plugins.module_utils._host.modules import run_dual_nic


def main() -> None:
    run_dual_nic()


if __name__ == "__main__":
    main()
