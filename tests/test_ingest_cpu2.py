"""One-worker ingest CPU, second round (issue 13): the attribute ruler's matches made without spaCy's
Matcher, the doc's text kept from the input, identity's gazetteer look-ups through the process's
cache. Each changes where the CPU goes, never a result: these tests compare against spaCy's own
answers and the uncached gazetteer's.

The sentences are written here (wire-copy shapes and informal English, facts only).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import spacy
from spacy.pipeline import AttributeRuler

from newsgraph import ingest
from newsgraph.extract import DEFAULT_MODEL, Extractor, attribute_match, lemma_memo
from newsgraph.extract.doc_cache import DOC_TEXT, doc_text, sent_text
from newsgraph.facts import Article
from newsgraph.link import identity, offline
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.lookup_cache import LookupCache, cached
from newsgraph.store import GraphStore

#: Texts that reach many of the English ruler's patterns: pronouns in every case, possessives,
#: modals and their clipped forms, auxiliaries as main verbs, "there is", determiners standing
#: alone, subordinators, negations, informal spellings, and runs of white space.
TEXTS = [
    "Kenyan President William Ruto met Tanzanian President Samia Suluhu Hassan in Arusha on Tuesday. "
    "He told her that they would sign the trade deal once it was ready, and she said it could wait.",
    "I don't think we're gonna see them before Friday, y'all, and there's nothin' that can change it.",
    "That was what the minister had said: those who did the work should get the credit, not us.",
    "Mine is older than yours; theirs was sold.  Let's go.\n\nThe foreign ministers themselves did it.",
    "She ain't coming, he won't stay and you can't ask me, because it's late and I'd rather sleep.",
    "There were talks in Ankara.   Which of these is hers? This one, whose cover got torn, isn't.",
    "Our delegation has had its say; your side has not. Somebody must decide, and everyone knows it.",
    "   \n• Cyril Ramaphosa (South Africa)\n• Luiz Inácio Lula da Silva (Brazil)\n",
]


@pytest.fixture(scope="module")
def stock() -> spacy.language.Language:
    """The model as ``spacy.load`` gives it: spaCy's own Matcher in the attribute ruler."""
    return spacy.load(DEFAULT_MODEL)


def _attributes(doc: spacy.tokens.Doc) -> list[tuple[str, str, str, str, str, str]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_the_pipeline_uses_the_fast_matcher_and_annotates_as_spacy_does(
        extractor: Extractor, stock: spacy.language.Language) -> None:
    """Every token's tag, coarse tag, morphology, lemma and label are spaCy's own, and the ruler's
    matches are the Matcher's, match for match, in the same order."""
    ruler = extractor.nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler.match, attribute_match.FastAttributeMatch)
    names = extractor.nlp.pipe_names
    before = names[:names.index("attribute_ruler")]
    with extractor.nlp.select_pipes(enable=before):
        partial = list(extractor.nlp.pipe(TEXTS))
    spacy_matches = [AttributeRuler.match(ruler, doc) for doc in partial]
    assert [ruler.match(doc) for doc in partial] == spacy_matches
    assert sum(len(m) for m in spacy_matches) > 100  # the texts reach the ruler's patterns
    ours = [doc for doc in extractor.nlp.pipe(TEXTS) if "ng_error" not in doc.user_data]
    assert len(ours) == len(TEXTS)
    theirs = list(stock.pipe(TEXTS))
    assert [_attributes(d) for d in ours] == [_attributes(d) for d in theirs]


