# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The VIP takeover program's configuration and the command lines it runs (no I/O).

One model for three users: the ``vip_script`` module validates and renders
the config file with it, the ``vip`` module builds its ``ip`` argument lists
with it, and ``sipha-vip`` (the takeover program on each SIP host) loads the
same file through it at every start. Every command is an argument list built
from validated values; nothing here is ever handed to a shell.

Python 3.8+ standard library only: this file is installed on SIP hosts as
part of the program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import ipaddress
import json
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model import vip_defaults
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._model.monitor import Monitor, load_monitor
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import platforms

__all__ = ["CONFIG_VERSION", "FLUSH_DEFAULTS", "GARP_DEFAULTS", "ROUTER_DEFAULTS", "RUN_DIR", "Router",
           "SPLIT_BRAIN", "STATE_DIR", "TOP_DEFAULTS", "VipConfig", "check_against_host", "load", "parse"]

CONFIG_VERSION = 1
_LABEL_TAG = re.compile(r"^[A-Za-z0-9_.-]+$")
SPLIT_BRAIN = ("proceed", "refuse")
RUN_DIR = vip_defaults.RUN_DIR
STATE_DIR = vip_defaults.STATE_DIR

# Defaults, each documented in the vip_script module and the sip_vip role.
GARP_DEFAULTS = {"count": 3, "interval_ms": 200, "repeat_after_ms": 2000}
FLUSH_DEFAULTS = {
    "enabled": True, "user": "sipha-flush", "key_file": "/etc/sipha/flush_key",
    "known_hosts": "/etc/sipha/known_hosts", "timeout_ms": 2000, "warm": True, "hedge_ms": 150,
}
ROUTER_DEFAULTS: t.Dict[str, t.Any] = {
    "name": None, "address": None, "port": 22, "vendor": registry.DEFAULT, "vrf": None, "arp_target": None,
    "host_keys": None, "platform": None, "ssh_options": None,
}
TOP_DEFAULTS: t.Dict[str, t.Any] = {
    "version": CONFIG_VERSION, "vip": None, "prefix": 32, "interface": None, "label": None,
    "split_brain": "proceed", "probe_ms": 300, "split_brain_grace_ms": 1000, "directed_arp": True,
    "lock_timeout_ms": 15000, "garp": {}, "flush": {}, "routers": [], "run_dir": RUN_DIR, "state_dir": STATE_DIR,
    "monitor": {},
}


