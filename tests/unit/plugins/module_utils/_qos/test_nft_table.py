"""When sipha.network.nft_table reloads a table (pure decision)."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._qos.nft_table import decide, digest

SRC = "table inet t { }\n"
LIVE = "table inet t {\n}\n"
RECORD = {"src_sha256": digest(SRC), "live_sha256": digest(LIVE)}


@pytest.mark.parametrize("src,live,record,reason", [
    (SRC, LIVE, RECORD, None),
    (None, LIVE, RECORD, "source file missing"),
    (SRC, None, RECORD, "table not loaded"),
    (SRC + "# edited\n", LIVE, RECORD, "source file changed since the last load"),
    (SRC, LIVE + "x", RECORD, "running table differs from the last load"),
    (SRC, LIVE, {}, "source file changed since the last load"),
])
def test_decide(src, live, record, reason):
    assert decide(src, live, record) == reason


# --- the module end to end against a stand-in nft ----------------------------

import os  # noqa: E402  (kept with the tests that need it)
import pathlib  # noqa: E402

from ansible_collections.sipha.network.plugins.module_utils._qos.nft_table import run_module as nft_table  # noqa: E402

FAKE_BIN = pathlib.Path(__file__).parents[3] / "data" / "fake_bin"
TABLE = "table inet t\ndelete table inet t\ntable inet t {\n}\n"


@pytest.fixture
def fake_nft(tmp_path, monkeypatch):
    state = tmp_path / "nft-state"
    state.mkdir()
    monkeypatch.setenv("FAKE_NFT_STATE", str(state))
    monkeypatch.setenv("PATH", "%s:%s" % (FAKE_BIN, os.environ["PATH"]))
    return state


def params(tmp_path, **extra):
    base = {"path": str(tmp_path / "t.nft"), "content": TABLE, "name": "t", "state_dir": str(tmp_path / "lib")}
    base.update(extra)
    return base


def calls(state):
    return (state / "calls.log").read_text().splitlines()


def test_loads_then_in_sync(fake_nft, run_module, tmp_path):
    first = run_module(nft_table, params(tmp_path), diff=True)
    assert first["changed"] and first["file_changed"] and first["reason"] == "table not loaded"
    assert (tmp_path / "t.nft").read_text() == TABLE
    assert "table inet t {" in first["ruleset"]
    second = run_module(nft_table, params(tmp_path))
    assert not second["changed"] and second["reason"] == "in sync"
    assert not any(c.startswith("--file") for c in calls(fake_nft)[-2:])


def test_running_table_edited_by_hand_is_put_back(fake_nft, run_module, tmp_path):
    run_module(nft_table, params(tmp_path))
    (fake_nft / "table-inet-t").write_text("table inet t {\n  something else\n}\n")
    result = run_module(nft_table, params(tmp_path))
    assert result["changed"] and not result["file_changed"]
    assert result["reason"] == "running table differs from the last load"
    assert "something else" not in (fake_nft / "table-inet-t").read_text()


def test_check_mode_touches_nothing(fake_nft, run_module, tmp_path):
    result = run_module(nft_table, params(tmp_path), check_mode=True, diff=True)
    assert result["changed"] and result["reason"] == "table not loaded"
    assert not (tmp_path / "t.nft").exists()
    assert not (fake_nft / "table-inet-t").exists()
    assert all(c.startswith("--stateless") for c in calls(fake_nft))


def test_bad_ruleset_never_lands(fake_nft, run_module, tmp_path):
    run_module(nft_table, params(tmp_path))
    result = run_module(nft_table, params(tmp_path, content=TABLE + "BAD\n"))
    assert result.failed and "nft --check" in result["msg"]
    assert (tmp_path / "t.nft").read_text() == TABLE
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sipha-")] == []


def test_absent_deletes_table_and_file(fake_nft, run_module, tmp_path):
    run_module(nft_table, params(tmp_path))
    result = run_module(nft_table, {"path": str(tmp_path / "t.nft"), "name": "t", "state": "absent",
                                    "state_dir": str(tmp_path / "lib")})
    assert result["changed"]
    assert not (fake_nft / "table-inet-t").exists() and not (tmp_path / "t.nft").exists()
    again = run_module(nft_table, {"name": "t", "state": "absent", "state_dir": str(tmp_path / "lib")})
    assert not again["changed"]


def test_rejects_unsafe_table_name(fake_nft, run_module, tmp_path):
    result = run_module(nft_table, params(tmp_path, name="t; flush ruleset"))
    assert result.failed and result["msg"].startswith("name: ")
    assert not (fake_nft / "calls.log").exists()
