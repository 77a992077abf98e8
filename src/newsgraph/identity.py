"""Identity across articles for what the gazetteer cannot link: one IRI per person or body, not per name.

The mapper mints IRIs from names, so "Hakan Fidan" in two articles is already one resource. Two cases
need more than the name, and both need to know what is already published:

* **A bare surname** ("Turkey's top diplomat Fidan") is not a name of its own: ``id/person/fidan``
  would be every Fidan of every article. It joins a published person whose full name ends with that
  surname only when this article's post claim for it agrees with one of that person's post claims
  (same role, and same country or organization) and exactly one published person fits; it then also
  takes that person's Wikidata item when they have exactly one. Otherwise it gets an IRI local to
  the article, ``id/person/fidan--in-{article}``, which joins nothing.
* **Namesakes**: a full name whose published bearer holds posts only in other countries than this
  article's post claims for it say (the Egyptian minister and the Somali MP called Ahmed Hassan) is
  another person, ``id/person/ahmed-hassan--somalia``; a mention with no post claim cannot be told
  apart and keeps the name's IRI, as before.

Organizations follow the same idea: an unlinked acronym ("the PKK") joins the one published body
that has it as a name beside a full name ("Kurdistan Workers' Party"), when its country is the
acronym's or one the article names.

What is published is read with one query when an ingest run starts (:meth:`IdentityIndex.from_store`)
and kept up to date as the run stores each article (:meth:`IdentityIndex.learn`), so a run of
thousands of articles never queries the store per article. An article's own graph never counts as
evidence for itself, so re-ingesting an article gives the IRIs of the first time.

Trade-offs, since identity here depends on what else is published:

* **Order**: when the full name comes *after* the bare surname, the surname's article was stored
  with a local IRI; :meth:`IdentityIndex.backfill` then rewrites that article's graph (one
  transaction, nothing else in it changes) so the result does not depend on which came first. For
  namesakes the first one published keeps the plain IRI and a later one with other countries gets
  the qualified one; that choice depends on order, but is stable afterwards: re-ingesting either
  article gives it the same IRI again.
* **Deletion** stays per article: deleting the article that named "Hakan Fidan" in full leaves the
  other article's claims on ``id/person/hakan-fidan``; re-ingesting that article then gives it its
  local IRI again.
* **Caution over recall**: no post claim, two fitting people, or a country that disagrees all give
  a local IRI (or leave the name's IRI), never a guess: a wrong merge joins two people's claims.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from newsgraph.facts import ArticleFacts, Entity, Kind, slugify
from newsgraph.gazetteer import normalize
from newsgraph.mapping import article_graph, article_key, confidence_literal, entity_iri, wikidata_iri
from newsgraph.roles import concepts as role_concepts
from newsgraph.roles import role_type
from newsgraph.store import GraphStore
from newsgraph.vocab import FOAF, NG, NGR, ORG, OWL, RDF, RDFS, SKOS

__all__ = ["LOCAL_MARK", "STORE_LINK_CONFIDENCE", "IdentityIndex", "is_acronym", "local_key", "rewrite"]

#: Marks a person IRI that belongs to one article: ``{slug(surname)}--in-{article key}``.
LOCAL_MARK = "--in-"
#: Confidence of a Wikidata link taken over from a published person or body through identity.
STORE_LINK_CONFIDENCE = 0.85

Post = tuple[str, str | None, str | None]  # (role key, country IRI, organization IRI)

_PREDICATES = (RDFS.label, SKOS.altLabel, OWL.sameAs, NG.country, ORG.member, ORG.role, NG.roleLabel,
               ORG.organization)
_TYPES = (FOAF.Person, ORG.Organization, NG.PostHolding, NG.Country)
_WD = "http://www.wikidata.org/entity/"
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,7}")


def is_acronym(text: str) -> bool:
    """ "PKK", "FSB", "UNISON": a single upper-case token of two to eight characters."""
    return bool(_ACRONYM.fullmatch(text.replace(".", "").strip()))


@dataclass
class _Seen:
    """What one article graph says about one person or organization."""

    kind: str  # "person" or "org"
    names: set[str] = field(default_factory=set)  # rdfs:label and skos:altLabel
    qids: set[str] = field(default_factory=set)
    posts: set[Post] = field(default_factory=set)
    country: str | None = None  # organizations: the country IRI

    def merge(self, other: _Seen) -> None:
        self.names |= other.names
        self.qids |= other.qids
        self.posts |= other.posts
        self.country = self.country or other.country


@dataclass
class _Graph:
    """One article graph's contribution: its persons and organizations, and the countries it names."""

    resources: dict[str, _Seen] = field(default_factory=dict)
    countries: set[str] = field(default_factory=set)


def _role_key(concept: str | None, wording: str | None) -> str:
    return concept or f"~{slugify(wording or '')}"


