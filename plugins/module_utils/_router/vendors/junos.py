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
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf

SCRIPT_FILE = rf.JUNOS_SCRIPT + ".slax"
SCRIPT_DIR = "/var/db/scripts/op"
_AUTH = {"ssh-rsa": "ssh-rsa", "ssh-ed25519": "ssh-ed25519"}


def _regex(text: str) -> str:
    """A literal command as a Junos (POSIX extended) regular expression; validated values only."""
    return text.replace(".", "\\.")


def op_script(targets: t.Sequence[rf.FlushTarget]) -> str:
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
                  '            var $rpc = <command> "%s";' % target.router_clear_command(),
                  "            copy-of jcs:invoke($rpc);",
                  "        }"]
        keyword = "else if"
    lines += ["        else {",
              '            <xnm:error> { <message> "sipha-arp-flush: refused: not a configured VIP"; }',
              "        }", "    }", "}"]
    return "\n".join(lines) + "\n"


def script_sha256(targets: t.Sequence[rf.FlushTarget]) -> str:
    return hashlib.sha256(op_script(targets).encode()).hexdigest()


def _alternatives(commands: t.Sequence[str]) -> str:
    return '"^(%s)$"' % "|".join(_regex(command) for command in commands)


def set_commands(user: str, targets: t.Sequence[rf.FlushTarget], keys: t.Sequence[str]) -> t.List[str]:
    """The configuration the role commits, in ``set`` form."""
    rf.account(user, "account")
    ordered = sorted(targets)
    script = "set system scripts op file %s" % SCRIPT_FILE
    klass = "set system login class %s" % user
    lines = [
        "%s checksum sha-256 %s" % (script, script_sha256(ordered)),
        "%s allow-commands %s" % (script, _alternatives([x.router_clear_command() for x in ordered])),
        "%s idle-timeout 1" % klass,
        "%s allow-commands %s" % (klass, _alternatives(
            [x.flush_request() for x in ordered] + [x.show_request() for x in ordered])),
        "set system login user %s class %s" % (user, user),
    ]
    for index, key in enumerate(keys):
        checked = rf.public_key(key, "keys[%d]" % index)
        kind = checked.split()[0]
        statement = "ssh-ecdsa" if kind.startswith("ecdsa-") else _AUTH[kind]
        lines.append('set system login user %s authentication %s "%s"' % (user, statement, checked))
    return lines
