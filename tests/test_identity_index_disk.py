"""The identity index kept on disk beside the store: reused across runs without reading the store,
rebuilt when the store changed behind its back, and deciding as an index built afresh would."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from identity_helpers import facts_naming as _facts
from identity_helpers import write_articles
from newsgraph import ingest
from newsgraph.extract import Extractor
from newsgraph.facts import ArticleFacts, slugify
from newsgraph.link.identity import IdentityIndex, rewrite
from newsgraph.link.identity_index import INDEX_FILE
from newsgraph.mapping import article_graph, to_quads
from newsgraph.store import GraphStore

BASE = ingest.DEFAULT_BASE_URI

# Invented people and wording.
ARTICLES = {
    "ix-1": ("2025-02-03", "Harbour deal signed",
             "Danish Transport Minister Sofie Kjellstrup signed a harbour agreement in Aarhus on Monday. "
             "Finnish Transport Minister Eero Vainikkala attended. Kjellstrup said work starts in May."),
    "ix-2": ("2025-02-10", "Rail link plans",
             "Transport Minister Kjellstrup of Denmark presented rail link plans on Monday. "
             "Eero Vainikkala welcomed them."),
    "ix-3": ("2025-02-17", "Ferry strike ends",
             "Finnish Transport Minister Vainikkala said on Monday the ferry strike had ended. "
             "Sofie Kjellstrup called him to discuss the timetable."),
    "ix-4": ("2025-02-24", "Bridge tolls",
             "Kjellstrup, the Danish transport minister, proposed lower bridge tolls on Monday."),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_articles(tmp_path_factory.mktemp("index-articles"), ARTICLES)


@pytest.fixture
def fills(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The base of every whole-store read made to build an identity index, in order."""
    made: list[str] = []
    fill = IdentityIndex._fill

    def counting(self: IdentityIndex, store: GraphStore) -> None:
        made.append(self.base)
        fill(self, store)

    monkeypatch.setattr(IdentityIndex, "_fill", counting)
    yield made


