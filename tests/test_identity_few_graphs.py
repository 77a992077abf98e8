"""An unlinked person published in fewer than AGGREGATE_AT graphs is decided whole (one summary, see
``identity._Few``) when nothing in the run relates to their full name, instead of re-clustering their
mentions one by one: that keeps identity's cost per article flat where many namesakes and
surname-sharers each appear in a few graphs. It must decide exactly what deciding every mention
again decided: each archive below is ingested twice, with ``IdentityIndex.DECIDE_WHOLE`` on and off,
and the two stores must hold the same quads (the run's timestamp aside), while the first did decide
persons whole. The names are invented (the gazetteer links none of them).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from identity_helpers import Archive, facts_naming
from newsgraph import ingest
from newsgraph.facts import ArticleFacts
from newsgraph.link import identity
from newsgraph.link.identity import IdentityIndex
from newsgraph.mapping import article_graph
from newsgraph.store import GraphStore
from newsgraph.vocab import PROV

BASE = ingest.DEFAULT_BASE_URI
RUN_TIME = PROV.endedAtTime.value  # the time of the run, which differs between two ingests

GIVEN = ["Mira", "Jon", "Petra", "Anders", "Sofie", "Tomas", "Ingrid", "Leif"]
SURNAMES = ["Halvorsen", "Lindqvist", "Okafor"]
COUNTRIES = ["Norway", "Sweden", "Denmark"]
ROLES = ["foreign minister", "finance minister", "ambassador"]


@dataclass(frozen=True)
class Who:
    """A person as one article names them."""

    name: str
    role: str | None = None
    country: str | None = None
    qid: str | None = None


def _facts(aid: str, day: date, people: list[Who]) -> ArticleFacts:
    facts = facts_naming(aid, day, *((w.name, w.role, w.country) for w in people))
    for n, who in enumerate(people):
        facts.entities[f"person:{n}"].wikidata = who.qid
    return facts


Step = tuple[str, str, date, list[Who]]  # ("add" or "delete", article id, date, people)


def _replay(steps: list[Step], whole: bool, monkeypatch: pytest.MonkeyPatch, folder: Path | None = None,
            runs: int = 1) -> tuple[list[list[str]], int]:
    """The store's quads (sorted N-Quads lines, the run's timestamp left out) after each of ``steps``
    (a later step may undo what an earlier one decided), and the number of persons decided whole on
    the way; with ``folder``, the store and its index are on disk
    and the steps are ingested in ``runs`` runs (the index closed and opened again between them, so
    that what a run kept in RAM is made again from the index)."""
    decided = [0]
    real = identity._Clusterer._whole

    def counted(self: identity._Clusterer) -> list[identity._Few]:
        out = real(self)
        decided[0] += len(out)
        return out

    store = GraphStore(folder)
    index = IdentityIndex.open(store, BASE) if folder is not None else IdentityIndex(BASE)
    index.DECIDE_WHOLE = whole
    archive = Archive(store, index)
    out = []
    with monkeypatch.context() as m:
        m.setattr(identity._Clusterer, "_whole", counted)
        for n, (what, aid, day, people) in enumerate(steps):
            if folder is not None and n and n % (len(steps) // runs + 1) == 0:  # the next ingest run
                index.close()
                index = archive.index = IdentityIndex.open(store, BASE)
                index.DECIDE_WHOLE = whole
            if what == "add":
                archive.add(_facts(aid, day, people))
            else:
                graph = article_graph(BASE, aid)
                store.drop_graph(graph)
                index.forget(graph.value)
            out.append(sorted(f"{q.subject} {q.predicate} {q.object} {q.graph_name}"
                              for q in store.raw.quads_for_pattern(None, None, None, None)
                              if q.predicate.value != RUN_TIME))
    return out, decided[0]


def _same_both_ways(steps: list[Step], monkeypatch: pytest.MonkeyPatch, folder: Path | None = None,
                    runs: int = 1) -> list[str]:
    new, whole = _replay(steps, True, monkeypatch, folder / "new" if folder else None, runs)
    old, none = _replay(steps, False, monkeypatch, folder / "old" if folder else None, runs)
    assert none == 0 and whole > 0  # the comparison is between the two paths
    for step, (mine, theirs) in enumerate(zip(new, old, strict=True)):
        assert mine == theirs, f"after step {step} ({steps[step][0]} {steps[step][1]})"
    return new[-1]


def _base() -> list[Step]:
    """Surname-sharers in two or three graphs each, dated a few months apart."""
    steps: list[Step] = []
    day = date(2023, 1, 10)
    people = [Who("Mira Halvorsen", "foreign minister", "Norway"), Who("Jon Halvorsen"), Who("Petra Halvorsen"),
              Who("Anders Halvorsen", "ambassador", "Sweden"), Who("Sofie Lindqvist"), Who("Tomas Halvorsen")]
    for n in range(9):
        day += timedelta(days=40)
        steps.append(("add", f"b{n}", day, [people[n % len(people)], people[(n + 2) % len(people)]]))
    return steps


def _iri_of(quads: list[str], aid: str, name: str) -> set[str]:
    graph = f"<{article_graph(BASE, aid).value}>"
    return {q.split(" ")[0] for q in quads if q.endswith(graph) and f'"{name}"' in q and "/id/person/" in q}


@pytest.mark.parametrize("day", [date(2022, 12, 1), date(2023, 6, 15), date(2024, 6, 1)])
@pytest.mark.parametrize("post", [(None, None), ("foreign minister", "Norway"), ("finance minister", "Denmark")])
def test_an_article_with_the_exact_full_name(day: date, post: tuple[str | None, str | None],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # before, among or after the person's other graphs in the clustering's order; with a post in
    # another country, a namesake
    steps = [*_base(), ("add", "x1", day, [Who("Mira Halvorsen", *post), Who("Leif Okafor")]),
             ("add", "x2", day + timedelta(days=1), [Who("Mira Halvorsen", *post)])]
    quads = _same_both_ways(steps, monkeypatch)
    if post[1] != "Denmark":
        assert _iri_of(quads, "x1", "Mira Halvorsen") == _iri_of(quads, "b0", "Mira Halvorsen") != set()
    else:
        assert _iri_of(quads, "x2", "Mira Halvorsen") == _iri_of(quads, "x1", "Mira Halvorsen") \
            != _iri_of(quads, "b0", "Mira Halvorsen")


@pytest.mark.parametrize("name", ["Mira Halvorson", "Mira Karin Halvorsen"])
def test_a_linked_variant_or_part_of_the_name(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the same post at about the same time: the unlinked mentions join the linked person
    steps = [*_base(), ("add", "x1", date(2023, 6, 1), [Who(name, "foreign minister", "Norway", "Q99000002")])]
    quads = _same_both_ways(steps, monkeypatch)
    assert _iri_of(quads, "b0", "Mira Halvorsen") == _iri_of(quads, "x1", name) != set()


@pytest.mark.parametrize("name", ["Mira Halvorson", "Mira Karin Halvorsen"])
def test_an_unlinked_variant_or_part_of_the_name(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = [*_base(), ("add", "x1", date(2023, 9, 1), [Who(name, "foreign minister", "Norway"), Who("Leif Okafor")])]
    _same_both_ways(steps, monkeypatch)


@pytest.mark.parametrize("role", ["foreign minister", "ambassador", "finance minister"])
def test_a_bare_surname_that_one_of_them_fits_by_post(role: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Mira Halvorsen was Norway's foreign minister and Anders Halvorsen Sweden's ambassador in 2023
    country = "Sweden" if role == "ambassador" else "Norway"
    steps = [*_base(), ("add", "x1", date(2023, 9, 1), [Who("Halvorsen", role, country), Who("Leif Okafor")])]
    quads = _same_both_ways(steps, monkeypatch)
    joined = _iri_of(quads, "x1", "Halvorsen")
    if role == "foreign minister":
        assert joined == _iri_of(quads, "b0", "Mira Halvorsen") != set()
    elif role == "ambassador":
        assert joined == _iri_of(quads, "b3", "Anders Halvorsen") != set()
    else:
        assert joined and all("--in-" in iri for iri in joined)


def test_a_newly_linked_namesake(monkeypatch: pytest.MonkeyPatch) -> None:
    steps = [*_base(), ("add", "x1", date(2024, 6, 1), [Who("Jon Halvorsen", qid="Q99000001"), Who("Leif Okafor")]),
             ("add", "x2", date(2024, 7, 1), [Who("Petra Halvorsen"), Who("Halvorsen", "ambassador", "Sweden")])]
    quads = _same_both_ways(steps, monkeypatch)
    assert _iri_of(quads, "x1", "Jon Halvorsen") == _iri_of(quads, "b1", "Jon Halvorsen") != set()


def test_a_namesake_in_another_country(monkeypatch: pytest.MonkeyPatch) -> None:
    steps = [*_base(), ("add", "x1", date(2024, 6, 1), [Who("Anders Halvorsen", "finance minister", "Denmark")]),
             ("add", "x2", date(2024, 6, 9), [Who("Tomas Halvorsen"), Who("Sofie Lindqvist")])]
    _same_both_ways(steps, monkeypatch)


def test_delete_and_reingest(monkeypatch: pytest.MonkeyPatch) -> None:
    steps = [*_base(),
             ("delete", "b3", date(2023, 1, 1), []),
             ("add", "x1", date(2024, 6, 1), [Who("Tomas Halvorsen"), Who("Leif Okafor")]),
             # b0 again, naming someone else: Mira Halvorsen loses a graph, Petra Lindqvist is new
             ("add", "b0", date(2023, 2, 19), [Who("Petra Lindqvist"), Who("Petra Halvorsen")]),
             ("add", "x2", date(2024, 7, 1), [Who("Mira Halvorsen"), Who("Lindqvist", "ambassador", "Sweden")]),
             ("add", "b3", date(2023, 5, 10), [Who("Anders Halvorsen", "ambassador", "Sweden")])]
    _same_both_ways(steps, monkeypatch)


def _generated(seed: int) -> Iterator[Step]:
    """A random archive: 60 articles naming one to three of 16 people sharing three surnames (each in a
    few graphs), written in full, in another spelling, with a middle name, linked to Wikidata, or as a
    bare surname with a post; with deletes and re-ingests among them."""
    rnd = random.Random(seed)
    people = [Who(f"{g} {s}") for g, s in zip(rnd.sample(GIVEN * 3, 16), SURNAMES * 6, strict=False)]
    spelt = {"Halvorsen": "Halvorson", "Lindqvist": "Lindquist", "Okafor": "Okafour"}
    published: dict[str, tuple[date, list[Who]]] = {}
    for n in range(60):
        if published and rnd.random() < 0.08:
            aid = rnd.choice(sorted(published))
            if rnd.random() < 0.5:
                del published[aid]
                yield ("delete", aid, date(2020, 1, 1), [])
                continue
            day = published[aid][0]  # re-ingested, maybe with other people
        else:
            aid, day = f"g{n}", date(2018, 1, 1) + timedelta(days=rnd.randrange(6 * 365))
        named = []
        for who in rnd.sample(people, rnd.randint(1, 3)):
            given, surname = who.name.split()
            role = rnd.choice(ROLES) if rnd.random() < 0.5 else None
            country = rnd.choice(COUNTRIES) if role else None
            r = rnd.random()
            if r < 0.08:
                who = Who(f"{given} {spelt[surname]}", role, country)
            elif r < 0.14:
                who = Who(f"{given} Karin {surname}", role, country)
            elif r < 0.2:
                who = Who(who.name, role, country, qid=f"Q9900{SURNAMES.index(surname)}{GIVEN.index(given)}")
            elif r < 0.3:
                who = Who(surname, rnd.choice(ROLES), rnd.choice(COUNTRIES))
            else:
                who = Who(who.name, role, country)
            named.append(who)
        named = list({w.name: w for w in named}.values())  # one entity per name in an article
        published[aid] = (day, named)
        yield ("add", aid, day, named)


@pytest.mark.parametrize("seed", range(6))
def test_generated_archives_decide_as_mention_by_mention(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_both_ways(list(_generated(seed)), monkeypatch)


def test_generated_archive_on_disk_in_several_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    quads = _same_both_ways(list(_generated(11)), monkeypatch, tmp_path, runs=4)
    assert quads == _replay(list(_generated(11)), True, monkeypatch)[0][-1]  # as in one run in memory
