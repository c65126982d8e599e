# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-healing after a NIC flap: the SIP NIC's routes and rules come back when the NIC comes up again.

The kernel drops every route of a NIC (in every table) when the NIC goes
admin down, and keeps its rules; on a carrier loss it keeps both (marked
``linkdown``). What brings the routes back after ``ip link set dev X up``
depends on the tool (measured on Debian bookworm, see docs/sip_host_network.md):

* ifupdown has no daemon: its if-up.d hook runs only under ``ifup``, so
  after a plain admin down/up the routes stay gone until the next rollout;
* systemd-networkd re-adds them, but on an admin up it also removes and
  re-adds the NIC's address and races its own gateway routes against that
  (``Nexthop has invalid gateway``): the link ends ``failed`` with the policy
  table's default route missing (3 of 4 flaps measured);
* NetworkManager re-adds them at once (no help needed).

So for ifupdown and netplan the ``routes`` part also installs a watcher, a
small root-owned systemd service (``sipha-heal-routes.service``) running a
shell script: ``ip -o monitor link dev <sip>`` and, each time the NIC is
reported up, a replay of the designed routes (``ip route replace``) and rules
(added when missing), repeated every 0.1 s for 2 s while the NIC's tool may
still be reconfiguring it. The replay is idempotent, never flushes (the VIP, added
by another program, stays), touches only the SIP NIC's routes (never the
data NIC's default route) and carries the backend's route protocol (networkd
finds its own routes). Every value in it was rendered from a validated
HostDesign; nothing from outside is read.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import os
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._common.textfile import read_text
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign

__all__ = ["HEADER", "SCRIPT_PATH", "SETTLE_PAUSE", "SETTLE_ROUNDS", "UNIT_NAME", "UNIT_PATH", "install",
           "parse_replayed", "render_script", "render_unit", "replay_lines", "replayed_routes"]

HEADER = "# Managed by sipha.network (sip_routes). Local edits are overwritten."
SCRIPT_PATH = "/usr/local/sbin/sipha-heal-routes"
UNIT_NAME = "sipha-heal-routes.service"
UNIT_PATH = "/etc/systemd/system/" + UNIT_NAME
#: after the NIC came up: replays, and the seconds between them (2 s in all). A tool reconfiguring the NIC
#: at the same time can take a replayed route with it: systemd-networkd removes and re-adds the address up
#: to about 1 s after the up (measured), which drops every route with that source
SETTLE_ROUNDS, SETTLE_PAUSE = 20, "0.1"
#: where systemd says it runs as PID 1 (sd_booted)
SYSTEMD_RUNNING = "/run/systemd/system"


def replay_lines(design: HostDesign, sip: str, protocol: t.Optional[str] = None) -> t.List[str]:
    """Shell lines that put the SIP NIC's designed routes and rules back, idempotently, without a flush.

    Routes: ``ip route replace`` (same key, same route: no change). Rules: added only when ``ip rule list``
    with the same selector prints nothing (``ip rule add`` of an existing rule fails on current kernels and
    added a duplicate on old ones). ``protocol``: the backend's route protocol (None: ``ip``'s default)."""
    tables = design.tables
    route_proto = ["proto", protocol] if protocol else []
    rule_proto = ["protocol", protocol] if protocol else []
    lines = ["ip -4 route replace %s" % " ".join(route.argv(tables) + route_proto)
             for route in design.device_routes(sip) + design.table_routes(sip)]
    for rule in design.rules():
        selector = "priority %d from %s table %d" % (rule.priority, rule.src, rule.table)
        lines.append('[ -n "$(ip -4 rule list %s)" ] || ip -4 rule add %s' % (
            selector, " ".join(rule.argv() + rule_proto)))
    return lines


