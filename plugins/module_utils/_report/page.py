# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The drill report's page (no I/O): one self-contained HTML document - inline CSS, inline SVG, no script, nothing
fetched - with the parts both drills share: the header and settings, the design, the definitions, the legend.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import typing as t

from ansible_collections.sipha.network.plugins.module_utils._report import topology
from ansible_collections.sipha.network.plugins.module_utils._report.markup import el

__all__ = ["CSS", "definitions", "design", "document", "header", "legend", "table"]

CSS = """
:root{--ink:#1b1f24;--muted:#59636e;--line:#d0d7de;--h0:#2f6fd6;--h1:#1f9d55;--h2:#8250df;--h3:#bc4c00;
--lost:#cf222e;--gap:#f2a33a;--up:#0a3069;--down:#8250df;--event:#57606a;--answer:#1a7f37}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#fff;-webkit-print-color-adjust:exact;print-color-adjust:exact;
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
main{max-width:1340px;margin:0 auto;padding:20px 28px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;padding-top:12px;border-top:2px solid
var(--line)}h3{font-size:15px;margin:16px 0 4px}
p{margin:6px 0}.muted{color:var(--muted)}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
table{border-collapse:collapse;margin:8px 0 12px;font-variant-numeric:tabular-nums}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;white-space:nowrap}td.fig,td.at{text-align:right;font-family:ui-monospace,Menlo,Consolas,monospace;
font-size:13px}tr.total td{font-weight:600;background:#f6f8fa}
td.verdict-FAIL{background:#ffebe9;color:#a40e26;font-weight:600}td.verdict-R10{background:#fff8c5}
td.verdict-ok{color:#1a7f37}td.verdict-down,td.verdict-endpoint{color:#9a6700}table.rows td{white-space:nowrap}
svg{display:block;width:100%;height:auto;margin:4px 0 10px}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:12px;fill:var(--ink)}
svg .name{font-weight:600}svg .small,svg .addr,svg .tick-label{font-size:11px;fill:var(--muted)}
svg .caption,svg .bus-label{font-size:12px;fill:var(--muted)}svg .addr{fill:#0a3069}
svg rect.net{fill:#f6f8fa;stroke:#8c959f}svg rect.router{fill:#ddf4ff;stroke:#0969da}
svg rect.host{fill:#fff;stroke:#57606a}svg rect.holder{fill:#dafbe1;stroke:#1a7f37;stroke-width:2}
svg rect.vip{fill:#fff8c5;stroke:#9a6700}svg line.link{stroke:#57606a;stroke-width:1.5}
svg line.routed{stroke:#afb8c1;stroke-dasharray:4 3}svg line.bus{stroke-width:5}
svg line.sip{stroke:#0969da}svg line.data{stroke:#6e7781}
svg .axis,svg .tick{stroke:#8c959f}svg .strip-label{font-weight:600}
svg rect.run.h0{fill:var(--h0)}svg rect.run.h1{fill:var(--h1)}svg rect.run.h2{fill:var(--h2)}
svg rect.run.h3{fill:var(--h3)}svg rect.lost{fill:var(--lost)}
svg rect.gap,svg rect.outage{fill:var(--gap);fill-opacity:.35;stroke:var(--gap)}
svg rect.focus{fill:none;stroke:#8c959f;stroke-dasharray:3 2}
svg line.mark{stroke-width:1;stroke-dasharray:3 2}svg line.mark.up{stroke:var(--up)}
svg line.mark.down{stroke:var(--down)}svg line.mark.event{stroke:var(--event)}svg line.mark.answer{stroke:var(--answer)}
svg .mark-number circle{fill:#fff;stroke-width:1.2}svg .mark-number text{font-size:9px;font-weight:600}
svg .mark-number.up circle{stroke:var(--up)}svg .mark-number.down circle{stroke:var(--down)}
svg .mark-number.event circle{stroke:var(--event)}svg .mark-number.answer circle{stroke:var(--answer)}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:6px 0;color:var(--muted);font-size:13px}
.legend i{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}
dl.defs dt{font-weight:600;margin-top:6px}dl.defs dd{margin:0 0 0 18px}
@media print{main{max-width:none;padding:0}h2{break-before:auto}section.episode{break-inside:avoid-page}
.client,.path{break-inside:avoid}thead{display:table-header-group}body{font-size:12px}}
@page{size:A4 landscape;margin:12mm}
"""


def document(title: str, *sections: str) -> str:
    """The whole page: no script, no external resource (the empty icon keeps the browser from asking for one)."""
    head = el("head", {}, el("meta", {"charset": "utf-8"}),
              el("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
              el("link", {"rel": "icon", "href": "data:,"}), el("title", text=title), el("style", {}, CSS))
    return "<!DOCTYPE html>\n" + el("html", {"lang": "en"}, head, el("body", {}, el("main", {}, *sections))) + "\n"


def table(headings: t.Sequence[str], rows: t.Sequence[str], cls: str = "figures") -> str:
    """A table from its headings (text) and its rows (``tr`` markup)."""
    return el("table", {"class": cls}, el("thead", {}, el("tr", {}, *(el("th", text=h) for h in headings))),
              el("tbody", {}, *rows))


def header(records: t.Mapping[str, t.Any], intro: str) -> str:
    """Title, what was drilled and when, and the drill's settings."""
    settings = [el("tr", {}, el("th", {"scope": "row"}, text=key),
                   el("td", {}, text=("yes" if value else "no") if isinstance(value, bool) else value))
                for key, value in records["settings"].items()]
    parts = [el("h1", text=records["title"]),
             el("p", {"class": "muted"}, text="pair %s%s" % (records["design"]["pair"], ", generated %s"
                                                             % records["generated"] if records["generated"] else "")),
             el("p", text=intro)]
    if settings:
        parts.append(el("table", {"class": "settings"}, el("tbody", {}, *settings)))
    return el("header", {}, *parts)


def design(records: t.Mapping[str, t.Any]) -> str:
    """The pair's design: the picture and every element listed."""
    d = records["design"]
    return el("section", {"id": "design"}, el("h2", text="The pair's design"),
              el("p", {"class": "muted"}, text="From the inventory model (sipha.network.inventory_model) of the "
                                               "run that made this report."),
              topology.picture(d), topology.listing(d))


def legend(hosts: t.Sequence[str], marks: t.Sequence[t.Tuple[str, str]], silence: str = "measured silence") -> str:
    """What the timelines' colours mean: one swatch per host (or answered), lost, shaded silence, marks."""
    items = [el("span", {}, el("i", {"style": "background:var(--h%d)" % min(i, 3)}), text="answered by %s" % host
                if host else "answered") for i, host in enumerate(hosts)]
    items += [el("span", {}, el("i", {"style": "background:var(--lost)"}), text="lost (placed by number)"),
              el("span", {}, el("i", {"style": "background:var(--gap);opacity:.5"}), text=silence)]
    items += [el("span", {}, el("i", {"style": "background:var(--%s)" % kind}), text=text) for kind, text in marks]
    return el("div", {"class": "legend"}, *items)


def definitions(items: t.Sequence[t.Tuple[str, str]]) -> str:
    """The section that says how each figure is defined."""
    body = []
    for term, text in items:
        body += [el("dt", text=term), el("dd", text=text)]
    return el("section", {"id": "definitions"}, el("h2", text="How the figures are defined"),
              el("dl", {"class": "defs"}, *body))
