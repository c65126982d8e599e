# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters for the collection's AWX content: job-template surveys built from the playbooks' run-time options."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.sipha.network.plugins.module_utils._awx import survey as sv


def awx_survey(questions: t.Any, options: t.Any, template: t.Any = "") -> t.Dict[str, t.Any]:
    """The AWX survey spec of a job template, each question typed from the playbook option it asks for."""
    if not isinstance(questions, list):
        raise AnsibleFilterError("sipha.network.awx_survey: job template %r: the questions must be a list (got %s)"
                                 % (template, type(questions).__name__))
    if not isinstance(options, dict):
        raise AnsibleFilterError("sipha.network.awx_survey: job template %r: the playbook's options must be a "
                                 "mapping from meta/playbook_options.yml (got %s)" % (template, type(options).__name__))
    try:
        return sv.build_survey(str(template), questions, options)
    except sv.SurveyError as err:
        raise AnsibleFilterError("sipha.network.awx_survey: %s" % err)


class FilterModule:
    """AWX content."""

    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"awx_survey": awx_survey}
