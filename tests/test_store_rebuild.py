"""The store after a large run is as compact as the bulk loader makes it, holds exactly the same
quads, and a rebuild interrupted at any step is either not started or finished at the next open.

Everything runs on real on-disk Oxigraph stores in a tmp dir; the articles are synthetic.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

import newsgraph.store_rebuild as rebuild_mod
from newsgraph.store import GraphStore, StoreError, read_generation
from newsgraph.store_rebuild import REBUILD_DIR, rebuilding
from test_store_compact import ABOUT, BASE, IDENTIFIER, NEWS_ARTICLE, RDF_TYPE, SAYS, folder_bytes

PREFIX = f"{BASE}graph/article/"


def article(i: int, claims: int = 300) -> tuple[ox.NamedNode, str, list[ox.Quad]]:
    """Article ``t{i}``: its header and ``claims`` claims about people shared across articles."""
    g, a = ox.NamedNode(f"{PREFIX}t{i}"), ox.NamedNode(f"{BASE}id/article/t{i}")
    quads = [ox.Quad(a, RDF_TYPE, NEWS_ARTICLE, g), ox.Quad(a, IDENTIFIER, ox.Literal(f"t{i}"), g)]
    for k in range(claims):
        claim = ox.NamedNode(f"{BASE}id/claim/t{i}-{k}")
        quads.append(ox.Quad(claim, SAYS, ox.Literal(f"statement {k} made in report {i}"), g))
        quads.append(ox.Quad(claim, ABOUT, ox.NamedNode(f"{BASE}id/person/p{(i * 7 + k) % 997}"), g))
    return g, f"t{i}", quads


def fill(store: GraphStore, articles: range) -> set[ox.Quad]:
    everything: set[ox.Quad] = set()
    for i in articles:
        g, ident, quads = article(i)
        store.replace_article(g, ident, quads, supersede_prefix=PREFIX)
        everything.update(quads)
    return everything


def bulk_loaded_bytes(quads: set[ox.Quad], tmp_path: Path) -> int:
    data = tmp_path / "all.nq"
    data.write_bytes(ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS) or b"")
    bare = ox.Store(str(tmp_path / "bare"))
    bare.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    bare.flush()
    del bare
    return folder_bytes(tmp_path / "bare")


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
PEOPLE = ("SELECT ?p (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c <https://schema.org/about> ?p } "
          "GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 5")


def answers(store: GraphStore) -> list[list[str]]:
    return [[str(v) for v in row] for q in (COUNT, PEOPLE) for row in store.query(q)]  # type: ignore[union-attr]


def test_a_store_written_article_by_article_compacts_to_the_bulk_loaders_bytes(tmp_path: Path) -> None:
    """100 articles (60,000 quads) written one transaction each, as ingest does, then flush and
    compact: the folder is within 1.35× of the same quads bulk-loaded (1.24× here, the string
    table being there twice; 1.53× before, 1.7× at 1.3M quads), and it holds, and queries see,
    exactly what was written."""
    folder = tmp_path / "s"
    store = GraphStore(folder)
    everything = fill(store, range(100))
    before = answers(store)
    token = store.generation()
    store.flush()
    bare = bulk_loaded_bytes(everything, tmp_path)
    assert folder_bytes(folder) > 1.35 * bare  # what transactions leave
    store.compact()
    assert not (folder / REBUILD_DIR).exists()
    assert set(store.raw) == everything
    assert {g.value for g in store.named_graphs()} == {f"{PREFIX}t{i}" for i in range(100)}
    assert answers(store) == before
    assert store.generation() == token == read_generation(folder)  # same data: the identity index stays valid
    assert sum(e.stat().st_size for e in os.scandir(folder) if e.name.endswith(".log")) < 2**20
    assert folder_bytes(folder) <= 1.35 * bare
    g, ident, quads = article(100)
    store.replace_article(g, ident, quads, supersede_prefix=PREFIX)  # still writable after the reopen
    assert len(store) == len(everything) + len(quads)


def test_a_run_is_rebuilt_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """flush() never rebuilds, even after a run that wrote the whole store: the bulk load's memory
    (about 1M quads per core) is for the user to choose (``ingest --compact``, ``newsgraph compact``)."""
    calls: list[Path] = []
    monkeypatch.setattr(rebuild_mod, "rebuild", lambda store, path, generation: calls.append(path))
    folder = tmp_path / "s"
    store = GraphStore(folder)
    fill(store, range(40))
    store.flush()
    assert calls == []
    store.compact()  # asked for: always
    assert calls == [folder]


def test_ingest_compact_ends_the_run_with_a_rebuild(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsgraph.cli import main

    article_file = tmp_path / "a.txt"
    article_file.write_text("Ruritanian Foreign Minister Anna Berg met her Borduri counterpart in Strelsau "
                            "on Monday.\n", encoding="utf-8")
    folder = tmp_path / "s"
    result = CliRunner().invoke(main, ["ingest", str(article_file), "--store", str(folder), "-q", "--compact"])
    assert result.exit_code == 0, result.output
    assert "compacted" in result.output and not (folder / REBUILD_DIR).exists()
    assert len(GraphStore(folder)) > 10
    refused = CliRunner().invoke(main, ["ingest", str(article_file), "--store", "sparql+http://127.0.0.1:9/sparql",
                                             "-q", "--compact"])
    assert refused.exit_code == 2 and "--compact works on a store folder" in refused.output


def test_blank_nodes_and_empty_graphs_come_through_unchanged(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "s")
    fill(store, range(3))
    g = ox.NamedNode(f"{BASE}graph/extra")
    node = ox.BlankNode("keepme")
    odd = {ox.Quad(ox.NamedNode(f"{BASE}id/x"), SAYS, node, g), ox.Quad(node, SAYS, ox.Literal("inner"), g),
           ox.Quad(node, SAYS, ox.Literal("in the default graph"), ox.DefaultGraph())}
    store.raw.extend(odd)
    empty = ox.NamedNode(f"{BASE}graph/empty")
    store.raw.add_graph(empty)
    before = set(store.raw)
    store.compact()
    assert set(store.raw) == before  # blank node labels kept, default graph kept
    assert store.raw.contains_named_graph(empty)


def test_a_rebuild_killed_after_clearing_is_finished_at_the_next_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worst moment: the copy is ready and the store already cleared when the process dies.
    Readers are told (``rebuilding``); the next writer loads the copy and the store is whole."""
    folder = tmp_path / "s"
    store = GraphStore(folder)
    everything = fill(store, range(20))

    def dies_after_clearing(raw: ox.Store, work: Path) -> None:
        raw.clear()
        raw.optimize()
        raise KeyboardInterrupt  # as a kill would, but in-process

    monkeypatch.setattr(rebuild_mod, "_reload", dies_after_clearing)
    with pytest.raises(KeyboardInterrupt):
        store.compact()
    assert len(store.raw) == 0 and rebuilding(folder)
    del store
    monkeypatch.undo()
    reopened = GraphStore(folder)
    assert set(reopened.raw) == everything
    assert not (folder / REBUILD_DIR).exists() and not rebuilding(folder)


