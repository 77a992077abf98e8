"""Offline gazetteer: countries, demonyms, capitals and major cities, blocs and their members.

Why this exists: the extractor has to decide, many times per article and without a network, that
"Turkish", "Türkiye's" and "the Republic of Turkey" are one country (Wikidata Q43), that "in Geneva"
names a place in Switzerland, and that Egypt sits in BRICS but Türkiye does not. Those facts live in
``newsgraph/data/gazetteer.json.gz``, built reproducibly from public sources by
``tools/gazetteer/build_gazetteer.py`` (a maintainer tool, not installed); this module only loads
that file and answers look-ups.

Design, with growth in mind (people, posts, parties and government bodies will join later, tens of
thousands of entries): every entry of every kind is reachable through **one** normalized-key index,
``key -> [(rank, kind, position)]``, built once at load. A second, case-*sensitive* index holds
acronyms whose lower-case form is an ordinary word ("US"/"us", "WHO"/"who"), so the pronoun never
becomes a country. A look-up normalizes its text once and filters the hits by kind; adding a kind
means adding a section to the file and a dataclass here, not a new index.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from newsgraph.link.gazetteer_records import MemoryRecords, SQLiteRecords, compile_records, compiled_path
from newsgraph.link.gazetteer_records import gc_paused as _gc_paused

__all__ = [
    "Body",
    "Country",
    "Gazetteer",
    "Membership",
    "Org",
    "Person",
    "Place",
    "Position",
    "Tenure",
    "acronym_key",
    "add_keys",
    "normalize",
    "notable",
]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "´": "'"})
#: Letters that carry no combining mark to strip, so NFKD alone would not reach plain Latin.
_LATIN_BASE = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
                             "ı": "i", "ħ": "h", "ŧ": "t"})
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_POSSESSIVE = re.compile(r"(?<=[\w.])'s?$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PLAIN = re.compile(r"[0-9a-z]+(?: [0-9a-z]+)*")


def _fold(text: str) -> str:
    """Strip accents and case: "Türkiye", "Turkiye" and "TURKIYE" must meet at one key.

    ASCII text (most names) skips Unicode decomposition: load time is dominated by this function.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES)).casefold()
    return _COMBINING.sub("", decomposed).translate(_LATIN_BASE)


def normalize(text: str) -> str:
    """Index key for ``text``: folded, possessive and leading "the" dropped, dots removed.

    "Russia's", "Russia’s", "RUSSIA" -> "russia"; "U.S." -> "us"; "the Gambia" -> "gambia";
    "Côte d'Ivoire" -> "cote divoire"; "OPEC+" -> "opec plus". Both the build script and the
    loader key entries with this function, so any two spellings it merges are one name.
    """
    if text.isascii():  # the common case, and the cost of indexing tens of thousands of names
        t = text.lower().strip()
        if _PLAIN.fullmatch(t):
            return t[4:] if t.startswith("the ") and len(t) > 4 else t
    t = _fold(text).strip()
    if "'" in t:
        t = _POSSESSIVE.sub("", t).replace("'", "")
    if "+" in t or "&" in t:
        t = t.replace("+", " plus ").replace("&", " and ")
    t = _NON_ALNUM.sub(" ", t.replace(".", "")).strip()
    if t.startswith("the ") and len(t) > 4:
        t = t[4:].lstrip()
    return t


_FORM_TAIL = re.compile(r",?\s+(Inc\.?|Incorporated|Corporation|Corp\.?|Company|Co\.|Ltd\.?|Limited|plc|PLC|LLC|"
                        r"S\.A\.|SA|AG|SE|N\.V\.|NV|GmbH|S\.p\.A\.|F\.C\.|FC|A\.F\.C\.|AFC|C\.F\.|CF)$")


def core_name(label: str) -> str | None:
    """A label without its trailing legal or club form ("Apple Inc." -> "Apple", "Chelsea F.C." ->
    "Chelsea"), the name news gives the body; None if it has none. The gazetteer build adds it as an
    alias, and the linker trusts a one-word alias only when it is this."""
    m = _FORM_TAIL.search(label.strip())
    return label.strip()[: m.start()].strip() if m else None


