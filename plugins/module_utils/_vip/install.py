# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the vip_script module installs: the takeover program is this collection's own code.

The program's logic lives in module_utils (``_vip_takeover`` and what it
imports), so the ``vip`` module, the unit tests and the program run the same
code. On a SIP host those files are copied byte for byte under
``lib_dir/v-<digest>`` (``version_dir``: one directory per version, never
rewritten, so an upgrade is the one rename of the launcher that switches to
a complete new version) in their package layout, and ``sipha-vip`` is a
short launcher that runs them with ``python3 -I -S``: isolated from the environment and from
site-packages, so nothing outside the standard library can be imported, and
no PYTHONPATH of the agent's account can inject code into a root program.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._common.source import PACKAGE, source

#: The module_utils modules the program is made of, relative to PACKAGE (its whole import closure; a unit test
#: holds this).
SHIPPED = ("_model.vip_defaults", "_model.errors", "_model.checks", "_model.router", "_model.monitor", "_model.vip",
           "_model.kernel", "_model.plan", "_model.drift", "_model.expect", "_model.health", "_model.metrics",
           "_router.vendors.base", "_router.vendors.linux", "_router.vendors.ios", "_router.vendors.junos",
           "_router.vendors.platforms", "_router.vendors.registry",
           "_router.vendors.target", "_vip.arp", "_vip.netlink", "_vip.cli", "_vip.spawn", "_vip.lock", "_vip.fast",
           "_vip.durable", "_vip.flush", "_vip.monitor", "_vip.program", "_vip.helper", "_vip.launcher")
HEADER = "# Managed by sipha.network (vip_script): part of the sipha-vip takeover program. Do not edit.\n"
#: each version of the code has its own directory under lib_dir, named by a digest of its files
VERSION_PREFIX = "v-"

# Make the import closure explicit so that the module's payload carries every shipped file.
from ansible_collections.sipha.network.plugins.module_utils._vip import helper, launcher, program  # noqa: E402,F401 pylint: disable=wrong-import-position,unused-import
from ansible_collections.sipha.network.plugins.module_utils._vip.fast import RUN_DIR  # noqa: E402 pylint: disable=wrong-import-position

__all__ = ["HEADER", "PACKAGE", "SHIPPED", "VERSION_PREFIX", "files", "launcher", "launcher_lib", "module_path",
           "package_dirs", "packages", "source", "unsafe_parent", "version_dir"]


def launcher(lib_dir: str, python: str, run_dir: str = RUN_DIR) -> str:
    """The program file: time zero, then ``_vip.launcher.main`` (the fast path of ``up``, then the rest)."""
    return "\n".join([
        "#!%s -IS" % python,
        "# Managed by sipha.network (vip_script): the VIP takeover program. Do not edit.",
        "# The code is under %s; 'sipha-vip --help' lists the commands." % lib_dir,
        "import time",
        "T0 = time.monotonic()",
        "import sys  # noqa: E402",
        "sys.path.insert(0, %r)" % lib_dir,
        "from %s._vip.launcher import main  # noqa: E402" % PACKAGE,
        "sys.exit(main(t0=T0, run_dir=%r))" % run_dir,
        "",
    ])


def version_dir(lib_dir: str) -> str:
    """Where this collection's version of the code goes: ``lib_dir/v-<digest of the shipped files>``.

    A version's directory is complete before the launcher is switched to it (one rename) and never rewritten
    after: an ``up`` that started from the old launcher imports the old version only, whatever is installed."""
    digest = hashlib.sha256(HEADER.encode("utf-8"))
    for name in SHIPPED:
        digest.update(b"\0%s\0%s" % (name.encode("utf-8"), source(name).encode("utf-8")))
    return "%s/%s%s" % (lib_dir.rstrip("/"), VERSION_PREFIX, digest.hexdigest()[:16])


