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
from functools import lru_cache
from itertools import pairwise

from spacy.tokens import Doc, Span, Token

from newsgraph.extract.doc_cache import (
    capwords,
    deps,
    lowers,
    pos_tags,
    puncts,
    sent_starts,
    sent_text,
    span_text,
    texts,
)
from newsgraph.extract.lexicon import (
    EVENT_HEADS,
    GENERIC_ORG_WORDS,
    GROUP_OF_LEADERS,
    HONORIFICS,
    LANDFORM_FIRST,
    LANDFORM_LAST,
    MEDIA_NOUNS,
    NAME_PARTICLES,
    NAME_TITLES,
    PARTY_WORDS,
    PATRONYMIC_PARTICLES,
    PLACE_MODIFIED_NOUNS,
    PLURAL_TITLES,
    ROLE_MODIFIERS,
    ROLE_NOUNS,
    STATE_FORCES,
    VENUE_HEADS,
)
from newsgraph.facts import Entity, Evidence, Kind, slugify
from newsgraph.link.gazetteer import Gazetteer, notable

#: First words of a government body that a nationality adjective in front of it only qualifies
#: ("Turkish Foreign Ministry" is Türkiye's "Foreign Ministry").
_GOV_BODY_STARTS = frozenset(
    "foreign ministry federal defence defense interior finance department national security justice health "
    "education trade economy energy home state supreme central armed presidential intelligence".split()
)
_QUOTE_CHARS = "\"“”‘’'`"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key, for comparing names.

    Cached: the rules fold the same few names many times per article (a pure function of ``text``)."""
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
        if key not in self.entities:  # its Wikidata link is the linker's business (newsgraph.link)
            self.entities[key] = Entity(key=key, kind=Kind.COUNTRY, name=name, confidence=0.9)
        return key

    def add_organization(self, name: str, *, country: str | None = None, aliases: set[str] | None = None,
                         org_type: str | None = None, span: tuple[int, int] | None = None) -> str:
        """Key of an organization entity, merged with one already known by the same folded name."""
        folded = fold(name)
        for ent in self.entities.values():
            if ent.kind is Kind.ORGANIZATION and (fold(ent.name) == folded
                                                  or folded in {fold(a) for a in ent.aliases}) \
                    and not (country and ent.country and country != ent.country):
                # (the Russian and the Turkish "Foreign Ministry" are two bodies)
                if aliases:
                    ent.aliases |= aliases
                if country and not ent.country:
                    ent.country = country
                if span:
                    ent.mentions.append(span)
                return ent.key
        key = base = f"organization:{slugify(name)}"
        n = 2
        while key in self.entities:
            key = f"{base}-{n}"
            n += 1
        self.entities[key] = Entity(key=key, kind=Kind.ORGANIZATION, name=name, aliases=set(aliases or ()),
                                    country=country, org_type=org_type,
                                    mentions=[span] if span else [], confidence=0.75)
        return key


def sentence_evidence(sent: Span) -> Evidence:
    """The sentence as evidence: its text without surrounding white space, and the offsets of that."""
    stripped = sent_text(sent).rstrip()
    lead = len(stripped) - len(stripped.lstrip())
    return Evidence(quote=stripped.strip(), start=sent.start_char + lead, end=sent.start_char + len(stripped))


def _strip_edges(span: Span) -> Span | None:
    """Drop leading determiners/honorifics/quotes and a trailing possessive from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    low, txt, punct, pos = lowers(doc), texts(doc), puncts(doc), pos_tags(doc)
    while start < end and (low[start] in {"the", "a", "an"} or low[start] in HONORIFICS
                           or txt[start] in _QUOTE_CHARS or punct[start]
                           or (start + 1 < end and pos[start] in {"ADV", "SCONJ", "CCONJ", "ADP"}
                               and not txt[start].isupper())):  # "Later the Department of State"
        start += 1
    while end > start and (txt[end - 1] in {"'s", "’s", "'", "’"} or punct[end - 1]
                           or txt[end - 1] in _QUOTE_CHARS
                           or low[end - 1] in {"the", "a", "an", "and", "of", "&"}):
        end -= 1
    for k in range(start + 1, end):
        if txt[k] == "(":  # "World Health Organisation (WHO": the acronym is attached later
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
                                or doc[start].lower_ in HONORIFICS or doc[start].lower_ in NAME_TITLES
                                or (start + 1 < span.end and gaz.country(doc[start].text) is not None)):
        start += 1
    if start + 1 < span.end and doc[start].is_sent_start and _gerund(doc[start]):
        start += 1  # "Welcoming Museveni": the sentence's opening participle is glued on
    if start + 1 == span.end and doc[start].is_sent_start and _gerund(doc[start]):
        return None  # "Greeting", "Writing" opening a sentence: no person
    end = span.end
    for k in range(start + 1, end):  # "Petro's "Government": the name ends at its possessive
        if doc[k].text in {"'s", "’s"}:
            end = k
            break
    while end - 1 > start and doc[end - 1].is_alpha and doc[end - 1].is_lower and doc[end - 2].whitespace_ \
            and doc[end - 1].lower_ not in NAME_PARTICLES:
        end -= 1  # "Ruto hails": a verb glued onto the name
    while end - 1 > start and (doc[end - 1].lower_ in NAME_PARTICLES or doc[end - 1].text in _QUOTE_CHARS):
        end -= 1
    if start >= end:
        return None
    span = doc[start:end]
    if not any(t.text[:1].isupper() for t in span) or any(c.isdigit() for c in span.text):
        return None
    if fold(span.text) in PARTY_WORDS or gaz.organization(span.text) is not None:
        return None
    return span


def _gerund(tok: Token) -> bool:
    """ "Greeting", "Writing", "Welcoming": a participle that opens a sentence, not a name."""
    return tok.text.endswith("ing") and len(tok.text) > 5 and tok.text[:1].isupper() and not tok.is_upper


def _looks_like_place(span: Span, gaz: Gazetteer) -> bool:
    """ "in Porto Alegre", "near Sleaford": a PERSON entity that is really a place."""
    doc = span.doc
    if gaz.place(span.text) is not None or _landform(span) \
            or (len(span) >= 2 and span[-1].lower_ in _VENUE_NOT_SURNAME):
        return True
    if len(span) >= 2 and gaz.persons_named(span.text):
        return False  # "took over from Jack Straw": a known person's full name is that person
    return span.start > 0 and doc[span.start - 1].lower_ in {"in", "near", "from", "at"} \
        and not (span.start > 1 and doc[span.start - 2].lower_ in ROLE_NOUNS)


