# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The standby helper and its bash client, run for real: a helper process serving a FIFO in a temporary
directory, the client script that vip_script installs (pointed at that directory), and stand-ins for sudo
and the program that say when they were run instead."""
from __future__ import annotations

import json
import os
import pathlib
import pwd
import signal
import stat
import subprocess
import sys
import time

import pytest

from ansible_collections.sipha.network.plugins.module_utils._vip import cli
from ansible_collections.sipha.network.plugins.module_utils._vip import helper
from ansible_collections.sipha.network.plugins.module_utils._vip import install as vi
from ansible_collections.sipha.network.tests.unit.plugins.module_utils._vip.test_fast import install_program, netns_usable

ROOT = str(pathlib.Path(os.path.abspath(helper.__file__)).parents[6])   # the directory holding ansible_collections
ME = pwd.getpwuid(os.geteuid()).pw_name

# The helper under test: runner = a stand-in of the program's entry point that logs what it was asked and
# answers per command (stdout for status, stderr for up and down, exit codes 0 / 3).
SERVE = r"""
import json, os, sys, time
sys.path.insert(0, %(root)r)
from ansible_collections.sipha.network.plugins.module_utils._vip import helper
def runner(argv, t0, run_dir):
    with open(%(log)r, "a") as log:
        log.write(json.dumps({"argv": argv, "pid": os.getpid(), "ppid": os.getppid(), "lag_s": time.monotonic() - t0,
                              "run_dir": run_dir}) + "\n")
    if argv[-1] == "status":
        sys.stdout.write('{\n  "held": true\n}\n')
        return 0
    sys.stderr.write("sipha-vip %%s: step one\nsipha-vip %%s: done" %% (argv[-1], argv[-1]))
    return 3 if argv[-1] == "down" else 0
