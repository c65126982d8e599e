# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bodies of the vip_script and vip modules.

Both validate first (a bad design fails naming the field; nothing is
touched) and run the takeover program's own code: ``vip_script`` installs
that code and its config, ``vip`` adds, removes and announces the VIP with
the same ``Host`` and ARP frames the program uses.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import os
import shutil
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.sipha.network.plugins.module_utils._vip import arp
from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._model import vip_defaults
from ansible_collections.sipha.network.plugins.module_utils._vip import helper as vh
from ansible_collections.sipha.network.plugins.module_utils._vip import install as vi
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._common.textfile import read_text, write_text
from ansible_collections.sipha.network.plugins.module_utils._vip.program import Host, TakeoverError

__all__ = ["ROOT_FILE", "VIP_SCRIPT_SPEC", "VIP_SPEC", "remove_vip_script", "run_vip", "run_vip_script"]

ROOT_FILE = {"owner": "root", "group": "root"}

VIP_SCRIPT_SPEC: t.Dict[str, t.Any] = {
    "config": {"type": "dict", "required": True},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "path": {"type": "path", "default": "/usr/local/sbin/sipha-vip"},
    "lib_dir": {"type": "path", "default": "/usr/local/lib/sipha-vip"},
    "config_path": {"type": "path", "default": vip_defaults.CONFIG},
    "python": {"type": "path", "default": "/usr/bin/python3"},
    "check_host": {"type": "bool", "default": True},
}

VIP_SPEC: t.Dict[str, t.Any] = {
    "vip": {"type": "str", "required": True},
    "interface": {"type": "str", "required": True},
    "prefix": {"type": "int", "default": 32},
    "label": {"type": "str"},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "announce": {"type": "str", "choices": ["on_change", "always", "never"], "default": "on_change"},
    "arp_targets": {"type": "list", "elements": "str", "default": []},
    "garp": {"type": "bool", "default": True},
}


def _design(module: AnsibleModule, build: t.Callable[..., t.Any], *args: t.Any, **kwargs: t.Any) -> t.Any:
    try:
        return build(*args, **kwargs)
    except DesignError as error:
        module.fail_json(msg="config.%s" % error if module.params.get("config") is not None else str(error),
                         field=error.field, rule=error.rule)
        raise  # unreachable: fail_json exits


def _nic_networks(module: AnsibleModule, interface: str) -> t.List[str]:
    if not os.path.isdir("/sys/class/net/%s" % interface):
        module.fail_json(msg="config.interface: %s does not exist on this host" % interface, field="interface")
    code, out, err = module.run_command(["ip", "-4", "-o", "address", "show", "dev", interface])
    if code != 0:
        module.fail_json(msg="cannot read the addresses of %s: %s" % (interface, err.strip()))
    return [line.split()[3] for line in out.splitlines() if len(line.split()) > 3]


def _refuse_unsafe_parents(module: AnsibleModule, params: t.Dict[str, t.Any]) -> None:
    """sudo runs the program as root: nobody but root may be able to replace it, its lib or a parent of them."""
    for field in ("path", "lib_dir"):
        problem = vi.unsafe_parent(params[field])
        if problem:
            module.fail_json(msg="%s: %s: %s; anyone who can write there could replace what sudo runs as root. "
                             "Make every directory above it root-owned and writable by root only (chown root:root; "
                             "chmod g-w,o-w), or choose another %s; nothing was changed"
                             % (field, params[field], problem, field), field=field)


def _compile(module: AnsibleModule, python: str, code_dir: str) -> None:
    code, _out, err = module.run_command([python, "-I", "-S", "-m", "compileall", "-q", code_dir])
    if code != 0:
        module.fail_json(msg="could not compile the program under %s: %s" % (code_dir, err))


def _prune_versions(module: AnsibleModule, lib_dir: str, code_dir: str, running: t.Optional[str]) -> t.List[str]:
    """Remove the code of older versions under ``lib_dir``; keep this one and the previous one (the one the
    launcher ran before this run switched it, else the newest other: an up may still be importing it).
    The flat layout of the releases before versioned directories counts as one version (``lib_dir`` itself)."""
    found = {}
    for name in os.listdir(lib_dir) if os.path.isdir(lib_dir) else []:
        path = os.path.join(lib_dir, name)
        if name.startswith(vi.VERSION_PREFIX) and os.path.isdir(path) and path != code_dir:
            found[path] = [path]
    flat_root = os.path.join(lib_dir, vi.PACKAGE.split(".", maxsplit=1)[0])
    flat = [flat_root] if os.path.isdir(flat_root) else []
    if flat:
        found[lib_dir] = flat
    previous = running if running in found else max(found, key=lambda p: os.stat(found[p][0]).st_mtime_ns,
                                                    default=None)
    gone = sorted(path for version, paths in found.items() if version != previous for path in paths)
    if not module.check_mode:
        for path in gone:
            shutil.rmtree(path)
    return [path + "/ (removed: an older version)" for path in gone]