#: Venue words that are not also surnames ("Hall", "Castle" are): "Rashtrapati Bhawan" is a place.
_VENUE_NOT_SURNAME = VENUE_HEADS - {"hall", "castle", "villa", "lodge", "square", "building", "arena"}


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
        if label in {"GPE", "LOC", "ORG", "NORP"} and _titled(ent) and gaz.country(ent.text) is None \
                and gaz.place(ent.text) is None and gaz.organization(ent.text) is None:
            label = "PERSON"  # "President Thabo Mbeki" tagged GPE
        if label == "PERSON":
            country = gaz.country(ent.text)
            if country is not None:
                raw.append(Mention(country.name, Kind.COUNTRY, ent.start, ent.end, ent.start_char, ent.end_char))
                continue
            if (_known_body(ent, gaz) and not gaz.persons_named(ent.text)) or _outlet_name(ent):
                # "JDRF", "Twitter", "news agency Xinhua", "MyRepublica" tagged PERSON
                span = _strip_edges(ent) or ent
                raw.append(Mention(span.text, Kind.ORGANIZATION, span.start, span.end, span.start_char, span.end_char))
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
            if label in {"ORG", "GPE", "LOC"} and (person := _person_in_role_context(span, gaz)) is not None:
                # "the president-elect of Paraguay, Santiago Peña", "deputies A, B and C" tagged ORG/GPE
                raw += person
                continue
            if label in {"ORG", "GPE", "LOC"} and _outlet_name(span):
                raw.append(Mention(span.text, Kind.ORGANIZATION, span.start, span.end, span.start_char, span.end_char))
                continue
            if label == "ORG" and len(span) >= 2 and gaz.persons_named(span.text) \
                    and not gaz.known_bodies(span.text) and gaz.organization(span.text) is None:
                # a known person's full name tagged ORG ("Bernhard Langer" in a results list)
                raw.append(Mention(span.text, Kind.PERSON, span.start, span.end, span.start_char, span.end_char))
                continue
            _classify_non_person(span, label, gaz, raw)

    raw = _gazetteer_persons(doc, raw, gaz)
    raw = _titled_runs(doc, raw, gaz)
    raw += _surname_subjects(doc, raw, gaz)
    _extend_person_spans(doc, raw, gaz)
    raw += _acronym_defined_orgs(doc, raw)
    raw += _gazetteer_orgs(doc, raw, gaz)
    raw += _org_head_runs(doc, raw)
    raw += _state_forces(doc, raw, gaz)
    raw += _dateline_agency(doc, raw, gaz)
    _bodies_not_persons(doc, raw)
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
    pos = pos_tags(doc)
    for i in range(len(doc)):
        if i in covered or pos[i] != "PROPN":
            continue
        tok = doc[i]
        if not tok.text[:1].isupper():
            continue
        if fold(tok.text) in surnames:
            fixed.append(Mention(tok.text, Kind.PERSON, tok.i, tok.i + 1, tok.idx, tok.idx + len(tok.text)))
    fixed.sort(key=lambda m: m.start)

    _cluster_persons(fixed, idx)
    _merge_also_known_as(doc, fixed, idx)
    for m in fixed:
        if m.kind is Kind.PERSON:
            continue
        if m.kind is Kind.COUNTRY:
            m.key = idx.country_entity(m.text, gaz)
            idx.entities[m.key].mentions.append((m.start_char, m.end_char))
        elif m.kind is Kind.ORGANIZATION:
            if (gov := _government_of(m.text, gaz)) is not None:
                # "the Government of Ghana", "the Kenyan Government": the country acting, no body
                m.kind, m.key = Kind.COUNTRY, idx.country_entity(gov, gaz)
                idx.entities[m.key].mentions.append((m.start_char, m.end_char))
                continue
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
    _merge_word_orders(fixed, idx)
    _drop_lone_heads(fixed, idx)
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
    sent_of = []  # the sentence number of each token: doc.sents cut before each sentence start but the first
    n = 0
    for i, opens in enumerate(sent_starts(doc)):
        if opens and i:
            n += 1
        sent_of.append(n)
    events: list[tuple[int, str, bool]] = []  # (token index, key, is subject)
    person_at = {m.start: m for m in idx.mentions if m.kind is Kind.PERSON and m.key}
    out: dict[int, str] = {}
    counts: dict[str, int] = {}
    low = lowers(doc)
    for i in range(len(doc)):
        m = person_at.get(i)
        if m is not None:
            key = m.key or ""
            counts[key] = counts.get(key, 0) + 1
            events.append((i, key, doc[m.start:m.end].root.dep_ in {"nsubj", "nsubjpass"}))
            continue
        if low[i] not in _PRONOUNS or i in idx.by_token:
            continue
        tok = doc[i]
        here = sent_of[tok.i]
        score: dict[str, float] = {}
        for j, key, subject in events:
            if sent_of[j] < here - 3:
                continue
            bonus = (1.5 if subject else 0.0) + (2.0 if sent_of[j] == here else 0.0)
            score[key] = max(score.get(key, 0.0), bonus + j / 1e6)
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
    low = lowers(doc)
    for i in range(len(doc)):
        if i in covered or low[i] not in ORG_HEADS:
            continue
        tok = doc[i]
        if not tok.text[:1].isupper():
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
    return _known_body_text(span.text, len(span), gaz)


def _known_body_text(text: str, n_tokens: int, gaz: Gazetteer) -> bool:
    """:func:`_known_body` of a span given by its text and its length in tokens (no ``Span`` made)."""
    bodies = gaz.known_bodies(text)
    if not bodies:
        return False
    if n_tokens > 1:  # capitalized words of a body's name: "Inland Revenue", "Arriva Buses Wales"
        return True
    return any(notable(b) and (gaz.one_word_names(b, text) or text in b.acronyms) for b in bodies)


_GOVERNMENT_WORDS = frozenset({"government", "the", "of", "federal", "royal", "national", "central", "union"})


def _government_of(text: str, gaz: Gazetteer) -> str | None:
    """The country whose government ``text`` names ("Government of Ghana", "Kenyan Government",
    "Government of the Republic of Korea"), or None. The guidelines count a country's government as
    the country acting, not as an organization."""
    words = fold(text).split()
    if "government" not in words:
        return None
    rest = [w for w in words if w not in _GOVERNMENT_WORDS]
    if not rest:
        return None
    c = gaz.country(" ".join(rest)) or gaz.country(" ".join(w for w in words if w not in {"government", "the"}
                                                            and w != "of"))
    if c is None and words[-1] == "government":
        c = gaz.country(" ".join(words[:-1]))
    if c is None and "of" in words:  # "Government of the Republic of Korea"
        c = gaz.country(" ".join(words[words.index("of") + 1:]))
    return c.name if c is not None else None


def _known_party(span: Span, gaz: Gazetteer) -> bool:
    """Is ``span`` a party's own name or acronym in the gazetteer ("Hamas", "Indian National Congress",
    "AKP")? (:func:`_known_body` leaves parties out.)"""
    return any(b.type == "party" and (span.text in b.acronyms if by_acronym else b.is_own_name(span.text))
               for b, by_acronym in gaz.bodies_named(span.text))


