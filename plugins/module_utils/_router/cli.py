# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An interactive router CLI over one SSH channel: prompts, enable, error lines, time bounds.

Linux routers take one exec request per command (their forced command reads
it). IOS and Junos are driven the way a person does it: a shell channel,
wait for the prompt, optionally ``enable``, send one line, read to the next
prompt. Any line the platform marks as an error fails the command.

The channel only needs ``send(bytes)``, ``recv(n)``, ``recv_ready()`` and
``closed`` (a paramiko Channel has them), so the logic is tested without SSH.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import re
import time
import typing as t

from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import Vendor

__all__ = ["Channel", "CliError", "CliSession"]

_PASSWORD = re.compile(r"[Pp]assword: ?$")


class CliError(Exception):
    """The router answered with an error line, or did not answer in time."""


class Channel(t.Protocol):
    closed: bool

    def send(self, data: bytes) -> int: ...

    def recv(self, size: int) -> bytes: ...

    def recv_ready(self) -> bool: ...


class CliSession:
    """One logged-in CLI; every wait is bounded by ``timeout`` seconds."""

    def __init__(self, channel: Channel, vendor: t.Union[str, Vendor], timeout: float) -> None:
        driver = registry.get(vendor) if isinstance(vendor, str) else vendor
        if driver.prompt is None:
            raise ValueError("%s has no interactive CLI" % driver.title)
        self.channel = channel
        self.vendor = driver
        self.prompt_pattern: t.Pattern[str] = driver.prompt
        self.timeout = timeout
        self.prompt = ""
        self.transcript: t.List[str] = []

    def _read_until(self, pattern: t.Pattern[str], what: str) -> str:
        deadline = time.monotonic() + self.timeout
        buffer = ""
        while True:
            if pattern.search(buffer):
                return buffer
            if self.channel.closed and not self.channel.recv_ready():
                raise CliError("the router closed the session while waiting for %s (got %r)" % (what, buffer[-200:]))
            if time.monotonic() >= deadline:
                raise CliError("no %s within %gs (got %r)" % (what, self.timeout, buffer[-200:]))
            if self.channel.recv_ready():
                buffer += self.channel.recv(65536).decode("utf-8", "replace")
            else:
                time.sleep(0.002)

    def open(self, enable_password: t.Optional[str] = None) -> None:
        """Wait for the first prompt; ``enable`` when the prompt is unprivileged and a password is given."""
        text = self._read_until(self.prompt_pattern, "prompt")
        self.prompt = text.rstrip().splitlines()[-1].strip()
        unprivileged = self.vendor.enable_from is not None and self.prompt.endswith(self.vendor.enable_from)
        if unprivileged and enable_password is not None:
            self.channel.send(b"enable\n")
            self._read_until(_PASSWORD, "enable password prompt")
            self.channel.send(enable_password.encode() + b"\n")
            text = self._read_until(self.prompt_pattern, "prompt after enable")
            self.prompt = text.rstrip().splitlines()[-1].strip()
            if not self.prompt.endswith("#"):
                raise CliError("enable was refused (prompt %r)" % self.prompt)
            self.transcript.append("enable")

    def run(self, command: str) -> str:
        """Send one line, return what the router printed before its next prompt (echo stripped)."""
        self.transcript.append(command)
        self.channel.send(command.encode() + b"\n")
        text = self._read_until(self.prompt_pattern, "prompt after %r" % command)
        lines = text.replace("\r", "").split("\n")[:-1]         # drop the new prompt
        if lines and lines[0].strip().endswith(command):
            lines = lines[1:]                                     # drop the echo
        output = "\n".join(lines).strip()
        error = self.vendor.error_line(output)
        if error:
            raise CliError("%r: %s" % (command, error))
        return output
