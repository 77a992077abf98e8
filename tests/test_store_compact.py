"""The store's write path: article graphs replaced whole and atomically with native calls, files
bulk-loaded whole or not at all, and a folder that stays compact after a run (no dead write-ahead
logs, no pile of old info logs, no table files of a killed load).

Everything runs on real on-disk Oxigraph stores in a tmp dir; the articles are synthetic.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import newsgraph.store as store_mod
from newsgraph.cli import main
from newsgraph.store import ArticleClash, GraphStore, StoreError

BASE = "http://localhost:8080/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NEWS_ARTICLE = ox.NamedNode("https://schema.org/NewsArticle")
IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
SAYS = ox.NamedNode("https://w3id.org/newsgraph/ns#says")
ABOUT = ox.NamedNode("https://schema.org/about")


def graph_of(i: int) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}graph/article/t{i}")


def article(i: int, claims: int = 300, version: int = 0) -> tuple[ox.NamedNode, str, list[ox.Quad]]:
    """Article ``t{i}``: its header and ``claims`` claims; ``version`` changes every tenth claim."""
    g, a = graph_of(i), ox.NamedNode(f"{BASE}id/article/t{i}")
    quads = [ox.Quad(a, RDF_TYPE, NEWS_ARTICLE, g), ox.Quad(a, IDENTIFIER, ox.Literal(f"t{i}"), g)]
    for k in range(claims):
        claim = ox.NamedNode(f"{BASE}id/claim/t{i}-{k}")
        said = f"claim {k} of article {i}" + (f", as told the {version}th time" if k % 10 == 0 else "")
        quads.append(ox.Quad(claim, SAYS, ox.Literal(said), g))
        quads.append(ox.Quad(claim, ABOUT, ox.NamedNode(f"{BASE}id/person/p{(i * 7 + k) % 997}"), g))
    return g, f"t{i}", quads


def in_graph(store: GraphStore, g: ox.NamedNode) -> set[ox.Quad]:
    return set(store.raw.quads_for_pattern(None, None, None, g))


def files(folder: Path, suffix: str = "") -> dict[str, int]:
    return {e.name: e.stat().st_size for e in os.scandir(folder) if e.is_file() and e.name.endswith(suffix)}


def folder_bytes(folder: Path) -> int:
    return sum(files(folder).values())


def nquads(quads: list[ox.Quad]) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def fill(store: GraphStore, articles: range, claims: int = 300) -> list[ox.Quad]:
    everything: list[ox.Quad] = []
    for i in articles:
        g, ident, quads = article(i, claims)
        store.replace_article(g, ident, quads, supersede_prefix=f"{BASE}graph/article/")
        everything += quads
    return everything


# -- replacing an article ------------------------------------------------------------------------

def test_replacing_an_article_leaves_exactly_its_new_quads(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "s")
    g1, id1, v0 = article(1)
    g2, id2, other = article(2)
    store.replace_article(g1, id1, v0)
    store.replace_article(g2, id2, other)
    _, _, v1 = article(1, claims=250, version=1)  # claims dropped and claims changed
    assert not set(v0) <= set(v1) and not set(v1) <= set(v0)
    assert store.replace_article(g1, id1, v1) == (len(v1), [])
    assert in_graph(store, g1) == set(v1)
    assert in_graph(store, g2) == set(other)
    _, _, v2 = article(1, claims=400, version=1)  # only additions
    store.replace_article(g1, id1, v2)
    assert in_graph(store, g1) == set(v2)
    assert store.replace_graph(g1, []) == 0
    assert not store.raw.contains_named_graph(g1)
    assert in_graph(store, g2) == set(other)


def test_an_article_is_never_stored_over_another_and_nothing_is_written(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "s")
    g, ident, quads = article(1)
    store.replace_article(g, ident, quads)
    intruder = [ox.Quad(q.subject, q.predicate, ox.Literal("someone-else") if q.predicate == IDENTIFIER else q.object,
                        q.graph_name) for q in article(1, version=3)[2]]
    with pytest.raises(ArticleClash, match="already holds article 't1'"):
        store.replace_article(g, "someone-else", intruder)
    assert in_graph(store, g) == set(quads)


def test_readers_see_the_old_graph_or_the_new_one_never_a_mix(tmp_path: Path) -> None:
    """Each iterator reads one snapshot; while a writer swaps two versions back and forth (each
    swap removes and adds quads), every snapshot holds one version whole. Two calls (drop, then
    add) would show an empty or half graph now and then."""
    store = GraphStore(tmp_path / "s")
    g, ident, old = article(1, claims=200, version=0)
    _, _, new = article(1, claims=150, version=1)
    versions = [frozenset(old), frozenset(new)]
    store.replace_article(g, ident, old)
    seen: list[frozenset[ox.Quad]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(frozenset(store.raw.quads_for_pattern(None, None, None, g)))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(60):
            store.replace_article(g, ident, new if n % 2 == 0 else old)
    finally:
        done.set()
        reader.join()
    assert len(seen) > 10
    assert {s for s in seen if s not in versions} == set()


def test_an_input_that_fails_midway_leaves_the_old_graph(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "s")
    g, ident, quads = article(1)
    store.replace_article(g, ident, quads)

    def broken() -> Iterator[ox.Quad]:
        yield from article(1, version=2)[2][:100]
        raise RuntimeError("mapping bug")

    with pytest.raises(RuntimeError):
        store.replace_article(g, ident, broken())
    with pytest.raises(RuntimeError):
        store.replace_graph(g, broken())
    assert in_graph(store, g) == set(quads)


def test_storing_an_unchanged_article_again_writes_nothing(tmp_path: Path) -> None:
    """Re-ingesting an article that did not change costs a read, not a rewrite of its graph."""
    store = GraphStore(tmp_path / "s")
    g, ident, quads = article(1)
    store.replace_article(g, ident, quads)
    logs = files(tmp_path / "s", ".log")
    assert store.replace_article(g, ident, list(reversed(quads))) == (len(quads), [])
    assert files(tmp_path / "s", ".log") == logs


def test_graphs_with_blank_nodes_are_replaced_whole(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "s")
    g = ox.NamedNode("http://example.org/g")
    b = ox.BlankNode("b1")
    first = [ox.Quad(b, SAYS, ox.Literal("one"), g), ox.Quad(ox.NamedNode("http://example.org/x"), ABOUT, b, g)]
    second = [ox.Quad(b, SAYS, ox.Literal("two"), g)]
    store.replace_graph(g, first)
    assert in_graph(store, g) == set(first)
    store.replace_graph(g, second)
    assert len(in_graph(store, g)) == 1
    assert next(iter(in_graph(store, g))).object == ox.Literal("two")


# -- loading files -------------------------------------------------------------------------------

def test_a_file_with_an_error_at_its_end_loads_nothing(tmp_path: Path) -> None:
    """The bulk loader reads the whole file before adding anything: 40,000 good quads followed by
    one bad line add nothing, and its scratch table files are gone."""
    folder = tmp_path / "s"
    store = GraphStore(folder)
    before = fill(store, range(3))
    good = [q for i in range(100, 166) for q in article(i)[2]]
    bad = tmp_path / "bad.nq"
    bad.write_bytes(nquads(good) + b'<http://example.org/s> <http://example.org/p> "unterminated .\n')
    with pytest.raises(StoreError, match="not valid N-Quads"):
        store.load(bad)
    assert set(store.raw) == set(before)
    assert not [name for name in files(folder) if name.startswith("bulk-")]


def test_cli_load_of_a_bad_file_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    good = tmp_path / "good.nq"
    good.write_bytes(nquads(article(1)[2]))
    bad = tmp_path / "bad.nq"
    bad.write_bytes(nquads(article(2)[2]) + b"<http://example.org/s> <http://example.org/p> .\n")
    result = CliRunner().invoke(main, ["load", str(good), str(bad), "--store", str(folder)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"loaded {good}"
    assert result.stderr.splitlines()[1].startswith(f"newsgraph: {bad}: not valid N-Quads")
    del result
    reader = GraphStore(folder, read_only=True)
    assert set(reader.raw) == set(article(1)[2])


def test_table_files_of_a_killed_load_are_removed_at_the_next_write_open(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    store = GraphStore(folder)
    fill(store, range(2))
    store.flush()
    del store
    orphan = folder / "bulk-123456789.sst"
    orphan.write_bytes(b"half a table file")
    GraphStore(folder, read_only=True)  # a reader leaves it: a writer may be loading
    assert orphan.exists()
    GraphStore(folder)
    assert not orphan.exists()


def test_cli_load_makes_a_store_as_compact_as_the_bulk_loader(tmp_path: Path) -> None:
    """`newsgraph load` writes what pyoxigraph's bulk loader writes: within 10 % of it. Two files
    whose tables overlap: a compaction afterwards would rewrite them uncompressed (about 2×)."""
    halves = [tmp_path / "a.nq", tmp_path / "b.nq"]
    for n, half in enumerate(halves):
        half.write_bytes(nquads([q for i in range(n, 100, 2) for q in article(i)[2]]))
    result = CliRunner().invoke(main, ["load", *map(str, halves), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.stderr
    del result
    bare = ox.Store(str(tmp_path / "bare"))
    for half in halves:
        bare.bulk_load(path=str(half), format=ox.RdfFormat.N_QUADS)
    bare.flush()
    del bare
    assert folder_bytes(tmp_path / "s") <= 1.1 * folder_bytes(tmp_path / "bare")


# -- a compact folder after a run ----------------------------------------------------------------

def test_a_run_leaves_no_dead_write_ahead_logs(tmp_path: Path) -> None:
    """After 60,000 quads written article by article (and 20 articles deleted), the folder holds
    the data: no write-ahead log of what is already in the tables (RocksDB keeps ten for reuse,
    tens of MB here), and at most twice the bytes of the same quads bulk-loaded."""
    folder = tmp_path / "s"
    store = GraphStore(folder)
    everything = fill(store, range(100))
    for i in range(20):
        assert store.drop_graph(graph_of(i))
    store.flush()
    assert sum(files(folder, ".log").values()) < 2**20
    left = [q for q in everything if int(q.graph_name.value.rsplit("t", 1)[1]) >= 20]
    assert set(store.raw) == set(left)  # reopened and complete
    data = tmp_path / "left.nq"
    data.write_bytes(nquads(left))
    bare = ox.Store(str(tmp_path / "bare"))
    bare.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    bare.flush()
    del bare
    assert folder_bytes(folder) <= 2 * folder_bytes(tmp_path / "bare")


def test_the_write_ahead_log_stays_short_during_a_long_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memtables are flushed every FLUSH_EVERY_QUADS quads, so neither they (memory) nor the
    write-ahead log grow with the run; without it 60,000 quads made a 40 MB log."""
    monkeypatch.setattr(store_mod, "FLUSH_EVERY_QUADS", 5_000, raising=False)
    folder = tmp_path / "s"
    store = GraphStore(folder)
    fill(store, range(60))
    assert max(files(folder, ".log").values()) < 8 * 2**20
    store.flush()


