"""The NIC-flap watcher: what it replays, its files, and how the module installs it."""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import subprocess
import time

import pytest
import yaml

from ansible_collections.sipha.network.plugins.module_utils._host import heal
from ansible_collections.sipha.network.plugins.module_utils._model.host import HostDesign

DESIGN = HostDesign.from_dict(yaml.safe_load(
    (pathlib.Path(__file__).parents[3] / "data" / "host_designs.yml").read_text())["valid"])


def test_replay_is_the_sip_nic_s_design_without_a_flush_and_with_the_backend_s_protocol():
    lines = heal.replay_lines(DESIGN, "eth1", "static")
    assert lines[0] == ("ip -4 route replace 203.0.113.0/24 via 198.51.100.1 dev eth1 src 198.51.100.11 metric 0 "
                        "table 254 proto static")
    assert "ip -4 route replace 0.0.0.0/0 via 198.51.100.1 dev eth1 metric 0 table 100 proto static" in lines
    assert lines[-1] == ('[ -n "$(ip -4 rule list priority 1001 from 198.51.100.10/32 table 100)" ] || '
                         "ip -4 rule add priority 1001 from 198.51.100.10/32 lookup 100 protocol static")
    assert len(lines) == 6   # two device networks, two policy-table routes, two rules
    text = "\n".join(lines)
    # never the data NIC (its default route is dual_nic's), never a flush, never an address
    assert "eth0" not in text and "192.0.2" not in text and "flush" not in text and " addr" not in text
    assert "proto" not in "\n".join(heal.replay_lines(DESIGN, "eth1"))


def test_script_watches_the_sip_nic_and_replays_at_start_and_on_every_up():
    script = heal.render_script(DESIGN, "eth1.100", "static")
    assert script.startswith("#!/bin/sh\n" + heal.HEADER + "\n")
    assert "ip -o monitor link dev eth1.100 | {\n    replay 2>/dev/null\n" in script
    assert '    while [ "$round" -lt 20 ]; do\n        replay 2>/dev/null\n        sleep 0.1\n' in script
    assert not [line for line in script.splitlines() if "flush" in line and not line.startswith("#")]
    unit = heal.render_unit()
    assert "ExecStart=%s\n" % heal.SCRIPT_PATH in unit and "Restart=always\n" in unit
    assert "WantedBy=multi-user.target\n" in unit


@pytest.mark.parametrize("protocol", [None, "static"])
def test_the_script_parses_back_to_the_routes_it_replays(protocol):
    replayed = heal.parse_replayed(heal.render_script(DESIGN, "eth1", protocol))
    assert replayed == [(254, "203.0.113.0/24", "eth1", "198.51.100.1"), (254, "198.18.0.0/15", "eth1", "198.51.100.1"),
                        (100, "198.51.100.0/25", "eth1", None), (100, "0.0.0.0/0", "eth1", "198.51.100.1")]
    assert heal.parse_replayed("ip -4 route replace\nip -4 rule add x\n# ip -4 route replace a dev b\n") == []