def acronym_key(text: str) -> str | None:
    """Case-preserving key for acronym look-ups ("U.S." -> "US", "NATO's" -> "NATO", "G-7" -> "G7").

    Returns None for anything with a space in it: acronyms are single tokens. Case is kept on
    purpose: this key is what keeps "US" apart from "us" and "WHO" apart from "who".
    """
    t = text.translate(_APOSTROPHES).strip()
    if t[:4].lower() == "the ":
        t = t[4:].lstrip()
    t = _POSSESSIVE.sub("", t).replace(".", "").replace("-", "")
    if not t or " " in t or len(t) > 8:
        return None
    return t


@dataclass(frozen=True, slots=True)
class Country:
    """A country or territory. ``name`` is the short English form news uses ("Türkiye")."""

    name: str
    iso2: str
    iso3: str | None
    qid: str | None
    official: str | None
    capital: str | None
    status: str  # "un_member", "un_observer" or "other" (territories, partly recognised states)
    sovereign: bool | None
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Place:
    """A city: capitals of every country plus Natural Earth's major populated places."""

    name: str
    qid: str | None
    country: str | None  # ISO 3166-1 alpha-2 of the country it lies in
    country_name: str | None  # that country's canonical name, for callers that key on names
    capital: bool
    population: int | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Membership:
    """One country's (or body's) place in an organization, with the years it holds for."""

    name: str
    iso2: str | None
    qid: str | None
    since: int | None
    until: int | None
    status: str  # "member", "former", "observer", "partner", "invited", "associate", "suspended"
    note: str | None = None

    def active(self, year: int | None = None) -> bool:
        """True if this is a full membership that holds in ``year`` (now, when None).

        A "former" record counts for the years it covered: the UK is in the EU of 2010.
        """
        if year is None:
            return self.status == "member" and self.until is None
        if self.status not in ("member", "former"):
            return False
        return (self.since is None or self.since <= year) and (self.until is None or year < self.until)


@dataclass(frozen=True, slots=True)
class Org:
    """An intergovernmental organization, bloc or alliance.

    ``members`` is None where membership is near-universal and not enumerated (WHO, IMF, ...):
    an empty answer then means "unknown", never "nobody".
    """

    id: str
    name: str
    short: str
    qid: str | None
    type: str  # "bloc", "igo" or "alliance"
    founded: int | None
    members: tuple[Membership, ...] | None
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """A Wikidata position ("Minister of Defence of Russia"); ``role`` is the role-scheme concept id."""

    qid: str
    name: str
    country: str | None  # ISO alpha-2
    role: str | None
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Tenure:
    """One P39 statement: ``position`` (QID) held from ``start`` to ``end`` (ISO dates or years, or None)."""

    position: str
    start: str | None
    end: str | None

    def covers(self, day: str | None) -> bool:
        """Whether the tenure holds on ``day`` (ISO date); with no day, whether it is open-ended.

        Year-only bounds count the whole year, so a claim is never refuted on a rounding."""
        if day is None:
            return not self.end
        return (not self.start or self.start[:len(day)] <= day[:len(self.start)]) and \
            (not self.end or day[:len(self.end)] <= self.end[:len(day)])


@dataclass(frozen=True, slots=True)
class Person:
    """A person with a Wikidata item: an office holder (``held``: positions with dates) or a notable
    from a general list (``famous``) or a one-field registry (``domain``: "baseball").

    ``desc`` is Wikidata's short English description ("American singer-songwriter") where a source
    gives it: the linker reads the person's field of work from it and wants the article to be about
    that field before a famous name alone decides a link. ``pop`` is a popularity signal (sitelinks).
    """

    qid: str
    name: str
    country: str | None
    aliases: tuple[str, ...] = ()
    held: tuple[Tenure, ...] = ()
    desc: str | None = None
    domain: str | None = None
    famous: bool = False
    pop: int | None = None

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Body:
    """An organization with a Wikidata item other than the blocs and IGOs of :class:`Org`: political
    parties (``type`` "party"), government bodies, companies, media, universities, NGOs, sports teams.

    ``countries`` (ISO alpha-2) is empty for bodies above the nation (European Parliament groups) or
    where the source gives none; ``until`` is the year it was dissolved, if it was. ``pop`` is a
    popularity signal (sitelinks) where a source has one, ``src`` the source tags, ``desc`` Wikidata's
    short description.
    """

    qid: str
    name: str
    type: str
    countries: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    until: int | None = None
    pop: int | None = None
    src: tuple[str, ...] = ()
    desc: str | None = None

    def is_own_name(self, text: str) -> bool:
        """Whether ``text`` is this body's name, or that name without its legal or club form
        ("Apple" for "Apple Inc."), rather than an alias ("Duke" for Duke University)."""
        return normalize(text) in {normalize(self.name), normalize(core_name(self.name) or "")}


