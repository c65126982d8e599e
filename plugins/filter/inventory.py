# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filter that builds and checks the whole inventory model (``_model/pair.py``) on the controller.

The roles' variables are checked with it: their options come from each role's ``meta/argument_specs.yml`` and
their defaults from its ``defaults/main.yml`` (the one source of both), read here beside this collection's roles.
"""

from __future__ import annotations

import functools
import pathlib
import typing as t

import jinja2
import yaml

from ansible_collections.sipha.network.plugins.module_utils._host.sysctl import SETTINGS
from ansible_collections.sipha.network.plugins.module_utils._model import pair, roles
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.plugin_utils._filter_errors import design_filter

ROLES_DIR = pathlib.Path(__file__).resolve().parents[2] / "roles"


def _names(value: t.Any, what: str) -> t.List[str]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(name, str) for name in value):
        raise DesignError(what, "must be a list of inventory host names", value)
    return list(value)


def _default(value: t.Any) -> t.Any:
    """A role default as the model sees it: a template is computed by the role at run time."""
    return roles.UNRESOLVED if isinstance(value, str) and "{{" in value else value


@functools.lru_cache(maxsize=1)
def role_inputs() -> pair.RoleInputs:
    """The roles' options and defaults, read from their files (arp sysctls: their values from the module's table)."""
    options: t.Dict[str, t.Dict[str, t.Dict[str, t.Any]]] = {}
    defaults: t.Dict[str, t.Dict[str, t.Any]] = {}
    for role in roles.HOST_ROLES + roles.ROUTER_ROLES:
        specs = yaml.safe_load((ROLES_DIR / role / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))
        options[role] = {name: dict(option) for name, option in specs["argument_specs"]["main"]["options"].items()}
        values = yaml.safe_load((ROLES_DIR / role / "defaults" / "main.yml").read_text(encoding="utf-8")) or {}
        defaults[role] = {name: _default(value) for name, value in values.items()}
    for setting, (allowed, _all) in SETTINGS.items():
        option = options["sip_host_network"].get("sip_host_network_" + setting)
        if option is not None:
            option["choices"] = list(allowed)
    return pair.RoleInputs(options, defaults)


class _Unreadable(Exception):
    """A variable (or a part of it) whose template failed."""


def _plain(value: t.Any) -> t.Any:
    """A variable's value with every nested template rendered now (so that a failing one is caught here)."""
    if isinstance(value, jinja2.Undefined):   # Ansible hands a failed template on as a marker
        raise _Unreadable(getattr(value, "_undefined_message", None) or "undefined")
    if type(value).__name__ == "EncryptedString":
        return roles.VAULTED
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _read(hostvars: t.Any, host: str, names: t.Iterable[str], errors: t.List[str]) -> t.Dict[str, t.Any]:
    """The variables of ``host`` that are set, templated; one that cannot be templated is an error naming it."""
    try:
        source = hostvars[host]
    except Exception as err:  # pylint: disable=broad-except  # an inventory error of any kind becomes a message
        errors.append("%s: cannot read the host's variables: %s" % (host, err))
        return {}
    out: t.Dict[str, t.Any] = {}
    for name in names:
        try:
            if name not in source:
                continue
            out[name] = _plain(source[name])
        except Exception as err:  # pylint: disable=broad-except
            errors.append("%s: %s: cannot be templated: %s" % (host, name, str(err).splitlines()[0]))
            continue
    return out


@design_filter
def inventory_model(hosts: t.Any, hostvars: t.Any, routers: t.Any = None,
                    routers_group: str = "adjacent_routers") -> t.Dict[str, t.Any]:
    """The SIP hosts and adjacent routers named -> every role's inputs and every design error (never raises for a
    design error: they are listed in ``errors``)."""
    host_names = _names(hosts, "hosts")
    router_names = _names(routers, "routers")
    inputs = role_inputs()
    errors: t.List[str] = []
    host_vars = list(pair.HOST_VARIABLES) + sorted(inputs.names(roles.HOST_ROLES))
    router_vars = list(pair.ROUTER_VARIABLES) + sorted(inputs.names(roles.ROUTER_ROLES))
    host_data = {name: _read(hostvars, name, host_vars, errors) for name in host_names}
    router_data = {name: _read(hostvars, name, router_vars, errors) for name in router_names}
    model = pair.build(host_data, router_data, routers_group, inputs)
    model["errors"] = errors + model["errors"]
    return model


class FilterModule:
    """The inventory model."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"inventory_model": inventory_model}