def _listed_bodies(span: Span, gaz: Gazetteer) -> list[Mention]:
    """The organizations of an entity span that is a list ("Hulu, Apple TV"), when a part is a known
    body or bloc; empty when the span is one name ("Bank of England", "Johnson & Johnson")."""
    cuts = [t.i for t in span if t.text in {",", ";"}]
    if not cuts or any(t.lower_ == "of" for t in span.doc[span.start:cuts[0]]):
        return []  # "Ministry of Water Resources, Works and Housing": one body with its portfolios
    parts = [p for p in _strip_and(span, cuts) if len(p)]
    if len(parts) >= 2 and all(gaz.country(p.text) is not None for p in parts):  # "Niger, Burkina Faso"
        return [Mention(gaz.country(p.text).name, Kind.COUNTRY, p.start, p.end,  # type: ignore[union-attr]
                        p.start_char, p.end_char) for p in parts]
    if len(parts) >= 2 and parts[0][-1].lower_ in ORG_HEADS:
        # "the Likud Party, News": a body's name, then the start of something else
        return [Mention(p.text, Kind.ORGANIZATION, p.start, p.end, p.start_char, p.end_char) for p in parts
                if p[-1].lower_ in ORG_HEADS or _known_body(p, gaz) or gaz.organization(p.text) is not None]
    bounds = [span.start, *(c + 1 for c in cuts)]
    parts = [span.doc[a:b] for a, b in zip(bounds, [*cuts, span.end], strict=True)]
    parts = [p for p in parts if len(p) and p.text[:1].isupper()]
    if len(parts) < 2 or not any(_known_body(p, gaz) or gaz.organization(p.text) for p in parts):
        return []
    return [Mention(p.text, Kind.ORGANIZATION, p.start, p.end, p.start_char, p.end_char) for p in parts]


def _strip_and(span: Span, cuts: list[int]) -> list[Span]:
    """The parts of a listed span cut at its commas, without a leading "and"."""
    bounds = [span.start, *(c + 1 for c in cuts)]
    out = []
    for a, b in zip(bounds, [*cuts, span.end], strict=True):
        while a < b and span.doc[a].lower_ in {"and", "the"}:
            a += 1
        out.append(span.doc[a:b])
    return out


