"""Invalid inputs are rejected with a message naming the field (data/invalid_inputs.yml)."""

from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.sipha.network.plugins.filter.qos import FilterModule
from ansible_collections.sipha.network.plugins.module_utils._qos.sip_tos import run_module as sip_tos


CASES = yaml.safe_load((pathlib.Path(__file__).parents[1] / "data" / "invalid_inputs.yml").read_text())
FILTERS = FilterModule().filters()


def test_there_are_enough_cases():
    assert len(CASES) >= 15
    assert len({case["id"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_rejected_naming_the_field(case, run_module, tmp_path):
    kind, name = case["call"].split(":")
    if kind == "filter":
        with pytest.raises(AnsibleFilterError) as err:
            FILTERS[name](*case["args"])
        message = str(err.value)
        assert message.startswith("sipha.network.%s: %s: " % (name, case["field"])), message
    else:
        params = {k: (v.replace("@tmp@", str(tmp_path)) if isinstance(v, str) else v)
                  for k, v in case["args"].items()}
        result = run_module(sip_tos, params)
        assert result.failed, result
        assert case["field"] in result["msg"], result["msg"]
        # nothing was written
        assert list(tmp_path.iterdir()) == []
