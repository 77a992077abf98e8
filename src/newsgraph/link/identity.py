"""Identity across articles: one IRI per person, whatever the article calls them and whatever the order.

The mapper mints person IRIs from keys this module sets (:attr:`Entity.identity`), and every person
gets one ``skos:prefLabel`` shared by all article graphs (:attr:`Entity.pref_label`). Each article
graph is a *mention* of its persons: the article's own wording (``rdfs:label``, ``skos:altLabel``),
its own Wikidata link (``owl:sameAs``, set by the gazetteer linker from this article's context), its
post claims and its date. The IRIs are a function of the set of mentions published, not of the order
they came in (:func:`_cluster`), in this order of evidence:

1. **Linked mentions** of one Wikidata item are one person, under the linker's key.
2. **An unlinked full name** ("Gen Pervez Musharraf": titles are never part of a key, see
   :mod:`newsgraph.names`) joins the one linked person in the archive who bears that name, or a
   spelling of it ("Shavkat Mirziyoev", "Tayyip Erdogan", "Faisal bin Farhan"), when nothing
   contradicts it (posts in other countries) and, unless the name is exact and the gazetteer knows
   no namesake, when the article corroborates it: a post that person held at the article's date, or
   a person both articles name. Otherwise unlinked full names of one spelling are one person
   (``id/person/{slug}``); bearers with posts in disjoint countries are namesakes, and all but the
   earliest get ``{slug}--{country}``.
3. **A bare surname** ("President Bush", "Fidan") is never a person on its own: it joins the one
   person with that surname whom its post and date single out (a post of the same role, in the same
   country or organization, in an article within :data:`YEARS` years; or, for a linked person, a
   position Wikidata says they held that day and no other bearer of the surname did) or, when the
   article gives it no post, whom the people it names along with it single out. Two fitting persons,
   or none, and it stays ``{slug}--in-{article}``, an IRI of that article alone.

The preferred label is the fullest form the archive attests (twice, when any form is; titles off).
When an article changes the IRI or the preferred label of persons in earlier graphs, those graphs are
rewritten (:meth:`IdentityIndex.backfill`, :func:`rewrite`), one transaction each.

**Cost.** What is published is indexed on disk beside the store (:mod:`newsgraph.link.identity_index`,
SQLite), opened when an ingest run starts (:meth:`IdentityIndex.open`; rebuilt from the store with one
query only when it no longer matches it) and kept up to date as the run stores each article; RAM holds
bounded caches. A new article looks only at persons sharing a surname skeleton with its own
(:func:`newsgraph.names.skeleton`: "tokayev" and "toqaev" meet), and rewrites only the graphs whose
IRIs or labels change. A person published under a Wikidata-linked IRI (or unlinked, in
:data:`AGGREGATE_AT` graphs) comes as one aggregate the index keeps up to date, so a new article about
someone named in ten thousand others costs about what one about a newcomer does: what grows with
the graphs naming the person (dated posts, co-named people) stays in the index's ``evidence``
table and is asked one indexed range at a time (:class:`_StoredEvidence`). An unlinked person in
fewer graphs is summed up once (its mentions and what they say together, :class:`_Few`, kept in RAM
until one of its graphs changes) and decided whole when no other name in the run relates to its one
full name (:meth:`_Clusterer._whole`), but later unlinked mentions of that very name (an article
naming them again): its mentions could then only make one group, which those later mentions join
or not by its posts, under the key and label the whole gets, so the decisions are those of deciding
each mention again. Only the others (a related name in the run; several full names, a Wikidata link, a bare
surname or posts in other countries among their mentions) are decided again mention by mention;
article-local bare surnames only when the article brings something that may single them out
(:meth:`IdentityIndex._closure`). Whether a person comes as an aggregate is one row of counts the
index keeps (SQLite triggers), and reading the mentions of one that does not is one index range of
small rows (never a whole graph per mention); the dated evidence of a person decided again is filed
only if a question needs it (:meth:`_Evidence.defer`). What still grows with the archive: the
article-local bare surnames brought back to be decided again (those filed under the article's
surname skeletons with a role or a co-named person the run touches: more as the archive grows),
and the mentions of the persons a related name sends back to mention by mention.

**Order.** Everything above is decided on the set of mentions, sorted by what the articles say,
so ingesting the same articles in any order gives the same IRIs and labels, with one exception
kept for cost: what is already published under a linked person's IRI is not taken apart again
(a bare surname joined to them stays joined if a second fitting namesake is published later).

**Organizations**: an unlinked acronym ("the PKK") joins the one published body that has it as a
name beside a full name ("Kurdistan Workers' Party"), when its country is the acronym's or one the
article names; an earlier acronym-only article is rewritten when the full name comes later. Both
read a summary of each body the index keeps up to date (its names by graph count, the country of
its first graph that gives one, its acronym-only graphs), not every graph that names it.

Trade-offs: deleting an article leaves the IRIs it decided in other graphs as they are (re-ingesting
them decides again); a mention's own Wikidata link is evidence, but an item taken over through
identity is not published in the article graph (the union holds it on the shared IRI), so that no
decision feeds on its own output.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import re
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from itertools import combinations

import pyoxigraph as ox

from newsgraph import names as nm
from newsgraph.facts import ArticleFacts, Entity, Kind, Status, slugify
from newsgraph.link.gazetteer import Gazetteer, Person
from newsgraph.link.identity_index import INDEX_FILE, LRU, IndexDB
from newsgraph.link.identity_index import SCHEMA as INDEX_SCHEMA
from newsgraph.link.offline import LEADER_ROLES, SINGLE_POST_ROLES
from newsgraph.link.offline import _identity as linked_key
from newsgraph.mapping import article_graph, article_key, entity_iri
from newsgraph.roles import concepts as role_concepts
from newsgraph.roles import role_type
from newsgraph.store import GraphStore
from newsgraph.vocab import DCTERMS, FOAF, NG, NGR, ORG, OWL, RDF, RDFS, SCHEMA, SKOS

__all__ = ["LOCAL_MARK", "YEARS", "IdentityIndex", "is_acronym", "local_key", "rewrite"]

#: Marks a person IRI that belongs to one article: ``{slug(surname)}--in-{article key}``.
LOCAL_MARK = "--in-"
#: A bare surname's post agrees with a published one only from articles this many years apart at
#: most: "President Bush" in 2004 and in 1990 copy are two people.
YEARS = 4

Post = tuple[str, str | None, str | None]  # (role key, country IRI, organization IRI)
#: An unlinked person published in this many graphs comes to later articles as one aggregate (its IRI
#: then stays); fewer, and its mentions are decided again one by one.
AGGREGATE_AT = 8
#: Prefix of the role key of a post held in the past ("former foreign minister").
FORMER = "was:"

_PREDICATES = (RDFS.label, SKOS.altLabel, SKOS.prefLabel, OWL.sameAs, NG.country, ORG.member, ORG.role,
               NG.roleLabel, ORG.organization, DCTERMS.issued, NG.status)
_TYPES = (FOAF.Person, ORG.Organization, NG.PostHolding, NG.Country, SCHEMA.NewsArticle)
_WD = "http://www.wikidata.org/entity/"
_KEPT = (RDF.type, frozenset(p.value for p in _PREDICATES))
log = logging.getLogger(__name__)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,7}")


def is_acronym(text: str) -> bool:
    """ "PKK", "FSB", "UNISON": a single upper-case token of two to eight characters."""
    return bool(_ACRONYM.fullmatch(text.replace(".", "").strip()))


@dataclass
class _Seen:
    """What one article graph says about one person or organization."""

    kind: str  # "person" or "org"
    names: list[str] = field(default_factory=list)  # rdfs:label first, then skos:altLabel
    qids: set[str] = field(default_factory=set)
    posts: set[Post] = field(default_factory=set)
    country: str | None = None  # organizations: the country IRI
    pref: str | None = None  # persons: the published skos:prefLabel

    def merge(self, other: _Seen) -> None:
        self.names += [n for n in other.names if n not in self.names]
        self.qids |= other.qids
        self.posts |= other.posts
        self.country = self.country or other.country


@dataclass
class _Graph:
    """One article graph's contribution: its persons and organizations, the countries it names, its date."""

    resources: dict[str, _Seen] = field(default_factory=dict)
    countries: set[str] = field(default_factory=set)
    day: date | None = None


@dataclass(frozen=True)
class _Mention:
    """One person as one article graph has them: the unit that identity groups."""

    graph: str
    ref: str  # the published IRI, or ``new:{entity key}`` for the article being resolved
    key: str  # the IRI key it has now (published) or the linker gave it (new)
    names: tuple[str, ...]  # the article's wording, label first
    qid: str | None  # the article's own Wikidata link
    posts: frozenset[Post]
    day: date | None
    pref: str | None = field(default=None, compare=False)  # a stored mention's published skos:prefLabel

    @cached_property
    def full(self) -> tuple[str, ...]:
        """The significant words of the fullest name the article gives (empty for a bare surname)."""
        best: tuple[str, ...] = ()
        for n in self.names:
            sig = nm.significant(n)
            if len(sig) >= 2 and len(sig) > len(best):
                best = sig
        return best

    @cached_property
    def full_name(self) -> str:
        """The article's wording of its fullest name, titles off."""
        return next((nm.core_name(n) for n in self.names if nm.significant(n) == self.full),
                    nm.core_name(self.names[0]) if self.names else "")

    @cached_property
    def forms(self) -> tuple[str, ...]:
        """The article's name forms, titles off, each once (what a person's form counts add up)."""
        return tuple(dict.fromkeys(nm.core_name(x) for x in self.names))

    @cached_property
    def surname(self) -> str | None:
        sig = nm.significant(self.names[0]) if self.names else ()
        return sig[-1] if sig else None


def _role_key(concept: str | None, wording: str | None, former: bool = False) -> str:
    return (FORMER if former else "") + (concept or f"~{slugify(wording or '')}")


def _refute(posts: dict[str, set[Post]]) -> dict[str, set[Post]]:
    """Each holder's posts, without the country where two holders of the article claim the one
    post a country has ("Mexican President Sheinbaum ... President Trump", read as Mexico's twice):
    the article itself says one of them is wrong, and only the role can be trusted."""
    seen: dict[tuple[str, str], set[str]] = {}
    for holder, ps in posts.items():
        for role, country, _ in ps:
            if country and role in SINGLE_POST_ROLES:
                seen.setdefault((role, country), set()).add(holder)
    clash = {k for k, holders in seen.items() if len(holders) > 1}
    if not clash:
        return posts
    return {h: {(r, None if (r, c) in clash else c, o) for r, c, o in ps} for h, ps in posts.items()}


