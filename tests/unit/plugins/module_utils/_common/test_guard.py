# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The apply guard: what it puts back (files and kernel), and that it closes after its deadline."""

from __future__ import annotations

import os
import time

import pytest

from ansible_collections.sipha.network.plugins.module_utils._common import guard

OLD = {
    "addresses": {"eth0": ["198.51.100.11/25", "198.51.100.10/32"], "eth1": ["192.0.2.21/24"]},
    "mtu": {"eth0": 1500, "eth1": 1500},
    "routes": [["default", "table", "254", "dev", "eth1", "via", "192.0.2.1"],
               ["203.0.113.0/24", "table", "254", "dev", "eth0", "via", "198.51.100.2"]],
    "rules": [["priority", "1000", "from", "198.51.100.11", "table", "100"]],
    "sysctls": {}, "nft": {},
}


def test_nothing_to_put_back_when_nothing_changed():
    assert guard.restore_kernel_argv(OLD, OLD, ["198.51.100.10"]) == []


def test_a_renumbered_nic_and_a_moved_route_come_back_and_the_vip_is_left_alone():
    now = {
        "addresses": {"eth0": ["198.51.100.11/25"], "eth1": ["192.0.2.22/24"]},   # VIP released meanwhile
        "mtu": {"eth0": 9000, "eth1": 1500},
        "routes": [["default", "table", "254", "dev", "eth1", "via", "192.0.2.1"],
                   ["203.0.113.0/24", "table", "254", "dev", "eth0", "via", "198.51.100.3"]],
        "rules": [["priority", "1000", "from", "198.51.100.11", "table", "100"],
                  ["priority", "1001", "from", "198.51.100.10", "table", "100"]],
        "sysctls": {}, "nft": {},
    }
    steps = guard.restore_kernel_argv(OLD, now, ["198.51.100.10"])
    assert ["-4", "addr", "del", "192.0.2.22/24", "dev", "eth1"] in steps
    assert ["-4", "addr", "add", "192.0.2.21/24", "dev", "eth1"] in steps
    assert not [s for s in steps if "198.51.100.10/32" in s]
    assert ["link", "set", "dev", "eth0", "mtu", "1500"] in steps
    assert ["-4", "route", "del", "203.0.113.0/24", "table", "254", "dev", "eth0", "via", "198.51.100.3"] in steps
    assert ["-4", "route", "replace", "203.0.113.0/24", "table", "254", "dev", "eth0", "via", "198.51.100.2"] in steps
    assert ["-4", "rule", "del", "priority", "1001", "from", "198.51.100.10", "table", "100"] in steps
    # addresses before routes (a route needs its source address back), routes before rules
    kinds = [s[1] if s[0] == "-4" else "link" for s in steps]
    assert kinds.index("route") > max(i for i, k in enumerate(kinds) if k in ("addr", "link"))


def test_route_and_rule_argv_from_ip_json():
    assert guard._route_argv({"dst": "default", "gateway": "192.0.2.1", "dev": "eth1", "protocol": "4",
                              "metric": 100, "flags": ["onlink"]}) == [
        "default", "table", "254", "dev", "eth1", "via", "192.0.2.1", "proto", "4", "metric", "100", "onlink"]
    assert guard._rule_argv({"priority": 1000, "src": "198.51.100.11", "table": "100"}) == [
        "priority", "1000", "from", "198.51.100.11", "table", "100"]
    assert guard._rule_argv({"priority": 5, "src": "198.51.100.0", "srclen": 25, "iif": "eth0", "table": "7"}) == [
        "priority", "5", "from", "198.51.100.0/25", "iif", "eth0", "table", "7"]
    # ip -json -N rule show gives the protocol of a rule networkd (or ip ... proto static) added
    assert guard._rule_argv({"priority": 1000, "src": "198.51.100.11", "table": "100", "protocol": "4"}) == [
        "priority", "1000", "from", "198.51.100.11", "proto", "4", "table", "100"]


def test_a_rule_that_differs_only_in_its_protocol_is_put_back_with_it():
    """The old rule had networkd's protocol; the change left one without: delete that one, add the old one
    with its protocol (so that networkd re-adding its own gives EEXIST, not a duplicate)."""
    empty = {"addresses": {}, "mtu": {}, "routes": [], "sysctls": {}, "nft": {}}
    old = dict(empty, rules=[guard._rule_argv({"priority": 1000, "src": "198.51.100.11", "table": "100", "protocol": "4"})])
    now = dict(empty, rules=[guard._rule_argv({"priority": 1000, "src": "198.51.100.11", "table": "100"})])
    assert guard.restore_kernel_argv(old, now, []) == [
        ["-4", "rule", "del", "priority", "1000", "from", "198.51.100.11", "table", "100"],
        ["-4", "rule", "add", "priority", "1000", "from", "198.51.100.11", "proto", "4", "table", "100"]]


