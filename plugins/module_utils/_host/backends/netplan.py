# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The netplan backend: one file of ours, rendered by ``netplan generate`` and loaded by systemd-networkd.

The host modules put the design in the kernel themselves; this backend writes
``/etc/netplan/60-sipha.yaml`` (``netplan_render``), checks it with
``netplan generate`` (a file netplan refuses is put back as it was, and the
module fails), and has systemd-networkd load it with ``networkctl reload``,
which reconfigures the NICs the file names. ``netplan apply`` is not used: it
also re-plugs devices and restarts other renderers, which a live SIP host
does not need. Safe apply's restorer puts the previous file back and
reloads, besides undoing the kernel change. The ``routes`` part also installs
the NIC-flap watcher (``heal``): measured, systemd-networkd alone can end an
admin down/up of the SIP NIC with the link ``failed`` and a route missing.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import glob
import os
import typing as t
import uuid

from ansible_collections.sipha.network.plugins.module_utils._common.textfile import read_text
from ansible_collections.sipha.network.plugins.module_utils._host import heal
from ansible_collections.sipha.network.plugins.module_utils._host import rollback as _rollback
from ansible_collections.sipha.network.plugins.module_utils._host.backends import netplan_render as render
from ansible_collections.sipha.network.plugins.module_utils._host.backends.base import (
    ROUTES, Backend, HostModuleLike)

__all__ = ["Netplan"]


class Netplan(Backend):
    name = "netplan"
    title = "netplan (systemd-networkd)"
    # systemd-networkd adds its routes without NLM_F_REPLACE: a route of ours that differs only in protocol
    # (boot) would stay beside its own (measured: two default routes); with its protocol it finds ours (EEXIST)
    route_protocol = "static"

    def detect(self, module: t.Any) -> bool:
        return bool(module.get_bin_path("netplan")) and os.path.isdir(os.path.dirname(render.PATH))

    def reload_argv(self, module: t.Any, nics: t.Sequence[str] = ()) -> t.List[t.List[str]]:
        return [[module.get_bin_path("netplan", required=True), "generate"],
                [module.get_bin_path("networkctl", required=True), "reload"]]

    def warn_about_others(self, host: HostModuleLike) -> None:
        """Another netplan file that configures our NICs is merged with ours by netplan: say so."""
        others = {}
        for path in glob.glob(os.path.join(os.path.dirname(render.PATH), "*.yaml")):
            if path != render.PATH:
                others[path] = read_text(path) or ""
        for found in render.others_configuring(others, [host.sip, host.data]):
            host.module.warn("netplan: %s also configures this NIC; netplan merges it with %s (its addresses, "
                             "DHCP or routes too): remove that part of it" % (found, render.PATH))

    def persist(self, host: HostModuleLike) -> t.List[str]:
        self.warn_about_others(host)
        before = read_text(render.PATH)
        lines = host.write_file(render.PATH, render.render(host.design, host.sip, host.data), mode="0600")
        if lines and not host.module.check_mode:
            generate, reload = self.reload_argv(host.module)
            rc, out, err = host.module.run_command(generate)
            if rc != 0:
                if before is None:
                    os.remove(render.PATH)
                else:
                    host.write_file(render.PATH, before, mode="0600")
                host.module.fail_json(msg="netplan generate refused %s (put back as it was): %s" % (
                    render.PATH, (err or out).strip()))
            host.run_tool(reload, "loading the netplan configuration into systemd-networkd")
        if host.part == ROUTES:
            # systemd-networkd can end an admin down/up with the link failed and a route missing (heal)
            lines += heal.install(host, self.route_protocol)
        return lines

    def arm_rollback(self, host: HostModuleLike, undo: t.List[t.List[str]], timeout: int,
                     lines: t.Sequence[str]) -> t.Dict[str, t.Any]:
        """Undo the kernel change, then put the netplan file back as it is now and reload it."""
        before = read_text(render.PATH)
        if before is None:
            restore = [["rm", "-f", render.PATH]]
        else:
            os.makedirs(_rollback.JOB_DIR, mode=0o750, exist_ok=True)
            saved = os.path.join(_rollback.JOB_DIR, "netplan-%s.yaml" % uuid.uuid4().hex)
            with open(os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
                handle.write(before)
                handle.flush()
                os.fsync(handle.fileno())
            # a copy beside the file, then a rename: the file is never half written
            staged = render.PATH + ".sipha-restore"
            restore = [["cp", "--preserve=mode", saved, staged], ["mv", "-f", staged, render.PATH]]
        return _rollback.arm(list(undo) + restore + self.reload_argv(host.module), timeout, lines)
