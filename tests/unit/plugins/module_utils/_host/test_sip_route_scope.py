"""What sip_routes owns in the main table, and so removes in authoritative mode (tests/unit/data/sip_route_scope.yml)."""

from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._host.modules import SipRoutes
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign
from ansible_collections.sipha.network.plugins.module_utils._model.kernel import parse_routes, route_protocols
from ansible_collections.sipha.network.plugins.module_utils._model.plan import plan_routes

DATA = pathlib.Path(__file__).parents[3] / "data"
VALID = yaml.safe_load((DATA / "host_designs.yml").read_text())["valid"]
SCOPE = yaml.safe_load((DATA / "sip_route_scope.yml").read_text())


def plan_lines(case, authoritative):
    design = HostDesign.from_dict(dict(VALID, **case.get("design", {})))
    data = [dict({"dev": "eth1"}, **route) for route in SCOPE["base_routes"] + case["routes"]]
    tables = design.tables
    routes, protocols = parse_routes(data, tables), route_protocols(data, tables)
    replayed = {tuple(pair) for pair in case.get("replayed", [])}

    def managed(route):
        return SipRoutes.managed(route, design, "eth1", protocols.get(route.key), case.get("stamp"), replayed)

    desired = design.device_routes("eth1") + design.table_routes("eth1")
    return plan_routes(desired, routes, tables, managed, authoritative, protocols).diff_lines()


@pytest.mark.parametrize("case", SCOPE["cases"], ids=[case["name"] for case in SCOPE["cases"]])
@pytest.mark.parametrize("mode", ["authoritative", "append"])
def test_route_scope(case, mode):
    assert plan_lines(case, mode == "authoritative") == case[mode]


def test_routes_on_another_nic_are_never_ours():
    design = HostDesign.from_dict(VALID)
    data = [route for route in SCOPE["base_routes"] if route["dev"] == "eth0"]
    for route in parse_routes(data, design.tables):
        assert not SipRoutes.managed(route, design, "eth1", "static", "static", {(route.dst, route.gateway)})
