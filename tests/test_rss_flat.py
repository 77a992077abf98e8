"""The memtable bound a run can set (``$NEWSGRAPH_FLUSH_MAX_QUADS``): what keeps an ingest's memory
from growing with the store, at the cost of compaction CPU (see ``store.FLUSH_EVERY_QUADS``).

Real RocksDB stores in a temporary folder; whether a flush happened is read from the store's folder
(a flush writes sorted table files, ``*.sst``), not from the class's counters.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import newsgraph.store as store_mod
from newsgraph.store import GraphStore, flush_limit

BASE = "http://example.org/"


def write(store: GraphStore, articles: range, quads_each: int = 100) -> None:
    """``quads_each`` quads per article graph, each its own article (a made-up one, not news text)."""
    for i in articles:
        graph = ox.NamedNode(f"{BASE}graph/article/a{i}")
        subject = ox.NamedNode(f"{BASE}id/article/a{i}")
        quads = [ox.Quad(subject, ox.NamedNode(f"{BASE}ns/p{j}"), ox.Literal(f"value {i} {j}"), graph)
                 for j in range(quads_each)]
        store.replace_graph(graph, quads)


def table_bytes(folder: Path) -> int:
    """The store's own count (a table file that a background compaction deletes between listing
    and stat counts as gone, not as an error)."""
    return store_mod._stored_bytes(folder)


def test_the_limit_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSGRAPH_FLUSH_MAX_QUADS", raising=False)
    assert flush_limit() == store_mod.FLUSH_MAX_QUADS
    monkeypatch.setenv("NEWSGRAPH_FLUSH_MAX_QUADS", "20000")
    assert flush_limit() == 20_000
    monkeypatch.setenv("NEWSGRAPH_FLUSH_MAX_QUADS", "")
    assert flush_limit() == store_mod.FLUSH_MAX_QUADS


def test_a_wrong_limit_is_not_used_and_the_log_says_so_once(monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    store_mod._ignored_setting.cache_clear()
    for wrong in ("many", "0", "-5", "1e5"):
        monkeypatch.setenv("NEWSGRAPH_FLUSH_MAX_QUADS", wrong)
        caplog.clear()
        with caplog.at_level("WARNING", logger="newsgraph.store"):
            assert flush_limit() == store_mod.FLUSH_MAX_QUADS, wrong
            assert flush_limit() == store_mod.FLUSH_MAX_QUADS, wrong
        said = [r.getMessage() for r in caplog.records if "NEWSGRAPH_FLUSH_MAX_QUADS" in r.getMessage()]
        assert len(said) == 1, said  # once per value for the process (cached), never per flush
        assert f"{wrong!r} is not a positive number of quads" in said[0]


def test_a_limit_below_the_floor_bounds_the_interval_at_every_store_size(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the setting the interval grows with the store (an eighth of it); with it, never above it."""
    monkeypatch.setenv("NEWSGRAPH_FLUSH_MAX_QUADS", "30000")
    store = GraphStore(tmp_path / "s")
    per_quad = store_mod._SST_BYTES_PER_QUAD
    for quads in (0, 1_200_000, 50_000_000):
        monkeypatch.setattr(store_mod, "_stored_bytes", lambda _path, q=quads: q * per_quad)
        assert store._flush_interval() == 30_000
    monkeypatch.delenv("NEWSGRAPH_FLUSH_MAX_QUADS")
    monkeypatch.setattr(store_mod, "_stored_bytes", lambda _path: 1_200_000 * per_quad)
    assert store._flush_interval() == 150_000
    store.flush()


def test_the_store_flushes_its_memtables_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """1,500 quads: left in the memtables by default (the interval is 50,000 at the least), written
    to table files with a limit of 1,000 — and the data is the same either way."""
    monkeypatch.delenv("NEWSGRAPH_FLUSH_MAX_QUADS", raising=False)
    lax = GraphStore(tmp_path / "lax")
    before = table_bytes(tmp_path / "lax")
    write(lax, range(15))
    flushed = 1_000 * 20  # bytes of table files that 1,000 flushed quads' keys take at the least
    assert table_bytes(tmp_path / "lax") < before + flushed  # (RocksDB rewrites a 1 KiB file of its own)

    monkeypatch.setenv("NEWSGRAPH_FLUSH_MAX_QUADS", "1000")
    tight = GraphStore(tmp_path / "tight")
    before = table_bytes(tmp_path / "tight")
    write(tight, range(15))
    assert table_bytes(tmp_path / "tight") > before + flushed

    assert set(tight.raw) == set(lax.raw)
    assert len(tight) == 1_500
    lax.flush()
    tight.flush()
