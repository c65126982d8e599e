# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Simulated Cisco IOS CLI: privilege levels, enable, configure terminal, EEM applets, static routes, ARP table.

Replies are the ones IOS prints (and that cisco.ios's terminal plugin
matches): ``% Invalid input detected at '^' marker.`` for an unknown or
unauthorised command, ``% Bad secrets`` for a wrong enable secret,
``Current privilege level is N``; prompts ``R1>``, ``R1#``, ``R1(config)#``.

Static routes follow the ``ip route`` command reference (global configuration,
``ip route [vrf NAME] PREFIX MASK {NEXT-HOP | INTERFACE [NEXT-HOP]} [DISTANCE]
[name NAME] [permanent | track N] [tag N]``): a line that is not of that form is
invalid input; re-entering a route (same VRF, prefix, mask and next hop)
replaces its options; the running configuration shows each route as entered
(``show running-config | include ^ip route``, as the ``cisco.ios`` static-routes
module's examples print it); ``no ip route [vrf NAME] PREFIX MASK [NEXT-HOP]``
removes the matching routes (every next hop when none is given), whatever their
name or options. Not modelled: the order IOS sorts routes in, the check that the
VRF exists, and the message for a ``no`` that matches no route (the simulator's
``%No matching route to delete`` was not checked against a vendor source).
"""

from __future__ import annotations

import base64
import hashlib
import re
import typing as t

import paramiko

from ansible_collections.sipha.network.tests.devsim.server import Device, Session

INVALID = "          ^\n% Invalid input detected at '^' marker."
SHOW_VERSION = """Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.9(3)M4, RELEASE SOFTWARE (fc3)
{host} uptime is 1 hour, 5 minutes
System image file is "flash0:/vios-adventerprisek9-m"
cisco IOSv (revision 1.0) with 460137K/62464K bytes of memory."""
# sub-modes: (mode it opens from, opener, its prompt name, the lines that belong to it)
MODES = [
    ("config", re.compile(r"^event manager applet \S+( authorization bypass)?$"), "config-applet",
     re.compile(r"^(description|event|action) ")),
    ("config", re.compile(r"^ip ssh pubkey-chain$"), "conf-ssh-pubkey", re.compile(r"^username \S+$")),
    ("conf-ssh-pubkey", re.compile(r"^username \S+$"), "conf-ssh-pubkey-user", re.compile(r"^(no )?key-hash ")),
]
Mode = t.Tuple["Node", str, t.Pattern[str]]
TOP = re.compile(r"^(hostname|privilege exec level \d+ |username \S+ |event manager applet |ip ssh pubkey-chain$"
                 r"|enable secret |ip route )")
_ADDRESS = r"\d{1,3}(?:\.\d{1,3}){3}"
#: ip route [vrf NAME] PREFIX MASK {NEXT-HOP | INTERFACE [NEXT-HOP]} then its options
ROUTE = re.compile(r"^ip route (?:vrf (?P<vrf>[\w.\-]+) )?(?P<prefix>%s) (?P<mask>%s) "
                   r"(?P<hop>%s|[A-Za-z][\w/.:\-]*(?: %s)?)(?P<options>(?: \S+)*)$" % ((_ADDRESS,) * 4))
_ROUTE_OPTIONS = re.compile(r"^( \d{1,3})?( name \S{1,32})?( permanent| track \d+)?( tag \d+)?$")
#: no ip route [vrf NAME] PREFIX MASK [NEXT-HOP ...]
NO_ROUTE = re.compile(r"^no ip route (?:vrf (?P<vrf>[\w.\-]+) )?(?P<prefix>%s) (?P<mask>%s)(?: (?P<hop>\S+).*)?$"
                      % (_ADDRESS, _ADDRESS))
USER = re.compile(r"^username (\S+) privilege (\d+)(?: algorithm-type scrypt)? secret (?:9 )?(\S+)$")


class Node:
    def __init__(self, line: str) -> None:
        self.line = line
        self.children: t.List["Node"] = []

    def child(self, line: str) -> "Node":
        key = _key(line)
        for node in self.children:
            if _key(node.line) == key:
                node.line = line
                return node
        node = Node(line)
        self.children.append(node)
        return node

    def render(self, depth: int = 0) -> t.List[str]:
        lines = []
        for node in self.children:
            lines.append(" " * depth + node.line)
            lines += node.render(depth + 1)
        return lines


def _key(line: str) -> str:
    """Lines that replace each other: one description, one event, one action per label."""
    words = line.split()
    if words[0] in ("description", "event"):
        return words[0]
    if words[0] == "action":
        return " ".join(words[:2])
    if words[0] == "username" and len(words) > 2:
        return " ".join(words[:2]) + " *"
    if words[:3] == ["event", "manager", "applet"]:
        return " ".join(words[:4])                    # its options (authorization bypass) change the same applet
    route = ROUTE.match(line)
    if route:                                         # a route's options (name, distance, tag) change the same route
        return "ip route %s %s %s %s" % (route.group("vrf") or "", route.group("prefix"), route.group("mask"),
                                         route.group("hop"))
    return line


def _removes(removal: t.Match[str], line: str) -> bool:
    """Whether ``no ip route [vrf V] PREFIX MASK [NEXT-HOP]`` removes the configured route ``line``: the same VRF,
    prefix and mask, and the same next hop when one is given (its name and options do not matter)."""
    route = ROUTE.match(line)
    if not route:
        return False
    same = (route.group("vrf"), route.group("prefix"), route.group("mask")) == (
        removal.group("vrf"), removal.group("prefix"), removal.group("mask"))
    return same and removal.group("hop") in (None, route.group("hop").split()[-1])


class IosDevice(Device):
    vendor = "ios"

    def __init__(self, hostname: str, users: t.Dict[str, t.Dict[str, t.Any]], root: str,
                 enable_secret: t.Optional[str] = None, key_types: t.Sequence[str] = ("ssh-rsa", "ssh-ed25519"),
                 aaa_command_authorization: bool = False) -> None:
        super().__init__(hostname, users, root)
        self.config = Node("")
        self.enable_secret = enable_secret
        self.privilege: t.Dict[str, int] = {}
        self.syslog: t.List[str] = []
        #: the key-hash types this release takes (classic IOS: ssh-rsa only)
        self.key_types = tuple(key_types)
        #: TACACS+ command authorization: an applet's cli actions are refused unless it has authorization bypass
        self.aaa_command_authorization = aaa_command_authorization
        #: applets run without sync yes (queued): their names
        self.queued: t.List[str] = []

    def allowed_keys(self, user: str, keyring: t.Sequence[str]) -> t.List[str]:
        hashes = set()
        for chain in self.config.children:
            if chain.line == "ip ssh pubkey-chain":
                for entry in chain.children:
                    if entry.line == "username %s" % user:
                        hashes |= {k.line.split()[2] for k in entry.children if k.line.startswith("key-hash ")}
        found = [line for line in keyring
                 if hashlib.md5(base64.b64decode(line.split()[1]), usedforsecurity=False).hexdigest().upper() in hashes]
        return found + [line for line in super().allowed_keys(user, keyring) if line not in found]

    def check_key(self, user: str, key: paramiko.PKey) -> bool:
        digest = hashlib.md5(key.asbytes(), usedforsecurity=False).hexdigest().upper()
        for chain in self.config.children:
            if chain.line == "ip ssh pubkey-chain":
                for entry in chain.children:
                    if entry.line == "username %s" % user and any(
                            k.line.split()[2:3] == [digest] for k in entry.children):
                        return user in self.users
        return super().check_key(user, key)

    def running_config(self) -> t.List[str]:
        return ["hostname %s" % self.hostname] + self.config.render()

    def routes(self) -> t.List[str]:
        """The static routes of the running configuration, as it shows them."""
        return [node.line for node in self.config.children if ROUTE.match(node.line)]

    def applet(self, name: str) -> t.Optional[Node]:
        return next((n for n in self.config.children if n.line.split()[:4] == ["event", "manager", "applet", name]),
                    None)

    def session(self, user: str) -> "IosSession":
        return IosSession(self, user)


class IosSession(Session):
    device: IosDevice

    def __init__(self, device: IosDevice, user: str) -> None:
        super().__init__(device, user)
        self.level = int(device.users[user].get("level", 1))
        self.modes: t.List[Mode] = []                      # config sub-mode stack
        self.configuring = False
        self.enabling = False

    def prompt(self) -> str:
        host = self.device.hostname
        if self.enabling:
            return "Password: "
        if self.configuring:
            return "%s(%s)#" % (host, self.modes[-1][1] if self.modes else "config")
        return host + ("#" if self.level >= 2 else ">")

    def allowed(self, command: str) -> bool:
        needed = 15
        for prefix, level in self.device.privilege.items():
            if command == prefix or command.startswith(prefix + " "):
                needed = level
        if re.match(r"^(terminal |show (version|vlan|ip arp|privilege)\b|enable$|disable$|exit$|logout$)", command):
            needed = 1
        return self.level >= needed

    def handle(self, line: str) -> str:
        if self.enabling:
            self.enabling = False
            if line == self.device.enable_secret:
                self.level = 15
                return ""
            return "% Bad secrets"
        if not line:
            return ""
        if self.configuring:
            return self.config_line(line)
        if not self.allowed(line):
            return INVALID
        return self.exec_line(line)

    def exec_line(self, line: str) -> str:
        device = self.device
        words = line.split()
        if words[0] == "terminal":
            return ""
        if line == "show version":
            return SHOW_VERSION.format(host=device.hostname)
        if line == "show privilege":
            return "Current privilege level is %d" % self.level
        if line == "enable":
            if device.enable_secret is None:
                return "% No password set"
            self.enabling = True
            self.secret_next = True
            return ""
        if line == "disable":
            self.level = min(self.level, 1)
            return ""
        if line in ("exit", "logout"):
            self.closed = True
            return ""
        if line == "configure terminal":
            self.configuring = True
            return "Enter configuration commands, one per line.  End with CNTL/Z."
        if line.startswith("show running-config"):
            return self.show_running(line)
        match = re.match(r"^show ip arp(?: vrf (\S+))?(?: (\S+))?$", line)
        if match:
            return self.show_arp(match.group(1) or "", match.group(2))
        match = re.match(r"^clear ip arp(?: vrf (\S+))? (\S+)$", line)
        if match:
            with device.lock:
                device.arp.pop((match.group(1) or "", match.group(2)), None)
            return ""
        match = re.match(r"^event manager run (\S+)$", line)
        if match:
            return self.run_applet(match.group(1))
        return INVALID

    def show_arp(self, vrf: str, address: t.Optional[str]) -> str:
        rows = ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"]
        for (entry_vrf, ip), mac in sorted(self.device.arp.items()):
            if entry_vrf == vrf and address in (None, ip):
                dotted = mac.replace(":", "")
                rows.append("Internet  %-15s         0   %s.%s.%s  ARPA   GigabitEthernet0/1"
                            % (ip, dotted[:4], dotted[4:8], dotted[8:]))
        return "\n".join(rows)

    def show_running(self, line: str) -> str:
        lines = self.device.running_config()
        match = re.match(r"^show running-config(?: \| (include|section) (.+))?$", line)
        if not match:
            return INVALID
        if match.group(1) == "include":
            lines = [x for x in lines if re.search(match.group(2), x)]
        elif match.group(1) == "section":
            kept, inside = [], False
            for item in lines:
                if not item.startswith(" "):
                    inside = bool(re.search(match.group(2), item))
                if inside:
                    kept.append(item)
            lines = kept
        else:
            lines = ["Building configuration...", "", "Current configuration : 1024 bytes", "!"] + lines + ["end"]
        return "\n".join(lines)

    def run_applet(self, name: str) -> str:
        """EEM: ``event none sync yes`` runs the applet now and returns its ``puts`` output; without ``sync yes``
        it is only queued (nothing printed). ``cli`` actions run at privilege 15; with AAA command authorization
        they are refused unless the applet has ``authorization bypass``. Actions run in label order; ``regexp``,
        ``if ... eq``/``end``, ``puts``, ``syslog`` and ``exit`` are interpreted."""
        node = self.device.applet(name)
        event = next((c.line.split() for c in node.children if c.line.startswith("event ")), []) if node else []
        if node is None or event[:2] != ["event", "none"]:
            return "EEM policy %s not registered with event none Event Detector" % name
        synchronous = "sync" in event and event[event.index("sync") + 1:event.index("sync") + 2] == ["yes"]
        bypass = node.line.endswith(" authorization bypass")
        printed = self.interpret(sorted((c.line for c in node.children if c.line.startswith("action ")),
                                        key=lambda line: [int(x) for x in line.split()[1].split(".")]), bypass)
        if not synchronous:
            self.device.queued.append(name)
            return ""
        return "\n".join(printed)

    def interpret(self, actions: t.Sequence[str], bypass: bool) -> t.List[str]:
        variables = {"$_cli_result": "", "$_regexp_result": "0"}
        printed: t.List[str] = []
        skipping = 0

        def expand(text: str) -> str:
            for variable, value in variables.items():
                text = text.replace(variable, value)
            return text

        for line in actions:
            body = line.split(None, 2)[2]
            if skipping:
                skipping += 1 if body.startswith("if ") else -1 if body == "end" else 0
                continue
            match = re.match(r'^cli command "(.*)"$', body)
            if match:
                if self.device.aaa_command_authorization and not bypass:
                    variables["$_cli_result"] = "Command authorization failed."
                    continue
                inner = IosSession(self.device, self.user)
                inner.level = 15                       # applets run with full privilege
                variables["$_cli_result"] = inner.exec_line(match.group(1)) if match.group(1) != "enable" else ""
                continue
            match = re.match(r'^regexp "(.*)" "(.*)"$', body)
            if match:
                variables["$_regexp_result"] = "1" if re.search(match.group(1), expand(match.group(2))) else "0"
                continue
            match = re.match(r'^if (\S+) eq "(.*)"$', body)
            if match:
                skipping = 0 if expand(match.group(1)) == match.group(2) else 1
                continue
            if body == "end":
                continue
            match = re.match(r'^puts "(.*)"$', body)
            if match:
                printed.append(expand(match.group(1)))
                continue
            match = re.match(r'^syslog .*msg "(.*)"$', body)
            if match:
                self.device.syslog.append(expand(match.group(1)))
                continue
            if body.startswith("exit"):
                break
        return printed

    def config_line(self, line: str) -> str:
        if line == "end":
            self.configuring, self.modes = False, []
            return ""
        if line == "exit":
            if self.modes:
                self.modes.pop()
            else:
                self.configuring = False
            return ""
        while self.modes and not self.modes[-1][2].match(line):
            self.modes.pop()
        if not self.modes and not (TOP.match(line) or line.startswith("no ")):
            return INVALID
        parent = self.modes[-1][0] if self.modes else self.device.config
        if line.startswith("key-hash ") and line.split()[1] not in self.device.key_types:
            return INVALID                             # classic IOS: key-hash ssh-rsa only
        if not self.modes and line.startswith(("ip route ", "no ip route ")):
            return self.route_line(line)
        if line.startswith("no "):
            target = line[3:]
            parent.children = [n for n in parent.children if n.line != target]
            return ""
        with self.device.lock:
            node = parent.child(self.normalise(line))
        current = self.modes[-1][1] if self.modes else "config"
        for parent_mode, opener, name, belongs in MODES:
            if parent_mode == current and opener.match(line):
                self.modes.append((node, name, belongs))
                break
        return ""

    def route_line(self, line: str) -> str:
        """``ip route ...`` adds (or updates) one static route; ``no ip route ...`` removes the matching ones."""
        config = self.device.config
        removal = NO_ROUTE.match(line)
        if line.startswith("no "):
            if not removal:
                return INVALID
            with self.device.lock:
                kept = [node for node in config.children if not _removes(removal, node.line)]
                if len(kept) == len(config.children):
                    return "%No matching route to delete"
                config.children = kept
            return ""
        route = ROUTE.match(line)
        if not route or not _ROUTE_OPTIONS.match(route.group("options")):
            return INVALID
        with self.device.lock:
            config.child(line)
        return ""

    def normalise(self, line: str) -> str:
        """What IOS stores: the secret hashed, the user created, the privilege table updated."""
        match = USER.match(line)
        if match and not self.modes:
            name, level, secret = match.groups()
            self.device.users[name] = dict(self.device.users.get(name, {}), password=secret, level=int(level))
            return "username %s privilege %s secret 9 $9$%s" % (name, level, hashlib.sha256(secret.encode()).hexdigest()[:32])
        match = re.match(r"^privilege exec level (\d+) (.+)$", line)
        if match:
            self.device.privilege[match.group(2)] = int(match.group(1))
        return line
