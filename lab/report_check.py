#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check a drill report in a real browser: headless Debian Chromium through Debian's chromedriver (selenium).

    lab/report_check.py REPORT.html RECORDS.json SCREENSHOT.png

Fails (exit 1, one line per problem, each naming what) when the page logs a console error or an uncaught
exception; when a figure's cell (data-record: its JSON pointer in RECORDS, data-value: its JSON text) differs from
the records file, or shows another number; when a figure of the records is not on the page; when a switchover
lacks its timeline for a client (failover drill) or a failure its timeline for a path (single-failure drill); when
the topology picture is missing or lacks a host, router or the VIP. On success it saves a full-page screenshot and
prints one line. Exit 2: the report, the records or the browser could not be used.

Nothing is downloaded: the browser and driver are /usr/bin/chromium and /usr/bin/chromedriver (selenium-manager is
never asked), with Chromium's background connections off and a fresh profile.
"""

import base64
import json
import os
import pathlib
import shutil
import sys
import tempfile

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--window-size=1400,1000")
FAILOVER_FIGURES = ("outage_ms", "gap_ms", "lost", "sent")
FAILURE_FIGURES = ("outage_ms", "after_decision_ms", "lost", "verdict")
#: what the page's script below returns: every figure cell, every timeline, the topology's text
COLLECT = """
const cells = Array.from(document.querySelectorAll('[data-record]')).map(e => ({
  pointer: e.getAttribute('data-record'), value: e.getAttribute('data-value'), text: e.textContent.trim(),
  shown: e.classList.contains('fig')}));
const timelines = Array.from(document.querySelectorAll('svg.timeline')).map(e => ({
  switchover: e.getAttribute('data-switchover'), client: e.getAttribute('data-client'),
  episode: e.getAttribute('data-episode'), path: e.getAttribute('data-path'),
  strips: e.querySelectorAll('g.strip').length, width: e.getBoundingClientRect().width}));
const topology = document.querySelector('svg.topology');
return {cells: cells, timelines: timelines, topology: topology ? {
        texts: Array.from(topology.querySelectorAll('text')).map(e => e.textContent.trim()),
        width: topology.getBoundingClientRect().width} : null};
