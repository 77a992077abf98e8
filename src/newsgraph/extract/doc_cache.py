"""Per-document word lists the rules scan again and again, computed once per ``Doc``.

Why: reading ``token.lemma_`` or ``token.lower_`` makes a Python string from spaCy's string store
each time, and several rules scan every sentence (and its neighbour) for a meeting or summit noun.
The lists are kept in ``doc.user_data``, so they live and die with the document.
"""

from __future__ import annotations

from spacy.tokens import Doc


def lemma_lowers(doc: Doc) -> list[str]:
    """``token.lemma_.lower()`` of every token of ``doc``, by token index."""
    got: list[str] | None = doc.user_data.get("ng_lemma_lower")
    if got is None:
        got = doc.user_data["ng_lemma_lower"] = [t.lemma_.lower() for t in doc]
    return got


def lowers(doc: Doc) -> list[str]:
    """``token.lower_`` of every token of ``doc``, by token index."""
    got: list[str] | None = doc.user_data.get("ng_lower")
    if got is None:
        got = doc.user_data["ng_lower"] = [t.lower_ for t in doc]
    return got
