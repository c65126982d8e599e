"""The command the sip_vip role publishes for the management layer, and the objects file it generates:
the privilege step is an absolute /usr/bin/sudo, never one looked up in the agent's PATH (issue 13, fault 9)."""

from __future__ import annotations

import pathlib

import jinja2
import pytest
import yaml

ROLE = pathlib.Path(__file__).parents[5] / "roles" / "sip_vip"


def command(agent_user):
    role_vars = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    rendered = jinja2.Environment().from_string(role_vars["sip_vip__command"]).render(
        sip_vip_agent_user=agent_user, sip_vip__program="/usr/local/sbin/sipha-vip",
        sip_vip__sudo=role_vars.get("sip_vip__sudo"))
    return yaml.safe_load(rendered)


def objects_file(cmd):
    env = jinja2.Environment(trim_blocks=True)
    fact = {"command": cmd, "sip_server_app": "SIP_A"}
    return env.from_string((ROLE / "templates" / "scs-objects.md.j2").read_text()).render(
        sip_vip_pair="p", sip_vip_address="198.51.100.10", ansible_managed="managed", sip_vip__pair_hosts=["sip-a"],
        hostvars={"sip-a": {"sip_vip__fact": fact}}, sip_vip__fact=fact, sip_vip_agent_user="genesys",
        sip_vip_scs_event_primary="1", sip_vip_scs_event_backup="2", sip_vip__command=cmd)


@pytest.mark.parametrize("agent_user, wanted", [
    ("genesys", ["/usr/bin/sudo", "-n", "/usr/local/sbin/sipha-vip"]), ("root", ["/usr/local/sbin/sipha-vip"])])
def test_published_command_is_absolute(agent_user, wanted):
    assert command(agent_user) == wanted


def test_objects_file_runs_an_absolute_sudo():
    text = objects_file(command("genesys"))
    rows = [line for line in text.splitlines() if line.startswith("| SIPHA_VIP_UP_sip-a |")]
    assert rows and rows[0].split("|")[4].strip() == "/usr/bin/sudo", rows
    assert "| sudo |" not in text and "`/usr/bin/sudo -n /usr/local/sbin/sipha-vip status`" in text, text
