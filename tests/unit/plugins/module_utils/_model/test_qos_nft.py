"""The nftables marking table rendered from the policy model."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model.qos_nft import QosPolicy, render_ruleset


def rules(**policy):
    return QosPolicy.from_dict(policy).rules()


def test_nic_only_marks_both_families_sip_and_rtp():
    out = rules(sip_nic="eth1")
    assert out == [
        'oifname "eth1" meta l4proto { tcp, udp } th sport { 5060, 5061 } counter ip dscp set 46',
        'oifname "eth1" meta l4proto { tcp, udp } th dport { 5060, 5061 } counter ip dscp set 46',
        'oifname "eth1" udp sport 10000-20000 counter ip dscp set 46',
        'oifname "eth1" udp dport 10000-20000 counter ip dscp set 46',
        'oifname "eth1" meta l4proto { tcp, udp } th sport { 5060, 5061 } counter ip6 dscp set 46',
        'oifname "eth1" meta l4proto { tcp, udp } th dport { 5060, 5061 } counter ip6 dscp set 46',
        'oifname "eth1" udp sport 10000-20000 counter ip6 dscp set 46',
        'oifname "eth1" udp dport 10000-20000 counter ip6 dscp set 46',
    ]


def test_vip_only_marks_its_family_only():
    v4 = rules(vip="198.51.100.10", mark_rtp=False, sip_protocols=["udp"], sip_ports=[5060], sip_dscp="cs3",
               counters=False)
    assert v4 == ["ip saddr 198.51.100.10 udp sport 5060 ip dscp set 24",
                  "ip saddr 198.51.100.10 udp dport 5060 ip dscp set 24"]
    v6 = rules(vip="2001:db8::10", mark_rtp=False)
    assert all(rule.startswith("ip6 saddr 2001:db8::10 ") and rule.endswith("ip6 dscp set 46") for rule in v6)


def test_rtp_class_differs_from_sip():
    out = rules(sip_nic="eth1", sip_dscp="cs3", rtp_dscp="ef")
    assert 'oifname "eth1" udp sport 10000-20000 counter ip dscp set 46' in out
    assert 'oifname "eth1" udp dport 10000-20000 counter ip6 dscp set 46' in out
    assert [r for r in out if "5060" in r] and all(r.endswith("dscp set 24") for r in out if "5060" in r)


def test_table_replaces_only_itself_atomically():
    text = render_ruleset({"sip_nic": "eth1", "table": "voice"})
    lines = text.splitlines()
    assert lines[0] == "#!/usr/sbin/nft -f"
    assert "table inet voice" in lines and "delete table inet voice" in lines
    assert lines.index("table inet voice") < lines.index("delete table inet voice") < lines.index("table inet voice {")
    assert "flush ruleset" not in text


@pytest.mark.skipif(not shutil.which("nft") or not shutil.which("unshare"), reason="needs nft and unshare")
@pytest.mark.parametrize("policy", [
    {"sip_nic": "eth1", "vip": "198.51.100.10"},
    {"sip_nic": "bond0.100", "sip_protocols": ["tcp"], "sip_ports": [5061]},
    {"vip": "2001:db8::10", "mark_rtp": False, "counters": False},
])
def test_nft_accepts_the_rendering(policy, tmp_path):
    """nft itself checks the syntax, in a throw-away network namespace."""
    path = tmp_path / "qos.nft"
    path.write_text(render_ruleset(policy))
    proc = subprocess.run(["unshare", "--net", "nft", "-c", "-f", str(path)], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0 and "Operation not permitted" in proc.stderr:
        pytest.skip("no permission for a network namespace here")
    assert proc.returncode == 0, proc.stderr