def _harvest(triples: Iterable[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.Term]]) -> _Graph:
    """The persons, organizations, post claims, countries and date of one article graph's triples."""
    types: dict[str, set[str]] = {}
    props: dict[str, dict[str, list[ox.Term]]] = {}
    rdf_type, wanted = _KEPT  # computed once: a namespace attribute makes a new term each time
    for s, p, o in triples:
        if not isinstance(s, ox.NamedNode):
            continue
        if p == rdf_type:
            if isinstance(o, ox.NamedNode):
                types.setdefault(s.value, set()).add(o.value)
        elif p.value in wanted:  # the only predicates read below
            props.setdefault(s.value, {}).setdefault(p.value, []).append(o)
    out = _Graph()
    for iri, kinds in types.items():
        if NG.Country.value in kinds:
            out.countries.add(iri)
        if SCHEMA.NewsArticle.value in kinds and (issued := props.get(iri, {}).get(DCTERMS.issued.value)):
            with contextlib.suppress(ValueError):
                out.day = date.fromisoformat(issued[0].value[:10])
        kind = "person" if FOAF.Person.value in kinds else "org" if ORG.Organization.value in kinds else None
        if kind is None:
            continue
        seen = out.resources.setdefault(iri, _Seen(kind))
        mine = props.get(iri, {})
        for pred in (RDFS.label.value, SKOS.altLabel.value):
            seen.names += sorted(o.value for o in mine.get(pred, ()) if isinstance(o, ox.Literal))
        if pref := mine.get(SKOS.prefLabel.value):
            seen.pref = min(o.value for o in pref)
        for o in mine.get(OWL.sameAs.value, ()):
            if isinstance(o, ox.NamedNode) and o.value.startswith(_WD):
                seen.qids.add(o.value.rsplit("/", 1)[-1])
        if kind == "org" and (c := mine.get(NG.country.value)):
            seen.country = c[0].value
    for iri, kinds in types.items():
        if NG.PostHolding.value not in kinds:
            continue
        mine = props.get(iri, {})
        members = [o.value for o in mine.get(ORG.member.value, ())]
        roles = [o for o in mine.get(ORG.role.value, ()) if isinstance(o, ox.NamedNode) and o in NGR]
        wording = next((o.value for o in mine.get(NG.roleLabel.value, ())), None)
        concept = NGR.local(roles[0]) if roles else None
        country = next((o.value for o in mine.get(NG.country.value, ())), None)
        org = next((o.value for o in mine.get(ORG.organization.value, ())), None)
        former = any(o == NG.Former for o in mine.get(NG.status.value, ()))
        for m in members:
            if (seen := out.resources.get(m)) is not None and seen.kind == "person":
                seen.posts.add((_role_key(concept, wording, former), country, org))
    fixed = _refute({iri: seen.posts for iri, seen in out.resources.items() if seen.kind == "person"})
    for iri, posts in fixed.items():
        out.resources[iri].posts = posts
    return out


def _agree(mine: Iterable[Post], theirs: Iterable[Post]) -> bool:
    """Some post of each with the same role in the same country or organization."""
    theirs = list(theirs)
    return any(r1 == r2 and ((c1 is not None and c1 == c2) or (o1 is not None and o1 == o2))
               for r1, c1, o1 in mine for r2, c2, o2 in theirs)


def _countries(posts: Iterable[Post]) -> set[str]:
    return {c for _, c, _ in posts if c}


def _conflict(mine: Iterable[Post], theirs: Iterable[Post]) -> bool:
    """Both hold posts in known countries, and no country is shared: two people, not one."""
    a, b = _countries(mine), _countries(theirs)
    return bool(a and b and not a & b)


def _near(a: date | None, b: date | None, years: int = YEARS) -> bool:
    """Two article dates at most ``years`` apart; an unknown date cannot tell, so it does not refute."""
    return a is None or b is None or abs((a - b).days) <= years * 366


def _within(days: Iterable[date], day: date, years: int) -> bool:
    """Some of ``days`` is at most ``years`` from ``day``."""
    ordered = sorted(days)
    i = bisect_left(ordered, day)
    return any(abs((ordered[j] - day).days) <= years * 366 for j in (i - 1, i) if 0 <= j < len(ordered))


# -- the clustering ------------------------------------------------------------------------------------


@dataclass
class _Evidence:
    """What some mentions of one person say (a run's additions, in RAM): name forms, posts and
    preferred labels by count, and the dated evidence (posts by role and place, current posts by
    role, the people their articles name) that :class:`_StoredEvidence` keeps on disk instead."""

    # counted, so that a stored graph's mention can be taken out again (:meth:`_Person.remove`)
    fulls: Counter[tuple[str, ...]] = field(default_factory=Counter)  # full names (significant words)
    posts: Counter[Post] = field(default_factory=Counter)
    graphs: set[str] = field(default_factory=set)  # graphs of mentions that are not bare surnames
    by_place: dict[tuple[str, str], list[date | None]] = field(default_factory=dict)
    by_role: dict[str, list[date]] = field(default_factory=dict)  # current posts of dated articles
    with_names: dict[str, list[tuple[date | None, str]]] = field(default_factory=dict)
    forms: Counter[str] = field(default_factory=Counter)  # name forms (titles off) -> mentions using them
    prefs: Counter[str] = field(default_factory=Counter)  # published skos:prefLabel -> graphs
    # mentions whose dated evidence is not filed yet (see defer())
    todo: list[tuple[_Mention, Callable[[str], frozenset[str]] | None]] = field(default_factory=list, repr=False)

    def defer(self, m: _Mention, names_of: Callable[[str], frozenset[str]] | None) -> None:
        """File ``m``'s dated evidence when a question first needs it: most persons a run decides
        again are never asked one (only bare surnames and corroborations ask), and filing it
        (posts by place, every name its graph gives) is most of what adding a mention costs."""
        self.todo.append((m, names_of))

    def settle(self) -> None:
        """File what :meth:`defer` put off, in the order it came (as if filed at once)."""
        while self.todo:
            todo, self.todo = self.todo, []
            for m, names_of in todo:
                _file_dated(self, m, names_of)

    # -- the questions the clustering asks -------------------------------------------------------

    def near_at(self, role: str, place: str, day: date | None, years: int) -> bool:
        self.settle()
        return any(_near(day, d, years) for d in self.by_place.get((role, place), ()))

    def within_as(self, role: str, day: date, years: int) -> bool:
        self.settle()
        return _within(self.by_role.get(role, ()), day, years)

    def named_near(self, name: str, graph: str, day: date | None, years: int) -> bool:
        self.settle()
        return any(g != graph and _near(day, d, years) for d, g in self.with_names.get(name, ()))

    def has_graph(self, graph: str) -> bool:
        # (what settle() would file: the graphs of the mentions put off; asked without filing them)
        return graph in self.graphs or any(m.graph == graph for m, _ in self.todo)

    # -- the dated evidence, one item at a time ----------------------------------------------------

    def add_place(self, role: str, place: str, day: date | None, graph: str) -> None:
        self.by_place.setdefault((role, place), []).append(day)

    def add_role(self, role: str, day: date, graph: str) -> None:
        self.by_role.setdefault(role, []).append(day)

    def add_graph(self, graph: str, day: date | None, names: Iterable[str]) -> None:
        for name in names:
            self.with_names.setdefault(name, []).append((day, graph))
        self.graphs.add(graph)

    def drop_place(self, role: str, place: str, day: date | None, graph: str) -> None:
        self.settle()
        _drop_one(self.by_place, (role, place), day)

    def drop_role(self, role: str, day: date, graph: str) -> None:
        self.settle()
        _drop_one(self.by_role, role, day)

    def drop_graph(self, graph: str, day: date | None, names: Iterable[str]) -> None:
        self.settle()
        for name in names:
            _drop_one(self.with_names, name, (day, graph))
        self.graphs.discard(graph)


class _StoredEvidence(_Evidence):
    """The evidence of a person decided as a whole (an aggregate), whose dated part grows with
    every article that names them: it lives in the index's ``evidence`` table, asked one indexed
    range at a time, so that loading, keeping and saving the aggregate costs the same with ten
    mentions or ten thousand. Only the counters (bounded by the distinct names, posts and labels
    a person has) are in RAM and in the pickled aggregate.

    ``by_place``, ``by_role``, ``with_names`` and ``graphs`` read the whole table for the person
    (for tests and debugging; the clustering asks the questions above instead)."""

    def __init__(self, iri: str, db: IndexDB | None = None) -> None:
        super().__init__()
        self.iri = iri
        self.db = db

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "db"} | {"db": None}

    def _rows(self) -> IndexDB:
        assert self.db is not None, "a stored aggregate is used before it is attached to its index"
        return self.db

    def near_at(self, role: str, place: str, day: date | None, years: int) -> bool:
        return self._rows().evidence_near(self.iri, _PLACE, f"{role}\x1f{place}", day, years)

    def within_as(self, role: str, day: date, years: int) -> bool:
        return self._rows().evidence_near(self.iri, _ROLE, role, day, years, undated=False)

    def named_near(self, name: str, graph: str, day: date | None, years: int) -> bool:
        return self._rows().evidence_near(self.iri, _NAMED, name, day, years, other_than=graph)

    def has_graph(self, graph: str) -> bool:
        return self._rows().evidence_has(self.iri, _GRAPH, "", graph)

    def add_place(self, role: str, place: str, day: date | None, graph: str) -> None:
        self._rows().evidence_add(self.iri, _PLACE, f"{role}\x1f{place}", day, graph)

    def add_role(self, role: str, day: date, graph: str) -> None:
        self._rows().evidence_add(self.iri, _ROLE, role, day, graph)

    def add_graph(self, graph: str, day: date | None, names: Iterable[str]) -> None:
        for name in names:
            self._rows().evidence_add(self.iri, _NAMED, name, day, graph)
        self._rows().evidence_add(self.iri, _GRAPH, "", None, graph)

    def drop_place(self, role: str, place: str, day: date | None, graph: str) -> None:
        self._rows().evidence_drop(self.iri, _PLACE, f"{role}\x1f{place}", day, graph)

    def drop_role(self, role: str, day: date, graph: str) -> None:
        self._rows().evidence_drop(self.iri, _ROLE, role, day, graph)

    def drop_graph(self, graph: str, day: date | None, names: Iterable[str]) -> None:
        for name in names:
            self._rows().evidence_drop(self.iri, _NAMED, name, day, graph)
        self._rows().evidence_drop(self.iri, _GRAPH, "", None, graph)

    def _all(self, what: int) -> list[tuple[str, date | None, str]]:
        return [(k, date.fromisoformat(d) if d else None, g) for k, d, g in self._rows().evidence_rows(self.iri, what)]

    @property  # type: ignore[override]
    def graphs(self) -> set[str]:
        return {g for _, _, g in self._all(_GRAPH)}

    @graphs.setter
    def graphs(self, value: set[str]) -> None:  # the dataclass's __init__ sets it: nothing to keep
        pass

    @property  # type: ignore[override]
    def by_place(self) -> dict[tuple[str, str], list[date | None]]:
        out: dict[tuple[str, str], list[date | None]] = {}
        for k, d, _ in self._all(_PLACE):
            role, place = k.split("\x1f", 1)
            out.setdefault((role, place), []).append(d)
        return out

    @by_place.setter
    def by_place(self, value: object) -> None:
        pass

    @property  # type: ignore[override]
    def by_role(self) -> dict[str, list[date]]:
        out: dict[str, list[date]] = {}
        for k, d, _ in self._all(_ROLE):
            out.setdefault(k, []).append(d)  # type: ignore[arg-type]
        return out

    @by_role.setter
    def by_role(self, value: object) -> None:
        pass

    @property  # type: ignore[override]
    def with_names(self) -> dict[str, list[tuple[date | None, str]]]:
        out: dict[str, list[tuple[date | None, str]]] = {}
        for k, d, g in self._all(_NAMED):
            out.setdefault(k, []).append((d, g))
        return out

    @with_names.setter
    def with_names(self, value: object) -> None:
        pass


