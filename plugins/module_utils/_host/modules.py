# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bodies of the host network modules: dual_nic, sip_routes, arp_sysctl.

Each module: validate the design (fail naming the field, nothing touched),
read the kernel with ``ip -json``, plan only what differs, apply it (unless
check mode), persist it, and report ``changed``, a readable diff and the
commands. dual_nic, which can cut the controller off, also checks the
controller's path first and can arm a self-reverting apply.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import os
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.sipha.network.plugins.module_utils._host.backends import registry as backends
from ansible_collections.sipha.network.plugins.module_utils._host.backends.base import NICS, ROUTES, Backend
from ansible_collections.sipha.network.plugins.module_utils._host import heal as _heal
from ansible_collections.sipha.network.plugins.module_utils._host import rollback as _rollback
from ansible_collections.sipha.network.plugins.module_utils._host import sysctl as _sysctl
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.host import MAIN, HostDesign
from ansible_collections.sipha.network.plugins.module_utils._model.plan import (
    Plan, plan_addresses, plan_mtu, plan_routes, plan_rules)
from ansible_collections.sipha.network.plugins.module_utils._host.runtime import Kernel
from ansible_collections.sipha.network.plugins.module_utils._model.kernel import Route, TableMap
from ansible_collections.sipha.network.plugins.module_utils._common import guard as _guard
from ansible_collections.sipha.network.plugins.module_utils._common.textfile import guard_open, remove_file, write_text

#: Configuration files we write under /etc: root-owned, readable by root only (the tools that read
#: them run as root). The rt_tables name file is the exception: unprivileged `ip` reads it.
SYSTEM_FILE = {"owner": "root", "group": "root", "mode": "0640"}

#: Options every design-driven module shares (documented in the host_design doc fragment).
DESIGN_SPEC: t.Dict[str, t.Any] = {
    "design": {"type": "dict", "required": True},
    "mode": {"type": "str", "choices": ["authoritative", "append"], "default": "authoritative"},
    "backend": {"type": "str", "choices": backends.choices(), "default": backends.AUTO},
}

__all__ = ["ARP_SPEC", "DESIGN_SPEC", "SYSTEM_FILE", "DualNic", "HostModule", "SipRoutes", "arp_sysctl_result",
           "controller_path_problem", "run_apply_confirm", "run_arp_sysctl", "run_dual_nic", "run_sip_routes"]


