"""site.yml stops in its first play when the design is wrong: no router or host play starts.

The inventory's hosts and routers cannot be reached and cannot run a module (a name under .invalid, which never
resolves, and a Python that does not exist), so even a run that went on could change nothing on this machine or
anywhere else; the design play itself only runs set_fact and assert on the controller.
"""

from __future__ import annotations

import copy
import os
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
DATA = yaml.safe_load((ROOT / "tests" / "unit" / "data" / "inventories.yml").read_text())
UNREACHABLE = {"ansible_connection": "ssh", "ansible_python_interpreter": "/nonexistent/python3",
               "ansible_user": "nobody"}


def inventory(tmp_path: pathlib.Path, hosts: dict, routers: dict) -> pathlib.Path:
    def group(members: dict) -> dict:
        return {name: dict(variables, ansible_host="%s.invalid" % name, **UNREACHABLE)
                for name, variables in members.items()}
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump({"all": {"children": {"sip_pair": {"hosts": group(hosts)},
                                                         "adjacent_routers": {"hosts": group(routers)}}}}))
    return path


def run_site(path: pathlib.Path, tmp_path: pathlib.Path, playbook: str = "site",
             extra: tuple = ()) -> subprocess.CompletedProcess:
    """A playbook of this checkout (site.yml unless told) against the inventory at ``path``."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"), HOME=str(tmp_path),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), ANSIBLE_RETRY_FILES_ENABLED="false",
               ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1")
    argv = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(path),
            str(ROOT / "playbooks" / ("%s.yml" % playbook))] + list(extra)
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_a_design_error_stops_the_whole_playbook(tmp_path):
    hosts = copy.deepcopy(DATA["base"]["hosts"])
    routers = copy.deepcopy(DATA["base"]["routers"])
    hosts["sip-b"]["sipha_sip_nic"]["address"] = "198.51.100.12/24"     # disagrees with the network's /25
    hosts["sip-a"]["sip_qos_sip_dscp"] = "platinum"                      # a role variable, checked up front
    hosts["sip-a"]["sipha_validate_probe_address"] = "{{ no_such_variable }}"   # a template that fails
    result = run_site(inventory(tmp_path, hosts, routers), tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "design error(s); nothing was changed" in out, out
    assert "sip-b: sipha_sip_nic.address: has prefix /24 but sipha_sip_network.cidr is 198.51.100.0/25" in out, out
    assert "sip-a: sipha_validate_probe_address: cannot be templated" in out, out
    for play in ("PLAY [Adjacent routers", "PLAY [SIP hosts", "PLAY [Design and health"):
        assert play not in out, out
    assert "UNREACHABLE" not in out and "router_arp_flush" not in out, out


def test_a_role_variable_error_alone_stops_it_too(tmp_path):
    hosts = copy.deepcopy(DATA["base"]["hosts"])
    hosts["sip-b"]["sip_qos_windows_policy_prefix"] = "sipha*"
    result = run_site(inventory(tmp_path, hosts, copy.deepcopy(DATA["base"]["routers"])), tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "sip-b: sip_qos_windows_policy_prefix: must be 1-32 of letters" in out, out
    assert "PLAY [Adjacent routers" not in out and "PLAY [SIP hosts" not in out, out
