#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sip_tos
short_description: Compute the SIP Server C(sip-ip-tos) byte and write it to an options file
version_added: "0.1.0"
description:
  - Turns a DSCP (number or class name), an IP precedence, or a raw TOS byte into the
    value of the SIP Server option C(sip-ip-tos), the TOS byte of the SIP packets it sends.
  - Exactly one of O(dscp), O(precedence), O(tos), O(class) must be given.
  - The byte is explained in both readings the SIP Server documentation mentions,
    RFC 2474 (DSCP in the top six bits, ECN in the low two) and RFC 1349 (precedence,
    a four-bit TOS field and a zero bit).
  - When O(dest) is given, writes C(sip-ip-tos) (and C(sip-address) when O(vip) is given)
    into that options file in the INI form the vendor's administration tool imports,
    changing only those options of O(section) and keeping every other line.
  - Warns when the value sets IP precedence 6 or 7, which Linux may allow only to a
    process with E(CAP_NET_ADMIN).
author:
  - sipha.network developers (@sipha-network)
extends_documentation_fragment:
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Computes the value and reports the change to O(dest) without writing it.
  diff_mode:
    support: full
    description: Shows the options file before and after.
options:
  dscp:
    description:
      - DiffServ code point, a number V(0) to V(63) or a class name such as V(ef), V(cs3), V(af41).
      - The byte is O(dscp) times 4 (V(ef) = 46 gives 184).
    type: raw
  class:
    description:
      - DiffServ class name only (V(ef), V(cs0)..V(cs7), V(af11)..V(af43), V(va), V(le), V(default)).
    type: str
  precedence:
    description:
      - IP precedence V(0) to V(7), RFC 1349 reading. The byte is O(precedence) times 32
        plus O(tos_field) times 2 (precedence 5 gives 160).
    type: int
  tos_field:
    description:
      - The four-bit RFC 1349 TOS field to combine with O(precedence), by name or as a number V(0)..V(15).
      - Only valid with O(precedence). Names are V(normal), V(lowdelay), V(throughput),
        V(reliability) and V(mincost).
    type: str
  tos:
    description:
      - The TOS byte itself, V(0) to V(255), checked against O(reading).
    type: int
  reading:
    description:
      - How to check a raw O(tos) byte. V(rfc2474) rejects a byte whose two low (ECN) bits
        are set; V(rfc1349) rejects a byte whose last bit is set.
    type: str
    choices: [rfc2474, rfc1349]
    default: rfc2474
  vip:
    description:
      - The SIP Server's virtual IP. When given with O(dest), written as the option C(sip-address).
    type: str
  dest:
    description:
      - Options file to update. Without it the module only computes.
      - The directory must exist.
    type: path
  section:
    description:
      - Section of the options file that holds the SIP Server options.
    type: str
    default: TServer
  state:
    description:
      - V(present) writes the options. V(absent) removes C(sip-ip-tos) and C(sip-address) from
        O(section), so the SIP Server uses the operating system's TOS again.
    type: str
    choices: [present, absent]
    default: present
  backup:
    description:
      - Keep a time-stamped copy of O(dest) before changing it.
    type: bool
    default: false
notes:
  - The vendor documents C(256) as "not set" for C(sip-ip-tos); use O(state=absent) for that.
seealso:
  - ref: sipha.network.dscp_to_tos filter <ansible_collections.sipha.network.dscp_to_tos_filter>
    description: The same conversion as a filter.
  - ref: sipha.network.sip_qos role <ansible_collections.sipha.network.sip_qos_role>
    description: Marks SIP and RTP on the host with nftables and renders the options file.
"""

EXAMPLES = r"""
- name: EF for SIP signalling, written with the VIP into the options file
  sipha.network.sip_tos:
    class: ef
    vip: 198.51.100.10
    dest: /etc/sipha/sip-server-options.cfg
    owner: root
    group: root
    mode: "0640"
  register: sip_tos

- name: Show it
  ansible.builtin.debug:
    msg: "sip-ip-tos={{ sip_tos.sip_ip_tos }} (DSCP {{ sip_tos.dscp }})"

- name: Precedence 5 with the RFC 1349 low-delay bit, computed only
  sipha.network.sip_tos:
    precedence: 5
    tos_field: lowdelay

- name: Let the SIP Server use the operating system's TOS again
  sipha.network.sip_tos:
    state: absent
    dest: /etc/sipha/sip-server-options.cfg
"""

RETURN = r"""
sip_ip_tos:
  description: The TOS byte to configure as C(sip-ip-tos). Absent with O(state=absent).
  returned: when state is present
  type: int
  sample: 184
hex:
  description: The byte in hexadecimal, as tcpdump prints it.
  returned: when state is present
  type: str
  sample: "0xb8"
dscp:
  description: The DSCP of the byte (RFC 2474 reading).
  returned: when state is present
  type: int
  sample: 46
dscp_class:
  description: The standard name of that DSCP, or null when it has none.
  returned: when state is present
  type: str
  sample: ef
precedence:
  description: The IP precedence of the byte (top three bits).
  returned: when state is present
  type: int
  sample: 5
ecn:
  description: The two low bits (ECN under RFC 2474); 0 for a proper DSCP byte.
  returned: when state is present
  type: int
  sample: 0
rfc1349:
  description: The byte read as RFC 1349.
  returned: when state is present
  type: dict
  sample: {"precedence": 5, "tos_field": 12, "tos_field_names": ["lowdelay", "throughput"], "mbz": 0}
needs_cap_net_admin:
  description: Whether Linux may require CAP_NET_ADMIN for a process to set this byte.
  returned: when state is present
  type: bool
  sample: false
options:
  description: The options written to (or removed from, value null) O(section).
  returned: always
  type: dict
  sample: {"sip-ip-tos": "184", "sip-address": "198.51.100.10"}
dest:
  description: The options file, when one was given.
  returned: when dest is given
  type: str
  sample: /etc/sipha/sip-server-options.cfg
backup_file:
  description: The backup made before the change.
  returned: when backup is true and the file changed
  type: str
  sample: /etc/sipha/sip-server-options.cfg.1234.2026-11-25@10:00:00~
"""

from ansible_collections.sipha.network.plugins.module_utils._qos.sip_tos import run_module


def main() -> None:
    run_module()


if __name__ == "__main__":
    main()
