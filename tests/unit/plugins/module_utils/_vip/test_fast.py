"""The fast path of sipha-vip up: rtnetlink messages, the validated copy, children without subprocess,
the early flush adopted by the flush runner, and the installed program end to end in a network namespace."""

from __future__ import annotations

import fcntl
import json
import os
import pathlib
import shlex
import shutil
import signal
import struct
import subprocess
import time

import pytest

from ansible_collections.sipha.network.plugins.module_utils._vip import cli
from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._vip import fast
from ansible_collections.sipha.network.plugins.module_utils._vip import flush as vf
from ansible_collections.sipha.network.plugins.module_utils._vip import launcher
from ansible_collections.sipha.network.plugins.module_utils._vip import install as vi
from ansible_collections.sipha.network.plugins.module_utils._vip import netlink as nl
from ansible_collections.sipha.network.plugins.module_utils._vip import spawn
from ansible_collections.sipha.network.plugins.module_utils._vip import program as tk
from ansible_collections.sipha.network.tests.unit.plugins.module_utils._vip.test_program import interpreters

FAKE_SSH = pathlib.Path(__file__).parents[3] / "data" / "fake_bin" / "ssh"
ROOT = os.geteuid() == 0


def attributes(data):
    """rtattr type -> payload of a message body after the ifaddrmsg."""
    found, offset = {}, 16 + 8
    while offset < len(data):
        length, kind = struct.unpack_from("=HH", data, offset)
        found[kind] = data[offset + 4:offset + length]
        offset += (length + 3) & ~3
    return found


# rtnetlink ------------------------------------------------------------------------------------------------
def test_add_message_is_what_ip_address_add_sends():
    data = nl.address_message(nl.RTM_NEWADDR, 7, "198.51.100.10", 32, "eth1:vip", sequence=9)
    length, kind, flags, sequence, port = struct.unpack_from("=IHHII", data)
    assert (length, kind, sequence, port) == (len(data), 20, 9, 0) and len(data) % 4 == 0
    assert flags == nl.NLM_F_REQUEST | nl.NLM_F_ACK | nl.NLM_F_CREATE | nl.NLM_F_EXCL == 0x605
    assert struct.unpack_from("=BBBBI", data, 16) == (2, 32, 0, 0, 7)   # AF_INET, /32, scope global, ifindex
    found = attributes(data)
    assert found[nl.IFA_LOCAL] == found[nl.IFA_ADDRESS] == bytes([198, 51, 100, 10])
    assert found[nl.IFA_LABEL] == b"eth1:vip\0"


def test_delete_message_has_no_create_flags_and_no_label():
    data = nl.address_message(nl.RTM_DELADDR, 3, "198.51.100.10", 24, "eth1:vip")
    assert struct.unpack_from("=IHH", data)[1:] == (21, nl.NLM_F_REQUEST | nl.NLM_F_ACK)
    assert struct.unpack_from("=BBBBI", data, 16) == (2, 24, 0, 0, 3)
    assert sorted(attributes(data)) == [nl.IFA_ADDRESS, nl.IFA_LOCAL]


def test_acknowledgement():
    def error(code, sequence):
        return struct.pack("=IHHII", 36, nl.NLMSG_ERROR, 0, sequence, 0) + struct.pack("=i", code) + b"\0" * 16

    assert nl.acknowledgement(error(0, 4), 4) == 0
    assert nl.acknowledgement(error(-17, 4), 4) == 17
    assert nl.acknowledgement(error(-17, 3), 4) is None                       # another request's answer
    assert nl.acknowledgement(error(-1, 3) + error(-99, 4), 4) == 99           # the second message of two
    assert nl.acknowledgement(b"\0" * 8, 4) is None
    with pytest.raises(ValueError):
        nl.address_message(22, 1, "198.51.100.10", 32)


NETNS_SCRIPT = """
import json, sys
sys.path[:0] = [sys.argv[1]]
from ansible_collections.sipha.network.plugins.module_utils._vip import netlink as nl
from ansible_collections.sipha.network.plugins.module_utils._vip import spawn
print(json.dumps([nl.add_address("lo", "198.51.100.10", 32, "lo:vip"), nl.add_address("lo", "198.51.100.10", 32),
                  nl.delete_address("lo", "198.51.100.10", 32), nl.delete_address("lo", "198.51.100.10", 32)]))
"""


def in_netns(*argv):
    return subprocess.run(["unshare", "--net"] + list(argv), capture_output=True, text=True, check=False, timeout=60)


