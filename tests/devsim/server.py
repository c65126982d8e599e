# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small SSH device simulator (paramiko server) for contract tests of the IOS and Junos paths.

It is not an emulator of either OS: it answers the commands our roles and
modules send the way the platform's documentation and Ansible's own terminal
plugins say the device does (prompts, error lines, privilege), keeps a
configuration and an ARP table, and records every line it receives, so a
test can assert the exact configuration pushed and the exact commands sent.

A device listens on 127.0.0.1 on a free port, in a thread of the test
process. Users log in by password or by public key (as configured on the
device itself: IOS ip ssh pubkey-chain key-hash, Junos authentication).
"""

from __future__ import annotations

import os
import socket
import threading
import time
import typing as t

import paramiko


class Device:
    """Shared state of one simulated router; subclasses provide the CLI."""

    vendor = ""

    def __init__(self, hostname: str, users: t.Dict[str, t.Dict[str, t.Any]], root: str) -> None:
        self.hostname = hostname
        self.users = users                    # name -> {password, keys: [blob], level / class}
        self.root = root                      # file system root for SFTP (scripts)
        self.arp: t.Dict[t.Tuple[str, str], str] = {}   # (vrf or "", ip) -> mac
        self.log: t.List[t.Tuple[str, str]] = []         # (user, line) for every line received
        self.hang_on: t.Optional[str] = None             # a command prefix that never returns a prompt
        self.lock = threading.Lock()

    # --- authentication -------------------------------------------------------------------------------
    def check_password(self, user: str, password: str) -> bool:
        entry = self.users.get(user)
        return bool(entry and entry.get("password") and entry["password"] == password)

    def check_key(self, user: str, key: paramiko.PKey) -> bool:
        entry = self.users.get(user)
        return bool(entry and key.get_base64() in entry.get("keys", []))

    def allowed_keys(self, user: str, keyring: t.Sequence[str]) -> t.List[str]:
        """The OpenSSH public key lines of ``keyring`` that may log in as ``user`` (for the OpenSSH front)."""
        blobs = set(self.users.get(user, {}).get("keys", []))
        return [line for line in keyring if line.split()[1] in blobs]

    def after_line(self) -> None:
        """Called after every line a session handled (the OpenSSH front re-reads users and keys here)."""

    # --- CLI ------------------------------------------------------------------------------------------
    def session(self, user: str) -> "Session":
        raise NotImplementedError


class Session:
    """One interactive login; ``handle`` returns the reply text for one line (without the prompt)."""

    def __init__(self, device: Device, user: str) -> None:
        self.device = device
        self.user = user
        self.closed = False
        self.secret_next = False     # the next line is a password: not echoed, not logged

    def banner(self) -> str:
        return ""

    def prompt(self) -> str:
        raise NotImplementedError

    def handle(self, line: str) -> str:
        raise NotImplementedError

    def execute(self, line: str) -> str:
        """An exec request (``ssh host 'command'``): one command, its output, no prompt."""
        return self.handle(line)


class _Server(paramiko.ServerInterface):
    def __init__(self, device: Device) -> None:
        self.device = device
        self.user = ""
        self.event = threading.Event()
        self.kind = ""
        self.command = b""

    def get_allowed_auths(self, username: str) -> str:
        return "password,publickey"

    def check_auth_password(self, username: str, password: str) -> int:
        if self.device.check_password(username, password):
            self.user = username
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        if self.device.check_key(username, key):
            self.user = username
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args: t.Any) -> bool:
        return True

    def check_channel_shell_request(self, channel: t.Any) -> bool:
        self.kind = "shell"
        self.event.set()
        return True

    def check_channel_exec_request(self, channel: t.Any, command: bytes) -> bool:
        self.kind, self.command = "exec", command
        self.event.set()
        return True


class _Sftp(paramiko.SFTPServerInterface):
    """Files under the device's root; only level-15 / super-user accounts may write."""

    def __init__(self, server: _Server, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(server, *args, **kwargs)
        self.device = server.device
        self.user = server.user

    def _path(self, path: str) -> str:
        return os.path.join(self.device.root, os.path.normpath("/" + path).lstrip("/"))

    def stat(self, path: str) -> t.Any:
        try:
            return paramiko.SFTPAttributes.from_stat(os.stat(self._path(path)))
        except OSError as err:
            return paramiko.SFTPServer.convert_errno(err.errno)

    lstat = stat

    def open(self, path: str, flags: int, attr: t.Any) -> t.Any:
        real = self._path(path)
        writing = flags & (os.O_WRONLY | os.O_RDWR)
        if writing and not self.device.users.get(self.user, {}).get("admin"):
            return paramiko.SFTP_PERMISSION_DENIED
        try:
            if writing:
                os.makedirs(os.path.dirname(real), exist_ok=True)
                handle_file = open(real, "wb")  # pylint: disable=consider-using-with
            else:
                handle_file = open(real, "rb")  # pylint: disable=consider-using-with
        except OSError as err:
            return paramiko.SFTPServer.convert_errno(err.errno)
        handle = paramiko.SFTPHandle(flags)
        if writing:
            handle.writefile = handle_file
            self.device.log.append((self.user, "sftp put %s" % path))
        else:
            handle.readfile = handle_file
        return handle


class Listener:
    """Accepts SSH connections for one device in a background thread."""

    def __init__(self, device: Device, host_key: paramiko.PKey) -> None:
        self.device = device
        self.host_key = host_key
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.running = False
        self.sock.close()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        transport = paramiko.Transport(conn)
        transport.add_server_key(self.host_key)
        transport.set_subsystem_handler("sftp", paramiko.SFTPServer, _Sftp)
        server = _Server(self.device)
        try:
            transport.start_server(server=server)
            channel = transport.accept(20)
            if channel is None or not server.event.wait(10):
                return
            session = self.device.session(server.user)
            if server.kind == "exec":
                command = server.command.decode("utf-8", "replace")
                self.device.log.append((server.user, command))
                channel.sendall(session.execute(command).encode())
                self.device.after_line()
                channel.send_exit_status(0)
                channel.close()
                return
            serve_shell(channel, session)
        except (EOFError, OSError, paramiko.SSHException):
            pass
        finally:
            while transport.is_active():          # until the client hangs up (an SFTP subsystem may still run)
                time.sleep(0.05)
            transport.close()


def serve_shell(channel: t.Any, session: Session) -> None:
    """One interactive session on a channel with ``sendall``, ``recv``, ``close`` and ``closed`` (a paramiko
    Channel, or the OpenSSH front's socket): prompt, echo, one reply per line."""
    device = session.device
    channel.sendall((session.banner() + session.prompt()).encode())
    buffer = b""
    while not session.closed:
        data = channel.recv(4096)
        if not data:
            return
        buffer += data
        while True:
            cut = min((i for i in (buffer.find(b"\r"), buffer.find(b"\n")) if i >= 0), default=-1)
            if cut < 0:
                break
            line = buffer[:cut].decode("utf-8", "replace")
            buffer = buffer[cut + 1:].lstrip(b"\n")
            secret = session.secret_next
            session.secret_next = False
            channel.sendall(b"\r\n" if secret else (line + "\r\n").encode())   # echo, except secrets
            device.log.append((session.user, "<secret>" if secret else line))
            hang = device.hang_on
            if hang and line.startswith(hang):
                while not channel.closed and channel.recv(4096):
                    pass
                return
            reply = session.handle(line.strip())
            device.after_line()
            if reply:
                channel.sendall((reply.replace("\n", "\r\n") + "\r\n").encode())
            if session.closed:
                channel.close()
                return
            channel.sendall(session.prompt().encode())
