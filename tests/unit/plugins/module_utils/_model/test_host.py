"""Host design validation, table-driven from data/host_designs.yml."""

from __future__ import annotations

import copy
import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign, check_pair

DATA = yaml.safe_load((pathlib.Path(__file__).parents[3] / "data" / "host_designs.yml").read_text())


def apply(design, changes):
    out = copy.deepcopy(design)
    for path, value in changes.items():
        node = out
        *parents, last = path.split(".")
        for part in parents:
            node = node[part]
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return out


def test_valid_design_builds_the_expected_state():
    design = HostDesign.from_dict(DATA["valid"])
    assert design.nic_names({"52:54:00:00:00:01": "eth1", "52:54:00:00:00:02": "eth0"}) == ("eth1", "eth0")
    tables = design.tables
    assert [r.describe(tables) for r in design.device_routes("eth1")] == [
        "203.0.113.0/24 via 198.51.100.1 dev eth1 src 198.51.100.11",
        "198.18.0.0/15 via 198.51.100.1 dev eth1 src 198.51.100.11",
    ]
    assert design.default_route("eth0").describe(tables) == "default via 192.0.2.1 dev eth0"
    assert [r.describe(tables) for r in design.table_routes("eth1")] == [
        "198.51.100.0/25 dev eth1 scope link src 198.51.100.11 table sipha_sip",
        "default via 198.51.100.1 dev eth1 table sipha_sip",
    ]
    assert [r.describe(tables) for r in design.rules()] == [
        "1000: from 198.51.100.11 lookup sipha_sip",
        "1001: from 198.51.100.10 lookup sipha_sip",
    ]


def test_route_source_vip():
    design = HostDesign.from_dict(dict(DATA["valid"], route_source="vip"))
    assert all(r.prefsrc == "198.51.100.10" for r in design.device_routes("eth1"))


def test_enough_invalid_designs():
    assert len(DATA["invalid"]) >= 25
    assert len({c["id"] for c in DATA["invalid"]}) == len(DATA["invalid"])


@pytest.mark.parametrize("case", DATA["invalid"], ids=[c["id"] for c in DATA["invalid"]])
def test_invalid_design_names_field(case):
    design = case["design"] if "design" in case else apply(DATA["valid"], case["set"])
    with pytest.raises(DesignError) as err:
        HostDesign.from_dict(design)
    assert str(err.value).startswith(case["field"] + ": "), str(err.value)
    assert err.value.field == case["field"]


@pytest.mark.parametrize("case", DATA["invalid_pairs"], ids=[c["id"] for c in DATA["invalid_pairs"]])
def test_invalid_pair_names_host_and_field(case):
    b = apply(DATA["valid"], {"sip_nic.address": "198.51.100.12/25", "data_nic.address": "192.0.2.22/24"})
    b = apply(b, case["b"])
    designs = {"sip-a": HostDesign.from_dict(DATA["valid"]), "sip-b": HostDesign.from_dict(b)}
    with pytest.raises(DesignError) as err:
        check_pair(designs)
    assert str(err.value).startswith(case["field"] + ": "), str(err.value)


def test_valid_pair_passes_and_the_same_pair_reusing_an_address_does_not():
    b = apply(DATA["valid"], {"sip_nic.address": "198.51.100.12/25", "data_nic.address": "192.0.2.22/24"})
    designs = {"sip-a": HostDesign.from_dict(DATA["valid"]), "sip-b": HostDesign.from_dict(b)}
    assert check_pair(designs) is None
    # the control: one address of sip-b back to sip-a's is refused, naming the host and the field
    reused = dict(designs, **{"sip-b": HostDesign.from_dict(apply(b, {"sip_nic.address": "198.51.100.11/25"}))})
    with pytest.raises(DesignError) as err:
        check_pair(reused)
    assert err.value.field == "sip-b: sip_nic.address" and "already used by sip-a sip_nic.address" in str(err.value)


@pytest.mark.parametrize("macs,field", [
    ({"52:54:00:00:00:02": "eth0"}, "sip_nic.name"),
])
def test_nic_must_exist_on_host(macs, field):
    with pytest.raises(DesignError) as err:
        HostDesign.from_dict(DATA["valid"]).nic_names(macs)
    assert err.value.field == field


def test_nic_by_mac_resolves_and_conflicts():
    by_mac = {"sip_nic": {"mac": "52:54:00:00:00:01", "address": "198.51.100.11/25"}}
    design = HostDesign.from_dict(apply(DATA["valid"], by_mac))
    assert design.nic_names({"52:54:00:00:00:01": "ens224", "x": "eth0"}) == ("ens224", "eth0")
    with pytest.raises(DesignError) as err:
        design.nic_names({"52:54:00:00:00:09": "ens224", "x": "eth0"})
    assert err.value.field == "sip_nic.mac"
    both = HostDesign.from_dict(apply(DATA["valid"], {"sip_nic.mac": "52:54:00:00:00:01"}))
    with pytest.raises(DesignError) as err:
        both.nic_names({"52:54:00:00:00:01": "ens224", "x": "eth0", "y": "eth1"})
    assert err.value.field == "sip_nic"


def test_validate_pair_names_the_host_of_a_bad_design():
    from ansible_collections.sipha.network.plugins.module_utils._model.host import validate_pair
    b = apply(DATA["valid"], {"sip_nic.address": "198.51.100.12/25", "data_nic.address": "192.0.2.22/24"})
    assert sorted(validate_pair({"sip-a": DATA["valid"], "sip-b": b})) == ["sip-a", "sip-b"]
    with pytest.raises(DesignError) as err:
        validate_pair({"sip-a": DATA["valid"], "sip-b": apply(b, {"vip": "192.0.2.10"})})
    assert err.value.field == "sip-b: vip"
    assert str(err.value).startswith("sip-b: vip: must be inside the SIP subnet")
    with pytest.raises(DesignError) as err:
        validate_pair({})
    assert err.value.field == "designs"


def test_pair_filter_reports_through_the_shared_converter():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.sipha.network.plugins.filter.host_design import host_pair_check
    with pytest.raises(AnsibleFilterError) as err:
        host_pair_check({"sip-a": apply(DATA["valid"], {"sip_gateway": "198.51.100.200"})})
    assert str(err.value).startswith("sipha.network.host_pair_check: sip-a: sip_gateway: ")
