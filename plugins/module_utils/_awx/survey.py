# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""AWX job-template surveys built from the playbooks' run-time options, and AWX's own rules for them.

Private module: no compatibility promise outside this collection. Pure: no I/O.

A survey question here names a variable and its wording only; its type,
choices and default come from the playbook's option (meta/playbook_options.yml,
in a role's argument-spec format), so a survey cannot drift from what the
playbook takes. ``survey_errors`` applies the checks AWX's API applies when a
survey spec is saved (awx/api/views/__init__.py, JobTemplateSurveySpec.
_validate_spec_data, with the question types of awx/main/constants.py
SURVEY_TYPE_MAPPING); ``answer_errors`` those a launch applies to the answers
(required, choices, integer and length bounds). Both return every problem, each
naming the template, the variable, the rule and the value.
"""

from __future__ import annotations

import typing as t

__all__ = ["QUESTION_TYPES", "SurveyError", "answer_errors", "build_survey", "survey_errors"]

#: AWX's question types and the Python types it accepts for their defaults (SURVEY_TYPE_MAPPING)
QUESTION_TYPES: t.Dict[str, t.Tuple[type, ...]] = {
    "text": (str,), "textarea": (str,), "password": (str,), "multiplechoice": (str,), "multiselect": (str,),
    "integer": (int,), "float": (float, int),
}
_CHOICE_TYPES = ("multiplechoice", "multiselect")
#: what a question may say beyond its option: the wording, and bounds AWX checks at launch
_QUESTION_KEYS = ("variable", "question_name", "question_description", "required", "min", "max", "new_question")


class SurveyError(ValueError):
    """A survey that AWX would refuse, or that does not match its playbook; the message names every problem."""


def _choices(item: t.Mapping[str, t.Any]) -> t.List[str]:
    choices = item.get("choices", [])
    if isinstance(choices, str):
        return [line for line in choices.splitlines() if line.strip()]
    return list(choices) if isinstance(choices, list) else []


def _is_a(value: t.Any, types: t.Tuple[type, ...]) -> bool:
    return isinstance(value, types) and not isinstance(value, bool)   # AWX's JSON has no bool for a number


def _question_type(option: t.Mapping[str, t.Any]) -> str:
    kind = option.get("type", "str")
    if option.get("no_log"):
        return "password"
    if kind == "bool":
        return "multiplechoice"
    if kind == "int":
        return "integer"
    if kind == "float":
        return "float"
    if kind == "list":
        if option.get("choices"):
            return "multiselect"
        raise SurveyError("a list option without choices cannot be a survey question")
    if kind == "str":
        return "multiplechoice" if option.get("choices") else "text"
    raise SurveyError("an option of type %s cannot be a survey question" % kind)


def _survey_default(option: t.Mapping[str, t.Any], qtype: str) -> t.Any:
    default = option.get("default")
    if default is None:
        return ""
    if option.get("type") == "bool":
        return "true" if default else "false"
    if qtype == "multiselect":
        return "\n".join(str(item) for item in default)
    return default


def build_survey(template: str, questions: t.Sequence[t.Mapping[str, t.Any]],
                 options: t.Mapping[str, t.Mapping[str, t.Any]], description: str = "") -> t.Dict[str, t.Any]:
    """The survey spec of job template ``template`` from its ``questions`` (variable, question_name, optional
    question_description, required, min, max) and its playbook's ``options``. Raises SurveyError naming every
    question that asks for something the playbook does not take, then every rule of AWX's it would break."""
    problems: t.List[str] = []
    spec: t.List[t.Dict[str, t.Any]] = []
    for index, question in enumerate(questions):
        variable = question.get("variable") if isinstance(question, t.Mapping) else None
        where = "job template %r, survey question %d (%s)" % (template, index, variable or "no variable")
        if not isinstance(question, t.Mapping) or not isinstance(variable, str):
            problems.append("%s: must be a mapping with a variable" % where)
            continue
        unknown = sorted(set(question) - set(_QUESTION_KEYS))
        if unknown:
            problems.append("%s: %s may not be set in a question (the playbook's option gives the type, the "
                            "choices and the default)" % (where, ", ".join(unknown)))
        option = options.get(variable)
        if option is None:
            problems.append("%s: %s is not an option of the playbook (it takes: %s)"
                            % (where, variable, ", ".join(sorted(options)) or "none"))
            continue
        try:
            qtype = _question_type(option)
        except SurveyError as exc:
            problems.append("%s: %s" % (where, exc))
            continue
        item: t.Dict[str, t.Any] = {
            "type": qtype, "variable": variable, "question_name": question.get("question_name", variable),
            "question_description": question.get("question_description", _description(option)),
            "required": question.get("required", True), "default": _survey_default(option, qtype),
        }
        if option.get("type") == "bool":
            item["choices"] = ["false", "true"]
        elif qtype in _CHOICE_TYPES:
            item["choices"] = [str(choice) for choice in option["choices"]]
        for bound in ("min", "max"):
            if bound in question:
                item[bound] = question[bound]
        spec.append(item)
    survey = {"name": template, "description": description or "Run-time choices of %s" % template, "spec": spec}
    problems.extend(survey_errors(survey, template))
    if problems:
        raise SurveyError("; ".join(problems))
    return survey


def _description(option: t.Mapping[str, t.Any]) -> str:
    text = option.get("description", "")
    return " ".join(text) if isinstance(text, list) else str(text)


