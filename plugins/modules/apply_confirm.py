#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apply_confirm
short_description: Confirm, query or roll back a self-reverting network apply
version_added: "0.1.0"
description:
  - Confirms a change that M(sipha.network.dual_nic) applied with O(sipha.network.dual_nic#module:rollback_timeout),
    so it is kept; or tells whether it was rolled back, when and with what result.
  - With the token of M(sipha.network.apply_guard), does the same for the whole guarded change, and
    O(state=rolled_back) undoes it now (a step of the change failed). Once the outcome is reported, the guard
    stops being the host's active one.
  - A change already rolled back stays rolled back; the module reports it.
author:
  - sipha.network developers (@sipha-network)
attributes:
  check_mode:
    support: full
    description: Only queries.
  diff_mode:
    support: none
    description: Nothing to show.
options:
  token:
    description: The C(rollback.token) the apply returned, or the C(token) of M(sipha.network.apply_guard).
    type: str
    required: true
  state:
    description: V(confirmed) keeps the change; V(query) only reports; V(rolled_back) undoes a guarded change
      now (apply_guard tokens only).
    type: str
    choices: [confirmed, query, rolled_back]
    default: confirmed
"""

EXAMPLES = r"""
- name: Keep the change now that the host answers again
  sipha.network.apply_confirm:
    token: "{{ dual_nic_result.rollback.token }}"
"""

RETURN = r"""
state:
  description: C(armed), C(confirmed), C(rolled_back) or C(unknown).
  returned: always
  type: str
  sample: confirmed
change:
  description: The change the token covers.
  returned: when known
  type: list
  elements: str
rolled_back_at:
  description: When the change was undone (seconds since the epoch).
  returned: when rolled back
  type: float
results:
  description: Each undo command with its return code.
  returned: when rolled back (dual_nic tokens)
  type: list
  elements: dict
restore_failed:
  description: The restore steps that failed (apply_guard tokens).
  returned: when rolled back (apply_guard tokens)
  type: list
  elements: dict
by:
  description: Who undid the change - C(deadline) (the restorer), C(boot) (the boot unit, after a reboot inside
    the window) or C(request) (O(state=rolled_back)).
  returned: when rolled back (apply_guard tokens)
  type: str
at_boot:
  description: Whether the boot unit undid the change (the host rebooted inside the window).
  returned: when rolled back (apply_guard tokens)
  type: bool
files:
  description: The files the guard kept originals of.
  returned: apply_guard tokens
  type: list
  elements: str
what:
  description: What the guarded change was.
  returned: apply_guard tokens
  type: str
"""

from ansible_collections.sipha.network.plugins.module_utils._host.modules import run_apply_confirm


def main() -> None:
    run_apply_confirm()


if __name__ == "__main__":
    main()
