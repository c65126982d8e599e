#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: arp_flush
short_description: Make every adjacent router forget the VIP's MAC, in parallel, with timings
version_added: "0.1.0"
description:
  - Connects to each router over SSH (paramiko) as the restricted flush account that
    C(sipha.network.router_arp_flush) installs, all routers at once, and runs the flush of the VIP's ARP entry
    (only that entry). Optionally reads the entry back.
  - Linux routers get one exec request (C(flush <VIP>)), read by the account's forced command. Cisco IOS and Junos
    are driven through an interactive shell - wait for the prompt, C(enable) when the IOS prompt is unprivileged
    and O(enable_password) is given, send C(event manager run SIPHA-ARP-FLUSH-<VIP>[-<vrf>]) (IOS) or
    C(op sipha-arp-flush vip <VIP>) (Junos), read to the next prompt; an error line (IOS C(%...), Junos
    C(error:) / C(unknown command.)) fails that router.
  - The IOS and Junos paths are verified against an SSH device simulator in the collection's contract tests, not
    against real devices.
  - Host keys are pinned - taken only from O(known_hosts); an unknown or changed key refuses that router and
    nothing is sent to it.
  - Every router is bounded by O(timeout) (connect, authentication and each command), so a dead router costs at
    most that much and the others are still flushed.
  - Returns, per router, whether it worked and how long it took in milliseconds.
author:
  - sipha.network developers (@sipha-network)
requirements:
  - paramiko on the host that runs the module (usually the controller, with C(delegate_to))
attributes:
  check_mode:
    support: full
    description: Connects and authenticates (proving keys and host keys) but sends no flush.
  diff_mode:
    support: none
    description: Nothing to show.
options:
  vip:
    description: The VIP whose ARP entry the routers must forget (IPv4).
    type: str
    required: true
  routers:
    description: The adjacent routers.
    type: list
    elements: dict
    required: true
    suboptions:
      host:
        description:
          - Address or name to connect to.
          - O(routers[].address) is an alias, the key the takeover program's config (P(sipha.network.vip_script#module))
            uses for the same thing.
        type: str
        required: true
        aliases: [address]
      port:
        description: SSH port.
        type: int
        default: 22
      vendor:
        description: The router's platform (decides the request sent).
        type: str
        choices: [linux, ios, junos]
        default: linux
      vrf:
        description:
          - VRF (Linux, IOS) or routing instance (Junos) of the VIP on this router, as configured with the role.
        type: str
      name:
        description: Label in the results (default the host).
        type: str
  username:
    description: The flush account.
    type: str
    default: sipha-flush
  key_file:
    description: Private key of the flush account.
    type: path
  password:
    description: Password of the flush account (when no key is used).
    type: str
  enable_password:
    description:
      - IOS - the enable secret, sent only when the login lands at an unprivileged (C(>)) prompt. Not needed for the
        role's level-2 user.
    type: str
  expect_mac:
    description:
      - With O(verify), an entry that was re-learned with this MAC (the new holder's) also counts as verified.
    type: str
  known_hosts:
    description: File with the routers' pinned host keys (OpenSSH known_hosts format).
    type: path
    required: true
  timeout:
    description: Seconds allowed per router for connecting, authenticating and each command.
    type: float
    default: 5.0
  verify:
    description: Read the VIP's entry back after the flush and report it.
    type: bool
    default: true
  ignore_router_errors:
    description: Succeed when some routers failed (they are still listed in RV(failed_routers)).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Flush the VIP on both adjacent routers
  sipha.network.arp_flush:
    vip: 198.51.100.10
    routers:
      - {host: 198.51.100.2, name: rtr-a}
      - {host: 198.51.100.3, name: rtr-b}
    key_file: ~/.ssh/sipha_flush
    known_hosts: ~/.ssh/known_hosts_routers
    timeout: 2
  delegate_to: localhost
  register: flush

- name: Flush on a Cisco IOS router in VRF VOICE and a Junos router (accounts installed by router_arp_flush)
  sipha.network.arp_flush:
    vip: 198.51.100.10
    routers:
      - {host: 198.51.100.2, vendor: ios, vrf: VOICE}
      - {host: 198.51.100.3, vendor: junos}
    key_file: ~/.ssh/sipha_flush_rsa
    known_hosts: ~/.ssh/known_hosts_routers
    expect_mac: "02:00:5e:00:53:12"
  delegate_to: localhost

- name: Timings
  ansible.builtin.debug:
    msg: "{{ flush.routers | map(attribute='router') | zip(flush.routers | map(attribute='ms')) | list }}"
"""

RETURN = r"""
routers:
  description: One result per router.
  returned: always
  type: list
  elements: dict
  sample: [{"router": "rtr-a", "host": "198.51.100.2", "ok": true, "output": "", "connected_ms": 31.2,
            "flushed_ms": 44.0, "ms": 52.3, "verified": true, "entry": "", "entry_mac": null}]
total_ms:
  description: Wall time of the whole parallel run.
  returned: always
  type: float
  sample: 55.1
flushed:
  description: How many routers flushed the entry.
  returned: always
  type: int
  sample: 2
failed_routers:
  description: Routers that failed (unreachable, refused, host key mismatch, error).
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.sipha.network.plugins.module_utils._router.flush_module import run_module


def main() -> None:
    run_module()


if __name__ == "__main__":
    main()
