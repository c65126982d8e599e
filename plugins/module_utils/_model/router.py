# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The VIP's ARP-flush procedure on adjacent routers, per vendor, in one place (no I/O).

After a switchover every router that delivers SIP to the VIP must forget the
VIP's old MAC (R3, R13); only the VIP's entry is flushed, never the table.
This module renders what is installed on a router (the procedure and the
forced command of the restricted account) and the command lines a SIP host
sends; the arp_flush module and the VIP takeover program use the same.

Vendors: ``linux`` (script + forced command, rendered here), ``ios`` (an EEM
applet per VIP, ``_router_ios.py``) and ``junos`` (an op script,
``_router_junos.py``). What a SIP host sends to each (the request) and how an
entry read back is parsed live here, once. Every value that reaches a router
is validated first: a VIP with a space or ';', or a host name where an
address belongs, never leaves this file.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError

VENDORS = ("linux", "ios", "junos")
FLUSH_SCRIPT = "/usr/local/sbin/sipha-arp-flush"
FORCED_COMMAND = "/usr/local/sbin/sipha-arp-flush-ssh"
_ACCOUNT = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")
_VRF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
_MAC = re.compile(r"\b([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}|[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4})\b")
JUNOS_SCRIPT = "sipha-arp-flush"
_KEY = re.compile(r"^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}( [^\s,\"]{1,64})?$")


# What a router prints when it refuses or fails a command (Linux: the forced command's "sipha-arp-flush:" line).
ERRORS = {
    "ios": re.compile(r"^\s*(%.*|.*not registered with event none.*)$", re.M),
    "junos": re.compile(r"^\s*(error:.*|unknown command\..*|syntax error.*)$", re.M),
    "linux": re.compile(r"^\s*(sipha-arp-flush: .*)$", re.M),
}


def error_line(vendor: str, output: str) -> t.Optional[str]:
    """The router's error line in ``output``, or None (IOS and Junos may say so with exit status 0)."""
    found = ERRORS[vendor].search(output)
    return found.group(1).strip() if found else None


def vip(value: t.Any, field: str = "vip") -> str:
    address = v.ip_address(value, field)
    if address.version != 4:
        raise DesignError(field, "must be an IPv4 address: ARP is IPv4 (IPv6 uses neighbour discovery)", value)
    return str(address)


def account(value: t.Any, field: str = "account") -> str:
    if not isinstance(value, str) or not _ACCOUNT.match(value):
        raise DesignError(field, "must be a lower-case account name (letters, digits, '_', '-', max 31)", value)
    return value


def public_key(value: t.Any, field: str) -> str:
    if not isinstance(value, str) or not _KEY.match(value.strip()):
        raise DesignError(field, "must be one OpenSSH public key line (type, base64, optional comment) "
                          "with no options", value)
    return value.strip()


def vrf_name(value: t.Any, field: str = "vrf") -> str:
    if not isinstance(value, str) or not _VRF.match(value):
        raise DesignError(field, "must be a VRF / routing-instance name: 1-32 of letters, digits, '_', '.', '-', "
                          "starting with a letter or digit", value)
    return value


def _colon_mac(text: str) -> str:
    digits = re.sub(r"[^0-9a-f]", "", text.lower())
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def mac_address(value: t.Any, field: str = "mac") -> str:
    if not isinstance(value, str) or not _MAC.fullmatch(value.strip()):
        raise DesignError(field, "must be a MAC address (02:00:5e:00:53:01 or 0200.5e00.5301)", value)
    return _colon_mac(value.strip())


def entry_mac(output: str, address: str) -> t.Optional[str]:
    """The MAC a router's ARP listing gives for ``address`` (lower case, ':'-separated), or None.

    Works on all three listings: Linux ``ip neigh`` (``lladdr 02:..``), IOS
    ``show ip arp`` (``0200.0000.0001``, ``Incomplete``) and Junos ``show arp``."""
    for line in output.splitlines():
        if address not in line.split():
            continue
        found = _MAC.search(line)
        if found:
            return _colon_mac(found.group(1))
    return None


