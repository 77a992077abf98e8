"""Identity's per-article cost must not grow with the archive: what used to be read graph by graph is
summarised in the index and kept up to date as graphs come and go. Each summary must decide exactly
what the graph-by-graph reading decided, on generated archives, and follow deletes and re-ingests."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from identity_helpers import Archive
from newsgraph import ingest
from newsgraph.facts import Article, ArticleFacts, Entity, Kind
from newsgraph.link.identity import IdentityIndex, _Graph, _Seen, is_acronym
from newsgraph.link.identity_index import SCHEMA as INDEX_SCHEMA
from newsgraph.mapping import article_graph
from newsgraph.store import GraphStore

BASE = ingest.DEFAULT_BASE_URI
ORG_NS = f"{BASE}id/org/"

# -- organizations: the acronym look-up reads a few rows per body, not every graph naming it ----------------

_ORGS = [ORG_NS + s for s in ("harbour-workers-union", "hwu", "highland-water-utility", "nordic-rail-board")]
_NAMES = ["Harbour Workers Union", "HWU", "H.W.U.", "Highland Water Utility", "Nordic Rail Board", "NRB"]
_COUNTRIES = [None, None, f"{BASE}id/country/norway", f"{BASE}id/country/sweden"]


def _random_graph(rnd: random.Random) -> _Graph:
    """A made-up graph contribution: one to three bodies, each with some names and maybe a country."""
    out = _Graph(countries={c for c in rnd.sample(_COUNTRIES, 2) if c})
    for iri in rnd.sample(_ORGS, rnd.randint(1, 3)):
        out.resources[iri] = _Seen("org", rnd.sample(_NAMES, rnd.randint(1, 3)), country=rnd.choice(_COUNTRIES))
    return out


def _view_graph_by_graph(index: IdentityIndex, iri: str, exclude: str | None = None) -> _Seen | None:
    """The oracle: every graph that mentions ``iri`` but ``exclude`` read and merged, as the index did
    before it kept summaries."""
    seen: _Seen | None = None
    for g in index._db.where(iri):
        if g == exclude or (contribution := index._graph(g)) is None:
            continue
        if seen is None:
            seen = _Seen(contribution.resources[iri].kind)
        seen.merge(contribution.resources[iri])
    return seen


def _as_read_graph_by_graph(index: IdentityIndex, iri: str, exclude: str | None) -> tuple[set[str], str | None] | None:
    seen = _view_graph_by_graph(index, iri, exclude)
    return None if seen is None else (set(seen.names), seen.country)


def _as_summarised(index: IdentityIndex, iri: str, exclude: str | None) -> tuple[set[str], str | None] | None:
    seen = index._org_view(iri, exclude)
    return None if seen is None else (set(seen.names), seen.country)


@pytest.mark.parametrize("seed", range(12))
def test_the_summary_of_a_body_decides_as_its_graphs_read_one_by_one(seed: int,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(seed)
    index = IdentityIndex(BASE)
    graphs = [f"{BASE}graph/article/g{n}" for n in range(10)]
    for step in range(40):
        g = rnd.choice(graphs)
        if rnd.random() < 0.25:
            index.forget(g)  # a delete (or nothing, for a graph not published)
        else:
            index.forget(g)  # a re-ingest replaces what the graph said
            index._add(g, _random_graph(rnd))
        if step % 5 != 4:
            continue
        for iri in _ORGS:
            for exclude in [None, *graphs]:
                assert _as_summarised(index, iri, exclude) == _as_read_graph_by_graph(index, iri, exclude)
            assert index._db.acronym_only(iri) == [
                other for other in index._db.where(iri)
                if all(is_acronym(n) for n in index._graph(other).resources[iri].names)]  # type: ignore[union-attr]
        # and the decisions made from them: the bodies an acronym may be, in each country context
        for acronym in ("HWU", "NRB"):
            for country in _COUNTRIES:
                for exclude in (None, graphs[0]):
                    summarised = index._acronym_candidates(acronym, country, set(_COUNTRIES[2:]), exclude)
                    with monkeypatch.context() as m:
                        m.setattr(IdentityIndex, "_org_view", _view_graph_by_graph)
                        one_by_one = index._acronym_candidates(acronym, country, set(_COUNTRIES[2:]), exclude)
                    assert [i for i, _ in summarised] == [i for i, _ in one_by_one]


def _org_article(aid: str, name: str, aliases: set[str], country: str | None) -> ArticleFacts:
    ents = {"org:0": Entity("org:0", Kind.ORGANIZATION, name, aliases=set(aliases),
                            country=f"country:{country.lower()}" if country else None)}
    if country:
        ents[f"country:{country.lower()}"] = Entity(f"country:{country.lower()}", Kind.COUNTRY, country)
    return ArticleFacts(Article(aid, name, published=date(2025, 3, 1)), ents, [])


def _org_rows(index: IdentityIndex) -> dict[str, list[tuple[object, ...]]]:
    db = index._db._db
    return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("org_graphs", "org_names", "org_countries", "acronym_only")}


def _org_of(store: GraphStore, aid: str) -> set[str]:
    rows = store.query("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?o WHERE { GRAPH "
                       f"<{article_graph(BASE, aid).value}> {{ ?o a org:Organization }} }}")
    return {r["o"].value for r in rows}  # type: ignore[union-attr, index]


def test_a_deleted_or_replaced_article_leaves_the_summaries_of_its_bodies(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "store")
    archive = Archive(store, IdentityIndex.open(store, BASE))
    archive.add(_org_article("o1", "Harbour Workers Union", {"HWU"}, "Norway"))
    archive.add(_org_article("o2", "Harbour Workers Union", set(), "Norway"))
    archive.add(_org_article("o3", "HWU", set(), "Norway"))
    assert _org_of(store, "o3") == _org_of(store, "o1")  # the acronym joined its full name
    archive.index.close()
    assert ingest.delete(store, "o1") and ingest.delete(store, "o3")  # the graphs calling the body HWU
    index = IdentityIndex.open(store, BASE)
    assert _org_rows(index) == _org_rows(IdentityIndex.from_store(store, BASE))
    archive = Archive(store, index)
    archive.add(_org_article("o4", "HWU", set(), "Norway"))
    assert _org_of(store, "o4") != _org_of(store, "o2")  # nothing published names the body HWU any more
    archive.add(_org_article("o2", "Harbour Workers Union", {"HWU"}, "Sweden"))  # re-ingested, changed
    assert _org_rows(index) == _org_rows(IdentityIndex.from_store(store, BASE))
    archive.add(_org_article("o5", "HWU", set(), "Sweden"))
    assert _org_of(store, "o5") == _org_of(store, "o2") != _org_of(store, "o4")
    archive.index.close()


def test_an_index_of_the_schema_before_the_summaries_is_rebuilt(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "store")
    archive = Archive(store, IdentityIndex.open(store, BASE))
    archive.add(_org_article("o1", "Harbour Workers Union", {"HWU"}, "Norway"))
    archive.index.close()
    old = IdentityIndex.open(store, BASE)._db  # as schema 3 left it: no summaries of bodies
    for table in ("org_graphs", "org_names", "org_countries", "acronym_only"):
        old._db.execute(f"DELETE FROM {table}")
    old.set_meta("schema", "3")
    old.commit()
    index = IdentityIndex.open(store, BASE)
    assert index._db.meta("schema") == INDEX_SCHEMA != "3"
    assert _org_rows(index)["org_names"] and _org_rows(index) == _org_rows(IdentityIndex.from_store(store, BASE))


# -- persons: whether one comes as a whole is one row of counts, not a range of their mentions ------------

_PERSONS = [f"{BASE}id/person/{s}" for s in ("mira-valden", "jon-arvesen", "petra-lund")]


@pytest.mark.parametrize("seed", range(8))
def test_the_counts_of_a_person_equal_their_mentions_counted(seed: int) -> None:
    rnd = random.Random(seed)
    index = IdentityIndex(BASE)
    graphs = [f"{BASE}graph/article/p{n}" for n in range(12)]
    for _ in range(60):
        g = rnd.choice(graphs)
        index.forget(g)
        if rnd.random() < 0.75:  # else a delete
            out = _Graph(day=date(2025, 1, rnd.randint(1, 28)))
            for iri in rnd.sample(_PERSONS, rnd.randint(1, 3)):
                qids = set(rnd.sample(["Q1", "Q2"], rnd.randint(0, 1)))
                out.resources[iri] = _Seen("person", ["Mira Valden"], qids=qids)
            index._add(g, out)
        db = index._db._db
        for iri in _PERSONS:
            n, linked = db.execute("SELECT COUNT(*), COUNT(qid) FROM mentions WHERE iri=?", (iri,)).fetchone()
            assert index._db.counts(iri) == (n, linked)
            assert index._db.qids(iri) == [q for (q,) in db.execute(
                "SELECT DISTINCT qid FROM mentions WHERE iri=? AND qid IS NOT NULL ORDER BY qid", (iri,))]
    index.forget(graphs[0])
    before = index._db.counts(_PERSONS[0])
    index._db.add_mention(_PERSONS[0], graphs[0], "Q3")
    index._db.add_mention(_PERSONS[0], graphs[0], None)  # the same row replaced: counted once
    assert index._db.counts(_PERSONS[0]) == (before[0] + 1, before[1]) and "Q3" not in index._db.qids(_PERSONS[0])
