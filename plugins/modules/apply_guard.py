#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apply_guard
short_description: Arm one self-reverting guard around a whole network change of a host
version_added: "0.2.0"
description:
  - Records what a change of the given NICs may touch - their addresses, MTU and routes in every table, the
    policy rules, their ARP and reverse-path sysctls, named nftables tables - and starts a restorer, detached
    from the SSH session, that puts all of it back at the deadline unless the change is confirmed with
    M(sipha.network.apply_confirm).
  - While the guard is armed, every file a module of this collection writes or removes is first copied into the
    guard, and the network tool's own files (NetworkManager's profiles of these NICs) are copied when it is
    armed. The restorer puts those files back, makes the tool read them again, then restores the kernel.
  - A boot unit (C(sipha-guard-restore.service), before the network starts) puts the files back when the host
    reboots inside the window, so it comes back with the old configuration.
  - Once the deadline has passed or the change was rolled back, the modules of this collection refuse to change
    the host (nothing is written) until the outcome is reported by M(sipha.network.apply_confirm) or a new guard
    is armed.
  - The addresses in O(keep) (the VIP, which the takeover program owns) are never added or removed.
author:
  - sipha.network developers (@sipha-network)
attributes:
  check_mode:
    support: full
    description: Arms nothing; resolves the NICs.
  diff_mode:
    support: none
    description: Arming changes no network state.
options:
  interfaces:
    description: The NICs the change may touch, by name or MAC address (none - a change of files and nft tables only).
    type: list
    elements: str
    default: []
  timeout:
    description: Seconds until an unconfirmed change is undone (at least 5).
    type: int
    required: true
  keep:
    description: Addresses the restorer never adds or removes (the VIP).
    type: list
    elements: str
    default: []
  nft_tables:
    description: nftables tables, each C(FAMILY NAME), that the change may touch; they are put back too.
    type: list
    elements: str
    default: []
  backend:
    description: The host's network tool (as for M(sipha.network.dual_nic)), whose files the restorer
      makes it read again.
    type: str
    choices: [auto, networkmanager, netplan, ifupdown, none]
    default: auto
  what:
    description: What the change is, for the record and the messages.
    type: str
    default: a network change
notes:
  - The guard's record is under C(/var/lib/sipha/guard) (root only); the five newest ended guards are kept.
  - Another guard still armed on the host makes this module fail; nothing is armed.
"""

EXAMPLES = r"""
- name: Arm the guard
  sipha.network.apply_guard:
    interfaces: [ens224, ens192]
    keep: [198.51.100.10]
    timeout: 45
  register: guard

- name: The change
  sipha.network.sip_routes:
    design: "{{ design }}"

- name: Keep it (from a new connection)
  sipha.network.apply_confirm:
    token: "{{ guard.token }}"
"""

RETURN = r"""
armed:
  description: Whether a guard was armed (false in check mode).
  returned: always
  type: bool
token:
  description: The guard's token for M(sipha.network.apply_confirm).
  returned: when armed
  type: str
deadline:
  description: When the restorer acts (seconds since the epoch).
  returned: when armed
  type: float
interfaces:
  description: The NICs by name.
  returned: always
  type: list
  elements: str
backend:
  description: The network tool whose files the restorer makes it read again.
  returned: when armed
  type: str
at_boot:
  description: Whether the boot unit that undoes an unconfirmed change is installed (systemd hosts).
  returned: when armed
  type: bool
restorer:
  description: How the restorer runs - C(systemd) (a transient unit) or C(session) (a new session).
  returned: when armed
  type: str
"""

from ansible_collections.sipha.network.plugins.module_utils._host.guard_module import run_apply_guard


def main() -> None:
    run_apply_guard()


if __name__ == "__main__":
    main()
