# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drift lines, table-driven from tests/unit/data/drift.yml."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._model.drift import drift_line, drift_lines

CASES = yaml.safe_load(open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "data", "drift.yml"),
                            encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["line"][:40] for c in CASES])
def test_drift_line(case):
    assert drift_line(case["line"]) == case["drift"]


def test_drift_lines_flattens_and_keeps_each_once_in_order():
    lines = [[CASES[0]["line"], CASES[1]["line"]], CASES[0]["line"], [], CASES[4]["line"]]
    assert drift_lines(lines) == [CASES[0]["drift"], CASES[1]["drift"], CASES[4]["drift"]]