def test_a_rebuild_killed_while_copying_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    store = GraphStore(folder)
    everything = fill(store, range(5))
    store.flush()
    del store
    work = folder / REBUILD_DIR
    work.mkdir()
    (work / "quads.nq").write_text("<http://x/a> <http://x/b> <http://x/c> <http://x/g> .\n", encoding="utf-8")
    assert not rebuilding(folder)  # not ready: the store was never touched
    reopened = GraphStore(folder)
    assert set(reopened.raw) == everything
    assert not work.exists()


def test_a_failed_copy_is_a_warning_and_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "s"
    store = GraphStore(folder)
    everything = fill(store, range(5))

    def disk_full(path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rebuild_mod, "_fsync", disk_full)
    with caplog.at_level(logging.WARNING):
        store.compact()
    assert "not compacted" in caplog.text
    assert set(store.raw) == everything
    assert not (folder / REBUILD_DIR).exists()


def test_a_copy_older_than_the_stores_last_write_is_not_loaded_over_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild died, then another program wrote to the store without finishing it (its token
    changed): loading the copy would undo that write, so the copy is kept aside and the open fails
    saying where it is."""
    folder = tmp_path / "s"
    store = GraphStore(folder)
    everything = fill(store, range(5))
    monkeypatch.setattr(rebuild_mod, "_reload", lambda raw, work: None)  # dies before clearing
    store.compact()
    monkeypatch.undo()
    del store
    (folder / "newsgraph-generation").write_text("0" * 32 + "\n", encoding="ascii")
    with pytest.raises(StoreError, match="written since by another program"):
        GraphStore(folder)
    aside = [p for p in folder.iterdir() if p.name.startswith(f"{REBUILD_DIR}-copy-")]
    assert len(aside) == 1 and (aside[0] / "quads.nq").stat().st_size > 0
    assert set(GraphStore(folder).raw) == everything  # the store itself was left alone


def test_cli_compact_brings_a_store_small_runs_loosened_back(tmp_path: Path) -> None:
    """Small runs into a compact store leave it uncompressed again (their compactions rewrite the
    tables); `newsgraph compact` rewrites it to the bulk loader's bytes, with the same quads."""
    from click.testing import CliRunner

    from newsgraph.cli import main

    folder = tmp_path / "s"
    store = GraphStore(folder)
    everything = fill(store, range(60))
    store.flush()
    del store
    store = GraphStore(folder)
    store.compact()
    del store
    for run in range(4):  # runs of 4 articles each
        store = GraphStore(folder)
        everything |= fill(store, range(60 + 4 * run, 64 + 4 * run))
        store.flush()
        del store
    bare = bulk_loaded_bytes(everything, tmp_path)
    assert folder_bytes(folder) > 1.35 * bare
    result = CliRunner().invoke(main, ["compact", "--store", str(folder)])
    assert result.exit_code == 0, result.output
    assert "compacted" in result.output
    del result
    assert folder_bytes(folder) <= 1.35 * bare
    assert set(GraphStore(folder).raw) == everything