sys.exit(helper.serve(%(agent)r, runner, "/run/test", directory=%(dir)r, config="/etc/test/vip.json"))
"""
STAND_IN = "#!/bin/sh\necho \"%s $*\" >> %s\nexit 7\n"


class Lab:
    """A helper directory, a client script pointed at it, stand-ins for sudo and the program."""

    def __init__(self, tmp_path: pathlib.Path) -> None:
        self.dir = str(tmp_path / "agent")
        self.runs = tmp_path / "runs.log"
        self.direct = tmp_path / "direct.log"
        self.program = tmp_path / "sipha-vip"
        self.sudo = tmp_path / "sudo"
        for path, name in ((self.program, "program"), (self.sudo, "sudo")):
            path.write_text(STAND_IN % (name, self.direct))
            path.chmod(0o755)
        self.client = tmp_path / "sipha-vip-agent"
        self.client.write_text(helper.client_script(str(self.program), self.dir, sudo=str(self.sudo)))
        self.client.chmod(0o755)
        self.helper = None
        self.helper_err = tmp_path / "helper.err"

    def start(self) -> None:
        source = SERVE % {"root": ROOT, "log": str(self.runs), "agent": ME, "dir": self.dir}
        self.helper = subprocess.Popen([sys.executable, "-c", source], stderr=open(self.helper_err, "w"))
        deadline = time.monotonic() + 10
        while not os.path.exists(os.path.join(self.dir, helper.PIDFILE)):
            assert self.helper.poll() is None, self.helper_err.read_text()
            assert time.monotonic() < deadline, "the helper did not start"
            time.sleep(0.01)

    def stop(self) -> int:
        self.helper.send_signal(signal.SIGTERM)
        return self.helper.wait(10)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.client)] + list(args), capture_output=True, text=True, timeout=20, check=False)

    def runs_seen(self) -> list:
        return [json.loads(line) for line in self.runs.read_text().splitlines()] if self.runs.exists() else []

    def direct_seen(self) -> list:
        return self.direct.read_text().splitlines() if self.direct.exists() else []

    def request(self, line: bytes) -> None:
        fd = os.open(os.path.join(self.dir, helper.REQUEST), os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, line)
        os.close(fd)

    def wait_for_log(self, text: str) -> str:
        deadline = time.monotonic() + 10
        while text not in self.helper_err.read_text():
            assert time.monotonic() < deadline, self.helper_err.read_text()
            time.sleep(0.01)
        return self.helper_err.read_text()


@pytest.fixture(name="lab")
def lab_fixture(tmp_path):
    lab = Lab(tmp_path)
    yield lab
    if lab.helper is not None and lab.helper.poll() is None:
        lab.helper.kill()
        lab.helper.wait(10)


@pytest.mark.parametrize("line, expected", [
    (b"up reply.12.345", ("up", "reply.12.345")),
    (b"down reply.1.0", ("down", "reply.1.0")),
    (b"status reply.99999.1234567890", ("status", "reply.99999.1234567890")),
    (b"refresh reply.1.2", None),                 # the timer's, root's
    (b"disconnect reply.1.2", None),
    (b"_serve reply.1.2", None),
    (b"up --no-fast reply.1.2", None),            # no switches
    (b"--config /tmp/x up", None),
    (b"up reply.1.2 extra", None),
    (b"up ../../etc/shadow", None),               # only a reply FIFO's own name
    (b"up reply.1.2/../x", None),
    (b"up reply.a.2", None),
    (b"up  reply.1.2", None),
    (b"UP reply.1.2", None),
    (b"up reply.1.2\r", None),
    (b"up r\xc3\xa9ply.1.2", None),
    (b"", None),
])
def test_only_up_down_status_with_a_reply_fifo_name(line, expected):
    assert helper.parse_request(line) == expected


def test_the_reply_fifo_must_be_a_fifo_of_the_agent_with_a_reader(tmp_path):
    dirfd = os.open(str(tmp_path), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.mkfifo(tmp_path / "reply.1.1", 0o600)
        assert helper.open_reply(dirfd, "reply.1.1", os.geteuid()) is None          # nobody reading: gave up
        reader = os.open(tmp_path / "reply.1.1", os.O_RDONLY | os.O_NONBLOCK)
        fd = helper.open_reply(dirfd, "reply.1.1", os.geteuid())
        assert fd is not None
        os.write(fd, b"x")
        assert os.read(reader, 1) == b"x"
        assert os.get_blocking(fd)                                                    # blocking writes from here
        os.close(fd)
        assert helper.open_reply(dirfd, "reply.1.1", os.geteuid() + 1) is None       # not the agent's
        os.symlink("reply.1.1", tmp_path / "reply.2.2")
        assert helper.open_reply(dirfd, "reply.2.2", os.geteuid()) is None           # a symlink, even to a FIFO
        (tmp_path / "reply.3.3").write_text("")
        assert helper.open_reply(dirfd, "reply.3.3", os.geteuid()) is None           # a regular file
        assert helper.open_reply(dirfd, "reply.4.4", os.geteuid()) is None           # not there
        os.close(reader)
    finally:
        os.close(dirfd)


@pytest.mark.parametrize("field, value", [("program", "/usr/local/sbin/sipha vip"), ("program", "$(id)"),
                                          ("sudo", "/usr/bin/sudo;id"), ("directory", "/run/x'y"),
                                          ("wait_s", "0.25 -u 0")])
def test_nothing_unvalidated_reaches_the_client_script(field, value):
    with pytest.raises(ValueError, match=field):
        helper.client_script(**dict({"program": "/usr/local/sbin/sipha-vip", "directory": "/run/a"}, **{field: value}))


def test_the_client_is_installed_beside_the_program_and_the_helper_ships_with_it(tmp_path):
    files = vi.files(str(tmp_path / "lib"), "/usr/local/sbin/sipha-vip", "/usr/bin/python3")
    text, mode = files["/usr/local/sbin/sipha-vip-agent"]
    assert mode == "0755" and text.startswith("#!/bin/bash\n")
    assert "exec /usr/bin/sudo -n /usr/local/sbin/sipha-vip \"$1\"" in text
    assert "\ndir=/run/sipha-vip-agent\n" in text          # beside the program's run directory
    assert any(path.endswith("/_vip/helper.py") for path in files)
    bash = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True, check=False)
    assert bash.returncode == 0, bash.stderr


def test_serve_goes_with_an_agent_account_only():
    assert cli.Options(["--agent", "lca", "_serve"]).agent == "lca"
    for argv in (["_serve"], ["--agent", "lca", "up"]):
        with pytest.raises(cli.UsageError, match="--agent ACCOUNT goes with _serve"):
            cli.Options(argv)


def test_the_helper_runs_the_command_in_a_child_and_the_client_relays_output_and_exit_code(lab):
    lab.start()
    st = os.lstat(lab.dir)
    assert stat.S_IMODE(st.st_mode) == 0o1770 and st.st_uid == os.geteuid()
    request = os.lstat(os.path.join(lab.dir, helper.REQUEST))
    assert stat.S_ISFIFO(request.st_mode) and stat.S_IMODE(request.st_mode) == 0o660
    up = lab.run("up")
    down = lab.run("down")
    status = lab.run("status")
    assert (up.returncode, up.stdout) == (0, ""), up
    assert up.stderr == "sipha-vip up: step one\nsipha-vip up: done\n"   # a last line without its newline too
    assert (down.returncode, down.stderr.splitlines()[-1]) == (3, "sipha-vip down: done"), down
    assert status.returncode == 0 and json.loads(status.stdout) == {"held": True}, status
    runs = lab.runs_seen()
    assert [r["argv"] for r in runs] == [["--config", "/etc/test/vip.json", command] for command in ("up", "down", "status")]
    assert all(r["ppid"] == lab.helper.pid and r["pid"] != lab.helper.pid for r in runs), runs   # forked children
    assert all(r["run_dir"] == "/run/test" for r in runs)
    assert lab.direct_seen() == []                 # neither sudo nor the program was exec'd
    assert sorted(os.listdir(lab.dir)) == sorted([helper.REQUEST, helper.PIDFILE])   # the clients removed their FIFOs
    assert lab.stop() == 0
    assert os.listdir(lab.dir) == []               # the helper removed its request FIFO and pid file


def test_without_a_helper_the_client_runs_the_program_through_sudo_at_once(lab):
    started = time.monotonic()
    done = lab.run("up")
    elapsed = time.monotonic() - started
    assert done.returncode == 7 and lab.direct_seen() == ["sudo -n %s up" % lab.program], (done, lab.direct_seen())
    assert elapsed < float(helper.ACCEPT_WAIT_S) * 4   # no wait for a helper that is not there (generous bound)
    lab.start()
    assert lab.stop() == 0
    os.makedirs(lab.dir, exist_ok=True)
    pathlib.Path(lab.dir, helper.PIDFILE).write_text("999999999\n")                  # a stale pid file
    assert lab.run("down").returncode == 7
    assert lab.direct_seen()[-1] == "sudo -n %s down" % lab.program


def test_a_helper_that_does_not_answer_is_given_up_and_its_late_request_dropped(lab):
    lab.start()
    os.kill(lab.helper.pid, signal.SIGSTOP)
    try:
        done = lab.run("up")
    finally:
        os.kill(lab.helper.pid, signal.SIGCONT)
    assert done.returncode == 7 and lab.direct_seen() == ["sudo -n %s up" % lab.program], done
    log = lab.wait_for_log("the client is gone")
    assert "up: the client is gone" in log
    assert lab.runs_seen() == []                   # the late request ran nothing
    assert lab.run("status").returncode == 0       # and the helper serves on
    assert [r["argv"][-1] for r in lab.runs_seen()] == ["status"]


def test_the_client_and_the_helper_refuse_anything_else(lab):
    lab.start()
    for argv in (["refresh"], ["disconnect"], ["up", "--no-fast"], ["--config", "/tmp/x", "up"], []):
        done = lab.run(*argv)
        assert done.returncode == 2 and "usage: sipha-vip-agent up|down|status" in done.stderr, (argv, done)
    os.mkfifo(os.path.join(lab.dir, "reply.5.5"), 0o600)
    reader = os.open(os.path.join(lab.dir, "reply.5.5"), os.O_RDONLY | os.O_NONBLOCK)
    lab.request(b"refresh reply.5.5\n")
    lab.request(b"up reply.5.5 --no-fast\n")
    lab.request(b"x" * 300)
    log = lab.wait_for_log("longer than")
    assert log.count("refused a request") == 3, log
    os.chown(os.path.join(lab.dir, "reply.5.5"), 65534, -1)                      # now not the agent's FIFO
    lab.request(b"up reply.5.5\n")
    lab.wait_for_log("up: the client is gone")
    os.close(reader)
    assert lab.runs_seen() == [] and lab.direct_seen() == []


def test_the_helper_refuses_to_serve_from_a_directory_that_is_not_its_own(tmp_path):
    lab = Lab(tmp_path)
    os.symlink(str(tmp_path), lab.dir)
    source = SERVE % {"root": ROOT, "log": str(lab.runs), "agent": ME, "dir": lab.dir}
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=20, check=False)
    assert done.returncode == 2 and "must be a directory owned by uid" in done.stderr, done
    os.unlink(lab.dir)
    os.makedirs(os.path.join(lab.dir, helper.REQUEST))
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=20, check=False)
    assert done.returncode == 2 and "a directory where only the helper's FIFOs belong" in done.stderr, done
    unknown = SERVE % {"root": ROOT, "log": str(lab.runs), "agent": "no-such-agent-x", "dir": lab.dir}
    done = subprocess.run([sys.executable, "-c", unknown], capture_output=True, text=True, timeout=20, check=False)
    assert done.returncode == 2 and "--agent no-such-agent-x: no such account" in done.stderr, done


# The installed program as the helper (its --agent _serve) and the installed client, in a network namespace:
# up through the helper takes the VIP on the fast path, status and down answer the same way, and the
# helper's children are the program's real runs (the VIP on lo, read by ip).
THROUGH_HELPER = """
set -e
ip link set lo up
"$0" --config "$1" --quiet status >/dev/null
"$0" --config "$1" --agent "$3" _serve 2>"$4" &
helper=$!
trap 'kill "$helper" 2>/dev/null || true' EXIT
for i in $(seq 600); do [ -e "$2/helper.pid" ] && break; sleep 0.05; done   # up to 30 s on a loaded machine
client="$(dirname "$0")/sipha-vip-agent"
"$client" up 2>/dev/null
ip -4 -o address show dev lo | grep -c 198.51.100.10
"$client" status
"$client" down 2>/dev/null
ip -4 -o address show dev lo | grep -c 198.51.100.10 || true
echo "helper $helper"
kill "$helper"; wait "$helper"
"""


@pytest.mark.skipif(not netns_usable(), reason="needs root and unshare --net")
def test_the_installed_program_serves_up_status_down_to_the_installed_client(tmp_path):
    program, run_dir = install_program(tmp_path, "/usr/bin/python3")
    # the client's fallback: a stand-in that says it was run (and fails), so only the helper can succeed
    sudo = tmp_path / "sudo"
    sudo.write_text(STAND_IN % ("sudo", tmp_path / "direct.log"))
    sudo.chmod(0o755)
    client = pathlib.Path(helper.client_path(str(program)))
    client.write_text(client.read_text().replace("/usr/bin/sudo", str(sudo)))
    config = tmp_path / "vip.json"
    config.write_text(json.dumps({"vip": "198.51.100.10", "interface": "lo", "run_dir": str(run_dir),
                                  "state_dir": str(tmp_path / "state"), "flush": {"enabled": False},
                                  "garp": {"count": 1, "repeat_after_ms": 0}, "probe_ms": 50}))
    err = tmp_path / "helper.err"
    done = subprocess.run(["unshare", "--net", "sh", "-c", THROUGH_HELPER, str(program), str(config),
                           helper.agent_dir(str(run_dir)), ME, str(err)],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, (done.stderr, err.read_text())
    lines = done.stdout.splitlines()
    held_after_up, status, held_after_down, helper_pid = lines[0], json.loads("\n".join(lines[1:-2])), lines[-2], lines[-1]
    assert (held_after_up, held_after_down) == ("1", "0"), done.stdout
    assert status["held"] is True, status
    state = json.loads((tmp_path / "state" / "state.json").read_text())
    assert state["last_up"]["fast_path"] and state["last_up"]["exit"] == 0, state["last_up"]
    assert state["last_down"]["exit"] == 0, state["last_down"]
    assert "serving up, down, status for %s" % ME in err.read_text()
    assert helper_pid.startswith("helper ")
    assert not (tmp_path / "direct.log").exists()        # sudo was never needed