def _bool(value: t.Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise DesignError(field, "must be true or false", value)
    return value


def _abs_path(value: t.Any, field: str) -> str:
    if not isinstance(value, str) or not value.startswith("/") or any(c in value for c in "\n\0 "):
        raise DesignError(field, "must be an absolute path with no spaces", value)
    return value


def _merge(data: t.Any, defaults: t.Mapping[str, t.Any], what: str, field: str) -> t.Dict[str, t.Any]:
    try:
        return v.merge_fields(data, defaults, what, field)
    except DesignError as error:
        raise error.within(field) if error.field != field else error


class Router(t.NamedTuple):
    """One adjacent router: where to log in, what to send, and its own address on the SIP network."""

    name: str
    address: str
    port: int
    target: rf.FlushTarget
    arp_target: str
    host_keys: t.Tuple[str, ...]
    #: the router's platform (``_router/vendors/platforms.py``): how its SSH server is reached
    platform: str = "linux"
    #: OpenSSH client options for this router: its platform's, with the router's overrides
    ssh_options: t.Tuple[t.Tuple[str, str], ...] = ()

    @property
    def warm(self) -> bool:
        """Whether a warm connection can live: not where the router closes TCP after an exec (IOS, IOS-XE)."""
        return platforms.PLATFORMS[self.platform].keeps_tcp

    def as_dict(self) -> t.Dict[str, t.Any]:
        data = {"name": self.name, "address": self.address, "port": self.port, "vendor": self.target.vendor,
                "vrf": self.target.vrf, "arp_target": self.arp_target, "platform": self.platform}
        overrides = {key: value for key, value in self.ssh_options
                     if platforms.PLATFORMS[self.platform].openssh.get(key) != value}
        if overrides:
            data["ssh_options"] = overrides
        return data

    def known_hosts_pattern(self) -> str:
        return self.address if self.port == 22 else "[%s]:%d" % (self.address, self.port)


class VipConfig(t.NamedTuple):
    vip: str
    prefix: int
    interface: str
    label: t.Optional[str]
    split_brain: str
    probe_ms: int
    directed_arp: bool
    lock_timeout_ms: int
    garp: t.Dict[str, int]
    flush: t.Dict[str, t.Any]
    routers: t.Tuple[Router, ...]
    run_dir: str
    state_dir: str
    #: split_brain: refuse - how long an answer for the VIP is re-probed before the up is refused (ms)
    split_brain_grace_ms: int = 1000
    #: what the health check and the metrics file need (labels, bounds, thresholds)
    monitor: Monitor = load_monitor({})

    @property
    def cidr(self) -> str:
        return "%s/%d" % (self.vip, self.prefix)

    def as_dict(self) -> t.Dict[str, t.Any]:
        """The config file's content (host keys go to known_hosts, not here)."""
        data = self._asdict()
        data["routers"] = [router.as_dict() for router in self.routers]
        data["monitor"] = self.monitor._asdict()
        return {"version": CONFIG_VERSION, **data}

    def render(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=True) + "\n"

    def known_hosts(self) -> str:
        """The pinned host keys, one line per router and key, for UserKnownHostsFile."""
        lines = ["# Managed by sipha.network (vip_script): pinned router host keys. Never auto-added."]
        for router in self.routers:
            lines += ["%s %s" % (router.known_hosts_pattern(), " ".join(key.split()[:2])) for key in router.host_keys]
        return "\n".join(lines) + "\n"

    # Command lines (argument lists) -------------------------------------------------------
    def addr_add_argv(self) -> t.List[str]:
        argv = ["ip", "-4", "address", "add", self.cidr, "dev", self.interface]
        return argv + (["label", self.label] if self.label else [])

    def addr_del_argv(self) -> t.List[str]:
        return ["ip", "-4", "address", "del", self.cidr, "dev", self.interface]

    def addr_show_argv(self) -> t.List[str]:
        return ["ip", "-4", "-o", "address", "show", "dev", self.interface, "to", "%s/32" % self.vip]

    def control_path(self, router: Router) -> str:
        return "%s/cm-%s" % (self.run_dir, router.name)

    def ssh_argv(self, router: Router, mode: str, command: t.Optional[str] = None) -> t.List[str]:
        """OpenSSH client argv for one router; ``mode`` is fresh, warm (through the master) or master.

        Host keys come only from the pinned file; nothing is read from ~/.ssh or /etc/ssh/ssh_config."""
        flush = self.flush
        argv = ["ssh", "-F", "/dev/null", "-T", "-x", "-a",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityFile=%s" % flush["key_file"],
                "-o", "UserKnownHostsFile=%s" % flush["known_hosts"], "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "UpdateHostKeys=no", "-o", "CheckHostIP=no",
                "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=%d" % max(1, -(-flush["timeout_ms"] // 1000)),
                "-p", str(router.port), "-l", flush["user"]]
        if mode == "fresh":
            argv += ["-o", "ControlMaster=no", "-o", "ControlPath=none"]
        elif mode == "warm":
            argv += ["-o", "ControlMaster=no", "-o", "ControlPath=%s" % self.control_path(router)]
        elif mode == "master":
            argv += ["-o", "ControlMaster=yes", "-o", "ControlPersist=no", "-o", "ServerAliveInterval=5",
                     "-o", "ServerAliveCountMax=2", "-o", "ControlPath=%s" % self.control_path(router), "-N", "-f"]
        elif mode in ("check", "exit"):
            argv += ["-o", "ControlPath=%s" % self.control_path(router), "-O", mode]
        else:
            raise ValueError("unknown ssh mode %r" % mode)
        for key, value in router.ssh_options:          # the router platform's algorithms (validated names)
            argv += ["-o", "%s=%s" % (key, value)]
        argv.append(router.address)
        return argv + ([command] if command else [])


def _router(data: t.Any, index: int, vip: str) -> Router:
    field = "routers[%d]" % index
    merged = _merge(data, ROUTER_DEFAULTS, "router", field)
    name = merged["name"]
    v.name(name, field + ".name", "a router name (it names the router in logs and its connection socket)")
    address = v.ip_address(merged["address"], field + ".address")
    target = rf.FlushTarget.build(merged["vendor"], vip, None, merged["vrf"], prefix=field + ".")
    arp_target = rf.vip(merged["arp_target"] or str(address), field + ".arp_target")
    keys = merged["host_keys"] or []
    if not isinstance(keys, (list, tuple)):
        raise DesignError(field + ".host_keys", "must be a list of the router's SSH host public keys", keys)
    host_keys = tuple(v.public_key(key, "%s.host_keys[%d]" % (field, i)) for i, key in enumerate(keys))
    platform = platforms.get(merged["platform"], target.vendor, field + ".platform")
    options = platforms.ssh_options(platform, merged["ssh_options"], field + ".ssh_options")
    return Router(name, str(address), v.port(merged["port"], field + ".port"), target, arp_target, host_keys,
                  platform.name, options)


def load(data: t.Any, need_host_keys: bool = False) -> VipConfig:
    """Validate a config (the design, or the installed JSON file) into a VipConfig.

    ``need_host_keys``: when installing, every router needs at least one pinned host key."""
    merged = _merge(data, TOP_DEFAULTS, "VIP config", "config")
    version = merged.pop("version")
    if version != CONFIG_VERSION:
        raise DesignError("version", "must be %d (this program's config format)" % CONFIG_VERSION, version)
    vip = rf.vip(merged["vip"], "vip")
    prefix = v.whole_number(merged["prefix"], "prefix", 1, 32)
    interface = v.interface_name(merged["interface"], "interface")
    if ipaddress.ip_network(vip + "/%d" % prefix, strict=False).network_address == ipaddress.ip_address(vip) \
            and prefix < 31:
        raise DesignError("vip", "is the network address of %s/%d" % (vip, prefix), vip)
    label = merged["label"]
    if label is not None:
        tag = label[len(interface) + 1:] if isinstance(label, str) and label.startswith(interface + ":") else ""
        if not _LABEL_TAG.match(tag) or len(label) > 15:
            raise DesignError("label", "must be '<interface>:<tag>', at most 15 characters (an ip address label)",
                              label)
    elif len(interface) <= 11:
        label = interface + ":vip"
    if merged["split_brain"] not in SPLIT_BRAIN:
        raise DesignError("split_brain", "must be one of %s" % ", ".join(SPLIT_BRAIN), merged["split_brain"])
    garp = _merge(merged["garp"], GARP_DEFAULTS, "garp", "garp")
    garp = {"count": v.whole_number(garp["count"], "garp.count", 1, 10),
            "interval_ms": v.whole_number(garp["interval_ms"], "garp.interval_ms", 10, 5000),
            "repeat_after_ms": v.whole_number(garp["repeat_after_ms"], "garp.repeat_after_ms", 0, 60000)}
    if garp["repeat_after_ms"] and garp["repeat_after_ms"] <= 1000:
        raise DesignError("garp.repeat_after_ms", "must be 0 (no second burst) or more than 1000: Linux ignores "
                          "a neighbour update within locktime (1 s) of the last", garp["repeat_after_ms"])
    flush = _merge(merged["flush"], FLUSH_DEFAULTS, "flush", "flush")
    flush = {"enabled": _bool(flush["enabled"], "flush.enabled"), "user": v.account(flush["user"], "flush.user"),
             "key_file": _abs_path(flush["key_file"], "flush.key_file"),
             "known_hosts": _abs_path(flush["known_hosts"], "flush.known_hosts"),
             "timeout_ms": v.whole_number(flush["timeout_ms"], "flush.timeout_ms", 100, 30000),
             "warm": _bool(flush["warm"], "flush.warm"),
             "hedge_ms": v.whole_number(flush["hedge_ms"], "flush.hedge_ms", 10, 30000)}
    if not isinstance(merged["routers"], (list, tuple)):
        raise DesignError("routers", "must be a list of adjacent routers", merged["routers"])
    routers = tuple(_router(item, index, vip) for index, item in enumerate(merged["routers"]))
    for kind in ("name", "address"):
        seen = [getattr(router, kind) for router in routers]
        for index, value in enumerate(seen):
            if value in seen[:index]:
                raise DesignError("routers[%d].%s" % (index, kind), "is used by another router", value)
        if kind == "address" and vip in seen:
            raise DesignError("routers[%d].address" % seen.index(vip), "is the VIP", vip)
    if need_host_keys and flush["enabled"]:
        for index, router in enumerate(routers):
            if not router.host_keys:
                raise DesignError("routers[%d].host_keys" % index, "must pin at least one SSH host key of %s "
                                  "(host keys are never learnt on first use)" % router.name, show_value=False)
    return VipConfig(vip, prefix, interface, label, merged["split_brain"],
                     v.whole_number(merged["probe_ms"], "probe_ms", 50, 5000),
                     _bool(merged["directed_arp"], "directed_arp"),
                     v.whole_number(merged["lock_timeout_ms"], "lock_timeout_ms", 100, 600000), garp, flush, routers,
                     _abs_path(merged["run_dir"], "run_dir"), _abs_path(merged["state_dir"], "state_dir"),
                     v.whole_number(merged["split_brain_grace_ms"], "split_brain_grace_ms", 0, 60000),
                     load_monitor(merged["monitor"]))


def parse(text: str) -> VipConfig:
    """Load the installed config file's text."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise DesignError("config", "is not valid JSON: %s" % error, show_value=False)
    return load(data)


def check_against_host(config: VipConfig, networks: t.Sequence[str], known_hosts: t.Optional[str]) -> None:
    """The config against the SIP host: the VIP and every router's ARP target lie in a subnet of the NIC.

    ``networks`` are the NIC's own addresses (CIDR); ``known_hosts`` the pinned file's text, if read."""
    address = ipaddress.ip_address(config.vip)
    own = [ipaddress.ip_interface(item) for item in networks if ":" not in item]
    for item in own:
        if item.ip == address and item.network.prefixlen != config.prefix:
            raise DesignError("vip", "is an address of %s itself (%s), not a spare address for the VIP"
                              % (config.interface, item), config.vip)
    # the VIP itself, when this host holds it, is not one of the NIC's own subnets
    nets = [item.network for item in own if item.ip != address]
    if not nets:
        raise DesignError("interface", "%s has no IPv4 address of its own: the VIP must share the subnet of the "
                          "NIC's address (R2)" % config.interface, show_value=False)
    home = [net for net in nets if address in net]
    if not home:
        raise DesignError("vip", "is outside the subnets of %s (%s): VIP and NIC addresses share one subnet (R2)"
                          % (config.interface, ", ".join(str(n) for n in nets)), config.vip)
    for index, router in enumerate(config.routers):
        if not any(ipaddress.ip_address(router.arp_target) in net for net in home):
            raise DesignError("routers[%d].arp_target" % index, "must be the router's own address in %s "
                              "(the directed ARP goes there)" % home[0], router.arp_target)
    if known_hosts is not None and config.flush["enabled"]:
        patterns = {line.split()[0] for line in known_hosts.splitlines() if line.strip() and
                    not line.startswith("#")}
        for index, router in enumerate(config.routers):
            if router.known_hosts_pattern() not in patterns:
                raise DesignError("routers[%d]" % index, "%s has no pinned host key in %s"
                                  % (router.name, config.flush["known_hosts"]), show_value=False)
