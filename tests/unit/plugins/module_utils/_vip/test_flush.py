"""Warm connections under faults (issue 13, faults 2 and 3): one session per router, never under the takeover lock.

The routers are a stand-in ssh (tests/unit/data/fake_bin_master/ssh, ssh_master.py) that behaves as OpenSSH's ControlMaster does:
a start finding a stale socket keeps a plain session beside it and still exits 0.
"""

from __future__ import annotations

import os
import pathlib
import signal
import sys
import threading
import time

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import vip as vc
from ansible_collections.sipha.network.plugins.module_utils._vip import flush as vf
from ansible_collections.sipha.network.plugins.module_utils._vip import lock
from ansible_collections.sipha.network.plugins.module_utils._vip import program as tk

FAKE_BIN = pathlib.Path(__file__).parents[3] / "data" / "fake_bin_master"


@pytest.fixture
def routers(tmp_path, monkeypatch):
    """A config whose routers are the stand-in masters; every session they leave is ended afterwards."""
    monkeypatch.setenv("PATH", "%s:%s" % (FAKE_BIN, os.environ["PATH"]))
    monkeypatch.setenv("FAKE_PYTHON", sys.executable)
    run = tmp_path / "run"
    run.mkdir()
    made = []

    def config(*addresses, **flush):
        routers_ = [{"name": "r%s" % a.rsplit(".", 1)[1], "address": a} for a in addresses]
        made.append(vc.load({"vip": "198.51.100.10", "interface": "lo", "routers": routers_, "run_dir": str(run),
                             "state_dir": str(tmp_path / "state"),
                             "flush": dict({"timeout_ms": 800, "hedge_ms": 100}, **flush)}))
        return made[-1]

    yield config
    for cfg in made:
        for router in cfg.routers:
            vf.end_sessions(vf.sessions(cfg, router), grace_s=0.2)


def test_refresh_after_a_sigkilled_master_keeps_exactly_one_session(routers):
    config = routers("198.51.100.2")
    router = config.routers[0]
    first = vf.ensure_masters(config)
    assert first[0]["warm"] and vf.sessions(config, router) == [vf.master_pid(config, router)]
    os.kill(vf.master_pid(config, router), signal.SIGKILL)       # leaves its socket behind
    time.sleep(0.1)
    assert os.path.exists(config.control_path(router)) and not vf.master_alive(config, router)
    for dummy in range(3):
        result = vf.ensure_masters(config)
        assert result[0]["warm"] and result[0]["sessions"] == 1, result
    alive = vf.sessions(config, router)
    assert len(alive) == 1 and alive == [vf.master_pid(config, router)], alive


def test_a_plain_session_beside_a_live_master_is_ended(routers):
    config = routers("198.51.100.2")
    router = config.routers[0]
    vf.ensure_masters(config)
    master = vf.master_pid(config, router)
    # what an older version left: a start that found the socket kept a plain session beside the master
    os.system("ssh -o ControlMaster=yes -o ControlPath=%s -N -f 198.51.100.2 2>/dev/null" % config.control_path(router))
    assert len(vf.sessions(config, router)) == 2
    assert vf.ensure_masters(config)[0]["sessions"] == 1
    assert vf.sessions(config, router) == [master]


def test_disconnect_closes_the_master_and_what_a_stale_socket_left(routers):
    config = routers("198.51.100.2")
    router = config.routers[0]
    vf.ensure_masters(config)
    os.kill(vf.master_pid(config, router), signal.SIGKILL)
    os.system("ssh -o ControlMaster=yes -o ControlPath=%s -N -f 198.51.100.2 2>/dev/null" % config.control_path(router))
    assert vf.sessions(config, router)
    assert vf.close_masters(config) == ["r2"]
    assert vf.sessions(config, router) == [] and not os.path.exists(config.control_path(router))


def test_a_router_that_never_answers_leaves_no_session(routers):
    config = routers("198.51.100.3", timeout_ms=300)
    result = vf.ensure_masters(config)
    assert not result[0]["warm"] and result[0]["error"] == "no answer within 300 ms"
    assert vf.sessions(config, config.routers[0]) == []


class SlowLink:
    """The VIP's NIC for refresh: the duplicate probe takes 400 ms; each send notes whether the lock was held."""
    sends = []
    mac = b"\x02\x00\x5e\x00\x53\x01"

    def __init__(self, interface):
        self.run_dir = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def other_holders(self, vip, timeout_ms, first=False):
        time.sleep(0.4)
        return []

    def send(self, frames):
        held = lock.acquire(SlowLink.run_dir, 0.0)
        lock.release(held)
        SlowLink.sends.append(held is None)      # True: the takeover lock was held at the send
        return time.time()


def test_refresh_with_a_silent_router_never_keeps_an_up_waiting(routers, monkeypatch):
    """The probe (400 ms) and a router that never answers (800 ms) run outside the takeover lock: an up that
    arrives meanwhile gets the lock at once; the announcement itself is sent under the lock."""
    config = routers("198.51.100.2", "198.51.100.3")
    host = tk.Host(config)
    SlowLink.run_dir, SlowLink.sends = config.run_dir, []
    monkeypatch.setattr(tk.Host, "nic_exists", lambda self: True)
    monkeypatch.setattr(tk.Host, "held", lambda self: True)
    monkeypatch.setattr(tk.arp, "ArpLink", SlowLink)
    options = tk.Options(["--config", "x", "refresh"])
    done = {}
    worker = threading.Thread(target=lambda: done.update(tk.cmd_refresh(
        config, host, tk.Log("refresh", time.monotonic(), quiet=True), options)))
    worker.start()
    waits = []
    try:
        for pause in (0.1, 0.3, 0.4, 0.3):        # inside the probe, then inside the router connections
            time.sleep(pause)
            started = time.monotonic()
            fd = lock.acquire(config.run_dir, 1.0)
            waits.append((time.monotonic() - started) * 1000)
            lock.release(fd)
    finally:
        worker.join(5)
    assert max(waits) < 5, waits
    assert SlowLink.sends == [True]
    by_name = {entry["name"]: entry for entry in done["connections"]}
    assert by_name["r2"]["warm"] and not by_name["r3"]["warm"]
