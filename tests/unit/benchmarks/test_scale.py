# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""benchmarks/scale.py: the process tree's memory as /proc says, and the table with its goals judged."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).parents[3] / "benchmarks" / "scale.py"
sys.path.insert(0, str(SCRIPT.parent))
SPEC = importlib.util.spec_from_file_location("sipha_scale", SCRIPT)
scale = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(scale)


def test_tree_rss_counts_the_children():
    """A child that holds 64 MB makes its parent's tree at least that much larger than the parent alone."""
    child = subprocess.Popen([sys.executable, "-c", "import sys, time; b = bytearray(64 << 20); "
                              "sys.stdout.write('x'); sys.stdout.flush(); time.sleep(30)"], stdout=subprocess.PIPE)
    try:
        child.stdout.read(1)
        alone = scale.tree_rss_kb(child.pid)
        assert alone >= 64 * 1024
        assert scale.tree_rss_kb(os.getpid()) >= alone + 10 * 1024   # pytest itself, and the child
    finally:
        child.kill()
        child.wait()


def row(pairs, cold, rerun):
    return {"pairs": pairs, "hosts": 2 * pairs, "forks": 20, "cold": {"s": cold, "peak_mb": 100.0, "changed": 30},
            "rerun": {"s": rerun, "peak_mb": 90.0, "changed": 0}, "validate": {"s": 5.0, "peak_mb": 80.0}}


def test_the_table_judges_both_goals():
    lines = scale.lines_of([row(1, 20.0, 5.0), row(8, 39.0, 11.0)], 20)
    assert "| 8 (16) | 39.0 s (changed=30) | 11.0 s | 28 % | 5.0 s | 100 / 90 / 80 MB | - / -; - / - | 1.95 |" in lines
    assert any("8 pairs cold ≤ 2× one pair's cold: 1.95× (met)" in line and "(met)." in line for line in lines)
    lines = scale.lines_of([row(1, 20.0, 10.0), row(8, 45.0, 11.0)], 20)
    assert any("2.25× (NOT met)" in line and "1 pair 50 %" in line and "(NOT met)." in line for line in lines)


def test_the_table_shows_each_runs_cpu_seconds():
    measured = row(1, 20.0, 5.0)
    measured["cold"].update(controller_cpu_s=12.3, lab_cpu_s=16.4)
    measured["rerun"].update(controller_cpu_s=9.2, lab_cpu_s=10.0)
    assert "| 1 (2) | 20.0 s (changed=30) | 5.0 s | 25 % | 5.0 s | 100 / 90 / 80 MB | 12.3 / 16.4; 9.2 / 10.0 | 1.00 |" \
        in scale.lines_of([measured], 20)


def test_controller_cpu_counts_a_finished_child():
    before = scale.controller_cpu_s()
    subprocess.run([sys.executable, "-c", "import time\nend = time.process_time() + 0.3\n"
                    "while time.process_time() < end:\n    pass"], check=True)
    assert scale.controller_cpu_s() - before >= 0.25
