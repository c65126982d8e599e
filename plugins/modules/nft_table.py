#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: nft_table
short_description: Keep one nftables table loaded exactly as a file defines it
version_added: "0.1.0"
description:
  - Loads an nftables file that defines a single table, and keeps the running table in step with it.
  - The running table is compared with what the file produced when it was last loaded (a digest of
    C(nft --stateless list table) kept under O(state_dir)); the file is loaded again when the file
    changed, when the table is missing, or when someone changed the running table. Counters do not
    count as a change.
  - The file should replace its table atomically (declare, delete and re-create the table in one
    file), as the files rendered by this collection do. No other table is touched.
  - Runs C(nft) with argument lists, never through a shell.
author:
  - sipha.network developers
attributes:
  check_mode:
    support: full
    description: Reports whether the table would be (re)loaded or deleted, without doing it.
  diff_mode:
    support: full
    description: Shows the running table before and after (the file in check mode).
options:
  src:
    description:
      - The nftables file on the managed host. Required with O(state=present).
    type: path
  family:
    description: Address family of the table.
    type: str
    choices: [inet, ip, ip6, arp, bridge, netdev]
    default: inet
  name:
    description: Name of the table.
    type: str
    required: true
  state:
    description: V(present) loads the file when needed; V(absent) deletes the table.
    type: str
    choices: [present, absent]
    default: present
  state_dir:
    description: Directory for the digest of the last load (created, mode 0750).
    type: path
    default: /var/lib/sipha
requirements:
  - nft (nftables) on the managed host
"""

EXAMPLES = r"""
- name: Load the QoS marking table when it differs
  sipha.network.nft_table:
    src: /etc/sipha/qos.nft
    name: sipha_qos

- name: Remove it
  sipha.network.nft_table:
    name: sipha_qos
    state: absent
"""

RETURN = r"""
reason:
  description: Why the table was (or would be) loaded, or C(in sync).
  returned: always
  type: str
  sample: running table differs from the last load
ruleset:
  description: The running table after the run (C(nft --stateless list table)); empty when absent.
  returned: always
  type: str
  sample: "table inet sipha_qos { ... }"
"""

from ansible_collections.sipha.network.plugins.module_utils._nft_table_module import run_module


def main() -> None:
    run_module()


if __name__ == "__main__":
    main()
