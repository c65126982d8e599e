"""The command the sip_vip role publishes for the management layer, and the objects file it generates:
the privilege step is an absolute /usr/bin/sudo, never one looked up in the agent's PATH (issue 13, fault 9)."""

from __future__ import annotations

import pathlib

import jinja2
import pytest
import yaml

ROLE = pathlib.Path(__file__).parents[5] / "roles" / "sip_vip"


def environment(**options):
    """Jinja as Ansible sets it up, for what these templates use: its ``bool`` filter."""
    env = jinja2.Environment(**options)
    env.filters["bool"] = lambda value: value if isinstance(value, bool) else str(value).lower() in ("true", "yes", "1", "on")
    return env


def command(agent_user, helper=False):
    role_vars = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    rendered = environment().from_string(role_vars["sip_vip__command"]).render(
        sip_vip_agent_user=agent_user, sip_vip__program="/usr/local/sbin/sipha-vip",
        sip_vip__sudo=role_vars.get("sip_vip__sudo"), sip_vip__helper=helper, sip_vip__client=role_vars["sip_vip__client"])
    return yaml.safe_load(rendered)


def helper_on(agent_helper, agent_user, systemd):
    role_vars = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    return environment().from_string(role_vars["sip_vip__helper"]).render(
        sip_vip_agent_helper=agent_helper, sip_vip_agent_user=agent_user, sip_vip__validated={"systemd": systemd})


def objects_file(cmd, helper=False):
    env = environment(trim_blocks=True)
    fact = {"command": cmd, "sip_server_app": "SIP_A"}
    return env.from_string((ROLE / "templates" / "scs-objects.md.j2").read_text()).render(
        sip_vip_pair="p", sip_vip_address="198.51.100.10", ansible_managed="managed", sip_vip__pair_hosts=["sip-a"],
        hostvars={"sip-a": {"sip_vip__fact": fact}}, sip_vip__fact=fact, sip_vip_agent_user="genesys",
        sip_vip_scs_event_primary="1", sip_vip_scs_event_backup="2", sip_vip__command=cmd,
        sip_vip__helper=helper)


@pytest.mark.parametrize("agent_user, wanted", [
    ("genesys", ["/usr/bin/sudo", "-n", "/usr/local/sbin/sipha-vip"]), ("root", ["/usr/local/sbin/sipha-vip"])])
def test_published_command_is_absolute(agent_user, wanted):
    assert command(agent_user) == wanted


def test_with_the_helper_the_published_command_is_its_client():
    assert command("genesys", helper=True) == ["/usr/local/sbin/sipha-vip-agent"]
    assert helper_on(True, "genesys", True) == "True"
    # not for root (it runs the program itself), not without systemd (nothing would run the helper), not when off
    assert [helper_on(*case) for case in ((True, "root", True), (True, "genesys", False), (False, "genesys", True))] \
        == ["False"] * 3


def test_objects_file_runs_an_absolute_sudo():
    text = objects_file(command("genesys"))
    rows = [line for line in text.splitlines() if line.startswith("| SIPHA_VIP_UP_sip-a |")]
    assert rows and rows[0].split("|")[4].strip() == "/usr/bin/sudo", rows
    assert "| sudo |" not in text and "`/usr/bin/sudo -n /usr/local/sbin/sipha-vip status`" in text, text


def test_objects_file_with_the_helper_runs_its_client_and_says_how_it_falls_back():
    text = objects_file(command("genesys", helper=True), helper=True)
    assert "| SIPHA_VIP_UP_sip-a | sip-a | /usr/local/sbin | /usr/local/sbin/sipha-vip-agent | up |" in text, text
    assert "standby helper (sipha-vip-helper.service, root)" in text and "falls back to the sudo" in text, text