class HostModule:
    """Shared flow; subclasses give ``extra_spec``, ``part`` (what of the design they own) and ``plan``."""

    extra_spec: t.Dict[str, t.Any] = {}
    part = NICS

    def __init__(self, module: t.Optional[AnsibleModule] = None,
                 params: t.Optional[t.Mapping[str, t.Any]] = None) -> None:
        """As its own module (no arguments), or as one part of another module (``host_check``), which passes
        itself and this part's already validated ``params``."""
        if module is None:
            module = AnsibleModule(argument_spec=self.argument_spec(), supports_check_mode=True)
        self.module = module
        self.params = dict(module.params if params is None else params)
        self.design = self.guard(HostDesign.from_dict, self.params["design"])
        self.authoritative = self.params["mode"] == "authoritative"
        self.kernel = Kernel(self.module)
        self.tables = self.design.tables
        self.links = self.kernel.links()
        macs = {info["mac"]: name for name, info in self.links.items()}
        self.sip, self.data = self.guard(self.design.nic_names, macs)
        self.file_diffs: t.List[t.Dict[str, t.Any]] = []
        self.backend = self.detect_backend()
        self.kernel.protocol = self.backend.route_protocol
        self.result: t.Dict[str, t.Any] = {"changed": False, "sip_nic": self.sip, "data_nic": self.data,
                                           "backend": self.backend.name}

    @classmethod
    def argument_spec(cls) -> t.Dict[str, t.Any]:
        spec = dict(DESIGN_SPEC)
        spec.update(cls.extra_spec)
        return spec

    def detect_backend(self) -> Backend:
        """The distribution's own tool for persistent network configuration (the registry's order for auto)."""
        wanted = self.params["backend"]
        if wanted != backends.AUTO:
            return backends.get(wanted)
        found = backends.detect(self.module)
        if found is None:
            self.module.fail_json(msg="backend: auto found no supported network configuration tool (%s); set "
                                      "backend to none to change the running kernel only" % ", ".join(
                                          backend.title for backend in backends.auto_candidates()),
                                  field="backend")
        return t.cast(Backend, found)

    def guard(self, func: t.Callable[..., t.Any], *args: t.Any) -> t.Any:
        try:
            return func(*args)
        except DesignError as err:
            self.module.fail_json(msg=str(err), field=err.field)

    def plan(self) -> Plan:
        raise NotImplementedError

    def before_apply(self, plan: Plan, lines: t.Sequence[str]) -> None:
        """Hook: refuse or arm a rollback before the change (``lines`` describe all of it) runs."""

    def persist(self) -> t.List[str]:
        """Hook: write what every backend needs (sysctl.d, rt_tables); returns diff lines of what changed."""
        return []

    def run_tool(self, argv: t.Sequence[str], what: str) -> str:
        """Run a backend's tool; fail the module naming ``what`` when it fails."""
        rc, out, err = self.module.run_command(list(argv))
        if rc != 0:
            self.module.fail_json(msg="%s failed: %s: %s" % (what, " ".join(argv), (err or out).strip()))
        return out

    def write_file(self, path: str, text: str, mode: str = "0640") -> t.List[str]:
        result = write_text(self.module, path, text, attributes=dict(SYSTEM_FILE, mode=mode))
        if not result["changed"]:
            return []
        self.file_diffs.append(result["diff"])
        return ["~ file %s" % path]

    def remove_files(self, paths: t.Iterable[str]) -> t.List[str]:
        lines = []
        for path in sorted(paths):
            lines.append("- file %s" % path)
            remove_file(self.module, path)
        return lines

    def run(self) -> None:
        self.module.exit_json(**self.evaluate())

    def evaluate(self) -> t.Dict[str, t.Any]:
        """Plan, apply what differs (not in check mode) and persist; the module's result."""
        plan = self.guard(self.plan)
        lines = plan.diff_lines()
        check = self.module.check_mode
        tool_lines = self.backend.pending(self)
        if (plan or tool_lines) and not check:
            guard_open(self.module)
            self.before_apply(plan, lines + tool_lines)
            if self.backend.apply(self):
                # the tool applied its configuration; fix what it leaves behind (NetworkManager keeps routes
                # dropped from a profile in other tables after a reapply)
                self.links = self.kernel.links()
                plan = self.guard(self.plan)
            self.kernel.apply(plan)
        lines += tool_lines
        lines += self.persist() + self.backend.persist(self)
        self.result["changed"] = bool(lines)
        self.result["changes"] = lines
        self.result["commands"] = [["ip"] + c if c[0] != "sysctl" else c for c in plan.commands()]
        if self.module._diff and lines:
            self.result["diff"] = [{"prepared": "\n".join(lines) + "\n"}] + self.file_diffs
        return self.result


# ---- dual_nic -----------------------------------------------------------------

def controller_path_problem(client: str, server: str, addresses: t.Mapping[str, t.Sequence[str]],
                            routes: t.Sequence[Route]) -> t.Optional[str]:
    """Why the controller would lose the host after the change, or None (pure).

    ``client`` is the controller's address as the host sees it, ``server``
    the host address it connects to; ``addresses`` and ``routes`` are the
    host's IPv4 addresses (per NIC) and main-table routes after the change.
    """
    client_ip = ipaddress.ip_address(client)
    holders = [dev for dev, addrs in addresses.items() if any(a.split("/")[0] == server for a in addrs)]
    if not holders:
        return "the controller connects to %s, which would no longer be an address of this host" % server
    for dev, addrs in addresses.items():
        for addr in addrs:
            if client_ip in ipaddress.ip_interface(addr).network:
                return None
    best = None
    for route in routes:
        net = ipaddress.ip_network(route.dst)
        if client_ip in net and (best is None or net.prefixlen > ipaddress.ip_network(best.dst).prefixlen):
            best = route
    if best is None:
        return "no route would lead back to the controller at %s" % client
    return None