def test_info_logs_of_earlier_opens_do_not_pile_up(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    for i in range(6):  # RocksDB renames its info log at each read-write open and keeps 1,000
        store = GraphStore(folder)
        fill(store, range(i, i + 1))
        del store
    store = GraphStore(folder)
    store.flush()
    assert 0 < len([n for n in files(folder) if n.startswith("LOG.old.")]) <= store_mod.KEEP_INFO_LOGS
    assert len(set(store.raw.named_graphs())) == 6


def test_a_result_held_across_flush_keeps_reading_and_the_next_write_works(tmp_path: Path) -> None:
    """Flush reopens the store to have RocksDB drop its dead logs; an iterator still open from
    before keeps the old handle alive, so the store is read-only until it is gone."""
    folder = tmp_path / "s"
    store = GraphStore(folder)
    everything = fill(store, range(100))
    held = store.raw.quads_for_pattern(None, None, None, graph_of(0))
    store.flush()
    assert len(set(store.raw)) == len(set(everything))
    assert len(list(held)) == len(article(0)[2])
    del held
    g, ident, quads = article(500)
    store.replace_article(g, ident, quads)
    assert in_graph(store, g) == set(quads)
    store.flush()
    assert sum(files(folder, ".log").values()) < 2**20


def test_the_flush_interval_grows_with_the_store_up_to_a_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An eighth of the store (compactions rewrite about as much per article at any size), but
    never more than FLUSH_MAX_QUADS (memtable memory bounded whatever the store's size) nor less
    than FLUSH_EVERY_QUADS."""
    store = GraphStore(tmp_path / "s")
    per_quad = store_mod._SST_BYTES_PER_QUAD
    for quads, expected in ((0, store_mod.FLUSH_EVERY_QUADS),
                            (1_200_000, 150_000),
                            (50_000_000, store_mod.FLUSH_MAX_QUADS)):
        monkeypatch.setattr(store_mod, "_stored_bytes", lambda _path, q=quads: q * per_quad)
        assert store._flush_interval() == expected
    assert store_mod.FLUSH_EVERY_QUADS < 150_000 < store_mod.FLUSH_MAX_QUADS
    store.flush()
