# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The interface every host network backend implements: how a distribution's own tool keeps the design.

The host modules (``_host/modules.py``) plan and apply the kernel state
themselves; a backend adds what is particular to the tool that keeps that
state across a reboot and a NIC flap:

* ``detect``: whether this host runs the tool (for ``backend: auto``);
* ``pending``: what the tool's configuration would change, before anything is
  touched (NetworkManager's profiles: the tool applies them itself);
* ``apply``: make the tool apply its configuration (True when it did, so the
  module reads the kernel again and fixes what the tool left);
* ``persist``: write the tool's files after the kernel holds the design;
* ``arm_rollback``: a self-reverting apply that also restores the tool's state;
* ``guard_files`` and ``reload_argv``: for the apply guard (``_common.guard``), the files the tool writes
  itself (a module's own files are backed up as they are written) and the commands that make it read
  restored files again.

Each host module owns one ``part`` of the design: ``NICS`` (dual_nic:
addresses, MTU, the single default route) or ``ROUTES`` (sip_routes: device
routes, the policy table, its rules). Backends never see backend names; the
modules never compare them: they look the backend up in ``registry``.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import abc
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._host import rollback as _rollback

__all__ = ["Backend", "HostModuleLike", "NICS", "ROUTES"]

NICS = "nics"
ROUTES = "routes"


class HostModuleLike(t.Protocol):
    """What a backend uses of the host module (``_host.modules.HostModule``)."""

    module: t.Any
    design: t.Any
    sip: str
    data: str
    part: str
    params: t.Dict[str, t.Any]

    def write_file(self, path: str, text: str, mode: str = "0640") -> t.List[str]: ...

    def remove_files(self, paths: t.Iterable[str]) -> t.List[str]: ...

    def run_tool(self, argv: t.Sequence[str], what: str) -> str: ...


class Backend(abc.ABC):
    """A host's persistent network configuration tool."""

    #: the modules' ``backend`` option value
    name: t.ClassVar[str]
    #: what the docs and messages call it
    title: t.ClassVar[str]
    #: whether ``backend: auto`` may pick it
    auto: t.ClassVar[bool] = True
    #: the routing protocol the module's own routes and rules carry (None: ``ip``'s default, boot); a tool whose
    #: daemon adds the same routes without replacing ours needs its own, or the kernel ends up with two of each
    route_protocol: t.ClassVar[t.Optional[str]] = None

    @abc.abstractmethod
    def detect(self, module: t.Any) -> bool:
        """Whether the host uses this tool (``module`` is the AnsibleModule; run nothing that changes state)."""

    def pending(self, host: HostModuleLike) -> t.List[str]:
        """Diff lines of what the tool's own configuration would change (tools that apply it themselves)."""
        return []

    def apply(self, host: HostModuleLike) -> bool:
        """Make the tool apply its configuration; True when it did (the module then reads the kernel again)."""
        return False

    @abc.abstractmethod
    def persist(self, host: HostModuleLike) -> t.List[str]:
        """Write what keeps ``host.part`` across a reboot and a NIC flap; diff lines of what changed."""

    def guard_files(self, nics: t.Sequence[str]) -> t.List[str]:
        """Files the tool itself writes for these NICs (the apply guard backs them up when armed)."""
        return []

    def reload_argv(self, module: t.Any, nics: t.Sequence[str]) -> t.List[t.List[str]]:
        """Commands that make the tool read its restored files again (run by the apply guard's restorer)."""
        return []

    def arm_rollback(self, host: HostModuleLike, undo: t.List[t.List[str]], timeout: int,
                     lines: t.Sequence[str]) -> t.Dict[str, t.Any]:
        """Arm a self-reverting apply: by default the detached restorer runs ``undo`` at the deadline."""
        return _rollback.arm(undo, timeout, lines)
