#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: host_files
short_description: A role's directories, files and systemd services on a host, in one call
version_added: "0.2.0"
description:
  - Makes directories exist, files hold the given text (or be absent) and systemd services be enabled and
    started as given, in one call to the host; the roles of this collection use it where they would otherwise
    run one task (one round trip) per file.
  - Each file is written beside the old one, checked with O(files[].validate) when given, made durable (fsync
    of the file and its directory) and renamed over the old one; inside an active apply guard of
    M(sipha.network.apply_guard) the old file is kept for the rollback.
  - C(systemctl daemon-reload) runs when a unit file under C(/etc/systemd/system) or C(/lib/systemd/system)
    changed; a started service is restarted when one of its O(services[].restart_on) files changed.
  - Without systemd as PID 1 the services, and unit files under those directories, are left alone with a
    warning (C(skipped) lists the files).
author:
  - sipha.network developers (@sipha-network)
attributes:
  check_mode:
    support: full
    description: Reports what would change; nothing is written, validated or run.
  diff_mode:
    support: full
    description: Each changed file before and after (for O(private_files) only that it changed).
options:
  directories:
    description: Directories to create (with their parents) and own.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The directory.
        type: path
        required: true
      mode:
        description: Its mode; default V(0750).
        type: raw
      owner:
        description: Its owner.
        type: str
        default: root
      group:
        description: Its group.
        type: str
        default: root
  files:
    description: Files and what they hold.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The file; its directory must exist (list it in O(directories)).
        type: path
        required: true
      content:
        description: The text; required with O(files[].state=present).
        type: str
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
      mode:
        description: Its mode; default V(0640).
        type: raw
      owner:
        description: Its owner.
        type: str
        default: root
      group:
        description: Its group.
        type: str
        default: root
      validate:
        description:
          - A command that checks the new file before it replaces the old one, with C(%s) as an argument of its
            own for the new file's path, for example C(/usr/sbin/visudo -cf %s). Split like a shell line and run
            without one. A refusal fails the module and leaves the old file in place.
        type: str
  private_files:
    description: As O(files), for text that must never appear in logs or diffs (a private key).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The file; its directory must exist (list it in O(directories)).
        type: path
        required: true
      content:
        description: The text; required with O(files[].state=present).
        type: str
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
      mode:
        description: Its mode; default V(0640).
        type: raw
      owner:
        description: Its owner.
        type: str
        default: root
      group:
        description: Its group.
        type: str
        default: root
      validate:
        description:
          - A command that checks the new file before it replaces the old one, with C(%s) as an argument of its
            own for the new file's path, for example C(/usr/sbin/visudo -cf %s). Split like a shell line and run
            without one. A refusal fails the module and leaves the old file in place.
        type: str
  services:
    description: systemd units to enable, start, stop or restart, after the files are written.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The unit, for example C(sipha-vip-refresh.timer).
        type: str
        required: true
      enabled:
        description: Enabled at boot (V(true)), disabled (V(false)), or left as it is (unset).
        type: bool
      state:
        description: V(started), V(restarted) (always, when it runs; else started) or V(stopped), or left as it is
          (unset).
        type: str
        choices: [started, restarted, stopped]
      restart_on:
        description: Files of this call whose change restarts the unit when it runs.
        type: list
        elements: path
        default: []
  daemon_reload:
    description: Run C(systemctl daemon-reload) before the services even when no unit file changed in this call
      (it changed in an earlier one).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: A sudo rule and a timer, checked and started in one call
  sipha.network.host_files:
    directories:
      - {path: /etc/example}
    files:
      - path: /etc/sudoers.d/example
        content: "agent ALL=(root) NOPASSWD: /usr/local/sbin/example status\n"
        mode: "0440"
        validate: /usr/sbin/visudo -cf %s
      - path: /etc/systemd/system/example.timer
        content: "{{ lookup('ansible.builtin.template', 'example.timer.j2') }}"
        mode: "0644"
      - path: /etc/cron.d/example
        state: absent
    private_files:
      - path: /etc/example/key
        content: "{{ example_private_key }}"
        mode: "0600"
    services:
      - name: example.timer
        enabled: true
        state: started
        restart_on: [/etc/systemd/system/example.timer]
"""

RETURN = r"""
files_changed:
  description: Paths that changed (or would), directories with a trailing C(/).
  returned: always
  type: list
  elements: str
  sample: ["/etc/example/", "/etc/sudoers.d/example"]
services_changed:
  description: What was done to the services.
  returned: always
  type: list
  elements: str
  sample: ["example.timer enabled", "example.timer started"]
systemd:
  description: Whether systemd runs on the host.
  returned: always
  type: bool
  sample: true
skipped:
  description: Unit files not written because systemd does not run.
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.sipha.network.plugins.module_utils._common.files_module import run_host_files


def main() -> None:
    run_host_files()


if __name__ == "__main__":
    main()
