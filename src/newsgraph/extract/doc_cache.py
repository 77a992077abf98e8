"""Per-document word lists the rules scan again and again, computed once per ``Doc``.

Why: reading ``token.lemma_``, ``token.lower_``, ``token.pos_``... makes a Python string from spaCy's string store
each time, and several rules scan every sentence (and its neighbour) for a meeting or summit noun.
The lists are kept in ``doc.user_data``, so they live and die with the document.
"""

from __future__ import annotations

from spacy.attrs import DEP, ENT_TYPE, IDX, IS_PUNCT, LEMMA, LOWER, ORTH, POS, SENT_START, TAG
from spacy.tokens import Doc, Span

#: Per attribute, the string of each id already read (a hash is a function of its string, the same in
#: every vocabulary): a dict probe instead of decoding the string store's UTF-8 anew for every word.
_SEEN: dict[int, dict[int, str]] = {}
#: Ids kept per attribute before its table is emptied (some 10 MB at most: RSS stays flat).
MAX_SEEN = 100_000


def strings_of(doc: Doc, attr: int) -> list[str]:
    """The strings of one token attribute of ``doc``, read as one array of string ids: the same
    strings as ``token.text``, ``token.lower_``... (the attributes look up the same ids), without
    making a ``Token`` object per token and attribute."""
    if not len(doc):
        return []
    ids = doc.to_array(attr).tolist()
    seen = _SEEN.get(attr)
    if seen is None or len(seen) > MAX_SEEN:
        seen = _SEEN[attr] = {}
    try:
        return [seen[h] for h in ids]
    except KeyError:  # a word not met before in this process
        strings = doc.vocab.strings
        for h in ids:
            if h not in seen:
                seen[h] = strings[h]
        return [seen[h] for h in ids]


def _kept(doc: Doc, key: str, attr: int) -> list[str]:
    """The strings of ``attr`` for every token, made once per document under ``key``."""
    got: list[str] | None = doc.user_data.get(key)
    if got is None:
        got = doc.user_data[key] = strings_of(doc, attr)
    return got


def lemma_lowers(doc: Doc) -> list[str]:
    """``token.lemma_.lower()`` of every token of ``doc``, by token index."""
    got: list[str] | None = doc.user_data.get("ng_lemma_lower")
    if got is None:
        got = doc.user_data["ng_lemma_lower"] = [w.lower() for w in strings_of(doc, LEMMA)]
    return got


def lowers(doc: Doc) -> list[str]:
    """``token.lower_`` of every token of ``doc``, by token index."""
    return _kept(doc, "ng_lower", LOWER)


def texts(doc: Doc) -> list[str]:
    """``token.text`` of every token of ``doc``, by token index."""
    return _kept(doc, "ng_text", ORTH)


def pos_tags(doc: Doc) -> list[str]:
    """``token.pos_`` of every token of ``doc``, by token index."""
    return _kept(doc, "ng_pos", POS)


def tags(doc: Doc) -> list[str]:
    """``token.tag_`` of every token of ``doc``, by token index."""
    return _kept(doc, "ng_tag", TAG)


def ent_types(doc: Doc) -> list[str]:
    """``token.ent_type_`` of every token of ``doc``, by token index."""
    return _kept(doc, "ng_ent_type", ENT_TYPE)


def deps(doc: Doc) -> list[str]:
    """``token.dep_`` of every token of ``doc``, by token index."""
    return _kept(doc, "ng_dep", DEP)


def starts(doc: Doc) -> list[int]:
    """``token.idx`` (character offset) of every token of ``doc``, by token index, read in one array
    (no ``Token`` object made per token)."""
    got: list[int] | None = doc.user_data.get("ng_idx")
    if got is None:
        got = doc.user_data["ng_idx"] = doc.to_array(IDX).tolist() if len(doc) else []
    return got


def span_text(doc: Doc, start: int, end: int) -> str:
    """``doc[start:end].text`` without making the ``Span``: the doc's text from the first token's
    offset to the end of the last token (a span's text never has its last token's trailing space).

    Why: the rules try many candidate spans (every capitalized run, up to six tokens long) against
    the gazetteer, and most are rejected; slicing the text is several times cheaper than the span."""
    if end <= start:
        return ""
    idx = starts(doc)
    return doc_text(doc)[idx[start]:idx[end - 1] + len(texts(doc)[end - 1])]


#: The ``user_data`` key of :func:`doc_text`'s string; :class:`~newsgraph.extract.Extractor` sets it
#: to the text it made the doc from (spaCy's tokenizer keeps every character: the same string).
DOC_TEXT = "ng_doc_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, kept: spaCy joins every token's text anew each time it is read."""
    got: str | None = doc.user_data.get(DOC_TEXT)
    if got is None:
        got = doc.user_data[DOC_TEXT] = doc.text
    return got


def sent_text(sent: Span) -> str:
    """``sent.text`` (any span's), sliced from the kept :func:`doc_text` instead of joined from its
    tokens: a span's text runs from its first token's offset to the end of its last token."""
    if sent.end <= sent.start:
        return ""
    return doc_text(sent.doc)[sent.start_char:sent.end_char]


def capwords(doc: Doc) -> list[bool]:
    """Is each token of ``doc`` a capitalized word that can belong to a name ("Sa’ar",
    "Kosiniak-Kamysz", "Čaputová"): a capital first, a letter somewhere, and not punctuation?"""
    got: list[bool] | None = doc.user_data.get("ng_capword")
    if got is None:
        got = doc.user_data["ng_capword"] = [t[:1].isupper() and not p and any(c.isalpha() for c in t)
                                             for t, p in zip(texts(doc), puncts(doc), strict=True)]
    return got


def puncts(doc: Doc) -> list[bool]:
    """``token.is_punct`` of every token of ``doc``, by token index, read in one array."""
    got: list[bool] | None = doc.user_data.get("ng_punct")
    if got is None:
        got = doc.user_data["ng_punct"] = [bool(p) for p in doc.to_array(IS_PUNCT).tolist()] if len(doc) else []
    return got


def sent_starts(doc: Doc) -> list[bool]:
    """Does each token of ``doc`` open a sentence (as ``bool(token.is_sent_start)``: an unknown
    boundary, ``None``, reads as no), by token index, read in one array."""
    got: list[bool] | None = doc.user_data.get("ng_sent_start")
    if got is None:
        got = doc.user_data["ng_sent_start"] = [v == 1 for v in doc.to_array(SENT_START).tolist()] if len(doc) else []
    return got
