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
  - Keeps an nftables file that defines a single table, and the running table, in step.
  - With O(content), writes O(path) first; the new file is checked with C(nft --check) before it
    replaces the old one, so a bad ruleset never lands.
  - The running table is compared with what the file produced when it was last loaded (a digest of
    C(nft --stateless list table) kept under O(state_dir)); the file is loaded again when it changed,
    when the table is missing, or when someone changed the running table. Counters do not count as a change.
  - The file should replace its table atomically (declare, delete and re-create the table in one
    file), as the files rendered by this collection do. No other table is touched.
  - Runs C(nft) with argument lists, never through a shell.
author:
  - sipha.network developers (@sipha-network)
extends_documentation_fragment:
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Reports whether the file would be written and the table (re)loaded or deleted, without doing it.
  diff_mode:
    support: full
    description: Shows the file before and after, or the running table when only it differs.
options:
  path:
    description:
      - The nftables file on the managed host. Required with O(state=present).
      - With O(state=absent) the file is removed too when given.
    type: path
  content:
    description:
      - The file's desired text. Without it, O(path) must already exist and is only loaded.
    type: str
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
    description: V(present) writes and loads when needed; V(absent) deletes the table.
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
- name: Write the QoS marking file and load the table when it differs
  sipha.network.nft_table:
    path: /etc/sipha/qos.nft
    content: "{{ lookup('ansible.builtin.file', 'qos.nft') }}"
    name: sipha_qos
    owner: root
    group: root
    mode: "0640"

- name: Remove the table and its file
  sipha.network.nft_table:
    path: /etc/sipha/qos.nft
    name: sipha_qos
    state: absent
"""

RETURN = r"""
reason:
  description: Why the table was (or would be) loaded, or C(in sync).
  returned: always
  type: str
  sample: running table differs from the last load
file_changed:
  description: Whether O(path) was (or would be) rewritten from O(content).
  returned: when content is given
  type: bool
  sample: false
ruleset:
  description: The running table after the run (C(nft --stateless list table)); empty when absent.
  returned: always
  type: str
  sample: "table inet sipha_qos { ... }"
"""

from ansible_collections.sipha.network.plugins.module_utils._qos.nft_table import run_module


def main() -> None:
    run_module()


if __name__ == "__main__":
    main()