def _gazetteer_orgs(doc: Doc, found: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """Blocs, international bodies and known companies, media or agencies the model missed ("the
    BRICS bloc", "streaming on Hulu"), found by name.

    Only capitalized runs of up to six tokens are tried, longest first, so "Shanghai Cooperation
    Organisation" wins over "Shanghai"; acronyms must match case-exactly (the gazetteer's rule), and
    bodies other than blocs by their name as written (:func:`_known_body`).
    """
    covered = {i for m in found for i in range(m.start, m.end)}
    out: list[Mention] = []
    cap = [t[:1].isupper() for t in texts(doc)]
    i = 0
    n = len(doc)
    while i < n:
        if i in covered or not cap[i]:
            i += 1
            continue
        hit = None
        for j in range(min(n, i + 6), i, -1):
            if any(k in covered for k in range(i, j)) or not cap[j - 1]:
                continue
            text = span_text(doc, i, j)
            if gaz.organization(text) is not None or _known_body_text(text, j - i, gaz):
                hit = doc[i:j]
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
        if c is not None and doc[span.start + 1].lower_ in _GOV_BODY_STARTS and "-" not in doc[span.start].text \
                and not _known_party(span, gaz):  # ("Indian National Congress" is a party's own name)
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
    if sub[-1].lower_ not in ORG_HEADS and gaz.organization(text) is None and len(sub) <= 3 \
            and not _known_body(sub, gaz) and not _known_party(sub, gaz) and (
            (nxt is not None and nxt.lower_ in ROLE_NOUNS)
            or (prev is not None and prev.lower_ == "of" and span.start >= 2
                and doc[span.start - 2].lower_ in ROLE_NOUNS)):
        # "Home" in "Home Secretary", "State for ..." in "Secretary of State for ...": part of a title
        # (but "director of BAE Systems", "Gazprom chief": a body the gazetteer knows)
        return
    if sub[-1].lower_ in _NOT_ORG_HEADS:
        return
    if gaz.organization(text) is None and not _known_body(sub, gaz) and not _body_of_name(sub, gaz, out):
        return
    out.append(Mention(text, Kind.ORGANIZATION, sub.start, sub.end, sub.start_char, sub.end_char, hint))


def _body_of_name(sub: Span, gaz: Gazetteer, out: list[Mention]) -> bool:
    """Is an ORG span the gazetteer does not know shaped like an organization's name?

    Not: a city ("Vilnius", "KUALA" of a "KUALA LUMPUR, Laos -" dateline), a landform, a venue
    ("Presidential Palace", "Kuala Lumpur Convention Centre": kept as places), an event or
    programme ("Second Karabakh War", "Pacific Policing Initiative", "Summit"), the leaders who
    meet ("Heads of State and Government"), or an adjective with a lower-case common noun ("the
    Pacific organisation"). Places found so are added to ``out``.
    """
    doc = sub.doc
    text = sub.text
    caps = sub.end
    while caps < len(doc) and doc[caps].is_upper and doc[caps].is_alpha:
        caps += 1
    if sub.text.isupper() and caps > sub.end and gaz.place(doc[sub.start:caps].text) is not None:
        return False  # the first words of a city in capitals ("RIO DE" of "RIO DE JANEIRO")
    if gaz.place(text) is not None or _landform(sub) or sub[-1].lower_ in VENUE_HEADS:
        out.append(Mention(text, Kind.PLACE, sub.start, sub.end, sub.start_char, sub.end_char))
        return False
    folded = fold(text)
    if sub[-1].lower_ in EVENT_HEADS or any(folded.endswith(g) for g in GROUP_OF_LEADERS):
        return False
    if len(sub) == 2 and sub[-1].text.islower() and sub[-1].lower_ in ORG_HEADS | {"organisation", "body"}:
        return False  # "the Pacific organisation": a description
    single = len([t for t in sub if t.text not in {"-", "‑"}]) <= 2 and not any(t.lower_ in ORG_HEADS for t in sub)
    nxt = doc[sub.end] if sub.end < len(doc) else None
    if single and nxt is not None and nxt.lower_ in PLACE_MODIFIED_NOUNS:
        return False  # "Pak-Uzbek ties", "the Caucasus regions", "the Anyaa-Sowutuom constituency"
    prev = doc[sub.start - 1] if sub.start > 0 else None
    if single and prev is not None and prev.lower_ in {"in", "near", "across"} and not sub.text.isupper():
        out.append(Mention(text, Kind.PLACE, sub.start, sub.end, sub.start_char, sub.end_char))
        return False  # "a retreat in Vava'u": an unknown one-word body after "in" is a place
    return True


def _titled_name_in(span: Span) -> Span | None:
    """The name after a capitalized title inside an entity span, if the span is "TITLE Name Name"."""
    roles = [t.i for t in span[:-1] if t.lower_ in ROLE_NOUNS and t.text[:1].isupper()]
    if not roles or (roles[-1] == span.start and span.doc[roles[-1]].lower_ in {"general", "chief", "head"}):
        return None  # "General Motors", "Chief Executives Board": a body named with a title word
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
        if tok is None or tok.lower_ in {"of", "and", ",", "'s", "’s"} or tok.text in _QUOTE_CHARS \
                or gaz.country(tok.text) is not None:
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
        # ("al" of "Asaad al Shaibani" is a particle, not a surname: "Al-Ekhbariya" is no person)
        surnames.update(w for w in (parts[1:] if len(parts) >= 2 else parts) if w not in NAME_PARTICLES)
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


_AKA = (["also", "known", "as"], ["known", "as"], ["better", "known", "as"], ["aka"], ["a", "k", "a"],
        ["alias"], ["nicknamed"], ["dubbed"], ["or"])


def _merge_also_known_as(doc: Doc, mentions: list[Mention], idx: EntityIndex) -> None:
    """ "Mahmoud Abbas, also known as Abu Mazen": the second name is the first person's alias."""
    persons = [m for m in mentions if m.kind is Kind.PERSON and m.key]
    for prev, m in pairwise(persons):
        if prev.key == m.key or m.key not in idx.entities or prev.key not in idx.entities:
            continue
        words = [t.lower_.strip(".") for t in doc[prev.end:m.start] if not t.is_punct]
        if words not in _AKA or (words == ["or"] and doc[m.end:m.end + 1].text != ")"):
            continue
        dup = idx.entities.pop(m.key)  # type: ignore[arg-type]
        ent = idx.entities[prev.key]  # type: ignore[index]
        ent.aliases |= {dup.name} | dup.aliases
        ent.mentions += dup.mentions
        for o in mentions:
            if o.key == dup.key:
                o.key = ent.key


def _abbreviates(short: list[str], full: list[str]) -> bool:
    if short == full:
        return True
    if len(short) >= len(full):
        return False
    # "Salman" alone is not "Mohammed bin Salman": the word after "bin" names his father.
    own = [t for k, t in enumerate(full) if k == 0 or full[k - 1] not in PATRONYMIC_PARTICLES]
    if all(t in (own if len(short) == 1 else full) for t in short):
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
            if long is short or long.key not in idx.entities \
                    or max(len(n) for n in (long.name, *long.aliases)) <= len(short.name):
                continue
            l_words = fold(long.name).split()
            # "Union" after "EU" (alias "European Union"): the short form may end any name of the body
            # ("Economic Community of West African States" is not its "Authority of ... of the ...")
            suffix = any(_ends_with_words(fold(n).split(), s_words) for n in (long.name, *long.aliases))
            # "Labour" of "Labour Party"; but "AU" is not "AU Assembly": an acronym names its own body
            prefix = l_words[:len(s_words)] == s_words and len(l_words) == len(s_words) + 1 \
                and l_words[-1] in ORG_HEADS and not short.name.isupper()
            acronym = short.name.isupper() and len(short.name) >= 2 and (
                _initials(long.name) == short.name or _acronym_fits(long.name, short.name))
            if suffix or prefix or acronym or _spelling_variant(s_words, l_words):
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


#: Head words that, alone and not the short form of a body named in the article, name no body
#: ("the House" of "Father of the House", "the Union" with no union named).
_LONE_HEADS = frozenset({"house", "union", "assembly", "alliance", "federation", "league", "board", "bureau",
                         "authority", "service", "office", "department", "fund", "bank", "forum", "front"})


def _drop_lone_heads(mentions: list[Mention], idx: EntityIndex) -> None:
    """A lone head word left after the short forms have merged is no organization of its own."""
    for ent in list(idx.entities.values()):
        if ent.kind is Kind.ORGANIZATION and fold(ent.name) in _LONE_HEADS and not ent.wikidata:
            del idx.entities[ent.key]
            for m in mentions:
                if m.key == ent.key:
                    m.key = None


def _word_order_key(name: str) -> tuple[str, ...] | None:
    """ "Ministry of Foreign Affairs" and "Foreign Ministry", "Department of State" and "State
    Department": one key for the two word orders of a body's name ("affairs" and "the" dropped)."""
    words = [w for w in fold(name).split() if w not in {"the", "affairs"}]
    if len(words) >= 3 and words[1] == "of" and words[0] in ORG_HEADS:
        words = [*words[2:], words[0]]
    if len(words) < 2 or words[-1] not in ORG_HEADS or "of" in words:
        return None
    return tuple(words)


def _merge_word_orders(mentions: list[Mention], idx: EntityIndex) -> None:
    """One organization named in both word orders is one entity, under its first name."""
    seen: dict[tuple[str, ...], list[str]] = {}
    for m in mentions:
        ent = idx.entities.get(m.key or "")
        if ent is None or ent.kind is not Kind.ORGANIZATION:
            continue
        key = _word_order_key(ent.name)
        if key is None:
            continue
        earlier = [k for k in seen.setdefault(key, []) if k in idx.entities and k != ent.key]
        if ent.key not in seen[key]:
            seen[key].append(ent.key)
        fits = [k for k in earlier if not (ent.country and idx.entities[k].country
                                           and ent.country != idx.entities[k].country)]
        if len(fits) != 1:
            continue  # none, or the Russian and the Turkish ministry: which one is unclear
        keep = idx.entities[fits[0]]
        keep.country = keep.country or ent.country
        keep.aliases |= {ent.name} | ent.aliases
        keep.mentions += ent.mentions
        del idx.entities[ent.key]
        for o in mentions:
            if o.key == ent.key:
                o.key = keep.key


def _ends_with_words(long: list[str], short: list[str]) -> bool:
    """Does ``long`` end with ``short`` as its head ("U.S. Congress" / "Congress"), not as the body
    it belongs to ("Authority of ... of the Economic Community" / "Economic Community")?"""
    n = len(short)
    if len(long) <= n or long[-n:] != short:
        return False
    before = long[:-n]
    # A name of three words or more after "of" is a body of its own; a shorter one ("Foreign
    # Affairs" of "Ministry of Foreign Affairs") is the longer body's short form.
    return len(short) < 3 or (before[-1] != "of" and before[-2:] != ["of", "the"])


def _spelling_variant(a: list[str], b: list[str]) -> bool:
    """ "Africa Union Commission" / "African Union Commission", "Estonian Reformist Party" /
    "Estonian Reform Party": the same words but for an ending on one or two of them."""
    if len(a) != len(b) or len(a) < 2 or a == b:
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(differ) <= 2 and all(
        min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x)) and abs(len(x) - len(y)) <= 3
        for x, y in differ)


