"""playbooks/tasks/drill_report.yml, as both drills include it: the design from the inventory model, the records and
the page written on the controller - the page is exactly what the records file renders to. The drills' own facts
come from the synthetic drills (tests/unit/data/drill_report.yml); the inventory's hosts cannot be reached
(test_site_stops_at_design's inventory): the tasks run on the controller only."""

from __future__ import annotations

import json
import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.filter.drill_report import drill_report_html
from ansible_collections.sipha.network.tests.unit.playbooks.test_site_stops_at_design import DATA, inventory, run_site
from ansible_collections.sipha.network.tests.unit.plugins.module_utils._report import synthetic

ROOT = pathlib.Path(__file__).resolve().parents[3]
#: the synthetic drills' clients, moved into the base inventory's device network
CLIENTS = {"198.18.2.50": "203.0.113.50", "198.18.3.50": "203.0.113.51", "198.18.4.5": "192.0.2.5"}


def _facts(kind):
    data = synthetic.load(CLIENTS)
    if kind == "failover":
        return {"sipha__drill_reports": synthetic.switchovers(data), "sipha__drill_duration": 6,
                "sipha_drill_rate": data["failover"]["rate"]}
    timeline, logs, report = synthetic.failure_inputs(data)
    return {"sipha__fd_timeline": timeline, "sipha__fd_path_logs": logs, "sipha__fd_report": {"rows": report["rows"]},
            "sipha_drill_probe_rate": data["failure"]["rate"], "sipha_drill_scs_host": "scs"}


def _play(tmp_path, kind):
    inv = yaml.safe_load(inventory(tmp_path, DATA["base"]["hosts"], DATA["base"]["routers"]).read_text())
    inv["all"]["children"]["sip_clients"] = {"hosts": {"phone1": {"sipha_client_address": "203.0.113.50"},
                                                       "phone2": {"sipha_client_address": "203.0.113.51"}}}
    inv["all"]["children"]["sipha_management"] = {"hosts": {"scs": {"sipha_client_address": "192.0.2.5"}}}
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump(inv))
    play = [{"name": "The drill report's tasks", "hosts": "sip_pair", "gather_facts": False,
             "vars": {"sipha_drill_report_file": str(tmp_path / "out" / "drill-report.html"),
                      "sipha_drill_clients": "{{ groups['sip_clients'] }}"},
             "tasks": [{"name": "Design", "ansible.builtin.include_tasks": str(ROOT / "playbooks/tasks/design.yml")},
                       {"name": "Report", "ansible.builtin.include_tasks":
                        str(ROOT / "playbooks/tasks/drill_report.yml"), "run_once": True,
                        "vars": {"sipha__report_kind": kind, "sipha__report_holder": "sip-a",
                                 "sipha__report_title": "<b>%s</b> drill" % kind,
                                 "sipha__report_settings": {"rate": "{{ 200 }}"}}}]}]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    (tmp_path / "facts.json").write_text(json.dumps(_facts(kind)))
    (tmp_path / "out").mkdir()
    return run_site(tmp_path / "hosts.yml", tmp_path, str(tmp_path / "play"),   # an absolute path: ours
                    ("-e", "@%s" % (tmp_path / "facts.json")))


@pytest.mark.parametrize("kind", ["failover", "failure"])
def test_the_report_and_its_records_are_written_on_the_controller(tmp_path, kind):
    result = _play(tmp_path, kind)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    page = (tmp_path / "out" / "drill-report.html").read_text()
    records = json.loads((tmp_path / "out" / "drill-report.json").read_text())
    assert page == drill_report_html(records)            # the page is what its records file renders to
    design = records["design"]
    assert (design["pair"], design["vip"], design["holder"]) == ("pair-1", "198.51.100.10", "sip-a")
    assert design["routers"]["edge-b"] == {"address": "198.51.100.3", "vendor": "ios", "vrf": "VOICE"}
    assert design["hosts"]["sip-b"]["sip_nic"] == {"name": "ens224", "address": "198.51.100.12/25"}
    assert design["clients"] == {"phone1": "203.0.113.50", "phone2": "203.0.113.51"}
    assert design["management"] == ({"name": "scs", "address": "192.0.2.5"} if kind == "failure" else None)
    assert records["title"] == "<b>%s</b> drill" % kind and "&lt;b&gt;%s&lt;/b&gt; drill" % kind in page
    assert records["settings"] == {"rate": 200} and records["generated"].endswith(" UTC")
    if kind == "failover":
        assert [sw["clients"]["phone1"]["lost"] for sw in records["switchovers"]] == [3, 59]
        assert records["switchovers"][0]["down"]["started_epoch"] == synthetic.T0 + 102.6
    else:
        assert len(records["rows"]) == 14 and sorted(records["paths"]) == ["HA sync", "SIP phone1 to the VIP"]
        assert records["timeline"][2]["workaround"]["end"] == synthetic.T0 + 12.0