def render_script(design: HostDesign, sip: str, protocol: t.Optional[str] = None) -> str:
    """The watcher: replay once at start, then after every report of the SIP NIC being up."""
    lines = [
        "#!/bin/sh",
        HEADER,
        "# Re-adds the designed routes and rules of %s whenever it comes up (admin up, carrier back): the" % sip,
        "# kernel drops a NIC's routes when it goes down. Idempotent, never flushes, touches %s only." % sip,
        "# Run by %s." % UNIT_NAME,
        "replay() {",
    ]
    lines += ["    " + line for line in replay_lines(design, sip, protocol)]
    lines += [
        "}",
        "settle() {",
        "    round=0",
        '    while [ "$round" -lt %d ]; do' % SETTLE_ROUNDS,
        "        replay 2>/dev/null",
        "        sleep %s" % SETTLE_PAUSE,
        "        round=$((round + 1))",
        "    done",
        '    echo "%s is up: designed routes and rules replayed"' % sip,
        "}",
        "# Stopped (systemd sends SIGTERM to this shell only, KillMode=mixed): end the watcher's processes,",
        "# wait for them, then exit, so that this shell is the last to go. Exiting first left them behind the",
        "# main process, and systemd (cgroup v1 in a container) waited for them until its stop timeout.",
        "trap 'trap \"\" TERM; kill -TERM 0 2>/dev/null; wait; exit 0' TERM INT",
        "ip -o monitor link dev %s | {" % sip,
        "    replay 2>/dev/null",
        "    while read -r line; do",
        '        case "$line" in',
        "            Deleted*) ;;",
        r'            *"<"*[\<,]UP[,\>]*) settle ;;',
        "        esac",
        "    done",
        "} &",
        "wait",
        "exit 1",
    ]
    return "\n".join(lines) + "\n"


def render_unit() -> str:
    return "\n".join([
        HEADER,
        "[Unit]",
        "Description=sipha.network: re-add the SIP NIC's routes and rules after a NIC flap",
        "After=network-pre.target",
        "",
        "[Service]",
        "Type=simple",
        "ExecStart=%s" % SCRIPT_PATH,
        "Restart=always",
        "RestartSec=1",
        "KillMode=mixed",
        "TimeoutStopSec=5",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ]) + "\n"


def install(host: t.Any, protocol: t.Optional[str] = None) -> t.List[str]:
    """Write the watcher and its unit (``host.write_file``), then have systemd run it; diff lines.

    Without systemd as PID 1 the files are written (a later boot with systemd uses them) and the module
    warns that nothing re-adds the routes after a flap until then."""
    lines = host.write_file(SCRIPT_PATH, render_script(host.design, host.sip, protocol), mode="0750")
    lines += host.write_file(UNIT_PATH, render_unit(), mode="0640")
    module = host.module
    if not os.path.isdir(SYSTEMD_RUNNING):
        module.warn("systemd is not running: %s is written but not started, so nothing re-adds the routes of "
                    "%s after a NIC flap" % (UNIT_NAME, host.sip))
        return lines
    systemctl = module.get_bin_path("systemctl", required=True)
    enabled = module.run_command([systemctl, "is-enabled", "--quiet", UNIT_NAME])[0] == 0
    active = module.run_command([systemctl, "is-active", "--quiet", UNIT_NAME])[0] == 0
    if lines or not enabled or not active:
        if not module.check_mode:
            if lines:
                host.run_tool([systemctl, "daemon-reload"], "reloading systemd's units")
            if not enabled:
                host.run_tool([systemctl, "enable", UNIT_NAME], "enabling %s" % UNIT_NAME)
            if lines or not active:
                host.run_tool([systemctl, "restart", UNIT_NAME], "starting %s" % UNIT_NAME)
        lines.append("~ service %s %s" % (UNIT_NAME, "restarted with the new files" if lines else "enabled and started"))
    return lines


def parse_replayed(text: str) -> t.List[t.Tuple[int, str, str, t.Optional[str]]]:
    """(table, destination, device, gateway) of each route a watcher script (``render_script``) replays.

    The script is what the previous run wrote from its validated design: the routes it lists are the ones an
    earlier design put on the SIP NIC, so ``sip_routes`` (authoritative) can remove those the current design
    dropped, whatever gateway they go via."""
    out = []
    for line in text.splitlines():
        words = line.split()
        if words[:4] != ["ip", "-4", "route", "replace"] or len(words) < 5:
            continue
        values = {key: words[i + 1] for i, key in enumerate(words[:-1]) if key in ("via", "dev", "table")}
        if "dev" in values:
            out.append((int(values.get("table", "254")), words[4], values["dev"], values.get("via")))
    return out


def replayed_routes() -> t.List[t.Tuple[int, str, str, t.Optional[str]]]:
    """What the installed watcher replays (``parse_replayed``); nothing when it is not installed."""
    return parse_replayed(read_text(SCRIPT_PATH) or "")
