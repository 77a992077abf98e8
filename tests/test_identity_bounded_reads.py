"""What one new article makes the on-disk identity index read does not grow with how many earlier
articles share its persons' surname: a person is read as one bounded range of mention rows, and
article-local bare surnames are asked for only under the touches their skeleton has."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from identity_helpers import Archive
from identity_helpers import facts_naming as _facts
from newsgraph import ingest
from newsgraph.link import identity as identity_mod
from newsgraph.link.identity import IdentityIndex
from newsgraph.link.identity_index import IndexDB
from newsgraph.store import GraphStore

BASE = ingest.DEFAULT_BASE_URI
PERSON = f"{BASE}id/person/"


def _DiskArchive(folder: Path) -> Archive:
    """An on-disk store with the identity index kept beside it, as ``ingest.run`` opens them."""
    store = GraphStore(folder)
    return Archive(store, IdentityIndex.open(store, BASE))


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Mention rows the index reads, by person IRI (every read of ``IndexDB.mentions_of``)."""
    counts: dict[str, int] = {}
    original = IndexDB.mentions_of

    def counting(self: IndexDB, iri: str) -> list[tuple[str, str | None, bytes | None]]:
        rows = original(self, iri)
        counts[iri] = counts.get(iri, 0) + len(rows)
        return rows

    monkeypatch.setattr(IndexDB, "mentions_of", counting)
    return counts


def test_a_person_named_in_many_graphs_is_not_read_mention_by_mention(tmp_path: Path,
                                                                       rows_read: dict[str, int]) -> None:
    archive = _DiskArchive(tmp_path / "store")
    many = 4 * identity_mod.AGGREGATE_AT
    for n in range(many):
        archive.add(_facts(f"m{n}", date(2024, 3, 1 + n % 28), ("Ilse Varrendt", "Finance Minister", "Austria")))
    assert archive.index._db.counts(PERSON + "ilse-varrendt") == (many, 0)
    rows_read.clear()
    new = archive.add(_facts("m-new", date(2024, 4, 2), ("Varrendt", "Finance Minister", "Austria")))
    assert new.entities["person:0"].identity == "ilse-varrendt"  # the bare surname still joins her
    # one row of counts tells she is decided as a whole: none of her `many` mention rows is read
    assert rows_read.get(PERSON + "ilse-varrendt", 0) == 0


def test_locals_are_asked_only_under_touches_their_skeleton_has(tmp_path: Path) -> None:
    archive = _DiskArchive(tmp_path / "store")
    # two Orsolyas make a bare "Orsolya" ambiguous: each article leaves one article-local person,
    # filed under the person named with it
    archive.add(_facts("o-a", date(2024, 5, 1), ("Dalma Orsolya", "Mayor", "Hungary")))
    archive.add(_facts("o-b", date(2024, 5, 2), ("Pirkko Orsolya", "Mayor", "Finland")))
    for n in range(12):
        archive.add(_facts(f"o{n}", date(2024, 5, 3 + n), ("Orsolya", None, None), (f"Tamas Kelevnyi{n}", None, None)))
    statements: list[str] = []
    archive.index._db._db.set_trace_callback(statements.append)
    # a new article naming many people, one of whom an earlier local was named with
    crowd = [(f"Person{n} Quellmarsz{n}", None, None) for n in range(60)]
    archive.add(_facts("o-new", date(2024, 6, 1), ("Orsolya", None, None), ("Tamas Kelevnyi7", None, None), *crowd))
    archive.index._db._db.set_trace_callback(None)
    asked = [s for s in statements if s.startswith("SELECT iri FROM locals")]
    assert asked, "the local sharing a co-named person with the new article is looked up"
    # only that one touch is sent, not the sixty-odd names the article brings
    assert sum(s.count("'n:") for s in asked) == 1
