"""The CPU work of ingest (issue 13's last two targets) changes no result: the tail of the input
in small pool tasks, per-process string and look-up caches, namespace terms kept, the linker's
spelling test on difflib's upper bounds.

The sentences are written here (wire-copy shapes, facts only).
"""

from __future__ import annotations

import pickle
from concurrent.futures import Future
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from newsgraph import ingest
from newsgraph.extract import Extractor, doc_cache
from newsgraph.extract.parallel import TASK_ARTICLES, PoolExtractor, batches
from newsgraph.facts import Article, ArticleFacts, slugify
from newsgraph.link import offline
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.lookup_cache import cached
from newsgraph.store import GraphStore
from newsgraph.vocab import NG, SKOS, Namespace

TEXT = ("Kenyan President William Ruto met Tanzanian President Samia Suluhu Hassan in Arusha on Tuesday. "
        "The two leaders attended a summit of the East African Community, where they discussed trade.")


def test_pool_splits_only_the_tail_of_the_input_into_small_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole batches while the input goes on; the last batch of each worker, once the input has
    ended, in tasks of TASK_ARTICLES articles; results in input order. Nothing is started by
    building the extractor."""
    pool = PoolExtractor(2)
    assert pool._pool is None
    assert (pool.task_size, pool.task_chars, pool.in_flight) == (TASK_ARTICLES, 50_000 * TASK_ARTICLES // 16, 4)
    assert (PoolExtractor(2, batch_size=2).task_size, PoolExtractor(2, batch_size=2).task_chars) == (2, 50_000)
    sent: list[list[str]] = []

    def submit(batch: list[Article]) -> Future[list[object]]:
        sent.append([a.id for a in batch])
        done: Future[list[object]] = Future()
        done.set_result([ArticleFacts(article=Article(a.id, "")) for a in batch])
        return done

    monkeypatch.setattr(pool, "_submit", submit)
    arts = [Article(f"t-{i:02}", "word " * 10) for i in range(70)]
    got = [r.article.id for r in pool.extract_many(arts)]  # type: ignore[union-attr]
    assert got == [a.id for a in arts]  # in order, each article restored
    assert [len(t) for t in sent] == [16, 16, 16, 4, 4, 4, 4, 4, 2]  # 70 = 3 × 16 + the tail of 22
    assert [len(b) for b in batches(arts[:10], pool.task_size, pool.task_chars)] == [4, 4, 2]


def test_the_same_facts_whatever_the_batch_size(extractor: Extractor) -> None:
    """What lets the pool hand out tasks smaller than the one-process batches: spaCy's results do
    not depend on which docs share a batch."""
    arts = [Article(f"b-{i}", TEXT if i % 2 else TEXT.replace("Tuesday", "Friday"), "Summit",
                    published=date(2024, 3, 5)) for i in range(6)]
    saved = extractor.batch_size
    try:
        got = []
        for size in (16, 4, 1):
            extractor.batch_size = size
            got.append(repr(list(extractor.extract_many(arts))))
    finally:
        extractor.batch_size = saved
    assert got[0] == got[1] == got[2]
    assert "Samia Suluhu Hassan" in got[0]


def test_word_lists_read_through_the_string_table_are_the_tokens_own(extractor: Extractor,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    doc = extractor.nlp(TEXT)
    assert doc_cache.tags(doc) == [t.tag_ for t in doc]
    assert doc_cache.lowers(doc) == [t.lower_ for t in doc]
    monkeypatch.setattr(doc_cache, "MAX_SEEN", 3)  # a full table is emptied, and the strings stay right
    again = extractor.nlp(TEXT)
    assert doc_cache.texts(again) == [t.text for t in again]
    assert all(len(table) <= len(again) for table in doc_cache._SEEN.values())


def test_similar_spellings_answer_as_the_full_ratio() -> None:
    pairs = [("sissi", "sisi"), ("fuele", "fule"), ("shoigu", "shoygu"), ("ruto", "rutto"), ("hassan", "hasan"),
             ("hassan", "kenyatta"), ("abdel", "abdul"), ("mohammed", "muhammad"), ("lee", "li"),
             ("samia", "sami"), ("zelensky", "zelenskyy"), ("blinken", "blinkin"), ("abcd", "wxyz")]
    for a, b in pairs:
        full = a == b or (min(len(a), len(b)) >= 4 and SequenceMatcher(None, a, b).ratio() >= 0.8)
        assert offline._similar(a, b) is full, (a, b)
    assert offline._similar("sissi", "sisi") and not offline._similar("hassan", "kenyatta")
    assert offline._name_tokens("Abdel-Fattah el-Sisi") == ("abdel", "fattah", "sisi")


def test_linking_through_the_lookup_cache_links_as_the_gazetteer(extractor: Extractor) -> None:
    """link() asks the process's look-up cache; the facts come out as they do from the gazetteer."""
    gaz = Gazetteer.load()
    memo = cached(gaz)
    for name in ("holders", "person"):
        assert getattr(memo, name)("Q30461") == getattr(gaz, name)("Q30461")  # president of the US
    art = Article("l-1", TEXT, "Summit", published=date(2024, 3, 5))
    first = offline.link(extractor.extract(art), gaz)
    second = offline.link(extractor.extract(art), gaz)  # answered from the cache this time
    assert repr(first) == repr(second)
    assert any(e.wikidata for e in first.entities.values() if e.name == "William Ruto")


def test_namespace_terms_are_kept_and_still_terms() -> None:
    ns = Namespace("https://example.org/ns#")
    term = ns.thing
    assert term is ns.thing and term.value == "https://example.org/ns#thing" and ns["thing"] == term
    assert NG.status.value == "https://w3id.org/newsgraph/ns#status"
    assert SKOS.local(SKOS.prefLabel) == "prefLabel"  # a method is not taken for a term
    assert pickle.loads(pickle.dumps(ns)).iri == ns.iri
    with pytest.raises(AttributeError):
        ns.__wrapped__  # noqa: B018  (protocol names are not terms)


def test_slugify_kept_per_text_answers_the_same() -> None:
    assert slugify("Radosław Sikorski") == slugify("Radosław Sikorski") == "radoslaw-sikorski"
    assert slugify("") == "x"


def test_ingest_loads_the_gazetteer_only_when_an_article_comes(tmp_path: Path, extractor: Extractor,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[object] = []
    real = Gazetteer.load

    def counting(*args: object, **kwargs: object) -> Gazetteer:
        loads.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Gazetteer, "load", counting)
    empty = tmp_path / "empty"
    empty.mkdir()
    report = ingest.run([empty], GraphStore(tmp_path / "s1"), extractor=extractor)
    assert report.articles == 0 and not loads
    (tmp_path / "one.txt").write_text(TEXT, encoding="utf-8")
    report = ingest.run([tmp_path / "one.txt"], GraphStore(tmp_path / "s2"), extractor=extractor)
    assert report.articles == 1 and report.persons >= 2 and loads