Entry = Country | Place | Org | Person | Body

#: Source tags of general notability lists (well-known entities of every field, with sitelinks): a
#: one-word name from them ("Reddit", "Hulu") most likely means that entity.
NOTABLE_SOURCES = frozenset({"fb15k", "wikitrivia", "searxng", "wdqs"})


def notable(body: Body) -> bool:
    """Whether ``body`` comes from a general notability list rather than a registry of one kind."""
    return bool(NOTABLE_SOURCES.intersection(body.src))

# Rank of a name within its entry: lower wins. Two *different* entries tied at the best rank make
# a name ambiguous ("Congo", "Congolese"), and country()/organization() then answer None.
_RANK_NAME, _RANK_ALIAS, _RANK_DEMONYM = 0, 1, 2
_RANK_EXACT = -1  # a case-exact acronym hit beats every folded hit


class Gazetteer:
    """Look-ups over the shipped gazetteer. Build with :meth:`load`; instances are read-only."""

    DEFAULT_RESOURCE: ClassVar[str] = "data/gazetteer.json.gz"

    def __init__(self, data: Mapping[str, Any], records: MemoryRecords | SQLiteRecords | None = None) -> None:
        """The gazetteer of document ``data``; its persons and bodies are ``records`` when given (a
        compiled file, see :mod:`newsgraph.link.gazetteer_records`), else those of ``data``."""
        self.meta: dict[str, Any] = dict(data.get("meta", {}))
        # Entries stay raw dicts until first asked for: indexing needs only their names, and at
        # tens of thousands of entries building every dataclass up front would double load time.
        self._raw: dict[str, list[Mapping[str, Any]]] = {
            "country": list(data.get("countries", ())),
            "place": list(data.get("places", ())),
            "org": list(data.get("organizations", ())),
        }
        # Index keys the build stored with each person and body (see :func:`add_keys`); recomputed
        # when absent or made by another version of :func:`normalize`.
        keys = partial(_index_keys, self.meta.get("key_version") == KEY_VERSION)  # picklable, unlike a closure
        self._records = records if records is not None else MemoryRecords(
            list(data.get("persons", ())), list(data.get("bodies", ())), keys, acronym_key, normalize)
        self._positions: dict[str, Position] = {}
        for r in data.get("positions", ()):
            self._positions[r["qid"]] = Position(r["qid"], r["name"], r.get("country"), r.get("role"),
                                                 _t(r.get("aliases")))
        self._by_post: dict[tuple[str | None, str | None], list[Position]] | None = None  # positions_for
        self._generic = frozenset(data.get("generic", ()))
        # dataclasses made so far, by kind and position (persons and bodies: those looked up)
        self._built: dict[str, dict[int, Any]] = {k: {} for k in ("country", "place", "org", "person", "body")}
        self._index: dict[str, list[tuple[int, str, int]]] = {}
        self._exact: dict[str, list[tuple[int, str, int]]] = {}
        self._by_code: dict[str, int] = {}
        self._orgs_by_id: dict[str, int] = {}
        for i, r in enumerate(self._raw["country"]):
            self._by_code[r["iso2"]] = i
            if r.get("iso3"):
                self._by_code.setdefault(r["iso3"], i)
            aliases = [*r.get("aliases", ()), *([r["official"]] if r.get("official") else [])]
            self._add("country", i, [r["name"]], aliases, r.get("acronyms", ()), r.get("demonyms", ()))
        for i, r in enumerate(self._raw["place"]):
            self._add("place", i, [r["name"]], r.get("aliases", ()), (), ())
        for i, r in enumerate(self._raw["org"]):
            self._orgs_by_id[r["id"]] = i
            acronyms = r.get("acronyms", ())
            short = r.get("short", r["name"])
            # A short form that is also an acronym ("WHO") is matched case-exactly only.
            names = [r["name"]] if short in acronyms else [r["name"], short]
            self._add("org", i, names, r.get("aliases", ()), acronyms, ())

    def _entry(self, kind: str, pos: int) -> Any:
        """The dataclass for entry ``pos`` of ``kind``, made on first use and kept."""
        built = self._built[kind]
        entry = built.get(pos)
        if entry is None:
            if kind == "person":
                entry = _person(self._records.person(pos))
            elif kind == "body":
                entry = _body(self._records.body(pos))
            elif kind == "country":
                entry = _country(self._raw[kind][pos])
            elif kind == "place":
                entry = _place(self._raw[kind][pos], self._country_at)
            else:
                entry = _org(self._raw[kind][pos], self._country_at)
            built[pos] = entry
        return entry

    def _country_at(self, iso2: str | None) -> Country | None:
        pos = self._by_code.get(iso2) if iso2 else None
        return self._entry("country", pos) if pos is not None else None

    def _all(self, kind: str) -> tuple[Any, ...]:
        return tuple(self._entry(kind, i) for i in range(len(self._raw[kind])))

    @cached_property
    def countries(self) -> tuple[Country, ...]:
        """Every country and territory, in ISO alpha-2 order."""
        return self._all("country")

    @cached_property
    def places(self) -> tuple[Place, ...]:
        """Every place."""
        return self._all("place")

    @cached_property
    def organizations(self) -> tuple[Org, ...]:
        """Every organization."""
        return self._all("org")

    # -- construction -----------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """The gazetteer at ``path``, loaded once per path. By default the one ``newsgraph gazetteer
        refresh`` wrote to the user data directory (:func:`user_gazetteer_path`) when there is one,
        else the one shipped in the package (which refresh never overwrites).

        Cached because every article asks, and parsing plus indexing is the only costly step.
        """
        if path is None and (user := user_gazetteer_path()).is_file():
            path = user
        return _load_cached(str(path) if path is not None else None)

    def _add(self, kind: str, pos: int, names: Iterable[str], aliases: Iterable[str],
             acronyms: Iterable[str], demonyms: Iterable[str]) -> None:
        for rank, texts in ((_RANK_NAME, names), (_RANK_ALIAS, aliases), (_RANK_DEMONYM, demonyms)):
            for text in texts:
                key = normalize(text)
                if key:
                    _put(self._index, key, (rank, kind, pos))
        for text in acronyms:
            akey = acronym_key(text)
            if akey:
                _put(self._exact, akey, (_RANK_EXACT, kind, pos))

    # -- generic look-up --------------------------------------------------------------------------

    def _hits(self, text: str, kind: str) -> list[tuple[int, int]]:
        """(rank, position) of every entry of ``kind`` that ``text`` names, best rank first."""
        if not text or not text.strip():
            return []
        best: dict[int, int] = {}
        akey = acronym_key(text)
        for source in (self._exact.get(akey, ()) if akey else (), self._index.get(normalize(text), ())):
            for rank, k, pos in source:
                if k == kind and rank < best.get(pos, 99):
                    best[pos] = rank
        return sorted((rank, pos) for pos, rank in best.items())

    def _unique(self, text: str, kind: str) -> Entry | None:
        hits = self._hits(text, kind)
        if not hits or (len(hits) > 1 and hits[0][0] == hits[1][0]):
            return None
        return self._entry(kind, hits[0][1])

    def candidates(self, text: str, kind: str = "country") -> list[Entry]:
        """Every entry of ``kind`` ("country", "place", "org") that ``text`` may name, best first.

        Use it where :meth:`country` answers None because a name is shared ("Congo", "Congolese").
        """
        return [self._entry(kind, pos) for _, pos in self._hits(text, kind)]

    # -- countries --------------------------------------------------------------------------------

    def country(self, text: str) -> Country | None:
        """The country ``text`` names: a name, alias, acronym, demonym or adjective, in any case,
        with or without accents, "the", dots or a possessive ("Britain's", "the U.S.", "Emirati").

        None if unknown or ambiguous between countries. "Georgia" is the country (Q230): the US
        state is not in this gazetteer, so callers with American context must check for themselves.
        """
        found = self._unique(text, "country")
        return found if isinstance(found, Country) else None

    def is_country_word(self, text: str) -> bool:
        """True if ``text`` names or qualifies some country, even ambiguously ("Congolese")."""
        return bool(self._hits(text, "country"))

    def by_code(self, code: str) -> Country | None:
        """Country by ISO 3166-1 alpha-2 or alpha-3 code ("TR", "TUR").

        Codes are kept out of :meth:`country` on purpose: "IN", "IS", "IT", "CAN", "AND" are words.
        """
        return self._country_at(code.strip().upper())

    # -- places -----------------------------------------------------------------------------------

    def place(self, text: str) -> Place | None:
        """The city ``text`` names; a shared name goes to a state's capital, then the most populous."""
        found = self.places_named(text)
        return found[0] if found else None

    def places_named(self, text: str) -> list[Place]:
        """All cities called ``text``, capitals of states first, then by population."""
        hits: list[Place] = [self._entry("place", pos) for _, pos in self._hits(text, "place")]
        return sorted(hits, key=lambda p: (not self._state_capital(p), -(p.population or 0)))

    def _state_capital(self, p: Place) -> bool:
        """Capital of a state (not of a territory: Plymouth, Montserrat must not beat Plymouth, UK)."""
        c = self._country_at(p.country) if p.capital else None
        return c is not None and c.status != "other"

    # -- organizations ----------------------------------------------------------------------------

    def organization(self, text: str) -> Org | None:
        """The organization ``text`` names, by name, short form, alias or acronym ("NATO", "Nato",
        "OPEC+", "G-7", "the Quad"); None if unknown or ambiguous."""
        found = self._unique(text, "org")
        return found if isinstance(found, Org) else None

    def members(self, org: Org | str, *, year: int | None = None, status: str = "member") -> list[Membership]:
        """Members of ``org`` (an :class:`Org`, its id, name or acronym).

        With the default ``status="member"`` only full memberships holding in ``year`` (now, when
        None) are returned; pass ``status="observer"``, ``"partner"``, ``"former"``... for others,
        or ``status="*"`` for every record. Empty for unknown organizations and for those whose
        membership is not enumerated (``Org.members is None``).
        """
        o = org if isinstance(org, Org) else (self._org_by_id(org) or self.organization(org))
        if o is None or o.members is None:
            return []
        if status == "*":
            return list(o.members)
        if status == "member":
            return [m for m in o.members if m.active(year)]
        return [m for m in o.members if m.status == status]

    def is_member(self, country: Country | str, org: Org | str, *, year: int | None = None) -> bool | None:
        """Whether ``country`` is a full member of ``org``; None when that cannot be told."""
        c = country if isinstance(country, Country) else self.country(country)
        o = org if isinstance(org, Org) else (self._org_by_id(org) or self.organization(org))
        if c is None or o is None or o.members is None:
            return None
        return any(m.iso2 == c.iso2 for m in self.members(o, year=year))

    # -- persons and positions ----------------------------------------------------------------------

    def persons_named(self, text: str) -> list[Person]:
        """Every person whose name or alias ``text`` is (folded), best rank first."""
        refs = self._records.person_refs(normalize(text)) if text and text.strip() else ()
        return [self._entry("person", i) for _, i in sorted(refs)]

    def persons_by_surname(self, text: str) -> list[Person]:
        """Every person whose name (or alias) ends in the single word ``text``: "Shoygu"."""
        key = normalize(text)
        if not key or " " in key:
            return []
        return [self._entry("person", pos) for pos in self._records.surname(key)]

    def person(self, qid: str) -> Person | None:
        """The person with this QID."""
        pos = self._records.person_pos(qid)
        return self._entry("person", pos) if pos is not None else None

    def holders(self, position: str) -> list[Person]:
        """Every person recorded as holding the position with QID ``position``, at any time.

        For names that the article spells differently from Wikidata ("el-Sissi" / "el-Sisi"): the
        post the article gives narrows tens of thousands of persons down to a handful."""
        return [self._entry("person", i) for i in self._records.holders(position)]

    def position(self, qid: str) -> Position | None:
        """The position with this QID, if the gazetteer has it."""
        return self._positions.get(qid)

    @cached_property
    def positions(self) -> tuple[Position, ...]:
        return tuple(self._positions.values())

    def positions_for(self, country: str | None, role: str | None) -> list[Position]:
        """Positions of ``country`` (ISO alpha-2) whose role concept is ``role``."""
        if self._by_post is None:  # one pass, on first use: was a scan of every position per call
            by_post: dict[tuple[str | None, str | None], list[Position]] = {}
            for p in self._positions.values():
                by_post.setdefault((p.country, p.role), []).append(p)
            self._by_post = by_post
        return list(self._by_post.get((country, role), ()))

    # -- national bodies (parties) ------------------------------------------------------------------

    def bodies_named(self, text: str) -> list[tuple[Body, bool]]:
        """Every body ``text`` names, as (body, by acronym only): by name or alias (folded), or by
        acronym (case-exact: "AfD", "CDU"). Competing bodies are all returned; choosing is the caller's."""
        if not text or not text.strip():
            return []
        by_name = self._records.body_names(normalize(text))
        akey = acronym_key(text)
        by_acronym = [i for i in self._records.body_acronyms(akey) if i not in by_name] if akey else []
        return [(self._entry("body", i), False) for i in by_name] + [(self._entry("body", i), True)
                                                                      for i in by_acronym]

    def teams_of(self, text: str) -> list[tuple[Body, str]]:
        """Sports teams whose name is ``text`` and more words, with those words ("Florida State" ->
        (Florida State Seminoles football, "seminoles football")): news names a college's team by
        the college."""
        key = normalize(text)
        if not key:
            return []
        head = key + " "
        return [(self._entry("body", i), name[len(head):]) for name, i in self._records.teams()
                if name.startswith(head)]

    def is_generic(self, text: str) -> bool:
        """Whether ``text`` is a body's name made of English words only ("Queen", "Air Force")."""
        return normalize(text) in self._generic

    #: Sitelinks that make a body famous enough to own an English word as its name ("Arsenal").
    WORD_POP: ClassVar[int] = 50

    def one_word_names(self, body: Body, text: str) -> bool:
        """Whether the single word ``text`` is enough to name ``body``.

        It must be the body's own name, or that name without its legal or club form ("Apple" for
        "Apple Inc."), not a leading word ("Duke" for Duke University) or a nickname; a group that is
        neither company nor medium nor agency (a band: "Queen", "Yes") needs a known popularity; and
        an English word needs a famous body ("Arsenal", not "Eagles")."""
        if not body.is_own_name(text) or (body.type == "other" and not body.pop):
            return False
        return not self.is_generic(text) or (body.pop or 0) >= self.WORD_POP

    def known_bodies(self, text: str) -> list[Body]:
        """Bodies other than parties whose name or alias is ``text`` as written but for case, or
        whose acronym it is exactly; ``text`` must start with a capital.

        For finding organizations the model missed ("streaming on Hulu"): a single word must be
        spelt as the body's own name, so that an ordinary word or a lower-case mention never becomes
        one, but case may differ ("YouTube" / "Youtube"); several words may differ in punctuation
        too ("KIIS FM" / "KIIS-FM")."""
        if not text[:1].isupper():
            return []
        folded = text.casefold()
        several = " " in normalize(text)  # "KIIS FM" is "KIIS-FM": punctuation may differ between words
        return [b for b, by_acronym in self.bodies_named(text)
                if b.type != "party" and (text in b.acronyms if by_acronym else
                                          several or folded == b.name.casefold()
                                          or any(folded == a.casefold() for a in b.aliases))]

    # -- introspection ----------------------------------------------------------------------------

    def _org_by_id(self, org_id: str) -> Org | None:
        pos = self._orgs_by_id.get(org_id)
        return self._entry("org", pos) if pos is not None else None

    def __len__(self) -> int:
        return sum(len(v) for v in self._raw.values()) + self._records.person_count() + \
            self._records.body_count() + len(self._positions)

    def stats(self) -> dict[str, int]:
        """Entry and key counts, for benchmarks and the build report."""
        return {
            "countries": len(self._raw["country"]),
            "places": len(self._raw["place"]),
            "organizations": len(self._raw["org"]),
            "persons": self._records.person_count(),
            "positions": len(self._positions),
            "bodies": self._records.body_count(),
            "keys": len(self._index),
            "exact_keys": len(self._exact),
        }


