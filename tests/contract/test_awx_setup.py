"""playbooks/awx_setup.yml through the awx.awx modules' own code against tests/devsim/awx.py (AWX's API, in
shape, on 127.0.0.1): every object is created, every survey is one AWX's rules take, the second run changes
nothing, and a survey that asks for what the playbook does not take fails before any request."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from ansible_collections.sipha.network.tests.contract.conftest import ROOT
from ansible_collections.sipha.network.tests.devsim.awx import FakeController, load_content

PROJECT = "https://git.example.net/voice/sip-ha.git"


@pytest.fixture()
def controller():
    api = FakeController()
    yield api
    api.close()


def run(controller, tmp_path, *extra):
    cfg = tmp_path / "ansible.cfg"
    cfg.write_text("[defaults]\n")
    env = dict(os.environ, CONTROLLER_HOST=controller.url, CONTROLLER_OAUTH_TOKEN="sipha-test-token",
               CONTROLLER_VERIFY_SSL="false", ANSIBLE_CONFIG=str(cfg), ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections"),
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    argv = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
            os.path.join(ROOT, "playbooks", "awx_setup.yml"), "-e", "sipha_awx_project_url=" + PROJECT] + list(extra)
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def recap(out):
    found = re.search(r"localhost\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", out)
    assert found, out
    return {key: int(value) for key, value in zip(("ok", "changed", "unreachable", "failed"), found.groups())}


def content():
    return load_content(ROOT)


def test_the_content_lands_and_a_second_run_changes_nothing(controller, tmp_path):
    rc, out = run(controller, tmp_path)
    assert rc == 0 and recap(out)["failed"] == 0, out
    wanted = content()
    templates = {item["name"]: item for item in controller.objects["job_templates"].values()}
    assert sorted(templates) == sorted(item["name"] for item in wanted["sipha_awx_job_templates"])
    for item in wanted["sipha_awx_job_templates"]:
        made = templates[item["name"]]
        assert made["playbook"] == "playbooks/%s.yml" % item["playbook"] and made["survey_enabled"] is True
        survey = controller.survey(item["name"])
        assert [q["variable"] for q in survey["spec"]] == [q["variable"] for q in item["survey"]]
        assert [c["name"] for c in controller.linked("job_templates", item["name"], "credentials")] == \
            ["SIP hosts - operator with sudo"]
        assert made["execution_environment"] == controller.named("execution_environments", "sipha.network")["id"]
    drill = templates["SIP HA - Failover drill"]
    assert "sipha_drill_confirm" not in json.loads(drill["extra_vars"] or "{}")   # never fixed in a template
    types = {item["name"]: item for item in controller.objects["credential_types"].values()}
    flush = types["SIP HA pair flush key"]
    assert flush["injectors"]["file"] == {"template.flush_key": "{{ private_key }}"}       # AWX's template, verbatim
    assert flush["injectors"]["extra_vars"]["sipha_flush_private_key_src"] == "{{ tower.filename.flush_key }}"
    assert [f["secret"] for f in flush["inputs"]["fields"] if f["id"] == "private_key"] == [True]
    assert types["SIP HA pinned router host keys"]["injectors"] == {
        "extra_vars": {"sipha_pinned_host_keys": "{{ host_keys }}"}}
    assert controller.settings["AWX_TASK_ENV"] == {"HTTPS_PROXY": "http://proxy.example.net:3128",   # merged
                                                   "ANSIBLE_HOST_KEY_CHECKING": "True"}
    machine = controller.named("credentials", "SIP hosts - operator with sudo")
    assert machine["inputs"] == {"username": "sipha-operator", "become_method": "sudo"}
    nodes = {node["identifier"]: node for node in controller.objects["workflow_job_template_nodes"].values()}
    assert sorted(nodes) == ["rollout", "validate"]
    success = controller.links.get(nodes["rollout"]["url"] + "success_nodes/", [])
    assert success == [nodes["validate"]["id"]]
    assert controller.refused == []
    writes = [r for r in controller.requests if r[0] != "GET"]
    rc, out = run(controller, tmp_path)
    assert rc == 0 and recap(out)["changed"] == 0, out
    assert [r for r in controller.requests if r[0] != "GET"] == writes          # the second run wrote nothing


def test_check_mode_on_a_loaded_controller_shows_a_change_and_writes_nothing(controller, tmp_path):
    assert run(controller, tmp_path)[0] == 0
    wanted = content()
    wanted["sipha_awx_job_templates"][3]["survey"][1]["max"] = 10          # fewer drill switchovers allowed
    override = tmp_path / "change.yml"
    override.write_text(json.dumps({"sipha_awx_job_templates": wanted["sipha_awx_job_templates"]}))
    writes = [r for r in controller.requests if r[0] != "GET"]
    rc, out = run(controller, tmp_path, "--check", "-e", "@" + str(override))
    assert rc == 0 and recap(out)["changed"] == 1 and "changed: [localhost] => (item=SIP HA - Failover drill)" in out, out
    assert [r for r in controller.requests if r[0] != "GET"] == writes
    assert controller.survey("SIP HA - Failover drill")["spec"][1]["max"] == 20


def test_a_credential_type_injecting_an_ansible_variable_is_refused_as_awx_refuses_it(controller, tmp_path):
    with open(os.path.join(ROOT, "playbooks", "vars", "awx_content.yml"), encoding="utf-8") as handle:
        text = handle.read()          # as YAML, so the injectors stay !unsafe (AWX's templates, not Ansible's)
    marker = "        sipha_pinned_host_keys: "
    assert marker in text
    override = tmp_path / "env.yml"
    override.write_text(text.replace(marker, '      env: {ANSIBLE_HOST_KEY_CHECKING: "True"}\n      extra_vars:\n'
                                     + marker, 1).replace("      extra_vars:\n      env:", "      env:"))
    rc, out = run(controller, tmp_path, "-e", "@" + str(override))
    assert rc != 0 and "may affect Ansible configuration" in out, out


def test_a_survey_asking_for_what_the_playbook_does_not_take_fails_before_any_request(controller, tmp_path):
    wanted = content()
    wanted["sipha_awx_job_templates"][2]["survey"].append({"variable": "sipha_drill_switchovers",
                                                           "question_name": "Switchovers"})
    override = tmp_path / "bad.yml"
    override.write_text(json.dumps({"sipha_awx_job_templates": wanted["sipha_awx_job_templates"]}))
    rc, out = run(controller, tmp_path, "-e", "@" + str(override))
    assert rc != 0 and "job template 'SIP HA - Validate', survey question 1 (sipha_drill_switchovers): " \
        "sipha_drill_switchovers is not an option of the playbook (it takes: sipha_pairs_group)" in out, out
    assert controller.requests == []
