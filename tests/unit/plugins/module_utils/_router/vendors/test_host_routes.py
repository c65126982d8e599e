"""Static host routes in every vendor driver (data/host_routes.yml): rendered, read back, compared."""

from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import (ARGV, CONFIG, HostRoutes,
                                                                                         Vendor)

CASES = yaml.safe_load((pathlib.Path(__file__).parents[4] / "data" / "host_routes.yml").read_text())


def routes(case):
    data = case["routes"]
    return HostRoutes(tuple(data["addresses"]), data["next_hop"], data["vrf"], data["present"])


def test_every_driver_is_in_the_table_both_ways():
    assert {case["vendor"] for case in CASES} == set(registry.names())
    assert {(case["vendor"], case["routes"]["present"]) for case in CASES} == {
        (name, present) for name in registry.names() for present in (True, False)}
    for driver in registry.drivers():
        assert driver.host_routes_by in (ARGV, CONFIG)
        assert not getattr(driver.host_route_command, "__isabstractmethod__", False)
    assert {"host_route_command", "host_route_reads", "host_route_next_hops"} <= Vendor.__abstractmethods__


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_rendered_and_read(case):
    driver = registry.get(case["vendor"])
    assert driver.host_route_commands(routes(case)) == case["commands"]
    assert driver.host_route_reads(routes(case)) == case["reads"]
    assert len(case["outputs"]) == len(case["reads"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_only_what_differs_is_sent(case):
    found = registry.get(case["vendor"]).host_route_changes(routes(case), case["outputs"])
    assert found.send == case["send"]
    assert (found.add, found.remove, found.others) == (case["add"], case["remove"], case["others"])
    assert found.replaced == case.get("replaced", [])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_nothing_is_sent_when_the_router_already_agrees(case):
    driver = registry.get(case["vendor"])
    wanted = routes(case)
    if wanted.present and driver.host_routes_by == ARGV:     # what the router shows once every route is there
        after = ["%s via %s dev eth2 " % (a, wanted.next_hop) for a in wanted.addresses]
    elif wanted.present:    # IOS and Junos show the lines as they were entered
        after = ["\n".join(driver.host_route_commands(wanted))]
    else:
        after = [""] * len(case["reads"])
    assert driver.host_route_changes(wanted, after).send == []


def test_the_transports_differ_as_the_drivers_say():
    assert registry.get("linux").host_routes_by == ARGV
    assert registry.get("ios").host_routes_by == registry.get("junos").host_routes_by == CONFIG
    one = HostRoutes(("198.51.100.10",), "198.18.0.1")
    assert one.route("198.51.100.10") == "198.51.100.10/32 via 198.18.0.1"
    assert one._replace(vrf="VOICE").route("198.51.100.10") == "198.51.100.10/32 via 198.18.0.1 vrf VOICE"
