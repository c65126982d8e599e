# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a text file from a module: check mode, diff, backup, atomic and durable replace (fsync).

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import os
import tempfile
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._common import guard as _guard

__all__ = ["guard_open", "guarded", "read_text", "remove_file", "write_text"]


def read_text(path: str) -> t.Optional[str]:
    """File contents, or None when the file does not exist."""
    try:
        with open(path, "r", encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def guard_open(module: t.Any) -> None:
    """Before a module changes the kernel: an apply guard that rolled back or expired fails it, unchanged."""
    try:
        _guard.check_open()
    except _guard.GuardClosed as err:
        module.fail_json(msg="nothing was changed: %s" % err)


def guarded(module: t.Any, path: str) -> None:
    """Before ``path`` changes: its original goes into the active apply guard (``_common.guard``); a guard
    that rolled back or expired fails the module, which then changes nothing."""
    try:
        _guard.backup_original(path)
    except _guard.GuardClosed as err:
        module.fail_json(msg="%s: not written: %s" % (path, err))


def remove_file(module: t.Any, path: str) -> None:
    """Remove ``path`` (not in check mode), its original kept in the active apply guard."""
    if not module.check_mode:
        guarded(module, path)
        os.remove(path)


def write_text(module: t.Any, path: str, new_text: str, backup: bool = False,
               validate: t.Optional[t.Callable[[str], None]] = None,
               attributes: t.Optional[t.Mapping[str, t.Any]] = None) -> t.Dict[str, t.Any]:
    """Make ``path`` hold ``new_text``; honours check mode, file attributes and the apply guard.

    ``validate`` is called with the path of the new file before it replaces
    the old one (it should fail the module when the file is bad).
    Returns ``changed``, ``diff`` (before/after) and ``backup_file`` when one
    was made.  Ownership and mode come from ``attributes`` (owner, group,
    mode) when given, else from the module's common file arguments.
    """
    old_text = read_text(path)
    result: t.Dict[str, t.Any] = {
        "changed": old_text != new_text,
        "diff": {
            "before": old_text or "",
            "after": new_text,
            "before_header": path if old_text is not None else "%s (absent)" % path,
            "after_header": path,
        },
    }
    if result["changed"] and not module.check_mode:
        directory = os.path.dirname(path) or "."
        if not os.path.isdir(directory):
            module.fail_json(msg="dest: directory %s does not exist" % directory)
        guarded(module, path)
        if backup and old_text is not None:
            result["backup_file"] = module.backup_local(path)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".sipha-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new_text)
            handle.flush()
            os.fsync(handle.fileno())    # durable before the rename makes it the file
        if validate is not None:
            try:
                validate(tmp)
            except BaseException:
                os.remove(tmp)
                raise
        module.atomic_move(tmp, path)
        _guard.fsync_dir(directory)   # the rename itself durable
    source = module.params if attributes is None else dict(attributes)
    file_args = module.load_file_common_arguments(source, path=path)
    if os.path.exists(path):
        result["changed"] = module.set_fs_attributes_if_different(file_args, result["changed"])
    return result
