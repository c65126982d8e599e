# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""benchmarks/bench.py replaces its own section of results.md and keeps the sections written by hand."""

from __future__ import annotations

import importlib.util
import pathlib

SCRIPT = pathlib.Path(__file__).parents[3] / "benchmarks" / "bench.py"
SPEC = importlib.util.spec_from_file_location("sipha_bench", SCRIPT)
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)

TITLE = "# Convergence benchmark (embedded lab)"


def test_the_other_sections_stay(tmp_path):
    out = tmp_path / "results.md"
    out.write_text(TITLE + "\n\n| old | table |\n\n# NIC flap\n\nwritten by hand\n\n# Rollout\n\nalso\n")
    bench.durable().replace(str(out), bench.splice(str(out), [TITLE, "", "| new | table |", ""]).encode(), 0o644)
    assert out.read_text() == TITLE + "\n\n| new | table |\n\n# NIC flap\n\nwritten by hand\n\n# Rollout\n\nalso\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.md"]


def test_a_new_file_holds_the_section_only(tmp_path):
    out = tmp_path / "agent-account.md"
    assert bench.splice(str(out), [TITLE, "", "| t |", ""]) == TITLE + "\n\n| t |\n"


def test_a_file_without_the_section_gets_it_first(tmp_path):
    out = tmp_path / "results.md"
    out.write_text("# NIC flap\n\nby hand\n")
    assert bench.splice(str(out), [TITLE, "", "| t |"]) == TITLE + "\n\n| t |\n\n# NIC flap\n\nby hand\n"
