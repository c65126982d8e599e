# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The forced command of the simulator's OpenSSH front (standard library only, run by /usr/bin/python3).

OpenSSH's sshd does the SSH part of a session (key exchange, host key, user
authentication, channels, exit status); this bridge then carries the session's
bytes to the simulated device's CLI, served by the test process on a Unix
socket, and ends the session the way the device's profile says:

- ``exit_status: false``: the bridge ends by a signal, so sshd sends no
  ``exit-status`` (the OpenSSH client then exits 255, as with devices that send
  none);
- ``close_tcp: true``: after an exec, the connection's own sshd process is
  ended too, so the TCP session closes as IOS closes it after an exec channel.

argv: the socket path, then the sftp-server path or '-' (no SFTP subsystem).
"""

import json
import os
import select
import signal
import socket
import sys
import termios
import tty


def main() -> None:
    sock_path, sftp = sys.argv[1], sys.argv[2]
    command = os.environ.get("SSH_ORIGINAL_COMMAND")
    if sftp != "-" and command == sftp:                 # the configured subsystem: the real sftp-server
        os.execv(sftp, [sftp])
    interactive = os.isatty(0)
    if interactive:                                     # the device echoes and ends lines itself
        saved = termios.tcgetattr(0)
        tty.setraw(0, termios.TCSANOW)                  # TCSAFLUSH would drop what the client typed already
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(sock_path)
    sock.sendall((json.dumps({"user": os.environ.get("USER", ""), "command": command,
                              "tty": interactive}) + "\n").encode())
    reader = sock.makefile("rb", buffering=0)
    header = b""
    while not header.endswith(b"\n"):
        byte = reader.read(1)
        if not byte:
            sys.exit(1)
        header += byte
    behaviour = json.loads(header.decode())
    stdin_open = True
    while True:
        ready = select.select([sock] + ([0] if stdin_open else []), [], [])[0]
        if 0 in ready:
            data = os.read(0, 4096)
            if data:
                sock.sendall(data)
            else:
                stdin_open = False
                sock.shutdown(socket.SHUT_WR)
        if sock in ready:
            data = sock.recv(65536)
            if not data:
                break
            os.write(1, data)
    if interactive:
        termios.tcsetattr(0, termios.TCSADRAIN, saved)
    if behaviour.get("close_tcp") and command is not None:
        session = os.getppid()                          # sshd's process for this connection
        if os.fork() == 0:                              # after sshd has sent the output and the channel close
            os.setsid()
            os.closerange(0, 256)                       # sshd sees the channel end now, not when this child ends
            select.select([], [], [], behaviour.get("close_after_s", 0.3))
            try:
                os.kill(session, signal.SIGTERM)
            except OSError:
                pass
            os._exit(0)
    if not behaviour.get("exit_status", True):
        sys.stdout.flush()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
    sys.exit(int(behaviour.get("code", 0)))


if __name__ == "__main__":
    main()
