# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real OpenSSH server in front of a simulated device, configured per platform profile.

Key exchange, host key, user-key types, authentication, channels and exit
status are OpenSSH 9.2's own (Debian's ``sshd``, extracted by ``make
bootstrap`` into ``.cache/sshd``). The CLI behind it is the simulator's:
sshd's forced command (``bridge.py``) carries each session to the device on a
Unix socket served by the test process, so a test still reads the device's
configuration, ARP table and the exact lines it received.

sshd runs as root in a private mount namespace (``unshare --mount``) where the
device's users exist: ``/etc/passwd``, ``/etc/shadow`` and ``/etc/group`` are
bind-mounted copies with the device's accounts added, ``/run`` is a fresh
tmpfs (for the privilege separation directory), and on Junos ``/var`` is the
device's own file system (the real ``sftp-server`` writes the op script
there). Nothing of the machine's own files changes. It listens on 127.0.0.1.

Profiles (what was checked against which source is in ``docs/router_arp_flush.md``):

- ``ios-classic``: IOS 15.x: only ``diffie-hellman-group-exchange-sha1`` /
  ``diffie-hellman-group14-sha1``, an ``ssh-rsa`` host key, ``ssh-rsa`` user
  keys, aes-ctr/cbc with hmac-sha1; no exit status; the TCP connection closes
  after an exec.
- ``ios-xe``: IOS-XE 17: ECDH and SHA-2 groups, RSA host key with SHA-2
  signatures, RSA user keys (and ed25519 from 17.8.1); exit status sent; the
  TCP connection closes after an exec; five vty lines.
- ``junos``: OpenSSH defaults; exit status sent; SFTP on or off.

vty lines (IOS's ``line vty 0 4``, five by default): a gate in front of sshd
holds one line per TCP connection, from accept to close, and closes a
connection beyond the limit before the SSH banner. What a real IOS sends a
client when every line is busy was not checked against a vendor source; the
gate only makes the count real (``vty_in_use``, ``vty_refused``).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import typing as t

from ansible_collections.sipha.network.tests.devsim.server import Device, serve_shell

__all__ = ["PROFILES", "Profile", "SshdFront", "sshd_binary"]

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
_MODERN_IOS_KEX = "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group14-sha256," \
                  "diffie-hellman-group16-sha512"


class Profile(t.NamedTuple):
    name: str
    vendor: str
    #: ssh-keygen -t of the host key
    host_key: str
    #: sshd_config lines that restrict the algorithms
    algorithms: t.Dict[str, str]
    #: whether the session ends with an exit-status message
    exit_status: bool
    #: whether the TCP connection closes after an exec channel
    close_tcp: bool
    #: the user key types the platform takes (the simulator refuses the others in its configuration)
    user_key_types: t.Tuple[str, ...]
    sftp: bool = False
    release: str = ""
    #: concurrent TCP connections the device takes (0: no limit)
    vty_lines: int = 0


PROFILES: t.Dict[str, Profile] = {profile.name: profile for profile in (
    Profile("ios-classic", "ios", "rsa", {
        "KexAlgorithms": "diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1",
        "HostKeyAlgorithms": "ssh-rsa", "PubkeyAcceptedAlgorithms": "ssh-rsa",
        "Ciphers": "aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,aes256-cbc", "MACs": "hmac-sha2-256,hmac-sha1"},
        exit_status=False, close_tcp=True, user_key_types=("ssh-rsa",), release="15.9(3)M4", vty_lines=5),
    Profile("ios-xe", "ios", "rsa", {
        "KexAlgorithms": _MODERN_IOS_KEX, "HostKeyAlgorithms": "rsa-sha2-512,rsa-sha2-256",
        "PubkeyAcceptedAlgorithms": "rsa-sha2-512,rsa-sha2-256,ssh-ed25519"},
        exit_status=True, close_tcp=True, user_key_types=("ssh-rsa", "ssh-ed25519"), release="17.9.4",
        vty_lines=5),
    Profile("junos", "junos", "ed25519", {}, exit_status=True, close_tcp=False,
            user_key_types=("ssh-rsa", "ssh-ed25519"), sftp=True, release="23.4R1.9"),
)}


def sshd_binary() -> str:
    """Debian's sshd, extracted by ``make bootstrap`` (ci/bootstrap.sh sshd_front)."""
    return os.environ.get("SIPHA_SSHD") or os.path.join(ROOT, ".cache", "sshd", "usr", "sbin", "sshd")


def _sftp_binary() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(sshd_binary())), "lib", "openssh", "sftp-server")


