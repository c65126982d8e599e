# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pure model of an application options file in INI form (no I/O).

The vendor's administration tool imports application options from a file of
``[section]`` headers and ``option=value`` lines.  ``update_options`` changes
only the named options of one section and keeps every other line, comment and
section as it was, so a file the user maintains by hand stays theirs.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

__all__ = ["check_name", "check_value", "read_options", "update_options"]

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_OPTION = re.compile(r"^\s*([^=\s;#][^=]*?)\s*=\s*(.*?)\s*$")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def check_name(value: t.Any, field: str) -> str:
    if not isinstance(value, str) or not _SAFE_NAME.match(value):
        raise DesignError(field, "must be letters, digits, '-', '_' or '.', starting with a letter or digit", value)
    return value


def check_value(value: t.Any, field: str) -> str:
    text = str(value)
    if "\n" in text or "\r" in text:
        raise DesignError(field, "must be a single line", value)
    return text


def read_options(text: str, section: str) -> t.Dict[str, str]:
    """Options of one section (last one wins on duplicates)."""
    current = None
    found: t.Dict[str, str] = {}
    for line in text.splitlines():
        header = _SECTION.match(line)
        if header:
            current = header.group(1).strip()
            continue
        option = _OPTION.match(line)
        if option and current == section:
            found[option.group(1)] = option.group(2)
    return found


def update_options(text: str, section: str, values: t.Mapping[str, t.Optional[str]]) -> str:
    """Set (value is a str) or remove (value is None) options in ``section``.

    Existing lines of an option are rewritten in place; new options go at the
    end of the section's last block; a missing section is appended.
    """
    check_name(section, "section")
    wanted = {}
    for key, value in values.items():
        check_name(key, "option name")
        wanted[key] = None if value is None else check_value(value, key)

    lines = text.splitlines()
    out: t.List[str] = []
    current = None
    done: t.Set[str] = set()
    last_section_end = None  # index in out after the last line of the target section
    for line in lines:
        header = _SECTION.match(line)
        if header:
            current = header.group(1).strip()
            out.append(line)
            if current == section:
                last_section_end = len(out)
            continue
        option = _OPTION.match(line)
        if current == section and option and option.group(1) in wanted:
            key = option.group(1)
            if wanted[key] is not None and key not in done:
                out.append("%s=%s" % (key, wanted[key]))
            done.add(key)
        else:
            out.append(line)
        if current == section and line.strip():
            last_section_end = len(out)

    missing = ["%s=%s" % (k, v) for k, v in wanted.items() if v is not None and k not in done]
    if missing:
        if last_section_end is None:
            if out and out[-1].strip():
                out.append("")
            out.append("[%s]" % section)
            out.extend(missing)
        else:
            out[last_section_end:last_section_end] = missing
    return "\n".join(out) + "\n" if out else ""