def launcher_lib(text: t.Optional[str]) -> t.Optional[str]:
    """The code directory an installed launcher runs (its ``sys.path.insert`` line); None if not one of ours."""
    for line in (text or "").splitlines():
        if line.startswith("sys.path.insert(0, ") and line.endswith(")"):
            value = line[len("sys.path.insert(0, "):-1]
            if len(value) > 2 and value[0] == value[-1] and value[0] in "'\"":
                return value[1:-1]
    return None


def packages() -> t.List[str]:
    """Every package the shipped modules sit in, outermost first (each needs its ``__init__.py``)."""
    found: t.List[str] = []
    for name in (PACKAGE + "." + mod for mod in SHIPPED):
        parts = name.split(".")[:-1]
        for depth in range(1, len(parts) + 1):
            package = ".".join(parts[:depth])
            if package not in found:
                found.append(package)
    return found


def module_path(lib_dir: str, name: str) -> str:
    """Where a dotted module (or a package, with ``/__init__``) goes under ``lib_dir``."""
    return "%s/%s.py" % (lib_dir, name.replace(".", "/"))


def files(lib_dir: str, program: str, python: str, run_dir: str = RUN_DIR) -> t.Dict[str, t.Tuple[str, str]]:
    """Every file of the program: path -> (text, mode); ``run_dir`` is the config's (the validated copy's).

    Beside the program: the agent's client of the standby helper (``_vip.helper``), 0755: the agent's
    account runs it (it holds no secret, and asks for nothing the sudo rule does not allow)."""
    result: t.Dict[str, t.Tuple[str, str]] = {program: (launcher(lib_dir, python, run_dir), "0750"),
                                              helper.client_path(program): (helper.client_script(program, helper.agent_dir(run_dir)),
                                                                            "0755")}
    for package in packages():
        result[module_path(lib_dir, package + ".__init__")] = (HEADER, "0640")
    for name in SHIPPED:
        result[module_path(lib_dir, PACKAGE + "." + name)] = (source(name), "0640")
    return result


def package_dirs(lib_dir: str) -> t.List[str]:
    """``lib_dir`` and every package directory below it, outermost first."""
    return [lib_dir] + [lib_dir + "/" + package.replace(".", "/") for package in packages()]


def _owner(st: os.stat_result) -> str:
    try:
        user = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        user = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return "%s:%s %04o" % (user, group, stat.S_IMODE(st.st_mode))


def _unsafe_dir(path: str, st: os.stat_result, child_exists: bool) -> t.Optional[str]:
    """Why directory ``path`` lets someone other than root replace what is below it; None if it does not."""
    if st.st_uid != 0:
        return "%s is %s: not owned by root" % (path, _owner(st))
    if st.st_mode & 0o022 and not (st.st_mode & stat.S_ISVTX and child_exists):
        who = "everyone" if st.st_mode & 0o002 else "its group"
        return "%s is %s: writable by %s" % (path, _owner(st), who)
    return None


def _walk(path: str, lstat: t.Callable[[str], os.stat_result]) -> t.Optional[str]:
    parts = [part for part in path.split("/") if part]
    current = "/"
    for index in range(len(parts) + 1):
        try:
            st = lstat(current)
        except FileNotFoundError:
            return None   # created by the installer, root-owned, from here down
        if stat.S_ISLNK(st.st_mode):
            problem = _walk(os.path.realpath(current), lstat)   # where it points must be root-only too
        elif stat.S_ISDIR(st.st_mode):
            child = os.path.join(current, parts[index]) if index < len(parts) else None
            problem = _unsafe_dir(current, st, child is not None and os.path.lexists(child))
        else:
            problem = None
        if problem:
            return problem
        if index < len(parts):
            current = os.path.join(current, parts[index])
    return None


def unsafe_parent(path: str, lstat: t.Callable[[str], os.stat_result] = os.lstat) -> t.Optional[str]:
    """Why someone other than root could replace ``path`` (the program sudo runs as root, or its lib dir),
    or None: every existing directory from / down to it must be root-owned and writable by root only (a
    sticky one, as /tmp, only above an entry that exists); symlinks are followed and checked the same way."""
    return _walk(os.path.abspath(path), lstat)
