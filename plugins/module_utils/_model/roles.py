# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles' variables of each SIP host and adjacent router, computed and checked before any role runs (no I/O).

``site.yml`` maps the model's ``sipha_*`` variables onto some role variables (``host_mapping``,
``router_mapping``). A role variable the inventory sets wins over that mapping, which wins over the role's
default (read by the caller from the roles' ``defaults/main.yml``, the one source of them). Every effective
value is then held to the rules the roles apply later: the type and choices of the role's argument spec, and
what the role's asserts and modules check (the host design with its policy table and rule priority, the QoS
policy and class, the takeover program's config, the router's flush configuration) and the strict rules of
strings that reach a script, a unit file or sudoers. Each error names the host or router, the role variable,
the rule and the value (never a secret's value).

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign
from ansible_collections.sipha.network.plugins.module_utils._model.options_file import check_name
from ansible_collections.sipha.network.plugins.module_utils._model.qos_nft import QosPolicy
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry

__all__ = ["HOST_OUTPUTS", "HOST_ROLES", "ROUTER_OUTPUTS", "ROUTER_ROLES", "SECRETS", "UNRESOLVED", "VAULTED", "check_type", "effective",
           "host_mapping", "host_role_errors", "public_vars", "router_mapping", "router_role_errors"]

HOST_ROLES = ("sip_host_network", "sip_qos", "sip_vip")
ROUTER_ROLES = ("router_arp_flush",)
#: the role variables site.yml hands the roles (``roles: vars:``), each as the model computed it
HOST_OUTPUTS = ("sip_host_network_sip_nic", "sip_host_network_data_nic", "sip_host_network_sip_gateway",
                "sip_host_network_data_gateway", "sip_host_network_vip", "sip_host_network_sip_device_networks",
                "sip_host_network_pair", "sip_qos_sip_nic", "sip_qos_vip", "sip_qos_sip_dscp", "sip_qos_rtp_dscp",
                "sip_vip_address", "sip_vip_interface", "sip_vip_pair", "sip_vip_primary",
                "sip_vip_flush_private_key_src", "sip_vip_routers", "sip_vip_pair_hosts", "sip_vip_primary_command",
                "sip_vip_primary_now")
ROUTER_OUTPUTS = ("router_arp_flush_vendor", "router_arp_flush_platform", "router_arp_flush_vips",
                  "router_arp_flush_keys", "router_arp_flush_sources")
#: role variables whose value is never shown in a message nor handed out in the model's result
SECRETS = frozenset({"sip_vip_flush_private_key", "router_arp_flush_password"})
#: a default the role computes at run time (a template): checked only when the inventory sets the variable
UNRESOLVED = "<computed by the role>"
#: what the caller passes for a vaulted value (its text is not read here)
VAULTED = "<vaulted>"

Options = t.Mapping[str, t.Mapping[str, t.Any]]
Errors = t.List[DesignError]

_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
_EVENT = re.compile(r"^[0-9]{2}-[0-9]{4,5}$")
_APP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_. -]{0,63}$")
_SECRET_TEXT = re.compile(r"^[!->@-~]{1,127}$")   # printable, no space, no "?" (IOS help)
_FIELD = re.compile(r"^([A-Za-z_]+)(.*)$")

#: design field -> role variable, where the role hands the design to a model function (the rest is <role>_<field>)
_FIELDS = {"sip_host_network": {}, "sip_qos": {"table": "sip_qos_nft_table"},
           "sip_vip": {"vip": "sip_vip_address", "config": "sip_vip_address", "routers": "sip_vip_routers"},
           "router_arp_flush": {"privilege": "router_arp_flush_ios_privilege"}}

_TYPES: t.Dict[str, t.Tuple[t.Callable[[t.Any], bool], str]] = {
    "str": (lambda x: isinstance(x, str), "a string"),
    "path": (lambda x: isinstance(x, str), "a path (a string)"),
    "int": (lambda x: isinstance(x, int) and not isinstance(x, bool), "a whole number (not a string or boolean)"),
    "bool": (lambda x: isinstance(x, bool), "true or false"),
    "dict": (lambda x: isinstance(x, dict), "a dictionary"),
    "list": (lambda x: isinstance(x, (list, tuple)), "a list"),
    "raw": (lambda x: True, "any value"),
}


