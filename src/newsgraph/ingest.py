"""Ingest: files in, article graphs stored — the read → extract → link → map → store run.

The store is only touched once an article's quads are complete: each article's graph is replaced
in one transaction, so a bad file, a crash or Ctrl-C never leaves half an article behind and never
removes what was stored before. An article's graph is named by its id (one id, one IRI: see
:func:`~newsgraph.mapping.article_key`), and the store refuses to replace a graph that holds any
other article, so no input can overwrite an article it is not.

The linker is handed what the store already publishes (:class:`~newsgraph.link.identity.IdentityIndex`,
kept on disk beside the store and opened at the run's first article — rebuilt from the store first
if it does not match it — then kept up to date as each article is stored), so
that "Fidan" in this article and "Hakan Fidan" in an earlier one are one person; an earlier article
that a new one resolves (the surname came first) has its graph rewritten in one transaction.
"""

from __future__ import annotations

import gc
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from newsgraph import mapping
from newsgraph.extract import ExtractionError, Extractor
from newsgraph.extract.parallel import ExtractsArticles, LinkError
from newsgraph.facts import Article, ArticleFacts
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.identity import IdentityIndex, rewrite
from newsgraph.link.lookup_cache import cached
from newsgraph.link.offline import link
from newsgraph.link.reconcile import Reconciler
from newsgraph.sources import MAX_ARTICLE_BYTES, ReadError, Skipped, iter_articles
from newsgraph.store import ArticleClash, GraphStore

log = logging.getLogger(__name__)

DEFAULT_BASE_URI = "http://localhost:8080/"


@dataclass
class IngestReport:
    """What one ingest run did, for the summary line and for callers.

    The counts are of what was stored: an article refused by the store guard is not counted, and
    neither is a fact the mapper dropped. ``errors`` are problems (the CLI exits 1), ``warnings``
    are facts dropped from articles that were stored, ``skipped`` files of an unsupported type
    inside folders; all three were reported one line each as they happened.
    """

    articles: int = 0
    quads: int = 0
    persons: int = 0
    posts: int = 0
    meetings: int = 0
    memberships: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        extra = [_count(len(self.errors), "problem"), _count(len(self.warnings), "dropped fact"),
                 f"{len(self.skipped)} skipped" if self.skipped else ""]
        return (f"{_count(self.articles, 'article', True)} ingested: {_count(self.persons, 'person', True)}, "
                f"{_count(self.posts, 'post', True)}, {_count(self.meetings, 'meeting', True)}, "
                f"{_count(self.memberships, 'membership', True)}, {_count(self.quads, 'quad', True)}"
                + "".join(f"; {e}" for e in extra if e))


