"""sipha.network.sip_tos run in-process: values, file, check mode, diff, idempotence."""

from __future__ import annotations

from ansible_collections.sipha.network.plugins.module_utils._qos.sip_tos import compute, run_module as sip_tos


def test_compute_only(run_module):
    result = run_module(sip_tos, {"class": "ef"})
    assert not result.failed and not result["changed"]
    assert (result["sip_ip_tos"], result["dscp"], result["precedence"], result["hex"]) == (184, 46, 5, "0xb8")
    assert "dest" not in result


def test_precedence_with_tos_field(run_module):
    result = run_module(sip_tos, {"precedence": 5, "tos_field": "lowdelay"})
    assert result["sip_ip_tos"] == 176 and result["rfc1349"]["tos_field_names"] == ["lowdelay"]


def test_precedence_6_flags_cap_net_admin(run_module):
    result = run_module(sip_tos, {"precedence": 6})
    assert result["needs_cap_net_admin"] is True
    # The warning text comes from compute(); how AnsibleModule delivers warnings
    # depends on whether controller code was imported in this process, so it is
    # checked on the pure function.
    facts, options, warnings = compute({"state": "present", "precedence": 6, "reading": "rfc2474"})
    assert facts["sip_ip_tos"] == 192 and options == {"sip-ip-tos": "192"}
    assert len(warnings) == 1 and "CAP_NET_ADMIN" in warnings[0]


def test_writes_then_idempotent(run_module, tmp_path):
    dest = tmp_path / "opts.cfg"
    params = {"dscp": "ef", "vip": "198.51.100.10", "dest": str(dest), "mode": "0640"}
    first = run_module(sip_tos, params, diff=True)
    assert first["changed"]
    assert dest.read_text() == "[TServer]\nsip-ip-tos=184\nsip-address=198.51.100.10\n"
    assert oct(dest.stat().st_mode & 0o777) == "0o640"
    assert first["diff"]["before"] == "" and "sip-ip-tos=184" in first["diff"]["after"]
    second = run_module(sip_tos, params)
    assert not second["changed"]


def test_check_mode_reports_but_does_not_write(run_module, tmp_path):
    dest = tmp_path / "opts.cfg"
    dest.write_text("[TServer]\nsip-ip-tos=96\n")
    result = run_module(sip_tos, {"dscp": 46, "dest": str(dest)}, check_mode=True, diff=True)
    assert result["changed"]
    assert result["diff"]["after"] == "[TServer]\nsip-ip-tos=184\n"
    assert dest.read_text() == "[TServer]\nsip-ip-tos=96\n"


def test_absent_removes_only_our_options(run_module, tmp_path):
    dest = tmp_path / "opts.cfg"
    dest.write_text("[TServer]\nsip-port=5060\nsip-ip-tos=184\nsip-address=198.51.100.10\n")
    result = run_module(sip_tos, {"state": "absent", "dest": str(dest)})
    assert result["changed"] and dest.read_text() == "[TServer]\nsip-port=5060\n"
    assert not run_module(sip_tos, {"state": "absent", "dest": str(dest)})["changed"]


def test_absent_on_missing_file_creates_nothing(run_module, tmp_path):
    dest = tmp_path / "opts.cfg"
    result = run_module(sip_tos, {"state": "absent", "dest": str(dest)})
    assert not result["changed"] and not dest.exists()


def test_backup(run_module, tmp_path):
    dest = tmp_path / "opts.cfg"
    dest.write_text("[TServer]\nsip-ip-tos=96\n")
    result = run_module(sip_tos, {"dscp": "ef", "dest": str(dest), "backup": True})
    assert result["changed"]
    with open(result["backup_file"]) as handle:
        assert handle.read() == "[TServer]\nsip-ip-tos=96\n"