class DualNic(HostModule):
    extra_spec = {
        "promote_secondaries": {"type": "bool", "default": True},
        "keep_addresses": {"type": "list", "elements": "str", "default": []},
        "controller": {"type": "dict", "options": {
            "client": {"type": "str", "required": True},
            "server": {"type": "str", "required": True}}},
        "force": {"type": "bool", "default": False},
        "rollback_timeout": {"type": "int", "default": 0},
        "sysctl_file": {"type": "path", "default": "/etc/sysctl.d/60-sipha-dual-nic.conf"},
    }

    def sysctl_values(self) -> t.Dict[t.Tuple[str, str], int]:
        if not self.params["promote_secondaries"]:
            return {}
        return _sysctl.desired([self.sip], {"promote_secondaries": 1})

    def plan(self) -> Plan:
        design = self.design
        keep = list(self.params["keep_addresses"]) + ([design.vip] if design.vip else [])
        plan = plan_addresses(design.addresses(self.sip, self.data), self.links, self.authoritative, keep)
        plan.extend(plan_mtu(self.sip, design.sip_nic.mtu, self.links))
        plan.extend(plan_mtu(self.data, design.data_nic.mtu, self.links))
        routes, protocols = self.kernel.routes(self.tables)
        self.main_routes = [r for r in routes if r.table == MAIN]
        wanted = design.default_route(self.data)
        # One default route in the main table, via the data gateway (R4): others always go.
        plan.extend(plan_routes([wanted], self.main_routes, self.tables,
                                lambda r: r.dst == "0.0.0.0/0", True, protocols))
        plan.extend(_sysctl.plan(self.sysctl_values()))
        self.after_addresses = {dev: list(info["addresses"]) for dev, info in self.links.items()}
        for step in plan.steps:
            if step.kind == "addr+":
                self.after_addresses[step.do[4]].append(step.do[2])
            elif step.kind == "addr-":
                self.after_addresses[step.do[4]].remove(step.do[2])
        self.after_routes = [r for r in self.main_routes if r.dst != "0.0.0.0/0"] + [wanted]
        return plan

    def route_snapshot(self) -> t.List[t.List[str]]:
        """Commands that put back every route of the two NICs as it is now (any table).

        Removing an address makes the kernel drop the routes through it, which the
        plan's own undo does not know about; these run after it."""
        routes, protocols = self.kernel.routes(TableMap())
        # each with the protocol it has now: a daemon's route (networkd's static) must come back as its own
        return [[self.kernel.ip, "-4", "route", "replace"] + route.argv(TableMap())
                + ["proto", protocols.get(route.key, "boot")]
                for route in routes if route.dev in (self.sip, self.data) and protocols.get(route.key) != "kernel"]

    def before_apply(self, plan: Plan, lines: t.Sequence[str]) -> None:
        controller = self.params["controller"]
        if controller and not self.params["force"]:
            problem = controller_path_problem(controller["client"], controller["server"], self.after_addresses,
                                              self.after_routes)
            if problem:
                self.module.fail_json(
                    msg="refused: %s. Nothing was changed. Change the management address in two steps (add the new "
                        "one, reconnect, then remove the old), or set force with a rollback_timeout." % problem,
                    reason=problem, changes=list(lines))
        if self.params["rollback_timeout"] > 0:
            self.result["rollback"] = self.backend.arm_rollback(
                self, self.kernel.undo_argv(plan) + self.route_snapshot(), self.params["rollback_timeout"], lines)

    def persist(self) -> t.List[str]:
        lines: t.List[str] = []
        values = self.sysctl_values()
        if values:
            lines += self.write_file(self.params["sysctl_file"], _sysctl.render_file(values, "dual_nic"))
        return lines


# ---- sip_routes ---------------------------------------------------------------

class SipRoutes(HostModule):
    part = ROUTES
    extra_spec = {
        "rt_tables_file": {"type": "path", "default": "/etc/iproute2/rt_tables.d/sipha.conf"},
    }

    def plan(self) -> Plan:
        design = self.design
        if design.route_source == "vip" and not any(
                a.split("/")[0] == design.vip for a in self.links.get(self.sip, {}).get("addresses", [])):
            raise DesignError("route_source", "is 'vip' but the VIP %s is not on %s now; the kernel refuses a "
                              "source address the host does not hold" % (design.vip, self.sip), show_value=False)
        routes, protocols = self.kernel.routes(self.tables)
        desired = design.device_routes(self.sip) + design.table_routes(self.sip)
        replayed = {(dst, gateway) for table, dst, dev, gateway in _heal.replayed_routes()
                    if table == MAIN and dev == self.sip}

        def managed(route: Route) -> bool:
            return self.managed(route, design, self.sip, protocols.get(route.key), self.kernel.protocol, replayed)

        plan = plan_routes(desired, routes, self.tables, managed, self.authoritative, protocols)
        plan.extend(plan_rules(design.rules(), self.kernel.rules(self.tables), self.tables,
                               lambda rule: rule.table == design.table_id, self.authoritative))
        return plan

    @staticmethod
    def managed(route: Route, design: HostDesign, sip: str, protocol: t.Optional[str], stamp: t.Optional[str],
                replayed: t.Collection[t.Tuple[str, t.Optional[str]]] = ()) -> bool:
        """Whether sip_routes owns ``route`` (authoritative mode removes what it owns and the design lacks).

        Every route of the policy table; in the main table, a route on the SIP NIC that goes via the VoIP
        gateway, or leads to one of the design's device networks (via any gateway: one via an old gateway is
        ours), or via a gateway carrying the backend's own route protocol ``stamp`` (networkd's ``static``;
        ``protocol`` is the route's), or that the installed NIC-flap watcher replays (``replayed``: (network,
        gateway) pairs an earlier design put there, whatever gateway they go via)."""
        if route.table == design.table_id:
            return True
        if route.table != MAIN or route.dev != sip:
            return False
        if route.gateway == design.sip_gateway:
            return True
        if route.dst in {str(net) for net in design.sip_device_networks}:
            return True
        if route.gateway and stamp and protocol == stamp:
            return True
        return (route.dst, route.gateway) in replayed

    def persist(self) -> t.List[str]:
        text = "# Managed by sipha.network (sip_routes): source policy routing table.\n%d\t%s\n" % (
            self.design.table_id, self.design.table_name)
        return self.write_file(self.params["rt_tables_file"], text, mode="0644")


