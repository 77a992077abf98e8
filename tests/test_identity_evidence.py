"""An aggregate's dated evidence on disk (the identity index's ``evidence`` table) answers the
clustering's questions as the in-RAM lists do, and what is pickled of an aggregate does not grow
with the number of graphs that name the person."""

from __future__ import annotations

import pickle
import random
from datetime import date, timedelta

import pytest

from newsgraph.link.identity import _Evidence, _Mention, _Person, _StoredEvidence
from newsgraph.link.identity_index import IndexDB

ROLES = ("foreign-minister", "was:foreign-minister", "head-of-state", "~envoy")
PLACES = ("http://x/id/country/no", "http://x/id/country/se", "http://x/id/org/ngp")
NAMES = ("mira valden", "jon arvesen", "Q42", "petra lund")


def _day(rnd: random.Random) -> date | None:
    return None if rnd.random() < 0.1 else date(2010, 1, 1) + timedelta(days=rnd.randrange(6000))


def _questions(e: _Evidence, rnd: random.Random, graphs: list[str]) -> list[bool]:
    out = []
    for _ in range(300):
        day = _day(rnd)
        role, place, name = rnd.choice(ROLES), rnd.choice(PLACES), rnd.choice(NAMES)
        years = rnd.choice((1, 2, 4))
        out.append(e.near_at(role, place, day, years))
        if day is not None:
            out.append(e.within_as(role, day, years))
        out.append(e.named_near(name, rnd.choice(graphs), day, years))
        out.append(e.has_graph(rnd.choice(graphs)))
    return out


def test_stored_evidence_answers_as_the_lists_do_through_adds_and_drops() -> None:
    rnd = random.Random(5)
    ram, stored = _Evidence(), _StoredEvidence("http://x/id/person/mira-valden", IndexDB(None))
    graphs = [f"http://x/graph/article/a{i}" for i in range(40)]
    added: list[tuple[str, tuple[object, ...]]] = []
    for g in graphs:
        day = _day(rnd)
        for _ in range(rnd.randrange(3)):
            item = (rnd.choice(ROLES), rnd.choice(PLACES), day, g)
            for e in (ram, stored):
                e.add_place(*item)
            added.append(("place", item))
        if day is not None and rnd.random() < 0.7:
            item = (rnd.choice(ROLES), day, g)
            for e in (ram, stored):
                e.add_role(*item)
            added.append(("role", item))
        names = tuple(rnd.sample(NAMES, rnd.randrange(3)))
        for e in (ram, stored):
            e.add_graph(g, day, names)
        added.append(("graph", (g, day, names)))
    before = _questions(ram, random.Random(9), graphs)
    assert any(before) and not all(before)  # the questions tell cases apart
    assert _questions(stored, random.Random(9), graphs) == before
    assert {k: sorted(v, key=str) for k, v in stored.by_place.items()} == \
        {k: sorted(v, key=str) for k, v in ram.by_place.items()}
    assert stored.graphs == ram.graphs
    for kind, item in rnd.sample(added, len(added) // 2):  # taken out again, as a replaced graph is
        for e in (ram, stored):
            getattr(e, f"drop_{kind}")(*item)
    assert _questions(stored, random.Random(11), graphs) == _questions(ram, random.Random(11), graphs)
    with pytest.raises(KeyError):
        stored.drop_role("head-of-state", date(1999, 1, 1), graphs[0])  # never added: the caller rebuilds


def test_a_pickled_aggregate_does_not_grow_with_the_graphs_naming_the_person() -> None:
    db = IndexDB(None)

    def aggregate(n: int) -> bytes:
        iri = f"http://x/id/person/p{n}"
        p = _Person(f"p{n}", None, iris={iri}, fixed=True, layers=[_StoredEvidence(iri, db)])
        for i in range(n):
            m = _Mention(f"http://x/graph/article/a{n}-{i}", iri, f"p{n}", ("Mira Valden", "Minister Valden"), None,
                         frozenset({("foreign-minister", PLACES[0], None)}), date(2020, 1, 1) + timedelta(days=i))
            p.add(m, lambda g: frozenset({"jon arvesen"}), pref="Mira Valden", decide=False)
        return pickle.dumps(p, pickle.HIGHEST_PROTOCOL)

    small, large = aggregate(10), aggregate(1000)
    assert len(large) <= len(small) + 16  # counts grow, not lists
    restored = pickle.loads(large)
    restored.layers[0].db = db
    assert restored.near_at("foreign-minister", PLACES[0], date(2022, 6, 1))
    assert restored.named_near("jon arvesen", "http://x/graph/article/elsewhere", date(2021, 1, 1), 2)
    assert not restored.near_at("foreign-minister", PLACES[1], date(2022, 6, 1))