@pytest.fixture
def guarded(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "GUARD_DIR", str(tmp_path / "guard"))
    monkeypatch.setattr(guard, "ACTIVE", str(tmp_path / "guard" / "active"))
    empty = {"addresses": {}, "mtu": {}, "routes": [], "rules": [], "sysctls": {}, "nft": {}}
    monkeypatch.setattr(guard, "snapshot_kernel", lambda *a, **k: empty)
    monkeypatch.setattr(guard, "_restore_kernel", lambda job: [])
    os.makedirs(guard.GUARD_DIR)
    return tmp_path


def arm(timeout=30):
    token = "%032x" % int(time.time() * 1e6)
    guard.record_arm(token, timeout, ["eth0"], [], "ip", None, [], [["true"]], "test")
    return token


def test_files_written_under_the_guard_come_back_and_new_ones_go(guarded):
    kept = guarded / "interfaces"
    kept.write_text("old\n")
    os.chmod(str(kept), 0o640)
    token = arm()
    guard.backup_original(str(kept))
    kept.write_text("new\n")
    guard.backup_original(str(kept))          # only the first original counts
    kept.write_text("newer\n")
    created = guarded / "hook"
    guard.backup_original(str(created))
    created.write_text("#!/bin/sh\n")
    job = guard.restore(token)
    assert kept.read_text() == "old\n" and oct(os.stat(str(kept)).st_mode & 0o777) == "0o640"
    assert not created.exists()
    assert guard.state(token)["state"] == "rolled_back"
    assert ["true"] in [r["argv"] for r in job["results"]]     # the tool read its files again


def test_after_a_rollback_or_the_deadline_nothing_more_is_written(guarded):
    token = arm()
    guard.restore(token)
    with pytest.raises(guard.GuardClosed, match="rolled the change back"):
        guard.backup_original(str(guarded / "x"))
    with pytest.raises(guard.GuardClosed):
        guard.check_open()
    guard.acknowledge(token)
    assert guard.active_token() is None
    guard.check_open()        # no active guard: modules used alone are not refused

    token = arm(timeout=5)
    job = guard.manifest(token)
    job["deadline"] = time.time() - 1
    guard._save(job)
    with pytest.raises(guard.GuardClosed, match="expired"):
        guard.check_open()


def test_a_confirmed_change_stays_and_is_no_longer_guarded(guarded):
    path = guarded / "f"
    path.write_text("old\n")
    token = arm()
    guard.backup_original(str(path))
    path.write_text("new\n")
    assert guard.confirm(token)["state"] == "confirmed"
    assert guard.active_token() is None
    guard.restore(token)
    assert path.read_text() == "new\n"


def test_boot_restores_files_only_and_runs_only_a_generator(guarded):
    path = guarded / "f"
    path.write_text("old\n")
    token = "%032x" % 7
    guard.record_arm(token, 30, ["eth0"], [], "ip", None, [],
                     [["/usr/sbin/netplan", "generate"], ["/usr/bin/networkctl", "reload"]], "test")
    guard.backup_original(str(path))
    path.write_text("new\n")
    assert guard.main(["--boot"]) == 0
    job = guard.manifest(token)
    assert path.read_text() == "old\n" and job["at_boot"]
    ran = [r["argv"] for r in job["results"]]
    assert ["/usr/sbin/netplan", "generate"] in ran and ["/usr/bin/networkctl", "reload"] not in ran


def test_restore_order_kernel_first_then_the_tool_then_the_kernel_again(guarded, monkeypatch):
    calls = []
    monkeypatch.setattr(guard, "_restore_kernel", lambda job: calls.append("kernel") or [])
    monkeypatch.setattr(guard, "_run", lambda argv, stdin=None: calls.append(argv[0]) or {"argv": argv, "rc": 0})
    path = guarded / "f"
    path.write_text("old\n")
    token = arm()
    guard.backup_original(str(path))
    path.write_text("new\n")
    guard.restore(token, by="request")
    assert calls == ["kernel", "true", "kernel"]
    assert guard.state(token)["by"] == "request"


def test_nothing_restored_means_the_tool_is_not_asked_to_reread(guarded, monkeypatch):
    calls = []
    monkeypatch.setattr(guard, "_restore_kernel", lambda job: calls.append("kernel") or [])
    monkeypatch.setattr(guard, "_run", lambda argv, stdin=None: calls.append(argv[0]) or {"argv": argv, "rc": 0})
    token = arm()
    guard.restore(token)
    assert calls == ["kernel"] and guard.state(token)["by"] == "deadline"
