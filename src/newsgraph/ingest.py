"""Ingest: files in, article graphs stored — the read → extract → link → map → store run.

The store is only touched once an article's quads are complete: each article's graph is replaced
in one transaction, so a bad file, a crash or Ctrl-C never leaves half an article behind and never
removes what was stored before.

The linker is handed what the store already publishes (:class:`~newsgraph.identity.IdentityIndex`,
read with one query at the run's first article, then kept up to date as each article is stored), so
that "Fidan" in this article and "Hakan Fidan" in an earlier one are one person; an earlier article
that a new one resolves (the surname came first) has its graph rewritten in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newsgraph import mapping
from newsgraph.extract import ExtractionError, Extractor
from newsgraph.facts import Article, ArticleFacts
from newsgraph.gazetteer import Gazetteer
from newsgraph.identity import IdentityIndex, rewrite
from newsgraph.link import link
from newsgraph.reconcile import Reconciler
from newsgraph.sources import ReadError, iter_articles
from newsgraph.store import GraphStore

log = logging.getLogger(__name__)

DEFAULT_BASE_URI = "http://localhost:8080/"


@dataclass
class IngestReport:
    """What one ingest run did, for the summary line and for callers."""

    articles: int = 0
    quads: int = 0
    persons: int = 0
    posts: int = 0
    meetings: int = 0
    memberships: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.articles} articles ingested: {self.persons} persons, {self.posts} posts, "
                f"{self.meetings} meetings, {self.memberships} memberships, {self.quads} quads"
                + (f"; {len(self.errors)} problems" if self.errors else ""))


def run(paths: Iterable[Path | str], store: GraphStore, *, extractor: Extractor | None = None,
        model: str | None = None, base_uri: str = DEFAULT_BASE_URI,
        on_error: Callable[[str], None] | None = None,
        on_file: Callable[[Path], None] | None = None,
        on_article: Callable[[ArticleFacts], None] | None = None,
        reconciler: Reconciler | None = None) -> IngestReport:
    """Ingest every article under ``paths`` into ``store``; problems are reported, not raised.

    With a ``reconciler`` (``--online``), what the gazetteer leaves unlinked is looked up in Wikidata
    (:mod:`newsgraph.reconcile`); without one, linking is offline."""
    report = IngestReport()
    extractor = extractor or Extractor(model)
    gaz = Gazetteer.load()
    identities: IdentityIndex | None = None  # read from the store when the first article needs it

    def articles() -> Iterator[Article]:
        for item in iter_articles(paths, on_file=on_file):
            if isinstance(item, ReadError):
                problem(str(item))
                continue
            yield item

    def problem(message: str) -> None:
        report.errors.append(message)
        if on_error:
            on_error(message)

    for facts in extractor.extract_many(articles()):
        if isinstance(facts, ExtractionError):
            problem(str(facts))
            continue
        if identities is None:
            identities = IdentityIndex.from_store(store, base_uri)
        (reconciler.link if reconciler is not None else link)(facts, gaz, identities)
        try:
            quads = mapping.to_quads(facts, base_uri, generated_at=datetime.now(UTC))
        except ValueError as exc:  # inconsistent facts: a bug, but one article must not stop the run
            problem(f"{facts.article.source or facts.article.id}: could not map facts: {exc}")
            continue
        graph = mapping.article_graph(base_uri, facts.article.id)
        report.quads += store.replace_graph(graph, quads)
        identities.learn(graph, quads)
        for other, renames in identities.backfill(graph).items():  # earlier articles this one resolves
            rewrite(store, identities, other, renames)
        report.articles += 1
        report.persons += sum(1 for e in facts.entities.values() if e.kind == "person")
        report.posts += len(facts.posts)
        report.meetings += len(facts.meetings)
        report.memberships += len(facts.memberships)
        if on_article:
            on_article(facts)
    store.flush()
    return report


def article_graphs(store: GraphStore, article_id: str) -> list[str]:
    """The graphs holding the article with this identifier, whatever base IRI it was stored under."""
    rows = store.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> "
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a a schema:NewsArticle ; dcterms:identifier ?id } "
        "FILTER(STR(?id) = " + _literal(article_id) + ") }")
    return [row["g"].value for row in rows]  # type: ignore[union-attr, index]


def delete(store: GraphStore, article_id: str) -> bool:
    """Retract everything one article said; ``False`` if the store has no such article."""
    import pyoxigraph as ox

    graphs = article_graphs(store, article_id)
    for g in graphs:
        store.drop_graph(ox.NamedNode(g))
    return bool(graphs)


def _literal(text: str) -> str:
    import pyoxigraph as ox

    return str(ox.Literal(text))
