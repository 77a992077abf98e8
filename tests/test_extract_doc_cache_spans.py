"""The per-Doc lists and span texts the entity rules read instead of ``Token``/``Span`` objects
answer exactly as spaCy's own attributes do (the rules' output must not move by a byte).

The sentences are written here (wire-copy shapes, with punctuation, quotes, hyphens, possessives,
brackets and double spaces, where a text slice could go wrong).
"""

from __future__ import annotations

from newsgraph.extract import Extractor
from newsgraph.extract.doc_cache import capwords, doc_text, puncts, sent_starts, span_text, starts
from newsgraph.extract.entities import _capword

TEXT = ("Czech Prime Minister Petr Fiala met the head of the World Health Organisation (WHO)  in Geneva on "
        "Monday. \"We agreed,\" Fiala's spokesman said - and Kosiniak-Kamysz’s aide, Čaputová, nodded.\n\n"
        "Later the Shanghai Cooperation Organisation's summit opened.")


def test_span_texts_and_flags_are_the_tokens_own(extractor: Extractor) -> None:
    doc = extractor.nlp(TEXT)
    n = len(doc)
    assert starts(doc) == [t.idx for t in doc] and doc_text(doc) == doc.text == TEXT
    assert puncts(doc) == [t.is_punct for t in doc]
    assert capwords(doc) == [_capword(t) for t in doc]
    assert sent_starts(doc) == [bool(t.is_sent_start) for t in doc] and sum(sent_starts(doc)) >= 3
    assert any(capwords(doc)) and any(puncts(doc))  # the text has both, so the lists are not trivially equal
    for a in range(n):
        for b in range(a + 1, min(n, a + 7) + 1):
            assert span_text(doc, a, b) == doc[a:b].text, (a, b)
    assert span_text(doc, 3, 3) == "" and span_text(doc, 4, 2) == ""
    assert starts(doc) is starts(doc) and capwords(doc) is capwords(doc)  # made once per Doc


def test_an_empty_doc_has_empty_lists(extractor: Extractor) -> None:
    doc = extractor.nlp("")
    assert starts(doc) == [] and puncts(doc) == [] and capwords(doc) == [] and sent_starts(doc) == []
