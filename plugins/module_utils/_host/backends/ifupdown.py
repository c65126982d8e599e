# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ifupdown backend (Debian): an ``iface`` stanza per NIC, and an if-up.d hook for the SIP NIC's routes.

What the files hold and why is in ``ifupdown_render``; the watcher that
replays the same routes and rules after a NIC flap is ``heal``.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import glob
import os
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._host import heal
from ansible_collections.sipha.network.plugins.module_utils._host.backends import ifupdown_render as render
from ansible_collections.sipha.network.plugins.module_utils._host.backends.base import (
    NICS, Backend, HostModuleLike)

__all__ = ["Ifupdown"]


class Ifupdown(Backend):
    name = "ifupdown"
    title = "ifupdown"

    def detect(self, module: t.Any) -> bool:
        return os.path.isdir(render.INTERFACES_DIR) and bool(module.get_bin_path("ifup"))

    def persist(self, host: HostModuleLike) -> t.List[str]:
        design = host.design
        if host.part != NICS:
            # ifup runs the hook; after a plain admin down/up (no ifup: ifupdown has no daemon) the watcher does
            return (host.write_file(render.HOOK_PATH, render.render_hook(design, host.sip), mode="0750")
                    + heal.install(host, self.route_protocol))
        wanted = {
            render.stanza_path(host.sip): render.render_stanza(design.sip_nic, host.sip),
            render.stanza_path(host.data): render.render_stanza(design.data_nic, host.data, design.data_gateway,
                                                                design.route_metric),
        }
        lines: t.List[str] = []
        for path, text in sorted(wanted.items()):
            lines += host.write_file(path, text)
        stale = set(glob.glob(render.stanza_path("*"))) - set(wanted)
        return lines + host.remove_files(stale)