def run_vip_script() -> None:
    module = AnsibleModule(argument_spec=VIP_SCRIPT_SPEC, supports_check_mode=True)
    params = module.params
    config = _design(module, vc.load, params["config"], need_host_keys=True)
    code_dir = vi.version_dir(params["lib_dir"])
    running = vi.launcher_lib(read_text(params["path"]))   # what an up starting now imports: kept
    wanted = vi.files(code_dir, params["path"], params["python"], config.run_dir)
    wanted[params["config_path"]] = (config.render(), "0640")
    wanted[config.flush["known_hosts"]] = (config.known_hosts(), "0640")
    if params["state"] == "absent":
        remove_vip_script(module, params, config)
        return
    warnings = []
    _refuse_unsafe_parents(module, params)
    if not os.access(params["python"], os.X_OK):
        module.fail_json(msg="python: %s is not an executable interpreter on this host" % params["python"])
    if params["check_host"]:
        _design(module, vc.check_against_host, config, _nic_networks(module, config.interface), config.known_hosts())
        if config.flush["enabled"] and config.routers and not os.path.isfile(config.flush["key_file"]):
            message = "config.flush.key_file: %s does not exist (the flush key goes there first)" \
                % config.flush["key_file"]
            if not module.check_mode:
                module.fail_json(msg=message, field="flush.key_file")
            warnings.append(message)
    changed_files: t.List[str] = []
    diffs = []
    etc_dirs = sorted({os.path.dirname(params["config_path"]), os.path.dirname(config.flush["known_hosts"])})
    dirs = [params["lib_dir"]] + vi.package_dirs(code_dir) + etc_dirs
    for directory in dirs:
        if not os.path.isdir(directory):
            changed_files.append(directory + "/")
            if not module.check_mode:
                os.makedirs(directory, mode=0o750, exist_ok=True)
    # the new version's code first, complete and compiled; then the launcher, switched to it by one rename
    for path, (text, mode) in sorted(wanted.items(), key=lambda item: item[0] == params["path"]):
        if path == params["path"] and not module.check_mode and (
                read_text(path) != text or any(p.startswith(code_dir) for p in changed_files)):
            _compile(module, params["python"], code_dir)
        result = write_text(module, path, text, attributes=dict(ROOT_FILE, mode=mode))
        if result["changed"]:
            changed_files.append(path)
            if path in (params["config_path"], config.flush["known_hosts"]):
                diffs.append(result["diff"])
    changed_files += _prune_versions(module, params["lib_dir"], code_dir, running)
    program_changed = any(path.startswith(params["lib_dir"]) or path == params["path"] for path in changed_files)
    pins_changed = any(path in (params["config_path"], config.flush["known_hosts"]) for path in changed_files)
    closed: t.List[str] = []
    if not module.check_mode and (program_changed or pins_changed):
        # the program validates the new config and keeps the copy that the fast path of up reads
        module.run_command([params["path"], "--config", params["config_path"], "--quiet", "status"])
    if not module.check_mode and pins_changed and os.path.isdir(config.run_dir):
        # warm connections were opened under the old config or host keys: close them
        code, out, _err = module.run_command([params["path"], "--config", params["config_path"], "--quiet",
                                              "--json", "disconnect"])
        closed = module.from_json(out).get("closed", []) if code == 0 and out.strip() else []
    pinned = (params["config_path"], config.flush["known_hosts"])
    listing = "".join("changed: %s\n" % path for path in changed_files if path not in pinned)
    diffs.append({"before_header": "program files", "after_header": "program files", "before": "", "after": listing})
    for warning in warnings:      # exit_json(warnings=...) is deprecated (ansible-core 2.23 removes it)
        module.warn(warning)
    module.exit_json(changed=bool(changed_files), files_changed=changed_files, program=params["path"],
                     program_changed=program_changed, config=config.as_dict(), connections_closed=closed,
                     systemd=os.path.isdir("/run/systemd/system"), diff=diffs if module._diff else None)


def remove_vip_script(module: AnsibleModule, params: t.Dict[str, t.Any], config: vc.VipConfig) -> None:
    paths = [params["path"], vh.client_path(params["path"]), params["config_path"], config.flush["known_hosts"]]
    gone = [path for path in paths if os.path.lexists(path)]
    if os.path.isdir(params["lib_dir"]):
        gone.append(params["lib_dir"] + "/")
    if not module.check_mode:
        if os.path.exists(params["path"]) and os.path.isdir(config.run_dir):
            module.run_command([params["path"], "--config", params["config_path"], "--quiet", "disconnect"])
        for path in gone:
            if path.endswith("/"):
                shutil.rmtree(path)
            else:
                os.remove(path)
    module.exit_json(changed=bool(gone), files_changed=gone, program=params["path"], program_changed=bool(gone),
                     config=config.as_dict(),
                     connections_closed=[], diff={"before": "".join(p + "\n" for p in gone), "after": ""})


def run_vip() -> None:
    module = AnsibleModule(argument_spec=VIP_SPEC, supports_check_mode=True)
    params = module.params
    routers = [{"name": "target%d" % index, "address": address} for index, address in enumerate(params["arp_targets"])]
    config = _design(module, vc.load, {"vip": params["vip"], "interface": params["interface"],
                                       "prefix": params["prefix"], "label": params["label"], "routers": routers,
                                       "flush": {"enabled": False}})
    if params["state"] == "present":
        _design(module, vc.check_against_host, config, _nic_networks(module, config.interface), None)
    host = Host(config)
    try:
        before = os.path.isdir("/sys/class/net/%s" % config.interface) and host.held()
        want = params["state"] == "present"
        changed = before != want
        announced: t.List[str] = []
        if changed and not module.check_mode:
            if want:
                host.add()
            else:
                host.remove()
        announce = want and (params["announce"] == "always" or params["announce"] == "on_change" and changed)
        if announce and not module.check_mode:
            with arp.ArpLink(config.interface) as link:
                frames = arp.announcements(link.mac, config.vip, [r.arp_target for r in config.routers],
                                           garp=params["garp"])
                link.send(frames)
                announced = [name for name, _frame in frames]
    except (TakeoverError, OSError) as error:
        module.fail_json(msg=str(error))
    held = "%s on %s\n" % (config.cidr, config.interface)
    module.exit_json(changed=changed, held=want if not module.check_mode or not changed else before,
                     vip=config.cidr, interface=config.interface, announced=announced,
                     diff={"before": held if before else "", "after": held if want else "",
                           "before_header": "VIP", "after_header": "VIP"})