#: Kinds of rows of the ``evidence`` table (see :class:`_StoredEvidence`).
_PLACE, _ROLE, _NAMED, _GRAPH = 0, 1, 2, 3


@dataclass
class _Person:
    """A person: the mentions grouped so far and what they say together (:class:`_Evidence`). A
    person already published under a Wikidata-linked IRI comes in as one piece (the index keeps it
    up to date as articles are stored) and a run adds to a layer of its own on top."""

    key: str
    qid: str | None = None
    mentions: list[_Mention] = field(default_factory=list)  # the ones this run decides
    layers: list[_Evidence] = field(default_factory=lambda: [_Evidence()])
    iris: set[str] = field(default_factory=set)  # the published IRIs it comes from
    label: str = ""  # the preferred label, once worked out
    fixed: bool = False  # an unlinked person published under many graphs: keeps its IRI key
    # a person decided whole from a summary (:class:`_Few`): its first mention, whose wording sets
    # its key as a group's first mention does (it has no mentions of its own to decide)
    first: _Mention | None = None

    @property
    def fulls(self) -> AbstractSet[tuple[str, ...]]:
        if len(self.layers) == 1:  # most persons: a view of the counter, not a copy (read, never changed)
            return self.layers[0].fulls.keys()
        return set().union(*(e.fulls for e in self.layers))

    @property
    def posts(self) -> AbstractSet[Post]:
        if len(self.layers) == 1:
            return self.layers[0].posts.keys()
        return set().union(*(e.posts for e in self.layers))

    @property
    def graphs(self) -> set[str]:
        for e in self.layers:
            e.settle()
        return set().union(*(e.graphs for e in self.layers))

    @property
    def forms(self) -> Counter[str]:
        """Name forms by mentions using them (read, never changed: one layer's counter is not copied;
        its counts are all positive, as a sum of counters would keep them)."""
        if len(self.layers) == 1:
            return self.layers[0].forms
        return sum((e.forms for e in self.layers), Counter())

    def surnames(self) -> set[str]:
        return {f[-1] for f in self.fulls}

    def near_at(self, role: str, place: str, day: date | None, years: int = YEARS) -> bool:
        """Some mention held ``role`` at ``place`` in an article at most ``years`` from ``day``."""
        return any(e.near_at(role, place, day, years) for e in self.layers)

    def within_as(self, role: str, day: date, years: int) -> bool:
        """Some mention held ``role`` (current) in a dated article at most ``years`` from ``day``."""
        return any(e.within_as(role, day, years) for e in self.layers)

    def named_near(self, name: str, graph: str, day: date | None, years: int) -> bool:
        """A graph other than ``graph``, at most ``years`` from ``day``, names ``name`` with this person."""
        return any(e.named_near(name, graph, day, years) for e in self.layers)

    def has_graph(self, graph: str) -> bool:
        return any(e.has_graph(graph) for e in self.layers)

    def over(self) -> _Person:
        """This person with a fresh layer for a run's additions (the stored one stays as it is)."""
        return _Person(self.key, self.qid, [], [*self.layers, _Evidence()], set(self.iris), fixed=self.fixed)

    def add(self, m: _Mention, names_of: Callable[[str], frozenset[str]] | None = None,
            pref: str | None = None, decide: bool = True) -> None:
        if decide:
            self.mentions.append(m)
        e = self.layers[-1]
        if m.posts:
            e.posts.update(m.posts)
        for n in m.forms:
            e.forms[n] += 1
        if pref is not None:
            e.prefs[pref] += 1
        if m.full:
            e.fulls[m.full] += 1
        if not (m.full or m.qid):
            return  # a bare surname joined: not evidence for others (no chains of surnames)
        if isinstance(e, _StoredEvidence):
            _file_dated(e, m, names_of)
        else:
            e.defer(m, names_of)

    def remove(self, m: _Mention, names: frozenset[str], pref: str | None = None) -> None:
        """Take out what :meth:`add` put in for stored mention ``m`` (its graph named ``names``), so
        that replacing one graph of a person named in thousands costs what one graph does. Raises
        ``KeyError`` or ``ValueError`` if the mention was not in (the caller then rebuilds)."""
        e = self.layers[-1]
        _less(e.posts, m.posts)
        _less(e.forms, m.forms)
        if pref is not None:
            _less(e.prefs, (pref,))
        if m.full:
            _less(e.fulls, (m.full,))
        if not (m.full or m.qid):
            return
        for role, country, org in m.posts:
            for place in (country, org):
                if place:
                    e.drop_place(role, place, m.day, m.graph)
            if m.day and not role.startswith((FORMER, "~")):
                e.drop_role(role, m.day, m.graph)
        if e.has_graph(m.graph):
            e.drop_graph(m.graph, m.day, names)


def _file_dated(e: _Evidence, m: _Mention, names_of: Callable[[str], frozenset[str]] | None) -> None:
    """File mention ``m``'s dated evidence in ``e``: its posts by place and role, and its graph
    with the names that graph gives."""
    for role, country, org in m.posts:
        for place in (country, org):
            if place:
                e.add_place(role, place, m.day, m.graph)
        if m.day and not role.startswith((FORMER, "~")):
            e.add_role(role, m.day, m.graph)
    if not e.has_graph(m.graph):
        e.add_graph(m.graph, m.day, names_of(m.graph) if names_of is not None else ())


def _less(counter: Counter, items: Iterable[object]) -> None:  # type: ignore[type-arg]
    """One fewer of each of ``items``; a count that reaches 0 goes (as if never added)."""
    for k in items:
        if counter[k] <= 0:
            raise KeyError(k)
        counter[k] -= 1
        if counter[k] == 0:
            del counter[k]


def _drop_one(lists: dict, key: object, value: object) -> None:  # type: ignore[type-arg]
    """Remove one ``value`` from ``lists[key]`` (and the key when its list is empty)."""
    values = lists[key]
    values.remove(value)
    if not values:
        del lists[key]



def _order(m: _Mention) -> tuple[date, str, tuple[str, ...], str]:
    """Where a mention comes in the clustering: by what the articles say, never by IRIs decided
    before (the result must not depend on the order articles came in)."""
    return (m.day or date.min, m.graph, m.names, m.qid or "")


@dataclass
class _Few:
    """An unlinked person published in fewer than :data:`AGGREGATE_AT` graphs, summed up once and
    kept (in RAM) until one of its graphs changes: its mentions, what the closure takes from them,
    and, when the mentions are one group by themselves (one full name, no Wikidata link, no bare
    surname, no posts in other countries than earlier ones), the evidence they give together
    (``layer``). Such a person is decided whole when the run holds nothing that could group its
    mentions otherwise (:meth:`_Clusterer._whole`), instead of mention by mention."""

    iri: str
    mentions: tuple[_Mention, ...]  # in the clustering's order (:func:`_order`)
    skeys: frozenset[str]  # the surname skeletons of its names (what the closure looks up next)
    touches: frozenset[str]  # the roles of its posts, as the closure's touches (``r:{role}``)
    layer: _Evidence | None  # what its mentions say together; None: they are not one group alone
    named: frozenset[str] | None = None  # the names its graphs give, as touches (read when first asked)

    @property
    def full(self) -> tuple[str, ...]:
        return self.mentions[0].full


def _summarize(iri: str, mentions: Iterable[_Mention], names_of: Callable[[str], frozenset[str]]) -> _Few:
    """The :class:`_Few` of person ``iri`` from its stored mentions."""
    ms = tuple(sorted(mentions, key=_order))
    skeys = frozenset(_skeletons([n for m in ms for n in m.names]))
    touches = frozenset(f"r:{role}" for m in ms if m.full or m.qid for role, _, _ in m.posts)
    layer = None
    if ms and all(m.full and m.full == ms[0].full and not m.qid for m in ms):
        # one group as the clustering makes them: each mention in order joins the first group
        # whose posts do not conflict with its own
        posts: set[Post] = set()
        one = True
        for m in ms:
            if _conflict(m.posts, posts):
                one = False
                break
            posts |= m.posts
        if one:
            p = _Person("")
            for m in ms:
                p.add(m, names_of, pref=m.pref, decide=False)
            layer = p.layers[0]
    return _Few(iri, ms, skeys, touches, layer)


#: Names of more words than this are not indexed by their parts (:class:`_NameIndex`) but compared
#: with every name asked about (their parts would be too many: 2**words).
_INDEXED_WORDS = 8


