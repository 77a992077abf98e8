"""Long texts go through the extractor in bounded chunks, with offsets into the full text kept.

The splitter cuts at paragraphs, else sentences, else spaces; the extractor merges the facts of
the chunks (entities by key); evidence offsets still slice the quote from the full text. The
5 MB case is a benchmark (``bench/bench_long_article.py``), not a test.
"""

from __future__ import annotations

import pytest

from newsgraph.extract import Extractor
from newsgraph.extract.chunks import split_text
from newsgraph.facts import Article

# Our own sentences; the names are public facts.
PARAGRAPHS = [
    "Turkish Foreign Minister Hakan Fidan met Russian Foreign Minister Sergei Lavrov in Ankara on Monday "
    "to discuss grain exports. Fidan said the talks had been useful.",
    "Officials said the talks would continue at a lower level over the coming weeks. Neither side "
    "released a joint statement after the session.",
    "Polish Prime Minister Donald Tusk spoke by phone with German Chancellor Olaf Scholz on Tuesday about "
    "border controls, a government spokesperson said.",
]


def long_text(chars: int) -> str:
    """Paragraphs of the three above, repeated, separated by blank lines, to about ``chars``."""
    out: list[str] = []
    size = 0
    n = 0
    while size < chars:
        para = PARAGRAPHS[n % len(PARAGRAPHS)]
        out.append(para)
        size += len(para) + 2
        n += 1
    return "\n\n".join(out)


@pytest.mark.parametrize("max_chars", [50, 1000, 20_000])
def test_pieces_cover_the_text_in_order_and_respect_the_bound(max_chars: int) -> None:
    text = long_text(60_000)
    pieces = split_text(text, max_chars)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= max_chars for _, p in pieces)
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]


def test_a_piece_ends_at_a_paragraph_break_when_there_is_one() -> None:
    text = long_text(60_000)
    pieces = split_text(text, 20_000)
    assert len(pieces) >= 3
    assert all(p.endswith("\n\n") for _, p in pieces[:-1])


def test_without_paragraphs_a_piece_ends_after_a_sentence_then_a_space_then_anywhere() -> None:
    sentences = "One sentence here. " * 200
    assert all(p.endswith(". ") for _, p in split_text(sentences, 1000)[:-1])
    words = "word " * 1000
    assert all(p.endswith(" ") for _, p in split_text(words, 999)[:-1])
    blob = "x" * 2500
    assert [len(p) for _, p in split_text(blob, 1000)] == [1000, 1000, 500]


def test_a_short_text_is_one_piece() -> None:
    assert split_text("Short.", 20_000) == [(0, "Short.")]
    assert split_text("", 20_000) == [(0, "")]


def test_a_long_article_is_extracted_in_chunks_with_offsets_into_the_full_text(extractor: Extractor) -> None:
    text = long_text(70_000)
    assert len(split_text(text, extractor.chunk_chars)) >= 4
    facts = extractor.extract(Article(id="long", text=text))
    fidan = facts.entities["person:hakan-fidan"]
    assert fidan.name == "Hakan Fidan"
    assert max(s for s, _ in fidan.mentions) > 60_000  # mentions from the last chunk, shifted
    assert all(text[s:e] in ("Hakan Fidan", "Fidan") for s, e in fidan.mentions)
    evidence = [c.evidence for c in facts.posts] + [m.evidence for m in facts.meetings] \
        + [m.evidence for m in facts.memberships]
    assert all(text[ev.start:ev.end] == ev.quote for ev in evidence)
    assert max(ev.start for ev in evidence) > 60_000
    # one post claim per holder, role and status, however many chunks repeat it
    keys = [(c.holder, c.role.lower(), c.status) for c in facts.posts]
    assert len(keys) == len(set(keys)) and ("person:hakan-fidan", "foreign minister", "current") in {
        (h, r, str(s)) for h, r, s in keys}
    # a meeting retold in one chunk with the same people, place and day is one event (extract.meetings
    # merges retellings); chunks are not merged with each other, so one meeting per chunk that tells it
    told = [m for m in facts.meetings if {"person:hakan-fidan", "person:sergei-lavrov"} <= set(m.participants)]
    chunks = split_text(text, extractor.chunk_chars)
    assert len(told) == sum(1 for _, chunk in chunks if "Hakan Fidan met" in chunk)
    assert all(text[m.evidence.start:m.evidence.end].startswith("Turkish Foreign Minister Hakan Fidan met")
               for m in told)


def test_chunks_at_paragraphs_give_the_facts_of_the_whole_text(extractor: Extractor) -> None:
    """Paragraphs that are self-contained give the same facts, with the same offsets, whether the
    text goes through whole or one paragraph per chunk."""
    text = "\n\n".join(PARAGRAPHS)
    whole = extractor.extract(Article(id="short", text=text))
    chunked = Extractor.__new__(Extractor)  # the same loaded pipeline, a smaller chunk size
    chunked.__dict__.update(extractor.__dict__)
    chunked.chunk_chars = max(len(p) for p in PARAGRAPHS) + 2
    assert len(split_text(text, chunked.chunk_chars)) == len(PARAGRAPHS)
    parts = chunked.extract(Article(id="short", text=text))

    def people(facts):  # type: ignore[no-untyped-def]
        return {k: (e.name, sorted(e.mentions)) for k, e in facts.entities.items() if k.startswith("person:")}

    assert people(parts) == people(whole)
    def claims(facts):  # type: ignore[no-untyped-def]
        return ([(c.holder, c.role, c.evidence) for c in facts.posts],
                [(m.participants, m.evidence) for m in facts.meetings])

    assert claims(parts) == claims(whole)


FILLER = ("Officials said the talks would continue at a lower level over the coming weeks, and neither "
          "side released a joint statement after the session ended late in the evening.")


def test_a_bare_surname_in_a_later_chunk_joins_the_one_full_name_before_it(extractor: Extractor) -> None:
    head = ("Turkish Foreign Minister Hakan Fidan met Russian Foreign Minister Sergei Lavrov in Ankara on "
            "Monday to discuss grain exports.")
    tail = "Fidan told reporters in Ankara that the corridor would stay open."
    text = "\n\n".join([head, *[FILLER] * 150, tail])
    assert len(split_text(text, extractor.chunk_chars)) >= 2
    facts = extractor.extract(Article(id="long", text=text))
    assert "person:fidan" not in facts.entities
    fidan = facts.entities["person:hakan-fidan"]
    assert "Fidan" in fidan.aliases
    assert (text.rindex("Fidan told"), text.rindex("Fidan told") + len("Fidan")) in fidan.mentions


def test_a_bare_surname_shared_by_two_earlier_people_joins_neither(extractor: Extractor) -> None:
    head = ("Turkish Foreign Minister Hakan Fidan met Russian Foreign Minister Sergei Lavrov in Ankara on "
            "Monday. Turkish businessman Ali Fidan attended the dinner.")
    tail = "Fidan told reporters in Ankara that the corridor would stay open."
    text = "\n\n".join([head, *[FILLER] * 150, tail])
    facts = extractor.extract(Article(id="long", text=text))
    names = {e.name for e in facts.entities.values() if e.kind == "person"}
    assert {"Hakan Fidan", "Ali Fidan"} <= names
    assert "person:fidan" in facts.entities  # ambiguous: left alone rather than given to the wrong one
