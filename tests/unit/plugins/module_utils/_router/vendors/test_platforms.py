"""Router platforms: the OpenSSH options the takeover uses per router, validated, and what each platform takes."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import platforms

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv3cqnb1Ml3kq4Xnz0mJBsMlvGm8JfC3fE5bX1L0pQ1"


def config(**router):
    return vc.load({"vip": "198.51.100.10", "interface": "eth1",
                    "routers": [dict({"name": "r1", "address": "198.51.100.2", "host_keys": [KEY]}, **router)]})


def options(argv):
    return [argv[i + 1] for i, word in enumerate(argv[:-1]) if word == "-o"]


def test_ios_classic_gets_its_algorithms_and_no_warm_connection():
    loaded = config(vendor="ios", platform="ios-classic")
    router = loaded.routers[0]
    argv = loaded.ssh_argv(router, "fresh", "event manager run X")
    assert "KexAlgorithms=diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1" in options(argv)
    assert "HostKeyAlgorithms=ssh-rsa" in options(argv) and "PubkeyAcceptedAlgorithms=ssh-rsa" in options(argv)
    assert argv[-2:] == ["198.51.100.2", "event manager run X"]          # options before the address
    assert not router.warm and not config(vendor="ios").routers[0].warm   # IOS closes TCP after an exec
    assert config(vendor="junos").routers[0].warm and config().routers[0].warm
    assert vc.load(loaded.as_dict()).routers[0] == router._replace(host_keys=())   # the installed file (keys: known_hosts)


def test_a_router_override_is_kept_and_only_algorithm_lists_are_taken():
    loaded = config(vendor="ios", ssh_options={"KexAlgorithms": "+diffie-hellman-group14-sha1"})
    assert "KexAlgorithms=+diffie-hellman-group14-sha1" in options(loaded.ssh_argv(loaded.routers[0], "fresh"))
    assert vc.load(loaded.as_dict()).routers[0].ssh_options == loaded.routers[0].ssh_options
    with pytest.raises(DesignError) as err:
        config(ssh_options={"ProxyCommand": "nc evil 22"})
    assert err.value.field == "routers[0].ssh_options.ProxyCommand"
    with pytest.raises(DesignError) as err:
        config(ssh_options={"KexAlgorithms": "curve25519-sha256 -oProxyCommand=x"})
    assert err.value.field == "routers[0].ssh_options.KexAlgorithms"
    with pytest.raises(DesignError) as err:
        config(vendor="junos", platform="ios-classic")
    assert err.value.field == "routers[0].platform" and "platform of vendor junos" in str(err.value)


@pytest.mark.parametrize("platform,release,ed25519", [
    ("ios-xe", None, False), ("ios-xe", "17.6.5", False), ("ios-xe", "17.8.1", True), ("ios-xe", "17.12.2", True),
    ("ios-classic", "15.9(3)M4", False), ("junos", None, True)])
def test_ed25519_user_keys_by_platform_and_release(platform, release, ed25519):
    assert ("ssh-ed25519" in platforms.key_types(platforms.PLATFORMS[platform], release)) is ed25519