def test_fast_matcher_reads_every_pattern_form_as_the_matcher_does() -> None:
    """Sets, negated sets, regular expressions, white space, two-token patterns, several patterns
    under one rule, and patterns no first-token equality files (tried at every token)."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": {"IN": ["minister", "ministers"]}}]], {"LEMMA": "minister"})
    ruler.add([[{"LOWER": {"REGEX": "^prime"}}, {"LOWER": "minister"}]], {"LEMMA": "premier"}, index=1)
    ruler.add([[{"IS_SPACE": True}]], {"POS": "SPACE"})
    ruler.add([[{"IS_SPACE": False, "LOWER": {"NOT_IN": ["the", "a"]}, "TAG": {"IN": ["", "NN"]}}]], {"POS": "X"})
    ruler.add([[{"LOWER": "met"}], [{"LOWER": "meets"}]], {"LEMMA": "meet"})
    ruler.add([[{"LOWER": {"REGEX": "^[A-Z]"}}]], {"POS": "PROPN"})  # on lower-case text: never matches
    ruler.add([[{"LOWER": "met"}]], {"POS": "VERB"})  # a later rule on the same token
    fast = attribute_match.compile_ruler(ruler)
    assert fast is not None
    texts = ["The Prime Minister met the ministers  today.", "Prime minister meets a minister\n\nin Oslo",
             "", "minister", "prime"]
    for doc in nlp.pipe(texts):
        assert fast(doc) == AttributeRuler.match(ruler, doc)
    assert any(fast(doc) for doc in nlp.pipe(texts))


def test_a_ruler_with_patterns_it_does_not_know_keeps_spacys_matcher() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "minister", "OP": "+"}]], {"LEMMA": "minister"})
    assert attribute_match.compile_ruler(ruler) is None
    assert attribute_match.install(nlp) is False
    assert "match" not in vars(ruler)  # the class's own method: spaCy's Matcher
    assert attribute_match.install(spacy.blank("en")) is False  # no ruler at all


def test_the_kept_doc_text_is_spacys(extractor: Extractor) -> None:
    """The extractor keeps the text each doc was made from (a whole article, or a chunk of a long
    one); it is ``doc.text``, and a sentence's slice of it is ``sent.text``."""
    small = Extractor(chunk_chars=300)
    long_text = " ".join(TEXTS[:4]) + "\n\n" + " ".join(TEXTS[4:7])
    seen: list[spacy.tokens.Doc] = []
    run_batch = small._run_batch

    def keep(batch: list[spacy.tokens.Doc]) -> list[spacy.tokens.Doc]:
        out = run_batch(batch)
        seen.extend(out)
        return out

    small._run_batch = keep  # type: ignore[method-assign]
    list(small.extract_many([Article("long", long_text, published=date(2024, 6, 10)),
                             Article("short", TEXTS[7])]))
    assert len(seen) >= 3  # the long article went in chunks
    for doc in seen:
        assert doc.user_data[DOC_TEXT] == doc.text == doc_text(doc)
        for sent in doc.sents:
            assert sent_text(sent) == sent.text
        assert sent_text(doc[2:2]) == doc[2:2].text == ""
    doc = extractor.nlp.make_doc(TEXTS[1])  # a doc the extractor did not make: computed on demand
    assert DOC_TEXT not in doc.user_data
    assert doc_text(doc) == doc.text == TEXTS[1] and doc.user_data[DOC_TEXT] == TEXTS[1]