def check_type(value: t.Any, option: t.Mapping[str, t.Any], field: str) -> None:
    """A value against its argument spec option (type, elements, choices); None means 'not set' there."""
    shown = field not in SECRETS
    if value is None:
        raise DesignError(field, "must not be null (remove it to use the role's default)", show_value=False)
    if value in (UNRESOLVED, VAULTED):
        return
    kind = option.get("type", "str")
    test, what = _TYPES.get(kind, _TYPES["raw"])
    if not test(value):
        raise DesignError(field, "must be %s" % what, value, shown)
    items = list(value) if kind == "list" else [value]
    element = option.get("elements") if kind == "list" else kind
    for index, item in enumerate(items):
        where = "%s[%d]" % (field, index) if kind == "list" else field
        element_test, element_what = _TYPES.get(element or "raw", _TYPES["raw"])
        if not element_test(item):
            raise DesignError(where, "must be %s" % element_what, item, shown)
        if option.get("choices") and item not in option["choices"]:
            raise DesignError(where, "must be one of %s" % ", ".join(str(c) for c in option["choices"]), item, shown)


def host_mapping(data: t.Mapping[str, t.Any], pair: t.Sequence[str],
                 routers: t.Sequence[t.Mapping[str, t.Any]]) -> t.Dict[str, t.Any]:
    """What site.yml gives the host roles from the model (a NIC given by MAC only: its name is None here and is
    resolved on the host, playbooks/tasks/nic_names.yml)."""
    sip_nic, vip = data["sipha_sip_nic"], data["sipha_vip"]
    out = {
        "sip_host_network_sip_nic": sip_nic, "sip_host_network_data_nic": data["sipha_data_nic"],
        "sip_host_network_sip_gateway": data["sipha_sip_network"].get("gateway"),
        "sip_host_network_data_gateway": data["sipha_data_network"].get("gateway"),
        "sip_host_network_vip": vip,
        "sip_host_network_sip_device_networks": data.get("sipha_sip_device_networks") or [],
        "sip_host_network_pair": list(pair),
        "sip_qos_sip_nic": sip_nic.get("name") or None, "sip_qos_vip": vip,
        "sip_vip_address": vip, "sip_vip_interface": sip_nic.get("name") or None,
        "sip_vip_pair": data["sipha_pair_name"], "sip_vip_primary": data["sipha_primary"],
        "sip_vip_flush_private_key": data.get("sipha_flush_private_key") or "",
        "sip_vip_flush_private_key_src": data.get("sipha_flush_private_key_src") or "",
        "sip_vip_routers": [dict(entry) for entry in routers],
    }
    out["sip_vip_pair_hosts"] = list(pair)
    for variable in ("primary_command", "primary_now"):   # what the management layer says, if the inventory has it
        if data.get("sipha_" + variable) is not None:
            out["sip_vip_" + variable] = data["sipha_" + variable]
    if data.get("sipha_tos_class") is not None:
        out["sip_qos_sip_dscp"] = out["sip_qos_rtp_dscp"] = data["sipha_tos_class"]
    return out


def router_mapping(data: t.Mapping[str, t.Any], served: t.Sequence[t.Mapping[str, t.Any]]) -> t.Dict[str, t.Any]:
    """What site.yml gives router_arp_flush from the model: the VIPs, keys and SIP addresses of the hosts served."""
    def unique(values: t.Iterable[t.Any]) -> t.List[t.Any]:
        out: t.List[t.Any] = []
        for value in values:
            if value not in out:
                out.append(value)
        return out
    out: t.Dict[str, t.Any] = {
        "router_arp_flush_vips": unique(host["sipha_vip"] for host in served),
        "router_arp_flush_keys": unique(host["sipha_flush_public_key"].strip() for host in served),
        "router_arp_flush_sources": [host["sipha_sip_nic"]["address"].split("/")[0].strip() for host in served],
    }
    if data.get("sipha_router_vendor") is not None:
        out["router_arp_flush_vendor"] = data["sipha_router_vendor"]
    if data.get("sipha_router_platform"):
        out["router_arp_flush_platform"] = data["sipha_router_platform"]
    return out


