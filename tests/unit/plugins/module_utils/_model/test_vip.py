"""The takeover program's config model: validation, rendering and the argument lists it runs."""

from __future__ import annotations

import json
import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx9dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdGtleQ r1"
BASE = {
    "vip": "198.51.100.10", "interface": "eth1",
    "routers": [{"name": "r1", "address": "198.51.100.2", "host_keys": [HOST_KEY]},
                {"name": "r2", "address": "198.18.5.3", "port": 2222, "vendor": "ios", "vrf": "VOICE",
                 "arp_target": "198.51.100.3", "host_keys": [HOST_KEY]}],
}
CASES = yaml.safe_load((pathlib.Path(__file__).parents[3] / "data" / "vip_config_invalid.yml").read_text())


def config(**changes):
    data = dict(BASE)
    data.update(changes)
    return vc.load({k: v for k, v in data.items() if v is not None}, need_host_keys=True)


def test_defaults_and_render_round_trip():
    cfg = config()
    assert (cfg.cidr, cfg.label, cfg.split_brain, cfg.directed_arp) == ("198.51.100.10/32", "eth1:vip", "proceed", True)
    assert cfg.garp == {"count": 3, "interval_ms": 200, "repeat_after_ms": 2000}
    assert cfg.flush["timeout_ms"] == 2000 and cfg.flush["warm"] is True
    assert [r.arp_target for r in cfg.routers] == ["198.51.100.2", "198.51.100.3"]
    rendered = json.loads(cfg.render())
    assert "host_keys" not in json.dumps(rendered)
    assert vc.parse(cfg.render()) == cfg._replace(routers=tuple(r._replace(host_keys=()) for r in cfg.routers))


def test_no_label_when_it_would_not_fit():
    assert config(interface="enp0s31f6.100").label is None


def test_known_hosts_pins_each_router_with_its_port():
    lines = config().known_hosts().splitlines()
    assert lines[1] == "198.51.100.2 " + " ".join(HOST_KEY.split()[:2])
    assert lines[2] == "[198.18.5.3]:2222 " + " ".join(HOST_KEY.split()[:2])
    assert len(lines) == 3


def test_ip_argument_lists():
    cfg = config()
    assert cfg.addr_add_argv() == ["ip", "-4", "address", "add", "198.51.100.10/32", "dev", "eth1", "label", "eth1:vip"]
    assert cfg.addr_del_argv() == ["ip", "-4", "address", "del", "198.51.100.10/32", "dev", "eth1"]
    assert cfg.addr_show_argv()[-2:] == ["to", "198.51.100.10/32"]


@pytest.mark.parametrize("mode, tail", [
    ("fresh", ["-o", "ControlMaster=no", "-o", "ControlPath=none", "198.18.5.3",
               "event manager run SIPHA-ARP-FLUSH-198-51-100-10-VOICE"]),
    ("warm", ["-o", "ControlMaster=no", "-o", "ControlPath=/run/sipha-vip/cm-r2", "198.18.5.3",
              "event manager run SIPHA-ARP-FLUSH-198-51-100-10-VOICE"]),
    ("master", ["-o", "ServerAliveCountMax=2", "-o", "ControlPath=/run/sipha-vip/cm-r2", "-N", "-f", "198.18.5.3"]),
    ("check", ["-o", "ControlPath=/run/sipha-vip/cm-r2", "-O", "check", "198.18.5.3"]),
])
def test_ssh_argument_lists(mode, tail):
    cfg = config()
    router = cfg.routers[1]
    command = router.target.flush_request() if mode in ("fresh", "warm") else None
    argv = cfg.ssh_argv(router, mode, command)
    assert argv[:3] == ["ssh", "-F", "/dev/null"]
    assert argv[-len(tail):] == tail
    options = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-o"]
    for pinned in ("BatchMode=yes", "StrictHostKeyChecking=yes", "UserKnownHostsFile=/etc/sipha/known_hosts",
                   "GlobalKnownHostsFile=/dev/null", "IdentitiesOnly=yes", "IdentityFile=/etc/sipha/flush_key",
                   "UpdateHostKeys=no", "ConnectTimeout=2"):
        assert pinned in options
    assert argv[argv.index("-p") + 1] == "2222" and argv[argv.index("-l") + 1] == "sipha-flush"
    assert all(isinstance(arg, str) for arg in argv)
    with pytest.raises(ValueError):
        cfg.ssh_argv(router, "shell")


def test_linux_router_request_is_the_forced_commands_word():
    cfg = config()
    assert cfg.ssh_argv(cfg.routers[0], "fresh", cfg.routers[0].target.flush_request())[-1] == "flush 198.51.100.10"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_invalid_config_names_the_field(case):
    data = dict(BASE)
    data.update(case["config"])
    data = {k: v for k, v in data.items() if v is not None or k == "vip"}
    with pytest.raises(DesignError) as err:
        vc.load(data, need_host_keys=case.get("need_host_keys", False))
    assert str(err.value).startswith(case["field"] + ": "), str(err.value)


def test_enough_invalid_cases():
    assert len(CASES) >= 30 and len({c["id"] for c in CASES}) == len(CASES)


def test_parse_rejects_broken_json():
    with pytest.raises(DesignError, match="^config: is not valid JSON"):
        vc.parse("{")


@pytest.mark.parametrize("networks, known, field", [
    (["198.51.100.21/25"], None, None),
    (["198.51.100.21/25", "198.51.100.10/32"], None, None),            # this host holds the VIP already
    ([], None, "interface"),
    (["198.18.0.5/24"], None, "vip"),                                    # VIP outside the NIC's subnet
    (["198.51.100.10/25"], None, "vip"),                                 # VIP is the NIC's own address
    (["198.51.100.21/30", "198.51.100.9/29"], None, "routers[0].arp_target"),  # the /29 holds the VIP, not r1
    (["198.51.100.21/25"], "# nothing pinned\n", "routers[0]"),
    (["198.51.100.21/25"], "198.51.100.2 ssh-ed25519 AAAA\n", "routers[1]"),
])
def test_check_against_host(networks, known, field):
    cfg = config()
    if field is None:
        vc.check_against_host(cfg, networks, known)
        vc.check_against_host(cfg, networks, cfg.known_hosts())
        return
    with pytest.raises(DesignError) as err:
        vc.check_against_host(cfg, networks, known)
    assert str(err.value).startswith(field + ":") or str(err.value).startswith(field + "."), str(err.value)


def test_arp_target_outside_the_subnet():
    cfg = config(routers=[{"name": "r1", "address": "198.18.5.2", "host_keys": [HOST_KEY]}])
    with pytest.raises(DesignError, match=r"^routers\[0\]\.arp_target: must be the router's own address in"):
        vc.check_against_host(cfg, ["198.51.100.21/25"], None)


def test_split_brain_grace_ms_is_bounded_and_named():
    """How long split_brain: refuse re-probes an answer before it refuses (issue 13, fault 7)."""
    assert config().split_brain_grace_ms == 1000
    assert config(split_brain_grace_ms=0).split_brain_grace_ms == 0
    for wrong in (-1, 60001, "1s", True):
        with pytest.raises(DesignError) as raised:
            config(split_brain_grace_ms=wrong)
        assert raised.value.field == "split_brain_grace_ms", raised.value
    assert vc.parse(config(split_brain_grace_ms=250).render()).split_brain_grace_ms == 250
