# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""lab/report_check.py in headless Chromium: a report rendered from the synthetic drills passes; a figure that
differs from its records, a script that fails, a missing timeline or topology each fail it, named."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

from ansible_collections.sipha.network.plugins.filter.drill_report import drill_report_html
from ansible_collections.sipha.network.tests.unit.plugins.module_utils._report import synthetic

SCRIPT = pathlib.Path(__file__).parents[3] / "lab" / "report_check.py"
pytestmark = pytest.mark.skipif(not (os.path.exists("/usr/bin/chromium") and os.path.exists("/usr/bin/chromedriver")),
                                reason="needs Debian's chromium and chromium-driver (ci/bootstrap.sh installs them)")
BUILD = {"failover": synthetic.failover_records, "failure": synthetic.failure_records}


def report(tmp_path, kind, tamper_html=None, tamper_records=None):
    """Render a report and its records into tmp_path (each changed as told), run the checker on them."""
    records = BUILD[kind]()
    text = drill_report_html(records)
    if tamper_html:
        changed = tamper_html(text)
        assert changed != text, "the tampering changed nothing"
        text = changed
    if tamper_records:
        tamper_records(records)
    (tmp_path / "report.html").write_text(text)
    (tmp_path / "report.json").write_text(json.dumps(records))
    proc = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "report.html"), str(tmp_path / "report.json"),
                           str(tmp_path / "shot.png")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=120, check=False)
    return proc.returncode, proc.stdout


def cell(pointer, value):
    return 'data-record="%s" data-value="%s">%s<' % (pointer, value, value)


@pytest.mark.parametrize("kind, figures", [("failover", "62 figures match"), ("failure", "89 figures match")])
def test_a_true_report_passes_and_is_photographed(tmp_path, kind, figures):
    code, out = report(tmp_path, kind)
    assert code == 0, out
    assert out.startswith("report_check: ok") and figures in out and "%d timelines" % (4 if kind == "failover" else 6) \
        in out, out
    assert (tmp_path / "shot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("kind, tamper, named", [
    # the page's value and text both changed
    ("failover", lambda t: t.replace(cell("/switchovers/0/figures/outage_ms", "2.5"),
                                     cell("/switchovers/0/figures/outage_ms", "1.5")),
     "figure /switchovers/0/figures/outage_ms: the page's data-value is 1.5, the records say 2.5"),
    # only the number shown changed
    ("failover", lambda t: t.replace(cell("/switchovers/1/clients/phone2/lost", "59"),
                                     cell("/switchovers/1/clients/phone2/lost", "59")[:-3] + "9<"),
     "figure /switchovers/1/clients/phone2/lost: the page shows '9', the records say 59"),
    ("failure", lambda t: t.replace('data-record="/rows/5/verdict" data-value="&quot;ok&quot;">ok<',
                                    'data-record="/rows/5/verdict" data-value="&quot;FAIL&quot;">FAIL<'),
     'figure /rows/5/verdict: the page\'s data-value is "FAIL", the records say "ok"'),
    # a figure of the records left off the page
    ("failure", lambda t: t.replace('data-record="/rows/3/lost"', 'data-gone="/rows/3/lost"'),
     "figure /rows/3/lost: in the records, not on the page"),
])
def test_a_figure_that_differs_from_the_records_fails_named(tmp_path, kind, tamper, named):
    code, out = report(tmp_path, kind, tamper)
    assert code == 1 and named in out, out
    assert not (tmp_path / "shot.png").exists()


def test_records_that_differ_from_the_page_fail_too(tmp_path):
    def tamper(records):
        records["switchovers"][0]["clients"]["phone1"]["gap_ms"] = 21.0
    code, out = report(tmp_path, "failover", tamper_records=tamper)
    assert code == 1 and "figure /switchovers/0/clients/phone1/gap_ms: the page's data-value is 20.0, the records " \
                         "say 21.0" in out, out


@pytest.mark.parametrize("script, named", [
    ("throw new Error('boom in the report')", "Uncaught Error: boom in the report"),
    ("console.error('a console error')", "a console error"),
])
def test_a_console_error_fails_the_page(tmp_path, script, named):
    code, out = report(tmp_path, "failover", lambda t: t.replace("</main>", "</main><script>%s</script>" % script))
    assert code == 1 and "console error" in out and named in out, out


@pytest.mark.parametrize("kind, tamper, named", [
    ("failover", lambda t: t.replace('data-switchover="2" data-client="phone2"', 'data-switchover="2"'),
     "timeline of switchover 2, client phone2: missing"),
    ("failure", lambda t: t.replace('data-episode="1" data-path="HA sync"', 'data-episode="1"'),
     "timeline of failure 1 (r1 off), path HA sync: missing"),
    ("failure", lambda t: t.replace('<svg class="topology"', '<svg class="picture"'),
     "topology: the design's picture is missing"),
    ("failover", lambda t: t.replace(">r2</text>", ">r9</text>"), "topology: r2 is not in the picture"),
    ("failure", lambda t: t.replace("eth0 198.18.4.12/24</text>", "eth0</text>"),
     "topology: 198.18.4.12/24 is not in the picture"),
])
def test_a_missing_timeline_or_topology_fails_named(tmp_path, kind, tamper, named):
    code, out = report(tmp_path, kind, tamper)
    assert code == 1 and named in out, out


def test_unusable_inputs_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "none.html"), str(tmp_path / "none.json"),
                           str(tmp_path / "shot.png")], stdout=subprocess.PIPE, universal_newlines=True, check=False)
    assert proc.returncode == 2 and "cannot use" in proc.stdout