def _harvest(triples: Iterable[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.Term]]) -> _Graph:
    """The persons, organizations, post claims and countries of one article graph's triples."""
    types: dict[str, set[str]] = {}
    props: dict[str, dict[str, list[ox.Term]]] = {}
    for s, p, o in triples:
        if not isinstance(s, ox.NamedNode):
            continue
        if p == RDF.type:
            if isinstance(o, ox.NamedNode):
                types.setdefault(s.value, set()).add(o.value)
        else:
            props.setdefault(s.value, {}).setdefault(p.value, []).append(o)
    out = _Graph()
    for iri, kinds in types.items():
        if NG.Country.value in kinds:
            out.countries.add(iri)
        kind = "person" if FOAF.Person.value in kinds else "org" if ORG.Organization.value in kinds else None
        if kind is None:
            continue
        seen = out.resources.setdefault(iri, _Seen(kind))
        mine = props.get(iri, {})
        for pred in (RDFS.label.value, SKOS.altLabel.value):
            seen.names.update(o.value for o in mine.get(pred, ()) if isinstance(o, ox.Literal))
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
        for m in members:
            if (seen := out.resources.get(m)) is not None and seen.kind == "person":
                seen.posts.add((_role_key(concept, wording), country, org))
    return out


def _agree(mine: set[Post], theirs: set[Post]) -> bool:
    """Some post of each with the same role in the same country or organization."""
    return any(r1 == r2 and ((c1 is not None and c1 == c2) or (o1 is not None and o1 == o2))
               for r1, c1, o1 in mine for r2, c2, o2 in theirs)


def _countries(posts: set[Post]) -> set[str]:
    return {c for _, c, _ in posts if c}


def _conflict(mine: set[Post], theirs: set[Post]) -> bool:
    """Both hold posts in known countries, and no country is shared: two people, not one."""
    a, b = _countries(mine), _countries(theirs)
    return bool(a and b and not a & b)


def _surname(name: str) -> str | None:
    """The folded last word of a full name of two words or more."""
    words = normalize(name).split()
    return words[-1] if len(words) >= 2 else None


