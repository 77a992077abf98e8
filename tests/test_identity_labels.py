"""A person's preferred label must settle: it is published in every graph naming them, so each change
rewrites all of those graphs. Spellings that fold alike, or that race in count, must not make it flip
as articles come in, and the choice must still not depend on their order.

The people are invented (the gazetteers are made here), so nothing else links them.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from identity_helpers import BASE, Archive, facts_naming
from newsgraph.facts import ArticleFacts
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.identity import IdentityIndex
from newsgraph.mapping import article_graph
from newsgraph.store import GraphStore

_GAZ = Gazetteer({
    "countries": [{"name": "Mauritania", "iso2": "MR", "qid": "Q1025"}],
    "persons": [{"qid": "Q9998801", "name": "Mohamed Salem Ould Dahane", "country": "MR", "held": [],
                 "aliases": ["Mohammed Salem Ould Dahane"]}],
})


class _Counting(GraphStore):
    """A store in memory that counts the graphs written other than the article being added."""

    def __init__(self) -> None:
        super().__init__(None)
        self.adding: str | None = None
        self.rewritten: list[str] = []

    def replace_graph(self, graph, quads):  # type: ignore[no-untyped-def]
        if graph.value != self.adding:
            self.rewritten.append(graph.value)
        return super().replace_graph(graph, quads)


def _run(articles: list[ArticleFacts], gaz: Gazetteer | None = None) -> tuple[_Counting, list[list[str]]]:
    """Ingest ``articles`` in order; the store and, after each article, the graphs it rewrote."""
    store = _Counting()
    archive = Archive(store, IdentityIndex(BASE), gaz)
    per_article = []
    for facts in articles:
        store.adding = article_graph(BASE, facts.article.id).value
        before = len(store.rewritten)
        archive.add(facts)
        per_article.append(store.rewritten[before:])
    return store, per_article


def _labels(store: GraphStore) -> set[tuple[str, str, str]]:
    """(graph, person IRI, preferred label) for every person the store holds."""
    rows = store.query("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                       "SELECT ?g ?x ?l WHERE { GRAPH ?g { ?x skos:prefLabel ?l } }")
    return {(r["g"].value, r["x"].value, r["l"].value) for r in rows}  # type: ignore[index, union-attr]


def _article(n: int, name: str, qid: str | None = None) -> ArticleFacts:
    facts = facts_naming(f"lab{n}", date(2025, 3, 1) + timedelta(days=n), (name, None, None))
    facts.entities["person:0"].wikidata = qid
    return facts


# the spellings come in turns, the plain one gaining the lead, as a mix of two agencies' copy would
_TURNS = ["Teodóra Vasić", "Teodora Vasic", "Teodóra Vasić", "Teodora Vasic", "Teodora Vasic",
          "Teodóra Vasić", "Teodora Vasic", "Teodora Vasic"]


def test_spellings_that_fold_alike_are_one_form_and_keep_their_diacritics() -> None:
    store, rewrites = _run([_article(n, name) for n, name in enumerate(_TURNS)])
    assert rewrites == [[]] * len(_TURNS)  # no article rewrote an earlier graph
    labels = _labels(store)
    assert {label for _, _, label in labels} == {"Teodóra Vasić"}
    assert len({iri for _, iri, _ in labels}) == 1
    assert len(labels) == len(_TURNS)


def test_a_linked_person_takes_the_spelling_wikidata_gives_over_the_most_used() -> None:
    names = ["Mohammed Salem Ould Dahane", "Mohamed Salem Ould Dahane", "Mohammed Salem Ould Dahane",
             "Mohammed Salem Ould Dahane", "Mohamed Salem Ould Dahane", "Mohammed Salem Ould Dahane"]
    store, rewrites = _run([_article(n, name, "Q9998801") for n, name in enumerate(names)], _GAZ)
    # the first article's only spelling is its label until Wikidata's own comes: one rewrite, then none
    assert [len(r) for r in rewrites] == [0, 1, 0, 0, 0, 0]
    assert {label for _, _, label in _labels(store)} == {"Mohamed Salem Ould Dahane"}


@pytest.mark.parametrize("gaz", [None, _GAZ])
def test_labels_do_not_depend_on_the_order_articles_come_in(gaz: Gazetteer | None) -> None:
    qid = "Q9998801" if gaz else None
    names = [*_TURNS, "Mohammed Salem Ould Dahane", "Mohamed Salem Ould Dahane", "Mohammed Salem Ould Dahane"]
    articles = [_article(n, name, qid if "Dahane" in name else None) for n, name in enumerate(names)]
    forward, _ = _run(articles)
    backward, _ = _run(list(reversed([_article(n, name, qid if "Dahane" in name else None)
                                      for n, name in enumerate(names)])))
    assert _labels(forward) == _labels(backward)