def netns_usable():
    return ROOT and shutil.which("unshare") and in_netns("true").returncode == 0


@pytest.mark.skipif(not netns_usable(), reason="needs root and unshare --net")
def test_netlink_against_the_kernel():
    """add, add again (EEXIST), delete, delete again (EADDRNOTAVAIL), as ip answers; label as given."""
    collections = str(pathlib.Path(nl.__file__).parents[6])
    shown = in_netns("sh", "-c", 'python3 -c "$0" "$1" && ip -4 -o address show dev lo', NETNS_SCRIPT, collections)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout.splitlines()[0]) == [0, 17, 0, 99]
    labelled = in_netns("sh", "-c", 'python3 -c "import sys; sys.path[:0] = [sys.argv[1]]; '
                        'from ansible_collections.sipha.network.plugins.module_utils._vip import netlink as nl; '
                        'nl.add_address(\'lo\', \'198.51.100.10\', 32, \'lo:vip\')" "$0" && ip -4 -o address show dev lo',
                        collections)
    assert "inet 198.51.100.10/32 scope global lo:vip" in labelled.stdout, labelled.stdout + labelled.stderr


# the validated copy ---------------------------------------------------------------------------------------
def values(tmp_path, **changes):
    data = {"vip": "198.51.100.10", "prefix": 32, "interface": "lo", "label": "lo:vip", "split_brain": "proceed",
            "directed_arp": True, "run_dir": str(tmp_path / "run"), "arp_targets": ["198.51.100.2"],
            "warm_flush": [], "hedge_ms": 150}
    data.update(changes)
    return data


@pytest.mark.skipif(not ROOT, reason="the copy is kept for root only")
def test_copy_is_used_only_for_the_file_that_was_validated(tmp_path):
    config = tmp_path / "vip.json"
    config.write_text("{}")
    run_dir = str(tmp_path / "run")
    assert fast.remember(str(config), os.stat(config), values(tmp_path))
    assert not fast.remember(str(config), os.stat(config), values(tmp_path))      # the same copy: not rewritten
    copy = pathlib.Path(run_dir) / fast.CACHE_NAME
    assert oct(copy.stat().st_mode & 0o777) == "0o600" and oct(os.stat(run_dir).st_mode & 0o777) == "0o700"
    entry = fast.recall(str(config), run_dir)
    assert entry is not None and entry["arp_targets"] == ["198.51.100.2"] and entry["label"] == "lo:vip"
    assert fast.recall(str(tmp_path / "other.json"), run_dir) is None              # another config file
    config.write_text("{}")                                                        # same content, rewritten
    assert fast.recall(str(config), run_dir) is None
    assert fast.remember(str(config), os.stat(config), values(tmp_path))
    os.chmod(config, 0o600)                                                        # a chmod changes ctime
    assert fast.recall(str(config), run_dir) is None
    assert fast.remember(str(config), os.stat(config), values(tmp_path))
    os.chmod(copy, 0o622)                                                          # writable by others: ignored
    assert fast.recall(str(config), run_dir) is None
    os.chmod(copy, 0o600)
    copy.write_bytes(b"not marshal")
    assert fast.recall(str(config), run_dir) is None
    config.unlink()
    assert fast.recall(str(config), run_dir) is None


@pytest.mark.skipif(not ROOT, reason="the copy is kept for root only")
@pytest.mark.parametrize("change", [{"split_brain": "refuse"}, {"interface": "nosuchnic0"}])
def test_take_does_nothing_it_cannot_finish(tmp_path, monkeypatch, change):
    """split_brain: refuse, or a NIC that is gone: no head, nothing added, and the lock is free again."""
    config = tmp_path / "vip.json"
    config.write_text("{}")
    fast.remember(str(config), os.stat(config), values(tmp_path, **change))
    added = []
    monkeypatch.setattr(fast.nl, "add_address", lambda *args: added.append(args) or 0)
    options = cli.Options(["--config", str(config), "up"])
    assert fast.take(options, time.monotonic(), str(tmp_path / "run")) is None
    assert added == []                                                # nothing added (so nothing announced)
    with open(tmp_path / "run" / "lock", "a", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)   # raises if the fast path kept it


