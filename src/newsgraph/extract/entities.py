"""Entities of one article: spaCy's named entities, cleaned, reclassified and clustered.

spaCy's small model finds most names but mislabels some ("Shoygu" as an organization, an ethnic
group as an organization, "Mr Blair" and "Blair" as two people). This stage fixes what can be
fixed from the article itself and the gazetteer: honorifics and possessives are stripped, a word
that is a known person's surname is that person wherever it occurs, country names and demonyms go
to the country they name, and every mention of a person joins the fullest form of their name
("Fidan" → "Hakan Fidan"). The result is one :class:`~newsgraph.facts.Entity` per real-world
thing in the article, plus an index from character offsets to entity keys that the post, meeting
and membership rules use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from newsgraph.extract.lexicon import (
    GENERIC_ORG_WORDS,
    HONORIFICS,
    PARTY_WORDS,
    ROLE_MODIFIERS,
    ROLE_NOUNS,
)
from newsgraph.facts import Entity, Evidence, Kind, slugify
from newsgraph.gazetteer import Gazetteer, notable

#: First words of a government body that a nationality adjective in front of it only qualifies
#: ("Turkish Foreign Ministry" is Türkiye's "Foreign Ministry").
_GOV_BODY_STARTS = frozenset(
    "foreign ministry federal defence defense interior finance department national security justice health "
    "education trade economy energy home state supreme central armed presidential intelligence".split()
)
_QUOTE_CHARS = "\"“”‘’'`"


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key, for comparing names."""
    text = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[’'`]s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    text = " ".join(text.split())
    return text.removeprefix("the ")


@dataclass
class Mention:
    """One occurrence of an entity: its cleaned text, kind and token/character span."""

    text: str
    kind: Kind
    start: int  # token index
    end: int
    start_char: int
    end_char: int
    country_hint: str | None = None  # canonical country name read off a possessive or adjective
    key: str | None = None  # entity key, once clustered
    candidate_only: bool = False  # kept only in case it is a known person's surname


@dataclass
class EntityIndex:
    """The article's entities and which tokens mention which entity."""

    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    by_token: dict[int, Mention] = field(default_factory=dict)
    pronouns: dict[int, str] = field(default_factory=dict)  # token index of he/she/him/her → person key

    def at(self, token_index: int) -> Mention | None:
        return self.by_token.get(token_index)

    def key_at(self, token_index: int) -> str | None:
        m = self.by_token.get(token_index)
        return m.key if m else None

    def resolve_pronoun(self, tok: Token, exclude: set[str] | frozenset[str] = frozenset()) -> str | None:
        """The person a pronoun stands for (the article-wide resolution of :func:`_resolve_pronouns`).

        ``exclude`` holds the other participants: "Gorbachev, who had talks with her" cannot be
        Gorbachev, so then the most recent other person named before is taken.
        """
        key = self.pronouns.get(tok.i)
        if key is None or key not in exclude:
            return key
        best = None
        for m in self.mentions:
            if m.start >= tok.i:
                break
            if m.kind is Kind.PERSON and m.key not in exclude:
                best = m.key
        return best

    def country_entity(self, name: str, gaz: Gazetteer) -> str:
        """Key of the country entity called ``name`` (canonical), created on first use."""
        key = f"country:{slugify(name)}"
        if key not in self.entities:  # its Wikidata link is the linker's business (link.py)
            self.entities[key] = Entity(key=key, kind=Kind.COUNTRY, name=name, confidence=0.9)
        return key

    def add_organization(self, name: str, *, country: str | None = None, aliases: set[str] | None = None,
                         org_type: str | None = None, span: tuple[int, int] | None = None) -> str:
        """Key of an organization entity, merged with one already known by the same folded name."""
        folded = fold(name)
        for ent in self.entities.values():
            if ent.kind is Kind.ORGANIZATION and (fold(ent.name) == folded
                                                  or folded in {fold(a) for a in ent.aliases}):
                if aliases:
                    ent.aliases |= aliases
                if country and not ent.country:
                    ent.country = country
                if span:
                    ent.mentions.append(span)
                return ent.key
        key = f"organization:{slugify(name)}"
        self.entities[key] = Entity(key=key, kind=Kind.ORGANIZATION, name=name, aliases=set(aliases or ()),
                                    country=country, org_type=org_type,
                                    mentions=[span] if span else [], confidence=0.75)
        return key


def sentence_evidence(sent: Span) -> Evidence:
    """The sentence as evidence: its text without surrounding white space, and the offsets of that."""
    stripped = sent.text.rstrip()
    lead = len(stripped) - len(stripped.lstrip())
    return Evidence(quote=stripped.strip(), start=sent.start_char + lead, end=sent.start_char + len(stripped))


def _strip_edges(span: Span) -> Span | None:
    """Drop leading determiners/honorifics/quotes and a trailing possessive from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].lower_ in HONORIFICS
                           or doc[start].text in _QUOTE_CHARS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in {"'s", "’s", "'", "’"} or doc[end - 1].is_punct
                           or doc[end - 1].text in _QUOTE_CHARS or doc[end - 1].lower_ in {"the", "a", "an"}):
        end -= 1
    for k in range(start + 1, end):
        if doc[k].text == "(":  # "World Health Organisation (WHO": the acronym is attached later
            end = k
            break
    return doc[start:end] if end > start else None


def _clean_person(span: Span, gaz: Gazetteer) -> Span | None:
    """The name part of a PERSON entity, or ``None`` when it is not a person's name at all.

    Drops honorifics, leading title words ("President Bush") and nationality adjectives
    ("Estonian Indrek Saar"); rejects "the Bill" (a determiner before a bare name) and anything with
    digits ("G8").
    """
    doc = span.doc
    if span.start > 0 and doc[span.start - 1].lower_ == "the" and len(span) == 1:
        return None
    span = _strip_edges(span)
    if span is None:
        return None
    start = span.start
    while start < span.end and (doc[start].lower_ in ROLE_NOUNS or doc[start].lower_ in ROLE_MODIFIERS
                                or doc[start].lower_ in HONORIFICS
                                or (start + 1 < span.end and gaz.country(doc[start].text) is not None)):
        start += 1
    if start >= span.end:
        return None
    span = doc[start:span.end]
    if not any(t.text[:1].isupper() for t in span) or any(c.isdigit() for c in span.text):
        return None
    if fold(span.text) in PARTY_WORDS or gaz.organization(span.text) is not None:
        return None
    return span


def _looks_like_place(span: Span, gaz: Gazetteer) -> bool:
    """ "in Porto Alegre", "near Sleaford": a PERSON entity that is really a place."""
    doc = span.doc
    if gaz.place(span.text) is not None:
        return True
    return span.start > 0 and doc[span.start - 1].lower_ in {"in", "near", "from", "at"} \
        and not (span.start > 1 and doc[span.start - 2].lower_ in ROLE_NOUNS)


def _titled(span: Span) -> bool:
    """Is the span right after a title word ("President Thabo Mbeki", "top diplomat Fidan")?"""
    doc = span.doc
    i = span.start - 1
    return i >= 0 and doc[i].lower_ in ROLE_NOUNS and doc[i].lower_ not in {"general", "head"}


def _is_people_group(text: str, gaz: Gazetteer) -> bool:
    """ "Ahiska Turks", "Kurds", "Palestinians": a group of people, not an organization."""
    words = text.split()
    last = words[-1]
    if not last.endswith("s") or len(last) < 4:
        return False
    singular = last[:-1]
    return gaz.country(singular) is not None or gaz.country(last) is not None or last.endswith(("ians", "ites"))


def build_index(doc: Doc, gaz: Gazetteer) -> EntityIndex:
    """Find, fix and cluster the entities of ``doc``."""
    idx = EntityIndex()
    raw: list[Mention] = []

    for ent in doc.ents:
        label = ent.label_
        if label in {"GPE", "LOC", "ORG"} and _titled(ent) and gaz.country(ent.text) is None \
                and gaz.place(ent.text) is None and gaz.organization(ent.text) is None:
            label = "PERSON"  # "President Thabo Mbeki" tagged GPE
        if label == "PERSON":
            country = gaz.country(ent.text)
            if country is not None:
                raw.append(Mention(country.name, Kind.COUNTRY, ent.start, ent.end, ent.start_char, ent.end_char))
                continue
            if _known_body(ent, gaz) and not gaz.persons_named(ent.text):  # "JDRF", "Twitter" tagged PERSON
                raw.append(Mention(ent.text, Kind.ORGANIZATION, ent.start, ent.end, ent.start_char, ent.end_char))
                continue
            span = _clean_person(ent, gaz)
            if span is None:
                continue
            if _looks_like_place(span, gaz):
                raw.append(Mention(span.text, Kind.PLACE, span.start, span.end, span.start_char, span.end_char))
                continue
            raw.append(Mention(span.text, Kind.PERSON, span.start, span.end, span.start_char, span.end_char))
        elif label in {"ORG", "GPE", "LOC", "NORP", "FAC"}:
            span = _strip_edges(ent)
            if span is None:
                continue
            if label == "ORG" and (parts := _listed_bodies(span, gaz)):
                raw += parts  # "Hulu, Apple TV": two bodies the model read as one
                continue
            if label == "ORG" and len(span) >= 2 and gaz.persons_named(span.text) \
                    and not gaz.known_bodies(span.text) and gaz.organization(span.text) is None:
                # a known person's full name tagged ORG ("Bernhard Langer" in a results list)
                raw.append(Mention(span.text, Kind.PERSON, span.start, span.end, span.start_char, span.end_char))
                continue
            _classify_non_person(span, label, gaz, raw)

    raw += _gazetteer_orgs(doc, raw, gaz)
    raw += _org_head_runs(doc, raw)
    persons = [m for m in raw if m.kind is Kind.PERSON]
    surnames, fulls = _person_name_sets(persons)
    # A lone first part of a known full name ("Wang" of "Wang Yi") tagged ORG or GPE is that person too.
    given = {fold(m.text).split()[0] for m in persons if len(fold(m.text).split()) >= 2}
    # An "organization" that contains a known person's name ("Hernandez of Venezuela",
    # "Uzbekistan Kassym-Jomart Tokayev") is that person plus other words: keep the person part.
    kept: list[Mention] = []
    for m in raw:
        if m.kind is Kind.ORGANIZATION and len(fold(m.text).split()) > 1 \
                and any(w in surnames for w in fold(m.text).split()):
            kept += _person_parts(doc[m.start:m.end], surnames, gaz)
        else:
            kept.append(m)
    raw = kept

    # A word that names a known person is that person, whatever spaCy called it ("Shoygu" ORG).
    fixed: list[Mention] = []
    for m in raw:
        if m.kind is not Kind.PERSON and (fold(m.text) in surnames or fold(m.text) in fulls
                                          or fold(m.text) in given) \
                and gaz.country(m.text) is None:
            m.kind, m.candidate_only = Kind.PERSON, False
        if not m.candidate_only:
            fixed.append(m)
    # Surnames spaCy did not tag at all.
    covered = {i for m in fixed for i in range(m.start, m.end)}
    for tok in doc:
        if tok.i in covered or tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            continue
        if fold(tok.text) in surnames:
            fixed.append(Mention(tok.text, Kind.PERSON, tok.i, tok.i + 1, tok.idx, tok.idx + len(tok.text)))
    fixed.sort(key=lambda m: m.start)

    _cluster_persons(fixed, idx)
    for m in fixed:
        if m.kind is Kind.PERSON:
            continue
        if m.kind is Kind.COUNTRY:
            m.key = idx.country_entity(m.text, gaz)
            idx.entities[m.key].mentions.append((m.start_char, m.end_char))
        elif m.kind is Kind.ORGANIZATION:
            party = _party(m.text)
            if party is not None:  # "the Tories", "Lib Dems": the party under its usual name
                m.key = idx.add_organization(party[0], country=idx.country_entity(party[1], gaz),
                                             aliases={m.text}, org_type="party", span=(m.start_char, m.end_char))
                continue
            country = idx.country_entity(m.country_hint, gaz) if m.country_hint else None
            # "Russia's Security Council" is not the UN's: a national body never takes an
            # international organization's identity from the gazetteer.
            org = gaz.organization(m.text) if country is None else None
            aliases: set[str] = set()
            name = m.text
            org_type = None
            if org is not None:
                aliases = {org.name} - {name}
                org_type = org.type
            m.key = idx.add_organization(name, country=country, aliases=aliases, org_type=org_type,
                                         span=(m.start_char, m.end_char))
        elif m.kind is Kind.PLACE:
            key = f"place:{slugify(m.text)}"
            if key not in idx.entities:
                place = gaz.place(m.text)
                country = idx.country_entity(place.country_name, gaz) if place and place.country_name else None
                idx.entities[key] = Entity(key=key, kind=Kind.PLACE, name=place.name if place else m.text,
                                           country=country, confidence=0.8)
            idx.entities[key].mentions.append((m.start_char, m.end_char))
            m.key = key
    _attach_acronyms(doc, fixed, idx)
    _merge_short_forms(fixed, idx)
    idx.mentions = [m for m in fixed if m.key]
    for m in idx.mentions:
        for i in range(m.start, m.end):
            idx.by_token[i] = m
    idx.pronouns = _resolve_pronouns(doc, idx)
    return idx


_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})


def _resolve_pronouns(doc: Doc, idx: EntityIndex) -> dict[int, str]:
    """Third-person singular pronouns → the person each most likely stands for, in text order.

    Salience, as in classic rule-based coreference: candidates are the people named or already
    resolved in this sentence (before the pronoun) and the three before it; each scores its
    mentions so far (resolved pronouns count, so an obituary's "he ... he ... Lord Callaghan"
    chain stays on its subject) plus a bonus for having been a subject and for being in the same
    sentence. Without candidates the pronoun stays unresolved.
    """
    sents = list(doc.sents)
    sent_of = {}
    for n, sent in enumerate(sents):
        for i in range(sent.start, sent.end):
            sent_of[i] = n
    events: list[tuple[int, str, bool]] = []  # (token index, key, is subject)
    person_at = {m.start: m for m in idx.mentions if m.kind is Kind.PERSON and m.key}
    out: dict[int, str] = {}
    counts: dict[str, int] = {}
    for tok in doc:
        m = person_at.get(tok.i)
        if m is not None:
            key = m.key or ""
            counts[key] = counts.get(key, 0) + 1
            events.append((tok.i, key, doc[m.start:m.end].root.dep_ in {"nsubj", "nsubjpass"}))
            continue
        if tok.lower_ not in _PRONOUNS or tok.i in idx.by_token:
            continue
        here = sent_of[tok.i]
        score: dict[str, float] = {}
        for i, key, subject in events:
            if sent_of[i] < here - 3:
                continue
            bonus = (1.5 if subject else 0.0) + (2.0 if sent_of[i] == here else 0.0)
            score[key] = max(score.get(key, 0.0), bonus + i / 1e6)
        if not score:
            continue
        best = max(score, key=lambda k: score[k] + 0.5 * counts.get(k, 0))
        out[tok.i] = best
        counts[best] = counts.get(best, 0) + 1
        events.append((tok.i, best, tok.dep_ in {"nsubj", "nsubjpass"}))
    return out


_EVENT_WORDS = frozenset({"summit", "meeting", "conference", "talks", "forum-meeting", "session"})
_NOT_ORG_HEADS = frozenset({"region", "islands", "island", "sea", "ocean", "peninsula", "strait", "valley"})
#: Last words of organization names: a capitalized run ending in one is an organization even when
#: the model missed it ("the Russian-Turkish Businessmen's Association").
ORG_HEADS = frozenset(
    """
    association council ministry organization organisation party committee commission agency service
    bank union federation institute foundation corporation company authority office department
    court parliament assembly congress senate league front movement fund forum alliance board bureau
    directorate group command army navy inc ltd plc co corp university
    """.split()
)


def _org_head_runs(doc: Doc, found: list[Mention]) -> list[Mention]:
    """Capitalized runs ending in an organization head noun that no entity covers."""
    covered = {i for m in found if not m.candidate_only for i in range(m.start, m.end)}
    out: list[Mention] = []
    for tok in doc:
        if tok.i in covered or tok.lower_ not in ORG_HEADS or not tok.text[:1].isupper():
            continue
        start = tok.i
        while start - 1 >= 0 and start - 1 not in covered and (
                doc[start - 1].text[:1].isupper() or doc[start - 1].text in {"-", "'s", "’s", "of", "and", "&"}):
            start -= 1
        while start < tok.i and not doc[start].text[:1].isupper():
            start += 1
        if start == tok.i or doc[start].is_sent_start:
            continue  # a lone head word ("Council") or a run opening the sentence is too unsure
        span = doc[start:tok.i + 1]
        out.append(Mention(span.text, Kind.ORGANIZATION, span.start, span.end, span.start_char, span.end_char))
    return out


def _known_body(span: Span, gaz: Gazetteer) -> bool:
    """Is ``span`` a gazetteer body's own name as written ("Hulu", "Arriva Buses Wales")?

    One word must be a name or acronym of a body from a general notability list, and an English
    word only of a famous one (:meth:`Gazetteer.one_word_names`): a registry of shops holds one-word
    brands that are ordinary words, and "Queen" in a story is rarely the band."""
    bodies = gaz.known_bodies(span.text)
    if not bodies:
        return False
    if len(span) > 1:  # capitalized words of a body's name: "Inland Revenue", "Arriva Buses Wales"
        return True
    return any(notable(b) and (gaz.one_word_names(b, span.text) or span.text in b.acronyms) for b in bodies)


def _listed_bodies(span: Span, gaz: Gazetteer) -> list[Mention]:
    """The organizations of an entity span that is a list ("Hulu, Apple TV"), when a part is a known
    body or bloc; empty when the span is one name ("Bank of England", "Johnson & Johnson")."""
    cuts = [t.i for t in span if t.text in {",", ";"}]
    if not cuts:
        return []
    bounds = [span.start, *(c + 1 for c in cuts)]
    parts = [span.doc[a:b] for a, b in zip(bounds, [*cuts, span.end], strict=True)]
    parts = [p for p in parts if len(p) and p.text[:1].isupper()]
    if len(parts) < 2 or not any(_known_body(p, gaz) or gaz.organization(p.text) for p in parts):
        return []
    return [Mention(p.text, Kind.ORGANIZATION, p.start, p.end, p.start_char, p.end_char) for p in parts]


def _gazetteer_orgs(doc: Doc, found: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """Blocs, international bodies and known companies, media or agencies the model missed ("the
    BRICS bloc", "streaming on Hulu"), found by name.

    Only capitalized runs of up to six tokens are tried, longest first, so "Shanghai Cooperation
    Organisation" wins over "Shanghai"; acronyms must match case-exactly (the gazetteer's rule), and
    bodies other than blocs by their name as written (:func:`_known_body`).
    """
    covered = {i for m in found for i in range(m.start, m.end)}
    out: list[Mention] = []
    i = 0
    n = len(doc)
    while i < n:
        if i in covered or not doc[i].text[:1].isupper():
            i += 1
            continue
        hit = None
        for j in range(min(n, i + 6), i, -1):
            if any(k in covered for k in range(i, j)) or not doc[j - 1].text[:1].isupper():
                continue
            span = doc[i:j]
            if gaz.organization(span.text) is not None or _known_body(span, gaz):
                hit = span
                break
        if hit is not None:
            out.append(Mention(hit.text, Kind.ORGANIZATION, hit.start, hit.end, hit.start_char, hit.end_char))
            i = hit.end
        else:
            i += 1
    return out


def _classify_non_person(span: Span, label: str, gaz: Gazetteer, out: list[Mention]) -> None:
    text = span.text
    country = gaz.country(text)
    if label == "NORP":
        # Adjectives ("Turkish") are read by the post rules from the tokens. A NORP that is a
        # country's own name is a country; any other is kept only as a candidate surname
        # (spaCy tags some surnames NORP), dropped unless a person of that name turns up.
        if country is not None and fold(country.name) == fold(text):
            out.append(Mention(country.name, Kind.COUNTRY, span.start, span.end, span.start_char, span.end_char))
        elif _party(text) is not None and (span.end >= len(span.doc) or span.doc[span.end].pos_ != "NOUN"
                                           or span.doc[span.end].lower_ in {"party"}):
            # "the Tories", "Lib Dems" as a noun (not "Tory leader": that adjective is read by the posts)
            out.append(Mention(text, Kind.ORGANIZATION, span.start, span.end, span.start_char, span.end_char))
        else:
            out.append(Mention(text, Kind.PLACE, span.start, span.end, span.start_char, span.end_char,
                               candidate_only=True))
        return
    if country is not None:
        out.append(Mention(country.name, Kind.COUNTRY, span.start, span.end, span.start_char, span.end_char))
        return
    if label in {"GPE", "LOC", "FAC"}:
        known = gaz.organization(text) is not None or (gaz.place(text) is None and _known_body(span, gaz))
        if known and label != "FAC":  # "NATO", "Hulu" tagged GPE
            out.append(Mention(text, Kind.ORGANIZATION, span.start, span.end, span.start_char, span.end_char))
        elif label != "FAC" or gaz.place(text) is not None or (
                span.start > 0 and span.doc[span.start - 1].lower_ in {"in", "near"}):
            out.append(Mention(text, Kind.PLACE, span.start, span.end, span.start_char, span.end_char))
        return
    # ORG
    doc = span.doc
    titled = _titled_name_in(span)
    if titled is not None:  # "Kazakh President Kassym-Jomart Tokayev" tagged ORG
        out.append(Mention(titled.text, Kind.PERSON, titled.start, titled.end, titled.start_char, titled.end_char))
        return
    start = span.start
    hint = None
    # "Türkiye's National Intelligence Organization": the possessive country is the org's country.
    for i in range(span.start, min(span.end - 1, span.start + 4)):
        if doc[i + 1].text in {"'s", "’s"} or doc[i].text.endswith(("'s", "’s")):
            c = gaz.country(doc[span.start:i + 1].text)
            if c is not None:
                hint, start = c.name, i + 2
            break
    if start == span.start and span.end - span.start >= 3:
        c = gaz.country(doc[span.start].text)
        if c is not None and doc[span.start + 1].lower_ in _GOV_BODY_STARTS and "-" not in doc[span.start].text:
            hint, start = c.name, span.start + 1
    if hint is None and span.start >= 1:
        # "Russia's Security Council", "Turkish Foreign Ministry" with the country outside the entity
        prev = doc[span.start - 1]
        if prev.text in {"'s", "’s"} and span.start >= 2:
            c = gaz.country(doc[span.start - 2].text)
            hint = c.name if c else None
        elif prev.ent_type_ in {"NORP", "GPE"} and prev.text[:1].isupper():
            c = gaz.country(prev.text)
            hint = c.name if c else None
    if start >= span.end:
        return
    sub = doc[start:span.end]
    text = sub.text.strip(_QUOTE_CHARS + " ")
    if not text or fold(text) in GENERIC_ORG_WORDS or not any(c.isupper() for c in text):
        return
    if all(t.like_num or t.ent_type_ == "DATE" or t.is_punct for t in sub):
        return
    if _is_people_group(text, gaz) and gaz.organization(text) is None:
        return
    if sub[-1].lower_ in ROLE_NOUNS and len(sub) <= 3 and gaz.organization(text) is None:
        return  # "Foreign Minister" tagged ORG: a role, not a body
    if sub[-1].lower_ in _EVENT_WORDS and len(sub) >= 2:
        # "SCO Summit": the event is not an organization; the body holding it is.
        sub = sub[:-1]
        text = sub.text
        if gaz.organization(text) is None:
            return
    nxt = doc[span.end] if span.end < len(doc) else None
    prev = doc[span.start - 1] if span.start >= 1 else None
    if sub[-1].lower_ not in ORG_HEADS and gaz.organization(text) is None and len(sub) <= 3 and (
            (nxt is not None and nxt.lower_ in ROLE_NOUNS)
            or (prev is not None and prev.lower_ == "of" and span.start >= 2
                and doc[span.start - 2].lower_ in ROLE_NOUNS)):
        return  # "Home" in "Home Secretary", "State for ..." in "Secretary of State for ...": part of a title
    if sub[-1].lower_ in _NOT_ORG_HEADS:
        return
    out.append(Mention(text, Kind.ORGANIZATION, sub.start, sub.end, sub.start_char, sub.end_char, hint))


def _titled_name_in(span: Span) -> Span | None:
    """The name after a capitalized title inside an entity span, if the span is "TITLE Name Name"."""
    roles = [t.i for t in span[:-1] if t.lower_ in ROLE_NOUNS and t.text[:1].isupper()]
    if not roles:
        return None
    tail = span.doc[roles[-1] + 1:span.end]
    if not tail or len(tail) > 4 or any(t.lower_ in ORG_HEADS or (not t.text[:1].isupper() and t.text != "-")
                                        for t in tail):
        return None
    return tail if all(t.pos_ == "PROPN" or t.text == "-" for t in tail) else None


def _person_parts(span: Span, surnames: set[str], gaz: Gazetteer) -> list[Mention]:
    """Person mentions inside a misread entity, split at "of", "and" and country words."""
    out: list[Mention] = []
    chunk: list[Token] = []
    for tok in [*span, None]:
        if tok is None or tok.lower_ in {"of", "and", ","} or gaz.country(tok.text) is not None:
            if chunk and any(fold(t.text) in surnames for t in chunk):
                out.append(Mention(span.doc[chunk[0].i:chunk[-1].i + 1].text, Kind.PERSON, chunk[0].i,
                                   chunk[-1].i + 1, chunk[0].idx, chunk[-1].idx + len(chunk[-1].text)))
            chunk = []
        else:
            chunk.append(tok)
    return out


def _person_name_sets(persons: list[Mention]) -> tuple[set[str], set[str]]:
    surnames: set[str] = set()
    fulls: set[str] = set()
    for m in persons:
        parts = fold(m.text).split()
        fulls.add(" ".join(parts))
        # every part but a leading given name: "Hernandez" of "Arturo Hernandez Grisanti" too
        surnames.update(parts[1:] if len(parts) >= 2 else parts)
    return surnames, fulls


def _cluster_persons(mentions: list[Mention], idx: EntityIndex) -> None:
    """Give every person mention the key of the fullest name it abbreviates.

    A mention joins an earlier-or-later fuller name whose tokens contain all of its own tokens
    ("Fidan", "Hernandez Grisanti", "S. Shoygu"); when two fuller names qualify ("Brian" in an
    article about Brian Mulroney and Brian Peckford), the nearest preceding one wins.
    """
    persons = [m for m in mentions if m.kind is Kind.PERSON]
    by_len = sorted(persons, key=lambda m: (-len(fold(m.text).split()), m.start))
    canon: list[tuple[list[str], str, Mention]] = []  # (tokens, key, first mention)
    for m in by_len:
        toks = fold(m.text).split()
        if not toks:
            continue
        matches = [(ct, key, first) for ct, key, first in canon if _abbreviates(toks, ct)]
        if matches:
            preceding = [x for x in matches if x[2].start <= m.start]
            _ct, key, _first = max(preceding, key=lambda x: x[2].start) if preceding else matches[0]
            m.key = key
            ent = idx.entities[key]
            if fold(m.text) != fold(ent.name):
                ent.aliases.add(m.text)
            ent.mentions.append((m.start_char, m.end_char))
            continue
        key = f"person:{slugify(m.text)}"
        n = 2
        while key in idx.entities:
            key = f"person:{slugify(m.text)}-{n}"
            n += 1
        idx.entities[key] = Entity(key=key, kind=Kind.PERSON, name=m.text, mentions=[(m.start_char, m.end_char)],
                                   confidence=0.85 if len(toks) >= 2 else 0.7)
        m.key = key
        canon.append((toks, key, m))


def _abbreviates(short: list[str], full: list[str]) -> bool:
    if short == full:
        return True
    if len(short) >= len(full):
        return False
    if all(t in full for t in short):
        return True
    # initials: "s shoygu" for "sergey shoygu"
    return (len(short) == len(full) and short[-1] == full[-1]
            and all(len(a) == 1 and b.startswith(a) for a, b in zip(short[:-1], full[:-1], strict=False)))


def _party(text: str) -> tuple[str, str] | None:
    key = fold(text)
    return PARTY_WORDS.get(key) or PARTY_WORDS.get(key.rstrip("s")) or PARTY_WORDS.get(key.removesuffix("ies") + "y")


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _merge_short_forms(mentions: list[Mention], idx: EntityIndex) -> None:
    """ "Congress" after "U.S. Congress", "WEF" after "World Economic Forum": one organization.

    A short form joins a longer name when its words end the longer name ("Community" of "European
    Community"), start it before a generic head ("Labour" of "Labour Party"), or spell its
    initials ("WEF"). Only one candidate may qualify; two make the short form ambiguous.
    """
    orgs = [e for e in idx.entities.values() if e.kind is Kind.ORGANIZATION]
    for short in sorted(orgs, key=lambda e: len(e.name)):
        s_words = fold(short.name).split()
        matches = []
        for long in orgs:
            if long is short or long.key not in idx.entities or len(long.name) <= len(short.name):
                continue
            l_words = fold(long.name).split()
            suffix = l_words[-len(s_words):] == s_words
            prefix = l_words[:len(s_words)] == s_words and len(l_words) == len(s_words) + 1 \
                and l_words[-1] in ORG_HEADS
            acronym = short.name.isupper() and len(short.name) >= 2 and _initials(long.name) == short.name
            if suffix or prefix or acronym:
                matches.append(long)
        if len(matches) != 1 or short.key not in idx.entities:
            continue
        long = matches[0]
        if short.country and short.country != long.country:
            continue  # "Russia's Security Council" is not Türkiye's National Security Council
        long.aliases |= {short.name} | short.aliases
        long.mentions += short.mentions
        long.country = long.country or short.country
        del idx.entities[short.key]
        for m in mentions:
            if m.key == short.key:
                m.key = long.key


def _attach_acronyms(doc: Doc, mentions: list[Mention], idx: EntityIndex) -> None:
    """ "National Intelligence Organization (MIT)": MIT is an alias of that organization.

    A separately tagged mention "MIT" then merges into it rather than becoming a second entity.
    """
    orgs = [m for m in mentions if m.kind is Kind.ORGANIZATION and m.key]
    for m in orgs:
        if m.end + 2 < len(doc) and doc[m.end].text == "(" and doc[m.end + 2].text == ")":
            acr = doc[m.end + 1].text
            if acr.isupper() and 2 <= len(acr) <= 8:
                ent = idx.entities[m.key]  # type: ignore[index]
                ent.aliases.add(acr)
                for other in orgs:
                    if other is not m and other.text == acr and other.key != m.key:
                        dup = idx.entities.pop(other.key, None)  # type: ignore[arg-type]
                        if dup is not None:
                            ent.mentions.extend(dup.mentions)
                        for o2 in orgs:
                            if o2.key == other.key:
                                o2.key = m.key
    # Later mentions of an acronym already attached to an org.
    for m in orgs:
        for ent in list(idx.entities.values()):
            if ent.kind is Kind.ORGANIZATION and ent.key != m.key and m.text in ent.aliases \
                    and m.key in idx.entities and fold(idx.entities[m.key].name) == fold(m.text):
                dup = idx.entities.pop(m.key)  # type: ignore[arg-type]
                ent.mentions.extend(dup.mentions)
                for o2 in orgs:
                    if o2.key == dup.key:
                        o2.key = ent.key
