# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Body of the host_check module: what dual_nic, sip_routes and arp_sysctl would change, in one read.

Each part runs the very planning code of its module in check mode (``HostModule.evaluate``,
``arp_sysctl_result``), so "nothing differs" here means each of those modules would report ``changed=false``.
One call instead of three: a rollout that finds the host as designed applies nothing and arms no guard, and a
post-check reads the host once.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import json
import os
import typing as t

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.sipha.network.plugins.module_utils._host.modules import (
    ARP_SPEC, DESIGN_SPEC, SYSTEM_FILE, DualNic, HostModule, SipRoutes, arp_sysctl_result)
from ansible_collections.sipha.network.plugins.module_utils._common.textfile import write_text
from ansible_collections.sipha.network.plugins.module_utils._host import sysctl as _sysctl
from ansible_collections.sipha.network.plugins.module_utils._model import expect
from ansible_collections.sipha.network.plugins.module_utils._model.drift import drift_lines
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign

__all__ = ["CHECK_SPEC", "PART_OPTIONS", "SYSCTL_OPTIONS", "run_host_check"]

#: The options each part accepts (the rest of its module's options are about applying, not reading).
PART_OPTIONS: t.Dict[str, t.Tuple[str, ...]] = {
    "dual_nic": ("promote_secondaries", "keep_addresses", "sysctl_file"),
    "sip_routes": ("rt_tables_file",),
    "arp_sysctl": ("arp_ignore", "arp_announce", "rp_filter", "arp_accept", "path"),
}

#: the arp_sysctl options that are sysctls (the rest say where they are written)
SYSCTL_OPTIONS = ("arp_ignore", "arp_announce", "rp_filter", "arp_accept")

CHECK_SPEC: t.Dict[str, t.Any] = dict(
    DESIGN_SPEC, expectation_file={"type": "path"}, **{part: {"type": "dict", "default": {}} for part in PART_OPTIONS})


def _part_params(module: AnsibleModule, part: str, spec: t.Mapping[str, t.Any],
                 given: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """``given`` (the part's options) validated against its module's spec, with that module's defaults."""
    unknown = sorted(set(given) - set(PART_OPTIONS[part]))
    if unknown:
        module.fail_json(msg="%s: unsupported option(s) %s; supported: %s" % (
            part, ", ".join(unknown), ", ".join(PART_OPTIONS[part])), field=part)
    result = ArgumentSpecValidator(dict(spec)).validate(dict(given))
    if result.error_messages:
        module.fail_json(msg="%s: %s" % (part, "; ".join(result.error_messages)), field=part)
    return dict(result.validated_parameters)


def _host_part(module: AnsibleModule, part: str, cls: t.Type[HostModule]) -> t.Dict[str, t.Any]:
    common = {name: module.params[name] for name in DESIGN_SPEC}
    return cls(module, dict(common, **_part_params(module, part, cls.extra_spec, module.params[part]))).evaluate()


def _expected(module: AnsibleModule, sip: str, data: str, arp: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """What the three modules build on this host, as the monitoring check compares it (network.json)."""
    design = HostDesign.from_dict(module.params["design"])
    sysctls = _sysctl.desired([sip, data], {name: arp[name] for name in SYSCTL_OPTIONS})
    if _part_params(module, "dual_nic", DualNic.extra_spec, module.params["dual_nic"])["promote_secondaries"]:
        sysctls.update(_sysctl.desired([sip], {"promote_secondaries": 1}))
    return expect.network_expectation(
        {design.table_name: design.table_id}, design.addresses(sip, data),
        [design.default_route(data)] + design.device_routes(sip) + design.table_routes(sip), design.rules(), sysctls)


def _keep_expectation(module: AnsibleModule, check_mode: bool,
                      expected: t.Mapping[str, t.Any]) -> t.Optional[t.Dict[str, t.Any]]:
    """``expected`` into expectation_file (the play's check mode honoured), when it is given."""
    path = module.params["expectation_file"]
    if not path:
        return None
    module.check_mode = check_mode
    try:
        directory = os.path.dirname(path)
        if not check_mode and not os.path.isdir(directory):
            os.makedirs(directory, mode=0o750)
        return write_text(module, path, json.dumps(expected, indent=4, sort_keys=True) + "\n",
                          attributes=SYSTEM_FILE)
    finally:
        module.check_mode = True


def run_host_check() -> None:
    module = AnsibleModule(argument_spec=CHECK_SPEC, supports_check_mode=True)
    play_check_mode = module.check_mode
    module.check_mode = True          # every part only reads, whatever the play's mode
    parts = {"dual_nic": _host_part(module, "dual_nic", DualNic),
             "sip_routes": _host_part(module, "sip_routes", SipRoutes)}
    arp_spec = {name: option for name, option in ARP_SPEC.items() if name != "interfaces"}
    arp = _part_params(module, "arp_sysctl", arp_spec, module.params["arp_sysctl"])
    arp["interfaces"] = [parts["dual_nic"]["sip_nic"], parts["dual_nic"]["data_nic"]]
    parts["arp_sysctl"] = arp_sysctl_result(module, arp)
    changes = {part: list(result.get("changes", [])) for part, result in parts.items()}
    every = [line for part in PART_OPTIONS for line in changes[part]]
    expected = _expected(module, parts["dual_nic"]["sip_nic"], parts["dual_nic"]["data_nic"], arp)
    kept = _keep_expectation(module, play_check_mode, expected)
    result: t.Dict[str, t.Any] = {
        # in a dry run it reports what the modules would change; otherwise it changed nothing but the expectation
        "changed": play_check_mode and bool(every) or bool(kept and kept["changed"]),
        "differs": bool(every),
        "changes": changes,
        "drift": drift_lines(every),
        "sip_nic": parts["dual_nic"]["sip_nic"],
        "data_nic": parts["dual_nic"]["data_nic"],
        "backend": parts["dual_nic"]["backend"],
        "expected": expected,
    }
    if module._diff and (every or kept and kept["changed"]):
        result["diff"] = [diff for part in PART_OPTIONS for diff in parts[part].get("diff", [])] + (
            [kept["diff"]] if kept and kept["changed"] else [])
    module.exit_json(**result)