def test_contended_lock_leaves_it_to_the_whole_program(tmp_path, monkeypatch):
    config = tmp_path / "vip.json"
    config.write_text("{}")
    entry = dict(values(tmp_path), config=str(config))
    monkeypatch.setattr(fast, "recall", lambda path, run_dir: entry)
    os.makedirs(tmp_path / "run")
    with open(tmp_path / "run" / "lock", "a", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        started = time.monotonic()
        assert fast.take(cli.Options(["--config", str(config), "up"]), started, str(tmp_path / "run")) is None
        assert time.monotonic() - started < 0.1                     # it does not wait: the whole program does


def test_fast_values_hold_what_the_fast_path_reads(tmp_path):
    config = vc.load({"vip": "198.51.100.10", "interface": "eth1", "run_dir": str(tmp_path),
                      "routers": [{"name": "r1", "address": "198.51.100.2"},
                                  {"name": "r2", "address": "198.51.100.3", "arp_target": "198.51.100.4"}]})
    got = tk.fast_values(config)
    assert sorted(got) == sorted(fast.CACHED_FIELDS)
    assert got["arp_targets"] == ["198.51.100.2", "198.51.100.4"] and got["label"] == "eth1:vip"
    assert [r["argv"] for r in got["warm_flush"]] == [
        config.ssh_argv(router, "warm", router.target.flush_request()) for router in config.routers]
    assert tk.fast_values(config._replace(flush=dict(config.flush, warm=False)))["warm_flush"] == []


def test_one_parser_for_both_paths():
    # _serve (the standby helper) is the launcher's: it forks the program's runs, it is not one
    assert set(cli.COMMAND_NAMES) == set(tk.COMMANDS) | {"_serve"}
    options = cli.Options(["--no-fast", "--garp-once", "up"])
    assert options.no_fast and options.garp_once and options.config == cli.DEFAULT_CONFIG
    names = [name for name, _f in fast.round_frames(b"\x02" * 6, "198.51.100.10", ["198.51.100.2"], True, options)]
    assert names == ["gratuitous request"]                         # the vendor sample: one request, nothing else
    quiet = cli.Options(["--no-announce", "up"])
    assert fast.round_frames(b"\x02" * 6, "198.51.100.10", ["198.51.100.2"], True, quiet) == []


class FakeLink:
    """Stands in for the packet socket: records each round sent."""

    rounds: list = []

    def __init__(self, interface):
        self.mac = b"\x02\x00\x5e\x00\x53\x01"

    def send(self, frames):
        FakeLink.rounds.append([name for name, _f in frames])
        return time.time()


@pytest.mark.parametrize("flush, rounds", [("true", 2), ("false", 1),
                                           ("sh -c 'exec >&- 2>&-; sleep 0.005'", 2)])
def test_up_announces_again_after_a_flush_went_through(tmp_path, monkeypatch, flush, rounds):
    """A flushed router asks who has the VIP at its next packet, and the old holder may still answer: after
    a successful early flush the fast path sends the round again (after a failed one there is nothing to redo)."""
    (tmp_path / "run").mkdir()
    pathlib.Path(tmp_path / "run" / "cm-r1").touch()
    router = {"name": "r1", "control_path": str(tmp_path / "run" / "cm-r1"), "argv": shlex.split(flush)}
    entry = dict(values(tmp_path, warm_flush=[router], hedge_ms=10000), config="x")   # hedge_ms: waits for it
    monkeypatch.setattr(fast, "recall", lambda path, run_dir: entry)
    monkeypatch.setattr(fast.nl, "add_address", lambda *args: 0)
    monkeypatch.setattr(fast.arp, "ArpLink", FakeLink)
    FakeLink.rounds = []
    head = fast.take(cli.Options(["up"]), time.monotonic(), str(tmp_path / "run"))
    assert head is not None and head.added and list(head.early) == ["r1"]
    assert FakeLink.rounds == [["directed 198.51.100.2", "gratuitous request", "gratuitous reply"]] * rounds
    assert ("announced again after the flush" in [s["step"] for s in head.steps]) == (rounds == 2)
    assert head.reannounced == ({"r1"} if rounds == 2 else set())   # the whole program does not send it again
    os.close(head.lock_fd)


@pytest.mark.parametrize("command", ["up", "down", "status"])
def test_the_launcher_never_nices_the_takeover(monkeypatch, command):
    """The fresh flushes, the hedge and the announcer the whole program starts are part of the takeover: the
    launcher hands over at the normal priority (issue 13, fault 8)."""
    head = fast.Head(-1, 0.0, 0.0)
    calls, handed = [], []
    monkeypatch.setattr(fast, "take", lambda *args: head)
    monkeypatch.setattr(fast, "take_down", lambda *args: head)
    monkeypatch.setattr(os, "nice", calls.append)
    monkeypatch.setattr(tk, "main", lambda argv, t0, e0, head, run_dir: handed.append(head) or 0)
    assert launcher.main([command]) == 0
    assert calls == []
    assert handed == [head if command != "status" else None]


@pytest.mark.parametrize("head", [True, False])
def test_only_the_bookkeeping_after_a_fast_path_is_niced(tmp_path, monkeypatch, head):
    config = tmp_path / "vip.json"
    config.write_text(json.dumps({"vip": "198.51.100.10", "interface": "lo", "run_dir": str(tmp_path / "run"),
                                  "state_dir": str(tmp_path / "state"), "flush": {"enabled": False}}))
    order = []
    monkeypatch.setattr(tk.os, "nice", lambda value: order.append(("nice", value)))
    monkeypatch.setitem(tk.COMMANDS, "status", lambda *args: order.append(("command", None)) or {"command": "status"})
    monkeypatch.setattr(tk, "remember_locked", lambda *args: None)
    tk.main(["--config", str(config), "--quiet", "status"], head=fast.Head(-1, 0.0, 0.0) if head else None,
            run_dir=str(tmp_path / "run"))
    assert order == ([("command", None), ("nice", fast.NICE_AFTER)] if head else [("command", None)])


# children started without subprocess, and the early flush ---------------------------------------------------------
def test_spawned_child_output_exit_and_kill():
    child = spawn.Spawned(["sh", "-c", "echo out; echo err >&2; exit 3"])
    spawn.collect([child], 5.0)
    assert child.ended is not None and (child.out, child.err) == (b"out\n", b"err\n") and child.wait() == 3
    sleeper = spawn.Spawned(["sleep", "30"])
    started = time.monotonic()
    spawn.collect([sleeper], 0.2)                                   # bounded
    assert sleeper.ended is None and 0.15 <= time.monotonic() - started < 1.0 and sleeper.poll() is None
    sleeper.kill()
    assert sleeper.wait() == -9
    with pytest.raises(OSError):
        spawn.Spawned(["no-such-program-here"])


def test_a_child_that_closed_its_output_is_waited_for_briefly():
    """EOF on both pipes comes before the child is reapable; exit_code waits for it, within its bound."""
    child = spawn.Spawned(["sh", "-c", "exec >&- 2>&-; sleep 0.01; exit 0"])
    spawn.collect([child], 5.0)
    assert child.ended is not None
    assert child.poll() is None                     # what the fast path used to read as "not flushed yet"
    assert child.exit_code(2.0) == 0
    stuck = spawn.Spawned(["sh", "-c", "exec >&- 2>&-; sleep 30"])
    spawn.collect([stuck], 5.0)
    started = time.monotonic()
    assert stuck.exit_code(0.05) is None and time.monotonic() - started < 1.0
    stuck.kill()
    assert stuck.wait() == -9


def test_spawned_children_see_only_the_safe_path():
    child = spawn.Spawned(["env"])
    spawn.collect([child], 5.0)
    assert child.out.decode().splitlines() == ["PATH=%s" % spawn.SAFE_PATH]


def early_config(tmp_path, addresses):
    routers = [{"name": "r%s" % a.rsplit(".", 1)[1], "address": a} for a in addresses]
    return vc.load({"vip": "198.51.100.10", "interface": "eth1", "routers": routers, "run_dir": str(tmp_path),
                    "flush": {"timeout_ms": 800, "hedge_ms": 100}})


def start_early(config, tmp_path):
    """What the fast path does: start each warm flush (here with the stand-in ssh, through env for its log)."""
    for router in config.routers:
        pathlib.Path(config.control_path(router)).touch()
    prefix = ["env", "FAKE_SSH_LOG=%s" % (tmp_path / "ssh.log"), str(FAKE_SSH)]
    return {entry["name"]: (spawn.Spawned(prefix + entry["argv"][1:]), time.monotonic())
            for entry in tk.fast_values(config)["warm_flush"]}


def test_early_flush_that_ended_in_the_fast_path_is_adopted(tmp_path, monkeypatch):
    config = early_config(tmp_path, ["198.51.100.2", "198.51.100.6"])
    early = start_early(config, tmp_path)
    spawn.collect([child for child, _s in early.values()], 2.0)
    assert all(child.ended for child, _s in early.values())
    monkeypatch.setenv("PATH", "%s:%s" % (FAKE_SSH.parent, os.environ["PATH"]))   # for the fresh hedge
    monkeypatch.setenv("FAKE_SSH_LOG", str(tmp_path / "ssh.log"))
    results = {r["name"]: r for r in vf.flush_all(config, warm=True, t0=time.monotonic(), early=early)}
    # r2 answered over the warm connection the fast path started; r6's master refused, so fresh at once
    assert results["r2"]["ok"] and results["r2"]["via"] == "warm" and results["r2"]["output"] == "flushed"
    assert results["r6"]["ok"] and results["r6"]["via"] == "fresh" and results["r6"]["output"] == "flushed fresh"
    calls = [json.loads(line) for line in (tmp_path / "ssh.log").read_text().splitlines()]
    assert sorted((c[-2], "fresh" if "ControlPath=none" in c else "warm") for c in calls) == [
        ("198.51.100.2", "warm"), ("198.51.100.6", "fresh"), ("198.51.100.6", "warm")]


def test_early_flush_still_running_is_hedged_and_bounded(tmp_path, monkeypatch):
    config = early_config(tmp_path, ["198.51.100.3", "198.51.100.5"])   # r3 never answers, r5's master is dead
    early = start_early(config, tmp_path)
    monkeypatch.setenv("PATH", "%s:%s" % (FAKE_SSH.parent, os.environ["PATH"]))
    monkeypatch.setenv("FAKE_SSH_LOG", str(tmp_path / "ssh.log"))
    started = time.monotonic()
    results = {r["name"]: r for r in vf.flush_all(config, warm=True, t0=started, early=early)}
    assert results["r5"]["ok"] and results["r5"]["via"] == "fresh" and results["r5"]["took_ms"] >= 100
    assert not results["r3"]["ok"] and results["r3"]["error"].startswith("no answer within 800 ms")
    assert time.monotonic() - started < 1.5
    assert all(child.poll() is not None for child, _s in early.values())   # nothing left running


# the installed program, end to end, in a network namespace ------------------------------------------------------
UP_TWICE = """
set -e
ip link set lo up
"$0" --config "$1" --quiet status >/dev/null
"$0" --config "$1" --json --quiet up
"$0" --config "$1" --json --quiet up
ip -4 -o address show dev lo | grep -c 198.51.100.10
"$0" --config "$1" --json --quiet down
touch "$1"
"$0" --config "$1" --json --quiet up
"""


def install_program(tmp_path, python):
    """The program as vip_script lays it out, under tmp_path; its launcher and run dir."""
    lib, program, run_dir = tmp_path / "lib", tmp_path / "sipha-vip", tmp_path / "run"
    for path, (text, mode) in vi.files(str(lib), str(program), python, str(run_dir)).items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        pathlib.Path(path).write_text(text)
        os.chmod(path, int(mode, 8))
    return program, run_dir


@pytest.mark.skipif(not netns_usable(), reason="needs root and unshare --net")
@pytest.mark.parametrize("python", interpreters())
def test_installed_program_takes_the_fast_path_only_with_a_valid_copy(tmp_path, python):
    program, run_dir = install_program(tmp_path, python)
    config = tmp_path / "vip.json"
    config.write_text(json.dumps({"vip": "198.51.100.10", "interface": "lo", "run_dir": str(run_dir),
                                  "state_dir": str(tmp_path / "state"), "flush": {"enabled": False},
                                  "garp": {"count": 1, "repeat_after_ms": 0}, "probe_ms": 50}))
    done = in_netns("sh", "-c", UP_TWICE, str(program), str(config))
    assert done.returncode == 0, done.stderr
    first, second, count, down, after_touch = done.stdout.splitlines()
    first, second, down, after_touch = (json.loads(x) for x in (first, second, down, after_touch))
    steps = [s["step"] for s in first["steps"]]
    assert first["fast_path"] and first["added"] and first["exit"] == 0, first
    assert steps[:5] == ["start", "lock", "vip added", "first announcement sent", "program loaded"], steps
    assert second["fast_path"] and second["added"] is False and count == "1"
    assert down["removed"] is True and down["fast_path"]
    assert [s["step"] for s in down["steps"]][:3] == ["start", "lock", "vip removed"]
    assert after_touch["fast_path"] is False and after_touch["added"] is True   # changed file: the whole program


# a closed or broken stderr never stops a takeover (issue 13, fault 4) --------------------------------------------
BROKEN_STDERR = """
import json, os, subprocess, sys
program, config, state, how = sys.argv[1:5]
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
subprocess.run([program, "--config", config, "--quiet", "status"], stdout=subprocess.DEVNULL, check=True)
reader, writer = os.pipe()
os.close(reader)                                            # nobody reads stderr: EPIPE on each write
stderr = {"closed": None, "epipe": writer}[how]
argv = [program, "--config", config] + sys.argv[5:] + ["up"]
close = [2] if how == "closed" else []
done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                      preexec_fn=(lambda: [os.close(fd) for fd in close]), check=False)
shown = subprocess.run(["ip", "-4", "-o", "address", "show", "dev", "lo"], capture_output=True, text=True)
try:
    with open(os.path.join(state, "state.json"), encoding="utf-8") as handle:
        record = json.load(handle)["last_up"]
except OSError:
    record = {"exit": "no record", "fast_path": None, "steps": []}
print(json.dumps({"code": done.returncode, "held": "198.51.100.10/32" in shown.stdout, "exit": record["exit"],
                  "fast_path": record["fast_path"], "steps": [s["step"] for s in record["steps"]],
                  "stderr_lost": record.get("stderr_lost")}))
"""


@pytest.mark.skipif(not netns_usable(), reason="needs root and unshare --net")
@pytest.mark.parametrize("how", ["closed", "epipe"])
@pytest.mark.parametrize("switches", [[], ["--no-fast"]])
def test_up_with_a_closed_or_broken_stderr_takes_the_vip_and_says_so(tmp_path, how, switches):
    """stderr closed (fd 2 shut, sys.stderr None) or a pipe nobody reads (EPIPE): exit 0, the VIP held, the
    record written, on the fast path and the whole program's."""
    program, run_dir = install_program(tmp_path, "/usr/bin/python3")
    config = tmp_path / "vip.json"
    config.write_text(json.dumps({"vip": "198.51.100.10", "interface": "lo", "run_dir": str(run_dir),
                                  "state_dir": str(tmp_path / "state"), "flush": {"enabled": False},
                                  "garp": {"count": 1, "repeat_after_ms": 0}, "probe_ms": 50}))
    done = in_netns("/usr/bin/python3", "-c", BROKEN_STDERR, str(program), str(config), str(tmp_path / "state"), how,
                    *switches)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["code"] == 0 and got["held"] and got["exit"] == 0, got
    assert got["fast_path"] == (not switches) and got["steps"][-1] == "done" and got["stderr_lost"], got


# down leaves no address equal to the VIP (issue 13, fault 6) -------------------------------------------------------
DOWN_OTHER_PREFIX = """
set -e
ip link set lo up
"$0" --config "$1" --quiet status >/dev/null
ip -4 address add 198.51.100.10/24 dev lo
set +e
"$0" --config "$1" --json --quiet $2 down
echo "exit $?"
ip -4 -o address show dev lo to 198.51.100.10/32 | wc -l
"""


@pytest.mark.skipif(not netns_usable(), reason="needs root and unshare --net")
@pytest.mark.parametrize("switches", ["", "--no-fast"])
def test_down_removes_the_vip_with_another_prefix_from_the_kernel(tmp_path, switches):
    """The VIP added by hand as /24: down (fast path, or the whole program's) removes it, or both hosts hold it."""
    program, run_dir = install_program(tmp_path, "/usr/bin/python3")
    config = tmp_path / "vip.json"
    config.write_text(json.dumps({"vip": "198.51.100.10", "interface": "lo", "run_dir": str(run_dir),
                                  "state_dir": str(tmp_path / "state"), "flush": {"enabled": False}}))
    done = in_netns("sh", "-c", DOWN_OTHER_PREFIX, str(program), str(config), switches)
    assert done.returncode == 0, done.stderr
    record, code, left = done.stdout.splitlines()
    assert (code, left.strip()) == ("exit 0", "0"), done.stdout + done.stderr
    record = json.loads(record)
    assert record["fast_path"] == (not switches) and record["removed_other_prefix"] == ["198.51.100.10/24"]


# a SIP NIC that is down or missing is refused before the add (issue 13, fault 1) -----------------------------------
NIC_DOWN = """
mount -t sysfs sysfs /sys || exit 8   # this namespace's NICs in /sys/class/net, as on a host
ip link set lo up
"$0" --config "$1" --quiet status >/dev/null || exit 9
[ "$3" = missing ] || ip link set lo down
"$0" --config "$1" --json $2 up 2>"$4"
echo "exit $?"
ip -4 -o address show to 198.51.100.10/32 | wc -l
"""


@pytest.mark.skipif(not netns_usable(), reason="needs root and unshare --net")
@pytest.mark.parametrize("switches", ["", "--no-fast"])
@pytest.mark.parametrize("state", ["down", "missing"])
def test_up_on_a_down_or_missing_nic_is_refused_before_the_add(tmp_path, switches, state):
    """lo admin down (or a NIC that is not there): exit 1 naming the NIC and its state, the VIP not added, on the
    fast path and the whole program's (it used to add the VIP, fail the send with ENETDOWN and leave it)."""
    program, run_dir = install_program(tmp_path, "/usr/bin/python3")
    config = tmp_path / "vip.json"
    config.write_text(json.dumps({"vip": "198.51.100.10", "interface": "lo" if state == "down" else "sipha0",
                                  "run_dir": str(run_dir), "state_dir": str(tmp_path / "state"),
                                  "flush": {"enabled": False}, "garp": {"count": 1, "repeat_after_ms": 0}}))
    done = in_netns("--mount", "sh", "-c", NIC_DOWN, str(program), str(config), switches, state, str(tmp_path / "err"))
    assert done.returncode == 0, done.stderr
    record, code, count = done.stdout.splitlines()
    err = (tmp_path / "err").read_text()
    assert (code, count.strip()) == ("exit 1", "0"), done.stdout + err
    nic = "lo" if state == "down" else "sipha0"
    wanted = "interface %s is %s" % (nic, "administratively down" if state == "down" else "missing")
    assert wanted in json.loads(record)["error"] and wanted in err, err
    assert "vip added" not in err and "refused" in err, err


# split_brain: refuse against an old primary on the wire (issue 13, fault 7) ------------------------------------------
OLD_PRIMARY = """
import sys, time, _socket
sys.path[:0] = [sys.argv[1]]
from ansible_collections.sipha.network.plugins.module_utils._vip import arp
sock = _socket.socket(_socket.AF_PACKET, _socket.SOCK_RAW, 0)
sock.bind(("v1", 0))
reply = arp.gratuitous_reply(sock.getsockname()[4][:6], "198.51.100.10")
until = time.monotonic() + float(sys.argv[2]) / 1000.0
while time.monotonic() < until:              # it answers for the VIP until its own down took it
    sock.send(reply)
    time.sleep(0.01)
"""
REFUSE_RACE = """
import json, subprocess, sys, time
lib, program, config, stops_ms, answerer = sys.argv[1:6]
for argv in (["mount", "-t", "sysfs", "sysfs", "/sys"], ["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"],
             ["ip", "link", "set", "v0", "up"], ["ip", "link", "set", "v1", "up"]):
    subprocess.run(argv, check=True)
subprocess.run([program, "--config", config, "--quiet", "status"], stdout=subprocess.DEVNULL, check=True)
old = subprocess.Popen([sys.executable, "-c", answerer, lib, stops_ms])
time.sleep(0.3)                              # the old primary answers when up starts
started = time.monotonic()
done = subprocess.run([program, "--config", config, "--json", "--quiet", "up"], capture_output=True, text=True)
took = time.monotonic() - started
old.kill()
shown = subprocess.run(["ip", "-4", "-o", "address", "show", "dev", "v0"], capture_output=True, text=True).stdout
print(json.dumps({"code": done.returncode, "took": took, "held": "198.51.100.10/32" in shown,
                  "record": json.loads(done.stdout or "{}")}))
"""


@pytest.mark.skipif(not netns_usable(), reason="needs root and unshare --net")
@pytest.mark.parametrize("stops_ms, code", [(700, 0), (60000, 3)])
def test_refuse_waits_for_an_old_primary_that_lets_go(tmp_path, stops_ms, code):
    """A stand-in old primary on a veth peer sends ARP for the VIP: one that stops ~400 ms into the up (its down
    racing it) does not refuse the takeover; one that goes on is refused after split_brain_grace_ms (judged by
    the clock outside the program: 1 s of grace, 100 ms probes, well under 2.5 s)."""
    program, run_dir = install_program(tmp_path, "/usr/bin/python3")
    lib = tmp_path / "lib"            # where install_program put the code
    config = tmp_path / "vip.json"
    config.write_text(json.dumps({"vip": "198.51.100.10", "interface": "v0", "run_dir": str(run_dir),
                                  "state_dir": str(tmp_path / "state"), "flush": {"enabled": False},
                                  "garp": {"count": 1, "repeat_after_ms": 0}, "split_brain": "refuse",
                                  "probe_ms": 100, "split_brain_grace_ms": 1000}))
    done = in_netns("--mount", "/usr/bin/python3", "-c", REFUSE_RACE, str(lib), str(program), str(config),
                    str(stops_ms), OLD_PRIMARY)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["code"] == code and got["held"] == (code == 0), got
    if code:
        assert 1.0 <= got["took"] < 2.5 and got["record"]["duplicate_probes"] > 1, got
    else:
        assert got["took"] < 1.5 and got["record"]["other_holders"] == [], got


# SIGTERM during a takeover (issue 13, fault 8) ----------------------------------------------------------------------
SIGTERM_DURING_FLUSH = """
set -e
mount -t sysfs sysfs /sys
ip link set lo up
# a router that never answers: its address is on a veth whose peer has none (ARP unanswered, connect hangs)
ip link add d0 type veth peer name d1
ip addr add 198.51.100.1/24 dev d0
ip link set d1 up
ip link set d0 up
"$0" --config "$1" --quiet status >/dev/null
set +e
"$0" --config "$1" --json --quiet $2 up >"$3" 2>/dev/null &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
echo "exit $?"
sleep 0.2
pgrep -f "^ssh .*198[.]51[.]100[.]2" | wc -l
ip -4 -o address show dev d0 to 198.51.100.10/32 | wc -l
"""


@pytest.mark.skipif(not netns_usable(), reason="needs root and unshare --net")
@pytest.mark.parametrize("switches", ["", "--no-fast"])
def test_sigterm_during_the_flush_ends_the_children_and_says_what_was_done(tmp_path, switches):
    program, run_dir = install_program(tmp_path, "/usr/bin/python3")
    (tmp_path / "key").write_text("not a key\n")
    (tmp_path / "known_hosts").write_text("198.51.100.2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx9dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdGtleQ\n")
    config = tmp_path / "vip.json"
    config.write_text(json.dumps({
        "vip": "198.51.100.10", "interface": "d0", "run_dir": str(run_dir), "state_dir": str(tmp_path / "state"),
        "routers": [{"name": "r2", "address": "198.51.100.2"}],
        "flush": {"key_file": str(tmp_path / "key"), "known_hosts": str(tmp_path / "known_hosts"),
                  "timeout_ms": 8000, "warm": False},
        "garp": {"count": 1, "repeat_after_ms": 0}, "probe_ms": 50}))
    out = tmp_path / "record.json"
    done = subprocess.run(["unshare", "--net", "--mount", "sh", "-c", SIGTERM_DURING_FLUSH, str(program), str(config),
                           switches, str(out)], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    code, ssh_left, held = done.stdout.split("\n")[:3]
    record = json.loads(out.read_text())
    assert code == "exit 0" and held == "1", done.stdout          # the VIP was added before the SIGTERM: held
    assert ssh_left == "0", "the flush's ssh outlived the program"
    assert record["terminated"] and record["held"] and record["exit"] == 0, record
    assert record["errors_after_add"] == ["terminated by SIGTERM"]
    assert "terminated" in [step["step"] for step in record["steps"]]


@pytest.mark.parametrize("command, during", [("status", signal.SIG_DFL), ("refresh", "handler")])
def test_only_takeover_commands_catch_sigterm_and_the_old_handler_comes_back(tmp_path, monkeypatch, command, during):
    """The background announcer (like status) keeps the default: SIGTERM is how down stops it, at once."""
    config = tmp_path / "vip.json"
    config.write_text(json.dumps({"vip": "198.51.100.10", "interface": "lo", "run_dir": str(tmp_path / "run"),
                                  "state_dir": str(tmp_path / "state"), "flush": {"enabled": False}}))
    seen = []
    monkeypatch.setitem(tk.COMMANDS, command, lambda config, host, *rest: host.prepare_dirs()
                        or seen.append(signal.getsignal(signal.SIGTERM)) or {"command": command})
    monkeypatch.setattr(tk, "remember_locked", lambda *args: None)
    before = signal.getsignal(signal.SIGTERM)
    tk.main(["--config", str(config), "--quiet", command], run_dir=str(tmp_path / "run"))
    assert (seen[0] is signal.SIG_DFL) if during is signal.SIG_DFL else callable(seen[0])
    assert signal.getsignal(signal.SIGTERM) is before
