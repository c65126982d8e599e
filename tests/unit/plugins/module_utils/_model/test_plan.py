"""Planning route/rule/address changes, including the traps other tools fall into."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model.plan import (
    plan_addresses, plan_mtu, plan_routes, plan_rules)
from ansible_collections.sipha.network.plugins.module_utils._model.kernel import (
    Route, Rule, TableMap, parse_addresses, parse_routes, parse_rules, route_protocols)

TABLES = TableMap({"sipha_sip": 100})
MAIN = 254


def via_sip(route):
    return route.dev == "eth1" and route.gateway == "198.51.100.1"


def in_table(rule):
    return rule.table == 100


DEVNET = Route(MAIN, "203.0.113.0/24", "eth1", gateway="198.51.100.1", prefsrc="198.51.100.11")


def test_nothing_to_do_when_equal():
    assert not plan_routes([DEVNET], [DEVNET], TABLES, via_sip, True)


def test_missing_route_is_added_and_undo_deletes_it():
    plan = plan_routes([DEVNET], [], TABLES, via_sip, True)
    assert plan.commands() == [["-4", "route", "replace", "203.0.113.0/24", "via", "198.51.100.1", "dev", "eth1",
                                "src", "198.51.100.11", "metric", "0", "table", "254"]]
    assert plan.undo_commands()[0][:3] == ["-4", "route", "del"]
    assert plan.diff_lines() == ["+ route 203.0.113.0/24 via 198.51.100.1 dev eth1 src 198.51.100.11"]


def test_changed_gateway_is_replaced_and_undo_restores_old():
    old = DEVNET._replace(gateway="198.51.100.2")
    plan = plan_routes([DEVNET], [old], TABLES, via_sip, True)
    assert [s.kind for s in plan.steps] == ["route~"]
    assert "198.51.100.2" in plan.undo_commands()[0]


def test_trap_metric_is_part_of_the_key():
    """NetworkManager-style metric 100 is another route, not the same one."""
    nm_style = DEVNET._replace(metric=100)
    plan = plan_routes([DEVNET], [nm_style], TABLES, via_sip, authoritative=True)
    assert sorted(s.kind for s in plan.steps) == ["route+", "route-"]
    append = plan_routes([DEVNET], [nm_style], TABLES, via_sip, authoritative=False)
    assert [s.kind for s in append.steps] == ["route+"]


def test_trap_missing_metric_in_json_means_zero():
    parsed = parse_routes([{"dst": "203.0.113.0/24", "gateway": "198.51.100.1", "dev": "eth1",
                            "prefsrc": "198.51.100.11", "flags": []}], TABLES)
    assert parsed == [DEVNET]
    assert not plan_routes([DEVNET], parsed, TABLES, via_sip, True)


def test_trap_table_name_and_number_are_the_same_table():
    by_name = parse_routes([{"dst": "default", "gateway": "198.51.100.1", "dev": "eth1", "table": "sipha_sip"}], TABLES)
    by_number = parse_routes([{"dst": "default", "gateway": "198.51.100.1", "dev": "eth1", "table": "100"}], TABLES)
    assert by_name == by_number == [Route(100, "0.0.0.0/0", "eth1", gateway="198.51.100.1")]
    rules = parse_rules([{"priority": 1000, "src": "198.51.100.11", "table": "sipha_sip"},
                         {"priority": 1000, "src": "198.51.100.11", "table": "100"}], TABLES)
    assert rules[0] == rules[1] == Rule(1000, "198.51.100.11/32", 100)


def test_trap_rule_priority_is_part_of_the_rule():
    wanted = Rule(1000, "198.51.100.11/32", 100)
    moved = Rule(32765, "198.51.100.11/32", 100)   # what 'ip rule add' without priority gives
    plan = plan_rules([wanted], [moved], TABLES, in_table, authoritative=True)
    assert plan.diff_lines() == ["+ rule 1000: from 198.51.100.11 lookup sipha_sip",
                                 "- rule 32765: from 198.51.100.11 lookup sipha_sip"]


def test_trap_duplicate_rules_are_reduced_to_one():
    wanted = Rule(1000, "198.51.100.11/32", 100)
    plan = plan_rules([wanted], [wanted, wanted, wanted], TABLES, in_table, authoritative=True)
    assert plan.diff_lines() == ["- rule 1000: from 198.51.100.11 lookup sipha_sip (duplicate)"] * 2
    assert not plan_rules([wanted], [wanted, wanted], TABLES, in_table, authoritative=False)


def test_trap_empty_list_in_authoritative_mode_removes_all_managed():
    other = Route(MAIN, "10.99.0.0/16", "eth1", gateway="198.51.100.1")
    foreign = Route(MAIN, "10.98.0.0/16", "eth0", gateway="192.0.2.1")
    plan = plan_routes([], [DEVNET, other, foreign], TABLES, via_sip, authoritative=True)
    assert sorted(plan.diff_lines()) == [
        "- route 10.99.0.0/16 via 198.51.100.1 dev eth1",
        "- route 203.0.113.0/24 via 198.51.100.1 dev eth1 src 198.51.100.11",
    ]
    assert not plan_routes([], [DEVNET, other], TABLES, via_sip, authoritative=False)


def test_kernel_routes_are_never_deleted():
    connected = [{"dst": "198.51.100.0/25", "dev": "eth1", "protocol": "kernel", "scope": "link",
                  "prefsrc": "198.51.100.11"}]
    current = parse_routes(connected, TABLES)
    plan = plan_routes([], current, TABLES, lambda r: True, True, route_protocols(connected, TABLES))
    assert not plan


def test_local_and_ipv6_routes_are_ignored():
    data = [{"type": "local", "dst": "198.51.100.11", "dev": "eth1", "table": "local"},
            {"dst": "2001:db8::/64", "dev": "eth1"}]
    assert parse_routes(data, TABLES) == []


def test_order_adds_before_deletes_and_undo_reverses():
    plan = plan_routes([DEVNET], [DEVNET._replace(dst="10.0.0.0/8")], TABLES, via_sip, True)
    plan.extend(plan_rules([Rule(1000, "198.51.100.11/32", 100)], [], TABLES, in_table, True))
    plan.extend(plan_addresses([], {}, True))
    kinds = [s.kind for s in plan.ordered()]
    assert kinds == ["route+", "rule+", "route-"]
    undo = plan.undo_commands()
    assert undo[0][:3] == ["-4", "route", "replace"] and undo[-1][:3] == ["-4", "route", "del"]


LINKS = parse_addresses([
    {"ifname": "eth1", "address": "52:54:00:00:00:01", "mtu": 1500,
     "addr_info": [{"family": "inet", "local": "198.51.100.11", "prefixlen": 25, "scope": "global"},
                   {"family": "inet", "local": "198.51.100.10", "prefixlen": 25, "scope": "global"},
                   {"family": "inet", "local": "198.51.100.99", "prefixlen": 25, "scope": "global"},
                   {"family": "inet6", "local": "fe80::1", "prefixlen": 64, "scope": "link"}]},
])


def test_addresses_authoritative_keeps_the_vip():
    from ansible_collections.sipha.network.plugins.module_utils._model.kernel import Address
    plan = plan_addresses([Address("eth1", "198.51.100.11/25")], LINKS, True, keep=["198.51.100.10"])
    assert plan.diff_lines() == ["- address 198.51.100.99/25 dev eth1"]
    assert not plan_addresses([Address("eth1", "198.51.100.11/25")], LINKS, False)


def test_address_with_other_prefix_is_replaced():
    from ansible_collections.sipha.network.plugins.module_utils._model.kernel import Address
    plan = plan_addresses([Address("eth1", "198.51.100.11/24")], LINKS, True, keep=["198.51.100.10", "198.51.100.99"])
    assert plan.diff_lines() == ["+ address 198.51.100.11/24 dev eth1",
                                 "- address 198.51.100.11/25 dev eth1 (prefix length differs)"]


@pytest.mark.parametrize("mtu,changes", [(1500, 0), (9000, 1), (None, 0)])
def test_mtu(mtu, changes):
    assert len(plan_mtu("eth1", mtu, LINKS).steps) == changes


def test_nm_comparison_ignores_attribute_order_and_display_forms():
    from ansible_collections.sipha.network.plugins.module_utils._host.backends import nm_render as nm
    wanted = {"ipv4.routes": "198.18.20.0/24 198.51.100.2 src=198.51.100.31, 198.51.100.0/25 table=100 src=198.51.100.31",
              "ipv4.gateway": "", "802-3-ethernet.mtu": "0"}
    shown = nm.parse_terse("ipv4.routes:198.18.20.0/24 198.51.100.2 src=198.51.100.31, "
                           "198.51.100.0/25 src=198.51.100.31 table=100\nipv4.gateway:\n802-3-ethernet.mtu:auto\n")
    assert nm.differences(wanted, shown) == []
    assert nm.differences(dict(wanted, **{"802-3-ethernet.mtu": "1400"}), shown) == ["802-3-ethernet.mtu"]


def test_numeric_output_of_ip_dash_n():
    """ip -N prints tables and protocols as numbers; kernel routes are still recognised."""
    data = [{"dst": "198.51.100.0/25", "dev": "eth1", "protocol": "2", "scope": "253", "prefsrc": "198.51.100.11",
             "table": "254"},
            {"dst": "default", "gateway": "198.51.100.1", "dev": "eth1", "table": "100", "protocol": "4"}]
    routes = parse_routes(data, TableMap())
    assert [r.table for r in routes] == [254, 100]
    assert [r.scope for r in routes] == ["link", "universe"]
    assert route_protocols(data, TableMap())[(254, "198.51.100.0/25", 0)] == "kernel"