def _attach_acronyms(doc: Doc, mentions: list[Mention], idx: EntityIndex) -> None:
    """ "National Intelligence Organization (MIT)": MIT is an alias of that organization.

    A separately tagged mention "MIT" then merges into it rather than becoming a second entity.
    """
    orgs = [m for m in mentions if m.kind is Kind.ORGANIZATION and m.key]
    ending = {}
    for m in orgs:  # of two names ending before one bracket, the acronym goes to the one it spells
        if m.end not in ending or _acronym_fits(m.text, (_paren_acronym(doc, m.end) or ("", 0))[0]):
            ending[m.end] = m
    for m in orgs:
        found = _paren_acronym(doc, m.end)
        if found is not None and ending.get(m.end) is m:
            acr = found[0]
            if acr.isupper() and 2 <= len(acr) <= 10:
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


# -- Name repair: spans that the gazetteer and the shape of the sentence fix -----------------------

#: Words that may precede a name without being part of it: titles, honorifics, role words.
_TITLE_WORDS = ROLE_NOUNS | ROLE_MODIFIERS | HONORIFICS | NAME_TITLES | PLURAL_TITLES
#: A title word just before a name run (made once: the union was made again for every run).
_ROLE_OR_PLURAL_TITLES = ROLE_NOUNS | PLURAL_TITLES
#: Words that end an organization, a venue or an event, never a person's name.
_NOT_NAME_HEADS = ORG_HEADS | VENUE_HEADS | EVENT_HEADS | _NOT_ORG_HEADS | {"administration", "government"}
_ACRONYM_STOPWORDS = frozenset({"of", "the", "and", "for", "on", "in", "de", "des", "du", "la", "le", "&"})


def _capword(tok: Token) -> bool:
    """A capitalized word that can belong to a name ("Sa’ar", "Kosiniak-Kamysz", "Čaputová")."""
    return tok.text[:1].isupper() and any(c.isalpha() for c in tok.text) and not tok.is_punct


def _name_runs(doc: Doc) -> list[tuple[int, int]]:
    """Maximal runs of capitalized words within a sentence, with name particles and hyphens inside
    ("Mohammed bin Salman", "Jean Lucien de Tové", "Ahmed al-Sharaa").

    Made once per document (two rules read them) from a capitalized-word flag per token; the list is
    shared, so callers only read it."""
    got: list[tuple[int, int]] | None = doc.user_data.get("ng_name_runs")
    if got is not None:
        return got
    cap, low, txt, opens = capwords(doc), lowers(doc), texts(doc), sent_starts(doc)
    runs: list[tuple[int, int]] = []
    n = len(doc)
    i = 0
    while i < n:
        if not cap[i]:
            i += 1
            continue
        j = i + 1
        while j < n and not opens[j]:
            if cap[j]:
                j += 1
            elif (low[j] in NAME_PARTICLES or txt[j] in {"-", "‑"}) and j + 1 < n and (
                    cap[j + 1] or (txt[j + 1] in {"-", "‑"} and j + 2 < n and cap[j + 2])):
                j += 1
            else:
                break
        runs.append((i, j))
        i = j
    doc.user_data["ng_name_runs"] = runs
    return runs


def _gaz_other_kind(text: str, gaz: Gazetteer) -> bool:
    """Does the gazetteer know ``text`` as a country, city, international body or other body?"""
    return gaz.country(text) is not None or gaz.place(text) is not None \
        or gaz.organization(text) is not None or bool(gaz.known_bodies(text))


def _only_titles_before(doc: Doc, run_start: int, a: int, gaz: Gazetteer) -> bool:
    """Are the run's words before ``a`` titles and country words ("Czech Prime Minister", "President of
    Romania" reads as a run "Romania Klaus Iohannis")?"""
    k = a
    low = lowers(doc)
    while k > run_start:
        if low[k - 1] in _TITLE_WORDS:
            k -= 1
            continue
        for m in range(max(run_start, k - 3), k):
            if gaz.country(span_text(doc, m, k)) is not None:
                k = m
                break
        else:
            return False
    return True


def _known_person_span(doc: Doc, run: tuple[int, int], gaz: Gazetteer) -> Span | None:
    """The longest part of a capitalized run that is a gazetteer person's name, when the rest of
    the run is titles or a country before it: "Czech Republic Petr Fiala" gives "Petr Fiala", but
    "Ahmed Ali Mohamed" does not give a known "Ali Mohamed" (the name goes on)."""
    a0, b0 = run
    low, txt, cap = lowers(doc), texts(doc), capwords(doc)
    for length in range(min(5, b0 - a0), 1, -1):
        for a in range(a0, b0 - length + 1):
            b = a + length
            if low[a] in NAME_PARTICLES or low[b - 1] in NAME_PARTICLES \
                    or txt[a] in {"-", "‑"} or txt[b - 1] in {"-", "‑"}:
                continue
            if low[a] in _TITLE_WORDS:  # Wikidata aliases such as "Vice President Bush": a title
                continue  # is no part of a name, and the titles-before check below reads it as one
            text = span_text(doc, a, b)
            if not gaz.persons_named(text):
                continue
            if b < b0 and not (doc[b].ent_type_ in {"DATE", "TIME"} or gaz.country(txt[b]) is not None):
                continue  # the run goes on: a longer unknown name, or "... Foundation"
            if not _only_titles_before(doc, a0, a, gaz) or _gaz_other_kind(text, gaz):
                continue
            if sum(cap[a:b]) < 2:
                continue
            return doc[a:b]
    return None


