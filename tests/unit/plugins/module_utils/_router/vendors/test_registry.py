"""The router vendor registry: every caller finds a driver there, and nothing else lists vendors."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.filter.router_flush import router_vendor
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.flush_module import ARGUMENT_SPEC, TRANSPORTS
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import Vendor
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.target import FlushTarget


def test_every_vendor_is_a_driver_with_a_transport():
    assert registry.names() == ("linux", "ios", "junos")
    for driver in registry.drivers():
        assert isinstance(driver, Vendor) and driver.transport in TRANSPORTS
        assert (driver.prompt is None) == (driver.transport == "exec")
    assert ARGUMENT_SPEC["routers"]["options"]["vendor"]["choices"] == list(registry.names())


def test_an_unknown_vendor_names_the_field_and_the_known_ones():
    with pytest.raises(DesignError) as err:
        FlushTarget.build("eos", "198.51.100.10", prefix="routers[1].")
    assert err.value.field == "routers[1].vendor"
    assert "linux, ios, junos" in str(err.value)


@pytest.mark.parametrize("vendor,line,refused", [
    ("ios", "% Invalid input detected at '^' marker.", True),
    ("ios", "EEM policy SIPHA-X not registered with event none Event Detector", True),
    ("junos", "error: permission denied", True),
    ("linux", "sipha-arp-flush: refused", True),
    ("linux", "% Invalid input", False),
    ("junos", "Internet  198.51.100.10", False),
])
def test_error_lines_are_the_drivers(vendor, line, refused):
    assert (registry.get(vendor).error_line("before\n" + line + "\n") is not None) == refused


def test_router_vendor_filter_tells_playbooks_how_to_read_an_entry():
    assert router_vendor(None)["local_show"] == ["ip", "-4", "neigh", "show", "to", "{vip}"]
    assert router_vendor("ios") == {"name": "ios", "title": "IOS", "transport": "shell", "local_show": None}