#: Version of :func:`normalize` that the keys stored in a gazetteer file were made with; bump it
#: whenever normalize() changes, so that files built before are re-keyed at load.
KEY_VERSION = 2


_INITIALS = re.compile(r"\b[a-z](?: [a-z]\b)+")


def record_keys(record: Mapping[str, Any], fold: Callable[[str], str] = normalize) -> list[str]:
    """The index keys of a person or body record: its name's first (possibly ""), then its aliases',
    and for names with spaced initials the initials run together too ("J. K. Rowling" is also
    "JK Rowling", as news often writes it)."""
    keys = [fold(record["name"])]
    for text in (record["name"], *record.get("aliases", ())):
        key = fold(text)
        for k in (key, _INITIALS.sub(lambda m: m.group(0).replace(" ", ""), key)):
            if k and k not in keys:
                keys.append(k)
    return keys


def _lower(text: str) -> str:
    return text.lower()


def _index_keys(stored: bool, record: Mapping[str, Any]) -> Iterable[str]:
    """The index keys of a person or body record: those the build stored (``k``, else its names
    lower-cased) when the file's keys are of this :data:`KEY_VERSION`, else made again."""
    return (record.get("k") or record_keys(record, _lower)) if stored else record_keys(record)


def add_keys(doc: dict[str, Any]) -> dict[str, Any]:
    """Store the index keys of each person and body whose names :func:`normalize` does more to than
    lower-case (``k``: "Abdel Fattah el-Sisi", "Štefan Füle", "U.S. Steel"), so that loading does
    not fold a hundred thousand names again; the others are keyed by ``str.lower`` at load. The
    folding is most of the time the first person or body look-up of a process takes. Call it on a
    document just before writing it."""
    for section in ("persons", "bodies"):
        for r in doc.get(section, ()):
            r.pop("k", None)
            keys = record_keys(r)
            if keys != record_keys(r, _lower):
                r["k"] = keys
    doc.setdefault("meta", {})["key_version"] = KEY_VERSION
    return doc


