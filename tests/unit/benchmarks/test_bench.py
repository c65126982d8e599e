# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""benchmarks/bench.py replaces its own section of results.md and keeps the sections written by hand."""

from __future__ import annotations

import importlib.util
import pathlib

SCRIPT = pathlib.Path(__file__).parents[3] / "benchmarks" / "bench.py"
SPEC = importlib.util.spec_from_file_location("sipha_bench", SCRIPT)
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)

TITLE = "# Convergence benchmark (embedded lab)"


def test_the_other_sections_stay(tmp_path):
    out = tmp_path / "results.md"
    out.write_text(TITLE + "\n\n| old | table |\n\n# NIC flap\n\nwritten by hand\n\n# Rollout\n\nalso\n")
    bench.durable().replace(str(out), bench.splice(str(out), [TITLE, "", "| new | table |", ""]).encode(), 0o644)
    assert out.read_text() == TITLE + "\n\n| new | table |\n\n# NIC flap\n\nwritten by hand\n\n# Rollout\n\nalso\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.md"]


def test_a_new_file_holds_the_section_only(tmp_path):
    out = tmp_path / "agent-account.md"
    assert bench.splice(str(out), [TITLE, "", "| t |", ""]) == TITLE + "\n\n| t |\n"


def test_a_file_without_the_section_gets_it_first(tmp_path):
    out = tmp_path / "results.md"
    out.write_text("# NIC flap\n\nby hand\n")
    assert bench.splice(str(out), [TITLE, "", "| t |"]) == TITLE + "\n\n| t |\n\n# NIC flap\n\nby hand\n"


def test_peer_configs_and_summaries():
    """keepalived's config holds what the table says of it; every peer strategy has its class and summary."""
    conf = bench.peers.keepalived_conf("eth0", "198.18.1.10")
    for line in ("vrrp_version 3", "nopreempt", "state BACKUP", "virtual_router_id 51", "priority 250",
                 "advert_int 0.1", "vrrp_garp_master_repeat 5", "vrrp_garp_master_delay 1",
                 "vrrp_garp_master_refresh 30", "198.18.1.10/32 dev eth0"):
        assert line in conf
    assert "use_vmac" not in conf
    # the virtual MAC variant: the VIP on keepalived's macvlan interface, not pinned to the SIP NIC
    vmac = bench.peers.keepalived_conf("eth0", "198.18.1.10", vmac=True)
    assert "  use_vmac\n" in vmac and "    198.18.1.10/32\n" in vmac and "dev eth0\n" not in vmac
    assert bench.peers.KeepalivedVmac(None, None, "198.18.1.10", {"sip-a": "eth0"}, {}).dev("sip-a") == "vrrp.51"
    assert set(bench.PEER_STRATEGIES) == set(bench.peers.PEERS) == set(bench.peers.SUMMARY)
    assert all(key in bench.STRATEGIES for key in bench.PEER_STRATEGIES)
    # the stop's script is the shape bench gives it: its exec instant first, then when stop returned
    assert "sendto(b'stopped', (peer, 5099))" in bench.peers.STOP_THEN_TELL


def test_memory_lines_judge_the_goal():
    lines = bench.extra_lines({"versions": {}, "memory": {"up": [12288, 14336], "refresh": [20480, 40960]}}, ["c"])
    assert "| `sipha-vip up` | 13.0 MB | 14.0 MB | ≤ 30 MB: met |" in lines
    assert "| `sipha-vip refresh` | 30.0 MB | 40.0 MB | - |" in lines
    over = bench.extra_lines({"versions": {}, "memory": {"up": [31745], "refresh": [1]}}, ["c"])
    assert "| `sipha-vip up` | 31.0 MB | 31.0 MB | ≤ 30 MB: NOT met |" in over