class IdentityIndex:
    """Published persons and organizations by surname, name and acronym, per article graph.

    Build with :meth:`from_store` (or empty, for a new store); :meth:`resolve` sets
    :attr:`Entity.identity` for one article's unlinked entities before it is mapped; :meth:`learn`
    records a graph once stored; :meth:`backfill` rewrites earlier graphs the new one resolves.
    """

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.person_ns = f"{self.base}id/person/"
        self.org_ns = f"{self.base}id/org/"
        self._graphs: dict[str, _Graph] = {}
        self._where: dict[str, set[str]] = {}  # resource IRI -> graphs that mention it
        # Inverted indexes; entries may be stale after a graph is replaced, so look-ups re-check.
        self._by_surname: dict[str, set[str]] = {}
        self._by_stem: dict[str, set[str]] = {}  # person key without "--..." -> IRIs
        self._by_acronym: dict[str, set[str]] = {}

    # -- building ------------------------------------------------------------------------------------

    @classmethod
    def from_store(cls, store: GraphStore, base: str) -> IdentityIndex:
        """The index of everything ``store`` publishes under ``base``, read with one query."""
        index = cls(base)
        types = " ".join(str(t) for t in _TYPES)
        preds = " ".join(str(p) for p in _PREDICATES)
        prefix = str(ox.Literal(f"{index.base}graph/article/"))
        rows = store.raw.query(
            f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ {{ ?s a ?o VALUES ?o {{ {types} }} BIND({RDF.type} AS ?p) }} "
            f"UNION {{ ?s ?p ?o VALUES ?p {{ {preds} }} }} }} FILTER(STRSTARTS(STR(?g), {prefix})) }}")
        by_graph: dict[str, list[tuple[ox.NamedNode, ox.NamedNode, ox.Term]]] = {}
        for r in rows:  # type: ignore[union-attr]
            by_graph.setdefault(r["g"].value, []).append((r["s"], r["p"], r["o"]))
        for graph, triples in by_graph.items():
            index._add(graph, _harvest(triples))
        return index

    def learn(self, graph: str | ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Record what ``graph`` (just stored) says, replacing what it said before."""
        g = graph.value if isinstance(graph, ox.NamedNode) else graph
        self.forget(g)
        self._add(g, _harvest((q.subject, q.predicate, q.object) for q in quads))

    def forget(self, graph: str | ox.NamedNode) -> None:
        """Drop what ``graph`` said (the article was deleted or is about to be replaced)."""
        g = graph.value if isinstance(graph, ox.NamedNode) else graph
        old = self._graphs.pop(g, None)
        for iri in old.resources if old else ():
            if (where := self._where.get(iri)) is not None:
                where.discard(g)
                if not where:
                    del self._where[iri]

    def _add(self, graph: str, contribution: _Graph) -> None:
        self._graphs[graph] = contribution
        for iri, seen in contribution.resources.items():
            self._where.setdefault(iri, set()).add(graph)
            if seen.kind == "person" and iri.startswith(self.person_ns):
                key = iri[len(self.person_ns):]
                self._by_stem.setdefault(key.split("--", 1)[0], set()).add(iri)
                for name in seen.names:
                    if (sur := _surname(name)) is not None:
                        self._by_surname.setdefault(sur, set()).add(iri)
                if LOCAL_MARK in key and seen.names:
                    self._by_surname.setdefault(normalize(next(iter(seen.names))), set()).add(iri)
            elif seen.kind == "org":
                for name in seen.names:
                    if is_acronym(name):
                        self._by_acronym.setdefault(name.replace(".", ""), set()).add(iri)

    # -- views ---------------------------------------------------------------------------------------

    def _view(self, iri: str, exclude: str | None = None) -> _Seen | None:
        """Everything published about ``iri``, leaving out graph ``exclude``; None if nothing."""
        out: _Seen | None = None
        for g in self._where.get(iri, ()):
            if g == exclude:
                continue
            seen = self._graphs[g].resources[iri]
            if out is None:
                out = _Seen(seen.kind)
            out.merge(seen)
        return out

    def __len__(self) -> int:
        return len(self._where)

    # -- resolution at link time ----------------------------------------------------------------------

    def resolve(self, facts: ArticleFacts) -> None:
        """Set ``identity`` (and, where identity brings one, ``wikidata``) on the article's entities."""
        graph = article_graph(self.base, facts.article.id).value
        ents = facts.entities
        for ent in ents.values():
            if ent.kind is Kind.ORGANIZATION and not ent.wikidata and not ent.identity:
                self._resolve_org(ent, facts, graph)
        posts = self._post_context(facts)
        for ent in ents.values():
            if ent.kind is Kind.PERSON:
                self._resolve_person(ent, posts.get(ent.key, set()), facts, graph)

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
                _role_key(concept, claim.role),
                entity_iri(self.base, country, ents).value if country is not None else None,
                entity_iri(self.base, org, ents).value if org is not None else None))
        return out

    def _resolve_person(self, ent: Entity, posts: set[Post], facts: ArticleFacts, graph: str) -> None:
        if ent.wikidata:  # linked by the gazetteer: only guard the name's IRI against a namesake
            key = ent.identity or slugify(ent.name)
            other = self._view(self.person_ns + key, exclude=graph)
            if other is not None and ((other.qids and ent.wikidata not in other.qids)
                                      or (not other.qids and _conflict(posts, other.posts))):
                ent.identity = f"{key}-{ent.wikidata.lower()}"
            return
        if _surname(ent.name) is not None:
            self._resolve_full_name(ent, posts, graph)
            return
        found = self._surname_candidates(normalize(ent.name), posts, exclude=graph)
        if len(found) == 1:
            iri, seen = found[0]
            ent.identity = iri[len(self.person_ns):]
            self._adopt(ent, seen)
        else:
            ent.identity = local_key(ent.name, facts.article.id)

    def _resolve_full_name(self, ent: Entity, posts: set[Post], graph: str) -> None:
        stem = slugify(ent.name)
        chosen = self._view(self.person_ns + stem, exclude=graph)
        if chosen is not None and _conflict(posts, chosen.posts):
            key = None
            for iri in sorted(self._by_stem.get(stem, ())):
                if iri != self.person_ns + stem and LOCAL_MARK not in iri:
                    seen = self._view(iri, exclude=graph)
                    if seen is not None and seen.posts and not _conflict(posts, seen.posts):
                        key, chosen = iri[len(self.person_ns):], seen
                        break
            if key is None:
                key, chosen = f"{stem}--{_qualifier(posts)}", None
            ent.identity = key
        if chosen is not None and posts and _agree(posts, chosen.posts):
            self._adopt(ent, chosen)

    def _surname_candidates(self, surname: str, posts: set[Post],
                            exclude: str | None) -> list[tuple[str, _Seen]]:
        """Published persons (not article-local) with a full name ending in ``surname`` whose post
        claims agree with ``posts``."""
        if not posts:
            return []
        out = []
        for iri in sorted(self._by_surname.get(surname, ())):
            if LOCAL_MARK in iri or not iri.startswith(self.person_ns):
                continue
            seen = self._view(iri, exclude=exclude)
            if seen is None or not any(_surname(n) == surname for n in seen.names):
                continue
            if _agree(posts, seen.posts):
                out.append((iri, seen))
        return out

    def _resolve_org(self, ent: Entity, facts: ArticleFacts, graph: str) -> None:
        if not is_acronym(ent.name):
            return
        ents = facts.entities
        mine = entity_iri(self.base, ents[ent.country], ents).value if ent.country in ents else None
        named = {entity_iri(self.base, e, ents).value for e in ents.values() if e.kind is Kind.COUNTRY}
        found = self._acronym_candidates(ent.name.replace(".", ""), mine, named, exclude=graph)
        if len(found) == 1:
            iri, seen = found[0]
            if iri.startswith(self.org_ns):
                ent.identity = iri[len(self.org_ns):]
                self._adopt(ent, seen)

    def _acronym_candidates(self, acronym: str, country: str | None, countries: set[str],
                            exclude: str | None) -> list[tuple[str, _Seen]]:
        """Published bodies that have ``acronym`` beside a full name, in a country that agrees."""
        out = []
        for iri in sorted(self._by_acronym.get(acronym, ())):
            seen = self._view(iri, exclude=exclude)
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

    @staticmethod
    def _adopt(ent: Entity, seen: _Seen) -> None:
        """Take over the published resource's Wikidata item, when it has exactly one. The label stays
        the article's wording ("Fidan"): labels are read per graph, as each article states them."""
        if not ent.wikidata and len(seen.qids) == 1:
            ent.wikidata, ent.link_confidence = next(iter(seen.qids)), STORE_LINK_CONFIDENCE

    # -- after storing: earlier graphs the new one resolves --------------------------------------------

    def backfill(self, graph: str | ox.NamedNode) -> dict[str, list[tuple[str, str, str | None]]]:
        """Earlier graphs that the resources of ``graph`` now resolve, by the rules of :meth:`resolve`:
        ``{other graph: [(old IRI, new IRI, QID the new one brings or None)]}`` for each article-local
        person and acronym-only body there; apply with :func:`rewrite`."""
        g = graph.value if isinstance(graph, ox.NamedNode) else graph
        mine = self._graphs.get(g)
        out: dict[str, list[tuple[str, str, str | None]]] = {}
        if mine is None:
            return out
        for iri, seen in mine.resources.items():
            if seen.kind == "person" and LOCAL_MARK not in iri:
                for sur in sorted({s for n in seen.names if (s := _surname(n))}):
                    for old in sorted(self._by_surname.get(sur, ())):
                        if LOCAL_MARK in old:
                            self._backfill_one(g, iri, old, out, lambda theirs, other, s=sur:
                                               self._surname_candidates(s, theirs.posts, exclude=other))
            elif seen.kind == "org" and not all(is_acronym(n) for n in seen.names):
                for acronym in sorted({n.replace(".", "") for n in seen.names if is_acronym(n)}):
                    for old in sorted(self._by_acronym.get(acronym, ())):
                        if old != iri:
                            self._backfill_one(g, iri, old, out, lambda theirs, other, a=acronym:
                                               self._acronym_candidates(a, theirs.country,
                                                                        self._graphs[other].countries, other))
        return out

    def _backfill_one(self, g: str, iri: str, old: str, out: dict[str, list[tuple[str, str, str | None]]],
                      candidates: Callable[[_Seen, str], list[tuple[str, _Seen]]]) -> None:
        for other in sorted(self._where.get(old, ())):
            contribution = self._graphs[other]
            theirs = contribution.resources[old]
            if other == g or iri in contribution.resources or any(o == old for o, _, _ in out.get(other, ())):
                continue
            if theirs.kind == "org" and not all(is_acronym(n) for n in theirs.names):
                continue
            found = candidates(theirs, other)
            if [f for f, _ in found] == [iri]:
                out.setdefault(other, []).append((old, iri, _one(found[0][1].qids)))


