# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The design's picture and table: every host, NIC, router, network and client, escaped; bad designs named."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._report import topology
from ansible_collections.sipha.network.tests.unit.plugins.module_utils._report import synthetic

NS = "{http://www.w3.org/2000/svg}"
#: what the picture and the table must both name (the synthetic lab pair)
EVERY = ["sip-a", "sip-b", "eth1 198.18.1.11/24", "eth0 198.18.4.11/24", "eth1 198.18.1.12/24",
         "eth0 198.18.4.12/24", "r1", "r2", "198.18.1.2", "198.18.1.3", "linux", "ios", "VOICE", "198.18.1.0/24",
         "198.18.1.254", "198.18.4.0/24", "198.18.4.1", "198.18.2.0/24", "198.18.3.0/24", "phone1", "198.18.2.50",
         "phone2", "198.18.3.50", "198.18.1.10", "scs", "198.18.4.5"]


def design(**changes):
    raw = copy.deepcopy(synthetic.load()["design"])
    raw.update(changes)
    return topology.design(raw)


def picture_text(d):
    root = ET.fromstring(topology.picture(d))
    return " | ".join(t.text or "" for t in root.iter(NS + "text"))


@pytest.mark.parametrize("name", EVERY)
def test_the_picture_names_every_element(name):
    assert name in picture_text(design())


@pytest.mark.parametrize("name", EVERY)
def test_the_table_lists_every_element(name):
    assert name in topology.listing(design())


def test_the_holder_carries_the_vip_and_the_gateway_its_routers():
    root = ET.fromstring(topology.picture(design()))
    holders = [r for r in root.iter(NS + "rect") if "holder" in r.get("class", "")]
    assert len(holders) == 1 and [r for r in root.iter(NS + "rect") if r.get("class") == "vip"]
    assert "held the VIP at the start" in picture_text(design()) and "virtual: r1, r2 behind it" in picture_text(design())
    assert "held by sip-b at the start" in topology.listing(design(holder="sip-b"))
    assert "held by no host" in topology.listing(design(holder="sip-z"))


def test_clients_outside_the_device_networks_get_their_own_box():
    text = picture_text(design(clients={"phone1": "198.18.2.50", "softphone": "10.1.2.3"}))
    assert "other SIP clients" in text and "softphone 10.1.2.3" in text


def test_router_entries_of_the_model_give_their_own_sip_address():
    got = design()["routers"]
    assert got == {"r1": {"address": "198.18.1.2", "vendor": "linux", "vrf": None},
                   "r2": {"address": "198.18.1.3", "vendor": "ios", "vrf": "VOICE"}}


def test_names_are_escaped_in_picture_and_table():
    hostile = "<script>alert(1)</script>"
    d = topology.design(synthetic.load({"sip-a": hostile, "r2": "<b>r2</b>"})["design"])
    for out in (topology.picture(d), topology.listing(d)):
        assert "<script>" not in out and "<b>" not in out
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;b&gt;r2&lt;/b&gt;" in out


@pytest.mark.parametrize("change, field", [
    ({"hosts": {}}, "design.hosts"),
    ({"routers": None}, "design.routers"),
    ({"pair": ""}, "design.pair"),
    ({"sip_network": "198.18.1.0/24"}, "design.sip_network"),
    ({"data_network": {"cidr": "198.18.4.0/24"}}, "design.data_network.gateway"),
    ({"hosts": {"sip-a": {"sip_nic": {"name": "eth1"}, "data_nic": {"name": "eth0", "address": "x"}}}},
     "design.hosts.sip-a.sip_nic.address"),
    ({"routers": {"r1": {"vendor": "linux"}}}, "design.routers.r1.address"),
    ({"clients": {"phone1": 7}}, "design.clients.phone1"),
])
def test_a_bad_design_is_named(change, field):
    with pytest.raises(DesignError) as err:
        design(**change)
    assert err.value.field == field


def test_not_a_mapping():
    with pytest.raises(DesignError, match="design: must be a mapping"):
        topology.design(["sip-a"])
