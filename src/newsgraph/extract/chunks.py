"""Long texts in bounded pieces: split at paragraphs (else sentences), extract each, merge the facts.

Why: spaCy refuses a text over ``nlp.max_length`` (1,000,000 characters), and below that its
memory and our components' time grow faster than the text (a 950 KB article took 3.1 GB and
200 s). A news article is a few thousand characters, so splitting a long one into chunks of at
most :data:`CHUNK_CHARS` costs nothing for the genre and makes memory a function of the chunk,
not of the article.

Offsets stay those of the full text: each chunk's facts are shifted by the chunk's start before
they are merged, so ``article.text[ev.start:ev.end] == ev.quote`` still holds. Entities are merged
by key (the extractor's keys are ``kind:slug(name)``, the same in every chunk); post claims and
memberships are de-duplicated on the same keys the extractors use within one text; meetings are
kept as found. A bare surname in one chunk joins the one person of an earlier chunk whose full
name ends with it, as it would have within one text (:func:`_join_surnames`); what a split can
still cost is a pronoun whose person was named only in an earlier chunk.
"""

from __future__ import annotations

import re
from dataclasses import replace

from newsgraph.extract.entities import fold
from newsgraph.facts import Article, ArticleFacts, Entity, Evidence, Kind

#: Largest piece of text the pipeline sees at once: about 3,000 words, more than almost every
#: news story (which then goes through whole, exactly as before chunking existed).
CHUNK_CHARS = 20_000

_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SENTENCE = re.compile(r"""(?<=[.!?])["'”’»)\]]*\s+""")
_LINE = re.compile(r"\n\s*")
_SPACE = re.compile(r"\s+")


def split_text(text: str, max_chars: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text`` in order, each piece at most ``max_chars`` long.

    A piece ends after a paragraph break if one falls in the second half of the window, else after
    a sentence end, a line break or a space there, else (a run of ``max_chars`` characters without
    any) at the window's end. The pieces concatenate back to ``text`` exactly.
    """
    if max_chars < 2:
        raise ValueError("max_chars must be at least 2")
    pieces: list[tuple[int, str]] = []
    start, n = 0, len(text)
    while n - start > max_chars:
        end = start + max_chars
        lo = start + max_chars // 2
        cut = end
        for boundary in (_PARAGRAPH, _SENTENCE, _LINE, _SPACE):
            ends = [m.end() for m in boundary.finditer(text, lo, end)]
            if ends:
                cut = ends[-1]
                break
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _shift(ev: Evidence, offset: int) -> Evidence:
    return Evidence(ev.quote, ev.start + offset, ev.end + offset) if offset else ev


def merge_facts(article: Article, parts: list[tuple[int, ArticleFacts]]) -> ArticleFacts:
    """One article's facts from the facts of its chunks (``(offset of the chunk, facts)``, in order)."""
    if len(parts) == 1 and parts[0][0] == 0:
        return replace(parts[0][1], article=article)
    merged = ArticleFacts(article=article, extractor=parts[0][1].extractor if parts else "")
    post_keys: set[tuple[object, ...]] = set()
    membership_keys: set[tuple[str, str]] = set()
    for offset, facts in parts:
        for key, ent in facts.entities.items():
            mentions = [(s + offset, e + offset) for s, e in ent.mentions]
            have = merged.entities.get(key)
            if have is None:
                merged.entities[key] = _copy_entity(ent, mentions)
                continue
            have.aliases |= ent.aliases | ({ent.name} - {have.name})
            have.mentions.extend(mentions)
            have.country = have.country or ent.country
            have.org_type = have.org_type or ent.org_type
            have.confidence = max(have.confidence, ent.confidence)
        for claim in facts.posts:
            k = (claim.holder, claim.role.lower(), claim.status)
            if k not in post_keys:
                post_keys.add(k)
                merged.posts.append(replace(claim, evidence=_shift(claim.evidence, offset)))
        for meeting in facts.meetings:
            merged.meetings.append(replace(meeting, evidence=_shift(meeting.evidence, offset)))
        for mem in facts.memberships:
            mk = (mem.member, mem.organization)
            if mk not in membership_keys:
                membership_keys.add(mk)
                merged.memberships.append(replace(mem, evidence=_shift(mem.evidence, offset)))
    if len(parts) > 1:
        _join_surnames(merged, [set(facts.entities) for _, facts in parts])
    return merged


def _join_surnames(facts: ArticleFacts, chunk_keys: list[set[str]]) -> None:
    """Give a one-word person ("Fidan") of a later chunk to the person of an earlier chunk whose
    full name ends with that word ("Hakan Fidan"), when exactly one does and the two never share a
    chunk (where they do, the extractor saw both and kept them apart). Claims follow the key."""
    persons = [e for e in facts.entities.values() if e.kind is Kind.PERSON]
    first_chunk = {e.key: min(i for i, keys in enumerate(chunk_keys) if e.key in keys) for e in persons}
    renames: dict[str, str] = {}
    for short in persons:
        words = fold(short.name).split()
        if len(words) != 1:
            continue
        fulls = {e.key for e in persons if e is not short and len(fold(e.name).split()) >= 2
                 and fold(e.name).split()[-1] == words[0]}
        if len(fulls) != 1:
            continue
        (full,) = fulls
        if first_chunk[full] < first_chunk[short.key] and not any(
                short.key in keys and full in keys for keys in chunk_keys):
            renames[short.key] = full
    for old, new in renames.items():
        short = facts.entities.pop(old)
        target = facts.entities[new]
        target.aliases |= {short.name} | short.aliases
        target.mentions.extend(short.mentions)
    if not renames:
        return
    seen: set[tuple[object, ...]] = set()
    posts = []
    for claim in facts.posts:
        claim.holder = renames.get(claim.holder, claim.holder)
        k = (claim.holder, claim.role.lower(), claim.status)
        if k not in seen:
            seen.add(k)
            posts.append(claim)
    facts.posts = posts
    for meeting in facts.meetings:
        meeting.participants = list(dict.fromkeys(renames.get(p, p) for p in meeting.participants))
    facts.meetings = [m for m in facts.meetings if len(m.participants) >= 2]  # "Fidan met Hakan Fidan"
    for mem in facts.memberships:
        mem.member = renames.get(mem.member, mem.member)


def _copy_entity(ent: Entity, mentions: list[tuple[int, int]]) -> Entity:
    return replace(ent, aliases=set(ent.aliases), mentions=mentions)
