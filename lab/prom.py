#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ask the lab's Prometheus (the NMS container) over its HTTP API; never through a proxy, never outside the lab.

    prom.py URL ready                                  exit 0 when Prometheus answers /-/ready
    prom.py URL query EXPR                             the instant vector of EXPR as JSON lines
    prom.py URL wait-query EXPR SECONDS [MIN]          until EXPR returns at least MIN (1) series
    prom.py URL wait-alert NAME firing|gone SECONDS [LABEL=VALUE...]
                                                       until alert NAME with those labels is firing, or is neither
                                                       firing nor pending; prints the seconds it took and the alert

Each wait is bounded by SECONDS and exits 1 naming what it saw last.
"""
import ipaddress
import json
import sys
import time
import urllib.parse
import urllib.request

LAB = (ipaddress.ip_network("198.18.0.0/15"), ipaddress.ip_network("198.51.100.0/24"))
# no proxy, whatever the environment says: the lab's addresses are reached directly or not at all
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def lab_url(url):
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        inside = any(ipaddress.ip_address(host) in net for net in LAB)
    except ValueError:
        inside = False
    if not inside:
        raise SystemExit("prom.py: %s is not a lab address (198.18.0.0/15, 198.51.100.0/24)" % host)
    return url.rstrip("/")


def get(url, path, **params):
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    with OPENER.open(url + path + query, timeout=5) as answer:
        return answer.read().decode("utf-8")


def vector(url, expr):
    data = json.loads(get(url, "/api/v1/query", query=expr))
    return data["data"]["result"]


def alerts(url, name, labels):
    found = json.loads(get(url, "/api/v1/alerts"))["data"]["alerts"]
    return [alert for alert in found if alert["labels"].get("alertname") == name
            and all(alert["labels"].get(key) == value for key, value in labels.items())]


def wait(bound, look):
    """Call ``look`` until it returns (True, shown) or ``bound`` seconds pass; 0 or 1, with what it saw last."""
    start = time.monotonic()
    seen = None
    while time.monotonic() - start < bound:
        try:
            done, seen = look()
        except OSError as error:
            done, seen = False, "no answer: %s" % error
        if done:
            print("%.1f s: %s" % (time.monotonic() - start, json.dumps(seen, sort_keys=True)))
            return 0
        time.sleep(0.5)
    print("not reached within %s s; last seen: %s" % (bound, json.dumps(seen, sort_keys=True)))
    return 1


def main(argv):
    url, what = lab_url(argv[1]), argv[2]
    if what == "ready":
        return 0 if "Ready" in get(url, "/-/ready") else 1
    if what == "query":
        for item in vector(url, argv[3]):
            print(json.dumps(item, sort_keys=True))
        return 0
    if what == "wait-query":
        expr, bound, least = argv[3], float(argv[4]), int(argv[5]) if len(argv) > 5 else 1

        def look_query():
            found = vector(url, expr)
            return len(found) >= least, found
        return wait(bound, look_query)
    if what == "wait-alert":
        name, mode, bound = argv[3], argv[4], float(argv[5])
        labels = dict(item.split("=", 1) for item in argv[6:])
        if mode not in ("firing", "gone"):
            raise SystemExit(__doc__)

        def look_alert():
            found = alerts(url, name, labels)
            if mode == "firing":
                return any(alert["state"] == "firing" for alert in found), found
            return not found, found
        return wait(bound, look_alert)
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