def test_identity_looks_up_the_gazetteer_through_the_process_cache(
        extractor: Extractor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Linking hands identity the cached gazetteer (the same answers, each looked up once per
    process), in one process and when the workers linked already."""
    got: list[object] = []
    resolve = identity.IdentityIndex.resolve

    def spy(self: identity.IdentityIndex, facts: object, gaz: object = None) -> None:
        got.append(gaz)
        resolve(self, facts, gaz)  # type: ignore[arg-type]

    monkeypatch.setattr(identity.IdentityIndex, "resolve", spy)
    article = Article("c2-01", TEXTS[0], "Arusha talks", published=date(2024, 6, 11))
    store = GraphStore(tmp_path / "one")
    assert ingest.run([_feed(tmp_path, [article])], store, extractor=extractor).articles == 1
    gaz = Gazetteer.load()
    assert got and all(g is cached(gaz) for g in got)
    assert isinstance(got[0], LookupCache)

    class Prelinked:  # what a pool of workers hands back: facts linked offline already
        links_offline = True

        def extract_many(self, articles: object, *, link: bool = False) -> object:
            assert link
            for facts in extractor.extract_many(articles):  # type: ignore[arg-type]
                yield offline.link(facts, gaz)  # type: ignore[arg-type]

    got.clear()
    second = Article("c2-02", TEXTS[0], "Arusha talks", published=date(2024, 6, 11))
    report = ingest.run([_feed(tmp_path, [second], "two")], GraphStore(tmp_path / "two"), extractor=Prelinked())
    assert report.articles == 1 and len(got) == 1 and got[0] is cached(gaz)


def test_the_cache_keeps_the_gazetteers_other_methods_at_hand() -> None:
    gaz = Gazetteer.load()
    cache = LookupCache(gaz)  # a fresh one (the process's is shared by the other tests)
    assert "position" not in vars(cache)
    some = next(iter(gaz.positions))
    assert cache.position(some.qid) == gaz.position(some.qid)
    assert "position" in vars(cache)  # bound once, then found directly


def _feed(folder: Path, articles: list[Article], name: str = "one") -> Path:
    import json

    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text,
                                        "published": a.published.isoformat() if a.published else None}) + "\n"
                            for a in articles), encoding="utf-8")
    return path


def test_the_lemmatizer_keeps_its_answers_and_gives_spacys_lemmas(
        extractor: Extractor, stock: spacy.language.Language) -> None:
    """Twice over the same texts (the second time from the kept answers), the lemmas are those of
    spaCy's own lemmatizer; one that is not a rule lemmatizer is left alone."""
    lemmatizer = extractor.nlp.get_pipe("lemmatizer")
    assert lemmatizer.lemmatize.__name__ == "kept"
    expected = [[t.lemma_ for t in doc] for doc in stock.pipe(TEXTS)]
    for _ in range(2):
        assert [[t.lemma_ for t in doc] for doc in extractor.nlp.pipe(TEXTS)] == expected
    looked_up = spacy.blank("en")
    looked_up.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert lemma_memo.install(looked_up) is False
    assert "lemmatize" not in vars(looked_up.get_pipe("lemmatizer")) or \
        looked_up.get_pipe("lemmatizer").lemmatize.__name__ != "kept"
    assert lemma_memo.install(spacy.blank("en")) is False


def test_kept_lemmas_are_keyed_by_word_tag_and_morphology(stock: spacy.language.Language) -> None:
    """The same word under another tag or morphology is worked out anew ("meeting" the noun and the
    verb); a token with no coarse tag is never kept."""
    calls: list[str] = []

    def lemmatize(token: spacy.tokens.Token) -> list[str]:
        calls.append(token.text)
        return [token.text.lower()]

    kept = lemma_memo.memoized(lemmatize)
    doc = stock("The meeting ended. They are meeting again. The meeting ended.")
    first = [kept(t)[0] for t in doc]
    assert [kept(t)[0] for t in doc] == first
    assert calls.count("meeting") == 2  # noun and verb, each once, whatever the repeats
    bare = spacy.blank("en")("meeting meeting")  # no tags at all: every call goes through
    kept(bare[0]), kept(bare[1])
    assert calls.count("meeting") == 4


def test_an_overlays_cache_is_not_kept_for_the_whole_run() -> None:
    """The process keeps one look-up cache per gazetteer; the online linker's overlay of one
    article (anything else that stands for a gazetteer) gets a cache that dies with it."""
    import gc
    import weakref

    from newsgraph.link import lookup_cache
    from newsgraph.link.reconcile import Overlay

    gaz = Gazetteer.load()
    assert cached(gaz) is cached(gaz)
    before = len(lookup_cache._CACHES)
    overlay = Overlay(gaz, [], [])
    cache = cached(overlay)
    assert isinstance(cache, LookupCache) and cache.gazetteer is overlay
    assert cache.persons_named("Hakan Fidan") == overlay.persons_named("Hakan Fidan")
    assert len(lookup_cache._CACHES) == before
    gone = weakref.ref(overlay)
    del overlay, cache
    gc.collect()
    assert gone() is None
