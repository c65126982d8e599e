"""The netplan file of a host design: read back as YAML, it holds exactly the design."""

from __future__ import annotations

import pathlib

import yaml

from ansible_collections.sipha.network.plugins.module_utils._host.backends import netplan_render
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign

VALID = yaml.safe_load((pathlib.Path(__file__).parents[4] / "data" / "host_designs.yml").read_text())["valid"]


def rendered(**changes):
    design = HostDesign.from_dict(dict(VALID, **changes))
    text = netplan_render.render(design, "eth1", "eth0")
    return text, yaml.safe_load(text)["network"]


def test_the_whole_design_in_one_file():
    text, network = rendered()
    assert text.startswith("# Managed by sipha.network")
    assert network["version"] == 2 and network["renderer"] == "networkd"
    assert sorted(network["ethernets"]) == ["eth0", "eth1"]
    sip, data = network["ethernets"]["eth1"], network["ethernets"]["eth0"]
    assert sip["addresses"] == ["198.51.100.11/25"] and sip["mtu"] == 1500
    assert data["addresses"] == ["192.0.2.21/24"] and "mtu" not in data
    # both NICs keep what networkd did not configure (the VIP) when it reconfigures them
    assert sip["critical"] is True and data["critical"] is True
    assert sip["dhcp4"] is False and data["dhcp4"] is False


def test_one_default_route_in_main_via_the_data_gateway():
    _text, network = rendered()
    routes = [(nic, r) for nic, conf in network["ethernets"].items() for r in conf.get("routes", [])]
    main_defaults = [(nic, r) for nic, r in routes if r["to"] == "0.0.0.0/0" and "table" not in r]
    assert main_defaults == [("eth0", {"to": "0.0.0.0/0", "via": "192.0.2.1"})]


def test_device_routes_policy_table_and_rules_on_the_sip_nic():
    _text, network = rendered()
    sip = network["ethernets"]["eth1"]
    assert {"to": "203.0.113.0/24", "via": "198.51.100.1", "from": "198.51.100.11"} in sip["routes"]
    assert {"to": "198.18.0.0/15", "via": "198.51.100.1", "from": "198.51.100.11"} in sip["routes"]
    assert {"to": "198.51.100.0/25", "from": "198.51.100.11", "scope": "link", "table": 100} in sip["routes"]
    assert {"to": "0.0.0.0/0", "via": "198.51.100.1", "table": 100} in sip["routes"]
    assert len(sip["routes"]) == 4
    assert sip["routing-policy"] == [{"from": "198.51.100.11/32", "table": 100, "priority": 1000},
                                     {"from": "198.51.100.10/32", "table": 100, "priority": 1001}]


def test_metric_vip_source_and_a_shrunk_device_list():
    _text, network = rendered(route_metric=20, route_source="vip", sip_device_networks=["203.0.113.0/24"])
    sip, data = network["ethernets"]["eth1"], network["ethernets"]["eth0"]
    assert data["routes"] == [{"to": "0.0.0.0/0", "via": "192.0.2.1", "metric": 20}]
    assert {"to": "203.0.113.0/24", "via": "198.51.100.1", "from": "198.51.100.10", "metric": 20} in sip["routes"]
    assert not any(r["to"] == "198.18.0.0/15" for r in sip["routes"])


def test_no_vip_no_vip_rule():
    _text, network = rendered(vip=None)
    assert [r["priority"] for r in network["ethernets"]["eth1"]["routing-policy"]] == [1000]


def test_vlan_interface_names_are_quoted_keys():
    design = HostDesign.from_dict(dict(VALID, sip_nic={"name": "eth1.100", "address": "198.51.100.11/25"}))
    network = yaml.safe_load(netplan_render.render(design, "eth1.100", "eth0"))["network"]
    assert "eth1.100" in network["ethernets"]


def test_other_files_that_configure_our_nics_are_named():
    files = {
        "/etc/netplan/50-cloud-init.yaml": "network:\n  ethernets:\n    eth0:\n      dhcp4: true\n",
        "/etc/netplan/01-vlan.yaml": 'network:\n  ethernets:\n    "eth1.100": # voice\n      dhcp4: false\n',
        "/etc/netplan/70-other.yaml": "network:\n  ethernets:\n    eth10:\n      dhcp4: true\n# eth1: not a key\n",
    }
    assert netplan_render.others_configuring(files, ["eth1.100", "eth0"]) == [
        "/etc/netplan/01-vlan.yaml (eth1.100)", "/etc/netplan/50-cloud-init.yaml (eth0)"]
    assert netplan_render.others_configuring(files, ["eth1"]) == []
