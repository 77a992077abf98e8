"""Online reconciliation: Wikidata candidates for the persons and organizations the gazetteer cannot
resolve, decided by the offline linker's own rules.

Why this design: the offline linker (:mod:`newsgraph.link.offline`) already knows when a name may become a
QID (a post and date the article gives, the person's country in a story about politics, their field
of work; never a bare surname alone; a body's country). Online reconciliation must not become a
second, looser rule set. So the items Wikidata returns are turned into the *same* gazetteer records
(:class:`~newsgraph.link.gazetteer.Person` with P39 tenures, :class:`~newsgraph.link.gazetteer.Body` with
countries and a type), laid over the shipped gazetteer for one article (:class:`Overlay`), and the
article is linked again with :func:`newsgraph.link.offline.link`. A candidate becomes a link only where an
offline record with the same facts would.

Per article: the offline linker runs on a copy; each person left unlinked under a full name (two
words or more) and each organization left unlinked is searched (``wbsearchentities``; an
organization of a named country also with its adjective: "Turkish Foreign Ministry"),
then all candidates are fetched in one batched ``wbgetentities``. An item is a person when it is an
instance (P31) of human (Q5): name and aliases in English, citizenship (P27) as country, positions
held (P39) with start (P580) and end (P582), the English description with the occupations (P106)
the linker knows as field words, ``famous`` at 40 sitelinks (as the gazetteer's notables). An item
is a body when P31 is one of the classes :mod:`newsgraph.link.refresh` reads notables by (or a ministry,
or a political party), or a subclass of one (P279*: "ministry of foreign affairs" is a ministry; one
batched, cached query-service look-up for the classes not seen before, see
:meth:`~newsgraph.link.wikidata_api.WikidataClient.superclasses`), unless that class is also a
territorial unit or a settlement (a municipality may be a local government too): country (P17),
dissolution (P576), sitelinks as popularity, notable at 15 sitelinks. Items of any other class are
dropped: a film called "Security Council" is no body.
Tenures of positions the gazetteer does not know are dropped, as the gazetteer has none: with no
role or country they could support no post, and they would make anyone an "office holder" (a missing
link rather than a guessed one).
"""

from __future__ import annotations

import copy
import dataclasses
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any, cast

from newsgraph.facts import ArticleFacts, Kind
from newsgraph.link.gazetteer import Body, Gazetteer, Person, normalize
from newsgraph.link.identity import IdentityIndex
from newsgraph.link.offline import link
from newsgraph.link.refresh import DEFAULT_MIN_SITELINKS, MIN_SITELINKS, NOTABLE_CLASSES
from newsgraph.link.wikidata_api import WikidataClient

HUMAN = "Q5"
#: P31 class -> body type, for the items that may be an organization of the news.
BODY_CLASSES: dict[str, str] = {q: kind for kind, qs in NOTABLE_CLASSES.items() if kind != "person" for q in qs}
BODY_CLASSES.update({"Q7278": "party", "Q192350": "government"})  # political party; ministry
#: Classes whose subclasses are never taken as bodies, whatever else they are subclasses of:
#: administrative territorial entity, human settlement (a town's council is not the town).
PLACE_CLASSES = frozenset({"Q56061", "Q486972"})
#: Which kind wins when a class is a subclass of known classes of several kinds: the most specific.
KIND_ORDER = ("party", "sports-team", "media", "education", "government", "nonprofit", "company")
#: Occupations (P106) as the words of a description that name a field of work (see link.FIELD_TITLES).
OCCUPATIONS: dict[str, str] = {
    "Q82955": "politician", "Q193391": "diplomat", "Q40348": "lawyer", "Q189290": "military officer",
    "Q937857": "footballer", "Q11303721": "golfer", "Q2066131": "athlete", "Q10833314": "tennis player",
    "Q33999": "actor", "Q177220": "singer", "Q639669": "musician", "Q36180": "writer",
    "Q1930187": "journalist", "Q43845": "businessman", "Q188094": "economist", "Q901": "scientist",
}


def _en(item: dict[str, Any], field: str) -> str | None:
    value = item.get(field, {}).get("en")
    return value.get("value") if isinstance(value, dict) else None


def _aliases(item: dict[str, Any]) -> list[str]:
    return [a["value"] for a in item.get("aliases", {}).get("en", ()) if isinstance(a, dict) and a.get("value")]