def _count(n: int, noun: str, zero: bool = False) -> str:
    """``1 problem``, ``2 problems``; empty for 0 unless ``zero``."""
    if n == 0 and not zero:
        return ""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def run(paths: Iterable[Path | str], store: GraphStore, *, extractor: ExtractsArticles | None = None,
        model: str | None = None, base_uri: str = DEFAULT_BASE_URI,
        on_error: Callable[[str], None] | None = None,
        on_file: Callable[[Path], None] | None = None,
        on_article: Callable[[ArticleFacts], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
        max_article_bytes: int = MAX_ARTICLE_BYTES,
        reconciler: Reconciler | None = None, published: date | None = None) -> IngestReport:
    """Ingest every article under ``paths`` into ``store``; problems are reported, not raised.

    ``on_error`` gets one line per problem (an input that could not be read or an article not
    stored), ``on_warning`` one line per dropped fact and per skipped file (``on_error`` when not
    given). An article is stored with :meth:`~newsgraph.store.GraphStore.replace_article`, which
    refuses to replace a different article. With a ``reconciler`` (``--online``), what the gazetteer
    leaves unlinked is looked up in Wikidata (:mod:`newsgraph.link.reconcile`); without one, linking is
    offline. ``published`` dates the articles that carry no date of their own (``--published``).
    ``extractor`` may run elsewhere (:class:`~newsgraph.extract.parallel.PoolExtractor`,
    :class:`~newsgraph.distributed.ClusterExtractor`): it hands back facts in article order, and this
    loop stays the one writer, so the quads do not depend on where extraction ran.
    """
    report = IngestReport()
    extractor = extractor or Extractor(model)
    # Both loaded when the first article's facts arrive, not before: with worker processes, the
    # workers are then already extracting while this process reads the gazetteer and the index.
    gaz: Gazetteer | None = None
    identities: IdentityIndex | None = None  # read from the store when the first article needs it
    prefix = mapping.article_graph(base_uri, "x").value.rsplit("/", 1)[0] + "/"
    warn = on_warning or on_error

    def articles() -> Iterator[Article]:
        for item in iter_articles(paths, on_file=on_file, max_bytes=max_article_bytes, notices=True,
                                  published=published):
            if isinstance(item, Skipped):
                report.skipped.append(str(item))
                if warn:
                    warn(str(item))
            elif isinstance(item, ReadError):
                problem(str(item))
            else:
                yield item

    def problem(message: str) -> None:
        report.errors.append(message)
        if on_error:
            on_error(message)

    # Offline linking depends on no other article: a pool of workers does it beside extraction, and
    # this loop (the one writer, in article order) is left what needs the archive: identity, map, store.
    pre_linked = reconciler is None and getattr(extractor, "links_offline", False)
    stream = extractor.extract_many(articles(), link=True) if pre_linked else extractor.extract_many(articles())  # type: ignore[call-arg]
    frozen = False
    try:
        for facts in stream:
            if isinstance(facts, LinkError):  # raised by link() in the worker: reported as it is here
                problem(f"{_where(facts.article)}: could not process the article: {facts.reason}")
                continue
            if isinstance(facts, ExtractionError):
                problem(str(facts))
                continue
            if gaz is None:
                gaz = Gazetteer.load()
            if identities is None:
                identities = IdentityIndex.open(store, base_uri)
            if not _store_one(facts, store, gaz, identities, reconciler, pre_linked, base_uri, prefix, report,
                              problem, warn):
                continue
            if on_article:
                on_article(facts)
            if not frozen:
                # What is alive after the first article (the model, the gazetteer and its indexes,
                # the store) lives for the whole run: out of the collector's sight, a full
                # collection costs what one article's garbage costs, not a walk over millions of objects.
                gc.freeze()
                frozen = True
    finally:
        if frozen:
            gc.unfreeze()
    if identities is not None:
        identities.close()
    store.flush()
    return report


def _store_one(facts: ArticleFacts, store: GraphStore, gaz: Gazetteer, identities: IdentityIndex,
               reconciler: Reconciler | None, pre_linked: bool, base_uri: str, prefix: str, report: IngestReport,
               problem: Callable[[str], None], warn: Callable[[str], None] | None) -> bool:
    """Link (or, when the workers linked offline, resolve identities), map and store one article;
    ``False`` (the problem reported) when it could not be stored."""
    where = _where(facts.article)
    dropped: list[mapping.DroppedFact] = []
    try:
        if pre_linked:
            identities.resolve(facts, cached(gaz))  # what link() does last, with the archive
        else:
            (reconciler.link if reconciler is not None else link)(facts, gaz, identities)
        quads = mapping.to_quads(facts, base_uri, generated_at=datetime.now(UTC), on_problem=dropped.append)
    except Exception as exc:  # a bug on one odd article must not stop a run over millions of files
        log.debug("could not process %s", where, exc_info=True)
        problem(f"{where}: could not process the article: {type(exc).__name__}: {exc}")
        return False
    graph = mapping.article_graph(base_uri, facts.article.id)
    try:
        count, superseded = store.replace_article(graph, facts.article.id, quads, supersede_prefix=prefix)
    except ArticleClash as exc:
        problem(f"{where}: {exc}")
        return False
    for d in dropped:
        message = f"{where}: warning: {d}"
        report.warnings.append(message)
        if warn:
            warn(message)
    gone = Counter(d.kind for d in dropped)
    report.quads += count
    for old in superseded:  # the same article under an IRI of an older naming scheme
        identities.forget(old)
    identities.learn(graph, quads)
    for other, renames in identities.backfill(graph).items():  # earlier articles this one resolves
        rewrite(store, identities, other, renames)
    report.articles += 1
    report.persons += sum(1 for e in facts.entities.values() if e.kind == "person")
    report.posts += len(facts.posts) - gone.get("post", 0)
    report.meetings += len(facts.meetings) - gone.get("meeting", 0)
    report.memberships += len(facts.memberships) - gone.get("membership", 0)
    return True


def _where(article: Article) -> str:
    """The file an article came from, and its id when the file holds others (a JSON Lines feed)."""
    if article.source is None:
        return repr(article.id)
    if Path(article.source).stem == article.id:
        return article.source
    return f"{article.source}: article {article.id!r}"


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
    index = IdentityIndex.existing(store) if graphs else None  # taken while it still matches the store
    for g in graphs:
        store.drop_graph(ox.NamedNode(g))
    if index is not None:
        index.dropped(graphs)
    return bool(graphs)


def _literal(text: str) -> str:
    import pyoxigraph as ox

    return str(ox.Literal(text))