def run_dual_nic() -> None:
    DualNic().run()


def run_sip_routes() -> None:
    SipRoutes().run()


# ---- arp_sysctl ---------------------------------------------------------------

ARP_SPEC: t.Dict[str, t.Any] = {
    "interfaces": {"type": "list", "elements": "str", "required": True},
    "arp_ignore": {"type": "int", "default": 1},
    "arp_announce": {"type": "int", "default": 2},
    "rp_filter": {"type": "int", "default": 2},
    "arp_accept": {"type": "int"},
    "path": {"type": "path", "default": "/etc/sysctl.d/60-sipha-arp.conf"},
}


def run_arp_sysctl() -> None:
    module = AnsibleModule(argument_spec=ARP_SPEC, supports_check_mode=True)
    module.exit_json(**arp_sysctl_result(module, module.params))


def arp_sysctl_result(module: AnsibleModule, params: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """Set (not in check mode) and persist the ARP-flux sysctls of ``params`` (ARP_SPEC); the module's result."""
    try:
        values = _sysctl.desired(params["interfaces"], {k: params[k] for k in
                                                        ("arp_ignore", "arp_announce", "rp_filter", "arp_accept")})
        plan = _sysctl.plan(values)
    except DesignError as err:
        module.fail_json(msg=str(err), field=err.field)
    lines = plan.diff_lines()
    if plan and not module.check_mode:
        guard_open(module)
        for step in plan.ordered():
            _sysctl.write_proc(step.do[1], int(step.do[2]))
    written = write_text(module, params["path"], _sysctl.render_file(values, "arp_sysctl"), attributes=SYSTEM_FILE)
    if written["changed"]:
        lines.append("~ file %s" % params["path"])
    result: t.Dict[str, t.Any] = {"changed": bool(lines), "changes": lines,
                                  "values": {_sysctl.key(n, s): val for (n, s), val in sorted(values.items())}}
    if module._diff and lines:
        result["diff"] = [{"prepared": "\n".join(plan.diff_lines()) + "\n"}, written["diff"]]
    for warning in _sysctl.shadowed_by_all(values, _sysctl.read_proc):
        module.warn(warning)
    return result


# ---- apply_confirm ------------------------------------------------------------

def run_apply_confirm() -> None:
    module = AnsibleModule(argument_spec={
        # an identifier of a rollback job, not a credential
        "token": {"type": "str", "required": True, "no_log": False},
        "state": {"type": "str", "choices": ["confirmed", "query", "rolled_back"], "default": "confirmed"},
    }, supports_check_mode=True)
    token, wanted = module.params["token"], module.params["state"]
    if _guard.valid_token(token) and os.path.isdir(_guard.guard_dir(token)):
        module.exit_json(**_guard_outcome(module, token, wanted))
    if wanted == "rolled_back":
        module.fail_json(msg="state: rolled_back is for a token of apply_guard")
    try:
        if wanted == "query" or module.check_mode:
            status = _rollback.status(token)
        else:
            status = _rollback.confirm(token)
    except ValueError as err:
        module.fail_json(msg=str(err))
    module.exit_json(changed=False, **status)


def _guard_outcome(module: AnsibleModule, token: str, wanted: str) -> t.Dict[str, t.Any]:
    """Confirm, query or roll back (now) an apply guard; a guard whose outcome is reported stops being active."""
    if not module.check_mode and _guard.state(token)["state"] == "armed":
        if wanted == "confirmed":
            _guard.confirm(token)
        elif wanted == "rolled_back":
            _guard.restore(token, by="request")
    outcome = _guard.state(token)
    # changed: this call undid the change (not the restorer at the deadline, nor the boot unit)
    changed = outcome.get("by") == "request" and wanted == "rolled_back"
    if not module.check_mode and outcome["state"] != "armed":
        _guard.acknowledge(token)
    job = _guard.manifest(token)
    outcome.update(changed=changed, what=job["what"], armed_at=job["armed_at"], timeout=job["timeout"])
    return outcome
