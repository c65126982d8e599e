# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  design:
    description:
      - The SIP host's network design. The same dictionary drives M(sipha.network.dual_nic) and
        M(sipha.network.sip_routes) (the role C(sipha.network.sip_host_network) builds it).
      - It is validated before anything is read or changed; a wrong value fails with the field and the rule.
      - C(sip_nic), C(data_nic) - dictionaries with C(name) and/or C(mac), C(address) (IPv4 with prefix length,
        e.g. C(198.51.100.11/25)) and optionally C(mtu) (576..9216). The two NICs and their subnets must differ.
      - C(sip_gateway) - the VoIP network's gateway, inside the SIP subnet.
      - C(data_gateway) - the data network's gateway, inside the data subnet; the single default route.
      - C(vip) - the SIP Server's virtual IP, inside the SIP subnet (optional).
      - C(sip_device_networks) - networks of SIP devices (CIDR), routed via C(sip_gateway) on the SIP NIC; they
        must not overlap the SIP or data subnets (R8).
      - C(route_source) - preferred source of those routes, C(host) (the SIP address, default) or C(vip)
        (only where the VIP is held).
      - C(policy_table) - the source policy routing table, a dictionary with C(name) and C(id); by default
        C(sipha_sip), number 100.
      - C(rule_priority) - priority of C(from <SIP address> lookup <table>); the VIP's rule takes the next one.
        Default 1000.
      - C(route_metric) - metric of the routes in the main table, default 0.
    type: dict
    required: true
  mode:
    description:
      - V(authoritative) removes what this module manages and the design does not list (for example static routes
        via the VoIP gateway to networks no longer listed, duplicate or stale rules to the policy table; an empty
        C(sip_device_networks) removes them all). V(append) only adds and corrects.
      - Routes the kernel made for connected subnets are never removed.
    type: str
    choices: [authoritative, append]
    default: authoritative
  backend:
    description:
      - Where the design is persisted so that it survives a reboot; the running kernel is always changed too,
        and both agree after every run.
      - V(auto) picks V(networkmanager) when NetworkManager runs, else V(netplan) when the C(netplan) command and
        C(/etc/netplan) exist, else V(ifupdown) when C(/etc/network/interfaces.d) and C(ifup) exist, and fails
        otherwise.
      - V(networkmanager) keeps one profile per NIC, C(sipha-<interface>) (addresses, gateway, MTU, metric; routes and
        routing rules on the SIP NIC's), reapplied in place without taking the link down.
      - V(netplan) writes the whole design as one file, C(/etc/netplan/60-sipha.yaml) (0600; both NICs with
        C(critical) so that systemd-networkd keeps the VIP when it reconfigures the SIP NIC, the default route,
        device routes, the policy table's routes and C(routing-policy) rules), checks it with C(netplan generate)
        (a refused file is put back) and loads it with C(networkctl reload). A safe apply's rollback also puts the
        previous file back.
      - V(ifupdown) writes C(/etc/network/interfaces.d/60-sipha-<interface>) per NIC and the hook
        C(/etc/network/if-up.d/sipha-routes) that replays the SIP NIC's routes and rules.
      - V(none) changes the running kernel only.
    type: str
    choices: [auto, networkmanager, netplan, ifupdown, none]
    default: auto
"""
