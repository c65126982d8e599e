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

Static host routes (the VIP VLAN split workaround) are ``set routing-options
static route <address>/32 next-hop <next hop>`` (``set routing-instances <name>
routing-options static ...`` in a routing instance), committed; ``delete``
removes the route, or only its next hop when the route has other statements.
``show configuration routing-options static | display set`` reads them back.
A static route's next hop must be directly connected (unless ``resolve``).

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import hashlib
import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import platforms
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import (CONFIG, SHELL, Dialect,
                                                                                         HostRoutes, Target, Vendor,
                                                                                         confirmation_line)

__all__ = ["Junos", "SCRIPT", "SCRIPT_DIR", "SCRIPT_FILE", "allow_regex", "host_route_statement", "op_script",
           "script_sha256", "set_commands", "stale_keys", "static_hierarchy"]

SCRIPT = "sipha-arp-flush"
SCRIPT_FILE = SCRIPT + ".slax"
SCRIPT_DIR = "/var/db/scripts/op"
_AUTH = {"ssh-rsa": "ssh-rsa", "ssh-ed25519": "ssh-ed25519"}
_ERRORS = re.compile(r"^\s*(error:.*|unknown command\..*|syntax error.*)$", re.M)
# user@host> (operational) or user@host# (configuration)
_PROMPT = re.compile(r"(?:^|[\r\n])[\w.\-]+@[\w.\-]+[>#] ?$")


def static_hierarchy(vrf: t.Optional[str]) -> str:
    """Where static routes are configured: the master instance's, or a routing instance's."""
    return "routing-instances %s routing-options static" % vrf if vrf else "routing-options static"


def host_route_statement(routes: HostRoutes, address: str) -> str:
    """The route's next-hop statement, without ``set`` / ``delete``."""
    return "%s route %s/32 next-hop %s" % (static_hierarchy(routes.vrf), address, routes.next_hop)


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
                  "            var $result = jcs:invoke($rpc);",
                  "            if ($result//xnm:error) {",
                  '                <xnm:error> { <message> "sipha-arp-flush: clear failed: " _ '
                  "$result//xnm:error/message; }",
                  "            }",
                  "            else {",
                  "                copy-of $result;",
                  '                <output> "%s";' % confirmation_line(target),
                  "            }",
                  "        }"]
        keyword = "else if"
    lines += ["        else {",
              '            <xnm:error> { <message> "sipha-arp-flush: refused: not a configured VIP"; }',
              "        }", "    }", "}"]
    return "\n".join(lines) + "\n"


def script_sha256(targets: t.Sequence[Target]) -> str:
    return hashlib.sha256(op_script(targets).encode()).hexdigest()


def allow_regex(commands: t.Sequence[str]) -> str:
    """Exactly these commands, as Juniper documents allow-commands: ``(a)|(b)``, each anchored, POSIX extended
    syntax only (a regex Junos cannot compile would refuse the commit; one it reads otherwise could lock the
    account out or let it do more)."""
    return "|".join("(^%s$)" % _regex(command) for command in commands)


def _alternatives(commands: t.Sequence[str]) -> str:
    return '"%s"' % allow_regex(commands)


def _auth_statement(user: str, key: str, field: str, kinds: t.Sequence[str]) -> str:
    checked = v.public_key(key, field)
    kind = checked.split()[0]
    if kind not in kinds:
        raise DesignError(field, "is a %s key; Junos takes %s user keys" % (kind, " / ".join(kinds)), show_value=False)
    statement = "ssh-ecdsa" if kind.startswith("ecdsa-") else _AUTH[kind]
    return 'set system login user %s authentication %s "%s"' % (user, statement, checked)


def stale_keys(display_set: str, user: str, keys: t.Sequence[str]) -> t.List[str]:
    """``delete`` lines for the flush user's keys on the router that are not in ``keys``, from ``show configuration
    system login user <user> | display set``."""
    wanted = {v.public_key(key, "keys[%d]" % i).split()[1] for i, key in enumerate(keys)}
    prefix = "set system login user %s authentication " % user
    found = []
    for line in display_set.splitlines():
        line = line.strip()
        if line.startswith(prefix):
            words = line[len(prefix):].split()
            blob = words[2].strip('"') if len(words) > 2 else ""
            if words and words[0] in ("ssh-rsa", "ssh-ed25519", "ssh-ecdsa") and blob not in wanted:
                found.append("delete " + line[len("set "):])
    return found


