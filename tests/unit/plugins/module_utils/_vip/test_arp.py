"""ARP frames of a takeover, byte by byte."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._vip import arp

MAC = arp.mac_bytes("02:00:5e:00:53:01")


def test_gratuitous_request():
    data = arp.gratuitous_request(MAC, "198.51.100.10")
    assert len(data) == 60 and data[:6] == arp.BROADCAST and data[6:12] == MAC and data[12:14] == b"\x08\x06"
    assert arp.parse(data) == arp.ArpPacket(1, "02:00:5e:00:53:01", "198.51.100.10", "00:00:00:00:00:00",
                                            "198.51.100.10")


def test_gratuitous_reply_targets_its_own_mac():
    # Linux takes a reply as gratuitous only when the target MAC is the sender's
    packet = arp.parse(arp.gratuitous_reply(MAC, "198.51.100.10"))
    assert packet.op == arp.REPLY and packet.target_mac == packet.sender_mac == "02:00:5e:00:53:01"
    assert packet.sender_ip == packet.target_ip == "198.51.100.10"


def test_directed_request_and_probe():
    directed = arp.parse(arp.directed_request(MAC, "198.51.100.10", "198.51.100.2"))
    assert (directed.op, directed.sender_ip, directed.target_ip) == (1, "198.51.100.10", "198.51.100.2")
    probe = arp.parse(arp.probe(MAC, "198.51.100.10"))
    assert (probe.sender_ip, probe.target_ip) == ("0.0.0.0", "198.51.100.10")


def test_announcement_order_and_switches():
    names = [name for name, _frame in arp.announcements(MAC, "198.51.100.10", ["198.51.100.2", "198.51.100.3"])]
    assert names == ["directed 198.51.100.2", "directed 198.51.100.3", "gratuitous request", "gratuitous reply"]
    only = arp.announcements(MAC, "198.51.100.10", ["198.51.100.2"], directed=False, replies=False)
    assert [name for name, _frame in only] == ["gratuitous request"]
    assert arp.announcements(MAC, "198.51.100.10", [], garp=False) == []


def test_parse_ignores_other_frames():
    assert arp.parse(b"\x00" * 60) is None
    assert arp.parse(b"\xff" * 12 + b"\x08\x06" + b"\x00" * 10) is None


@pytest.mark.parametrize("bad", ["02:00:5e:00:53", "0200.5e00.5301", "02:00:5e:00:53:0g"])
def test_mac_bytes_refuses(bad):
    with pytest.raises(ValueError):
        arp.mac_bytes(bad)