def _one(qids: set[str]) -> str | None:
    return next(iter(qids)) if len(qids) == 1 else None


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
    """Replace ``old`` IRIs by ``new`` ones in ``graph`` (one transaction), adding ``owl:sameAs`` for
    a QID the new resource brings; returns the number of quads written."""
    g = ox.NamedNode(graph)
    mapping = {old: ox.NamedNode(new) for old, new, _ in renames}

    def swap(term: ox.Term) -> ox.Term:
        return mapping.get(term.value, term) if isinstance(term, ox.NamedNode) else term

    quads = [ox.Quad(swap(q.subject), q.predicate, swap(q.object), g)  # type: ignore[arg-type]
             for q in store.raw.quads_for_pattern(None, None, None, g)]
    have = {(q.subject, q.predicate) for q in quads}
    for _, new, qid in renames:
        node = ox.NamedNode(new)
        if qid and (node, OWL.sameAs) not in have:
            quads.append(ox.Quad(node, OWL.sameAs, wikidata_iri(qid), g))
            quads.append(ox.Quad(node, NG.linkConfidence, confidence_literal(STORE_LINK_CONFIDENCE), g))
    quads = list(dict.fromkeys(quads))
    count = store.replace_graph(g, quads)
    index.learn(graph, quads)
    return count
