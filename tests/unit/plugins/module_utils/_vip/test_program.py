"""The takeover program: its import closure, the installed files, the CLI, the lock and the router flush runner."""

from __future__ import annotations

import ast
import fcntl
import glob
import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._vip import flush as vf
from ansible_collections.sipha.network.plugins.module_utils._vip import install as vi
from ansible_collections.sipha.network.plugins.module_utils._vip import program as tk

UTILS = pathlib.Path(vi.__file__).parents[1]
FAKE_BIN = pathlib.Path(__file__).parents[3] / "data" / "fake_bin"
STDLIB = set(getattr(sys, "stdlib_module_names", ())) | {"__future__"}


def is_module(dotted):
    """Whether ``dotted`` is a module of this collection's module_utils (not a name in one)."""
    prefix = vi.PACKAGE + "."
    return dotted.startswith(prefix) and pathlib.Path(vi.module_path(str(UTILS), dotted[len(prefix):])).is_file()


@pytest.mark.skipif(not STDLIB, reason="needs Python 3.10+ to list the standard library")
@pytest.mark.parametrize("name", vi.SHIPPED)
def test_program_is_standard_library_only_and_closed(name):
    tree = ast.parse(pathlib.Path(vi.module_path(str(UTILS), name)).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # "from PACKAGE._pkg import mod" imports a module, "from PACKAGE._pkg.mod import name" a name
            base = node.module or ""
            modules = [base + "." + alias.name if is_module(base + "." + alias.name) else base for alias in node.names]
        else:
            continue
        for module in modules:
            if module.startswith(vi.PACKAGE + "."):
                assert module[len(vi.PACKAGE) + 1:] in vi.SHIPPED, "%s imports %s, which is not shipped" % (name, module)
            else:
                assert module.split(".")[0] in STDLIB, "%s imports %s (not standard library)" % (name, module)


def interpreters():
    found = {os.path.realpath("/usr/bin/python3"): "/usr/bin/python3"} if os.path.exists("/usr/bin/python3") else {}
    for path in sorted(glob.glob("/root/.pyenv/versions/3.*/bin/python3")):
        version = path.split("/")[-3]
        if tuple(int(x) for x in version.split(".")[:2]) >= (3, 8):
            found.setdefault(os.path.realpath(path), path)
    return sorted(found.values())


def install(tmp_path, python):
    lib, program = tmp_path / "lib", tmp_path / "sipha-vip"
    for path, (text, mode) in vi.files(str(lib), str(program), python).items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        pathlib.Path(path).write_text(text)
        os.chmod(path, int(mode, 8))
    return str(program)


def write_config(tmp_path, **changes):
    data = {"vip": "198.51.100.10", "interface": "lo", "run_dir": str(tmp_path / "run"),
            "state_dir": str(tmp_path / "state"), "routers": [{"name": "r1", "address": "198.51.100.2"}]}
    data.update(changes)
    path = tmp_path / "vip.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_installed_files_are_the_collections_own():
    files = vi.files("/usr/local/lib/sipha-vip", "/usr/local/sbin/sipha-vip", "/usr/bin/python3")
    launcher, mode = files["/usr/local/sbin/sipha-vip"]
    assert mode == "0750" and launcher.startswith("#!/usr/bin/python3 -IS\n")
    for name in vi.SHIPPED:
        text, mode = files["/usr/local/lib/sipha-vip/ansible_collections/sipha/network/plugins/module_utils/%s.py"
                           % name.replace(".", "/")]
        assert mode == "0640" and text == pathlib.Path(vi.module_path(str(UTILS), name)).read_text()


@pytest.mark.parametrize("python", interpreters())
def test_program_runs_on_each_python(python, tmp_path):
    """--help, a bad config (exit 2 naming the field) and status, on every Python 3.8+ this machine has."""
    program = install(tmp_path, python)
    version = subprocess.run([python, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    helped = subprocess.run([program, "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0 and "sipha-vip up" in helped.stdout, version
    bad = subprocess.run([program, "--config", write_config(tmp_path, garp={"count": 0}), "up"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "garp.count: must be a whole number 1..10" in bad.stderr, (version, bad.stderr)
    status = subprocess.run([program, "--config", write_config(tmp_path), "status"], capture_output=True, text=True,
                            check=False)
    assert status.returncode == 0, (version, status.stderr)
    record = json.loads(status.stdout)
    assert record["held"] is False and record["interface"] == "lo" and record["warm"] == {"r1": False}


def test_usage_errors(tmp_path):
    program = install(tmp_path, sys.executable)
    for argv, text in ((["sideways"], "unknown argument 'sideways'"), ([], "a command is needed"),
                       (["--config", str(tmp_path / "none.json"), "up"], "config unreadable")):
        done = subprocess.run([program] + argv, capture_output=True, text=True, check=False)
        assert done.returncode == 2 and text in done.stderr, done.stderr


def test_switches():
    options = tk.Options(["--config", "/x.json", "--no-directed", "--fresh", "up"])
    assert (options.config, options.command, options.no_directed, options.fresh, options.no_garp) == \
        ("/x.json", "up", True, True, False)


def test_announce_schedule():
    schedule = tk.announce_schedule({"count": 3, "interval_ms": 200, "repeat_after_ms": 2000})
    assert schedule == [200, 400, 2000, 2200, 2400]
    assert tk.announce_schedule({"count": 1, "interval_ms": 200, "repeat_after_ms": 0}) == []


def test_lock_is_exclusive_and_bounded(tmp_path):
    config = vc.parse(open(write_config(tmp_path)).read())
    first, second = tk.Host(config), tk.Host(config)
    first.prepare_dirs()
    assert first.lock(100)
    started = time.monotonic()
    assert not second.lock(200)
    waited = (time.monotonic() - started) * 1000
    assert 150 <= waited <= 1500, waited
    assert not second.lock(0, wait=False)
    first.unlock()
    assert second.lock(100)
    second.unlock()


# the router flush runner, against a stand-in ssh (tests/unit/data/fake_bin/ssh) --------------------------------

@pytest.fixture
def fake_ssh(tmp_path, monkeypatch):
    log = tmp_path / "ssh.log"
    monkeypatch.setenv("PATH", "%s:%s" % (FAKE_BIN, os.environ["PATH"]))
    monkeypatch.setenv("FAKE_SSH_LOG", str(log))
    return log


def flush_config(tmp_path, addresses, **flush):
    routers = [{"name": "r%s" % a.rsplit(".", 1)[1], "address": a} for a in addresses]
    return vc.load({"vip": "198.51.100.10", "interface": "eth1", "routers": routers, "run_dir": str(tmp_path),
                    "flush": dict({"timeout_ms": 800, "hedge_ms": 100}, **flush)})


def test_flush_all_in_parallel_each_bounded(tmp_path, fake_ssh):
    config = flush_config(tmp_path, ["198.51.100.2", "198.51.100.3", "198.51.100.4"])
    started = time.monotonic()
    seen = []
    results = vf.flush_all(config, warm=True, t0=started, on_done=lambda r: seen.append(r["name"]))
    elapsed = (time.monotonic() - started) * 1000
    by_name = {r["name"]: r for r in results}
    assert by_name["r2"]["ok"] and by_name["r2"]["via"] == "fresh" and by_name["r2"]["output"] == "flushed"
    assert not by_name["r3"]["ok"] and by_name["r3"]["error"].startswith("no answer within 800 ms")
    assert not by_name["r4"]["ok"] and "host key verification failed" in by_name["r4"]["error"]
    assert 780 <= by_name["r3"]["took_ms"] <= 1500 and elapsed < 1500, elapsed
    assert by_name["r2"]["took_ms"] < 700
    assert sorted(seen) == ["r2", "r3", "r4"] and seen[-1] == "r3"
    calls = [json.loads(line) for line in fake_ssh.read_text().splitlines()]
    assert len(calls) == 3 and all(c[-1] == "flush 198.51.100.10" and "StrictHostKeyChecking=yes" in c
                                   for c in calls)


def test_dead_warm_connection_is_hedged_by_a_fresh_one(tmp_path, fake_ssh):
    config = flush_config(tmp_path, ["198.51.100.5", "198.51.100.6"])
    for router in config.routers:
        pathlib.Path(config.control_path(router)).touch()
    result = {r["name"]: r for r in vf.flush_all(config, warm=True, t0=time.monotonic())}
    assert result["r5"]["ok"] and result["r5"]["via"] == "fresh" and 100 <= result["r5"]["took_ms"] < 700
    assert result["r6"]["ok"] and result["r6"]["via"] == "fresh" and result["r6"]["took_ms"] < 100 + 400
    calls = [json.loads(line) for line in fake_ssh.read_text().splitlines()]
    kinds = sorted((c[-2], "warm" if "ControlPath=none" not in c else "fresh") for c in calls)
    assert kinds == [("198.51.100.5", "fresh"), ("198.51.100.5", "warm"), ("198.51.100.6", "fresh"),
                     ("198.51.100.6", "warm")]


def test_fresh_only_never_touches_the_master(tmp_path, fake_ssh):
    config = flush_config(tmp_path, ["198.51.100.5"])
    pathlib.Path(config.control_path(config.routers[0])).touch()
    result = vf.flush_all(config, warm=False, t0=time.monotonic())[0]
    assert result["ok"] and result["via"] == "fresh"
    assert all("ControlPath=none" in json.loads(line) for line in fake_ssh.read_text().splitlines())


@pytest.mark.parametrize("stderr, text", [
    ("Host key verification failed.\n", "host key verification failed"),
    ("sipha-flush@198.51.100.2: Permission denied (publickey).\n", "authentication failed"),
    ("ssh: connect to host 198.51.100.2 port 22: Connection refused\n", "Connection refused"),
    ("", "no answer and no exit status"),
    ("kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 198.51.100.2 port 22\r\n",
     "every vty line busy"),
])
def test_explain(stderr, text):
    assert text in vf.explain(255, stderr)


# the vip_script module, in-process, into a temporary directory ---------------------------------------------------

HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx9dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdGtleQ r1"


def script_params(tmp_path, **config):
    design = {"vip": "198.51.100.10", "interface": "lo", "run_dir": str(tmp_path / "run"),
              "routers": [{"name": "r1", "address": "198.51.100.2", "host_keys": [HOST_KEY]}],
              "flush": {"known_hosts": str(tmp_path / "etc" / "known_hosts"), "key_file": str(tmp_path / "key")}}
    design.update(config)
    return {"config": design, "path": str(tmp_path / "sbin" / "sipha-vip"), "lib_dir": str(tmp_path / "lib"),
            "config_path": str(tmp_path / "etc" / "vip.json"), "python": sys.executable, "check_host": False}


def test_vip_script_installs_idempotently(run_module, tmp_path):
    from ansible_collections.sipha.network.plugins.module_utils._vip.modules import run_vip_script
    (tmp_path / "sbin").mkdir()
    params = script_params(tmp_path)
    checked = run_module(run_vip_script, params, check_mode=True, diff=True)
    assert checked["changed"] and not (tmp_path / "etc").exists() and not (tmp_path / "lib").exists()
    first = run_module(run_vip_script, params, diff=True)
    assert first["changed"] and params["config_path"] in first["files_changed"]
    assert json.loads((tmp_path / "etc" / "vip.json").read_text())["vip"] == "198.51.100.10"
    assert (tmp_path / "etc" / "known_hosts").read_text().splitlines()[1].startswith("198.51.100.2 ssh-ed25519 ")
    assert oct(os.stat(params["path"]).st_mode & 0o777) == "0o750"
    assert oct(os.stat(params["config_path"]).st_mode & 0o777) == "0o640"
    assert any(d.get("after_header") == params["config_path"] for d in first["diff"])
    assert run_module(run_vip_script, params)["changed"] is False
    # the installed program answers, from the installed copy
    done = subprocess.run([params["path"], "--config", params["config_path"], "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and "usage: sipha-vip" in done.stdout
    # a changed pin rewrites known_hosts only
    params["config"]["routers"][0]["host_keys"] = [HOST_KEY.replace("dGtleQ", "dGtleR")]
    second = run_module(run_vip_script, params)
    assert second["files_changed"] == [params["config"]["flush"]["known_hosts"]]
    removed = run_module(run_vip_script, dict(params, state="absent"))
    assert removed["changed"] and not os.path.exists(params["path"]) and not (tmp_path / "lib").exists()


@pytest.mark.parametrize("change, field", [
    ({"vip": "198.51.100.10;id"}, "config.vip: "),
    ({"routers": [{"name": "r1", "address": "198.51.100.2"}]}, "config.routers[0].host_keys: "),
    ({"garp": {"count": 11}}, "config.garp.count: "),
])
def test_vip_script_refuses_bad_config_and_writes_nothing(run_module, tmp_path, change, field):
    from ansible_collections.sipha.network.plugins.module_utils._vip.modules import run_vip_script
    result = run_module(run_vip_script, script_params(tmp_path, **change))
    assert result.failed and result["msg"].startswith(field), result["msg"]
    assert list(tmp_path.iterdir()) == []


def test_no_ssh_client_fails_each_router_not_the_takeover(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))                  # no ssh anywhere on PATH
    config = flush_config(tmp_path, ["198.51.100.2", "198.51.100.3"])
    results = vf.flush_all(config, warm=True, t0=time.monotonic())
    assert [r["ok"] for r in results] == [False, False]
    assert all("cannot run ssh" in r["error"] for r in results), results


def test_no_import_cycle_in_the_program():
    """fast imports neither the launcher nor the whole program; the launcher is the only one that imports both."""
    importers = {}
    for name in vi.SHIPPED:
        tree = ast.parse(pathlib.Path(vi.module_path(str(UTILS), name)).read_text())
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(vi.PACKAGE + "."):
                for alias in node.names:
                    full = node.module + "." + alias.name
                    found.add((full if is_module(full) else node.module)[len(vi.PACKAGE) + 1:])
        importers[name] = found

    def reaches(start, goal, seen=()):
        return any(dep == goal or (dep not in seen and reaches(dep, goal, seen + (dep,)))
                   for dep in importers.get(start, ()))
    for name in vi.SHIPPED:
        assert not reaches(name, name), "%s imports itself through %s" % (name, sorted(importers[name]))
    assert "_vip.program" not in importers["_vip.fast"] and "_vip.launcher" not in importers["_vip.fast"]


# files under the run dir are the program's own (issue 13, fault 10) ----------------------------------------------
def test_master_log_files_are_created_0600(tmp_path, fake_ssh):
    """The ssh -E log of each master is root's alone, whatever the umask, and an old 0644 one is tightened."""
    config = flush_config(tmp_path, ["198.51.100.2", "198.51.100.3"], timeout_ms=100)
    old = pathlib.Path(config.control_path(config.routers[1]) + ".log")
    old.write_text("an earlier run's log\n")
    os.chmod(old, 0o644)
    previous = os.umask(0o022)
    try:
        vf.ensure_masters(config)
    finally:
        os.umask(previous)
    for router in config.routers:
        mode = os.stat(config.control_path(router) + ".log").st_mode & 0o777
        assert mode == 0o600, "%s.log is %o" % (config.control_path(router), mode)


# a closed or broken stderr, and a stalled syslog (issue 13, fault 4) ---------------------------------------------
class BrokenStream:
    """A stderr whose reader went away (EPIPE) or whose device fails (EIO)."""

    def __init__(self, error):
        self.error = error

    def write(self, text):
        raise self.error

    def flush(self):
        raise self.error


def closed_stream(tmp_path):
    stream = open(tmp_path / "closed", "w", encoding="utf-8")
    stream.close()
    return stream


@pytest.mark.parametrize("stderr", ["none", "epipe", "eio", "closed"])
def test_log_survives_a_closed_or_broken_stderr(tmp_path, monkeypatch, stderr):
    stream = {"none": None, "epipe": BrokenStream(BrokenPipeError(32, "Broken pipe")),
              "eio": BrokenStream(OSError(5, "Input/output error")), "closed": closed_stream(tmp_path)}[stderr]
    monkeypatch.setattr(sys, "stderr", stream)
    log = tk.Log("up", time.monotonic())
    log.step("vip added", "198.51.100.10/32 dev lo")
    log.step("done")
    assert [entry["step"] for entry in log.steps] == ["vip added", "done"]


def test_a_stalled_syslog_never_blocks_the_log(tmp_path):
    """The journal stops reading /dev/log: each line is sent without waiting and dropped when the socket's
    queue is full (counted), instead of blocking the takeover in syslog(3)."""
    import socket   # pylint: disable=import-outside-toplevel
    path = str(tmp_path / "log")
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    journal.bind(path)
    try:
        sink = tk.Syslog("sipha-vip", path)
        started = time.monotonic()
        for index in range(300):
            sink.send(tk.LOG_INFO, "up: +%d.0 ms step %d" % (index, index))
        assert time.monotonic() - started < 1.0
        assert 0 < sink.dropped < 300
        first = journal.recv(4096).decode()
        assert first.startswith("<30>") and (" sipha-vip[%d]: up: +0.0 ms step 0" % os.getpid()) in first, first
    finally:
        journal.close()
    gone = tk.Syslog("sipha-vip", str(tmp_path / "nothing-here"))
    assert not gone.send(tk.LOG_WARNING, "no journal at all")       # not an error either, and not counted
    assert gone.missing and gone.dropped == 0


# down leaves no address equal to the VIP, whatever its prefix (issue 13, fault 6) --------------------------------
class FakeKernel:
    """The NIC's IPv4 addresses as rtnetlink and ``ip -4 -o address show`` see them; ``stuck``: ones a delete
    cannot remove."""

    def __init__(self, *cidrs, stuck=()):
        self.cidrs = list(cidrs)
        self.stuck = set(stuck)

    def delete_address(self, interface, address, prefix):
        cidr = "%s/%d" % (address, prefix)
        if cidr not in self.cidrs:
            return 99                                               # EADDRNOTAVAIL, as the kernel answers
        if cidr not in self.stuck:
            self.cidrs.remove(cidr)
        return 0

    def run(self, argv, timeout=10.0):
        assert argv[:7] == ["ip", "-4", "-o", "address", "show", "dev", "lo"], argv
        wanted = argv[-1].split("/")[0] if "to" in argv else None
        lines = ["1: lo    inet %s scope global lo\\       valid_lft forever preferred_lft forever" % cidr
                 for cidr in self.cidrs if wanted is None or cidr.split("/")[0] == wanted]
        return subprocess.CompletedProcess(argv, 0, "".join(line + "\n" for line in lines), "")


def down_with(tmp_path, monkeypatch, kernel):
    config = vc.parse(open(write_config(tmp_path)).read())
    monkeypatch.setattr(tk.nl, "delete_address", kernel.delete_address)
    monkeypatch.setattr(tk, "run", kernel.run)
    monkeypatch.setattr(tk.Host, "nic_exists", lambda self: True)
    options = tk.Options(["--config", "x", "down"])
    return tk.cmd_down(config, tk.Host(config), tk.Log("down", time.monotonic(), quiet=True), options)


def test_down_removes_the_vip_held_with_another_prefix(tmp_path, monkeypatch):
    """198.51.100.10/24 added by hand: the delete of /32 answers EADDRNOTAVAIL, yet the VIP is there."""
    kernel = FakeKernel("127.0.0.1/8", "198.51.100.10/24")
    record = down_with(tmp_path, monkeypatch, kernel)
    assert kernel.cidrs == ["127.0.0.1/8"], kernel.cidrs
    assert record["removed"] is True and record["removed_other_prefix"] == ["198.51.100.10/24"]
    assert record["held"] is False


def test_down_that_cannot_remove_the_vip_fails_naming_it(tmp_path, monkeypatch):
    kernel = FakeKernel("198.51.100.10/32", "198.51.100.10/24", stuck=["198.51.100.10/24"])
    with pytest.raises(tk.TakeoverError) as raised:
        down_with(tmp_path, monkeypatch, kernel)
    assert raised.value.code == tk.EXIT_FAILED
    assert "198.51.100.10/24" in str(raised.value) and "lo" in str(raised.value), str(raised.value)


# durable state, written under the lock; a torn or empty file (issue 13, fault 5) ---------------------------------
def test_state_is_written_durably_through_a_unique_temp_file(tmp_path, monkeypatch):
    """No fixed state.json.tmp (two writers shared it, and one left behind blocks every save); the file and
    its directory are fsynced before the save returns."""
    config = vc.parse(open(write_config(tmp_path)).read())
    host = tk.Host(config)
    host.prepare_dirs()
    (tmp_path / "state" / "state.json.tmp").mkdir()                 # left behind by a crash, or another writer
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink("/proc/self/fd/%d" % fd))
                        or real_fsync(fd))
    host.save("last_up", {"exit": 0})
    assert json.loads((tmp_path / "state" / "state.json").read_text()) == {"last_up": {"exit": 0}}
    assert str(tmp_path / "state") in synced and any(".tmp" in path for path in synced), synced
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == ["state.json", "state.json.tmp"]


def test_state_is_saved_under_the_takeover_lock(tmp_path, monkeypatch):
    """The record is saved before the lock is released: a concurrent run's read-modify-write cannot lose it."""
    path = write_config(tmp_path, flush={"enabled": False})
    kernel = FakeKernel("198.51.100.10/32")
    monkeypatch.setattr(tk.nl, "delete_address", kernel.delete_address)
    monkeypatch.setattr(tk, "run", kernel.run)
    monkeypatch.setattr(tk.Host, "nic_exists", lambda self: True)
    held_while_saving = []
    real_save = tk.Host.save

    def save(self, key, record):
        fd = os.open(str(tmp_path / "run" / "lock"), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held_while_saving.append(False)
        except BlockingIOError:
            held_while_saving.append(True)
        finally:
            os.close(fd)
        real_save(self, key, record)

    monkeypatch.setattr(tk.Host, "save", save)
    assert tk.main(["--config", path, "--quiet", "--no-fast", "down"]) == 0
    assert held_while_saving == [True]


@pytest.mark.parametrize("text, says", [("", "is empty"), ('{"vip": "198.51.100.10", "inter', "is cut short")])
def test_a_torn_or_empty_config_is_named(tmp_path, capsys, text, says):
    path = tmp_path / "vip.json"
    path.write_text(text)
    assert tk.main(["--config", str(path), "down"], run_dir=str(tmp_path / "run")) == tk.EXIT_CONFIG
    err = capsys.readouterr().err
    assert "%s %s" % (path, says) in err, err


@pytest.mark.skipif(os.geteuid() != 0, reason="the validated copy is kept for root only")
def test_up_works_from_the_validated_copy_when_the_config_is_torn(tmp_path, monkeypatch, capsys):
    from ansible_collections.sipha.network.plugins.module_utils._vip import fast   # pylint: disable=import-outside-toplevel
    path = write_config(tmp_path, flush={"enabled": False}, routers=[])
    config = vc.parse(open(path).read())
    fast.remember(path, os.stat(path), tk.fast_values(config))
    pathlib.Path(path).write_text("")                               # a crash in the middle of a rollout
    added = []
    monkeypatch.setattr(fast.nl, "add_address", lambda *args: added.append(args) or 0)
    monkeypatch.setattr(fast.arp, "ArpLink", lambda interface: FakeArpLink())
    assert tk.main(["--config", path, "--json", "up"], run_dir=str(tmp_path / "run")) == tk.EXIT_OK
    out, err = capsys.readouterr()
    record = json.loads(out)
    assert added == [("lo", "198.51.100.10", 32, "lo:vip")] and record["added"] and record["exit"] == 0
    assert record["from_validated_copy"] and "%s is empty" % path in record["config_error"], record
    assert "%s is empty" % path in err and "validated copy" in err, err
    with open(tmp_path / "run" / "lock", "a", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)   # released


class FakeArpLink:
    mac = b"\x02\x00\x5e\x00\x53\x01"

    def send(self, frames):
        return time.time()

    def close(self):
        pass


# after the add, a failure never says "not added" while the VIP is held (issue 13, fault 1) ----------------------
class BrokenLink(FakeArpLink):
    """The packet socket of a NIC that went down after the add: every send fails (ENETDOWN)."""

    def __init__(self, interface="lo"):
        self.interface = interface

    def send(self, frames):
        raise OSError(100, "Network is down")

    def other_holders(self, vip, timeout_ms, first=False):
        return []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


class QuietLink(BrokenLink):
    def send(self, frames):
        return time.time()


def up_with(tmp_path, monkeypatch, link, capsys):
    path = write_config(tmp_path, flush={"enabled": False}, routers=[])
    kernel = FakeKernel()
    monkeypatch.setattr(tk.nl, "add_address", lambda *args: kernel.cidrs.append("198.51.100.10/32") or 0)
    monkeypatch.setattr(tk.nl, "delete_address", kernel.delete_address)
    monkeypatch.setattr(tk, "run", kernel.run)
    monkeypatch.setattr(tk.fast, "nic_state", lambda interface: "up", raising=False)
    monkeypatch.setattr(tk.arp, "ArpLink", link)
    code = tk.main(["--config", path, "--json", "--no-fast", "up"], run_dir=str(tmp_path / "run"))
    out, err = capsys.readouterr()
    return code, json.loads(out), err, kernel


def test_up_whose_first_announcement_fails_removes_the_vip_again(tmp_path, monkeypatch, capsys):
    """The NIC went down between the add and the first round: the VIP is removed again and the run says so,
    exit 1 with held false (it used to exit 1 'failed: Network is down' and leave the VIP unannounced)."""
    code, record, err, kernel = up_with(tmp_path, monkeypatch, BrokenLink, capsys)
    assert code == tk.EXIT_FAILED and kernel.cidrs == [], (code, kernel.cidrs)
    assert record["held"] is False and record["removed_again"] is True, record
    assert "removed again" in record["error"] and "Network is down" in record["error"], record["error"]
    assert "removed again" in err, err


def test_up_whose_announcer_cannot_start_holds_the_vip_and_reports_it(tmp_path, monkeypatch, capsys):
    """The VIP is added and announced once; the background announcer fails to start: exit 0, the VIP held,
    the failure in the record and on stderr (it used to exit 1 as if the VIP was not added)."""
    def no_announcer(self, config_path, flags):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(tk.Host, "start_announcer", no_announcer)
    code, record, err, kernel = up_with(tmp_path, monkeypatch, QuietLink, capsys)
    assert code == tk.EXIT_OK and kernel.cidrs == ["198.51.100.10/32"], (code, record)
    assert record["held"] is True and record["exit"] == 0, record
    assert any("announcer" in e and "Too many open files" in e for e in record["errors_after_add"]), record
    assert "WARNING" in err and "Too many open files" in err, err


# split_brain: refuse re-probes for a bounded time (issue 13, fault 7) ----------------------------------------------
class OldPrimary(QuietLink):
    """A stand-in old primary that answers each probe until ``stops_ms`` after it was made (its own ``down``
    racing this ``up``); a probe without an answer listens for the whole ``timeout_ms``, as the real one."""

    stops_ms = 0.0

    def __init__(self, interface="lo"):
        super().__init__(interface)
        self.until = time.monotonic() + OldPrimary.stops_ms / 1000.0

    def other_holders(self, vip, timeout_ms, first=False):
        if time.monotonic() < self.until:
            time.sleep(0.002)                                       # the answer comes at once
            return ["02:00:5e:00:53:02"]
        time.sleep(timeout_ms / 1000.0)
        return []


@pytest.mark.parametrize("stops_ms, code", [(400, tk.EXIT_OK), (1e9, tk.EXIT_DUPLICATE)])
def test_refuse_reprobes_while_the_old_primary_lets_go(tmp_path, monkeypatch, capsys, stops_ms, code):
    """The old primary's down races this up: an answer that stops within split_brain_grace_ms is not a split
    brain (exit 0, the VIP added); one that goes on is refused after the bound (exit 3, not added)."""
    path = write_config(tmp_path, flush={"enabled": False}, routers=[], split_brain="refuse", probe_ms=100,
                        split_brain_grace_ms=1000)
    kernel = FakeKernel()
    monkeypatch.setattr(tk.nl, "add_address", lambda *args: kernel.cidrs.append("198.51.100.10/32") or 0)
    monkeypatch.setattr(tk.fast, "nic_state", lambda interface: "up")
    monkeypatch.setattr(tk.arp, "ArpLink", OldPrimary)
    monkeypatch.setattr(tk.Host, "start_announcer", lambda self, config_path, flags: 0)
    OldPrimary.stops_ms = stops_ms
    started = time.monotonic()
    got = tk.main(["--config", path, "--json", "--quiet", "--no-fast", "up"], run_dir=str(tmp_path / "run"))
    took = time.monotonic() - started
    record = json.loads(capsys.readouterr().out)
    assert got == code and kernel.cidrs == (["198.51.100.10/32"] if code == 0 else []), record
    if code:
        assert 1.0 <= took < 2.5, took                              # the grace, one probe more, no longer
        assert "split_brain_grace_ms" in record["error"] and "1000 ms" in record["error"], record["error"]
    else:
        assert 0.4 <= took < 1.5 and record["other_holders"] == [], (took, record)


# the program sudo runs as root, and its lib dir, below root-only directories (issue 13, fault 9) ---------------------
def fake_tree(modes):
    """lstat over a made-up tree: path -> (uid, gid, mode); the rest does not exist."""
    def lstat(path):
        if path not in modes:
            raise FileNotFoundError(path)
        uid, gid, mode = modes[path]
        return os.stat_result((mode, 0, 0, 1, uid, gid, 0, 0, 0, 0))
    return lstat


DEBIAN_STAFF = {"/": (0, 0, 0o40755), "/usr": (0, 0, 0o40755), "/usr/local": (0, 50, 0o42775),
                "/usr/local/sbin": (0, 50, 0o42775)}


def test_a_group_writable_parent_is_named():
    """Debian's /usr/local when it is root:staff 2775 (systems installed before bullseye): anyone in staff could
    replace the program that sudo runs as root."""
    problem = vi.unsafe_parent("/usr/local/sbin/sipha-vip", fake_tree(DEBIAN_STAFF))
    assert problem is not None and problem.startswith("/usr/local is root:") and "2775" in problem, problem
    assert "writable by its group" in problem, problem
    root_only = {path: (0, 0, 0o40755) for path in DEBIAN_STAFF}
    assert vi.unsafe_parent("/usr/local/sbin/sipha-vip", fake_tree(root_only)) is None
    assert vi.unsafe_parent("/usr/local/lib/sipha-vip", fake_tree(root_only)) is None        # made by the installer
    others = dict(root_only, **{"/usr/local/sbin": (1000, 1000, 0o40755)})
    assert "not owned by root" in vi.unsafe_parent("/usr/local/sbin/sipha-vip", fake_tree(others))
    sticky = dict(root_only, **{"/usr/local/sbin": (0, 0, 0o41777)})
    assert "writable by everyone" in vi.unsafe_parent("/usr/local/sbin/sipha-vip", fake_tree(sticky))


def test_vip_script_refuses_a_program_below_a_writable_directory(run_module, tmp_path):
    from ansible_collections.sipha.network.plugins.module_utils._vip.modules import run_vip_script
    (tmp_path / "sbin").mkdir()
    os.chmod(tmp_path / "sbin", 0o2775)
    params = script_params(tmp_path)
    for check_mode in (True, False):
        result = run_module(run_vip_script, params, check_mode=check_mode)
        assert result.failed and result["msg"].startswith("path: %s: %s is " % (params["path"], tmp_path / "sbin"))
        assert "writable by its group" in result["msg"] and "chmod g-w,o-w" in result["msg"], result["msg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sbin"] and not list((tmp_path / "sbin").iterdir())


# an upgrade is one rename: a new versioned lib dir, then the launcher (issue 13, fault 9) ---------------------------
def launcher_lib(program):
    line = [line for line in pathlib.Path(program).read_text().splitlines() if line.startswith("sys.path.insert")]
    return line[0].split("'")[1]


def test_vip_script_upgrade_never_touches_the_code_a_running_up_imports(run_module, tmp_path, monkeypatch):
    """Each version of the code goes into its own directory under lib_dir; the launcher is switched to it by one
    rename once it is complete; the running version's files are never rewritten; the previous one is kept (an
    up that started before the switch still imports from it), older ones are pruned."""
    from ansible_collections.sipha.network.plugins.module_utils._vip.modules import run_vip_script
    real_source = vi.source
    (tmp_path / "sbin").mkdir()
    params = script_params(tmp_path)
    libs, program_py = [], []
    for release in ("A", "B", "B", "C"):
        monkeypatch.setattr(vi, "source", lambda name, release=release: real_source(name) + (
            "# release %s\n" % release if name == "_vip.program" else ""))
        before = os.stat(params["path"]).st_ino if os.path.exists(params["path"]) else None
        kept = {lib: pathlib.Path(vi.module_path(lib, vi.PACKAGE + "._vip.program")).read_text() for lib in libs}
        result = run_module(run_vip_script, params)
        lib = launcher_lib(params["path"])
        assert os.path.dirname(lib) == params["lib_dir"] and lib != params["lib_dir"], lib
        assert (before != os.stat(params["path"]).st_ino) == result["changed"]     # replaced, never rewritten
        for old, text in kept.items():                                             # what a running up imports
            if os.path.isdir(old):
                assert pathlib.Path(vi.module_path(old, vi.PACKAGE + "._vip.program")).read_text() == text
        libs.append(lib)
        program_py.append(pathlib.Path(vi.module_path(lib, vi.PACKAGE + "._vip.program")).read_text())
    assert result["changed"] and len(set(libs)) == 3 and libs[1] == libs[2]
    assert program_py[-1].endswith("# release C\n")
    assert sorted(os.listdir(params["lib_dir"])) == sorted({os.path.basename(libs[1]), os.path.basename(libs[3])})
    done = subprocess.run([params["path"], "--config", params["config_path"], "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and "usage: sipha-vip" in done.stdout


def test_vip_script_upgrade_from_the_flat_layout_keeps_it_once(run_module, tmp_path, monkeypatch):
    """A release before versioned directories had its code right under lib_dir: kept as the previous version by
    the first upgrade (an up may be importing it), removed by the next."""
    from ansible_collections.sipha.network.plugins.module_utils._vip.modules import run_vip_script
    params = script_params(tmp_path)
    for path, (text, mode) in vi.files(params["lib_dir"], params["path"], params["python"]).items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        pathlib.Path(path).write_text(text)
        os.chmod(path, int(mode, 8))
    assert run_module(run_vip_script, params)["changed"]
    first = launcher_lib(params["path"])
    assert sorted(os.listdir(params["lib_dir"])) == sorted(["ansible_collections", os.path.basename(first)])
    real_source = vi.source
    monkeypatch.setattr(vi, "source", lambda name: real_source(name) + ("# next\n" if name == "_vip.cli" else ""))
    result = run_module(run_vip_script, params)
    assert params["lib_dir"] + "/ansible_collections/ (removed: an older version)" in result["files_changed"]
    assert sorted(os.listdir(params["lib_dir"])) == sorted(
        [os.path.basename(first), os.path.basename(launcher_lib(params["path"]))])


def test_up_that_cannot_remove_the_unannounced_vip_says_it_is_held(tmp_path, monkeypatch, capsys):
    """The first round failed and the delete failed too: exit 1, the record says held, the message how to fix."""
    def stuck(interface, address, prefix):
        raise OSError(105, "No buffer space available")

    monkeypatch.setattr(tk.nl, "delete_address", stuck, raising=False)
    path = write_config(tmp_path, flush={"enabled": False}, routers=[])
    monkeypatch.setattr(tk.nl, "add_address", lambda *args: 0)
    monkeypatch.setattr(tk.fast, "nic_state", lambda interface: "up")
    monkeypatch.setattr(tk.arp, "ArpLink", BrokenLink)
    code = tk.main(["--config", path, "--json", "--quiet", "--no-fast", "up"], run_dir=str(tmp_path / "run"))
    record = json.loads(capsys.readouterr().out)
    assert code == tk.EXIT_FAILED and record["held"] is True and record["removed_again"] is False, record
    assert "held, unannounced" in record["error"] and "ip -4 address del 198.51.100.10/32 dev lo" in record["error"]


def test_probe_goes_warm_and_falls_back_fresh_within_its_bound(tmp_path, fake_ssh):
    """The health check's request: through the warm connection; a silent one (dead master) is given up after
    hedge_ms and a fresh login tried within the bound; one refused at once goes fresh at once; a host key refused
    both ways is reported for both."""
    config = flush_config(tmp_path, ["198.51.100.2", "198.51.100.5", "198.51.100.6", "198.51.100.4"])
    for router in config.routers:
        pathlib.Path(config.control_path(router)).touch()
    started = time.monotonic()
    result = {r["name"]: r for r in vf.probe_all(config, warm=True, bound_s=0.7)}
    assert time.monotonic() - started < 1.2
    assert result["r2"]["ok"] and result["r2"]["via"] == "warm"
    assert result["r5"]["ok"] and result["r5"]["via"] == "fresh" and 100 <= result["r5"]["took_ms"] < 700
    assert result["r6"]["ok"] and result["r6"]["via"] == "fresh" and result["r6"]["took_ms"] < 100
    assert not result["r4"]["ok"] and result["r4"]["error"].count("host key verification failed") == 2
    calls = [json.loads(line) for line in fake_ssh.read_text().splitlines()]
    assert all(call[-1] == "show 198.51.100.10" and "StrictHostKeyChecking=yes" in call for call in calls), calls


def test_probe_tries_once_more_a_router_that_closed_before_ssh_began(tmp_path, fake_ssh):
    """Every vty line (or sshd's MaxStartups) busy for a moment: one more login after a short pause answers; a
    router that keeps turning logins away is tried exactly twice and named for it."""
    config = flush_config(tmp_path, ["198.51.100.7", "198.51.100.8", "198.51.100.4"])
    result = {r["name"]: r for r in vf.probe_all(config)}
    assert result["r7"]["ok"] and result["r7"]["error"] is None
    assert not result["r8"]["ok"] and result["r8"]["error"].startswith(vf.CLOSED_EARLY), result["r8"]
    assert not result["r4"]["ok"] and "host key verification failed" in result["r4"]["error"]
    addresses = [json.loads(line)[-2] for line in fake_ssh.read_text().splitlines()]
    assert sorted(addresses) == ["198.51.100.4", "198.51.100.7", "198.51.100.7", "198.51.100.8", "198.51.100.8"]