"""
MISSING = object()


def resolve(records, pointer):
    """The value at a JSON pointer (RFC 6901) in the records, or MISSING."""
    value = records
    if pointer == "":
        return value
    if not pointer.startswith("/"):
        return MISSING
    for raw in pointer[1:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return MISSING
    return value


def pointer(*keys):
    return "".join("/" + str(key).replace("~", "~0").replace("/", "~1") for key in keys)


def same(a, b):
    """Equal as JSON values (true is not 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def shown(value):
    if value is None:
        return "-"
    return value if isinstance(value, str) else json.dumps(value)


def figure_problems(records, cells):
    problems = []
    for cell in cells:
        where = "figure %s" % cell["pointer"]
        want = resolve(records, cell["pointer"])
        if want is MISSING:
            problems.append("%s: not in the records file" % where)
            continue
        try:
            value = json.loads(cell["value"])
        except (TypeError, ValueError):
            problems.append("%s: data-value %r is not JSON" % (where, cell["value"]))
            continue
        if not same(value, want):
            problems.append("%s: the page's data-value is %s, the records say %s"
                            % (where, cell["value"], json.dumps(want)))
        elif cell["shown"] and cell["text"] != shown(want):
            problems.append("%s: the page shows %r, the records say %s" % (where, cell["text"], json.dumps(want)))
    return problems


def expected(records):
    """The figures (pointers) and the timelines ((data attribute, value) pairs) the page must have."""
    figures, timelines = [], []
    if records.get("kind") == "failover_drill":
        for i, sw in enumerate(records.get("switchovers") or []):
            figures += [pointer("switchovers", i, "figures", key) for key in FAILOVER_FIGURES]
            figures.append(pointer("switchovers", i, "from_up_ms"))
            for client in sw.get("clients") or {}:
                figures += [pointer("switchovers", i, "clients", client, key) for key in FAILOVER_FIGURES]
                timelines.append(("switchover %d, client %s" % (i + 1, client), ("switchover", str(i + 1)),
                                  ("client", client)))
    elif records.get("kind") == "failure_drill":
        for i, _row in enumerate(records.get("rows") or []):
            figures += [pointer("rows", i, key) for key in FAILURE_FIGURES]
        episodes = [e for e in records.get("timeline") or [] if "restored" in e]
        for number, episode in enumerate(episodes, 1):
            timelines += [("failure %d (%s), path %s" % (number, episode.get("id"), path), ("episode", str(number)),
                           ("path", path)) for path in sorted(records.get("paths") or {})]
    return figures, timelines


def page_problems(records, found):
    problems = []
    if records.get("kind") not in ("failover_drill", "failure_drill"):
        problems.append("records: kind %r is neither failover_drill nor failure_drill" % records.get("kind"))
    problems += figure_problems(records, found["cells"])
    figures, timelines = expected(records)
    on_page = {cell["pointer"] for cell in found["cells"]}
    problems += ["figure %s: in the records, not on the page" % p for p in figures if p not in on_page]
    for what, first, second in timelines:
        match = [t for t in found["timelines"] if t[first[0]] == first[1] and t[second[0]] == second[1]]
        if not match:
            problems.append("timeline of %s: missing" % what)
        elif not match[0]["strips"] or not match[0]["width"]:
            problems.append("timeline of %s: empty or not drawn" % what)
    topology = found["topology"]
    if not topology or not topology["width"]:
        problems.append("topology: the design's picture is missing")
    else:
        design = records.get("design") or {}
        boxes = list(design.get("hosts") or {}) + list(design.get("routers") or {})
        problems += ["topology: %s is not in the picture" % name for name in boxes if name not in topology["texts"]]
        addresses = [design.get("vip") or "?"] + [nic.get("address") for host in (design.get("hosts") or {}).values()
                                                  for nic in host.values()]
        problems += ["topology: %s is not in the picture" % address for address in addresses
                     if not any(address in text for text in topology["texts"])]
    return problems


def browser(profile):
    os.environ.setdefault("SE_OFFLINE", "true")   # selenium-manager, should anything call it, stays offline
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + ("--user-data-dir=%s" % profile,):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def screenshot(driver, path):
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                             "clip": clip})
    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(path).write_bytes(base64.b64decode(shot["data"]))
    return int(size["width"]), int(size["height"])


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    report, records_path, shot = (pathlib.Path(a) for a in argv)
    try:
        records = json.loads(records_path.read_text(encoding="utf-8"))
        if not isinstance(records, dict):
            raise ValueError("the records are not a JSON object")
        uri = report.resolve(strict=True).as_uri()
    except (OSError, ValueError) as err:
        print("report_check: cannot use %s / %s: %s" % (report, records_path, err))
        return 2
    profile = tempfile.mkdtemp(prefix="sipha-report-check-")
    driver = None
    try:
        try:
            driver = browser(profile)
        except Exception as err:  # pylint: disable=broad-except   # whatever selenium raises, say it
            print("report_check: cannot start %s through %s: %s" % (CHROMIUM, CHROMEDRIVER, err))
            return 2
        try:
            driver.set_page_load_timeout(60)
            driver.get(uri)
            found = driver.execute_script(COLLECT)
            console = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        except Exception as err:  # pylint: disable=broad-except   # a page the browser could not load or read
            print("report_check: cannot load %s in %s: %s" % (report, CHROMIUM, err))
            return 2
        problems = ["console error: %s" % e.get("message") for e in console] + page_problems(records, found)
        if problems:
            for problem in problems:
                print("report_check: FAIL: %s" % problem)
            print("report_check: %d problem(s) in %s against %s" % (len(problems), report, records_path))
            return 1
        width, height = screenshot(driver, shot)
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    print("report_check: ok - %s (%s): %d figures match %s, %d timelines, topology drawn, no console error; "
          "screenshot %s (%dx%d)" % (report, records.get("kind"), len(found["cells"]), records_path,
                                     len(found["timelines"]), shot, width, height))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