@lru_cache(maxsize=65536)
def _name_keys(full: tuple[str, ...], filed: bool) -> tuple[tuple[object, ...], ...]:
    """What two full names share when :func:`newsgraph.names.relation` may relate them: the very
    name ("exact"); one name's words with one word after the first left out ("variant": one word
    differs, never the first); the shorter name as the longer one with words left out, keeping its
    first or its last ("part"). A name is filed under its own name, its parts and its variant
    patterns; asked about, it looks up its name and its parts as names, and itself as a part."""
    out: list[tuple[object, ...]] = [("n", full)]
    parts = [tuple(full[i] for i in idx) for k in range(2, len(full))
             for idx in combinations(range(len(full)), k) if idx[0] == 0 or idx[-1] == len(full) - 1]
    out += [("s", part) if filed else ("n", part) for part in parts]
    if not filed:
        out.append(("s", full))
    out += [("v", i, (*full[:i], "", *full[i + 1:])) for i in range(1, len(full))]
    return tuple(out)


class _NameIndex:
    """Full names, looked up by what :func:`newsgraph.names.relation` needs two related names to
    share (:func:`_name_keys`): the names related to one without comparing it with every name."""

    def __init__(self, fulls: Iterable[tuple[str, ...]]) -> None:
        self.by: dict[tuple[object, ...], set[tuple[str, ...]]] = {}
        self.long: list[tuple[str, ...]] = []
        for f in set(fulls):
            if len(f) > _INDEXED_WORDS:
                self.long.append(f)
                continue
            for k in _name_keys(f, filed=True):
                self.by.setdefault(k, set()).add(f)

    def related(self, full: tuple[str, ...]) -> set[tuple[str, ...]]:
        """The names filed that relate to ``full`` (either way round), ``full`` itself included."""
        if len(full) > _INDEXED_WORDS:  # compared with every name
            cands = {f for fs in self.by.values() for f in fs} | set(self.long)
        else:
            cands = set(self.long)
            for k in _name_keys(full, filed=False):
                cands |= self.by.get(k, set())
        return {f for f in cands if nm.relation(full, f) or nm.relation(f, full)}


class _Clusterer:
    """Groups a closed set of mentions into persons (see the module docstring for the rules)."""

    def __init__(self, mentions: list[_Mention], gaz: Gazetteer | None,
                 names_of: Callable[[str], frozenset[str]], linked: Iterable[_Person] = (),
                 few: Iterable[_Few] = ()) -> None:
        # sorted on what the articles say, never on IRIs decided before: the result must not
        # depend on the order articles came in
        self.mentions = sorted(mentions, key=_order)
        self.published = sorted(linked, key=lambda p: min(p.iris))  # linked persons, as stored
        self.few = list(few)  # unlinked persons in few graphs, decided whole when nothing can split them
        self.gaz = gaz
        self.names_of = names_of  # graph -> folded full names and QIDs of the persons it names (co-mentions)

    def person_of(self, qid: str) -> Person | None:
        return self.gaz.person(qid) if self.gaz is not None else None

    def run(self) -> tuple[dict[tuple[str, str], tuple[str, str]], list[_Person]]:
        """``{(graph, ref): (IRI key, preferred label)}`` for every mention (the mentions of a person
        decided whole are not in it), and the published persons (with their key and label now worked
        out): linked ones, and the ones decided whole."""
        whole = self._whole()
        people: list[_Person] = []
        by_qid: dict[str, _Person] = {}
        unlinked: list[_Person] = []
        for stored in self.published:
            p = stored.over()
            if not p.qid:
                unlinked.append(p)
                continue
            if p.qid in by_qid:  # one item under two IRIs (an older store): one person now
                by_qid[p.qid].layers += p.layers
                by_qid[p.qid].iris |= p.iris
                continue
            by_qid[p.qid or ""] = p
            people.append(p)
        for m in self.mentions:
            if m.qid:
                if m.qid not in by_qid:
                    by_qid[m.qid] = _Person("", m.qid)
                    people.append(by_qid[m.qid])
                by_qid[m.qid].add(m, self.names_of)
        for p in by_qid.values():
            for n in self._gaz_names(p.qid):
                if len(sig := nm.significant(n)) >= 2:
                    p.layers[-1].fulls[sig] += 1
        linked = list(by_qid.values())
        by_name: dict[tuple[str, ...], list[_Person]] = {}
        bare: list[_Mention] = []
        pending = []
        for m in self.mentions:
            if not m.qid:
                (pending if m.full else bare).append(m)
        # each linked person's full names and posts, worked out once (again for one that a name joins)
        views = {id(p): (set(p.fulls), set(p.posts)) for p in linked}
        joined = True
        while joined:  # a spelling one article ties to a person holds for the others: until nothing joins
            joined = False
            for m in list(pending):
                if (target := self._linked_for(m, linked, views)) is not None:
                    target.add(m, self.names_of)
                    views[id(target)] = (set(target.fulls), set(target.posts))
                    pending.remove(m)
                    joined = True
        for u in unlinked:  # a published unlinked person joins a linked one bearing its very name
            if (target := self._absorbs(u, linked, views)) is not None:
                target.layers += u.layers
                target.iris |= u.iris
                views[id(target)] = (set(target.fulls), set(target.posts))
            else:
                by_name.setdefault(max(u.fulls, key=lambda f: (len(f), f)), []).append(u)
                people.append(u)
        # a person decided whole takes the place of its mentions' one group: made when its first
        # mention would have made it (the order in which keys are given out, see _keys)
        heads = sorted(whole, key=lambda f: _order(f.mentions[0]))
        for m in [*pending, None]:
            while heads and (m is None or _order(heads[0].mentions[0]) < _order(m)):
                f = heads.pop(0)
                home = _Person("", layers=[f.layer or _Evidence(), _Evidence()], iris={f.iri}, first=f.mentions[0])
                by_name.setdefault(f.full, []).append(home)
                people.append(home)
            if m is None:
                break
            groups = by_name.setdefault(m.full, [])
            home = next((g for g in groups if not _conflict(m.posts, g.posts)), None)
            if home is None:
                home = _Person("")
                groups.append(home)
                people.append(home)
            home.add(m, self.names_of)
        self._keys(linked, by_name)
        # the persons with full names and their surnames, listed once: a bare surname that joins one
        # adds no full name, and one that joins none is a person without one
        named = _Surnames([(p, p.surnames()) for p in people if p.fulls])
        for m in bare:
            found = self._surname_fits(m, named)
            if len(found) == 1:
                found[0].add(m, self.names_of)
            else:
                solo = _Person(f"{slugify(nm.core_name(m.names[0]))}{LOCAL_MARK}{m.graph.rsplit('/', 1)[-1]}")
                solo.add(m, self.names_of)
                people.append(solo)
        out = {}
        for p in people:
            p.label = _preferred(p, self._gaz_names(p.qid))
            for m in p.mentions:
                out[(m.graph, m.ref)] = (p.key, p.label)
        return out, [p for p in people if p.iris]

    def _whole(self) -> list[_Few]:
        """The persons of :attr:`few` to decide whole: those whose full name no other name of the run
        relates to (:func:`newsgraph.names.relation`: a published person's, one the gazetteer gives
        a linked person, a mention's), but unlinked mentions of that very name that come after all
        of theirs in the clustering's order. Decided mention by mention, their mentions would make
        one group that no linked person takes (a name joins one only through a related name, and
        none joins a linked person that would give it one), that those later mentions join or not
        by its posts, under the key a group of its first mention gets: the same key, label and
        evidence as the whole with them. The others' mentions are decided one by one, with the rest."""
        if not self.few:
            return []
        others = {m.full for m in self.mentions if m.full and m.qid}
        after: dict[tuple[str, ...], tuple[date, str, tuple[str, ...], str]] = {}  # unlinked full -> first in order
        for m in self.mentions:
            if m.full and not m.qid and (m.full not in after or _order(m) < after[m.full]):
                after[m.full] = _order(m)
        qids = {m.qid for m in self.mentions if m.qid}
        for p in self.published:
            others.update(p.fulls)
            if p.qid:
                qids.add(p.qid)
        for qid in sorted(qids):
            others.update(sig for n in self._gaz_names(qid) if len(sig := nm.significant(n)) >= 2)
        by_full: dict[tuple[str, ...], list[_Few]] = {}
        for f in self.few:
            by_full.setdefault(f.full, []).append(f)
        index = _NameIndex([*others, *after, *by_full])
        whole: list[_Few] = []
        apart: list[_Mention] = []
        for full, fs in by_full.items():
            f = fs[0]
            if len(fs) == 1 and f.layer is not None and full not in others and index.related(full) == {full} \
                    and (full not in after or _order(f.mentions[-1]) < after[full]):
                whole.append(f)
            else:
                apart += [m for f in fs for m in f.mentions]
        if apart:
            self.mentions = sorted([*self.mentions, *apart], key=_order)
        return whole

    def _gaz_names(self, qid: str | None) -> tuple[str, ...]:
        person = self.person_of(qid) if qid else None
        return person.names() if person is not None else ()

    def _keys(self, linked: list[_Person], by_name: dict[tuple[str, ...], list[_Person]]) -> None:
        """IRI keys: the linker's for a Wikidata item (``-q123`` added when two items would share
        one); the name's slug for unlinked bearers, ``--{country}`` for later namesakes."""
        for p in linked:
            person = self.person_of(p.qid) if p.qid else None
            if person is not None and self.gaz is not None:
                p.key = linked_key(self.gaz, person)
            elif not p.key:  # an item the gazetteer does not hold: the key its linked mentions were given
                p.key = min(m.key for m in p.mentions if m.qid)
        taken: dict[str, list[_Person]] = {}
        for p in linked:
            taken.setdefault(p.key, []).append(p)
        for key, ps in taken.items():
            if len(ps) > 1:
                for p in ps:
                    if not p.key.endswith(f"-{(p.qid or '').lower()}"):
                        p.key = f"{key}-{(p.qid or '').lower()}"
        used = {p.key for p in linked} | {g.key for gs in by_name.values() for g in gs if g.fixed}
        for groups in by_name.values():
            for n, g in enumerate(groups):
                if g.fixed:
                    continue
                stem = slugify((g.first or g.mentions[0]).full_name)
                key = stem if n == 0 and stem not in used else f"{stem}--{_qualifier(g.posts)}"
                while key in used:
                    key += "-2"
                g.key = key
                used.add(key)

    def _absorbs(self, u: _Person, linked: list[_Person],
                 views: dict[int, tuple[set[tuple[str, ...]], set[Post]]]) -> _Person | None:
        """The linked person an unlinked published person is, by the rule that needs no more than
        the name: exactly their name, no gazetteer namesake, no posts in other countries (``views``:
        each linked person's full names and posts, as :meth:`_linked_for` takes them)."""
        full = max(u.fulls, key=lambda f: (len(f), f))
        found = [p for p in linked if full in views[id(p)][0]]
        if len(found) != 1 or _conflict(u.posts, views[id(found[0])][1]):
            return None
        p = found[0]
        namesakes = {q.qid for q in self.gaz.persons_named(" ".join(full))} - {p.qid} if self.gaz else set()
        return None if namesakes else p

    def _linked_for(self, m: _Mention, linked: list[_Person],
                    views: dict[int, tuple[set[tuple[str, ...]], set[Post]]]) -> _Person | None:
        """The one linked person an unlinked full name joins, or None (``views``: each linked person's
        full names and posts, worked out once by the caller)."""
        found: dict[str, list[_Person]] = {}
        for p in linked:
            rels = {r for f in views[id(p)][0] if (r := nm.relation(m.full, f))}
            for r in ("exact", "variant", "part"):
                if r in rels:
                    found.setdefault(r, []).append(p)
                    break
        for r in ("exact", "variant", "part"):
            cands = [p for p in found.get(r, ()) if not _conflict(m.posts, views[id(p)][1])]
            if not found.get(r):
                continue
            if len(cands) != 1:
                return None
            p = cands[0]
            namesakes = {q.qid for q in self.gaz.persons_named(m.full_name)} - {p.qid} \
                if self.gaz is not None else set()
            if r == "exact" and not namesakes:
                return p  # the name of one person the archive and Wikidata know
            return p if self._corroborates(m, p) else None
        return None

    def _corroborates(self, m: _Mention, p: _Person) -> bool:
        """The article says more than the name: a post that person holds, or a person both name."""
        return bool(self._post_fits(m, p)) or self._comentioned(m, p)

    def _post_fits(self, m: _Mention, p: _Person) -> bool:
        """A post of ``m`` that ``p`` held by the archive (same role, in the same country or body, in
        an article at most :data:`YEARS` years away; the role alone, when ``m``'s post has no place,
        within a year and for a current post) or by Wikidata (that day, the only bearer of the surname)."""
        # the archive's evidence of a role (posts by place, current posts) comes from posts of that
        # role, which the person's post counts hold in RAM: a role it never held is not asked
        roles = {r for r, _, _ in p.posts}
        for role, country, org in m.posts:  # what a full name or a link said, never another bare surname
            if role in roles:
                for place in (country, org):
                    if place and p.near_at(role, place, m.day):
                        return True
                if country is None and org is None and not role.startswith((FORMER, "~")) and m.day \
                        and p.within_as(role, m.day, 1):
                    return True
            person = self.person_of(p.qid) if p.qid else None
            if person is not None and not role.startswith(("~", FORMER)) and self._held(person, role, m.day):
                leader = role in LEADER_ROLES
                known = _countries(p.posts)
                if (country is None or not known or country in known or leader) \
                        and self._only_bearer(person, role, m.day, m.surname):
                    return True
        return False

    def _held(self, person: Person, role: str, day: date | None) -> bool:
        """Wikidata has ``person`` in a position of ``role`` on ``day`` (any time, with no day)."""
        if self.gaz is None:
            return False
        iso = day.isoformat() if day else None
        for t in person.held:
            pos = self.gaz.position(t.position)
            if pos is not None and pos.role == role and (iso is None or t.covers(iso)):
                return True
        return False

    def _only_bearer(self, person: Person, role: str, day: date | None, surname: str | None) -> bool:
        """No other person of that surname held a position of ``role`` that day."""
        if self.gaz is None or surname is None or day is None:
            return False
        return all(o.qid == person.qid or not self._held(o, role, day) for o in self.gaz.persons_by_surname(surname))

    def _comentioned(self, m: _Mention, p: _Person) -> bool:
        """The article names someone else whom an article of ``p`` names too, within a few years."""
        own = {" ".join(f) for f in p.fulls} | ({p.qid} if p.qid else set()) | {" ".join(m.full)}
        return any(p.named_near(name, m.graph, m.day, 2) for name in self.names_of(m.graph) - own)

    def _surname_fits(self, m: _Mention, people: _Surnames) -> list[_Person]:
        """The persons a bare surname may be (of ``people``): their surname (or a spelling of it), and
        its post and date, or with no post the people its article names, single them out."""
        sur = m.surname
        if sur is None:
            return []
        cands, exact = people.bearing(sur)
        if not cands:
            return []
        cands = exact or cands
        # the article's own full name for that surname ("Kaja Kallas ... PM Kallas"): news copy names
        # a person in full first, so one such person is the one; two, and the article cannot tell
        here = [p for p in exact if p.has_graph(m.graph)]
        if here:
            return here if len(here) == 1 and not _conflict(m.posts, here[0].posts) else []
        if m.posts:
            return [p for p in cands if self._post_fits(m, p)]
        # with no post, the people named along with it decide, and only for the very surname
        return [p for p in exact if self._comentioned(m, p)] if exact == cands else []