def set_commands(user: str, targets: t.Sequence[Target], keys: t.Sequence[str],
                 remove: t.Sequence[str] = ()) -> t.List[str]:
    """The configuration the role commits, in ``set`` form (``remove``: ``stale_keys``' delete lines, first)."""
    v.account(user, "account")
    ordered = sorted(targets)
    script = "set system scripts op file %s" % SCRIPT_FILE
    klass = "set system login class %s" % user
    lines = list(remove) + [
        "%s checksum sha-256 %s" % (script, script_sha256(ordered)),
        "%s allow-commands %s" % (script, _alternatives([Junos().clear_command(x) for x in ordered])),
        "%s idle-timeout 1" % klass,
        "%s allow-commands %s" % (klass, _alternatives(
            [Junos().flush_request(x) for x in ordered] + [Junos().show_request(x) for x in ordered])),
        "set system login user %s class %s" % (user, user),
    ]
    kinds = platforms.PLATFORMS["junos"].key_types
    lines += [_auth_statement(user, key, "keys[%d]" % index, kinds) for index, key in enumerate(keys)]
    return lines


class Junos(Vendor):
    """Junos: an op script, run by a login class that may run nothing else."""

    name, title = "junos", "Junos"
    dialect = Dialect(SHELL, _ERRORS, _PROMPT)
    host_routes_by = CONFIG

    def flush_request(self, target: Target) -> str:
        return "op %s vip %s" % (SCRIPT, target.vip)

    def show_request(self, target: Target) -> str:
        return "show arp no-resolve %shostname %s" % ("vpn %s " % target.vrf if target.vrf else "", target.vip)

    def clear_command(self, target: Target) -> str:
        return "clear arp hostname %s%s" % (target.vip, " vpn %s" % target.vrf if target.vrf else "")

    def confirmation(self, target: Target) -> t.Optional[str]:
        return confirmation_line(target)

    def role_files(self, user: str, targets: t.Sequence[Target], settings: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
        keys = settings.get("keys") or []
        if not keys:
            raise DesignError("keys", "must list at least one SIP host's flush key", show_value=False)
        return {"script": op_script(targets), "script_path": "%s/%s" % (SCRIPT_DIR, SCRIPT_FILE),
                "config": "\n".join(set_commands(user, targets, keys, settings.get("remove_keys") or [])),
                "platform": "junos"}

    def host_route_command(self, routes: HostRoutes, address: str,
                           outputs: t.Optional[t.Sequence[str]] = None) -> str:
        """``set`` the next hop; ``delete`` the whole route when the configuration holds nothing else for it (a
        static route left without a next hop would not commit), else only the next hop."""
        statement = host_route_statement(routes, address)
        if routes.present:
            return "set " + statement
        route = "%s route %s/32" % (static_hierarchy(routes.vrf), address)
        lines = {line.strip() for line in "\n".join(outputs or ()).splitlines()}
        rest = [line for line in lines if line.startswith("set %s " % route) and line != "set " + statement]
        return "delete " + (route if outputs is not None and not rest else statement)

    def host_route_reads(self, routes: HostRoutes) -> t.List[t.Any]:
        return ["show configuration %s | display set" % static_hierarchy(routes.vrf)]

    def host_route_next_hops(self, routes: HostRoutes, outputs: t.Sequence[str]) -> t.Dict[str, t.List[str]]:
        prefix = "set %s route " % static_hierarchy(routes.vrf)
        wanted = set(routes.addresses)
        found: t.Dict[str, t.List[str]] = {}
        for line in "\n".join(outputs).splitlines():
            words = line.strip()[len(prefix):].split() if line.strip().startswith(prefix) else []
            if len(words) == 3 and words[1] == "next-hop" and words[0].endswith("/32") and words[0][:-3] in wanted:
                found.setdefault(words[0][:-3], []).append(words[2])
        return found
