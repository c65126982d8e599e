# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-reverting apply: a detached process that undoes a change unless confirmed.

``arm`` writes a job file (the undo commands as argument lists) under
/run/sipha and starts a process, detached from the module and the SSH
session, that waits until the deadline. If by then nobody has confirmed
(``confirm`` creates ``<job>.confirmed``), it runs the undo commands and
records the result in the job file. The process is Python standard library
only, because the module's own files are gone by the time it acts.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import typing as t
import uuid

__all__ = ["JOB_DIR", "arm", "arm_external", "confirm", "job_path", "status"]

JOB_DIR = "/run/sipha"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")

_RESTORER = r"""
import json, os, subprocess, sys, time
path = sys.argv[1]
with open(path) as handle:
    job = json.load(handle)
while time.time() < job["deadline"]:
    if os.path.exists(path + ".confirmed"):
        sys.exit(0)
    time.sleep(0.2)
if os.path.exists(path + ".confirmed"):
    sys.exit(0)
results = []
for argv in job["undo"]:
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    results.append({"argv": argv, "rc": proc.returncode, "stderr": proc.stderr.strip()})
job["rolled_back_at"] = time.time()
job["results"] = results
with open(path + ".tmp", "w") as handle:
    json.dump(job, handle)
os.replace(path + ".tmp", path)
"""


def job_path(token: str) -> str:
    if not _TOKEN.match(token or ""):
        raise ValueError("token: must be the 32 hex digits an apply returned")
    return os.path.join(JOB_DIR, "apply-%s.json" % token)


def arm(undo: t.Sequence[t.Sequence[str]], timeout: int, what: t.Sequence[str]) -> t.Dict[str, t.Any]:
    """Start the restorer; returns the token and deadline."""
    os.makedirs(JOB_DIR, mode=0o750, exist_ok=True)
    token = uuid.uuid4().hex
    path = job_path(token)
    job = {"token": token, "armed_at": time.time(), "deadline": time.time() + timeout,
           "undo": [list(a) for a in undo], "change": list(what)}
    with open(path, "w") as handle:
        json.dump(job, handle)
    os.chmod(path, 0o640)
    restorer = subprocess.Popen([sys.executable, "-c", _RESTORER, path], start_new_session=True, close_fds=True,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"token": token, "deadline": job["deadline"], "timeout": timeout, "pid": restorer.pid}


def arm_external(confirm_argv: t.Sequence[str], timeout: int, what: t.Sequence[str],
                 kind: str) -> t.Dict[str, t.Any]:
    """Record a rollback someone else performs at the deadline (a NetworkManager
    checkpoint); confirming runs ``confirm_argv`` to cancel it."""
    os.makedirs(JOB_DIR, mode=0o750, exist_ok=True)
    token = uuid.uuid4().hex
    job = {"token": token, "armed_at": time.time(), "deadline": time.time() + timeout, "kind": kind,
           "confirm": list(confirm_argv), "undo": [], "change": list(what)}
    with open(job_path(token), "w") as handle:
        json.dump(job, handle)
    os.chmod(job_path(token), 0o640)
    return {"token": token, "deadline": job["deadline"], "timeout": timeout, "kind": kind}


def status(token: str) -> t.Dict[str, t.Any]:
    path = job_path(token)
    try:
        with open(path) as handle:
            job = json.load(handle)
    except FileNotFoundError:
        return {"state": "unknown"}
    if "rolled_back_at" in job:
        return {"state": "rolled_back", "rolled_back_at": job["rolled_back_at"], "change": job["change"],
                "results": job["results"], "armed_at": job["armed_at"]}
    if os.path.exists(path + ".confirmed"):
        return {"state": "confirmed", "change": job["change"]}
    if job.get("confirm") and time.time() > job["deadline"]:
        # an external rollback (NetworkManager checkpoint) fired at the deadline
        return {"state": "rolled_back", "rolled_back_at": job["deadline"], "change": job["change"],
                "results": [], "armed_at": job["armed_at"], "kind": job.get("kind")}
    return {"state": "armed", "deadline": job["deadline"], "change": job["change"]}


def confirm(token: str) -> t.Dict[str, t.Any]:
    """Confirm an armed apply; a rolled-back one stays rolled back."""
    current = status(token)
    if current["state"] == "armed":
        path = job_path(token)
        with open(path) as handle:
            job = json.load(handle)
        if job.get("confirm"):
            proc = subprocess.run(job["confirm"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  universal_newlines=True, check=False)
            if proc.returncode != 0:
                return {"state": "confirm_failed", "change": job["change"], "stderr": proc.stderr.strip()}
        with open(path + ".confirmed", "w") as handle:
            handle.write("%f\n" % time.time())
        current = status(token)
    return current