def _put(index: dict[str, list[tuple[int, str, int]]], key: str, ref: tuple[int, str, int]) -> None:
    refs = index.get(key)
    if refs is None:
        index[key] = [ref]
    elif ref not in refs:
        refs.append(ref)


def _t(value: Any) -> tuple[str, ...]:
    return tuple(value) if value else ()


def _country(r: Mapping[str, Any]) -> Country:
    return Country(
        name=r["name"], iso2=r["iso2"], iso3=r.get("iso3"), qid=r.get("qid"), official=r.get("official"),
        capital=r.get("capital"), status=r.get("status", "other"), sovereign=r.get("sovereign"),
        aliases=_t(r.get("aliases")), acronyms=_t(r.get("acronyms")), demonyms=_t(r.get("demonyms")),
    )


def _place(r: Mapping[str, Any], country_at: Callable[[str | None], Country | None]) -> Place:
    iso = r.get("country")
    c = country_at(iso)
    return Place(name=r["name"], qid=r.get("qid"), country=iso, country_name=c.name if c else None,
                 capital=bool(r.get("capital")), population=r.get("population"), aliases=_t(r.get("aliases")))


def _membership(r: Mapping[str, Any], country_at: Callable[[str | None], Country | None]) -> Membership:
    iso = r.get("iso")
    c = country_at(iso)
    return Membership(
        name=c.name if c else r.get("name", iso or "?"), iso2=iso, qid=c.qid if c else r.get("qid"),
        since=r.get("since"), until=r.get("until"), status=r.get("status", "member"), note=r.get("note"),
    )


