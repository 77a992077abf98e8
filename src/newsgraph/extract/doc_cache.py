"""Per-document word lists the rules scan again and again, computed once per ``Doc``.

Why: reading ``token.lemma_``, ``token.lower_``, ``token.pos_``... makes a Python string from spaCy's string store
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


def texts(doc: Doc) -> list[str]:
    """``token.text`` of every token of ``doc``, by token index."""
    got: list[str] | None = doc.user_data.get("ng_text")
    if got is None:
        got = doc.user_data["ng_text"] = [t.text for t in doc]
    return got


def pos_tags(doc: Doc) -> list[str]:
    """``token.pos_`` of every token of ``doc``, by token index."""
    got: list[str] | None = doc.user_data.get("ng_pos")
    if got is None:
        got = doc.user_data["ng_pos"] = [t.pos_ for t in doc]
    return got


def ent_types(doc: Doc) -> list[str]:
    """``token.ent_type_`` of every token of ``doc``, by token index."""
    got: list[str] | None = doc.user_data.get("ng_ent_type")
    if got is None:
        got = doc.user_data["ng_ent_type"] = [t.ent_type_ for t in doc]
    return got


def deps(doc: Doc) -> list[str]:
    """``token.dep_`` of every token of ``doc``, by token index."""
    got: list[str] | None = doc.user_data.get("ng_dep")
    if got is None:
        got = doc.user_data["ng_dep"] = [t.dep_ for t in doc]
    return got
