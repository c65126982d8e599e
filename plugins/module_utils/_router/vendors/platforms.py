# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a router platform's SSH server takes, and what each of our SSH clients must set to reach it (no I/O).

A vendor driver says what is sent; a platform says how it is carried: the
algorithms the router's SSH server offers, the user key types it takes, and
whether it keeps the TCP connection after an exec channel closes (a warm
OpenSSH ControlMaster is useless where it does not, and costs a vty).

- ``ios-classic`` (IOS 15.x): key exchange ``diffie-hellman-group-exchange-sha1``
  / ``diffie-hellman-group14-sha1`` only, an ``ssh-rsa`` host key, ``ssh-rsa``
  user keys; OpenSSH 9.2's defaults have none of them, and paramiko 5 has no SHA-1
  key exchange at all (network_cli must use libssh).
- ``ios-xe`` (16.x / 17.x): modern algorithms; RSA user keys, ed25519 from
  17.8.1 (``release``).
- ``junos``, ``linux``: modern algorithms, the TCP connection stays.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

__all__ = ["OPENSSH_OPTIONS", "PLATFORMS", "Platform", "default_for", "get", "key_types", "release_tuple", "ssh_options"]

_SHA1_KEX = "diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1"


class Platform(t.NamedTuple):
    name: str
    vendor: str
    title: str
    #: the takeover's OpenSSH client options (-o Key=value)
    openssh: t.Dict[str, str]
    #: ansible.netcommon's libssh connection options (ansible_libssh_<key>) that reach it
    libssh: t.Dict[str, str]
    #: whether paramiko (network_cli's default, and the arp_flush module) can reach it
    paramiko: bool
    #: whether the TCP connection stays after an exec channel closes (a warm connection can live)
    keeps_tcp: bool
    #: the user key types it takes (ed25519 on IOS-XE only from ``ed25519_from``)
    key_types: t.Tuple[str, ...]
    ed25519_from: t.Optional[t.Tuple[int, ...]] = None


PLATFORMS: t.Dict[str, Platform] = {p.name: p for p in (
    Platform("linux", "linux", "Linux", {}, {}, True, True,
             ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521")),
    Platform("ios-classic", "ios", "IOS 15.x",
             {"KexAlgorithms": _SHA1_KEX, "HostKeyAlgorithms": "ssh-rsa", "PubkeyAcceptedAlgorithms": "ssh-rsa"},
             {"key_exchange_algorithms": _SHA1_KEX, "hostkeys": "ssh-rsa", "publickey_accepted_algorithms": "ssh-rsa"},
             False, False, ("ssh-rsa",)),
    Platform("ios-xe", "ios", "IOS-XE", {}, {}, True, False, ("ssh-rsa", "ssh-ed25519"), ed25519_from=(17, 8, 1)),
    Platform("junos", "junos", "Junos", {}, {}, True, True,
             ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521")),
)}
_DEFAULT = {"linux": "linux", "ios": "ios-xe", "junos": "junos"}

#: the OpenSSH client options a router may override (algorithm lists only: nothing that touches trust)
OPENSSH_OPTIONS = ("KexAlgorithms", "HostKeyAlgorithms", "PubkeyAcceptedAlgorithms", "Ciphers", "MACs")
_ALGORITHMS = re.compile(r"^[+\-^]?[a-z0-9][a-z0-9@.\-]*(,[a-z0-9][a-z0-9@.\-]*)*$")


def default_for(vendor: str) -> str:
    return _DEFAULT[vendor]


def get(name: t.Any, vendor: str, field: str = "platform") -> Platform:
    """The platform ``name`` of ``vendor`` (its default when ``name`` is None); a DesignError otherwise."""
    if name is None:
        return PLATFORMS[default_for(vendor)]
    found = PLATFORMS.get(name) if isinstance(name, str) else None
    if found is None or found.vendor != vendor:
        choices = ", ".join(p.name for p in PLATFORMS.values() if p.vendor == vendor)
        raise DesignError(field, "must be a platform of vendor %s: %s" % (vendor, choices), name)
    return found


def ssh_options(platform: Platform, overrides: t.Any, field: str = "ssh_options") -> t.Tuple[t.Tuple[str, str], ...]:
    """The platform's OpenSSH options with a router's overrides, validated (sorted by option name)."""
    if overrides is None:
        overrides = {}
    if not isinstance(overrides, dict):
        raise DesignError(field, "must be a dictionary of OpenSSH algorithm options (%s)" % ", ".join(OPENSSH_OPTIONS),
                          overrides)
    merged = dict(platform.openssh)
    for key, value in overrides.items():
        if key not in OPENSSH_OPTIONS:
            raise DesignError("%s.%s" % (field, key), "is not an option a router may set (only %s)"
                              % ", ".join(OPENSSH_OPTIONS), value)
        if not isinstance(value, str) or not _ALGORITHMS.match(value):
            raise DesignError("%s.%s" % (field, key), "must be a comma-separated algorithm list as ssh_config(5) "
                              "takes it (e.g. +diffie-hellman-group14-sha1)", value)
        merged[key] = value
    return tuple(sorted(merged.items()))


def release_tuple(value: t.Any, field: str = "release") -> t.Tuple[int, ...]:
    """``17.9.4`` / ``15.9(3)M4`` -> (17, 9, 4) / (15, 9, 3): the numbers a release's order depends on."""
    numbers = re.findall(r"\d+", value) if isinstance(value, str) else []
    if not numbers:
        raise DesignError(field, "must be a software release like 17.9.4", value)
    return tuple(int(n) for n in numbers[:3])


def key_types(platform: Platform, release: t.Any = None) -> t.Tuple[str, ...]:
    """The user key types ``platform`` takes at ``release`` (ed25519 on IOS-XE only from 17.8.1)."""
    if platform.ed25519_from is None:
        return platform.key_types
    if release and release_tuple(release) >= platform.ed25519_from:
        return platform.key_types
    return tuple(k for k in platform.key_types if k != "ssh-ed25519")