class _SocketChannel:
    """The bridge's Unix socket, as the channel ``serve_shell`` drives."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.closed = False

    def sendall(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv(self, size: int) -> bytes:
        data = self.sock.recv(size)
        if not data:
            self.closed = True
        return data

    def close(self) -> None:
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class SshdFront:
    """One device behind its own sshd on 127.0.0.1:``port``."""

    #: accounts that exist in the namespace's passwd from the start (a device creates users as it is configured)
    ACCOUNTS = ("admin", "ops", "sipha-flush", "flush2")

    def __init__(self, device: Device, profile: t.Union[str, Profile], keyring: t.Sequence[str],
                 sftp: t.Optional[bool] = None) -> None:
        self.device = device
        self.profile = PROFILES[profile] if isinstance(profile, str) else profile
        self.sftp = self.profile.sftp if sftp is None else sftp
        self.keyring = list(keyring)
        if not os.access(sshd_binary(), os.X_OK):
            raise RuntimeError("no sshd at %s: run make bootstrap (it extracts Debian's openssh-server there)"
                               % sshd_binary())
        self.dir = tempfile.mkdtemp(prefix="sshd", dir="/tmp")      # short: the Unix socket path must fit
        os.chmod(self.dir, 0o755)
        self.uids: t.Dict[str, int] = {}
        self._hashes: t.Dict[str, str] = {}
        self.lock = threading.Lock()
        for sub in ("auth", "home"):
            os.makedirs(os.path.join(self.dir, sub), mode=0o755)
        subprocess.run(["ssh-keygen", "-q", "-t", self.profile.host_key, "-N", "", "-C", device.hostname,
                        "-f", os.path.join(self.dir, "host_key")], check=True)
        with open(os.path.join(self.dir, "host_key.pub"), encoding="utf-8") as handle:
            self.host_key = " ".join(handle.read().split()[:2])
        for name in ("passwd", "group", "shadow"):
            shutil.copyfile("/etc/" + name, os.path.join(self.dir, name))
        self.base = {name: open("/etc/" + name, encoding="utf-8").read() for name in ("passwd", "group", "shadow")}
        if self.sftp:
            os.makedirs(os.path.join(device.root, "var", "db", "scripts", "op"), exist_ok=True)
            if self.profile.vendor == "junos":     # the statement that serves it (off by default from 19.1R1)
                device.config.append("set system services ssh sftp-server")
        device.after_line = self.sync          # type: ignore[method-assign]
        self.sync()
        self.sock_path = os.path.join(self.dir, "dev.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.sock_path)
        os.chmod(self.sock_path, 0o666)       # the device's accounts are not root
        self.server.listen(16)
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()
        self.port = self._free_port()
        self.sshd_port = self._free_port() if self.profile.vty_lines else self.port
        self.vty_in_use = 0
        self.vty_refused = 0
        self._vty_lock = threading.Lock()
        self._write_config()
        self.proc = self._start()
        if self.profile.vty_lines:
            self.gate = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.gate.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.gate.bind(("127.0.0.1", self.port))
            self.gate.listen(16)
            threading.Thread(target=self._gate, daemon=True).start()

    # --- the namespace's accounts --------------------------------------------------------------------
    def _uid(self, name: str) -> int:
        return self.uids.setdefault(name, 61000 + len(self.uids))

    def _hash(self, password: str) -> str:
        if password not in self._hashes:
            self._hashes[password] = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password,
                                                    capture_output=True, text=True, check=True).stdout.strip()
        return self._hashes[password]

    def sync(self) -> None:
        """Write the device's users, secrets and keys where sshd reads them, in place (the files are bind-mounted)."""
        with self.lock:
            names = sorted(set(self.ACCOUNTS) | set(self.device.users))
            passwd, group, shadow = [self.base["passwd"].rstrip("\n")], [self.base["group"].rstrip("\n")], \
                [self.base["shadow"].rstrip("\n")]
            if "\nsshd:" not in "\n" + self.base["passwd"]:
                passwd.append("sshd:x:65530:65534::/run/sshd:/usr/sbin/nologin")
            for name in names:
                uid = self._uid(name)
                passwd.append("%s:x:%d:%d::%s/home:/bin/sh" % (name, uid, uid, self.dir))
                group.append("%s:x:%d:" % (name, uid))
                secret = self.device.users.get(name, {}).get("password")
                shadow.append("%s:%s:19000:0:99999:7:::" % (name, self._hash(secret) if secret else "*"))
                keys = self.device.allowed_keys(name, self.keyring) if name in self.device.users else []
                self._write(os.path.join("auth", name), "".join(key + "\n" for key in keys))
            for name, lines in (("passwd", passwd), ("group", group), ("shadow", shadow)):
                self._write(name, "\n".join(lines) + "\n")
            if self.sftp:
                admin = next((n for n, u in self.device.users.items() if u.get("admin")), None)
                if admin:
                    os.chown(os.path.join(self.device.root, "var", "db", "scripts", "op"), self._uid(admin), -1)

    def _write(self, relative: str, text: str) -> None:
        path = os.path.join(self.dir, relative)
        with open(path, "a+", encoding="utf-8") as handle:     # same inode: a bind mount follows no rename
            handle.seek(0)
            if handle.read() == text:
                return
            handle.seek(0)
            handle.truncate()
            handle.write(text)

    # --- sshd ------------------------------------------------------------------------------------------
    @staticmethod
    def _free_port() -> int:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def _write_config(self) -> None:
        sftp = _sftp_binary() if self.sftp else "-"
        lines = [
            "ListenAddress 127.0.0.1:%d" % self.sshd_port,
            "HostKey %s/host_key" % self.dir,
            "PidFile none", "UsePAM no", "StrictModes no", "PermitRootLogin no", "UseDNS no",
            "AuthorizedKeysFile %s/auth/%%u" % self.dir,
            "PasswordAuthentication yes", "KbdInteractiveAuthentication no",
            "AllowTcpForwarding no", "X11Forwarding no", "PermitTTY yes", "LogLevel VERBOSE",
            "ForceCommand exec /usr/bin/python3 %s %s %s" % (os.path.join(HERE, "bridge.py"), self.sock_path, sftp),
        ] + ["%s %s" % item for item in sorted(self.profile.algorithms.items())]
        if self.sftp:
            lines.append("Subsystem sftp %s" % sftp)
        with open(os.path.join(self.dir, "sshd_config"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")

    def _start(self) -> subprocess.Popen:
        mounts = ["mount --bind {d}/{f} /etc/{f}".format(d=self.dir, f=name) for name in ("passwd", "shadow", "group")]
        mounts += ["mount -t tmpfs -o mode=0755 tmpfs /run", "mkdir -m 0755 /run/sshd"]
        if self.sftp:
            mounts.append("mount --bind %s/var /var" % self.device.root)
        script = " && ".join(mounts + ["exec %s -D -e -f %s/sshd_config" % (sshd_binary(), self.dir)])
        self.log_path = os.path.join(self.dir, "sshd.log")
        with open(self.log_path, "wb") as log:
            proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script],
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 15
        while "Server listening on" not in self.sshd_log():
            if proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("sshd did not start for %s: %s" % (self.device.hostname, self.sshd_log()))
            time.sleep(0.02)
        return proc

    def sshd_log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def known_hosts_line(self) -> str:
        return "[127.0.0.1]:%d %s" % (self.port, self.host_key)

    def close(self) -> None:
        self.running = False
        proc = getattr(self, "proc", None)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, 15)
            proc.wait(5)
        self.server.close()
        gate = getattr(self, "gate", None)
        if gate is not None:
            gate.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- vty lines ---------------------------------------------------------------------------------------
    def _gate(self) -> None:
        while self.running:
            try:
                conn, _addr = self.gate.accept()
            except OSError:
                return
            with self._vty_lock:
                free = self.vty_in_use < self.profile.vty_lines
                if free:
                    self.vty_in_use += 1
                else:
                    self.vty_refused += 1
            if not free:                      # every line busy: closed before the SSH banner
                conn.close()
                continue
            threading.Thread(target=self._carry, args=(conn,), daemon=True).start()

    def _carry(self, conn: socket.socket) -> None:
        """One vty line: bytes both ways between the client and sshd until either side closes."""
        try:
            upstream = socket.create_connection(("127.0.0.1", self.sshd_port), timeout=5)
            upstream.settimeout(None)
        except OSError:
            upstream = None
        try:
            while upstream is not None:
                ready = select.select([conn, upstream], [], [])[0]
                data = b""
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        break
                    (upstream if source is conn else conn).sendall(data)
                if not data:
                    break
        except OSError:
            pass
        finally:
            for end in (conn, upstream):
                if end is not None:
                    end.close()
            with self._vty_lock:
                self.vty_in_use -= 1

    # --- the sessions bridge.py brings -----------------------------------------------------------------
    def _accept(self) -> None:
        while self.running:
            try:
                conn, _addr = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            reader = conn.makefile("rb")
            header = json.loads(reader.readline().decode())
            user, command = header["user"], header["command"]
            behaviour = {"exit_status": self.profile.exit_status, "close_tcp": self.profile.close_tcp}
            conn.sendall((json.dumps(behaviour) + "\n").encode())
            if user not in self.device.users:
                return
            session = self.device.session(user)
            if command is not None:
                self.device.log.append((user, command))
                reply = session.execute(command)
                self.device.after_line()
                conn.sendall((reply + "\n" if reply else "").replace("\n", "\r\n").encode())
                return
            serve_shell(_SocketChannel(conn), session)
        except (OSError, ValueError, KeyError):
            pass
        finally:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
