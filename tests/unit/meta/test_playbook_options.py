"""meta/playbook_options.yml against the playbooks it describes and the roles it passes options to, and the AWX
content's surveys against it: no drift in defaults, types or names."""

from __future__ import annotations

import pathlib
import re

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._awx import survey as sv
from ansible_collections.sipha.network.tests.devsim.awx import load_content

ROOT = pathlib.Path(__file__).parents[3]
OPTIONS = yaml.safe_load((ROOT / "meta" / "playbook_options.yml").read_text())["playbooks"]
PLAYBOOK_TEXT = "\n".join(path.read_text() for path in sorted((ROOT / "playbooks").rglob("*.yml"))
                          if "vars" not in path.parts)

CONTENT = load_content(str(ROOT))
ALL = [(book, name, option) for book, entry in OPTIONS.items() for name, option in entry["options"].items()]


def defaults_in_playbooks(variable):
    """Every default the playbooks give ``variable``: a play's vars:, and each ``variable | default(...)``."""
    pattern = r"\b%s\s*\|\s*default\(([^()]*)\)" % variable
    found = [yaml.safe_load(m.group(1)) for m in re.finditer(pattern, PLAYBOOK_TEXT)]
    for path in (ROOT / "playbooks").glob("*.yml"):
        for play in yaml.safe_load(path.read_text()) or []:
            if variable in (play.get("vars") or {}):
                found.append(play["vars"][variable])
    return found


def test_every_playbook_described_exists():
    assert sorted(OPTIONS) == sorted(p.stem for p in (ROOT / "playbooks").glob("*.yml")
                                     if p.stem not in ("routers", "sip_host_network", "sip_qos", "awx_setup"))


@pytest.mark.parametrize("book, name, option", ALL, ids=["%s.%s" % (b, n) for b, n, _o in ALL])
def test_an_option_agrees_with_the_playbook_or_the_role_it_feeds(book, name, option):
    assert name in PLAYBOOK_TEXT, "%s is not read by any playbook" % name
    if "role_option" in option:
        role, entry, role_name = option["role_option"].split("/")
        spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
        target = spec["argument_specs"][entry]["options"][role_name]
        assert (target["type"], target.get("default"), target.get("choices")) == \
            (option["type"], option.get("default"), option.get("choices")), (name, target)
        return
    found = defaults_in_playbooks(name)
    assert found, "%s: no default in the playbooks to compare with" % name
    assert all(value == option["default"] for value in found), (name, option["default"], found)
    if option["type"] == "bool":              # survey answers are strings: "false" must not read as true
        uses = re.findall(r"\b%s\b(?!:)(\s*\|\s*default\([^()]*\))?(\s*\|\s*bool)?" % name, PLAYBOOK_TEXT)
        expressions = [use for use in uses if use[0] or use[1]]
        assert expressions and all(use[1] for use in expressions), (name, uses)


@pytest.mark.parametrize("template", CONTENT["sipha_awx_job_templates"], ids=lambda t: t["name"])
def test_each_job_template_survey_builds_and_its_defaults_launch(template):
    survey = sv.build_survey(template["name"], template["survey"], OPTIONS[template["playbook"]]["options"])
    assert sv.survey_errors(survey) == []
    assert sv.answer_errors(survey, {}) == []
    fixed = set(template.get("extra_vars", {}))
    assert fixed <= set(OPTIONS[template["playbook"]]["options"]) and not fixed & {q["variable"] for q in
                                                                                   template["survey"]}


def test_the_workflow_runs_job_templates_that_exist():
    names = {t["name"] for t in CONTENT["sipha_awx_job_templates"]}
    for workflow in CONTENT["sipha_awx_workflows"]:
        identifiers = {node["identifier"] for node in workflow["nodes"]}
        for node in workflow["nodes"]:
            assert node["job_template"] in names and set(node.get("success", [])) <= identifiers
