# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""lab/rolling_traffic.py judges the lab test's rolling run: it must catch a loss outside a switchover."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).parents[3] / "lab" / "rolling_traffic.py"


def run(tmp_path, answered, switchovers, bound_ms=100):
    log = tmp_path / "responder.log"
    log.write_text("".join("%.6f %d-77@198.18.2.50\n" % (1000.0 + n * 0.005, n) for n in answered))
    report = tmp_path / "report.json"
    report.write_text(json.dumps(switchovers))
    return subprocess.run([sys.executable, str(SCRIPT), str(report), str(bound_ms), str(log)],
                          stdout=subprocess.PIPE, universal_newlines=True, check=False)


def test_no_loss(tmp_path):
    proc = run(tmp_path, range(1, 1001), [{"to": "sip-b", "start": 1001.0, "seen": 1001.5}])
    assert proc.returncode == 0 and "1000 sent by 1 clients, 0 lost" in proc.stdout


def test_a_short_loss_inside_a_switchover_passes(tmp_path):
    calls = [n for n in range(1, 1001) if not 400 <= n < 410]     # 10 lost around t=1002
    proc = run(tmp_path, calls, [{"to": "sip-b", "start": 1001.9, "seen": 1002.1}])
    assert proc.returncode == 0, proc.stdout
    assert "switchover to sip-b: 10 lost" in proc.stdout


def test_a_loss_outside_every_switchover_fails(tmp_path):
    calls = [n for n in range(1, 1001) if n != 900]
    proc = run(tmp_path, calls, [{"to": "sip-b", "start": 1001.0, "seen": 1001.1}])
    assert proc.returncode == 1 and "outside every switchover" in proc.stdout


def test_a_gap_longer_than_the_bound_fails(tmp_path):
    calls = [n for n in range(1, 1001) if not 400 <= n < 450]     # 250 ms
    proc = run(tmp_path, calls, [{"to": "sip-b", "start": 1001.9, "seen": 1002.1}])
    assert proc.returncode == 1 and "longer than 100 ms" in proc.stdout