def _org(r: Mapping[str, Any], country_at: Callable[[str | None], Country | None]) -> Org:
    raw = r.get("members")
    return Org(
        id=r["id"], name=r["name"], short=r.get("short", r["name"]), qid=r.get("qid"), type=r["type"],
        founded=r.get("founded"),
        members=None if raw is None else tuple(_membership(m, country_at) for m in raw),
        aliases=_t(r.get("aliases")), acronyms=_t(r.get("acronyms")), note=r.get("note"),
    )


def _person(r: Mapping[str, Any]) -> Person:
    held = tuple(Tenure(t[0], t[1] or None, t[2] or None) for t in r.get("held", ()))
    return Person(qid=r["qid"], name=r["name"], country=r.get("country"), aliases=_t(r.get("aliases")), held=held,
                  desc=r.get("desc"), domain=r.get("domain"), famous=bool(r.get("famous")), pop=r.get("pop"))


def _body(r: Mapping[str, Any]) -> Body:
    return Body(qid=r["qid"], name=r["name"], type=r.get("type", "party"), countries=_t(r.get("countries")),
                aliases=_t(r.get("aliases")), acronyms=_t(r.get("acronyms")), until=r.get("until"),
                pop=r.get("pop"), src=_t(r.get("src")), desc=r.get("desc"))


