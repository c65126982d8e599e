# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The single-failure drill's timeline, run on the controller: each failure, the management layer's reaction, the
workaround, the restore - at the planned instants, each command's start recorded from the wall clock.

    python3 sipha_failure_timeline.py SPEC.json   -> the timeline as JSON on stdout

A failure or a restore takes effect when its command returns (``failed``, ``restored``; the command's start is
``failed_cmd``, ``restored_cmd``); the management layer decides when its switchover command starts (``decision``).

SPEC: ``episodes`` (from the drill's model: failure, side, router, network, id), ``actions`` (name -> argv with
``{router}``, ``{host}``, ``{network}`` fields: router_off/on, link_down/up, split_on/off, switchover),
``workaround`` (the argv of vip_vlan_split.yml; the timeline adds ``-e sipha_split_router=<router>``, and
``-e sipha_split_state=absent`` to revert), ``pair``, ``primary``, ``detection_s``, ``hold_s``,
``split_hold_s``, ``settle_s``, ``log_dir`` (optional: each command's output is kept there), ``cut`` (network ->
host -> the paths whose own NIC that is). Commands run without a shell; a command that fails stops the timeline
(the failure is restored first when it can be).
"""
import json
import os
import re
import string
import subprocess
import sys
import time

FIELDS = {"router", "host", "network"}


def argv_of(template, **values):
    out = []
    for word in template:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(word) if name}
        if names - FIELDS:
            raise SystemExit("sipha_drill_actions: unknown field(s) %s in %r (fields: %s)"
                             % (", ".join(sorted(names - FIELDS)), word, ", ".join(sorted(FIELDS))))
        out.append(word.format(**values))
    return out


def at(when):
    wait = when - time.time()
    if wait > 0:
        time.sleep(wait)


LOG_DIR = []   # where each command's output is kept (spec log_dir), for the operator to read


def run(what, template, **values):
    argv = argv_of(template, **values)
    start = time.time()
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          check=False)
    end = time.time()
    if LOG_DIR:
        name = "%.3f-%s.log" % (start, re.sub(r"[^A-Za-z0-9]+", "-", what).strip("-"))
        with open(os.path.join(LOG_DIR[0], name), "w") as log:
            log.write("$ %s\nexit %d after %.3f s\n%s" % (" ".join(argv), done.returncode, end - start, done.stdout))
    if done.returncode != 0:
        raise RuntimeError("%s (%s) exited %d: %s" % (what, " ".join(argv), done.returncode, done.stdout[-400:]))
    return start, end


def main(path):
    with open(path) as handle:
        spec = json.load(handle)
    actions, pair, primary = spec["actions"], spec["pair"], spec["primary"]
    if spec.get("log_dir"):
        os.makedirs(spec["log_dir"], mode=0o700, exist_ok=True)
        LOG_DIR.append(spec["log_dir"])
    hold, settle, detection = float(spec["hold_s"]), float(spec["settle_s"]), float(spec["detection_s"])
    workaround = list(spec.get("workaround") or []) + ["-e", "sipha_split_router={router}"]
    timeline, error = [], None
    next_at = time.time()
    for episode in spec["episodes"]:
        backup = [host for host in pair if host != primary][0]
        host = primary if episode["side"] == "primary" else backup
        values = {"router": episode.get("router") or "", "host": host, "network": episode.get("network") or ""}
        record = dict(episode, host=host if episode["side"] in ("primary", "backup") else None, decision=None,
                      workaround=None, cut=spec["cut"].get(episode.get("network") or "", {}).get(host, [])
                      if episode["side"] in ("primary", "backup") else [], primary_before=primary)
        at(next_at)
        failed = False
        try:
            # the element has failed when its command returns (the lab's commands act last, after finding it)
            record["failed_cmd"], record["failed"] = run(episode["id"], actions[episode["action"]], **values)
            failed = True
            if episode["side"] == "primary":
                at(record["failed"] + detection)
                record["decision"] = run("the switchover", actions["switchover"], host=backup, router="",
                                         network="")[0]
                primary = backup
                at(record["decision"] + hold)
            elif episode["side"] == "split":
                at(record["failed"] + float(spec["split_hold_s"]))
                start, end = run("the workaround", workaround, **values)
                record["workaround"] = {"start": start, "end": end}
                at(end + hold)
            else:
                at(record["failed"] + hold)
        except (RuntimeError, OSError) as err:
            error = str(err)
        if failed:
            try:
                record["restored_cmd"], record["restored"] = run("the restore of " + episode["id"],
                                                                 actions[episode["restore"]], **values)
                if episode["side"] == "split" and record["workaround"]:
                    at(record["restored"] + hold)
                    record["reverted"] = run("the revert of the workaround",
                                             workaround + ["-e", "sipha_split_state=absent"], **values)[0]
            except (RuntimeError, OSError) as err:
                error = error or str(err)
        record["end"] = time.time() + settle
        timeline.append(record)
        next_at = record["end"]
        if error:
            break
    at(next_at)
    json.dump({"timeline": timeline, "error": error, "primary": primary}, sys.stdout)
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
