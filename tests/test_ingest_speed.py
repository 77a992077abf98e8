"""The speed work of ingest keeps every result: workers that link offline, slim results, the
gazetteer look-up cache, per-Doc word lists and the collector frozen during a run.

The articles are written here (wire-copy shapes, facts only).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pytest

from newsgraph import ingest
from newsgraph.extract import Extractor
from newsgraph.extract import parallel as par
from newsgraph.extract.doc_cache import deps, ent_types, lemma_lowers, lowers, pos_tags, texts
from newsgraph.facts import Article, ArticleFacts
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.lookup_cache import CACHED, LookupCache, cached
from newsgraph.link.offline import link
from newsgraph.store import GraphStore

ARTICLES = [
    Article("s-01", "Turkish Foreign Minister Hakan Fidan met Russian Foreign Minister Sergei Lavrov in Moscow on "
            "Monday. The two ministers discussed grain exports, a spokesman said.", "Talks",
            published=date(2024, 6, 10)),
    Article("s-02", "Polish Prime Minister Donald Tusk named Radoslaw Sikorski as foreign minister on Wednesday. "
            "Fidan congratulated Sikorski by phone.", "Cabinet", published=date(2024, 6, 12)),
]


def test_a_worker_batch_linked_offline_equals_linking_here(extractor: Extractor) -> None:
    """extract_batch(link=True) is extract, then link() without an identity index, article by article."""
    gaz = Gazetteer.load()
    here = [link(f, gaz) for f in extractor.extract_many(ARTICLES)]  # type: ignore[arg-type]
    there = par.extract_batch(ARTICLES, link=True)
    assert there == here
    linked = {e.name: e.wikidata for f in there for e in f.entities.values()}  # type: ignore[union-attr]
    assert linked["Russia"] == "Q159" and linked["Poland"] == "Q36"  # linking did run


def test_slim_results_travel_without_the_text_and_get_their_article_back(extractor: Extractor) -> None:
    slim = par.extract_batch(ARTICLES, slim=True)
    assert [r.article.text for r in slim] == ["", ""]  # type: ignore[union-attr]
    assert [r.article.id for r in slim] == ["s-01", "s-02"]  # type: ignore[union-attr]
    back = par.restore_articles(ARTICLES, slim)
    assert [r.article for r in back] == ARTICLES  # type: ignore[union-attr]
    assert back == list(extractor.extract_many(ARTICLES))
    with pytest.raises(RuntimeError, match="in the place of"):
        par.restore_articles(list(reversed(ARTICLES)), par.extract_batch(ARTICLES, slim=True))
    with pytest.raises(RuntimeError, match="2 results for 1 articles"):
        par.restore_articles(ARTICLES[:1], slim)


def test_a_link_failure_in_a_worker_is_reported_like_one_in_the_writer(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       extractor: Extractor) -> None:
    def broken(facts: ArticleFacts, gaz: object = None, identities: object = None) -> ArticleFacts:
        if facts.article.id == "s-02":
            raise KeyError("no such position")
        return link(facts, gaz)  # type: ignore[arg-type]

    monkeypatch.setattr("newsgraph.link.offline.link", broken)
    results = par.extract_batch(ARTICLES, link=True)
    assert isinstance(results[0], ArticleFacts)
    assert isinstance(results[1], par.LinkError) and results[1].article == ARTICLES[1]

    class Linking:
        """An extractor whose workers link (as the pool does), here in this process."""

        links_offline = True

        def extract_many(self, articles: Iterable[Article], *, link: bool = False) -> Iterator[object]:
            assert link  # ingest asks for it when it links offline
            return iter(par.extract_batch(list(articles), link=True))

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text,
                                        "published": a.published.isoformat()}) + "\n"  # type: ignore[union-attr]
                            for a in ARTICLES), encoding="utf-8")
    errors: list[str] = []
    pooled = ingest.run([feed], GraphStore(tmp_path / "pooled"), extractor=Linking(),  # type: ignore[arg-type]
                        on_error=errors.append)
    monkeypatch.setattr(ingest, "link", broken)
    writer_errors: list[str] = []
    here = ingest.run([feed], GraphStore(tmp_path / "here"), extractor=extractor, on_error=writer_errors.append)
    assert pooled.articles == here.articles == 1
    assert errors == writer_errors
    assert errors[0].endswith("article 's-02': could not process the article: KeyError: 'no such position'")


def test_the_lookup_cache_answers_as_the_gazetteer_does() -> None:
    gaz = Gazetteer.load()
    memo = cached(gaz)
    assert isinstance(memo, LookupCache) and cached(gaz) is memo and cached(memo) is memo  # type: ignore[arg-type]
    for text in ("Turkish", "Russia's", "U.S.", "NATO", "Moscow", "Hakan Fidan", "Fidan", "Hulu", "Congolese", "zzz"):
        for name in CACHED:
            assert getattr(memo, name)(text) == getattr(gaz, name)(text), (name, text)
            assert getattr(memo, name)(text) == getattr(gaz, name)(text), (name, text)  # from the table
    assert memo.countries == gaz.countries and memo.by_code("TR") == gaz.by_code("TR")  # the rest is handed through


def test_the_lookup_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgraph.link import lookup_cache as gazcache

    monkeypatch.setattr(gazcache, "MAX_ENTRIES", 3)
    calls: list[str] = []

    def lookup(text: str) -> str:
        calls.append(text)
        return text.upper()

    memo = gazcache._memo(lookup)
    assert [memo(t) for t in "abcab"] == list("ABCAB")
    assert calls == ["a", "b", "c"]
    assert memo("d") == "D" and memo("a") == "A"  # the table was emptied at 3 names, then refilled
    assert calls == ["a", "b", "c", "d", "a"]


def test_per_doc_word_lists_are_the_tokens_own(extractor: Extractor) -> None:
    doc = extractor.nlp(ARTICLES[0].text)
    assert texts(doc) == [t.text for t in doc]
    assert lowers(doc) == [t.lower_ for t in doc]
    assert lemma_lowers(doc) == [t.lemma_.lower() for t in doc]
    assert pos_tags(doc) == [t.pos_ for t in doc]
    assert deps(doc) == [t.dep_ for t in doc]
    assert ent_types(doc) == [t.ent_type_ for t in doc]
    assert texts(doc) is texts(doc)  # made once per Doc


def test_the_collector_is_frozen_only_during_a_run(tmp_path: Path, extractor: Extractor,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    for a in ARTICLES:
        (tmp_path / f"{a.id}.txt").write_text(a.text, encoding="utf-8")
    before = gc.get_freeze_count()
    report = ingest.run([tmp_path / "s-01.txt", tmp_path / "s-02.txt"], GraphStore(tmp_path / "s"), extractor=extractor,
                        on_article=lambda _f: seen.append(gc.get_freeze_count()))
    assert report.articles == 2
    assert seen[0] == before and seen[1] > before  # frozen after the first article
    assert gc.get_freeze_count() == before  # and given back at the end
