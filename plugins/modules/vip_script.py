#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: vip_script
short_description: Install the VIP takeover program sipha-vip, its config and the routers' pinned host keys
version_added: "0.1.0"
description:
  - Installs C(sipha-vip), the program the management layer (the LCA) runs on a SIP host at a role change
    (C(up), C(down), C(status), C(refresh), C(disconnect), C(check), C(probe)). It needs only Python 3.8+ and its standard
    library, and OpenSSH's C(ssh) client for the router flush.
  - The program is this collection's own code, copied byte for byte under O(lib_dir) and started by a short
    launcher at O(path) with C(python3 -I -S) (no site-packages, no PYTHONPATH). The vip module and the unit tests
    run the same code.
  - Validates O(config) first; a bad value fails naming the field and the rule, and nothing is written.
  - With O(check_host), also checks the config against this host - the NIC exists, the VIP lies in the subnet of
    the NIC's own address (R2) and is not that address, each router's O(config.routers[].arp_target) lies in that
    subnet, the flush key file exists.
  - Writes the config as JSON at O(config_path) and the pinned router host keys at O(config.flush.known_hosts);
    every file root-owned, 0640 (the launcher 0750). A changed config or known_hosts closes the program's warm
    router connections, which were opened under the old pins.
  - Beside the launcher, C(sipha-vip-agent) (0755, bash) - the management layer's command for a non-root agent
    account. It asks the standby helper (C(sipha-vip --agent ACCOUNT _serve), run as root by
    C(sipha-vip-helper.service), which the P(sipha.network.sip_vip#role) role manages) to run C(up), C(down) or
    C(status) at once, and falls back to C(/usr/bin/sudo -n <path> COMMAND) when the helper does not answer.
author:
  - sipha.network developers (@sipha-network)
attributes:
  check_mode:
    support: full
    description: Validates and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows the config file and known_hosts before and after, and lists the program files that change.
options:
  config:
    description:
      - The takeover design for this host. Unknown keys are refused.
    type: dict
    required: true
    suboptions:
      vip:
        description: The VIP (IPv4).
        type: str
        required: true
      prefix:
        description:
          - Prefix length the VIP is added with. V(32) (the default) leaves the NIC's subnet route and source
            address choice alone; a shorter prefix makes the VIP a secondary of that subnet, which relies on
            C(promote_secondaries) (set by P(sipha.network.dual_nic#module)).
        type: int
        default: 32
      interface:
        description: The SIP NIC (it must already carry its own address in the VIP's subnet).
        type: str
        required: true
      label:
        description: Address label (C(ip address ... label)); must start with C(<interface>:), max 15 characters.
          Default C(<interface>:vip) when that fits.
        type: str
      split_brain:
        description:
          - What C(up) does when another host already answers for the VIP (duplicate-address probe, as
            C(arping -D)).
          - V(proceed) takes the VIP anyway and reports it (the last announcer wins at the routers); the probe runs
            beside the router flush, off the critical path.
          - V(refuse) probes first (costing up to O(config.probe_ms)); while another host answers it re-probes for
            up to O(config.split_brain_grace_ms), and exits 3 without adding the VIP if one still answers.
        type: str
        choices: [proceed, refuse]
        default: proceed
      probe_ms:
        description: How long the duplicate-address probe listens for another holder (ms).
        type: int
        default: 300
      split_brain_grace_ms:
        description:
          - With O(config.split_brain=refuse), how long C(up) re-probes while another host still answers for the
            VIP before it refuses (ms, 0..60000; 0 is one probe only). The management layer's C(down) on the old
            primary and C(up) here often run at the same time; a single probe would refuse the takeover and leave
            the VIP on neither host.
          - C(up) is refused after at most O(config.split_brain_grace_ms) + O(config.probe_ms) + 50 ms.
        type: int
        default: 1000
      directed_arp:
        description: Send each router an ARP request to its own O(config.routers[].arp_target) with the VIP as
          sender (a router learns the sender of a request addressed to itself, even if it drops gratuitous ARP).
        type: bool
        default: true
      lock_timeout_ms:
        description: How long C(up) / C(down) wait for a concurrent run to finish before exiting 4.
        type: int
        default: 15000
      garp:
        description: Gratuitous ARP (a request and a reply per round) - a first burst and a second one later.
        type: dict
        suboptions:
          count:
            description: Rounds per burst (1-10). The first round is sent at once; the rest from a background
              process, so the program's exit is not delayed.
            type: int
            default: 3
          interval_ms:
            description: Gap between the rounds of a burst.
            type: int
            default: 200
          repeat_after_ms:
            description: Start of the second burst after the first round; V(0) for none, else more than 1000
              (Linux ignores neighbour updates within its 1 s locktime).
            type: int
            default: 2000
      flush:
        description: The router flush over SSH (every router in parallel, each bounded).
        type: dict
        suboptions:
          enabled:
            description: Flush the routers at C(up).
            type: bool
            default: true
          user:
            description: The routers' restricted flush account (P(sipha.network.router_arp_flush#role)).
            type: str
            default: sipha-flush
          key_file:
            description: The flush private key on this host (root-only).
            type: str
            default: /etc/sipha/flush_key
          known_hosts:
            description: Where the pinned host keys are written; the only source of host keys (never learnt).
            type: str
            default: /etc/sipha/known_hosts
          timeout_ms:
            description: Bound on each router's flush (connect included).
            type: int
            default: 2000
          warm:
            description: Flush over the warm connection (OpenSSH ControlMaster) that C(refresh) keeps per router.
            type: bool
            default: true
          hedge_ms:
            description: If the warm connection has not answered after this long, a fresh connection is started
              beside it; the first to succeed counts.
            type: int
            default: 150
      routers:
        description: Every adjacent router that delivers SIP to the VIP (R3, R13).
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: Its name in logs and results.
            type: str
            required: true
          address:
            description: Address the SSH connection goes to.
            type: str
            required: true
          port:
            description: SSH port.
            type: int
            default: 22
          vendor:
            description: C(linux), C(ios) or C(junos) (decides the request sent).
            type: str
            default: linux
          vrf:
            description: VRF / routing instance of the VIP on IOS and Junos.
            type: str
          arp_target:
            description: The router's own address on the SIP network, where the directed ARP goes. Default
              O(config.routers[].address).
            type: str
          host_keys:
            description: The router's SSH host public keys (C(type base64) lines); at least one when the flush is
              enabled.
            type: list
            elements: str
          platform:
            description:
              - How the router's SSH server is reached - V(ios-classic) (IOS 15.x, SHA-1 key exchange and
                C(ssh-rsa) only) or V(ios-xe) for C(ios), V(junos), V(linux). Default the vendor's (C(ios-xe),
                C(junos), C(linux)).
              - IOS platforms close the TCP connection after an exec, so they get no warm connection.
            type: str
          ssh_options:
            description: OpenSSH algorithm options for this router on top of its platform's - keys
              C(KexAlgorithms), C(HostKeyAlgorithms), C(PubkeyAcceptedAlgorithms), C(Ciphers), C(MACs), each an
              ssh_config(5) algorithm list.
            type: dict
      run_dir:
        description: Lock, warm-connection sockets, announcer pid (root-only).
        type: str
        default: /run/sipha-vip
      state_dir:
        description: The last C(up), C(down) and C(refresh) records, read by C(status).
        type: str
        default: /var/lib/sipha-vip
      monitor:
        description: What C(sipha-vip check) (a monitoring plugin) and the metrics C(refresh) writes need.
        type: dict
        suboptions:
          pair:
            description: The pair's name (the C(pair) label of the metrics); 1-64 of letters, digits, C(_), C(.),
              C(-).
            type: str
            default: ""
          host:
            description: This host's name (the C(host) label); empty for the system's hostname.
            type: str
            default: ""
          textfile:
            description: The metrics file for node_exporter's textfile collector (C(.prom)), written by C(refresh)
              where its directory exists; empty for none.
            type: str
            default: /var/lib/prometheus/node-exporter/sipha-vip.prom
          timeout_ms:
            description: The whole check ends within this, whatever the network does (1000..60000).
            type: int
            default: 10000
          takeover_warn_ms:
            description: A last C(up) slower than this (from the program's start until the VIP was announced and
              every router flushed) is reported as a WARNING.
            type: int
            default: 2000
          takeover_recent_s:
            description: How long a failed or slow last C(up) keeps the check at WARNING.
            type: int
            default: 86400
          marking_idle_s:
            description: On the VIP's holder, marking counters that have not moved for this long are a WARNING.
            type: int
            default: 900
          expect_dir:
            description: Where the roles leave what they built (C(network.json), C(marking.json)).
            type: str
            default: /etc/sipha/monitor.d
  state:
    description: V(absent) removes the program, its config and known_hosts.
    type: str
    choices: [present, absent]
    default: present
  path:
    description:
      - Where the launcher goes.
      - sudo runs it as root, so every existing directory above it (and above O(lib_dir), and O(lib_dir) itself)
        must be owned by root and writable by root only (a sticky one such as C(/tmp) only above an entry that
        exists); otherwise the module fails naming the directory and changes nothing. Debian makes C(/usr/local)
        and its subdirectories C(root:staff 2775) while C(/etc/staff-group-for-usr-local) exists (systems installed
        before bullseye); then remove that file, C(chown root:root) and C(chmod 0755) them, or choose other paths.
    type: path
    default: /usr/local/sbin/sipha-vip
  lib_dir:
    description:
      - Where the program's code goes, one directory C(v-<digest>) per version below it; an upgrade writes the new
        version's directory completely, then switches the launcher to it with one rename (an C(up) running at that
        moment imports one version only). The previous version is kept, older ones are removed.
    type: path
    default: /usr/local/lib/sipha-vip
  config_path:
    description: Where the config file goes.
    type: path
    default: /etc/sipha/vip.json
  python:
    description: The Python 3.8+ interpreter the launcher runs.
    type: path
    default: /usr/bin/python3
  check_host:
    description: Check the config against this host before writing (see above).
    type: bool
    default: true
seealso:
  - module: sipha.network.vip
notes:
  - The program's exit codes - 0 done (C(up) holds the VIP even if a router failed, which it reports); 1 the VIP
    could not be added or removed; 2 bad config or usage; 3 refused, another host holds the VIP
    (O(config.split_brain=refuse)); 4 lock not obtained within O(config.lock_timeout_ms).
"""

EXAMPLES = r"""
- name: Install the takeover program for the pair's VIP
  sipha.network.vip_script:
    config:
      vip: 192.0.2.10
      interface: ens224
      routers:
        - name: edge-a
          address: 192.0.2.2
          host_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv3cqnb1Ml3kq4Xnz0mJBsMlvGm8JfC3fE5bX1L0pQ1"]
        - name: edge-b
          address: 198.51.100.3
          arp_target: 192.0.2.3
          vendor: ios
          host_keys: ["ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY="]
"""

RETURN = r"""
files_changed:
  description: Files (and directories, ending in C(/)) written or removed.
  returned: always
  type: list
  elements: str
  sample: [/etc/sipha/vip.json]
program:
  description: The launcher's path.
  returned: always
  type: str
  sample: /usr/local/sbin/sipha-vip
program_changed:
  description: Whether the program's code or launcher changed (a running standby helper must restart to run it).
  returned: always
  type: bool
  sample: false
config:
  description: The validated config as written (defaults filled in, host keys left out).
  returned: always
  type: dict
connections_closed:
  description: Routers whose warm connection was closed because the config or the pinned keys changed.
  returned: always
  type: list
  elements: str
systemd:
  description: Whether systemd runs on the host (a refresh timer can be a systemd timer).
  returned: with O(state=present)
  type: bool
  sample: true
"""

from ansible_collections.sipha.network.plugins.module_utils._vip.modules import run_vip_script


def main() -> None:
    run_vip_script()


if __name__ == "__main__":
    main()
