"""The inventory model, table-driven from tests/unit/data/inventories.yml through the filter (with the roles'
argument specs and defaults): every error listed at once, each naming the host, router or pair and the inventory
variable, never a type error."""

from __future__ import annotations

import copy
import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.filter.inventory import inventory_model
from ansible_collections.sipha.network.plugins.module_utils._model import pair

DATA = yaml.safe_load((pathlib.Path(__file__).parents[3] / "data" / "inventories.yml").read_text())
BASE_HOST = DATA["base"]["hosts"]["sip-a"]


def inventory(changes):
    hosts = copy.deepcopy(DATA["base"]["hosts"])
    routers = copy.deepcopy(DATA["base"]["routers"])
    for key, value in changes.items():
        if key.startswith("+"):
            hosts[key[1:]] = dict(copy.deepcopy(BASE_HOST), **value)
        elif key.startswith("-"):
            routers.pop(key[1:])
        else:
            name, variable = key.split(".", 1)
            target = hosts[name] if name in hosts else routers[name]
            if value is None:
                target.pop(variable, None)
            else:
                target[variable] = None if value == "<null>" else value
    return hosts, routers


def model_of(changes):
    hosts, routers = inventory(changes)
    return inventory_model(sorted(hosts), dict(hosts, **routers), sorted(routers))


def test_the_data_file_holds_enough_cases():
    invalid = [case for case in DATA["cases"] if case["errors"]]
    assert len(invalid) >= 60 and len(DATA["cases"]) - len(invalid) >= 10
    assert len({case["id"] for case in DATA["cases"]}) == len(DATA["cases"])


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["id"] for c in DATA["cases"]])
def test_inventory(case):
    errors = model_of(case["set"])["errors"]
    for expected in case["errors"]:
        parts = expected if isinstance(expected, list) else [expected]
        assert any(all(part in line for part in parts) for line in errors), (expected, errors)
    assert len(errors) == len(case["errors"]), errors
    for line in errors:
        assert "Traceback" not in line and "object of type" not in line and "NoneType" not in line, line
        assert "cannot be templated" not in line and "_Ansible" not in line, line


def test_a_valid_inventory_gives_every_role_its_inputs():
    hosts, routers = inventory({})
    model = pair.build(hosts, routers)
    assert model["pairs"] == {"pair-1": ["sip-a", "sip-b"]}
    sip_a = model["hosts"]["sip-a"]
    assert sip_a["pair"] == ["sip-a", "sip-b"] and sip_a["routers"] == ["edge-a", "edge-b"]
    assert sip_a["design"] == {"sip_nic": {"name": "ens224", "address": "198.51.100.11/25"},
                               "data_nic": {"name": "ens192", "address": "192.0.2.21/24"},
                               "sip_gateway": "198.51.100.2", "data_gateway": "192.0.2.1", "vip": "198.51.100.10",
                               "sip_device_networks": ["203.0.113.0/24"]}
    assert model["routers"]["edge-b"]["vendor"] == "ios" and model["routers"]["edge-a"]["vendor"] == "linux"


def test_the_filter_reads_hostvars_and_lists_errors_instead_of_raising():
    hosts, routers = inventory({"edge-a.sipha_router_vendor": "eos"})
    hostvars = dict(hosts, **routers)
    model = inventory_model(sorted(hosts), hostvars, sorted(routers))
    assert model["errors"] == ["edge-a: sipha_router_vendor: must be one of linux, ios, junos (got 'eos')"]


def test_no_hosts_at_all():
    assert pair.build({}, {})["errors"] == ["sip hosts: the inventory has no SIP host of the model (group sip_pair)"]
