"""A server keeps its snapshot while `newsgraph compact` has cleared the store and not yet
reloaded it, and a SPARQL update first finishes a compact that was killed half-way."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import newsgraph.store_rebuild as rebuild_mod
from newsgraph.store import GraphStore
from newsgraph.store_rebuild import REBUILD_DIR, rebuilding
from newsgraph.web import StoreProvider, create_app, shutdown

EX = "http://example.org/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _filled(folder: Path) -> int:
    store = GraphStore(folder)
    for a in range(20):
        for i in range(10):
            store.raw.add(ox.Quad(ox.NamedNode(f"{EX}s{a}"), ox.NamedNode(f"{EX}p{i}"), ox.Literal(str(i)),
                                  ox.NamedNode(f"{EX}graph/{a}")))
    store.flush()
    n = len(store)
    del store
    return n


def _killed_after_clearing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `newsgraph compact` leaves when killed at its worst moment: a ready copy, an empty store."""
    def dies_after_clearing(raw: ox.Store, work: Path) -> None:
        raw.clear()
        raw.optimize()
        raise KeyboardInterrupt

    monkeypatch.setattr(rebuild_mod, "_reload", dies_after_clearing)
    store = GraphStore(folder)
    with pytest.raises(KeyboardInterrupt):
        store.compact()
    del store
    monkeypatch.undo()
    assert rebuilding(folder)


def _count(store: GraphStore) -> int:
    [row] = store.query(COUNT)  # type: ignore[misc]
    return int(row[0].value)


def test_a_reader_keeps_its_snapshot_while_the_store_is_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "store"
    n = _filled(folder)
    provider = StoreProvider(folder, check_interval=0)
    assert _count(provider.current()) == n
    _killed_after_clearing(folder, monkeypatch)
    assert provider.refresh(wait=True) is False  # the files changed, but they are half-way
    assert _count(provider.current()) == n  # never the cleared store


def test_an_update_finishes_a_killed_compact_before_it_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "store"
    n = _filled(folder)
    _killed_after_clearing(folder, monkeypatch)
    app = create_app(folder, {"TESTING": True, "UPDATE_TOKEN": "s3cret"})
    try:
        done = app.test_client().post("/sparql", headers={"Authorization": "Bearer s3cret"}, data={
            "update": f"INSERT DATA {{ GRAPH <{EX}graph/new> {{ <{EX}t> <{EX}p> 1 }} }}"})
        assert done.status_code in (200, 204), done.data
    finally:
        shutdown(app)
    assert not (folder / REBUILD_DIR).exists()
    assert _count(GraphStore(folder, read_only=True)) == n + 1  # the copy reloaded, then the update
