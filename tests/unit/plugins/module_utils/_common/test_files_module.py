"""sipha.network.host_files run in-process: files, directories, validation, private text, check mode, services."""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat

import pytest

from ansible_collections.sipha.network.plugins.module_utils._common import files_module
from ansible_collections.sipha.network.plugins.module_utils._common.files_module import run_host_files, validate_argv

OWNER = {"owner": pwd.getpwuid(os.getuid()).pw_name, "group": grp.getgrgid(os.getgid()).gr_name}


def mode_of(path) -> str:
    return oct(stat.S_IMODE(os.stat(path).st_mode))


def test_directories_and_files_then_idempotent(run_module, tmp_path):
    conf = tmp_path / "etc" / "sipha"
    params = {"directories": [dict(OWNER, path=str(conf))],
              "files": [dict(OWNER, path=str(conf / "a.conf"), content="a=1\n"),
                        dict(OWNER, path=str(conf / "b"), content="#!/bin/sh\n", mode="0750")]}
    first = run_module(run_host_files, params, diff=True)
    assert first["changed"] and first["files_changed"] == [str(conf) + "/", str(conf / "a.conf"), str(conf / "b")]
    assert (conf / "a.conf").read_text() == "a=1\n"
    assert (mode_of(conf), mode_of(conf / "a.conf"), mode_of(conf / "b")) == ("0o750", "0o640", "0o750")
    assert [d["after"] for d in first["diff"]] == ["a=1\n", "#!/bin/sh\n"]
    second = run_module(run_host_files, params)
    assert not second["changed"] and second["files_changed"] == []


def test_a_mode_drift_is_repaired(run_module, tmp_path):
    path = tmp_path / "f"
    path.write_text("x\n")
    path.chmod(0o644)
    result = run_module(run_host_files, {"files": [dict(OWNER, path=str(path), content="x\n", mode="0600")]})
    assert result["changed"] and mode_of(path) == "0o600"


def test_check_mode_writes_nothing(run_module, tmp_path):
    conf = tmp_path / "conf"
    result = run_module(run_host_files, {"directories": [dict(OWNER, path=str(conf))],
                                         "files": [dict(OWNER, path=str(conf / "x"), content="1\n")]},
                        check_mode=True)
    assert result["changed"] and result["files_changed"] == [str(conf) + "/", str(conf / "x")]
    assert not conf.exists()


def test_absent_removes_and_then_reports_nothing(run_module, tmp_path):
    path = tmp_path / "cron"
    path.write_text("* * * * * root true\n")
    params = {"files": [dict(OWNER, path=str(path), state="absent")]}
    assert run_module(run_host_files, params)["files_changed"] == [str(path)]
    assert not path.exists()
    assert not run_module(run_host_files, params)["changed"]


def test_a_refused_file_is_not_written(run_module, tmp_path):
    path = tmp_path / "sudoers"
    path.write_text("old\n")
    result = run_module(run_host_files, {"files": [dict(OWNER, path=str(path), content="new\n",
                                                        validate="false %s")]})
    assert result.failed and "refused by false %s, not written" in result["msg"] and str(path) in result["msg"]
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["sudoers"]


def test_a_validator_gets_the_new_file(run_module, tmp_path):
    path = tmp_path / "sudoers"
    result = run_module(run_host_files, {"files": [dict(OWNER, path=str(path), content="ok\n",
                                                        validate="grep -q ok %s")]})
    assert result["changed"] and path.read_text() == "ok\n"


@pytest.mark.parametrize("command", ["visudo -cf", "visudo -cf '%s.tmp'"])
def test_a_validator_without_its_own_percent_s_is_refused(run_module, tmp_path, command):
    path = tmp_path / "sudoers"
    result = run_module(run_host_files, {"files": [dict(OWNER, path=str(path), content="x\n", validate=command)]})
    assert result.failed and "validate must hold %s as an argument of its own" in result["msg"]
    assert not path.exists()


def test_validate_argv_is_split_like_a_shell_line_and_never_run_by_one():
    assert validate_argv("/usr/sbin/visudo -cf %s", "/tmp/x; rm -rf /") == ["/usr/sbin/visudo", "-cf", "/tmp/x; rm -rf /"]


def test_private_text_never_appears_in_the_result(run_module, tmp_path, capsys):
    path = tmp_path / "key"
    secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END OPENSSH PRIVATE KEY-----\n"
    result = run_module(run_host_files, {"private_files": [dict(OWNER, path=str(path), content=secret, mode="0600")]},
                        diff=True)
    assert result["changed"] and path.read_text() == secret and mode_of(path) == "0o600"
    assert "c2VjcmV0LWtleS1tYXRlcmlhbA" not in json.dumps(result)
    assert result["diff"] == [{"before_header": str(path), "after_header": str(path), "before": "",
                               "after": "(private content changed)\n"}]


def test_unit_files_and_services_are_left_alone_without_systemd(run_module, tmp_path, monkeypatch):
    monkeypatch.setattr(files_module, "_SYSTEMD_RUNNING", str(tmp_path / "no-systemd"))
    unit = "/etc/systemd/system/sipha-test-never-written.service"
    result = run_module(run_host_files, {"files": [dict(OWNER, path=unit, content="[Unit]\n")],
                                         "services": [{"name": "sipha-test.service", "state": "started"}]})
    assert not result.failed and not result["changed"] and result["skipped"] == [unit]
    assert result["systemd"] is False and not os.path.exists(unit)


@pytest.fixture
def fake_systemctl(tmp_path, monkeypatch):
    """A systemctl on PATH that logs its arguments; is-enabled/is-active answer from files the test writes."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "systemctl.log"
    (bindir / "systemctl").write_text(
        "#!/bin/sh\necho \"$*\" >> %s\n"
        "case $1 in is-enabled) [ -e %s/enabled ];; is-active) [ -e %s/active ];; *) exit 0;; esac\n"
        % (log, tmp_path, tmp_path))
    (bindir / "systemctl").chmod(0o755)
    monkeypatch.setenv("PATH", "%s:%s" % (bindir, os.environ["PATH"]))
    monkeypatch.setattr(files_module, "_SYSTEMD_RUNNING", str(tmp_path))
    return lambda: [line for line in log.read_text().splitlines() if not line.startswith("is-")] \
        if log.exists() else []


def test_a_service_is_enabled_and_started(run_module, tmp_path, fake_systemctl):
    result = run_module(run_host_files, {"services": [{"name": "x.timer", "enabled": True, "state": "started"}]})
    assert result["services_changed"] == ["x.timer enabled", "x.timer started"]
    assert fake_systemctl() == ["enable x.timer", "restart x.timer"]


def test_a_running_service_restarts_when_its_file_changed_and_only_then(run_module, tmp_path, fake_systemctl):
    (tmp_path / "enabled").touch()
    (tmp_path / "active").touch()
    conf = tmp_path / "x.conf"
    params = {"files": [dict(OWNER, path=str(conf), content="1\n")],
              "services": [{"name": "x.service", "enabled": True, "state": "started", "restart_on": [str(conf)]}]}
    assert run_module(run_host_files, params)["services_changed"] == ["x.service restarted"]
    assert not run_module(run_host_files, params)["changed"]
    assert fake_systemctl() == ["restart x.service"]


def test_check_mode_runs_no_systemctl_change(run_module, tmp_path, fake_systemctl):
    (tmp_path / "active").touch()
    result = run_module(run_host_files, {"services": [{"name": "x.service", "enabled": True, "state": "stopped"}]},
                        check_mode=True)
    assert result["services_changed"] == ["x.service enabled", "x.service stopped"] and fake_systemctl() == []
