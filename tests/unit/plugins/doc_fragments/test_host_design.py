"""The host_design doc fragment documents exactly the argument spec it is paired with (_host/modules.DESIGN_SPEC)."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.sipha.network.plugins.doc_fragments.host_design import ModuleDocFragment
from ansible_collections.sipha.network.plugins.module_utils._host.modules import DESIGN_SPEC

DOCUMENTED = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]


def test_same_options():
    assert sorted(DOCUMENTED) == sorted(DESIGN_SPEC)


@pytest.mark.parametrize("name", sorted(DESIGN_SPEC))
@pytest.mark.parametrize("key", ["type", "choices", "default", "required"])
def test_same_type_choices_default_required(name, key):
    spec, doc = DESIGN_SPEC[name], DOCUMENTED[name]
    assert doc.get(key, False if key == "required" else None) == spec.get(key, False if key == "required" else None)