def survey_errors(survey: t.Any, template: str = "") -> t.List[str]:
    """Every reason AWX's API would refuse to save this survey spec (an empty list: it takes it)."""
    name = "job template %r" % template if template else "the survey"
    if not isinstance(survey, t.Mapping):
        return ["%s: a survey spec must be a mapping (got %s)" % (name, type(survey).__name__)]
    problems = []
    for field, kind, label in (("name", str, "string"), ("description", str, "string"), ("spec", list, "list")):
        if field not in survey:
            problems.append("%s: survey field %r is missing" % (name, field))
        elif not isinstance(survey[field], kind):
            got = type(survey[field]).__name__
            problems.append("%s: survey field %r must be a %s (got %s)" % (name, field, label, got))
    if problems:
        return problems
    if not survey["spec"]:
        return ["%s: the survey has no questions ('spec' doesn't contain any items)" % name]
    seen: t.Set[str] = set()
    for index, item in enumerate(survey["spec"]):
        problems.extend(_item_errors(name, index, item, seen))
    return problems


def _item_errors(name: str, index: int, item: t.Any, seen: t.Set[str]) -> t.List[str]:
    where = "%s, survey question %d" % (name, index)
    if not isinstance(item, t.Mapping):
        return ["%s: must be a mapping (a JSON object)" % where]
    for field, kind in (("type", str), ("question_name", str), ("variable", str), ("required", bool)):
        if field not in item:
            return ["%s: %r is missing" % (where, field)]
        if not isinstance(item[field], kind):
            return ["%s: %r must be a %s (got %r)" % (where, field, "boolean" if kind is bool else "string",
                                                      item[field])]
    where = "%s (%s)" % (where, item["variable"])
    problems = []
    if item["variable"] in seen:
        problems.append("%s: variable %r is asked twice" % (where, item["variable"]))
    seen.add(item["variable"])
    qtype = item["type"]
    if qtype not in QUESTION_TYPES:
        return problems + ["%s: type %r is not one of AWX's question types (%s)"
                           % (where, qtype, ", ".join(QUESTION_TYPES))]
    default = item.get("default", "")
    if default != "" and not _is_a(default, QUESTION_TYPES[qtype]):
        problems.append("%s: default %r must be a %s for a %s question" % (
            where, default, "number" if qtype in ("integer", "float") else "string", qtype))
    for bound in ("min", "max"):
        if item.get(bound) is not None and not _is_a(item[bound], (int,)):
            problems.append("%s: %s %r must be an integer" % (where, bound, item[bound]))
    if qtype in _CHOICE_TYPES:
        problems.extend(_choice_errors(where, item))
    if isinstance(default, str) and default.startswith("$encrypted$"):
        problems.append("%s: $encrypted$ is AWX's reserved word for a stored password, not a default" % where)
    return problems


def _choice_errors(where: str, item: t.Mapping[str, t.Any]) -> t.List[str]:
    if "choices" not in item:
        return ["%s: a %s question must list its choices" % (where, item["type"])]
    choices = _choices(item)
    if not choices:
        return ["%s: choices must be a list or newline-separated string of answers (got %r)"
                % (where, item["choices"])]
    default = item.get("default", "")
    defaults = [line for line in default.splitlines() if line.strip()] if isinstance(default, str) else []
    problems = []
    if item["type"] == "multiplechoice" and len(defaults) > 1:
        problems.append("%s: a multiplechoice question has one default (got %r)" % (where, default))
    missing = [value for value in defaults if value not in choices]
    if missing:
        problems.append("%s: default %s not among the choices %s" % (where, ", ".join(map(repr, missing)), choices))
    return problems


def answer_errors(survey: t.Mapping[str, t.Any], answers: t.Mapping[str, t.Any], template: str = "") -> t.List[str]:
    """Every reason AWX would refuse to launch with these survey ``answers`` (the extra vars it then passes)."""
    name = "job template %r" % template if template else "the survey"
    problems = []
    for item in survey.get("spec", []):
        variable = item["variable"]
        where = "%s, survey answer %s" % (name, variable)
        if variable not in answers or answers[variable] in ("", None):
            if item.get("required") and item.get("default", "") == "":
                problems.append("%s: required, and it has no default" % where)
            continue
        value = answers[variable]
        qtype = item["type"]
        low, high = item.get("min"), item.get("max")
        if qtype in ("integer", "float"):
            if not _is_a(value, QUESTION_TYPES[qtype]):
                problems.append("%s: must be a number (got %r)" % (where, value))
            elif (low is not None and value < low) or (high is not None and value > high):
                problems.append("%s: %r is outside %s..%s" % (where, value, low, high))
        elif qtype == "multiselect":
            picked = value if isinstance(value, list) else [value]
            wrong = [choice for choice in picked if choice not in _choices(item)]
            if wrong:
                problems.append("%s: %r not among the choices %s" % (where, wrong, _choices(item)))
        elif not isinstance(value, str):
            problems.append("%s: must be a string (got %r)" % (where, value))
        elif qtype == "multiplechoice" and value not in _choices(item):
            problems.append("%s: %r is not among the choices %s" % (where, value, _choices(item)))
        elif (low is not None and len(value) < low) or (high is not None and len(value) > high):
            problems.append("%s: %d characters, outside %s..%s" % (where, len(value), low, high))
    return problems
