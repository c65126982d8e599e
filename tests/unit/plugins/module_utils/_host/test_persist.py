"""Pure renderers of the persistence backends and sysctl keys."""

from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._host.backends import ifupdown_render as ifupdown
from ansible_collections.sipha.network.plugins.module_utils._host.backends import nm_render as nm
from ansible_collections.sipha.network.plugins.module_utils._host import sysctl as _sysctl
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign

DESIGN = HostDesign.from_dict(yaml.safe_load(
    (pathlib.Path(__file__).parents[3] / "data" / "host_designs.yml").read_text())["valid"])


def test_ifupdown_stanzas():
    sip = ifupdown.render_stanza(DESIGN.sip_nic, "eth1")
    assert "iface eth1 inet static\n    address 198.51.100.11/25\n    mtu 1500\n" in sip
    assert "gateway" not in sip
    # deletes exactly its own address before ifup adds it; never a flush (the VIP lives there)
    assert "    pre-up ip -4 addr del 198.51.100.11/25 dev eth1 2>/dev/null || true\n" in sip
    assert "flush" not in sip
    data = ifupdown.render_stanza(DESIGN.data_nic, "eth0", DESIGN.data_gateway, 0)
    assert "    gateway 192.0.2.1\n" in data and "metric" not in data
    assert "    metric 10\n" in ifupdown.render_stanza(DESIGN.data_nic, "eth0", DESIGN.data_gateway, 10)
    assert ifupdown.stanza_path("eth0.100") == "/etc/network/interfaces.d/60-sipha-eth0.100"


def test_ifupdown_hook_replays_routes_and_rules_for_the_sip_nic_only():
    hook = ifupdown.render_hook(DESIGN, "eth1").splitlines()
    assert hook[0] == "#!/bin/sh"
    assert '[ "$IFACE" = "eth1" ] || exit 0' in hook
    assert ("ip -4 route replace 203.0.113.0/24 via 198.51.100.1 dev eth1 src 198.51.100.11 metric 0 table 254"
            in hook)
    assert "ip -4 route replace 0.0.0.0/0 via 198.51.100.1 dev eth1 metric 0 table 100" in hook
    # rules are added only when missing: no flush (a flush leaves the VIP's replies without their rule)
    assert not [line for line in hook if "flush" in line]
    assert hook[-3:-1] == [
        '[ -n "$(ip -4 rule list priority 1000 from 198.51.100.11/32 table 100)" ] || '
        "ip -4 rule add priority 1000 from 198.51.100.11/32 lookup 100",
        '[ -n "$(ip -4 rule list priority 1001 from 198.51.100.10/32 table 100)" ] || '
        "ip -4 rule add priority 1001 from 198.51.100.10/32 lookup 100"]


def test_nm_properties():
    props = nm.nic_properties(DESIGN.data_nic, "eth0", DESIGN.data_gateway, 0)
    assert props["ipv4.addresses"] == "192.0.2.21/24" and props["ipv4.gateway"] == "192.0.2.1"
    assert props["ipv4.never-default"] == "no" and props["ipv4.route-metric"] == "0"
    assert props["802-3-ethernet.mtu"] == "0"
    sip = nm.nic_properties(DESIGN.sip_nic, "eth1", None, 0)
    assert sip["ipv4.never-default"] == "yes" and sip["802-3-ethernet.mtu"] == "1500"
    routes = nm.route_properties(DESIGN, "eth1")
    assert routes["ipv4.routes"].split(", ") == [
        "203.0.113.0/24 198.51.100.1 src=198.51.100.11",
        "198.18.0.0/15 198.51.100.1 src=198.51.100.11",
        "198.51.100.0/25 table=100 src=198.51.100.11",
        "0.0.0.0/0 198.51.100.1 table=100",
    ]
    assert routes["ipv4.routing-rules"] == ("priority 1000 from 198.51.100.11 table 100, "
                                            "priority 1001 from 198.51.100.10 table 100")
    assert "ipv4.route-table" not in routes


def test_nm_argument_lists():
    props = {"ipv4.addresses": "192.0.2.21/24", "connection.interface-name": "eth0"}
    assert nm.add_args("sipha-eth0", "eth0", props) == [
        "connection", "add", "type", "ethernet", "con-name", "sipha-eth0", "ifname", "eth0",
        "ipv4.addresses", "192.0.2.21/24"]
    assert nm.modify_args("sipha-eth0", props, ["ipv4.addresses"]) == [
        "connection", "modify", "sipha-eth0", "ipv4.addresses", "192.0.2.21/24"]


@pytest.mark.parametrize("nic,setting,key", [
    ("eth1", "arp_ignore", "net.ipv4.conf.eth1.arp_ignore"),
    ("eth0.100", "rp_filter", "net/ipv4/conf/eth0.100/rp_filter"),
])
def test_sysctl_keys(nic, setting, key):
    assert _sysctl.key(nic, setting) == key
    assert _sysctl.proc_path(nic, setting) == "/proc/sys/net/ipv4/conf/%s/%s" % (nic, setting)


def test_sysctl_file_and_validation():
    values = _sysctl.desired(["eth1", "eth0.100"], {"arp_ignore": 1, "rp_filter": 2, "arp_accept": None})
    text = _sysctl.render_file(values, "test")
    assert "net.ipv4.conf.eth1.arp_ignore = 1\n" in text and "net/ipv4/conf/eth0.100/rp_filter = 2\n" in text
    for bad, field in [({"arp_announce": 3}, "arp_announce"), ({"rp_filter": True}, "rp_filter"),
                       ({"forwarding": 1}, "forwarding")]:
        with pytest.raises(DesignError) as err:
            _sysctl.desired(["eth1"], bad)
        assert err.value.field == field
    with pytest.raises(DesignError) as err:
        _sysctl.desired(["eth1/x"], {"arp_ignore": 1})
    assert err.value.field == "interfaces[0]"


def test_sysctl_shadowed_by_all_and_plan():
    values = _sysctl.desired(["eth1"], {"rp_filter": 0, "promote_secondaries": 1})
    warnings = _sysctl.shadowed_by_all(values, lambda path: 1 if path.endswith("all/rp_filter") else 0)
    assert len(warnings) == 1 and "rp_filter is 1, above the 0" in warnings[0]
    plan = _sysctl.plan(values, lambda path: 0)
    # rp_filter is already 0: only promote_secondaries changes
    assert plan.diff_lines() == ["~ sysctl net.ipv4.conf.eth1.promote_secondaries = 1 (was 0)"]
    assert plan.undo_commands() == [["sysctl", "/proc/sys/net/ipv4/conf/eth1/promote_secondaries", "0"]]
    with pytest.raises(DesignError):
        _sysctl.plan(values, lambda path: None)


def test_ifupdown_hook_passes_shellcheck(tmp_path):
    import shutil
    import subprocess
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed")
    path = tmp_path / "hook"
    path.write_text(ifupdown.render_hook(DESIGN, "eth1"))
    proc = subprocess.run(["shellcheck", "-s", "sh", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout
