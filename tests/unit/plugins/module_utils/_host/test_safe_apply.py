"""The controller path check and the detached rollback."""

from __future__ import annotations

import os

import pytest

from ansible_collections.sipha.network.plugins.module_utils._host import rollback as _rollback
from ansible_collections.sipha.network.plugins.module_utils._host.modules import controller_path_problem
from ansible_collections.sipha.network.plugins.module_utils._model.kernel import Route

DEFAULT = Route(254, "0.0.0.0/0", "eth0", gateway="192.0.2.1")
ADDRS = {"eth0": ["192.0.2.21/24"], "eth1": ["198.51.100.11/25"]}


@pytest.mark.parametrize("client,server,addresses,routes,problem", [
    ("192.0.2.50", "192.0.2.21", ADDRS, [], None),                          # on the connected subnet
    ("203.0.113.9", "192.0.2.21", ADDRS, [DEFAULT], None),                  # via the default route
    ("203.0.113.9", "192.0.2.21", ADDRS, [], "no route would lead back"),    # nothing leads back
    ("192.0.2.50", "192.0.2.21", {"eth0": ["192.0.2.22/24"], "eth1": []}, [DEFAULT],
     "which would no longer be an address"),                                # renumbered management address
])
def test_controller_path(client, server, addresses, routes, problem):
    found = controller_path_problem(client, server, addresses, routes)
    if problem is None:
        assert found is None
    else:
        assert problem in found


@pytest.fixture
def jobs(tmp_path, monkeypatch):
    monkeypatch.setattr(_rollback, "JOB_DIR", str(tmp_path))
    return tmp_path


def test_unconfirmed_change_is_undone_at_the_deadline(jobs):
    marker = jobs / "undone"
    armed = _rollback.arm([["sh", "-c", 'echo undone > "$1"', "sh", str(marker)]], 1, ["+ address x"])
    assert _rollback.status(armed["token"])["state"] == "armed"
    os.waitpid(armed["pid"], 0)   # the restorer is our child here; it ends by itself after the deadline
    state = _rollback.status(armed["token"])
    assert state["state"] == "rolled_back"
    assert state["rolled_back_at"] >= armed["deadline"]
    assert state["results"][0]["rc"] == 0 and marker.read_text() == "undone\n"


def test_confirmed_change_stays(jobs):
    marker = jobs / "undone"
    armed = _rollback.arm([["sh", "-c", 'echo undone > "$1"', "sh", str(marker)]], 1, ["+ address x"])
    assert _rollback.confirm(armed["token"])["state"] == "confirmed"
    os.waitpid(armed["pid"], 0)   # the restorer has seen the confirmation and exited
    assert _rollback.status(armed["token"])["state"] == "confirmed"
    assert not marker.exists()


def test_external_rollback_confirm_runs_its_command(jobs):
    marker = jobs / "destroyed"
    armed = _rollback.arm_external(["sh", "-c", 'echo ok > "$1"', "sh", str(marker)], 30, ["x"], "test")
    assert _rollback.confirm(armed["token"])["state"] == "confirmed"
    assert marker.read_text() == "ok\n"


def test_external_rollback_reported_after_deadline(jobs):
    armed = _rollback.arm_external(["false"], -1, ["x"], "test")   # deadline already passed
    assert _rollback.status(armed["token"])["state"] == "rolled_back"


def test_bad_token_is_refused(jobs):
    with pytest.raises(ValueError):
        _rollback.status("../../etc/passwd")
