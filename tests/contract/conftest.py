"""Harness for the contract tests: simulated routers on 127.0.0.1, ansible-playbook against them, flush calls.

Nothing here reaches beyond the loopback interface of the test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import typing as t

import paramiko
import pytest

from ansible_collections.sipha.network.tests.devsim.ios import IosDevice
from ansible_collections.sipha.network.tests.devsim.junos import JunosDevice
from ansible_collections.sipha.network.tests.devsim.server import Device, Listener
from ansible_collections.sipha.network.tests.devsim.sshd import PROFILES, SshdFront

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VIP = "198.51.100.10"
OTHER = "198.51.100.99"
OLD_MAC = "02:00:00:00:00:01"


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> t.Dict[str, t.Any]:
    """A host key for the devices, and RSA client keys (the type every IOS accepts) for the SIP host and a stranger."""
    where = tmp_path_factory.mktemp("keys")
    result: t.Dict[str, t.Any] = {"host": paramiko.ECDSAKey.generate()}
    for name in ("sip", "stranger", "sip_ed"):        # made by ssh-keygen, in OpenSSH format, as users' keys are
        path = str(where / name)
        kind = ["-t", "ed25519"] if name.endswith("_ed") else ["-t", "rsa", "-b", "2048"]
        subprocess.run(["ssh-keygen", "-q"] + kind + ["-N", "", "-C", name + "@test", "-f", path], check=True)
        result[name + "_file"] = path
        with open(path + ".pub", encoding="utf-8") as handle:
            result[name + "_pub"] = handle.read().strip()
    return result


class Lab:
    """One simulated router, its listener, and helpers to drive it."""

    def __init__(self, device: Device, keys: t.Dict[str, t.Any], workdir: str, profile: t.Optional[str] = None,
                 sftp: t.Optional[bool] = None) -> None:
        """``profile``: behind Debian's sshd with that platform profile (tests/devsim/sshd.py); else the paramiko
        server (unit speed)."""
        self.device = device
        self.keys = keys
        self.workdir = workdir
        self.device.arp = {("", VIP): OLD_MAC, ("", OTHER): "02:00:00:00:00:02"}
        if profile:
            keyring = [keys[name + "_pub"] for name in ("sip", "stranger", "sip_ed")]
            self.listener: t.Any = SshdFront(device, profile, keyring, sftp=sftp)
            pinned = self.listener.known_hosts_line()
        else:
            self.listener = Listener(device, keys["host"])
            pinned = "[127.0.0.1]:%d %s %s" % (self.listener.port, keys["host"].get_name(), keys["host"].get_base64())
        self.port = self.listener.port
        home = os.path.join(workdir, "home")
        os.makedirs(os.path.join(home, ".ssh"), exist_ok=True)
        self.known_hosts = os.path.join(home, ".ssh", "known_hosts")
        with open(self.known_hosts, "w", encoding="utf-8") as handle:   # pinned: what the role and module trust
            handle.write(pinned + "\n")
        self.home = home

    def lines(self, user: str = "") -> t.List[str]:
        return [line for who, line in self.device.log if not user or who == user]

    def playbook(self, role_vars: t.Dict[str, t.Any], check: bool = False,
                 extra_env: t.Optional[t.Dict[str, str]] = None,
                 connection: t.Optional[t.Dict[str, t.Any]] = None) -> t.Tuple[int, str]:
        """Run the router_arp_flush role against this device with network_cli; return rc and output."""
        vendor = self.device.vendor
        host_vars = self.connection_vars()
        host_vars.update(connection or {})
        play = [{"name": "router", "hosts": "rtr", "gather_facts": False,
                 "roles": [{"role": "sipha.network.router_arp_flush", "vars": dict(role_vars, router_arp_flush_vendor=vendor)}]}]
        with open(os.path.join(self.workdir, "play.yml"), "w", encoding="utf-8") as handle:
            json.dump(play, handle)
        return self.run_playbook(os.path.join(self.workdir, "play.yml"), {"all": {"hosts": {"rtr": host_vars}}},
                                 check=check, extra_env=extra_env,
                                 libssh=(connection or {}).get("ansible_network_cli_ssh_type") == "libssh")

    def connection_vars(self) -> t.Dict[str, t.Any]:
        """How the controller reaches this device over network_cli (paramiko, the admin account)."""
        return {"ansible_host": "127.0.0.1", "ansible_port": self.port, "ansible_user": "admin",
                "ansible_password": "admin-pw", "ansible_connection": "ansible.netcommon.network_cli",
                "ansible_network_os": "cisco.ios.ios" if self.device.vendor == "ios" else "junipernetworks.junos.junos",
                "ansible_network_cli_ssh_type": "paramiko", "ansible_command_timeout": 15}

    def run_playbook(self, playbook: str, inventory: t.Dict[str, t.Any],
                     extra_vars: t.Optional[t.Dict[str, t.Any]] = None, check: bool = False, extra_env: t.Optional[t.Dict[str, str]] = None,
                     libssh: bool = False) -> t.Tuple[int, str]:
        """Run ``playbook`` (a path) with this inventory (a YAML-like dictionary); return rc and output."""
        with open(os.path.join(self.workdir, "ansible.cfg"), "w", encoding="utf-8") as handle:
            handle.write("[defaults]\n")                   # nothing from the user's own configuration
        with open(os.path.join(self.workdir, "inventory.json"), "w", encoding="utf-8") as handle:
            json.dump(inventory, handle)
        env = dict(os.environ, HOME=self.home, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections"),
                   ANSIBLE_PERSISTENT_CONTROL_PATH_DIR=tempfile.mkdtemp(prefix="pc", dir="/tmp"),
                   ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",
                   ANSIBLE_DEPRECATION_WARNINGS="0", ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_CONFIG=os.path.join(self.workdir, "ansible.cfg"))
        env.update(extra_env or {})
        argv = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i",
                os.path.join(self.workdir, "inventory.json"), playbook]
        argv += ["--check", "--diff"] if check else []
        if extra_vars:
            argv += ["-e", json.dumps(extra_vars)]
        if libssh:
            argv = self._own_home(argv)
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=self.workdir, timeout=300, check=False)
        return proc.returncode, proc.stdout + proc.stderr

    def _own_home(self, argv: t.List[str]) -> t.List[str]:
        """libssh reads known_hosts from the home in the passwd entry, not $HOME: run the playbook in a private mount
        namespace whose passwd gives this user the test's home (the machine's own files stay as they are)."""
        uid = os.getuid()
        with open("/etc/passwd", encoding="utf-8") as handle:
            rows = [line.rstrip("\n").split(":") for line in handle if line.strip()]
        for row in rows:
            if row[2] == str(uid):
                row[5] = self.home
        passwd = os.path.join(self.workdir, "controller-passwd")
        with open(passwd, "w", encoding="utf-8") as handle:
            handle.write("".join(":".join(row) + "\n" for row in rows))
        return ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                'mount --bind "$0" /etc/passwd && exec "$@"', passwd] + argv

    def by_hand(self, user: str, key_file: str, commands: t.Sequence[str]) -> t.Tuple[str, t.Dict[str, str]]:
        """Log in as ``user`` and type each command; return the prompt and, per command, its error ('' if accepted)."""
        from ansible_collections.sipha.network.plugins.module_utils._router.cli import CliError, CliSession
        client = paramiko.SSHClient()
        client.load_host_keys(self.known_hosts)
        client.connect("127.0.0.1", self.port, user, key_filename=key_file, allow_agent=False, look_for_keys=False)
        try:
            cli = CliSession(client.invoke_shell(), self.device.vendor, 3)
            cli.open()
            errors = {}
            for command in commands:
                try:
                    cli.run(command)
                    errors[command] = ""
                except CliError as err:
                    errors[command] = str(err)
            return cli.prompt, errors
        finally:
            client.close()

    def flush(self, **overrides: t.Any) -> t.Dict[str, t.Any]:
        """One router through the arp_flush module's own per-router code."""
        from ansible_collections.sipha.network.plugins.module_utils._router.flush_module import flush_one
        params = {"vip": VIP, "username": "sipha-flush", "key_file": self.keys["sip_file"], "password": None,
                  "known_hosts": self.known_hosts, "timeout": 3.0, "verify": True, "enable_password": None,
                  "expect_mac": None}
        router = {"host": "127.0.0.1", "port": self.port, "vendor": self.device.vendor, "vrf": None, "name": "rtr"}
        for key, value in overrides.items():
            (router if key in router else params)[key] = value
        return flush_one(router, params, check=False)