def _values(item: dict[str, Any], prop: str) -> list[Any]:
    out = []
    for st in item.get("claims", {}).get(prop, ()):
        snak = st.get("mainsnak", {})
        if snak.get("snaktype", "value") == "value" and "datavalue" in snak:
            out.append(snak["datavalue"].get("value"))
    return out


def _qids(item: dict[str, Any], prop: str) -> list[str]:
    return [v["id"] for v in _values(item, prop) if isinstance(v, dict) and v.get("id")]


def wikidata_date(value: Any) -> str | None:
    """An ISO date as precise as Wikidata's ("+2023-06-04T00:00:00Z", precision 11 -> "2023-06-04";
    precision 9 -> "2023"), or None for a value coarser than a year or unknown."""
    if not isinstance(value, dict) or not isinstance(value.get("time"), str):
        return None
    t, precision = value["time"].lstrip("+"), value.get("precision", 11)
    if t.startswith("-") or precision < 9:
        return None
    return t[:10] if precision >= 11 else t[:7] if precision == 10 else t[:4]


def _qualifier(st: dict[str, Any], prop: str) -> Any:
    for q in st.get("qualifiers", {}).get(prop, ()):
        if q.get("snaktype", "value") == "value" and "datavalue" in q:
            return q["datavalue"].get("value")
    return None


def person_record(item: dict[str, Any], iso_of: dict[str, str],
                  known: Callable[[str], bool] = lambda _q: True) -> dict[str, Any] | None:
    """A gazetteer ``persons`` record for a human item with an English label, else None. Only the
    tenures of positions ``known`` says the gazetteer has are kept, as in the gazetteer itself: an
    office of no known role and country (a bishopric, a club chair) makes no one an office holder."""
    name = _en(item, "labels")
    if HUMAN not in _qids(item, "P31") or not name:
        return None
    held = []
    for st in item.get("claims", {}).get("P39", ()):
        snak = st.get("mainsnak", {})
        pos = snak.get("datavalue", {}).get("value", {}).get("id") if snak.get("snaktype", "value") == "value" else None
        if pos and known(pos):
            held.append([pos, wikidata_date(_qualifier(st, "P580")) or "", wikidata_date(_qualifier(st, "P582")) or ""])
    occupations = [OCCUPATIONS[q] for q in _qids(item, "P106") if q in OCCUPATIONS]
    desc = "; ".join(x for x in (_en(item, "descriptions"), " ".join(occupations)) if x) or None
    country = next((iso_of[q] for q in _qids(item, "P27") if q in iso_of), None)
    pop = int(item.get("sitelinks") or 0)
    return {"qid": item["id"], "name": name, "country": country, "aliases": _aliases(item), "held": held,
            "desc": desc, "famous": pop >= MIN_SITELINKS["person"], "pop": pop}


def body_kind(classes: Iterable[str], supers: dict[str, list[str]] | None = None) -> str | None:
    """The body type of an item of these P31 ``classes``: a class of :data:`BODY_CLASSES` itself,
    else one whose known superclasses (``supers``: class -> classes of :data:`BODY_CLASSES` and
    :data:`PLACE_CLASSES` it is a subclass of) name a body type and no place; None otherwise."""
    classes = list(classes)
    direct = next((BODY_CLASSES[q] for q in classes if q in BODY_CLASSES), None)
    if direct is not None or not supers:
        return direct
    kinds = {BODY_CLASSES[s] for q in classes if not PLACE_CLASSES & set(supers.get(q, ()))
             for s in supers.get(q, ()) if s in BODY_CLASSES}
    return next((k for k in KIND_ORDER if k in kinds), None)


def body_record(item: dict[str, Any], iso_of: dict[str, str],
                supers: dict[str, list[str]] | None = None) -> dict[str, Any] | None:
    """A gazetteer ``bodies`` record for an item of an organization class (or a subclass of one, per
    ``supers``, see :func:`body_kind`) with an English label."""
    name = _en(item, "labels")
    kind = body_kind(_qids(item, "P31"), supers)
    if kind is None or not name:
        return None
    aliases = _aliases(item)
    acronyms = [a for a in aliases if 2 <= len(a) <= 8 and a.isupper() and a.isalpha()]
    ended = [d for v in _values(item, "P576") if (d := wikidata_date(v))]
    pop = int(item.get("sitelinks") or 0)
    return {"qid": item["id"], "name": name, "type": kind,
            "countries": list(dict.fromkeys(iso_of[q] for q in _qids(item, "P17") if q in iso_of)),
            "aliases": [a for a in aliases if a not in acronyms], "acronyms": acronyms,
            "until": int(ended[0][:4]) if ended else None, "pop": pop,
            "src": ["wdqs" if pop >= DEFAULT_MIN_SITELINKS else "online"], "desc": _en(item, "descriptions")}


