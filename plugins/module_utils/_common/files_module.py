# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Body of the host_files module: a role's directories, files and systemd services in one call.

Each file is written as ``textfile.write_text`` writes (check mode, diff, a validator on the new file before it
replaces the old one, atomic and durable, inside an active apply guard); then the services: ``daemon-reload``
when a unit file changed, enabled or disabled, started, stopped, or restarted when a file it depends on changed.
One call instead of one task per file: each task costs a round trip to the host.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import os
import shlex
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.sipha.network.plugins.module_utils._common.textfile import remove_file, write_text

__all__ = ["FILES_SPEC", "run_host_files", "validate_argv"]

_OWNERSHIP = {
    "mode": {"type": "raw"},
    "owner": {"type": "str", "default": "root"},
    "group": {"type": "str", "default": "root"},
}
_FILE = dict(_OWNERSHIP, **{
    "path": {"type": "path", "required": True},
    "content": {"type": "str"},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "validate": {"type": "str"},
})
_SERVICE = {
    "name": {"type": "str", "required": True},
    "enabled": {"type": "bool"},
    "state": {"type": "str", "choices": ["started", "restarted", "stopped"]},
    "restart_on": {"type": "list", "elements": "path", "default": []},
}
FILES_SPEC: t.Dict[str, t.Any] = {
    "directories": {"type": "list", "elements": "dict", "default": [], "options": dict(_OWNERSHIP, **{
        "path": {"type": "path", "required": True}})},
    "files": {"type": "list", "elements": "dict", "default": [], "options": _FILE},
    # the same, with the content kept out of logs and diffs (a private key)
    "private_files": {"type": "list", "elements": "dict", "default": [],
                      "options": dict(_FILE, content={"type": "str", "no_log": True})},
    "services": {"type": "list", "elements": "dict", "default": [], "options": _SERVICE},
    "daemon_reload": {"type": "bool", "default": False},
}
_SYSTEMD_RUNNING = "/run/systemd/system"
_UNIT_DIRS = ("/etc/systemd/system/", "/lib/systemd/system/", "/usr/lib/systemd/system/")


def validate_argv(command: str, path: str) -> t.List[str]:
    """The validator's argument list with the new file's path for ``%s`` (split like a shell, never run by one)."""
    argv = shlex.split(command)
    if "%s" not in argv:
        raise ValueError("must hold %%s as an argument of its own, for the new file's path (got %r)" % command)
    return [path if arg == "%s" else arg for arg in argv]


def _attributes(spec: t.Mapping[str, t.Any], default_mode: str) -> t.Dict[str, t.Any]:
    return {"owner": spec["owner"], "group": spec["group"], "mode": spec["mode"] or default_mode}


def _directory(module: AnsibleModule, spec: t.Mapping[str, t.Any]) -> bool:
    path = spec["path"]
    changed = not os.path.isdir(path)
    if changed and not module.check_mode:
        os.makedirs(path, mode=0o750)
    if os.path.isdir(path):
        args = module.load_file_common_arguments(_attributes(spec, "0750"), path=path)
        changed = module.set_fs_attributes_if_different(args, changed)
    return changed


def _file(module: AnsibleModule, spec: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    path = spec["path"]
    if spec["state"] == "absent":
        gone = os.path.lexists(path)
        if gone:
            remove_file(module, path)
        diff = {"before_header": path, "after_header": "%s (absent)" % path,
                "before": "(present)\n" if gone else "", "after": ""}
        return {"changed": gone, "diff": diff}
    if spec["content"] is None:
        module.fail_json(msg="files: %s: content is required with state present" % path, path=path)
    validate = None
    if spec["validate"]:
        try:
            validate_argv(spec["validate"], path)
        except ValueError as err:
            module.fail_json(msg="files: %s: validate %s" % (path, err), path=path)

        def validate(new_path: str) -> None:
            code, out, err = module.run_command(validate_argv(spec["validate"], new_path))
            if code != 0:
                module.fail_json(msg="files: %s: refused by %s, not written: %s" % (
                    path, spec["validate"], (err or out).strip()), path=path)
    return write_text(module, path, spec["content"], validate=validate, attributes=_attributes(spec, "0640"))


def _services(module: AnsibleModule, services: t.Sequence[t.Mapping[str, t.Any]], changed_files: t.Sequence[str],
              units_changed: bool) -> t.List[str]:
    if not services:
        return []
    if not os.path.isdir(_SYSTEMD_RUNNING):
        module.warn("systemd is not running: %s not enabled or started" % ", ".join(s["name"] for s in services))
        return []
    systemctl = module.get_bin_path("systemctl", required=True)

    def run(*argv: str) -> None:
        if not module.check_mode:
            code, out, err = module.run_command([systemctl] + list(argv))
            if code != 0:
                module.fail_json(msg="systemctl %s failed: %s" % (" ".join(argv), (err or out).strip()))

    done: t.List[str] = []
    if units_changed:
        run("daemon-reload")
    for service in services:
        name = service["name"]
        enabled = module.run_command([systemctl, "is-enabled", "--quiet", name])[0] == 0
        active = module.run_command([systemctl, "is-active", "--quiet", name])[0] == 0
        if service["enabled"] is not None and service["enabled"] != enabled:
            run("enable" if service["enabled"] else "disable", name)
            done.append("%s %s" % (name, "enabled" if service["enabled"] else "disabled"))
        restart = active and (service["state"] == "restarted"
                              or any(path in changed_files for path in service["restart_on"]))
        if service["state"] in ("started", "restarted") and (not active or restart):
            run("restart", name)
            done.append("%s %s" % (name, "restarted" if active else "started"))
        elif service["state"] == "stopped" and active:
            run("stop", name)
            done.append("%s stopped" % name)
    return done


def run_host_files() -> None:
    module = AnsibleModule(argument_spec=FILES_SPEC, supports_check_mode=True)
    params = module.params
    changed: t.List[str] = []
    diffs: t.List[t.Dict[str, t.Any]] = []
    systemd = os.path.isdir(_SYSTEMD_RUNNING)
    skipped = [spec["path"] for spec in params["files"] + params["private_files"]
               if spec["path"].startswith(_UNIT_DIRS) and not systemd]
    if skipped:
        module.warn("systemd is not running: unit file(s) %s not written" % ", ".join(skipped))
    for spec in params["directories"]:
        if _directory(module, spec):
            changed.append(spec["path"] + "/")
    for secret, specs in ((False, params["files"]), (True, params["private_files"])):
        for spec in specs:
            if spec["path"] in skipped:
                continue
            result = _file(module, spec)
            if result["changed"]:
                changed.append(spec["path"])
                # a private file's change is listed, its text never shown
                diffs.append(result["diff"] if not secret else {
                    "before_header": spec["path"], "after_header": spec["path"],
                    "before": "", "after": "(private content changed)\n"})
    units_changed = params["daemon_reload"] or any(path.startswith(_UNIT_DIRS) for path in changed)
    services = _services(module, params["services"], changed, units_changed)
    module.exit_json(changed=bool(changed or services), files_changed=changed, services_changed=services,
                     systemd=systemd, skipped=skipped, diff=diffs if module._diff else None)