def user_gazetteer_path() -> Path:
    """Where ``newsgraph gazetteer refresh`` writes: ``$XDG_DATA_HOME/newsgraph/gazetteer.json.gz``
    (``~/.local/share/...``), so the installed package stays as shipped and a reinstall keeps it."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsgraph" / "gazetteer.json.gz"


def _read(path: str | None) -> bytes:
    if path is None:
        return resources.files("newsgraph").joinpath(Gazetteer.DEFAULT_RESOURCE).read_bytes()
    return Path(path).read_bytes()


def decode(raw: bytes) -> Any:
    """The gazetteer document from file bytes, gzip-compressed (as shipped) or plain JSON."""
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return json.loads(raw)


def encode(doc: Any, target: Path) -> bytes:
    """File bytes for ``target``: compact JSON, gzip-compressed (reproducibly: mtime 0) for ``.gz``."""
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    return gzip.compress(data, compresslevel=9, mtime=0) if target.name.endswith(".gz") else data


def compiled_cache_dir() -> Path | None:
    """Where compiled gazetteers go: ``$NEWSGRAPH_GAZETTEER_CACHE`` (empty: none, parse the file
    every time), else ``$XDG_CACHE_HOME/newsgraph`` (``~/.cache/newsgraph``)."""
    if (env := os.environ.get("NEWSGRAPH_GAZETTEER_CACHE")) is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsgraph"


#: Sections of the document kept in RAM whatever the form (a few thousand entries).
_SMALL = ("meta", "countries", "places", "organizations", "positions", "generic")


@lru_cache(maxsize=8)
def _load_cached(path: str | None) -> Gazetteer:
    """The gazetteer of file ``path``: from its compiled form when there is one (made from the file's
    bytes, so a changed file gets a new one), else parsed, and compiled for the next process (see
    :mod:`newsgraph.link.gazetteer_records`; a cache folder that cannot be written only costs time)."""
    raw = _read(path)
    folder = compiled_cache_dir()
    target = compiled_path(raw, folder) if folder is not None else None
    if target is not None and target.is_file():
        try:
            records = SQLiteRecords(target)
            return Gazetteer(records.small(), records)
        except (sqlite3.Error, KeyError, IndexError, ValueError):
            target.unlink(missing_ok=True)  # damaged or of another version: made again below
    with _gc_paused():
        doc = decode(raw)
        gaz = Gazetteer(doc)
    if target is not None:
        with contextlib.suppress(OSError, sqlite3.Error):
            compile_records(gaz._records, {k: doc[k] for k in _SMALL if k in doc}, target)  # type: ignore[arg-type]
    return gaz
