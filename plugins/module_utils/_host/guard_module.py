# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Body of the apply_guard module: arm one guard around a whole change of a host (``_common.guard``).

Arming installs the restorer (``_common.guard``'s own text, run with
``python3 -I``) and a boot unit that runs it before the network starts,
records the kernel state and the network tool's own files, marks the guard
active and starts the restorer detached from the SSH session (a transient
systemd unit when systemd runs, else a new session).

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import typing as t
import uuid

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.sipha.network.plugins.module_utils._common import guard as _guard
from ansible_collections.sipha.network.plugins.module_utils._common.source import source
from ansible_collections.sipha.network.plugins.module_utils._common.textfile import write_text
from ansible_collections.sipha.network.plugins.module_utils._host import heal as _heal
from ansible_collections.sipha.network.plugins.module_utils._host.backends import registry as backends
from ansible_collections.sipha.network.plugins.module_utils._host.runtime import Kernel

__all__ = ["GUARD_SPEC", "RESTORER", "UNIT", "install_restorer", "run_apply_guard", "unit_text"]

RESTORER = "/usr/local/libexec/sipha/guard-restore"
UNIT = "/etc/systemd/system/sipha-guard-restore.service"
_WANTS = "/etc/systemd/system/sysinit.target.wants/sipha-guard-restore.service"

GUARD_SPEC: t.Dict[str, t.Any] = {
    "interfaces": {"type": "list", "elements": "str", "default": []},
    "timeout": {"type": "int", "required": True},
    "keep": {"type": "list", "elements": "str", "default": []},
    "nft_tables": {"type": "list", "elements": "str", "default": []},
    "backend": {"type": "str", "choices": backends.choices(), "default": backends.AUTO},
    "what": {"type": "str", "default": "a network change"},
}


def unit_text(python: str) -> str:
    return "\n".join([
        "# Managed by sipha.network (apply_guard): a change that was never confirmed is undone at boot.",
        "[Unit]",
        "Description=sipha.network: undo an unconfirmed network change before the network starts",
        "DefaultDependencies=no",
        "After=local-fs.target",
        "Before=network-pre.target systemd-networkd.service NetworkManager.service networking.service",
        "Wants=network-pre.target",
        "ConditionPathExists=%s" % _guard.ACTIVE,
        "",
        "[Service]",
        "Type=oneshot",
        "ExecStart=%s -I %s --boot" % (python, RESTORER),
        "",
        "[Install]",
        "WantedBy=sysinit.target",
        "",
    ])


def install_restorer(module: t.Any, python: str) -> bool:
    """The restorer and its boot unit, root only; True when something changed."""
    os.makedirs(os.path.dirname(RESTORER), mode=0o750, exist_ok=True)
    text = "#!%s -I\n%s" % (python, source("_common.guard"))
    changed = write_text(module, RESTORER, text, attributes={"owner": "root", "group": "root", "mode": "0750"})
    if not os.path.isdir(os.path.dirname(UNIT)):
        # no systemd: nothing undoes a change at boot (the module's result says so)
        return bool(changed["changed"])
    changed_unit = write_text(module, UNIT, unit_text(python),
                              attributes={"owner": "root", "group": "root", "mode": "0644"})
    if not os.path.islink(_WANTS):
        os.makedirs(os.path.dirname(_WANTS), exist_ok=True)
        os.symlink(UNIT, _WANTS)
    return bool(changed["changed"] or changed_unit["changed"])


def _start_restorer(module: t.Any, python: str, token: str) -> str:
    run = module.get_bin_path("systemd-run")
    argv = [python, "-I", RESTORER, "--wait", token]
    if run and os.path.isdir("/run/systemd/system"):
        module.run_command([run, "--quiet", "--collect", "--unit", "sipha-guard-%s" % token[:12],
                            "--property", "Type=exec"] + argv, check_rc=True)
        return "systemd"
    subprocess.Popen(argv, start_new_session=True, close_fds=True, stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return "session"


def _interface_names(module: t.Any, wanted: t.Sequence[str]) -> t.List[str]:
    """Names for NICs given by name or MAC (as the host modules accept them), from the kernel's links."""
    links = Kernel(module).links()
    by_mac = {str(info["mac"]).lower(): name for name, info in links.items()}
    names = []
    for nic in wanted:
        name = by_mac.get(nic.lower(), nic)
        if name not in links:
            module.fail_json(msg="interfaces: no NIC %s on this host; nothing was armed" % nic)
        names.append(name)
    return names


def _prune(keep: int) -> None:
    """Guards that ended (confirmed or rolled back): the newest ``keep`` stay on disk for the record."""
    if not os.path.isdir(_guard.GUARD_DIR):
        return
    ended = []
    for token in os.listdir(_guard.GUARD_DIR):
        if _guard.valid_token(token) and _guard.state(token)["state"] in ("confirmed", "rolled_back"):
            ended.append((os.path.getmtime(_guard.guard_dir(token)), token))
    for dummy, token in sorted(ended)[:-keep]:
        shutil.rmtree(_guard.guard_dir(token), ignore_errors=True)


def run_apply_guard() -> None:
    module = AnsibleModule(argument_spec=GUARD_SPEC, supports_check_mode=True)
    params = module.params
    if params["timeout"] < 5:
        module.fail_json(msg="timeout: must be at least 5 seconds (got %d)" % params["timeout"])
    tables = []
    for table in params["nft_tables"]:
        parts = table.split()
        if len(parts) != 2 or not all(p.replace("_", "").isalnum() for p in parts):
            module.fail_json(msg="nft_tables: each must be 'FAMILY NAME' (got %r)" % table)
        tables.append(parts)
    nics = _interface_names(module, params["interfaces"])
    if module.check_mode:
        module.exit_json(changed=False, armed=False, interfaces=nics)
    previous = _guard.active_token()
    if previous and _guard.state(previous)["state"] == "armed":
        job = _guard.manifest(previous)
        if job["deadline"] > time.time():
            module.fail_json(msg="another guarded change (%s, token %s) is still armed until %.0f; nothing was armed"
                                 % (job["what"], previous, job["deadline"]), token=previous)
        # past its deadline and never undone (its restorer did not run): undo it now, as it would have
        _guard.restore(previous, by="request")
    if previous:
        os.remove(_guard.ACTIVE)
    _prune(keep=5)
    backend = backends.get(params["backend"]) if params["backend"] != backends.AUTO else backends.detect(module)
    backend = backend or backends.get("none")
    python = sys.executable
    installed = install_restorer(module, python)
    token = uuid.uuid4().hex
    os.makedirs(_guard.GUARD_DIR, mode=0o700, exist_ok=True)
    reload_argv = backend.reload_argv(module, nics)
    systemctl = module.get_bin_path("systemctl")
    if systemctl and os.path.isdir("/run/systemd/system"):
        # the NIC-flap watcher replays what its restored files say only once restarted (if it runs)
        reload_argv.append([systemctl, "--no-block", "try-restart", _heal.UNIT_NAME])
    job = _guard.record_arm(token, params["timeout"], nics, params["keep"], module.get_bin_path("ip", required=True),
                            module.get_bin_path("nft"), tables, reload_argv, params["what"])
    for path in backend.guard_files(nics):
        _guard.backup_original(path)
    detached = _start_restorer(module, python, token)
    # arming changes no network state: not "changed" (the restorer and its unit are installed once)
    module.exit_json(changed=installed, armed=True, token=token, deadline=job["deadline"],
                     timeout=params["timeout"], interfaces=nics, backend=backend.name, restorer=detached,
                     at_boot=os.path.islink(_WANTS))