def exact_hits(term: str, found: dict[str, Any]) -> list[str]:
    """QIDs of the hits whose label or matched alias is ``term`` (folded), as the gazetteer matches
    names: a prefix hit ("Donald Trump Jr." for "Donald Trump") could not link anyway. The service
    ranks exact matches first, so when a full page holds nothing else and more pages follow, the
    name has more bearers than we see and none is taken: the context could not be weighed against
    the namesakes left out."""
    key = normalize(term)
    hits = found.get("hits", ())
    exact = [h["id"] for h in hits if key in (normalize(h.get("label", "")), normalize(h.get("text", "")))]
    if found.get("more") and exact and len(exact) == len(hits):
        return []
    return exact


class Overlay:
    """The shipped gazetteer with one article's online records laid over it.

    Look-ups of persons and bodies answer from both (an online record replaces the shipped record
    of the same QID: it is newer, e.g. a 2023 appointment; flags only the shipped file has are
    kept); everything else is the shipped gazetteer's. It stands in for a
    :class:`~newsgraph.link.gazetteer.Gazetteer` wherever the linker and identity take one."""

    def __init__(self, base: Gazetteer, persons: list[dict[str, Any]], bodies: list[dict[str, Any]]) -> None:
        self.base = base
        self.extra = Gazetteer({"persons": persons, "bodies": bodies})
        self._fresh = {r["qid"] for r in persons}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)

    def _persons(self, base: Iterable[Person], extra: Iterable[Person]) -> list[Person]:
        out = {p.qid: self._newer(p) for p in base}
        for p in extra:
            out.setdefault(p.qid, p)
        return list(out.values())

    def _newer(self, old: Person) -> Person:
        new = self.extra.person(old.qid) if old.qid in self._fresh else None
        if new is None:
            return old
        aliases = tuple(a for a in dict.fromkeys((*new.aliases, *old.names())) if a != new.name)
        return dataclasses.replace(new, aliases=aliases, domain=old.domain, famous=old.famous or new.famous)

    def persons_named(self, text: str) -> list[Person]:
        return self._persons(self.base.persons_named(text), self.extra.persons_named(text))

    def persons_by_surname(self, text: str) -> list[Person]:
        return self._persons(self.base.persons_by_surname(text), self.extra.persons_by_surname(text))

    def person(self, qid: str) -> Person | None:
        old = self.base.person(qid)
        return self._newer(old) if old is not None else self.extra.person(qid)

    def holders(self, position: str) -> list[Person]:
        return self._persons(self.base.holders(position), self.extra.holders(position))

    def bodies_named(self, text: str) -> list[tuple[Body, bool]]:
        extra = self.extra.bodies_named(text)
        seen = {b.qid for b, _ in extra}
        return [*extra, *((b, a) for b, a in self.base.bodies_named(text) if b.qid not in seen)]

    def teams_of(self, text: str) -> list[tuple[Body, str]]:
        return [*self.base.teams_of(text), *self.extra.teams_of(text)]