def _gazetteer_persons(doc: Doc, raw: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """A name the gazetteer knows as a person comes out whole and as a person.

    The model cuts names short ("Yoon Suk" of "Yoon Suk Yeol"), glues a country onto them
    ("Czech Republic Petr Fiala" as ORG), types them as places or bodies ("Adama Barrow" GPE), or
    misses them in lists. Every capitalized run is looked up; a known full name replaces the
    mentions it overlaps, and what is left of a replaced mention is kept if it names a country.
    A longer person span of the model that contains the known name is kept as it is.
    """
    found = [sp for run in _name_runs(doc) if run[1] - run[0] >= 2
             and (sp := _known_person_span(doc, run, gaz)) is not None]
    if not found:
        return raw
    keep_model = set()
    out: list[Mention] = []
    for m in raw:
        over = [sp for sp in found if sp.start < m.end and m.start < sp.end]
        if not over:
            out.append(m)
            continue
        if m.kind is Kind.PERSON and not m.candidate_only and len(over) == 1 \
                and m.start <= over[0].start and m.end >= over[0].end:
            keep_model.add(over[0].start)
            out.append(m)
            continue
        taken = {i for sp in over for i in range(sp.start, sp.end)}
        i = m.start
        while i < m.end:  # the parts of the replaced mention outside the names
            if i in taken:
                i += 1
                continue
            j = i
            while j < m.end and j not in taken:
                j += 1
            part = _strip_edges(doc[i:j])
            if part is not None and (c := gaz.country(part.text)) is not None:
                out.append(Mention(c.name, Kind.COUNTRY, part.start, part.end, part.start_char, part.end_char))
            i = j
    for sp in found:
        if sp.start not in keep_model:
            out.append(Mention(sp.text, Kind.PERSON, sp.start, sp.end, sp.start_char, sp.end_char))
    out.sort(key=lambda m: m.start)
    return out


#: Verbs of saying and greeting whose bare-surname subject the model often leaves untagged.
_SPEECH_VERBS = frozenset("say tell add hail welcome call note stress announce urge praise vow warn insist".split())


def _surname_subjects(doc: Doc, raw: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """ "Greeting his guest at the airport, Ruto said ...": a bare capitalized word the model left
    untagged, subject of a verb of saying, that is a gazetteer person's surname and nothing else
    the gazetteer knows, is that person's surname."""
    covered = {i for m in raw for i in range(m.start, m.end)}
    out: list[Mention] = []
    dep = deps(doc)
    for i in range(len(doc)):
        if i in covered or dep[i] != "nsubj":
            continue
        tok = doc[i]
        if tok.head.lemma_ not in _SPEECH_VERBS or tok.pos_ != "PROPN" or not _capword(tok) or tok.is_upper \
                or tok.ent_type_ or tok.lower_ in _TITLE_WORDS or any(c.dep_ == "compound" for c in tok.children):
            continue
        if not gaz.persons_by_surname(tok.text) or _gaz_other_kind(tok.text, gaz) or gaz.is_country_word(tok.text):
            continue
        out.append(Mention(tok.text, Kind.PERSON, tok.i, tok.i + 1, tok.idx, tok.idx + len(tok.text)))
    return out


def _name_word(tok: Token, gaz: Gazetteer) -> bool:
    """Can ``tok`` continue a person's name the model cut short: a capitalized proper noun that is
    no title, country, date or other entity's word?"""
    return _capword(tok) and tok.pos_ == "PROPN" and tok.ent_type_ in {"", "PERSON"} and not tok.is_upper \
        and tok.lower_ not in _TITLE_WORDS and tok.lower_ not in _NOT_NAME_HEADS and gaz.country(tok.text) is None


_LIST_BOUNDARIES = frozenset({";", ":", *"•▪►●◦‣∙"})


def _extend_person_spans(doc: Doc, raw: list[Mention], gaz: Gazetteer) -> None:
    """ "Suluhu Hassan" of "Samia Suluhu Hassan", "Maria van der" of "Maria van der Berg": a person
    span the model cut short takes in the name words next to it (up to four words in all)."""
    covered = {i for m in raw for i in range(m.start, m.end)}
    for m in raw:
        if m.kind is not Kind.PERSON or m.candidate_only:
            continue
        start, end = m.start, m.end
        # to the left only from a list bullet or colon ("•Samia Suluhu Hassan"), not over words of a
        # title the lists miss ("Chief of Staff Andriy Yermak")
        k = start
        while k > 0 and end - k < 4 and k - 1 not in covered and _name_word(doc[k - 1], gaz) \
                and not doc[k].is_sent_start:
            k -= 1
        if k < start and k > 0 and doc[k - 1].text in _LIST_BOUNDARIES:
            start = k
        # to the right only over a particle ("Maria van der" + "Berg")
        if doc[end - 1].lower_ in NAME_PARTICLES or (end < len(doc) and doc[end].lower_ in NAME_PARTICLES):
            while end < len(doc) and end - start < 5 and end not in covered:
                if _name_word(doc[end], gaz):
                    end += 1
                elif doc[end].lower_ in NAME_PARTICLES and end + 1 < len(doc) and end + 1 not in covered \
                        and (_name_word(doc[end + 1], gaz) or doc[end + 1].lower_ in NAME_PARTICLES):
                    end += 1
                else:
                    break
        while end - 1 > start and doc[end - 1].lower_ in NAME_PARTICLES:
            end -= 1
        if (start, end) == (m.start, m.end):
            continue
        span = doc[start:end]
        if _gaz_other_kind(span.text, gaz):
            continue
        covered |= set(range(start, end))
        m.text, m.start, m.end, m.start_char, m.end_char = span.text, start, end, span.start_char, span.end_char


def _plain_name(span: Span, gaz: Gazetteer) -> bool:
    """Could ``span`` be a person's full name nobody knows: two to four proper nouns, no word of a
    body, venue or event, no country, and not a name the gazetteer gives to something else?"""
    if not 2 <= len(span) <= 5:
        return False
    doc = span.doc
    low, txt, cap, pos = lowers(doc), texts(doc), capwords(doc), pos_tags(doc)
    words = [i for i in range(span.start, span.end) if txt[i] not in {"-", "‑"} and low[i] not in NAME_PARTICLES]
    if not 2 <= len(words) <= 4 or not all(cap[i] and pos[i] == "PROPN" for i in words):
        return False
    if any(low[i] in _NOT_NAME_HEADS or low[i] in _TITLE_WORDS or gaz.country(txt[i]) is not None
           or doc[i].is_upper for i in words):
        return False
    return not _gaz_other_kind(span_text(doc, span.start, span.end), gaz)


def _titled_runs(doc: Doc, raw: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """Names right after a title that the model did not tag as persons ("Prime Minister Fiame Naomi
    Mataafa", "Presidents Hage Geingob from Namibia").

    The title must end the capitalized run's head ("... Minister") or stand just before it; the rest
    must be a plain name (:func:`_plain_name`). Mentions of other kinds over it give way unless the
    gazetteer knows them.
    """
    at: dict[int, Mention] = {i: m for m in raw for i in range(m.start, m.end)}
    drop: set[int] = set()
    add: list[Mention] = []
    low, txt = lowers(doc), texts(doc)
    for a0, b0 in _name_runs(doc):
        titles = [p for p in range(a0, b0 - 1) if low[p] in _TITLE_WORDS and low[p] not in ROLE_MODIFIERS]
        before_low = low[a0 - 1] if a0 > 0 else None
        if titles:
            a = titles[-1] + 1
            if any(low[p] not in _TITLE_WORDS for p in range(a0, a)):
                continue  # "Foreign Ministry Spokesperson ..." is another shape
        elif before_low is not None and before_low in _ROLE_OR_PLURAL_TITLES and before_low not in ROLE_MODIFIERS:
            a = a0
        elif (before_low is None or txt[a0 - 1] in _LIST_BOUNDARIES or before_low in {",", "and"}) \
                and _before_country_brackets(doc[a0:b0], gaz):
            a = a0  # a list of leaders: "•Ole Brandvik Tvedt (Norway)"
        else:
            continue
        span = doc[a:b0]
        single = len(span) == 1 and bool(titles) and doc[titles[-1]].text[:1].isupper() \
            and span[0].pos_ == "PROPN" and _capword(span[0]) and not span[0].is_upper \
            and span[0].lower_ not in _NOT_NAME_HEADS and span[0].lower_ not in _TITLE_WORDS \
            and span[0].ent_type_ in {"", "PERSON"} and not _gaz_other_kind(span.text, gaz)  # "PM Sharif"
        if not single and not _plain_name(span, gaz):
            continue
        over = {id(at[i]): at[i] for i in range(a, b0) if i in at}
        if any(m.kind in (Kind.PERSON, Kind.COUNTRY) or gaz.organization(m.text) is not None
               or _known_body(doc[m.start:m.end], gaz) or m.start < a0 or m.end > b0 for m in over.values()):
            continue
        drop |= set(over)
        add.append(Mention(span.text, Kind.PERSON, span.start, span.end, span.start_char, span.end_char))
    if not add:
        return raw
    out = [m for m in raw if id(m) not in drop] + add
    out.sort(key=lambda m: m.start)
    return out


def _person_in_role_context(span: Span, gaz: Gazetteer) -> list[Mention] | None:
    """A name the model typed as a body or place, read as a person from the sentence around it.

    - an apposition to a role: "the president-elect of Paraguay, Santiago Peña", "the national
      secretary of SADC, Nazaré Salvador";
    - one of a list with persons: "three deputies: Anis Matta, Arrmanatha Nasir and Arif Havas";
    - a country glued before a name after "ROLE of": "President of Hungary Katalin Novák".
    """
    doc = span.doc
    if _plain_name(span, gaz):
        if _after_role_comma(span) or _before_role_comma(span, gaz) or _before_country_brackets(span, gaz):
            return [Mention(span.text, Kind.PERSON, span.start, span.end, span.start_char, span.end_char)]
        root = span.root
        head = root.head
        role_head = head.lower_ in ROLE_NOUNS or (
            head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lower_ in ROLE_NOUNS)
        if root.dep_ == "appos" and role_head:
            return [Mention(span.text, Kind.PERSON, span.start, span.end, span.start_char, span.end_char)]
        conj_person = (root.dep_ == "conj" and head.ent_type_ == "PERSON") or any(
            c.dep_ == "conj" and c.ent_type_ == "PERSON" for c in root.children)
        if conj_person:
            return [Mention(span.text, Kind.PERSON, span.start, span.end, span.start_char, span.end_char)]
        return None
    if span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in ROLE_NOUNS:
        for k in range(min(3, len(span) - 2), 0, -1):
            c = gaz.country(span[:k].text)
            rest = span[k:]
            if c is not None and _plain_name(rest, gaz):
                return [Mention(c.name, Kind.COUNTRY, span.start, span.start + k, span.start_char, span[k - 1].idx
                                + len(span[k - 1].text)),
                        Mention(rest.text, Kind.PERSON, rest.start, rest.end, rest.start_char, rest.end_char)]
    return None


def _bodies_not_persons(doc: Doc, raw: list[Mention]) -> None:
    """A word the article uses as a body's name elsewhere is not a person here: an outlet named
    after a media noun ("state television outlet Al-Ekhbariya") or an acronym defined in brackets
    ("... Community (SADC)") tagged PERSON in another sentence."""
    bodies = {fold(m.text) for m in raw if m.kind is Kind.ORGANIZATION and _outlet_name(doc[m.start:m.end])}
    for m in raw:
        if m.kind is Kind.ORGANIZATION and (found := _paren_acronym(doc, m.end)) is not None:
            bodies.add(fold(found[0]))
    full_words = {w for m in raw if m.kind is Kind.PERSON and len(m.text.split()) >= 2 for w in fold(m.text).split()}
    for m in raw:
        if m.kind is not Kind.PERSON:
            continue
        root = doc[m.start:m.end].root
        reporter = m.end - m.start == 1 and root.dep_ == "nsubj" and root.head.lemma_ == "report" \
            and fold(m.text) not in full_words  # ", Xinhua reports.": a bare name that reports is an agency
        if fold(m.text) in bodies or reporter:
            m.kind = Kind.ORGANIZATION


def _state_forces(doc: Doc, raw: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """ "the Indonesian army", "the Iranian air force": a state's armed service named in lower case
    after its demonym is an organization (named with the demonym; the mention covers the service
    words only, so the demonym still reads as the country's adjective)."""
    covered = {i for m in raw if not m.candidate_only for i in range(m.start, m.end)}
    out: list[Mention] = []
    txt = texts(doc)
    for i in range(len(doc) - 1):
        if not txt[i][:1].isupper() or i in covered:
            continue
        tok = doc[i]
        if gaz.country(tok.text) is None:
            continue
        for words in STATE_FORCES:
            end = tok.i + 1 + len(words)
            if end <= len(doc) and [t.text for t in doc[tok.i + 1:end]] == list(words) \
                    and not any(i in covered for i in range(tok.i + 1, end)):
                first, last = doc[tok.i + 1], doc[end - 1]
                c = gaz.country(tok.text)
                out.append(Mention(f"{tok.text} {' '.join(words)}", Kind.ORGANIZATION, tok.i + 1, end, first.idx,
                                   last.idx + len(last.text), c.name if c else None))
                break
    return out


def _dateline_agency(doc: Doc, raw: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """ "ENA February 10/2020 ...", "KAZINFORM – ...": an agency's acronym opening the copy, before
    a date or a dash, is that agency (a city there, "WASHINGTON —", is the dateline's place)."""
    if len(doc) < 3:
        return []
    first = doc[0]
    if not (first.is_upper and first.is_alpha and 2 <= len(first.text) <= 10 and first.whitespace_) \
            or any(m.start == 0 for m in raw):  # ("NUR-SULTAN." is a city with a hyphen)
        return []
    nxt = doc[1]
    if not (nxt.ent_type_ == "DATE" or nxt.text in {"–", "—", "-"}):
        return []
    if gaz.place(first.text) is not None or gaz.country(first.text) is not None:
        return []
    return [Mention(first.text, Kind.ORGANIZATION, 0, 1, first.idx, first.idx + len(first.text))]


def _after_role_comma(span: Span) -> bool:
    """ "the then president of Uruguay, Tabaré Vázquez", "its foreign minister, X": a name after a
    comma that closes a role, or a role "of" a capitalized country or body."""
    doc = span.doc
    i = span.start - 1
    if i < 1 or doc[i].text != ",":
        return False
    if doc[i - 1].lower_ in ROLE_NOUNS:
        return True
    k = i - 1
    while k > 0 and i - k <= 5 and (_capword(doc[k]) or doc[k].lower_ == "the"):
        k -= 1
    if k == i - 1 or doc[k].lower_ != "of" or k < 1:
        return False
    role = doc[k - 1]
    if role.lower_ in {"elect", "designate"} and k >= 3 and doc[k - 2].text == "-":
        role = doc[k - 3]  # "president-elect of Paraguay"
    return role.lower_ in ROLE_NOUNS


def _before_role_comma(span: Span, gaz: Gazetteer) -> bool:
    """ "Santiago Peña, Paraguay's president", "X, the former foreign minister": a name followed by a
    comma and a role (after at most an article, a country's possessive or adjectives)."""
    doc = span.doc
    j = span.end
    if j >= len(doc) or doc[j].text != ",":
        return False
    for k in range(j + 1, min(len(doc), j + 6)):
        tok = doc[k]
        if tok.lower_ in ROLE_NOUNS and tok.lower_ not in {"general", "partner", "official"}:
            return True
        if not (tok.lower_ in {"the", "a", "an", "'s", "’s"} or tok.lower_ in ROLE_MODIFIERS
                or tok.lower_ in {"former", "new", "then", "outgoing", "incoming", "current"}
                or gaz.country(tok.text) is not None or (tok.pos_ == "ADJ" and tok.is_lower)):
            return False
    return False


def _before_country_brackets(span: Span, gaz: Gazetteer) -> bool:
    """ "Jean Lucien de Tové (Togo)": a name followed by its country in brackets, as lists of
    leaders at a summit give them."""
    doc = span.doc
    j = span.end
    if j >= len(doc) or doc[j].text != "(":
        return False
    for k in range(j + 2, min(len(doc), j + 6)):
        if doc[k].text == ")":
            return gaz.country(doc[j + 1:k].text) is not None
    return False


_OUTLET_ARTICLES = ("La ", "El ")
_CAMEL = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")
_CAMEL_NAME_PREFIXES = ("Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "Van", "Von", "Al", "El", "Fitz", "O")


def _outlet_name(span: Span) -> bool:
    """A news outlet named in passing ("news agency Xinhua", "state television outlet Al-Ekhbariya",
    "the news portal MyRepublica", "La Nación"), which the model takes for a person or a place."""
    doc = span.doc
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and prev.lower_ in MEDIA_NOUNS and not prev.text[:1].isupper() \
            and len(span) <= 3 and span.text[:1].isupper():
        return True
    text = span.text
    if text.startswith(_OUTLET_ARTICLES) and len(span) == 2 and span[1].text[:1].isupper():
        return True
    return len(span) == 1 and bool(_CAMEL.fullmatch(text)) and not text.startswith(_CAMEL_NAME_PREFIXES)


def _landform(span: Span) -> bool:
    """ "Iguazu Falls", "Wadi Rum", "Lake Chad": a named landform or water, not a person or body."""
    words = [t.lower_ for t in span]
    return len(words) >= 2 and (words[0] in LANDFORM_FIRST or words[-1] in LANDFORM_LAST)


def _acronym_letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum()).upper()


def _acronym_fits(name: str, acronym: str) -> bool:
    """Does ``acronym`` spell the initials of ``name``, with the small words ("of", "and") free to
    count or not ("ECOWAS" for "Economic Community of West African States", "CPN-UML" for
    "Communist Party of Nepal-Unified Marxist Leninist")?"""
    words = [w for w in re.split(r"[\s\-‑]+", name) if w and any(c.isalnum() for c in w)]
    acr = _acronym_letters(acronym)
    if len(acr) < 2 or len(words) < 2:
        return False

    def match(i: int, j: int) -> bool:
        if j == len(acr):
            return all(w.lower() in _ACRONYM_STOPWORDS for w in words[i:])
        if i == len(words):
            return False
        w = words[i]
        if w.lower() in _ACRONYM_STOPWORDS and match(i + 1, j):
            return True
        return w[:1].upper() == acr[j] and match(i + 1, j + 1)

    return match(0, 0)


def _paren_acronym(doc: Doc, i: int) -> tuple[str, int] | None:
    """The acronym in brackets that starts at token ``i`` ("(SADC)", "(CPN-UML)"), and the index of
    its closing bracket."""
    if i >= len(doc) or doc[i].text != "(":
        return None
    for j in range(i + 2, min(len(doc), i + 6)):
        if doc[j].text == ")":
            text = doc[i + 1:j].text.strip()
            letters = _acronym_letters(text)
            if 2 <= len(letters) <= 10 and " " not in text and sum(c.isupper() for c in text) >= 2 \
                    and text[:1].isupper():
                return text, j
            return None
    return None


def _acronym_defined_orgs(doc: Doc, raw: list[Mention]) -> list[Mention]:
    """Names defined with their acronym in brackets ("the Southern African Development Community
    (SADC)") are organizations, and so is the inner body of a longer name the acronym spells
    ("Authority of Heads of State and Government of the Economic Community of West African States
    (ECOWAS)": ECOWAS is the Community, not its Authority)."""
    orgs_at_end = {m.end: m for m in raw if m.kind is Kind.ORGANIZATION}
    covered = {i for m in raw for i in range(m.start, m.end)}
    out: list[Mention] = []
    txt = texts(doc)
    for i in range(1, len(doc)):
        if txt[i] != "(":
            continue  # (no acronym in brackets starts here)
        tok = doc[i]
        found = _paren_acronym(doc, tok.i)
        if found is None:
            continue
        acr = found[0]
        end = tok.i
        start = end
        while start - 1 >= 0 and not doc[start].is_sent_start and (
                _capword(doc[start - 1]) or doc[start - 1].lower_ in _ACRONYM_STOPWORDS
                or doc[start - 1].text in {"-", "‑"}):
            start -= 1
        best = None
        for a in range(start, end - 1):  # longest first
            if not _capword(doc[a]) or doc[a].lower_ in _ACRONYM_STOPWORDS:
                continue
            if _acronym_fits(doc[a:end].text, acr):
                best = a
                break
        if best is None:
            continue
        span = doc[best:end]
        if span[-1].lower_ in EVENT_HEADS or span[-1].lower_ in VENUE_HEADS:
            continue  # "West African Economic Summit (WAES)": an event, not a body
        outer = orgs_at_end.get(end)
        if outer is not None and outer.start == best:
            continue  # the model's organization is that name already
        if outer is None and any(i in covered for i in range(best, end)):
            continue
        out.append(Mention(span.text, Kind.ORGANIZATION, span.start, span.end, span.start_char, span.end_char))
    return out