class _Surnames:
    """Persons with full names, each with their surnames, looked up by surname: a bare surname's
    candidates without testing every person's surnames for a spelling of it (the persons' surnames
    do not change while bare surnames are decided: joining one adds no full name)."""

    def __init__(self, people: list[tuple[_Person, set[str]]]) -> None:
        self.people = people
        self.by: dict[str, list[int]] = {}
        for i, (_, surnames) in enumerate(people):
            for sur in surnames:
                self.by.setdefault(sur, []).append(i)
        self._found: dict[str, tuple[list[_Person], list[_Person]]] = {}

    def bearing(self, sur: str) -> tuple[list[_Person], list[_Person]]:
        """The persons bearing ``sur`` or a spelling of it, and those bearing ``sur`` itself, both in
        the order given (do not change the lists returned)."""
        if (found := self._found.get(sur)) is None:
            near = sorted({i for s, idx in self.by.items() if nm.similar(sur, s) for i in idx})
            exact = sorted(set(self.by.get(sur, ())))
            found = ([self.people[i][0] for i in near], [self.people[i][0] for i in exact])
            self._found[sur] = found
        return found


def _preferred(p: _Person, known: tuple[str, ...] = ()) -> str:
    """The fullest form the person's mentions attest: among full names (a bare surname only when
    there is none) used by two mentions or more or that the person's Wikidata item has as a name
    (``known``: its label first, then its aliases; all of them when none is), the one of most
    words, then the item's (its label first), then the most used. Spellings that fold alike
    ("António Costa" and "Antonio Costa", "Yoon Suk-yeol" and "Yoon Suk Yeol") count as one form,
    written with its diacritics kept.

    Why not the most used spelling: a person's label is published in every graph that names them,
    so a label change rewrites all of those graphs. When mentions alone chose between spellings, a
    person whose two spellings came in turns (two agencies, one with diacritics) changed label
    with each article bringing the lagging one, and each such article rewrote every earlier graph
    naming the person: a cost growing with the archive, and labels that never settled. Folded
    spellings, and the item's own names, do not race; the choice still depends only on the set of
    mentions, never on their order."""
    counts = p.forms
    forms = [n for n in counts if len(nm.significant(n)) >= 2] or list(counts)  # a full name, when any
    spellings: dict[tuple[str, ...], list[str]] = {}
    for n in forms:
        spellings.setdefault(tuple(nm.tokens(n)), []).append(n)
    used = {k: sum(counts[n] for n in ns) for k, ns in spellings.items()}
    rank: dict[tuple[str, ...], int] = {}
    for i, name in enumerate(known):
        rank.setdefault(tuple(nm.tokens(nm.core_name(name))), i)
    keys = [k for k in spellings if used[k] >= 2 or k in rank] or list(spellings)
    best = max(keys, key=lambda k: (len(nm.significant(spellings[k][0])), -rank.get(k, len(known)), used[k], k))
    return max(spellings[best], key=lambda n: (not n.isascii(), n))


