"""The VIP VLAN split plan and its comparison with the router (data/vlan_split.yml), and the inventory model's pairs."""

from __future__ import annotations

import copy
import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._model import split
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

DATA = yaml.safe_load((pathlib.Path(__file__).parents[3] / "data" / "vlan_split.yml").read_text())
ROUTES = ["198.51.100.10", "198.51.100.11", "198.51.100.12"]


def inputs(case):
    """The base overlaid with the case's routers and pairs."""
    base = copy.deepcopy(DATA["base"])
    for name, variables in (case.get("routers") or {}).items():
        for key, value in variables.items():
            if value is None:
                base["routers"][name].pop(key, None)
            else:
                base["routers"][name][key] = value
    for index, fields in (case.get("pairs") or {}).items():
        base["pairs"][int(index)].update(fields)
    args = dict({"router": "edge-b", "via": None, "state": "present"}, **(case.get("args") or {}))
    group = case.get("group", base["group"])
    return base["routers"], group, base["pairs"], args


def run(case):
    routers, group, pairs, args = inputs(case)
    return split.plan(routers, group, pairs, args["router"], args["via"], args["state"])


def test_the_table_is_large_enough():
    assert len(DATA["valid"]) >= 6 and len(DATA["invalid"]) >= 20
    ids = [case["id"] for case in DATA["valid"] + DATA["invalid"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", DATA["valid"], ids=[c["id"] for c in DATA["valid"]])
def test_a_valid_input_plans(case):
    plan = run(case)
    for key, value in case["expect"].items():
        assert plan[key] == value, key
    assert plan["routes"] == ["%s via %s%s" % (p, plan["next_hop"], " vrf %s" % plan["vrf"] if plan["vrf"] else "")
                              for p in plan["prefixes"]]
    assert len(plan["commands"]) == len(plan["prefixes"])


@pytest.mark.parametrize("case", DATA["invalid"], ids=[c["id"] for c in DATA["invalid"]])
def test_a_bad_input_names_the_variable_router_rule_and_value(case):
    with pytest.raises(DesignError) as err:
        run(case)
    assert err.value.field == case["field"], str(err.value)
    for text in case["message"]:
        assert text in str(err.value), str(err.value)


def test_transit_address_is_callable_alone_for_the_inventory_model():
    assert split.transit_address("198.18.0.1", "edge-a") == "198.18.0.1"
    assert split.transit_address("198.18.0.1", "edge-a", {"pair-1": "198.51.100.0/25"}) == "198.18.0.1"
    with pytest.raises(DesignError) as err:
        split.transit_address("198.51.100.1", "edge-a", {"pair-1": "198.51.100.0/25", "pair-0": "192.0.2.0/24"})
    assert str(err.value) == ("edge-a: sipha_router_transit_address: lies in pair pair-1's sipha_sip_network.cidr "
                              "198.51.100.0/25: the transit network must not cross the VoIP VLAN (the split cuts it "
                              "too) (got '198.51.100.1')")
    with pytest.raises(DesignError) as err:
        split.transit_address(None, "edge-a")
    assert err.value.field == "edge-a: sipha_router_transit_address"


def ios_plan(state="present", vrf="VOICE"):
    routers = {"edge-a": {"sipha_router_transit_address": "198.18.0.1"},
               "edge-b": {"sipha_router_vendor": "ios", "sipha_router_vrf": vrf}}
    pairs = [{"name": "pair-1", "vip": ROUTES[0], "sip_network": "198.51.100.0/25",
              "hosts": {"sip-a": ROUTES[1], "sip-b": ROUTES[2]}}]
    return split.plan(routers, ["edge-a", "edge-b"], pairs, "edge-b", state=state)


def test_changes_send_only_what_differs_and_say_what_it_means():
    plan = ios_plan()
    running = "ip route vrf VOICE 198.51.100.11 255.255.255.255 198.18.0.1 name sipha-vlan-split\n" \
              "ip route vrf VOICE 198.51.100.12 255.255.255.255 198.18.0.9 name other\n" \
              "ip route 198.51.100.10 255.255.255.255 198.18.0.1 name sipha-vlan-split"   # the global table's
    found = split.changes(plan, [running])
    assert found["send"] == ["ip route vrf VOICE %s 255.255.255.255 198.18.0.1 name sipha-vlan-split" % a
                             for a in (ROUTES[0], ROUTES[2])]
    assert found["changed"] and found["diff"] == ["+ 198.51.100.10/32 via 198.18.0.1 vrf VOICE",
                                                  "+ 198.51.100.12/32 via 198.18.0.1 vrf VOICE"]
    assert found["others"] == ["198.51.100.12/32 via 198.18.0.9 vrf VOICE"]
    assert found["summary"][0] == ("edge-b (IOS, vrf VOICE): added 2 host route(s) via edge-a's transit address "
                                   "198.18.0.1: 198.51.100.10/32, 198.51.100.12/32 (pair pair-1)")
    assert found["summary"][1].startswith("left alone (another next hop")
    assert "HA is reduced until the VoIP VLAN recovers" in found["summary"][2]
    assert found["summary"][2].endswith("-e sipha_split_router=edge-b -e sipha_split_via=edge-a "
                                        "-e sipha_split_state=absent")
    assert split.changes(plan, [running], check=True)["summary"][0].startswith("edge-b (IOS, vrf VOICE): would add 2")


def test_changes_nothing_to_do_and_the_revert():
    present = "\n".join("ip route vrf VOICE %s 255.255.255.255 198.18.0.1 name sipha-vlan-split" % a for a in ROUTES)
    same = split.changes(ios_plan(), [present])
    assert same["send"] == [] and not same["changed"] and "nothing to change" in same["summary"][0]
    revert = split.changes(ios_plan("absent"), [present])
    assert revert["send"] == ["no ip route vrf VOICE %s 255.255.255.255 198.18.0.1" % a for a in ROUTES]
    assert revert["remove"] == ["%s/32 via 198.18.0.1 vrf VOICE" % a for a in ROUTES] and revert["add"] == []
    assert "reaches the VIP on the VoIP VLAN again" in revert["summary"][-1]
    assert split.changes(ios_plan("absent"), [""])["send"] == []


@pytest.mark.parametrize("mangle,outputs,field", [
    (lambda p: p.update(vendor="eos"), [""], "plan.vendor"),
    (lambda p: p.update(state="gone"), [""], "plan.state"),
    (lambda p: p.update(prefixes=["198.51.100.10/32; reload"]), [""], "plan.prefixes[0]"),
    (lambda p: p.update(prefixes=["198.51.100.0/24"]), [""], "plan.prefixes[0]"),
    (lambda p: p.update(next_hop="edge-a"), [""], "plan.next_hop"),
    (lambda p: p.update(vrf="A B"), [""], "plan.vrf"),
    (lambda p: p.pop("router"), [""], "plan"),
    (lambda p: None, [], "outputs"),
    (lambda p: None, [1], "outputs"),
    (lambda p: None, "text", "outputs"),
])
def test_changes_check_the_plan_and_the_outputs_again(mangle, outputs, field):
    plan = ios_plan()
    mangle(plan)
    with pytest.raises(DesignError) as err:
        split.changes(plan, outputs)
    assert err.value.field == field, str(err.value)


MODEL = {"errors": [], "pairs": {"pair-1": ["sip-a", "sip-b"]}, "hosts": {
    "sip-a": {"design": {"vip": ROUTES[0], "sip_nic": {"name": "ens224", "address": "198.51.100.11/25"}},
              "routers": ["edge-a", "edge-b"]},
    "sip-b": {"design": {"vip": ROUTES[0], "sip_nic": {"mac": "02:00:5e:00:53:0c", "address": "198.51.100.12/25"}},
              "routers": ["edge-a", "edge-b"]}}}


def test_pairs_from_the_inventory_model():
    assert split.pairs_from_model(MODEL) == [{
        "name": "pair-1", "vip": ROUTES[0], "sip_network": "198.51.100.0/25", "routers": ["edge-a", "edge-b"],
        "hosts": {"sip-a": "198.51.100.11/25", "sip-b": "198.51.100.12/25"}}]
    with pytest.raises(DesignError) as err:
        split.pairs_from_model(dict(MODEL, errors=["sip-a: sipha_vip: must be set"]))
    assert "has design errors" in str(err.value) and "sip-a: sipha_vip" in str(err.value)
    with pytest.raises(DesignError):
        split.pairs_from_model(None)
