# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Simulated Junos CLI: login classes, configure / set / show | compare / commit, op scripts, static routes, ARP table.

The configuration is kept in ``set`` form. A login class's ``allow-commands``
regex is enforced on every operational command of a user in that class
(classes carry no permission flags here, as the role configures them). An op
script runs only when it is configured, its file is present and its SHA-256
matches the configured checksum; its ``clear arp`` command must match the
script's own ``allow-commands``. The script is not executed as SLAX: its
VIP branches are read from the file the role uploaded.

Static routes follow the ``static (Routing Options)`` statement: ``route
<destination-prefix> next-hop <address>`` at ``[edit routing-options static]``
or ``[edit routing-instances <name> routing-options static]``; ``next-hop`` may
be given more than once (one ``set`` line each), a prefix or next hop of
another form is a syntax error, and ``delete`` removes a statement and what is
under it. ``show configuration <hierarchy> | display set`` lists them. Not
modelled: the check at commit that a next hop is directly connected.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import typing as t

import paramiko

from ansible_collections.sipha.network.tests.devsim.server import Device, Session

UNKNOWN = "                 ^\nunknown command."
SYNTAX = "                 ^\nsyntax error."
SCRIPTS = "var/db/scripts/op"


# Perl / Python constructs that POSIX extended regular expressions (regcomp REG_EXTENDED) do not have
_PERL_ONLY = re.compile(r"\\[dDwWsSbB]|\(\?|[*+?}]\?|\\[1-9]")


def _not_ere(statement: str) -> t.Optional[str]:
    """Why an allow-commands value is not a POSIX extended regex Junos compiles, or None."""
    match = re.match(r'^set system (?:login class \S+|scripts op file \S+) allow-commands "(.*)"$', statement)
    if not match:
        return None
    regex = match.group(1)
    found = _PERL_ONLY.search(regex)
    if found:
        return "allow-commands: %r is not POSIX extended regular expression syntax" % found.group(0)
    try:
        re.compile(regex)
    except re.error as err:
        return "allow-commands: invalid regular expression: %s" % err
    return None


_STATIC = re.compile(r"^set (?:routing-instances \S+ )?routing-options static ")
_ROUTE = re.compile(r"^set (?:routing-instances [A-Za-z0-9][\w.\-]{0,31} )?routing-options static route "
                    r"(?P<prefix>\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}) next-hop (?P<hop>\d{1,3}(?:\.\d{1,3}){3})$")


def _bad_route(statement: str) -> bool:
    """Whether a static-route statement is not ``route <prefix> next-hop <address>`` (the only form modelled)."""
    if not _STATIC.match(statement):
        return False
    found = _ROUTE.match(statement)
    if not found:
        return True
    try:
        ipaddress.IPv4Network(found.group("prefix"))      # strict: no host bits outside the prefix length
        ipaddress.IPv4Address(found.group("hop"))
    except ValueError:
        return True
    return False


class JunosDevice(Device):
    vendor = "junos"

    def __init__(self, hostname: str, users: t.Dict[str, t.Dict[str, t.Any]], root: str) -> None:
        super().__init__(hostname, users, root)
        self.config: t.List[str] = []

    def value(self, prefix: str) -> t.Optional[str]:
        """The value of a single-valued statement (quotes removed)."""
        for line in self.config:
            if line.startswith(prefix + " "):
                return line[len(prefix) + 1:].strip('"')
        return None

    def user_class(self, user: str) -> t.Optional[str]:
        if self.users.get(user, {}).get("admin"):
            return "super-user"
        return self.value("set system login user %s class" % user)

    def allowed_keys(self, user: str, keyring: t.Sequence[str]) -> t.List[str]:
        prefix = "set system login user %s authentication " % user
        blobs = {line[len(prefix):].split()[2].strip('"') for line in self.config if line.startswith(prefix)
                 and len(line[len(prefix):].split()) > 2}
        return [line for line in keyring if line.split()[1] in blobs] + super().allowed_keys(user, keyring)

    def check_key(self, user: str, key: paramiko.PKey) -> bool:
        prefix = "set system login user %s authentication " % user
        for line in self.config:
            if line.startswith(prefix) and key.get_base64() in line:
                return True
        return super().check_key(user, key)

    def routes(self, vrf: t.Optional[str] = None) -> t.List[str]:
        """The committed static-route statements (of the routing instance ``vrf``)."""
        prefix = "set %srouting-options static route " % ("routing-instances %s " % vrf if vrf else "")
        return [line for line in self.config if line.startswith(prefix)]

    def session(self, user: str) -> "JunosSession":
        return JunosSession(self, user)


