"""playbooks/vip_vlan_split.yml on a Linux router: the real playbook, the real ip(8), a throw-away kernel.

The detached router is this machine inside a private network namespace (``unshare --net``; as root, skipped
elsewhere), reached by the local connection with become (su, root to root); it has one transit network,
198.18.0.0/29, where the other router's transit address is on-link. The SIP hosts and the other router are
unreachable (a name under .invalid, a Python that does not exist): nothing else could be contacted.
"""

from __future__ import annotations

import copy
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
BASE = yaml.safe_load((ROOT / "tests" / "unit" / "data" / "inventories.yml").read_text())["base"]
UNREACHABLE = {"ansible_connection": "ssh", "ansible_python_interpreter": "/nonexistent/python3",
               "ansible_user": "nobody"}
ADDRESSES = ["198.51.100.10", "198.51.100.11", "198.51.100.12"]
VIA = "198.18.0.2"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("nsenter"),
                                reason="needs root, unshare and nsenter (a private network namespace)")


def _namespace(pid, default):
    try:
        return os.readlink("/proc/%d/ns/net" % pid)
    except OSError:
        return default


@pytest.fixture
def router():
    """A network namespace with a transit network (198.18.0.1/29 on v0); yields a function running argv in it."""
    holder = subprocess.Popen(["unshare", "--net", "sleep", "600"])   # pylint: disable=consider-using-with
    own, deadline = os.readlink("/proc/self/ns/net"), time.monotonic() + 10
    while _namespace(holder.pid, own) == own:     # never touch this machine's own network: wait for the private one
        if holder.poll() is not None or time.monotonic() > deadline:
            holder.kill()
            pytest.skip("unshare --net gave no private network namespace here")
        time.sleep(0.01)

    def inside(argv, **kwargs):
        return subprocess.run(["nsenter", "-t", str(holder.pid), "-n"] + argv, capture_output=True, text=True,
                              timeout=300, check=False, **kwargs)
    try:
        for step in ("ip link set lo up", "ip link add v0 type veth peer name v1", "ip addr add 198.18.0.1/29 dev v0",
                     "ip link set v0 up", "ip link set v1 up"):
            done = inside(step.split())
            if done.returncode != 0:
                pytest.skip("no veth in a private namespace here: %s" % done.stderr.strip())
        yield inside
    finally:
        holder.kill()
        holder.wait()


def split(inside, tmp_path, check=False, **extra):
    hosts = {name: dict(copy.deepcopy(variables), ansible_host="%s.invalid" % name, **UNREACHABLE)
             for name, variables in BASE["hosts"].items()}
    edge_a = dict(copy.deepcopy(BASE["routers"]["edge-a"]), ansible_connection="local",
                  ansible_python_interpreter=sys.executable, ansible_become_method="ansible.builtin.su",
                  sipha_router_transit_address="198.18.0.1")
    edge_b = dict(copy.deepcopy(BASE["routers"]["edge-b"]), ansible_host="edge-b.invalid",
                  sipha_router_transit_address=VIA, **UNREACHABLE)
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps({"all": {"children": {"sip_pair": {"hosts": hosts}, "adjacent_routers": {
        "hosts": {"edge-a": edge_a, "edge-b": edge_b}}}}}))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"), HOME=str(tmp_path),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), ANSIBLE_RETRY_FILES_ENABLED="false",
               ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default")
    argv = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(path),
            str(ROOT / "playbooks" / "vip_vlan_split.yml"),
            "-e", json.dumps(dict({"sipha_split_router": "edge-a"}, **extra))]
    argv += ["--check", "--diff"] if check else []
    result = inside(argv, env=env, cwd=str(tmp_path))
    return result.returncode, result.stdout + result.stderr


def routes(inside):
    return inside(["ip", "-4", "route", "show"]).stdout.split("\n")


def test_check_present_again_then_absent(router, tmp_path):
    rc, out = split(router, tmp_path, check=True)
    assert rc == 0 and "changed=1" in out and "would add 3 host route(s)" in out, out
    assert "+ 198.51.100.10/32 via %s" % VIA in out                     # check mode and --diff show the routes
    assert not any(line.startswith("198.51.100.") for line in routes(router))

    rc, out = split(router, tmp_path)
    assert rc == 0 and "changed=1" in out and "HA is reduced" in out, out
    assert ["%s via %s dev v0 " % (a, VIA) for a in ADDRESSES] == [
        line for line in routes(router) if line.startswith("198.51.100.")]

    for check in (False, True):
        rc, out = split(router, tmp_path, check=check)
        assert rc == 0 and "changed=0" in out and "nothing to change" in out, out

    rc, out = split(router, tmp_path, sipha_split_state="absent", sipha_split_via="edge-b")
    assert rc == 0 and "changed=1" in out and "removed 3 host route(s)" in out, out
    assert not any(line.startswith("198.51.100.") for line in routes(router))
    rc, out = split(router, tmp_path, sipha_split_state="absent")
    assert rc == 0 and "changed=0" in out, out


def test_a_route_via_another_next_hop_is_taken_over_then_not_removed_by_the_revert(router, tmp_path):
    assert router(["ip", "-4", "route", "add", "198.51.100.11/32", "via", "198.18.0.3"]).returncode == 0
    rc, out = split(router, tmp_path, sipha_split_state="absent")
    assert rc == 0 and "changed=0" in out and "left alone" in out and "198.51.100.11/32 via 198.18.0.3" in out, out
    assert "198.51.100.11 via 198.18.0.3 dev v0 " in routes(router)
    rc, out = split(router, tmp_path)                                    # replace: the split's next hop wins
    assert rc == 0 and "added 3 host route(s)" in out, out
    assert "replaced (another next hop, taken over by this run's): 198.51.100.11/32 via 198.18.0.3" in out, out
    assert "198.51.100.11 via %s dev v0 " % VIA in routes(router)