class FlushTarget(t.NamedTuple):
    """One VIP on one router: on one interface (Linux) or in one VRF / routing instance (all vendors)."""

    vendor: str
    vip: str
    interface: t.Optional[str] = None
    vrf: t.Optional[str] = None

    @classmethod
    def build(cls, vendor: t.Any, vip_value: t.Any, interface: t.Any = None, vrf: t.Any = None,
              prefix: str = "") -> "FlushTarget":
        if vendor not in VENDORS:
            raise DesignError(prefix + "vendor", "must be one of %s" % ", ".join(VENDORS), vendor)
        if interface and vendor != "linux":
            raise DesignError(prefix + "interface", "only applies to Linux routers (IOS and Junos use vrf)",
                              interface)
        ifname = v.interface_name(interface, prefix + "interface") if interface else None
        vrf_value = vrf_name(vrf, prefix + "vrf") if vrf else None
        return cls(vendor, vip(vip_value, prefix + "vip"), ifname, vrf_value)

    # What a SIP host sends over the restricted account (the same for the module and the takeover program).
    def flush_request(self) -> str:
        if self.vendor == "ios":
            return "event manager run %s" % self.ios_applet
        if self.vendor == "junos":
            return "op %s vip %s" % (JUNOS_SCRIPT, self.vip)
        return "flush %s" % self.vip

    def show_request(self) -> str:
        if self.vendor == "ios":
            return "show ip arp %s%s" % ("vrf %s " % self.vrf if self.vrf else "", self.vip)
        if self.vendor == "junos":
            return "show arp no-resolve %shostname %s" % ("vpn %s " % self.vrf if self.vrf else "", self.vip)
        return "show %s" % self.vip

    # What the router itself runs to clear exactly this entry.
    @property
    def ios_applet(self) -> str:
        return "SIPHA-ARP-FLUSH-%s%s" % (self.vip.replace(".", "-"), "-" + self.vrf if self.vrf else "")

    def router_clear_command(self) -> str:
        """The IOS / Junos CLI command the applet or op script runs."""
        if self.vendor == "ios":
            return "clear ip arp %s%s" % ("vrf %s " % self.vrf if self.vrf else "", self.vip)
        if self.vendor == "junos":
            return "clear arp hostname %s%s" % (self.vip, " vpn %s" % self.vrf if self.vrf else "")
        return " ".join(self.router_flush_argv())

    def router_flush_argv(self) -> t.List[str]:
        """The Linux router's own flush of exactly this entry."""
        argv = ["ip", "-4", "neigh", "flush", "to", self.vip]
        argv += ["dev", self.interface] if self.interface else []
        return argv + (["vrf", self.vrf] if self.vrf else [])

    def router_show_argv(self) -> t.List[str]:
        return ["ip", "-4", "neigh", "show", "to", self.vip] + (["vrf", self.vrf] if self.vrf else [])


def _case_script(purpose: str, word: str, cases: t.Sequence[t.Tuple[str, str]], refusal: str) -> str:
    """A /bin/sh script that runs the one action whose pattern matches ``word`` exactly, else refuses.

    Patterns and actions are built only from validated values (addresses, interface names, fixed paths)."""
    lines = ["#!/bin/sh", "# Managed by sipha.network (router_arp_flush). %s" % purpose,
             "PATH=/usr/sbin:/usr/bin:/sbin:/bin", 'case "%s" in' % word]
    lines += ["  %s) exec %s ;;" % case for case in cases]
    lines += ['  *) echo "sipha-arp-flush: %s" >&2; exit 2 ;;' % refusal, "esac"]
    return "\n".join(lines) + "\n"


def linux_flush_script(targets: t.Sequence[FlushTarget]) -> str:
    """Root's flush script: flushes a configured VIP's entry, refuses anything else."""
    cases = [(target.vip, " ".join(target.router_flush_argv())) for target in sorted(targets)]
    return _case_script("Flushes the ARP entry of one configured VIP, nothing else.", "${1:-}", cases,
                        "refused: not a configured VIP")


def linux_forced_command(targets: t.Sequence[FlushTarget]) -> str:
    """The restricted account's forced command: exactly 'flush <VIP>' or 'show <VIP>'."""
    cases: t.List[t.Tuple[str, str]] = []
    for target in sorted(targets):
        cases.append(('"%s"' % target.flush_request(), "sudo -n %s %s" % (FLUSH_SCRIPT, target.vip)))
        cases.append(('"%s"' % target.show_request(), " ".join(target.router_show_argv())))
    return _case_script("The only thing the flush account can run.", "${SSH_ORIGINAL_COMMAND:-}", cases, "refused")


def linux_sudoers(user: str, targets: t.Sequence[FlushTarget]) -> str:
    account(user, "account")
    commands = ", ".join("%s %s" % (FLUSH_SCRIPT, target.vip) for target in sorted(targets))
    return ("# Managed by sipha.network (router_arp_flush).\n"
            "Defaults:%s !requiretty\n%s ALL=(root) NOPASSWD: %s\n" % (user, user, commands))


def authorized_keys(keys: t.Sequence[str], sources: t.Sequence[str]) -> str:
    """Each key may only run the forced command, from the SIP hosts' addresses, with no pty or forwarding."""
    if not keys:
        raise DesignError("keys", "must list at least one SIP host's flush key", show_value=False)
    if not sources:
        raise DesignError("sources", "must list the SIP hosts' addresses (from=)", show_value=False)
    froms = ",".join(str(v.ip_address(s, "sources[%d]" % i)) for i, s in enumerate(sources))
    lines = ["# Managed by sipha.network (router_arp_flush)."]
    for index, key in enumerate(keys):
        checked = public_key(key, "keys[%d]" % index)
        lines.append('restrict,from="%s",command="%s" %s' % (froms, FORCED_COMMAND, checked))
    return "\n".join(lines) + "\n"
