"""The VIP VLAN split filters: the routers' variables read from hostvars, errors named as the filter's."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.sipha.network.plugins.filter.vlan_split import (FilterModule, vlan_split_changes,
                                                                         vlan_split_plan)

MODEL = {"errors": [], "pairs": {"pair-1": ["sip-a", "sip-b"]}, "hosts": {
    "sip-a": {"design": {"vip": "198.51.100.10", "sip_nic": {"name": "ens224", "address": "198.51.100.11/25"}},
              "routers": ["edge-a", "edge-b"]},
    "sip-b": {"design": {"vip": "198.51.100.10", "sip_nic": {"name": "ens224", "address": "198.51.100.12/25"}},
              "routers": ["edge-a", "edge-b"]}}}


class Failing:
    """A host's variables whose one template fails, as Ansible's hostvars raise it."""

    def get(self, name, default=None):
        if name == "sipha_router_transit_address":
            raise RuntimeError("'vault_transit' is undefined\nmore detail")
        return default


HOSTVARS = {"edge-a": {"sipha_router_transit_address": "198.18.0.1", "ansible_host": "x"},
            "edge-b": {"sipha_router_vendor": "junos", "sipha_router_vrf": "VOICE"}}


def test_both_filters_are_exported():
    assert sorted(FilterModule().filters()) == ["vlan_split_changes", "vlan_split_plan"]


def test_the_plan_and_the_changes_through_the_filters():
    plan = vlan_split_plan(MODEL, HOSTVARS, ["edge-a", "edge-b"], "edge-b")
    assert plan["reads"] == ["show configuration routing-instances VOICE routing-options static | display set"]
    assert plan["commands"][0] == ("set routing-instances VOICE routing-options static route 198.51.100.10/32 "
                                   "next-hop 198.18.0.1")
    found = vlan_split_changes(plan, [""], True)
    assert len(found["send"]) == 3 and found["summary"][0].startswith("edge-b (Junos, vrf VOICE): would add 3")


@pytest.mark.parametrize("args,text", [
    ((MODEL, HOSTVARS, ["edge-a", "edge-b"], "edge-c"), "sipha.network.vlan_split_plan: sipha_split_router: must be "
                                                        "one of the routers of group adjacent_routers"),
    ((MODEL, HOSTVARS, "edge-a", "edge-b"), "sipha.network.vlan_split_plan: adjacent_routers: must be the list"),
    ((MODEL, dict(HOSTVARS, **{"edge-a": Failing()}), ["edge-a", "edge-b"], "edge-b"),
     "sipha.network.vlan_split_plan: edge-a: sipha_router_transit_address: cannot be templated: 'vault_transit' is "
     "undefined$"),
    ((dict(MODEL, errors=["x: y: z"]), HOSTVARS, ["edge-a", "edge-b"], "edge-b"), "model: has design errors"),
    ((MODEL, HOSTVARS, ["edge-a", "edge-b"], "edge-b", "", "later"), "sipha_split_state: must be present"),
])
def test_bad_input_fails_naming_the_filter_and_the_variable(args, text):
    with pytest.raises(AnsibleFilterError, match=text):
        vlan_split_plan(*args)


def test_changes_refuse_what_is_not_a_plan():
    with pytest.raises(AnsibleFilterError, match="sipha.network.vlan_split_changes: plan: must be what"):
        vlan_split_changes({"vendor": "ios"}, [""])