@pytest.fixture
def ios_lab(keys: t.Dict[str, t.Any], tmp_path: t.Any) -> t.Iterator[Lab]:
    users = {"admin": {"password": "admin-pw", "level": 15, "admin": True},
             "ops": {"password": "ops-pw", "level": 1}}
    lab = Lab(IosDevice("R1", users, str(tmp_path / "flash"), enable_secret="enable-pw"), keys, str(tmp_path))
    yield lab
    lab.listener.close()


@pytest.fixture
def junos_lab(keys: t.Dict[str, t.Any], tmp_path: t.Any) -> t.Iterator[Lab]:
    users = {"admin": {"password": "admin-pw", "admin": True}}
    lab = Lab(JunosDevice("vsrx", users, str(tmp_path / "fs")), keys, str(tmp_path))
    lab.device.config.append("set system services ssh sftp-server")     # the paramiko server serves SFTP
    yield lab
    lab.listener.close()


@pytest.fixture
def front_lab(keys: t.Dict[str, t.Any], tmp_path: t.Any) -> t.Iterator[t.Callable[..., Lab]]:
    """A device behind Debian's sshd with a platform profile: ``front_lab("ios-classic", aaa=True)``."""
    made: t.List[Lab] = []

    def make(profile: str, aaa: bool = False, sftp: t.Optional[bool] = None) -> Lab:
        chosen = PROFILES[profile]
        where = tmp_path / profile
        where.mkdir()
        if chosen.vendor == "ios":
            users = {"admin": {"password": "admin-pw", "level": 15, "admin": True}}
            device: Device = IosDevice("R1", users, str(where / "flash"), enable_secret="enable-pw",
                                       key_types=chosen.user_key_types, aaa_command_authorization=aaa)
        else:
            device = JunosDevice("vsrx", {"admin": {"password": "admin-pw", "admin": True}}, str(where / "fs"))
        lab = Lab(device, keys, str(where), profile=profile, sftp=sftp)
        made.append(lab)
        return lab

    yield make
    for lab in made:
        lab.listener.close()
