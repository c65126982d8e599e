"""Shared fixture: run a module in-process and return its JSON result."""

from __future__ import annotations

import json
import typing as t

import pytest

from ansible.module_utils.testing import patch_module_args


class ModuleResult(dict):
    @property
    def failed(self) -> bool:
        return bool(self.get("failed"))


@pytest.fixture
def run_module(capsys: pytest.CaptureFixture[str]) -> t.Callable[..., ModuleResult]:
    """Run ``runner()`` (a module's run_module) with params; return its JSON result."""

    def run(runner: t.Callable[[], None], params: t.Dict[str, t.Any], check_mode: bool = False,
            diff: bool = False) -> ModuleResult:
        args = dict(params)
        args["_ansible_check_mode"] = check_mode
        args["_ansible_diff"] = diff
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                runner()
        out = capsys.readouterr().out
        return ModuleResult(json.loads(out))

    return run
