# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Junos: the VIP's ARP-flush procedure as an op script, and a login class that may only run it (no I/O).

The op script ``sipha-arp-flush.slax`` takes ``vip <address>`` and runs
``clear arp hostname <VIP> [vpn <instance>]`` for a configured VIP only. The
script file is pinned by its SHA-256 and allowed exactly those clear commands
(``system scripts op file ... allow-commands``, Junos 14.2+), so the flush
user's class needs no permission flag at all: its ``allow-commands`` admits
``op sipha-arp-flush vip <VIP>`` and ``show arp no-resolve ... hostname <VIP>``
and nothing else.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import hashlib
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import SHELL, Dialect, Target, Vendor

__all__ = ["Junos", "SCRIPT", "SCRIPT_DIR", "SCRIPT_FILE", "op_script", "script_sha256", "set_commands"]

SCRIPT = "sipha-arp-flush"
SCRIPT_FILE = SCRIPT + ".slax"
SCRIPT_DIR = "/var/db/scripts/op"
_AUTH = {"ssh-rsa": "ssh-rsa", "ssh-ed25519": "ssh-ed25519"}
_ERRORS = re.compile(r"^\s*(error:.*|unknown command\..*|syntax error.*)$", re.M)
# user@host> (operational) or user@host# (configuration)
_PROMPT = re.compile(r"(?:^|[\r\n])[\w.\-]+@[\w.\-]+[>#] ?$")


def _regex(text: str) -> str:
    """A literal command as a Junos (POSIX extended) regular expression; validated values only."""
    return text.replace(".", "\\.")


def op_script(targets: t.Sequence[Target]) -> str:
    """The SLAX op script: one branch per configured VIP, anything else refused."""
    lines = [
        "version 1.1;",
        'ns junos = "http://xml.juniper.net/junos/*/junos";',
        'ns xnm = "http://xml.juniper.net/xnm/1.1/xnm";',
        'ns jcs = "http://xml.juniper.net/junos/commit-scripts/1.0";',
        'import "../import/junos.xsl";',
        "/* Managed by sipha.network (router_arp_flush). Clears the ARP entry of one configured VIP, nothing else. */",
        "var $arguments = {",
        '    <argument> { <name> "vip"; <description> "A configured VIP whose ARP entry is cleared"; }',
        "}",
        "param $vip;",
        "match / {",
        "    <op-script-results> {",
    ]
    keyword = "if"
    for target in sorted(targets):
        lines += ['        %s ($vip == "%s") {' % (keyword, target.vip),
                  '            var $rpc = <command> "%s";' % Junos().clear_command(target),
                  "            copy-of jcs:invoke($rpc);",
                  "        }"]
        keyword = "else if"
    lines += ["        else {",
              '            <xnm:error> { <message> "sipha-arp-flush: refused: not a configured VIP"; }',
              "        }", "    }", "}"]
    return "\n".join(lines) + "\n"


def script_sha256(targets: t.Sequence[Target]) -> str:
    return hashlib.sha256(op_script(targets).encode()).hexdigest()


def _alternatives(commands: t.Sequence[str]) -> str:
    return '"^(%s)$"' % "|".join(_regex(command) for command in commands)


def set_commands(user: str, targets: t.Sequence[Target], keys: t.Sequence[str]) -> t.List[str]:
    """The configuration the role commits, in ``set`` form."""
    v.account(user, "account")
    ordered = sorted(targets)
    script = "set system scripts op file %s" % SCRIPT_FILE
    klass = "set system login class %s" % user
    lines = [
        "%s checksum sha-256 %s" % (script, script_sha256(ordered)),
        "%s allow-commands %s" % (script, _alternatives([Junos().clear_command(x) for x in ordered])),
        "%s idle-timeout 1" % klass,
        "%s allow-commands %s" % (klass, _alternatives(
            [Junos().flush_request(x) for x in ordered] + [Junos().show_request(x) for x in ordered])),
        "set system login user %s class %s" % (user, user),
    ]
    for index, key in enumerate(keys):
        checked = v.public_key(key, "keys[%d]" % index)
        kind = checked.split()[0]
        statement = "ssh-ecdsa" if kind.startswith("ecdsa-") else _AUTH[kind]
        lines.append('set system login user %s authentication %s "%s"' % (user, statement, checked))
    return lines


class Junos(Vendor):
    """Junos: an op script, run by a login class that may run nothing else."""

    name, title = "junos", "Junos"
    dialect = Dialect(SHELL, _ERRORS, _PROMPT)

    def flush_request(self, target: Target) -> str:
        return "op %s vip %s" % (SCRIPT, target.vip)

    def show_request(self, target: Target) -> str:
        return "show arp no-resolve %shostname %s" % ("vpn %s " % target.vrf if target.vrf else "", target.vip)

    def clear_command(self, target: Target) -> str:
        return "clear arp hostname %s%s" % (target.vip, " vpn %s" % target.vrf if target.vrf else "")

    def role_files(self, user: str, targets: t.Sequence[Target], settings: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
        keys = settings.get("keys") or []
        if not keys:
            raise DesignError("keys", "must list at least one SIP host's flush key", show_value=False)
        return {"script": op_script(targets), "script_path": "%s/%s" % (SCRIPT_DIR, SCRIPT_FILE),
                "config": "\n".join(set_commands(user, targets, keys))}
