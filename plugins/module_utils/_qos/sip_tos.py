# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Body of the sipha.network.sip_tos module: arguments -> model -> options file.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.options_file import update_options
from ansible_collections.sipha.network.plugins.module_utils._model.qos import resolve_sip_tos
from ansible_collections.sipha.network.plugins.module_utils._common.textfile import read_text, write_text
from ansible_collections.sipha.network.plugins.module_utils._model.checks import ip_address

__all__ = ["ARGUMENT_SPEC", "OPTION_ADDRESS", "OPTION_TOS", "compute", "run_module"]

ARGUMENT_SPEC: t.Dict[str, t.Any] = {
    "dscp": {"type": "raw"},
    "class": {"type": "str"},
    "precedence": {"type": "int"},
    "tos_field": {"type": "str"},
    "tos": {"type": "int"},
    "reading": {"type": "str", "choices": ["rfc2474", "rfc1349"], "default": "rfc2474"},
    "vip": {"type": "str"},
    "dest": {"type": "path"},
    "section": {"type": "str", "default": "TServer"},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "backup": {"type": "bool", "default": False},
}

OPTION_TOS = "sip-ip-tos"
OPTION_ADDRESS = "sip-address"


def compute(params: t.Mapping[str, t.Any]) -> t.Tuple[t.Dict[str, t.Any], t.Dict[str, t.Optional[str]], t.List[str]]:
    """Pure part: module params -> (result facts, options to write, warnings)."""
    if params["state"] == "absent":
        return {}, {OPTION_TOS: None, OPTION_ADDRESS: None}, []
    value = resolve_sip_tos(
        dscp=params.get("dscp"),
        precedence=params.get("precedence"),
        tos=params.get("tos"),
        dscp_class=params.get("class"),
        tos_field=params.get("tos_field"),
        reading=params.get("reading") or "rfc2474",
    )
    options: t.Dict[str, t.Optional[str]] = {OPTION_TOS: str(value.tos)}
    if params.get("vip"):
        options[OPTION_ADDRESS] = str(ip_address(params["vip"], "vip"))
    facts = value.as_dict()
    facts.pop("source")
    return facts, options, value.warnings()


def run_module() -> None:
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        add_file_common_args=True,
        mutually_exclusive=[("dscp", "class", "precedence", "tos")],
        required_if=[("state", "absent", ("dest",))],
    )
    try:
        facts, options, warnings = compute(module.params)
    except DesignError as err:
        module.fail_json(msg=str(err), field=err.field)
    for warning in warnings:
        module.warn(warning)

    result: t.Dict[str, t.Any] = dict(changed=False, options=options, **facts)
    dest = module.params["dest"]
    old_text = read_text(dest) if dest else None
    if dest and (old_text is not None or module.params["state"] == "present"):
        try:
            new_text = update_options(old_text or "", module.params["section"], options)
        except DesignError as err:
            module.fail_json(msg=str(err), field=err.field)
        written = write_text(module, dest, new_text, backup=module.params["backup"])
        result["changed"] = written["changed"]
        if "backup_file" in written:
            result["backup_file"] = written["backup_file"]
        if module._diff:
            result["diff"] = written["diff"]
    if dest:
        result["dest"] = dest
    module.exit_json(**result)