def effective(inventory: t.Mapping[str, t.Any], mapped: t.Mapping[str, t.Any],
              defaults: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """Each role variable's value: the inventory's, else the model's mapping, else the role's default."""
    out = dict(defaults)
    out.update(mapped)
    out.update(inventory)
    return out


def public_vars(values: t.Mapping[str, t.Any], names: t.Iterable[str]) -> t.Dict[str, t.Any]:
    """The effective values of ``names`` to hand to the roles (no secret)."""
    return {name: values.get(name) for name in names if name not in SECRETS}


def _rename(err: DesignError, role: str, fields: t.Mapping[str, str]) -> DesignError:
    """A model function's field (``policy_table.id``) as the role variable it came from."""
    found = _FIELD.match(err.field.replace("sip_nic/vip", "sip_nic"))
    top, rest = (found.group(1), found.group(2)) if found else (err.field, "")
    if top in fields:
        name = fields[top]
    elif top.startswith(role + "_"):
        name = top
    else:
        name = "%s_%s" % (role, top)
    if role == "sip_vip" and top == "flush" and rest.startswith("."):
        name, rest = "sip_vip_flush_" + rest[1:].split(".")[0], ""
    if role == "sip_vip" and top == "monitor" and rest in (".host", ".textfile"):
        name, rest = "sip_vip_monitor_" + rest[1:], ""
    return DesignError(name + rest, err.rule, err.value, err.show_value and name not in SECRETS)


def _collect(errors: Errors, role: str, check: t.Callable[[], t.Any]) -> None:
    try:
        check()
    except DesignError as err:
        errors.append(_rename(err, role, _FIELDS[role]))


def _resolved(values: t.Mapping[str, t.Any], *names: str) -> bool:
    return all(values.get(name) not in (UNRESOLVED, VAULTED) for name in names)


def _host_network(values: t.Mapping[str, t.Any]) -> None:
    def value(name: str) -> t.Any:
        return values["sip_host_network_" + name]
    HostDesign.from_dict({
        "sip_nic": value("sip_nic"), "data_nic": value("data_nic"), "sip_gateway": value("sip_gateway") or None,
        "data_gateway": value("data_gateway") or None, "vip": value("vip") or None,
        "sip_device_networks": value("sip_device_networks"), "route_source": value("route_source"),
        "policy_table": value("policy_table"), "rule_priority": value("rule_priority"),
        "route_metric": value("route_metric")})


def _qos(values: t.Mapping[str, t.Any]) -> None:
    def value(name: str) -> t.Any:
        return values["sip_qos_" + name]
    if value("state") == "present":
        QosPolicy.from_dict({
            "table": value("nft_table"), "sip_dscp": value("sip_dscp"), "rtp_dscp": value("rtp_dscp"),
            "sip_ports": value("sip_ports"), "sip_protocols": value("sip_protocols"), "mark_rtp": value("mark_rtp"),
            "rtp_port_start": value("rtp_port_start"), "rtp_port_end": value("rtp_port_end"),
            "sip_nic": value("sip_nic") or None, "vip": value("vip") or None, "counters": value("counters")})


def _qos_strings(values: t.Mapping[str, t.Any]) -> None:
    prefix = values["sip_qos_windows_policy_prefix"]
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        raise DesignError("windows_policy_prefix", "must be 1-32 of letters, digits, '_', '-', starting with a "
                          "letter: it is quoted into the PowerShell script, and its cleanup removes every policy "
                          "named like '<prefix>-*' (no quotes, spaces or wildcards)", prefix)
    v.absolute_path(values["sip_qos_config_dir"], "config_dir")
    if _resolved(values, "sip_qos_options_file"):
        v.absolute_path(values["sip_qos_options_file"], "options_file")
    check_name(values["sip_qos_options_section"], "options_section")


def _vip(values: t.Mapping[str, t.Any], stand_in_nic: str, host: str) -> None:
    def value(name: str) -> t.Any:
        return values["sip_vip_" + name]
    monitor = value("monitor") if isinstance(value("monitor"), dict) else {}
    pair = value("pair") if isinstance(value("pair"), str) and v.NAME.match(value("pair")) else ""   # else named below
    monitor = dict(monitor, pair=pair, textfile=value("monitor_textfile"),
                   host=value("monitor_host") if _resolved(values, "sip_vip_monitor_host") else host)
    vc.load({
        "vip": value("address"), "prefix": value("prefix"), "interface": value("interface") or stand_in_nic,
        "label": value("label") or None, "split_brain": value("split_brain"), "probe_ms": value("probe_ms"),
        "directed_arp": value("directed_arp"), "lock_timeout_ms": value("lock_timeout_ms"), "garp": value("garp"),
        "flush": {"enabled": value("flush_enabled"), "user": value("flush_user"),
                  "timeout_ms": value("flush_timeout_ms"), "warm": value("flush_warm")},
        "routers": value("routers"), "monitor": monitor}, need_host_keys=True)


def _vip_flush_key(values: t.Mapping[str, t.Any]) -> None:
    if values["sip_vip_flush_enabled"] is True and values["sip_vip_routers"] \
            and not values["sip_vip_flush_private_key"] and not values["sip_vip_flush_private_key_src"]:
        raise DesignError("flush_private_key", "must give the flush private key, or sip_vip_flush_private_key_src a "
                          "file holding it (from sipha_flush_private_key or sipha_flush_private_key_src; its public "
                          "half is sipha_flush_public_key), or set sip_vip_flush_enabled: false", show_value=False)


def _vip_strings(values: t.Mapping[str, t.Any], pair: t.Sequence[str]) -> None:
    v.account(values["sip_vip_agent_user"], "agent_user")
    if values["sip_vip_monitor_user"]:
        v.account(values["sip_vip_monitor_user"], "monitor_user")
    v.whole_number(values["sip_vip_refresh_interval"], "refresh_interval", 0, 86400,
                   "must be 0 (no refresh) or a number of seconds 1..86400 (the timer unit and cron entry hold it)")
    v.name(values["sip_vip_pair"], "pair", "a pair name (it names files on the hosts)")
    v.absolute_path(values["sip_vip_python"], "python")
    for name in ("primary", "primary_now"):   # primary_now: the operator's word for one run (-e), if any
        primary = values.get("sip_vip_" + name)
        if primary and primary not in pair:
            raise DesignError(name, "must be one of the pair's hosts (%s)" % ", ".join(pair), primary)
    for index, word in enumerate(values["sip_vip_primary_command"]):
        if not word or "\0" in word or "\n" in word:
            raise DesignError("primary_command[%d]" % index, "must be a non-empty one-line word of the command's "
                              "argument list", word)
    for name in ("scs_event_primary", "scs_event_backup"):
        if not _EVENT.match(values["sip_vip_" + name]):
            raise DesignError(name, "must be a log event id like 00-5150", values["sip_vip_" + name])
    app = values["sip_vip_scs_sip_server_app"]
    if _resolved(values, "sip_vip_scs_sip_server_app") and not _APP.match(app):
        raise DesignError("scs_sip_server_app", "must be an application name: 1-64 of letters, digits, '_', '.', "
                          "'-', ' ', starting with a letter or digit", app)


def _typed(errors: Errors, values: t.Mapping[str, t.Any], options: Options, names: t.Iterable[str]) -> bool:
    """Type-check ``names`` (the role's options); False when one is wrong (the role's deeper checks are skipped)."""
    good = True
    for name in sorted(names):
        if name in options and name in values:
            try:
                check_type(values[name], options[name], name)
            except DesignError as err:
                errors.append(err)
                good = False
    return good


def host_role_errors(values: t.Mapping[str, t.Any], options: t.Mapping[str, Options], checked: t.Iterable[str],
                     pair: t.Sequence[str], host: str = "") -> Errors:
    """Every error of a SIP host's effective role variables (``values``), per role; ``checked`` are the names
    whose type is checked (the inventory's and the mapped ones: the defaults are the roles' own); ``host``: its
    inventory name (a label of its metrics unless sip_vip_monitor_host says otherwise)."""
    errors: Errors = []
    checked = set(checked)
    stand_in = "sipnic0"   # a NIC given by MAC only: its name is read on the host; the rest of the config is checked
    for role in HOST_ROLES:
        role_options = options.get(role, {})
        if not _typed(errors, values, role_options, [name for name in checked if name in role_options]):
            continue
        if role == "sip_host_network":
            _collect(errors, role, lambda: _host_network(values))
        elif role == "sip_qos":
            _collect(errors, role, lambda: _qos(values))
            _collect(errors, role, lambda: _qos_strings(values))
        else:
            _collect(errors, role, lambda: _vip(values, stand_in, host))
            _collect(errors, role, lambda: _vip_flush_key(values))
            _collect(errors, role, lambda: _vip_strings(values, pair))
    return errors


def _flush(values: t.Mapping[str, t.Any]) -> None:
    def value(name: str) -> t.Any:
        return values["router_arp_flush_" + name]
    registry.get(value("vendor"), "vendor")
    rf.role_files({"vendor": value("vendor"), "vips": value("vips"), "account": value("account"),
                   "keys": value("keys"), "sources": value("sources"), "privilege": value("ios_privilege"),
                   "platform": value("platform"), "release": value("release")})
    password = value("password")
    if password not in ("", VAULTED) and not _SECRET_TEXT.match(password):
        raise DesignError("password", "must be 1-127 printable characters without spaces or '?': it ends a line "
                          "of the router's configuration, and '?' asks IOS for help", show_value=False)
    if value("update_password") and not password:
        raise DesignError("password", "must be set (from a vault) when router_arp_flush_update_password is true",
                          show_value=False)


def router_role_errors(values: t.Mapping[str, t.Any], options: t.Mapping[str, Options],
                       checked: t.Iterable[str]) -> Errors:
    """Every error of an adjacent router's effective role variables."""
    errors: Errors = []
    role_options = options.get("router_arp_flush", {})
    if _typed(errors, values, role_options, [name for name in set(checked) if name in role_options]):
        _collect(errors, "router_arp_flush", lambda: _flush(values))
    return errors
