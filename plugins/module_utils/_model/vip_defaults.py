# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the takeover program keeps its config, run state and state, written once (no I/O, no imports).

The fast path of sipha-vip imports this module before it acts, so it imports nothing.

Private module: no compatibility promise outside this collection.
"""

__all__ = ["CONFIG", "RUN_DIR", "STATE_DIR"]

#: the installed config file (vip_script writes it; sipha-vip --config overrides it)
CONFIG = "/etc/sipha/vip.json"
#: locks, the validated copy, warm connections' sockets, the announcer's pid file
RUN_DIR = "/run/sipha-vip"
#: the last takeover's record
STATE_DIR = "/var/lib/sipha-vip"