class Reconciler:
    """Links articles offline, then online for what the gazetteer left unresolved.

    ``on_notice`` receives one line the first time the network is found unreachable (the run then
    links from the cache and the gazetteer only). ``searches`` and ``fetched`` count look-ups, for
    the benchmark."""

    def __init__(self, client: WikidataClient, on_notice: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.on_notice = on_notice
        self.noticed = False
        self.noticed_sparql = False

    def link(self, facts: ArticleFacts, gaz: Gazetteer, identities: IdentityIndex | None = None) -> ArticleFacts:
        """Link ``facts`` as :func:`newsgraph.link.offline.link` does, with online candidates when it finds none."""
        trial = link(copy.deepcopy(facts), gaz)
        terms = search_terms(trial, gaz)
        if not terms:
            return link(facts, gaz, identities)
        try:
            overlay = self._overlay(trial, gaz, terms)
        except (KeyError, TypeError, ValueError, AttributeError, sqlite3.Error) as exc:
            # an answer of an unexpected shape, or a cache that cannot be written: offline, not a failed run
            self.client.down = self.client.down or f"unusable answer or cache ({type(exc).__name__}: {exc})"
            overlay = None
        self._notice()
        return link(facts, overlay if overlay is not None else gaz, identities)

    def _overlay(self, trial: ArticleFacts, gaz: Gazetteer, terms: list[str]) -> Gazetteer:
        qids: list[str] = []
        for term in terms:
            qids.extend(exact_hits(term, self.client.search(term)))
        items = self.client.entities(qids)
        iso_of = {c.qid: c.iso2 for c in gaz.countries if c.qid}
        persons = [r for item in items.values()
                   if (r := person_record(item, iso_of, lambda q: gaz.position(q) is not None))]
        supers = self._supers(items)
        bodies = [r for item in items.values() if (r := body_record(item, iso_of, supers))]
        _country_forms(trial, gaz, bodies)
        return cast(Gazetteer, Overlay(gaz, persons, bodies))

    def _supers(self, items: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
        """Known superclasses of the P31 classes of the items that are neither persons nor of a
        body class themselves (one batched look-up, cached; see :func:`body_kind`)."""
        classes = [q for item in items.values() if HUMAN not in (p31 := _qids(item, "P31"))
                   and not BODY_CLASSES.keys() & set(p31) for q in p31]
        if not classes:
            return {}
        return self.client.superclasses(classes, BODY_CLASSES.keys() | PLACE_CLASSES)

    def _notice(self) -> None:
        if self.client.down and not self.noticed:
            self.noticed = True
            if self.on_notice:
                self.on_notice(f"Wikidata not used: {self.client.down}; linking offline (and from the cache)")
        if self.client.sparql_down and not self.client.down and not self.noticed_sparql:
            self.noticed_sparql = True
            if self.on_notice:
                self.on_notice(f"Wikidata query service not used: {self.client.sparql_down}; organizations "
                               "count by their direct class only")


def _country_names(gaz: Gazetteer, key: str | None, facts: ArticleFacts) -> tuple[str | None, list[str]]:
    """(ISO code, adjective first, then the one-word names) of the country entity ``key``: "Turkish",
    "Türkiye", "Turkey"."""
    ent = facts.entities.get(key) if key else None
    country = gaz.country(ent.name) if ent is not None else None
    if country is None:
        return None, []
    names = [*country.demonyms[:1], country.name, *(a for a in country.aliases if " " not in a)]
    return country.iso2, list(dict.fromkeys(names))


def search_terms(trial: ArticleFacts, gaz: Gazetteer) -> list[str]:
    """What to search for: the full names of unlinked persons (never a bare surname) and the names
    of unlinked organizations, those of a named country also with the country before them."""
    terms: list[str] = []
    for ent in trial.entities.values():
        if ent.wikidata:
            continue
        if ent.kind is Kind.PERSON:
            terms.extend(n for n in (ent.name, *sorted(ent.aliases)) if " " in normalize(n))
        elif ent.kind is Kind.ORGANIZATION and len(normalize(ent.name).replace(" ", "")) >= 3:
            terms.append(ent.name)
            _, names = _country_names(gaz, ent.country, trial)
            terms.extend(f"{n} {ent.name}" for n in names[:1])  # "Turkish Foreign Ministry", as aliases go
    return list(dict.fromkeys(terms))


def _country_forms(trial: ArticleFacts, gaz: Gazetteer, bodies: list[dict[str, Any]]) -> None:
    """Give a body the name an article uses with a country apart ("Turkey's Foreign Ministry"):
    when the body of that country bears the name with the country in front ("Turkish Foreign
    Ministry"), the bare name is added to its aliases for this article. The linker still checks the
    body's country against the one the article gives."""
    for ent in trial.entities.values():
        if ent.wikidata or ent.kind is not Kind.ORGANIZATION or not ent.country:
            continue
        iso, names = _country_names(gaz, ent.country, trial)
        if iso is None:
            continue
        forms = {normalize(f"{n} {ent.name}") for n in names}
        for rec in bodies:
            if iso in rec["countries"] and forms & {normalize(x) for x in (rec["name"], *rec["aliases"])} \
                    and ent.name not in rec["aliases"]:
                rec["aliases"].append(ent.name)