class JunosSession(Session):
    device: JunosDevice

    def __init__(self, device: JunosDevice, user: str) -> None:
        super().__init__(device, user)
        self.candidate: t.Optional[t.List[str]] = None

    def banner(self) -> str:
        return "--- JUNOS 23.4R1.9 built 2023-12-20 (simulated)\n"

    def prompt(self) -> str:
        return "%s@%s%s " % (self.user, self.device.hostname, "#" if self.candidate is not None else ">")

    def permitted(self, line: str) -> bool:
        klass = self.device.user_class(self.user)
        if klass == "super-user" or re.match(r"^(set cli |exit$|quit$)", line):
            return True
        allow = self.device.value("set system login class %s allow-commands" % klass) if klass else None
        return bool(allow and re.search(allow, line, re.I))

    def handle(self, line: str) -> str:
        if not line:
            return ""
        if self.candidate is not None:
            return self.config_line(line)
        if not self.permitted(line):
            return UNKNOWN
        return self.operational(line)

    def operational(self, line: str) -> str:
        device = self.device
        if line.startswith("set cli "):
            return ""
        if line in ("exit", "quit"):
            self.closed = True
            return ""
        if line == "show version":
            return "Hostname: %s\nModel: vsrx\nJunos: 23.4R1.9" % device.hostname
        if line == "show configuration":
            return "\n".join(device.config)
        match = re.match(r"^show configuration (.+) \| display set$", line)
        if match:
            return "\n".join(x for x in device.config if x.startswith("set %s " % match.group(1)))
        if line == "configure":
            self.candidate = list(device.config)
            return "Entering configuration mode\n\n[edit]"
        match = re.match(r"^show arp no-resolve(?: vpn (\S+))?(?: hostname (\S+))?$", line)
        if match:
            rows = ["MAC Address       Address         Interface                Flags"]
            for (vrf, ip), mac in sorted(device.arp.items()):
                if vrf == (match.group(1) or "") and match.group(2) in (None, ip):
                    rows.append("%s %-15s ge-0/0/1.0               none" % (mac, ip))
            return "\n".join(rows)
        match = re.match(r"^clear arp hostname (\S+)(?: vpn (\S+))?$", line)
        if match:
            with device.lock:
                gone = device.arp.pop((match.group(2) or "", match.group(1)), None)
            return "%-16s deleted" % match.group(1) if gone else ""
        match = re.match(r"^op (\S+) vip (\S+)$", line)
        if match:
            return self.op_script(match.group(1), match.group(2))
        return UNKNOWN

    def op_script(self, name: str, vip: str) -> str:
        device = self.device
        statement = "set system scripts op file %s.slax" % name
        path = os.path.join(device.root, SCRIPTS, name + ".slax")
        if not any(x.startswith(statement) for x in device.config) or not os.path.exists(path):
            return "error: could not execute op script: %s" % name
        with open(path, "rb") as handle:
            text = handle.read()
        checksum = device.value(statement + " checksum sha-256")
        if checksum and checksum != hashlib.sha256(text).hexdigest():
            return "error: checksum verification failed for op script %s" % name
        branch = re.search(r'\(\$vip == "%s"\) \{\s*var \$rpc = <command> "([^"]+)";' % re.escape(vip),
                           text.decode())
        if not branch:
            return "error: sipha-arp-flush: refused: not a configured VIP"
        command = branch.group(1)
        allow = device.value(statement + " allow-commands")
        if not (allow and re.search(allow, command, re.I)) and device.user_class(self.user) != "super-user":
            return "error: permission denied: %s" % command.split()[0]
        if not command.startswith("clear arp "):
            return "error: unexpected command"
        output = JunosSession(device, self.user).operational(command)
        confirm = re.search(r'<output> "(SIPHA-ARP-FLUSH-OK [^"]+)";', text.decode()[branch.end():])
        if output.startswith("error:") or not confirm:
            return output
        return (output + "\n" if output else "") + confirm.group(1)

    def config_line(self, line: str) -> str:
        assert self.candidate is not None
        if line.startswith("set "):
            if _bad_route(line):
                return SYNTAX
            if line not in self.candidate:
                single = re.match(r"^(set system (?:scripts op file \S+ (?:checksum \S+|allow-commands)"
                                  r"|login class \S+ (?:allow-commands|idle-timeout)|login user \S+ class)) ", line)
                if single:
                    self.candidate = [x for x in self.candidate if not x.startswith(single.group(1) + " ")]
                self.candidate.append(line)
            return ""
        if line.startswith("delete "):
            prefix = "set " + line[len("delete "):]
            self.candidate = [x for x in self.candidate if x != prefix and not x.startswith(prefix + " ")]
            return ""
        if line == "show | compare":
            added = [x for x in self.candidate if x not in self.device.config]
            removed = [x for x in self.device.config if x not in self.candidate]
            if not added and not removed:
                return "[edit]"
            return "\n".join(["[edit]"] + ["+  " + x[4:] for x in added] + ["-  " + x[4:] for x in removed])
        if line in ("commit", "commit and-quit", "commit check"):
            for statement in self.candidate:
                bad = _not_ere(statement)
                if bad:
                    return "error: %s\nerror: configuration check-out failed" % bad
            if line != "commit check":
                self.device.config = list(self.candidate)
                for statement in self.device.config:     # a committed login user exists (and may log in)
                    found = re.match(r"^set system login user (\S+) class ", statement)
                    if found:
                        self.device.users.setdefault(found.group(1), {})
            if line == "commit and-quit":
                self.candidate = None
                return "commit complete\nExiting configuration mode"
            return "configuration check succeeds" if line == "commit check" else "commit complete"
        if line == "rollback 0":
            self.candidate = list(self.device.config)
            return "load complete"
        if line == "top":
            return ""
        if line in ("exit", "quit", "exit configuration-mode"):
            self.candidate = None
            return "Exiting configuration mode"
        return UNKNOWN
