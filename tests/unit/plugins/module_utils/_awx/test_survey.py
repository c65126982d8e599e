"""AWX's survey rules (tests/unit/data/awx_surveys.yml) and surveys built from playbook options."""

from __future__ import annotations

import copy
import pathlib

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._awx import survey as sv

DATA = yaml.safe_load((pathlib.Path(__file__).parents[3] / "data" / "awx_surveys.yml").read_text())


def spec_of(case):
    if "spec" in case:
        return case["spec"]
    spec = copy.deepcopy(DATA["base"])
    for field in case.get("drop", []):
        del spec[field]
    spec.update(copy.deepcopy(case.get("set", {})))
    if "item" in case and isinstance(spec.get("spec"), list):
        spec["spec"][0].update(case["item"])
    return spec


def check(errors, expected):
    for part in expected:
        assert any(part in line for line in errors), (part, errors)
    assert len(errors) == len(expected), errors
    for line in errors:
        assert "Traceback" not in line and "NoneType" not in line, line


@pytest.mark.parametrize("case", DATA["specs"], ids=[c["id"] for c in DATA["specs"]])
def test_awx_rules_for_a_survey_spec(case):
    check(sv.survey_errors(spec_of(case), "SIP HA - Failover drill"), case["errors"])


@pytest.mark.parametrize("case", DATA["answers"], ids=[c["id"] for c in DATA["answers"]])
def test_awx_rules_for_the_answers_at_launch(case):
    check(sv.answer_errors(spec_of(case), case["answers"], "SIP HA - Failover drill"), case["errors"])


OPTIONS = {
    "count": {"type": "int", "default": 4, "description": ["How many.", "Alternating."]},
    "loss": {"type": "bool", "default": True},
    "mode": {"type": "str", "choices": ["a", "b"], "default": "a"},
    "name": {"type": "str", "default": ""},
    "secret": {"type": "str", "no_log": True},
    "picks": {"type": "list", "elements": "str", "choices": ["x", "y"], "default": ["x"]},
    "bag": {"type": "dict"},
}


def test_each_option_type_becomes_the_question_awx_has_for_it():
    questions = [{"variable": name, "question_name": name.title()} for name in OPTIONS if name != "bag"]
    survey = sv.build_survey("T", questions, OPTIONS)
    by_variable = {item["variable"]: item for item in survey["spec"]}
    assert by_variable["count"] == {"type": "integer", "variable": "count", "question_name": "Count",
                                    "question_description": "How many. Alternating.", "required": True, "default": 4}
    assert by_variable["loss"]["type"] == "multiplechoice" and by_variable["loss"]["default"] == "true"
    assert by_variable["loss"]["choices"] == ["false", "true"]
    assert (by_variable["mode"]["type"], by_variable["mode"]["choices"]) == ("multiplechoice", ["a", "b"])
    assert by_variable["name"]["type"] == "text" and by_variable["secret"]["type"] == "password"
    assert (by_variable["picks"]["type"], by_variable["picks"]["default"]) == ("multiselect", "x")
    assert sv.survey_errors(survey) == []


@pytest.mark.parametrize("question, expected", [
    ({"variable": "nope", "question_name": "N"}, "survey question 0 (nope): nope is not an option of the playbook "
                                                 "(it takes: bag, count"),
    ({"variable": "bag", "question_name": "B"}, "an option of type dict cannot be a survey question"),
    ({"variable": "count", "question_name": "C", "type": "text"}, "type may not be set in a question"),
    ({"variable": "count", "question_name": "C", "min": "1"}, "min '1' must be an integer"),
    ({"variable": "count", "question_name": 5}, "'question_name' must be a string (got 5)"),
    ("count", "survey question 0 (no variable): must be a mapping with a variable"),
])
def test_a_question_the_playbook_cannot_take_is_named(question, expected):
    with pytest.raises(sv.SurveyError) as err:
        sv.build_survey("SIP HA - Validate", [question], OPTIONS)
    assert expected in str(err.value) and "job template 'SIP HA - Validate'" in str(err.value)


def test_a_list_option_without_choices_is_refused():
    with pytest.raises(sv.SurveyError, match="a list option without choices"):
        sv.build_survey("T", [{"variable": "l", "question_name": "L"}], {"l": {"type": "list"}})
