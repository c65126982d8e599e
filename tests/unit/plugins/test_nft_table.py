"""When sipha.network.nft_table reloads a table (pure decision)."""

from __future__ import annotations

import pytest

from ansible_collections.sipha.network.plugins.module_utils._nft_table_module import decide, digest

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