def _persons(store: GraphStore) -> set[tuple[str, str, str]]:
    """(article graph, person IRI, preferred label) for every person the store publishes."""
    rows = store.query(
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?g ?x ?l WHERE { GRAPH ?g { ?x a foaf:Person ; skos:prefLabel ?l } }")
    return {(r["g"].value, r["x"].value, r["l"].value) for r in rows}  # type: ignore[union-attr, index]


def _contents(index: IdentityIndex) -> dict[str, object]:
    """What an index holds per graph (its pickled contributions, compared as objects)."""
    db = index._db._db  # the SQLite connection: compare tables, not behaviour
    return {g: index._graph(g) for (g,) in db.execute("SELECT g FROM graphs ORDER BY g")}


def _aggregates(index: IdentityIndex) -> dict[str, tuple[object, ...]]:
    """Every published person as one piece, with list order left out (it is read as a set)."""
    db = index._db._db
    out: dict[str, tuple[object, ...]] = {}
    for (iri,) in db.execute("SELECT DISTINCT iri FROM skeletons ORDER BY iri").fetchall():
        if not db.execute("SELECT 1 FROM mentions WHERE iri=?", (iri,)).fetchone():
            continue
        p = index._aggregate(iri)
        e = p.layers[-1]
        out[iri] = (p.qid, p.fixed, dict(e.fulls), dict(e.posts), sorted(e.graphs), dict(e.forms), dict(e.prefs),
                    {k: sorted(v, key=str) for k, v in e.by_place.items()},
                    {k: sorted(v) for k, v in e.by_role.items()},
                    {k: sorted(v, key=str) for k, v in e.with_names.items()})
    return out


# -- the real pipeline ---------------------------------------------------------------------------------

def test_a_second_run_reuses_the_index_and_decides_as_a_fresh_one(
        tmp_path: Path, extractor: Extractor, files: dict[str, Path], fills: list[str]) -> None:
    kept, fresh = GraphStore(tmp_path / "kept"), GraphStore(tmp_path / "fresh")
    for store in (kept, fresh):
        assert ingest.run([files["ix-1"], files["ix-2"]], store, extractor=extractor).articles == 2
    assert len(fills) == 2  # each new store: built once (empty), then kept on disk
    assert (tmp_path / "kept" / INDEX_FILE).is_file()
    (tmp_path / "fresh" / INDEX_FILE).unlink()  # as a store from before the index: rebuilt from the store
    fills.clear()
    assert ingest.run([files["ix-3"], files["ix-4"]], kept, extractor=extractor).articles == 2
    assert fills == []  # the kept index was read as it is: no whole-store query
    assert ingest.run([files["ix-3"], files["ix-4"]], fresh, extractor=extractor).articles == 2
    assert fills == [BASE]
    assert _persons(kept) == _persons(fresh)
    assert any(iri.endswith("/sofie-kjellstrup") for _, iri, _ in _persons(kept))  # identity did resolve
    index = IdentityIndex.open(kept, BASE)
    assert _contents(index) == _contents(IdentityIndex.from_store(kept, BASE))


def test_delete_updates_the_index(tmp_path: Path, extractor: Extractor, files: dict[str, Path],
                                  fills: list[str]) -> None:
    store = GraphStore(tmp_path / "store")
    ingest.run(list(files.values()), store, extractor=extractor)
    assert ingest.delete(store, "ix-2")
    fills.clear()
    index = IdentityIndex.open(store, BASE)
    assert fills == []  # delete kept the index in step with the store
    assert not index._db.has_graph(article_graph(BASE, "ix-2").value)
    assert _contents(index) == _contents(IdentityIndex.from_store(store, BASE))


# -- a store changed behind the index's back -------------------------------------------------------------

def _publish(store: GraphStore, index: IdentityIndex, facts: ArticleFacts) -> None:
    """resolve -> map -> store -> learn -> backfill, as ``ingest.run`` does."""
    index.resolve(facts)
    graph = article_graph(BASE, facts.article.id)
    quads = to_quads(facts, BASE)
    store.replace_article(graph, facts.article.id, quads)
    index.learn(graph, quads)
    for other, renames in index.backfill(graph).items():
        rewrite(store, index, other, renames)


def _archive(path: Path) -> GraphStore:
    store = GraphStore(path)
    index = IdentityIndex.open(store, BASE)
    _publish(store, index, _facts("c1", date(2024, 5, 2), ("Mira Valden", "Foreign Minister", "Norway")))
    _publish(store, index, _facts("c2", date(2024, 5, 9), ("Valden", "Foreign Minister", "Norway"),
                                  ("Jon Arvesen", "Prime Minister", "Norway")))
    index.close()
    return store


def _load(store: GraphStore, tmp_path: Path) -> None:
    nq = tmp_path / "extra.nq"
    nq.write_text(f"<{BASE}id/person/someone> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Someone\" "
                  f"<{article_graph(BASE, 'c1').value}> .\n", encoding="utf-8")
    store.load(nq)  # into an article graph: the graph count stays, the content does not


def _crash(store: GraphStore, tmp_path: Path) -> None:
    facts = _facts("c3", date(2024, 5, 12), ("Mira Valden", "Foreign Minister", "Norway"))
    store.replace_article(article_graph(BASE, "c3"), "c3", to_quads(facts, BASE))  # stored, never learned


def _no_index(store: GraphStore, tmp_path: Path) -> None:
    assert store.path is not None
    (store.path / INDEX_FILE).unlink()


def _raw_drop(store: GraphStore, tmp_path: Path) -> None:
    store.raw.remove_graph(article_graph(BASE, "c2"))  # past GraphStore: no new generation


@pytest.mark.parametrize("change", [_load, _crash, _no_index, _raw_drop], ids=lambda f: f.__name__.strip("_"))
def test_a_store_changed_behind_the_index_is_rebuilt(tmp_path: Path, fills: list[str], change: object,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    store = _archive(tmp_path / "store")
    fills.clear()
    IdentityIndex.open(store, BASE).close()
    assert fills == []  # in step: nothing read
    change(store, tmp_path)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="newsgraph.link.identity"):
        index = IdentityIndex.open(store, BASE)
    assert fills == [BASE]
    assert [r.getMessage() for r in caplog.records if "rebuilding it from the store" in r.getMessage()]
    assert _contents(index) == _contents(IdentityIndex.from_store(store, BASE))
    index.close()
    fills.clear()
    IdentityIndex.open(store, BASE)
    assert fills == []  # rebuilt once, then in step again


def test_an_index_of_another_base_is_rebuilt(tmp_path: Path, fills: list[str]) -> None:
    store = _archive(tmp_path / "store")
    fills.clear()
    IdentityIndex.open(store, "http://example.org/news/")
    assert fills == ["http://example.org/news/"]


# -- kept up to date piece by piece = made afresh ---------------------------------------------------------

def test_aggregates_kept_up_to_date_equal_ones_made_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # replacing graphs takes their mentions out of the persons decided as a whole, one by one
    import newsgraph.link.identity as identity

    monkeypatch.setattr(identity, "AGGREGATE_AT", 2)
    store = GraphStore(tmp_path / "store")
    index = IdentityIndex.open(store, BASE)
    people = [("Mira Valden", "Foreign Minister", "Norway"), ("Jon Arvesen", "Prime Minister", "Norway"),
              ("Petra Lund", "Defence Minister", "Sweden")]
    for n in range(8):
        a, b = people[n % 3], people[(n + 1) % 3]
        _publish(store, index, _facts(f"k{n}", date(2024, 3, 1 + n), a, b))
    for n in range(3):
        index._aggregate(f"{BASE}id/person/{slugify(people[n][0])}")  # made, then kept up to date
    _publish(store, index, _facts("k1", date(2024, 3, 2), people[2], ("Valden", "Foreign Minister", "Norway")))
    _publish(store, index, _facts("k4", date(2024, 3, 5), people[0]))  # re-ingested with less in them
    _publish(store, index, _facts("k9", date(2024, 3, 12), people[1], people[0]))
    index.close()
    reopened = IdentityIndex.open(store, BASE)
    afresh = IdentityIndex.from_store(store, BASE)
    kept = _aggregates(reopened)
    assert kept and kept == _aggregates(afresh)
    assert index._db.aggregate(f"{BASE}id/person/mira-valden") is not None  # written back at close


def test_a_graph_forgotten_for_an_article_never_stored_is_put_back(tmp_path: Path) -> None:
    # resolve() forgets the article's previous graph (no evidence for itself); if the new one is then
    # not stored (the article failed), the index must still hold what the store holds
    store = _archive(tmp_path / "store")
    index = IdentityIndex.open(store, BASE)
    index.resolve(_facts("c2", date(2024, 5, 9), ("Valden", None, None)))
    assert not index._db.has_graph(article_graph(BASE, "c2").value)
    index.close()
    assert _contents(IdentityIndex.open(store, BASE)) == _contents(IdentityIndex.from_store(store, BASE))


def test_an_index_in_memory_for_a_store_in_memory(fills: list[str]) -> None:
    store = GraphStore(None)
    index = IdentityIndex.open(store, BASE)
    _publish(store, index, _facts("m1", date(2024, 1, 1), ("Mira Valden", "Foreign Minister", "Norway")))
    assert index._db.path is None and fills == [BASE]
    assert _contents(index) == _contents(IdentityIndex.from_store(store, BASE))
