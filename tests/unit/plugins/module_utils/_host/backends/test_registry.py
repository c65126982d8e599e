"""The host backend registry: one place lists the backends, auto tries them in the documented order."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._host.backends import registry
from ansible_collections.sipha.network.plugins.module_utils._host.backends.base import Backend
from ansible_collections.sipha.network.plugins.module_utils._host.modules import DESIGN_SPEC


class FakeModule:
    """get_bin_path and run_command as a host with the given tools would answer."""

    def __init__(self, tools, nm_running=False):
        self.tools, self.nm_running = tools, nm_running

    def get_bin_path(self, name, required=False):
        return "/usr/bin/" + name if name in self.tools else None

    def run_command(self, argv):
        return 0, "running\n" if self.nm_running else "asleep\n", ""


def test_every_backend_is_a_driver_and_the_option_offers_them():
    assert registry.names() == ("networkmanager", "netplan", "ifupdown", "none")
    assert all(isinstance(registry.get(name), Backend) for name in registry.names())
    assert DESIGN_SPEC["backend"]["choices"] == ["auto"] + list(registry.names())
    assert [b.name for b in registry.auto_candidates()] == ["networkmanager", "netplan", "ifupdown"]


@pytest.mark.parametrize("tools,nm_running,dirs,expected", [
    ({"nmcli", "netplan", "ifup"}, True, {"/etc/netplan", "/etc/network/interfaces.d"}, "networkmanager"),
    ({"nmcli", "netplan", "ifup"}, False, {"/etc/netplan", "/etc/network/interfaces.d"}, "netplan"),
    ({"netplan"}, False, {"/etc/netplan"}, "netplan"),
    ({"netplan", "ifup"}, False, {"/etc/network/interfaces.d"}, "ifupdown"),   # netplan without /etc/netplan
    ({"ifup"}, False, {"/etc/network/interfaces.d"}, "ifupdown"),
    ({"ifup"}, False, set(), None),
    (set(), False, {"/etc/netplan"}, None),
])
def test_detection_order(monkeypatch, tools, nm_running, dirs, expected):
    monkeypatch.setattr("os.path.isdir", lambda path: path in dirs)
    found = registry.detect(FakeModule(tools, nm_running))
    assert (found.name if found else None) == expected


def test_the_documented_choices_are_the_registrys():
    """The host_design doc fragment and the role's argument spec offer exactly the registry's backends."""
    import pathlib

    import yaml

    from ansible_collections.sipha.network.plugins.doc_fragments.host_design import ModuleDocFragment

    root = pathlib.Path(registry.__file__).parents[4]
    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    assert fragment["options"]["backend"]["choices"] == registry.choices()
    specs = yaml.safe_load((root / "roles" / "sip_host_network" / "meta" / "argument_specs.yml").read_text())
    assert specs["argument_specs"]["main"]["options"]["sip_host_network_backend"]["choices"] == registry.choices()