def test_script_passes_shellcheck(tmp_path):
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed")
    path = tmp_path / "heal"
    path.write_text(heal.render_script(DESIGN, "eth1", "static"))
    proc = subprocess.run(["shellcheck", "-s", "sh", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout


def test_script_replays_when_the_nic_comes_up(tmp_path):
    """Run the rendered script against a stand-in ``ip`` that prints two monitor lines and logs its calls."""
    log = tmp_path / "calls"
    fake = tmp_path / "ip"
    fake.write_text("#!/bin/sh\necho \"$*\" >> %s\n"
                    'case "$*" in\n'
                    '  "-o monitor link dev eth1") echo "3: eth1@if9: <BROADCAST,MULTICAST> mtu 1500"; '
                    'echo "3: eth1@if9: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500" ;;\n'
                    '  "-4 rule list"*) echo "1000: from 198.51.100.11 lookup 100" ;;\n'
                    "esac\n" % log)
    fake.chmod(0o755)
    script = tmp_path / "heal"
    script.write_text(heal.render_script(DESIGN, "eth1").replace('-lt 20 ]', '-lt 1 ]'))
    env = dict(os.environ, PATH="%s:%s" % (tmp_path, os.environ["PATH"]))
    proc = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, check=False, timeout=20)
    calls = log.read_text().splitlines()
    assert proc.returncode == 1   # the monitor ended: systemd restarts it
    assert proc.stdout == "eth1 is up: designed routes and rules replayed\n"
    # one replay at start, one for the line reporting UP (not for the one without it)
    assert calls.count("-4 route replace 203.0.113.0/24 via 198.51.100.1 dev eth1 src 198.51.100.11 metric 0 "
                       "table 254") == 2
    assert not [call for call in calls if call.startswith("-4 rule add")]   # the rules are there already


def test_a_stopped_watcher_ends_its_processes_before_itself(tmp_path):
    """systemd (KillMode=mixed) signals the main shell only: the monitor and the reader must end with it, and
    the shell must be the last to exit (else systemd in a cgroup-v1 container waits until its stop timeout)."""
    fake = tmp_path / "ip"
    fake.write_text('#!/bin/sh\ncase "$*" in\n  "-o monitor link dev eth1") exec sleep 60 ;;\nesac\n')
    fake.chmod(0o755)
    script = tmp_path / "heal"
    script.write_text(heal.render_script(DESIGN, "eth1"))
    env = dict(os.environ, PATH="%s:%s" % (tmp_path, os.environ["PATH"]))
    proc = subprocess.Popen(["sh", str(script)], env=env, start_new_session=True)   # its own group, as systemd
    try:
        for dummy in range(100):    # the monitor runs
            if subprocess.run(["pgrep", "-g", str(proc.pid), "sleep"], capture_output=True, check=False).returncode == 0:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the watcher's monitor never started")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
        left = subprocess.run(["ps", "-o", "pid=,ppid=,stat=,cmd=", "-g", str(proc.pid)], capture_output=True, text=True,
                              check=False).stdout
        # dead children whose parent went first are zombies of PID 1 until it reaps them: not running
        running = [line for line in left.splitlines() if line.split()[2][0] != "Z"]
        assert running == [], "processes left behind the main shell: %s" % running
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_the_unit_signals_the_main_process_and_bounds_its_stop():
    unit = heal.render_unit()
    assert "KillMode=mixed\n" in unit and "TimeoutStopSec=5\n" in unit


class FakeModule:
    def __init__(self, check_mode, states):
        self.check_mode = check_mode
        self.states = states          # systemctl is-enabled / is-active return codes
        self.ran = []
        self.warnings = []

    def get_bin_path(self, name, required=False):
        return "/bin/" + name

    def run_command(self, argv):
        self.ran.append(argv[1:])
        return self.states.get(argv[1], 0), "", ""

    def warn(self, text):
        self.warnings.append(text)


class FakeHost:
    design = DESIGN
    sip = "eth1"

    def __init__(self, module, changed):
        self.module, self.changed, self.written, self.tools = module, changed, [], []

    def write_file(self, path, text, mode="0640"):
        self.written.append((path, mode))
        return ["~ file %s" % path] if path in self.changed else []

    def run_tool(self, argv, what):
        self.tools.append(argv[1:])
        return ""


@pytest.mark.parametrize("changed,states,check,lines,tools", [
    # nothing changed, enabled and running: nothing to do
    ((), {}, False, [], []),
    # new files: reload, enable, restart
    ((heal.SCRIPT_PATH, heal.UNIT_PATH), {"is-enabled": 1, "is-active": 3}, False,
     ["~ file " + heal.SCRIPT_PATH, "~ file " + heal.UNIT_PATH,
      "~ service sipha-heal-routes.service restarted with the new files"],
     [["daemon-reload"], ["enable", heal.UNIT_NAME], ["restart", heal.UNIT_NAME]]),
    # the same files, but stopped: start it only
    ((), {"is-active": 3}, False, ["~ service sipha-heal-routes.service enabled and started"],
     [["restart", heal.UNIT_NAME]]),
    # check mode reports and runs nothing
    ((heal.SCRIPT_PATH,), {"is-enabled": 1}, True,
     ["~ file " + heal.SCRIPT_PATH, "~ service sipha-heal-routes.service restarted with the new files"], []),
])
def test_install(monkeypatch, tmp_path, changed, states, check, lines, tools):
    monkeypatch.setattr(heal, "SYSTEMD_RUNNING", str(tmp_path))
    host = FakeHost(FakeModule(check, states), changed)
    assert heal.install(host, "static") == lines
    assert host.tools == tools
    assert host.written == [(heal.SCRIPT_PATH, "0750"), (heal.UNIT_PATH, "0640")]


def test_install_without_systemd_writes_the_files_and_warns(monkeypatch, tmp_path):
    monkeypatch.setattr(heal, "SYSTEMD_RUNNING", str(tmp_path / "absent"))
    host = FakeHost(FakeModule(False, {}), (heal.UNIT_PATH,))
    assert heal.install(host) == ["~ file " + heal.UNIT_PATH]
    assert host.tools == [] and host.module.ran == []
    assert "nothing re-adds the routes of eth1" in host.module.warnings[0]


def test_replayed_routes_reads_the_installed_script(monkeypatch, tmp_path):
    path = tmp_path / "script"
    monkeypatch.setattr(heal, "SCRIPT_PATH", str(path))
    assert heal.replayed_routes() == []
    path.write_text(heal.render_script(DESIGN, "eth1"))
    assert len(heal.replayed_routes()) == 4
