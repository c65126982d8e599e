"""The inventory model, table-driven from tests/unit/data/inventories.yml through the filter (with the roles'
argument specs and defaults): every error listed at once, each naming the host, router or pair and the inventory
variable, never a type error."""

from __future__ import annotations

import copy
import pathlib

import jinja2
import pytest
import yaml
from ansible.parsing.vault import EncryptedString

from ansible_collections.sipha.network.plugins.filter.inventory import inventory_model
from ansible_collections.sipha.network.plugins.module_utils._model import pair
from ansible_collections.sipha.network.plugins.module_utils._model.roles import VAULTED

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


def test_an_inventory_role_variable_wins_over_the_model_and_the_default():
    model = model_of({"sip-a.sipha_tos_class": "af41", "sip-b.sipha_tos_class": "af41", "sip-a.sip_qos_sip_dscp": "cs3",
                      "edge-a.router_arp_flush_vips": ["198.51.100.10", "198.51.100.99"]})
    assert model["errors"] == []
    sip_a, sip_b = model["hosts"]["sip-a"]["role_vars"], model["hosts"]["sip-b"]["role_vars"]
    assert (sip_a["sip_qos_sip_dscp"], sip_a["sip_qos_rtp_dscp"]) == ("cs3", "af41")
    assert (sip_b["sip_qos_sip_dscp"], sip_b["sip_qos_rtp_dscp"]) == ("af41", "af41")
    assert model["router_vars"]["edge-a"]["router_arp_flush_vips"] == ["198.51.100.10", "198.51.100.99"]
    assert model["router_vars"]["edge-b"]["router_arp_flush_vips"] == ["198.51.100.10"]


def test_without_a_class_the_roles_default_is_handed_on():
    sip_a = model_of({})["hosts"]["sip-a"]["role_vars"]
    assert sip_a["sip_qos_sip_dscp"] == "ef" and sip_a["sip_vip_pair"] == "pair-1"
    assert sip_a["sip_host_network_pair"] == ["sip-a", "sip-b"]
    assert [router["name"] for router in sip_a["sip_vip_routers"]] == ["edge-a", "edge-b"]


def test_routers_get_the_vips_keys_and_sources_of_the_hosts_they_serve():
    edge_b = model_of({})["router_vars"]["edge-b"]
    assert edge_b == {"router_arp_flush_vendor": "ios", "router_arp_flush_platform": "", "router_arp_flush_vips": ["198.51.100.10"],
                      "router_arp_flush_keys": [BASE_HOST["sipha_flush_public_key"]],
                      "router_arp_flush_sources": ["198.51.100.11", "198.51.100.12"]}
    from ansible_collections.sipha.network.tests.unit.plugins.module_utils._model.test_router import RSA
    classic = model_of({"edge-b.sipha_router_platform": "ios-classic", "edge-b.router_arp_flush_keys": [RSA]})
    assert classic["router_vars"]["edge-b"]["router_arp_flush_platform"] == "ios-classic", classic["errors"]


def test_a_nic_given_by_mac_leaves_its_name_to_the_host():
    model = model_of({"sip-a.sipha_sip_nic": {"mac": "02:00:5e:00:53:0b", "address": "198.51.100.11/25"}})
    assert model["errors"] == []
    assert model["hosts"]["sip-a"]["role_vars"]["sip_qos_sip_nic"] is None
    assert model["hosts"]["sip-a"]["role_vars"]["sip_vip_interface"] is None


def test_secrets_are_never_handed_out_nor_shown():
    model = model_of({"sip-a.sipha_flush_private_key": "-----BEGIN KEY-----", "sip-a.sipha_flush_private_key_src": None,
                      "edge-b.router_arp_flush_password": "two words"})
    assert model["errors"] == ["edge-b: router_arp_flush_password: must be 1-127 printable characters without spaces "
                               "or '?': it ends a line of the router's configuration, and '?' asks IOS for help"]
    assert "sip_vip_flush_private_key" not in model["hosts"]["sip-a"]["role_vars"]
    assert "BEGIN KEY" not in repr(model)


class Unreadable(jinja2.Undefined):
    """What Ansible hands on for a template that failed."""


def test_a_variable_whose_template_fails_is_named():
    hosts, routers = inventory({})
    hostvars = dict(hosts, **routers)
    hostvars["sip-a"]["sipha_tos_class"] = Unreadable(hint="'vault_class' is undefined")
    model = inventory_model(sorted(hosts), hostvars, sorted(routers))
    assert model["errors"][0] == "sip-a: sipha_tos_class: cannot be templated: 'vault_class' is undefined"


def test_a_vaulted_value_is_taken_as_set_and_never_read():
    hosts, routers = inventory({"sip-a.sipha_flush_private_key_src": None, "sip-b.sipha_flush_private_key_src": None})
    hostvars = dict(hosts, **routers)
    for host in ("sip-a", "sip-b"):
        hostvars[host]["sipha_flush_private_key"] = EncryptedString(ciphertext="$ANSIBLE_VAULT;1.1;AES256\n00")
    model = inventory_model(sorted(hosts), hostvars, sorted(routers))
    assert model["errors"] == []


def test_the_example_inventory_is_a_valid_design():
    """examples/inventory, loaded by Ansible's own inventory code and run through the design model as site.yml
    does: the example users copy must pass (a vaulted secret left as its template counts as vaulted)."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    where = pathlib.Path(__file__).parents[5] / "examples" / "inventory"
    loader = DataLoader()
    manager = InventoryManager(loader=loader, sources=[str(where / "hosts.yml")])
    variables = VariableManager(loader=loader, inventory=manager)

    def raw(host):
        found = variables.get_vars(host=manager.get_host(host))
        return {key: VAULTED if isinstance(value, str) and "{{ vault_" in value else value
                for key, value in found.items()}

    routers = sorted(h.name for h in manager.groups["adjacent_routers"].get_hosts())
    hosts = sorted(h.name for h in manager.groups["sip_pair"].get_hosts())
    model = inventory_model(hosts, {name: raw(name) for name in hosts + routers}, routers)
    assert model["errors"] == []
    assert model["router_vars"]["edge-b"]["router_arp_flush_platform"] == "ios-xe"