class IdentityIndex:
    """Published persons and organizations, per article graph, with look-ups by surname skeleton.

    Open the one kept next to a store with :meth:`open` (rebuilt with :meth:`from_store` when it no
    longer matches the store), or make an empty one in memory; :meth:`resolve` sets
    :attr:`Entity.identity` and :attr:`Entity.pref_label` for one article before it is mapped;
    :meth:`learn` records a graph once stored (and, for an index on disk, commits it with the store's
    generation); :meth:`backfill` says which earlier graphs to rewrite; :meth:`close` at the end.

    The data lives in :class:`~newsgraph.link.identity_index.IndexDB` (SQLite); RAM holds bounded caches
    of graphs, mentions and aggregates, so memory does not grow with the archive.
    """

    #: Bounds of the caches in RAM (entries). Aggregates evicted are written back to the database.
    #: (whole graph contributions are read only to replace a graph and for acronyms: a person's
    #: mentions and a graph's names have rows of their own, see _mentions_of and _names_of)
    GRAPH_CACHE = 512
    NAMED_CACHE = 1024
    MENTION_CACHE = 4096
    AGGREGATE_CACHE = 512
    FEW_CACHE = 4096
    #: Decide an unlinked person in few graphs whole when nothing in the run can split or join its
    #: mentions (:class:`_Few`); False decides every such mention again (what the tests compare with).
    DECIDE_WHOLE = True

    def __init__(self, base: str, db: IndexDB | None = None) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.person_ns = f"{self.base}id/person/"
        self.org_ns = f"{self.base}id/org/"
        self._db = db if db is not None else IndexDB(None)
        self._store: GraphStore | None = None  # with one, learn() commits with the store's generation
        self._graphs: LRU[str, _Graph] = LRU(self.GRAPH_CACHE)
        self._mentions: LRU[tuple[str, str], _Mention] = LRU(self.MENTION_CACHE)
        self._named: LRU[str, frozenset[str]] = LRU(self.NAMED_CACHE)
        # persons decided as a whole (linked, or unlinked in many graphs): kept up to date as graphs
        # come and go; a changed one is dropped from the database in the same transaction and
        # written back when evicted or at close(), so the database never holds a stale one
        self._agg: LRU[str, _Person] = LRU(self.AGGREGATE_CACHE)
        # unlinked persons in few graphs, summed up (see _Few); dropped when one of their graphs
        # changes (learn, forget), so one kept is always what their mentions say now
        self._few: LRU[str, _Few] = LRU(self.FEW_CACHE)
        self._dirty: set[str] = set()
        self._pending: dict[str, dict[str, list[tuple[str, str, str | None]]]] = {}
        self._unlearned: str | None = None  # a graph resolve() forgot that learn() has not put back yet
        #: Whole-store reads made to build this index (the tests check a reused index makes none).
        self.store_reads = 0
        self._committed = 0.0  # time.monotonic() of the last commit

    # -- building ------------------------------------------------------------------------------------

    @classmethod
    def from_store(cls, store: GraphStore, base: str, db: IndexDB | None = None) -> IdentityIndex:
        """The index of everything ``store`` publishes under ``base``, read with one query."""
        index = cls(base, db)
        index._fill(store)
        return index

    def _fill(self, store: GraphStore) -> None:
        types = " ".join(str(t) for t in _TYPES)
        preds = " ".join(str(p) for p in _PREDICATES)
        prefix = str(ox.Literal(f"{self.base}graph/article/"))
        self.store_reads += 1
        rows = store.raw.query(
            f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ {{ ?s a ?o VALUES ?o {{ {types} }} BIND({RDF.type} AS ?p) }} "
            f"UNION {{ ?s ?p ?o VALUES ?p {{ {preds} }} }} }} FILTER(STRSTARTS(STR(?g), {prefix})) }}")
        graph: str | None = None
        triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.Term]] = []
        by_graph: dict[str, list[tuple[ox.NamedNode, ox.NamedNode, ox.Term]]] = {}
        for r in rows:  # type: ignore[union-attr]
            g = r["g"].value
            if g != graph:
                graph, triples = g, by_graph.setdefault(g, [])
            triples.append((r["s"], r["p"], r["o"]))
        for g, ts in by_graph.items():
            self._add(g, _harvest(ts))
        by_graph.clear()

    @classmethod
    def open(cls, store: GraphStore, base: str) -> IdentityIndex:
        """The index kept in ``store``'s folder (:data:`~newsgraph.link.identity_index.INDEX_FILE`), read
        as it is when it matches the store, else rebuilt from the store first (one log line says
        why). A store in memory gets an index in memory, built from it."""
        if store.path is None:
            index = cls.from_store(store, base)
            index._store = store
            return index
        db = IndexDB.open(store.path / INDEX_FILE)
        index = cls(base, db)
        index._store = store
        why = index._stale(store)
        if why is not None:
            if db.meta("schema") is not None or any(store.named_graphs()):  # a new store needs no notice
                log.warning("identity index %s %s: rebuilding it from the store", db.path, why)
            db.clear()
            index._fill(store)
            index._commit()
        return index

    @classmethod
    def existing(cls, store: GraphStore) -> IdentityIndex | None:
        """The index kept beside ``store`` if there is one and it matches the store (else None: the
        next ingest rebuilds it). For ``delete``, which updates it without reading the store."""
        if store.path is None or not (store.path / INDEX_FILE).exists():
            return None
        db = IndexDB.open(store.path / INDEX_FILE)
        base = db.meta("base")
        index = cls(base or "", db)
        index._store = store
        if base is None or index._stale(store) is not None:
            db.close()
            return None
        return index

    def _stale(self, store: GraphStore) -> str | None:
        """Why this index does not describe ``store`` (None when it does)."""
        db = self._db
        if db.meta("schema") is None:
            return "does not exist yet"
        if db.meta("schema") != INDEX_SCHEMA:
            return f"is of another version ({db.meta('schema')}, now {INDEX_SCHEMA})"
        if db.meta("base") != self.base:
            return f"was made for base {db.meta('base')}, not {self.base}"
        if db.meta("generation") != store.generation():
            return "does not match the store (written since by another command, or a run was interrupted)"
        prefix = f"{self.base}graph/article/"
        stored = sum(1 for g in store.named_graphs() if g.value.startswith(prefix))
        if stored != db.graph_count():
            return f"holds {db.graph_count()} article graphs, the store {stored}"
        return None

    #: Seconds between commits during a run (and one at close()). Less often is cheaper and never
    #: wrong: what a crash loses was not committed with the store's new generation, so the next
    #: run sees the difference and rebuilds.
    COMMIT_EVERY = 2.0

    def _commit(self, now: bool = True) -> None:
        """Make what was learned durable, with the generation of the store it now describes."""
        if self._store is None or self._db.path is None:
            return
        if not now and time.monotonic() - self._committed < self.COMMIT_EVERY:
            return
        self._db.set_meta("schema", INDEX_SCHEMA)
        self._db.set_meta("base", self.base)
        self._db.set_meta("generation", self._store.generation())
        self._db.commit()
        self._committed = time.monotonic()

    def close(self) -> None:
        """Write back the aggregates changed in RAM and commit (the end of an ingest run)."""
        self._restore()
        for iri in sorted(self._dirty):
            if (p := self._agg.get(iri)) is not None:
                self._db.put_aggregate(iri, pickle.dumps(p, pickle.HIGHEST_PROTOCOL))
        self._dirty.clear()
        self._commit()
        self._db.commit()

    def dropped(self, graphs: Iterable[str]) -> None:
        """``graphs`` were deleted from the store: forget them and commit (``newsgraph delete``)."""
        for g in graphs:
            self.forget(g)
        self.close()

    def learn(self, graph: str | ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Record what ``graph`` (just stored) says, replacing what it said before."""
        g = graph.value if isinstance(graph, ox.NamedNode) else graph
        if self._unlearned == g:
            self._unlearned = None
        self.forget(g)
        self._add(g, _harvest((q.subject, q.predicate, q.object) for q in quads))
        self._commit(now=False)

    def forget(self, graph: str | ox.NamedNode) -> None:
        """Drop what ``graph`` said (the article was deleted or is about to be replaced)."""
        g = graph.value if isinstance(graph, ox.NamedNode) else graph
        old = self._graph(g)
        if old is None:
            return
        names = self._names_of(g, {})
        for iri, seen in old.resources.items():
            m = self._mention(g, iri)
            self._mentions.pop((g, iri))
            self._few.pop(iri)
            self._db.drop_mention(iri, g)
            if seen.kind == "person" and LOCAL_MARK in iri:
                self._db.drop_locals(iri)
            elif seen.kind == "org":
                self._db.drop_org(iri, g, seen.names)
            if m is not None and (agg := self._loaded_aggregate(iri)) is not None:
                self._less_aggregate(iri, agg, m, names, seen.pref)
        self._graphs.pop(g)
        self._named.pop(g)
        self._db.drop_graph(g)

    def _less_aggregate(self, iri: str, agg: _Person, m: _Mention, names: frozenset[str], pref: str | None) -> None:
        """Take ``m`` out of the aggregate of ``iri``, or drop the aggregate (made again when next
        needed) when its Wikidata item would change with it or the mention is not in it."""
        qids = self._db.qids(iri)
        try:
            if (min(qids) if qids else None) != agg.qid:
                raise ValueError("its item changes")
            agg.remove(m, names, pref)
        except (KeyError, ValueError):
            self._agg.pop(iri)
            self._dirty.discard(iri)
            self._db.drop_aggregate(iri)
            self._db.drop_evidence(iri)
            return
        self._touched(iri)

    def _touched(self, iri: str) -> None:
        self._dirty.add(iri)
        self._db.drop_aggregate(iri)

    def _add(self, graph: str, contribution: _Graph) -> None:
        made = {iri: _stored_mention(graph, iri, seen, contribution.day)
                for iri, seen in contribution.resources.items() if seen.kind == "person"}
        named = _named(made.values())
        self._db.put_graph(graph, pickle.dumps(contribution, pickle.HIGHEST_PROTOCOL),
                           pickle.dumps(named, pickle.HIGHEST_PROTOCOL))
        self._graphs.put(graph, contribution)
        self._named.put(graph, named)
        for iri, seen in contribution.resources.items():
            self._few.pop(iri)
            m = made.get(iri)
            if m is not None:
                self._mentions.put((graph, iri), m)
            else:
                self._mentions.pop((graph, iri))
            self._db.add_mention(iri, graph, min(seen.qids) if seen.qids else None,
                                 None if m is None else _mention_blob(m))
            if seen.kind == "person":
                if LOCAL_MARK in iri:
                    self._file_local(graph, iri)
                else:
                    self._db.add_skeletons(iri, _skeletons(seen.names))
                if (agg := self._loaded_aggregate(iri)) is not None and (m := self._mention(graph, iri)) is not None:
                    if m.qid and (agg.qid is None or m.qid < agg.qid):  # its item changes: made again
                        self._agg.pop(iri)
                        self._dirty.discard(iri)
                        self._db.drop_aggregate(iri)
                        self._db.drop_evidence(iri)
                        continue
                    agg.add(m, lambda x: self._names_of(x, {}), pref=seen.pref, decide=False)
                    self._touched(iri)
            elif seen.kind == "org":
                self._db.add_org(iri, graph, seen.names, seen.country, all(is_acronym(n) for n in seen.names))
                for name in seen.names:
                    if is_acronym(name):
                        self._db.add_acronym(name.replace(".", ""), iri)

    def _file_local(self, graph: str, iri: str) -> None:
        """File an article-local person (a bare surname no one fitted) under what could single it
        out later: with posts, their roles (a person of that role may come); without, the persons
        its article names (someone named with them may come). With neither, nothing can."""
        if (m := self._mention(graph, iri)) is None:
            return
        touches = {f"r:{role}" for role, _, _ in m.posts} if m.posts else \
            {f"n:{name}" for name in self._names_of(graph, {})}
        self._db.add_locals(iri, [(sk, t) for sk in _skeletons(m.names) for t in touches])

    def _graph(self, graph: str) -> _Graph | None:
        if (cached := self._graphs.get(graph)) is not None:
            return cached
        data = self._db.graph(graph)
        if data is None:
            return None
        contribution: _Graph = pickle.loads(data)
        self._graphs.put(graph, contribution)
        return contribution

    def _org_view(self, iri: str, exclude: str | None = None) -> _Seen | None:
        """What the graphs naming organization ``iri``, but ``exclude``, say of it together (its names,
        as a set, and the country of the first graph giving one), from the few rows the index keeps
        up to date for the body, not from every graph that names it: the cost of an acronym look-up
        must not grow with the archive. None when no other graph names it."""
        mine = self._graph(exclude) if exclude is not None else None
        seen = mine.resources.get(iri) if mine is not None else None
        view = self._db.org_view(iri, exclude, None if seen is None else seen.names)
        if view is None:
            return None
        names, country = view
        return _Seen("org", sorted(names), country=country)

    def __len__(self) -> int:
        return self._db.resource_count()

    def _mention(self, graph: str, iri: str) -> _Mention | None:
        """The person ``iri`` of graph ``graph`` as a mention (made once per stored graph)."""
        if (cached := self._mentions.get((graph, iri))) is not None:
            return cached
        data = self._db.mention(iri, graph)
        if data is None:
            return None
        m = _from_blob(graph, iri, data)
        self._mentions.put((graph, iri), m)
        return m

    def _mentions_of(self, iri: str) -> list[_Mention]:
        """Person ``iri`` as each graph that names it has them, by graph: one index range read."""
        out = []
        for g, _, data in self._db.mentions_of(iri):
            if (m := self._mentions.get((g, iri))) is None and data is not None:
                m = _from_blob(g, iri, data)
                self._mentions.put((g, iri), m)
            if m is not None:
                out.append(m)
        return out

    def _names_of(self, graph: str, fresh: dict[str, list[_Mention]]) -> frozenset[str]:
        """Folded full names and QIDs of the persons graph ``graph`` names (kept per stored graph)."""
        if graph in fresh:
            return _named(fresh[graph])
        if (cached := self._named.get(graph)) is None:
            data = self._db.named(graph)
            cached = pickle.loads(data) if data is not None else frozenset()
            self._named.put(graph, cached)
        return cached

    def _names_many(self, graphs: list[str]) -> dict[str, frozenset[str]]:
        """:meth:`_names_of` of several stored graphs, the ones not in RAM read in one query."""
        out = {g: cached for g in graphs if (cached := self._named.get(g)) is not None}
        if missing := sorted({g for g in graphs if g not in out}):
            for g, data in self._db.named_many(missing).items():
                out[g] = pickle.loads(data)
                self._named.put(g, out[g])
        return out

    def _restore(self) -> None:
        """Put back a graph :meth:`resolve` forgot whose new version was never stored (the article
        failed after it was resolved): the store still holds the old one."""
        g, self._unlearned = self._unlearned, None
        if g is not None and self._store is not None:
            node = ox.NamedNode(g)
            quads = list(self._store.raw.quads_for_pattern(None, None, None, node))
            if quads:
                self._add(g, _harvest((q.subject, q.predicate, q.object) for q in quads))

    # -- resolution at link time ----------------------------------------------------------------------

    def resolve(self, facts: ArticleFacts, gaz: Gazetteer | None = None) -> None:
        """Set ``identity`` and ``pref_label`` on the article's persons (and ``identity`` on acronyms),
        and work out which earlier graphs change with it (applied by :meth:`backfill`)."""
        graph = article_graph(self.base, facts.article.id).value
        ents = facts.entities
        for ent in ents.values():
            if ent.kind is Kind.ORGANIZATION and not ent.wikidata and not ent.identity:
                self._resolve_org(ent, facts, graph)
        self._gaz = gaz
        posts = self._post_context(facts)
        fresh = [_Mention(graph, f"new:{e.key}", e.identity or slugify(nm.core_name(e.name)),
                          tuple(dict.fromkeys([e.name, *sorted(e.aliases)])),
                          e.wikidata, frozenset(posts.get(e.key, set())), facts.article.published)
                 for e in ents.values() if e.kind is Kind.PERSON]
        self._restore()
        if self._db.has_graph(graph):  # re-ingest: the article is no evidence for itself
            self.forget(graph)
            self._unlearned = graph  # put back by _restore() should the new version not be stored
        closed, published, few = self._closure(fresh, graph)
        result, persons = _Clusterer([*fresh, *closed], gaz, lambda g: self._names_of(g, {graph: fresh}),
                                     published, few).run()
        for m in fresh:
            key, label = result[(m.graph, m.ref)]
            ent = ents[m.ref[4:]]
            ent.identity = None if key == slugify(nm.core_name(ent.name)) else key
            ent.pref_label = label
        plan: dict[str, list[tuple[str, str, str | None]]] = {}
        # (the mentions of a person decided whole are not in the result: its graphs are planned
        # with the published persons below)
        for m in [*closed, *(m for f in few for m in f.mentions if (m.graph, m.ref) in result)]:
            key, label = result[(m.graph, m.ref)]
            new = self.person_ns + key
            if new != m.ref or m.pref != label:
                plan.setdefault(m.graph, []).append((m.ref, new, label))
        for p in persons:  # published persons decided whole: rewritten only when their IRI or label changes
            new = self.person_ns + p.key
            stored = {n for e in p.layers for n, c in e.prefs.items() if c > 0}
            for iri in sorted(p.iris):
                if iri == new and stored == {p.label}:
                    continue
                for m in self._mentions_of(iri):
                    if iri != new or m.pref != p.label:
                        plan.setdefault(m.graph, []).append((iri, new, p.label))
        self._pending[graph] = plan

    def _closure(self, fresh: list[_Mention], graph: str) -> tuple[list[_Mention], list[_Person], list[_Few]]:
        """What the article's persons may join or change: the published persons sharing a surname
        skeleton with them (and those sharing one with these, until none is added). A person
        published under a Wikidata-linked IRI (or unlinked in :data:`AGGREGATE_AT` graphs) comes as
        one kept-up-to-date piece, so a new article about a person named in ten thousand others
        costs what one about a newcomer does; other unlinked persons come as their :class:`_Few`
        (the clusterer decides them whole, or mention by mention when a name of the run relates to
        theirs), or mention by mention when their mentions are not one group by themselves. The
        third list returned holds the :class:`_Few`, whose mentions are not in the first.

        Article-local persons (bare surnames that nothing singled out) come only when something
        here may single them out now (:meth:`_file_local`): a post of their role held by a person
        this article names in full or links, or a person named both in their article and in one
        of the full names decided here. Otherwise they would stay as they are, so they are not
        read: their number grows with the archive, and the cost of an article must not."""
        todo = list(_skeletons([n for m in fresh for n in m.names]))
        touches: set[str] = set()
        for m in fresh:
            if m.qid:
                todo += _skeletons(self._gaz_names(m.qid))
                touches |= {f"r:{role}" for role in self._gaz_roles(m.qid)}
            if m.full or m.qid:
                touches |= {f"r:{role}" for role, _, _ in m.posts}
        touches |= {f"n:{name}" for name in _named(fresh)}
        seen_keys: set[str] = set()
        asked: dict[str, set[str]] = {}  # skeleton -> touches already asked for
        single: dict[tuple[str, str], _Mention] = {}
        linked: dict[str, _Person] = {}
        few: dict[str, _Few] = {}
        naming: list[str] = []
        naming_few: list[_Few] = []  # (their graphs' names are kept with them, see _Few.named)

        def take(m: _Mention) -> None:
            g = m.graph
            if g == graph or (g, m.ref) in single:
                return
            single[(g, m.ref)] = m
            todo.extend(k for k in _skeletons(m.names) if k not in seen_keys)
            if m.full or m.qid:  # decided again here: what it says may single out a bare surname
                touches.update(f"r:{role}" for role, _, _ in m.posts)
                naming.append(g)  # the names its graph gives, read for all such graphs at once below

        while True:
            while todo:
                key = todo.pop()
                if key in seen_keys:
                    continue
                seen_keys.add(key)
                for iri in self._db.persons(key):
                    if iri in linked or iri in few:
                        continue
                    # one row says whether the person comes as a whole; else its mentions (fewer
                    # than AGGREGATE_AT) are one index range, taken below
                    n, n_linked = self._db.counts(iri)
                    if not n:
                        continue
                    if LOCAL_MARK not in iri and (n_linked > 0 or n >= AGGREGATE_AT):
                        p = self._aggregate(iri)
                        if p.qid or p.fulls:
                            linked[iri] = p
                            todo.extend(k for k in _skeletons(p.forms) if k not in seen_keys)
                            continue
                    if self.DECIDE_WHOLE and LOCAL_MARK not in iri and not n_linked and n < AGGREGATE_AT:
                        summary = self._few_of(iri)
                        if summary.layer is None:  # not one group by itself: mention by mention
                            for m in summary.mentions:
                                take(m)
                            continue
                        # what taking its mentions would add, without them (the clusterer takes them
                        # one by one only if something in the run could group them otherwise)
                        few[iri] = summary
                        todo.extend(k for k in summary.skeys if k not in seen_keys)
                        touches.update(summary.touches)
                        naming_few.append(summary)
                        continue
                    for m in self._mentions_of(iri):
                        take(m)
            # Only the touches some skeleton has locals under can find any (see IndexDB.locals): most
            # skeletons have none, so the names of the graphs taken (hundreds of them, every name
            # each gives) are read only when a skeleton has locals filed under a name not yet asked.
            known = {sk: k for sk in sorted(seen_keys) if (k := self._db.local_touches(sk))}
            if (naming or naming_few) and \
                    any(t.startswith("n:") and t not in asked.get(sk, ()) for sk, k in known.items() for t in k):
                for summary in naming_few:
                    touches |= self._few_named(summary)
                naming_few.clear()
                for names in self._names_many(naming).values():
                    touches.update(f"n:{name}" for name in names)
                naming.clear()
            ask = {sk: new for sk, k in known.items() if (new := (k & touches) - asked.get(sk, set()))}
            if not ask:
                break
            for sk, new in ask.items():
                asked.setdefault(sk, set()).update(new)
                for iri in self._db.locals(sk, sorted(new)):
                    for m in self._mentions_of(iri):
                        take(m)
        return list(single.values()), list(linked.values()), list(few.values())

    def _few_named(self, summary: _Few) -> frozenset[str]:
        """The closure's touches (``n:{name}``) of the names the graphs of ``summary`` give, read once."""
        if summary.named is None:
            graphs = [m.graph for m in summary.mentions]
            summary.named = frozenset(f"n:{name}" for names in self._names_many(graphs).values() for name in names)
        return summary.named

    def _few_of(self, iri: str) -> _Few:
        """The :class:`_Few` of unlinked person ``iri``, made once and kept until one of its graphs changes."""
        if (summary := self._few.get(iri)) is None:
            summary = _summarize(iri, self._mentions_of(iri), lambda x: self._names_of(x, {}))
            self._few.put(iri, summary)
        return summary

    def _loaded_aggregate(self, iri: str) -> _Person | None:
        """The aggregate of ``iri`` if one was made (in RAM or in the database), else None."""
        if (p := self._agg.get(iri)) is not None:
            return p
        data = self._db.aggregate(iri)
        if data is None:
            return None
        p = pickle.loads(data)
        for e in p.layers:
            if isinstance(e, _StoredEvidence):
                e.db = self._db
        self._keep(iri, p)
        return p

    def _keep(self, iri: str, p: _Person) -> None:
        """Cache aggregate ``p`` in RAM; the ones evicted are written back if they changed."""
        for old, agg in self._agg.put(iri, p):
            if old in self._dirty:
                self._dirty.discard(old)
                self._db.put_aggregate(old, pickle.dumps(agg, pickle.HIGHEST_PROTOCOL))

    def _aggregate(self, iri: str) -> _Person:
        """Everything the graphs of person ``iri`` say, made once and then kept up to date."""
        if (p := self._loaded_aggregate(iri)) is None:
            qids = self._db.qids(iri)
            p = _Person(iri.rsplit("/", 1)[-1], min(qids) if qids else None, iris={iri}, fixed=not qids,
                        layers=[_StoredEvidence(iri, self._db)])
            self._db.drop_evidence(iri)  # rows of an aggregate dropped before: made again below
            for m in self._mentions_of(iri):
                p.add(m, lambda x: self._names_of(x, {}), pref=m.pref, decide=False)
            self._keep(iri, p)
            self._dirty.add(iri)
        return p

    _gaz: Gazetteer | None = None

    def _gaz_names(self, qid: str) -> tuple[str, ...]:
        person = self._gaz.person(qid) if self._gaz is not None else None
        return person.names() if person is not None else ()

    def _gaz_roles(self, qid: str) -> set[str]:
        """The roles of the positions Wikidata says ``qid`` held (what a bare surname's post may match)."""
        gaz = self._gaz
        person = gaz.person(qid) if gaz is not None else None
        if person is None or gaz is None:
            return set()
        return {pos.role for t in person.held if (pos := gaz.position(t.position)) is not None and pos.role}

    def _post_context(self, facts: ArticleFacts) -> dict[str, set[Post]]:
        """Each holder's post claims as (role, country IRI, organization IRI), as the mapper will publish them."""
        ents = facts.entities
        known = role_concepts()
        out: dict[str, set[Post]] = {}
        for claim in facts.posts:
            org = ents.get(claim.organization) if claim.organization else None
            country_key = claim.country or (org.country if org is not None else None)
            country = ents.get(country_key) if country_key else None
            concept = claim.role_type if claim.role_type in known else role_type(claim.role)
            out.setdefault(claim.holder, set()).add((
                _role_key(concept, claim.role, claim.status is Status.FORMER),
                entity_iri(self.base, country, ents).value if country is not None else None,
                entity_iri(self.base, org, ents).value if org is not None else None))
        return _refute(out)

    def _resolve_org(self, ent: Entity, facts: ArticleFacts, graph: str) -> None:
        if not is_acronym(ent.name):
            return
        ents = facts.entities
        mine = entity_iri(self.base, ents[ent.country], ents).value if ent.country in ents else None
        named = {entity_iri(self.base, e, ents).value for e in ents.values() if e.kind is Kind.COUNTRY}
        found = self._acronym_candidates(ent.name.replace(".", ""), mine, named, exclude=graph)
        if len(found) == 1:
            iri = found[0][0]
            if iri.startswith(self.org_ns):
                ent.identity = iri[len(self.org_ns):]

    def _acronym_candidates(self, acronym: str, country: str | None, countries: set[str],
                            exclude: str | None) -> list[tuple[str, _Seen]]:
        """Published bodies that have ``acronym`` beside a full name, in a country that agrees."""
        out = []
        for iri in self._db.acronym(acronym):
            seen = self._org_view(iri, exclude=exclude)
            if seen is None or acronym not in {n.replace(".", "") for n in seen.names}:
                continue
            if all(is_acronym(n) for n in seen.names):
                continue  # an acronym only: nothing to join
            if seen.country and (seen.country != country if country else seen.country not in countries):
                continue
            if country and not seen.country:
                continue
            out.append((iri, seen))
        return out

    # -- after storing: earlier graphs the new one resolves --------------------------------------------

    def backfill(self, graph: str | ox.NamedNode) -> dict[str, list[tuple[str, str, str | None]]]:
        """Earlier graphs that ``graph`` changes: ``{other graph: [(old IRI, new IRI, preferred label
        or None)]}`` for persons whose IRI or preferred label changes there (worked out by
        :meth:`resolve`) and acronym-only bodies the new graph names in full; apply with :func:`rewrite`."""
        g = graph.value if isinstance(graph, ox.NamedNode) else graph
        out = {k: list(v) for k, v in self._pending.pop(g, {}).items()}
        mine = self._graph(g)
        if mine is None:
            return out
        for iri, seen in mine.resources.items():
            if seen.kind == "org" and not all(is_acronym(n) for n in seen.names):
                for acronym in sorted({n.replace(".", "") for n in seen.names if is_acronym(n)}):
                    for old in self._db.acronym(acronym):
                        if old != iri:
                            self._backfill_org(g, iri, old, acronym, out)
        return out

    def _backfill_org(self, g: str, iri: str, old: str, acronym: str,
                      out: dict[str, list[tuple[str, str, str | None]]]) -> None:
        for other in self._db.acronym_only(old):  # the graphs a full name may resolve
            if (contribution := self._graph(other)) is None:
                continue
            theirs = contribution.resources[old]
            if other == g or iri in contribution.resources or any(o == old for o, _, _ in out.get(other, ())):
                continue
            if not all(is_acronym(n) for n in theirs.names):
                continue
            found = self._acronym_candidates(acronym, theirs.country, contribution.countries, other)
            if [f for f, _ in found] == [iri]:
                out.setdefault(other, []).append((old, iri, None))


def _stored_mention(graph: str, iri: str, seen: _Seen, day: date | None) -> _Mention:
    """Person ``iri`` as stored graph ``graph`` has them."""
    return _Mention(graph, iri, iri.rsplit("/", 1)[-1], tuple(seen.names), min(seen.qids) if seen.qids else None,
                    frozenset(seen.posts), day, seen.pref)


def _mention_blob(m: _Mention) -> bytes:
    """What the index keeps of a stored mention (its graph and IRI are the row's key)."""
    return pickle.dumps((m.names, m.qid, m.posts, m.day, m.pref), pickle.HIGHEST_PROTOCOL)


def _from_blob(graph: str, iri: str, data: bytes) -> _Mention:
    names, qid, posts, day, pref = pickle.loads(data)
    return _Mention(graph, iri, iri.rsplit("/", 1)[-1], names, qid, posts, day, pref)


def _named(mentions: Iterable[_Mention]) -> frozenset[str]:
    out: set[str] = set()
    for m in mentions:
        if m.full:
            out.add(" ".join(m.full))
        if m.qid:
            out.add(m.qid)
    return frozenset(out)


def _skeletons(names: Iterable[str]) -> set[str]:
    """The look-up keys of a person's names: the skeleton of each name's last significant word."""
    out = set()
    for n in names:
        sig = nm.significant(n)
        if sig and (sk := nm.skeleton(sig[-1])):
            out.add(sk)
    return out


def _qualifier(posts: set[Post]) -> str:
    """The slug a namesake's IRI gets: the (first) country of its post claims, else its organization."""
    for place in sorted(_countries(posts)) or sorted(o for _, _, o in posts if o):
        return place.rstrip("/").rsplit("/", 1)[-1]
    return "x"


def local_key(name: str, article_id: str) -> str:
    """The article-local person key: ``{slug(name)}--in-{article key}``.

    The article part is :func:`~newsgraph.mapping.article_key`, not a slug of the id: two articles
    whose ids slug alike (every Cyrillic id slugged to ``x``) must not share their unresolved people.
    """
    return f"{slugify(name)}{LOCAL_MARK}{article_key(article_id)}"


def rewrite(store: GraphStore, index: IdentityIndex, graph: str, renames: list[tuple[str, str, str | None]]) -> int:
    """Replace ``old`` IRIs by ``new`` ones in ``graph`` and set the preferred label given with them
    (one transaction); a person left with two ``rdfs:label`` keeps its own and the other becomes a
    ``skos:altLabel``. Returns the number of quads written."""
    g = ox.NamedNode(graph)
    mapping = {old: ox.NamedNode(new) for old, new, _ in renames}
    labels = {new: label for _, new, label in renames if label is not None}

    def swap(term: ox.Term) -> ox.Term:
        return mapping.get(term.value, term) if isinstance(term, ox.NamedNode) else term

    quads: list[ox.Quad] = []
    labelled: dict[str, tuple[bool, str]] = {}  # subject -> (renamed?, label) of the rdfs:label it keeps
    for q in store.raw.quads_for_pattern(None, None, None, g):
        s = swap(q.subject)
        if q.predicate == SKOS.prefLabel and s.value in labels:
            continue
        if q.predicate == RDFS.label:
            mine = (s.value != q.subject.value, q.object.value)
            if s.value not in labelled or mine < labelled[s.value]:
                labelled[s.value] = mine
        quads.append(ox.Quad(s, q.predicate, swap(q.object), g))  # type: ignore[arg-type]
    quads = [ox.Quad(q.subject, SKOS.altLabel, q.object, g)
             if q.predicate == RDFS.label and labelled[q.subject.value][1] != q.object.value else q
             for q in quads]
    for new, label in labels.items():
        quads.append(ox.Quad(ox.NamedNode(new), SKOS.prefLabel, ox.Literal(label), g))
    quads = list(dict.fromkeys(quads))
    count = store.replace_graph(g, quads)
    index.learn(graph, quads)
    return count
