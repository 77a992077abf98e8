"""Facts → RDF: turn one article's :class:`~newsgraph.facts.ArticleFacts` into quads.

The output is exactly the data model of ``ontology/README.md``, all of it in the article's named
graph, so that re-ingesting an article replaces its claims and deleting it retracts them. The
mapper knows nothing of spaCy: it sees only the dataclasses of :mod:`newsgraph.facts`.

Identity is the mapper's job, not the extractor's: entity keys in the facts are article-local, and
IRIs are minted from kind + name (+ country where names are generic), so the same person named in
two articles gets one IRI and the union of the article graphs joins them. Claims (post holdings,
meetings, memberships) are per article and numbered within it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pyoxigraph as ox

from newsgraph.facts import (
    ArticleFacts,
    BlocMembership,
    Conflict,
    Entity,
    Evidence,
    Kind,
    Meeting,
    PostClaim,
    Status,
    slugify,
)
from newsgraph.names import core_name
from newsgraph.roles import concepts as role_concepts
from newsgraph.roles import role_label, role_type
from newsgraph.vocab import (
    DCTERMS,
    FOAF,
    NG,
    NGR,
    OA,
    OPENGOV,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    SKOS,
    WD,
    XSD,
)

DEFAULT_BASE = "http://localhost:8080/"

#: Organization types whose names are not national: they keep ``slug(name)`` even with a country.
GLOBAL_ORG_TYPES = frozenset({"bloc", "alliance", "international", "company", "media", "ngo"})
#: Organization types published as org:OrganizationalCollaboration rather than FormalOrganization.
COLLABORATION_TYPES = frozenset({"bloc", "alliance"})

_QID = re.compile(r"(?:https?://www\.wikidata\.org/(?:entity|wiki)/)?(Q[1-9][0-9]*)")


def _base(base: str) -> str:
    return base if base.endswith("/") else base + "/"


#: Article ids used as they are in IRIs: URI-unreserved characters except ``~`` (which marks a
#: hashed key, so the two kinds of key can never meet), of a readable length.
_VERBATIM_ID = re.compile(r"[A-Za-z0-9._-]{1,100}")
#: Length of the readable part of a hashed key, and of its disambiguator (hex digits of SHA-256).
_KEY_SLUG_CHARS = 60
_KEY_HASH_CHARS = 12


def article_key(article_id: str) -> str:
    """The local part of every IRI minted from an article id; one id, one key, and back.

    Why not ``slugify(id)``: slugs are many-to-one (``A B``, ``a/b`` and ``a-b`` all give ``a-b``;
    every Cyrillic or Chinese id gave ``x``), so one article's graph silently replaced another's.
    An id made only of URI-unreserved characters (letters, digits, ``.``, ``_``, ``-``; not ``.``
    or ``..``, which are path steps) is its own key, so ``000_cb871da6658fd24f`` is served at
    ``/id/article/000_cb871da6658fd24f`` and ``newsgraph articles`` ids equal URL ids. Any other id
    gets its slug (readable, at most 60 characters) plus ``~`` and 12 hex digits of the SHA-256 of
    the exact id: ``политика`` → ``politika~…`` (``x~…`` while slugs do not transliterate). A
    verbatim key never contains ``~`` and a hashed one always does, so they cannot collide; two
    hashed keys collide only if 48 bits of SHA-256 do, and the store refuses to let one article
    replace another even then (:meth:`~newsgraph.store.GraphStore.replace_article`).
    """
    if _VERBATIM_ID.fullmatch(article_id) and article_id not in (".", ".."):
        return article_id
    slug = slugify(article_id)[:_KEY_SLUG_CHARS].strip("-") or "x"
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:_KEY_HASH_CHARS]
    return f"{slug}~{digest}"


def article_iri(base: str, article_id: str) -> ox.NamedNode:
    """``{base}id/article/{key}``: the article as a schema:NewsArticle (key: :func:`article_key`)."""
    return _article_scoped(base, "id/article", article_id)


def article_graph(base: str, article_id: str) -> ox.NamedNode:
    """``{base}graph/article/{key}``: the named graph holding everything read in the article."""
    return _article_scoped(base, "graph/article", article_id)


def run_iri(base: str, article_id: str) -> ox.NamedNode:
    """``{base}id/run/{key}``: the ingest run (prov:Activity) that produced the article graph."""
    return _article_scoped(base, "id/run", article_id)


def claim_iri(base: str, article_id: str, kind: str, n: int) -> ox.NamedNode:
    """``{base}id/claim/{key}/{kind}-{n}``, kind being post, meeting or membership."""
    return _article_scoped(base, "id/claim", article_id, f"{kind}-{n}")


def _article_scoped(base: str, path: str, article_id: str, tail: str | None = None) -> ox.NamedNode:
    """The one place an article id becomes part of an IRI, so article, graph, run, claims and
    conflicts of one article always share its key."""
    iri = f"{_base(base)}{path}/{article_key(article_id)}"
    return ox.NamedNode(f"{iri}/{tail}" if tail is not None else iri)


def _org_slug(entity: Entity, countries: dict[str, Entity]) -> str:
    """Government bodies are named generically ("Ministry of Foreign Affairs"), so their slug
    carries their country (unless the name already holds it); blocs, companies and other bodies
    that are not national do not."""
    name = slugify(entity.name)
    country = countries.get(entity.country) if entity.country else None
    if country is None or (entity.org_type or "").lower() in GLOBAL_ORG_TYPES:
        return name
    prefix = slugify(country.name)
    if f"-{prefix}-" in f"-{name}-":  # "Security Council of Russia" already says whose it is
        return name
    return f"{prefix}-{name}"


def entity_iri(base: str, entity: Entity, countries: dict[str, Entity]) -> ox.NamedNode:
    """The global IRI of an article-local entity.

    ``countries`` maps entity keys to entities (the article's entities will do); it is used to find
    an organization's country. Persons, countries and places are ``{kind}/{slug(name)}`` (a person's
    name without the titles it opens with: "Gen Pervez Musharraf" is ``person/pervez-musharraf``);
    organizations are ``org/{slug(name)}``, or ``org/{slug(country)}-{slug(name)}`` when they have
    a country and are not a bloc or company, so two countries' "Ministry of Foreign Affairs" stay
    apart. An ``identity`` the linker set (see :mod:`newsgraph.link.identity`) replaces the slug of
    persons and organizations.
    """
    b = _base(base)
    match entity.kind:
        case Kind.PERSON:
            return ox.NamedNode(f"{b}id/person/{entity.identity or slugify(core_name(entity.name))}")
        case Kind.COUNTRY:
            return ox.NamedNode(f"{b}id/country/{slugify(entity.name)}")
        case Kind.PLACE:
            return ox.NamedNode(f"{b}id/place/{slugify(entity.name)}")
        case Kind.ORGANIZATION:
            return ox.NamedNode(f"{b}id/org/{entity.identity or _org_slug(entity, countries)}")
    raise ValueError(f"entity {entity.key!r} has unknown kind {entity.kind!r}")


def conflict_iri(base: str, article_id: str, n: int) -> ox.NamedNode:
    """``{base}id/conflict/{key}/{n}``: a claim of the article at odds with a reference."""
    return _article_scoped(base, "id/conflict", article_id, str(n))


def post_iri(base: str, anchor: str, role: str) -> ox.NamedNode:
    """``{base}id/post/{anchor}/{role}``; anchor is the org's or country's slug, role a concept id
    or ``slug(role wording)``."""
    return ox.NamedNode(f"{_base(base)}id/post/{anchor}/{role}")


def wikidata_iri(qid: str) -> ox.NamedNode:
    """``wd:Q…`` for a bare QID (or a Wikidata entity IRI); ``ValueError`` for anything else."""
    m = _QID.fullmatch(qid.strip())
    if not m:
        raise ValueError(f"not a Wikidata item id: {qid!r}")
    return WD[m.group(1)]


def confidence_literal(value: float) -> ox.Literal:
    """An ``xsd:decimal`` rounded half-up to two places and clamped to [0, 1]."""
    d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    d = min(max(d, Decimal("0.00")), Decimal("1.00"))
    return ox.Literal(str(d), datatype=XSD.decimal)


def _string(value: str) -> ox.Literal:
    return ox.Literal(value)  # xsd:string: plain-string compares in SPARQL just work


def _date(value: date) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=XSD.date)


def _nonneg(value: int) -> ox.Literal:
    if value < 0:
        raise ValueError(f"negative text offset {value}")
    return ox.Literal(str(value), datatype=XSD.integer)  # Oxigraph would store a derived type as integer anyway


@dataclass(frozen=True, slots=True)
class DroppedFact:
    """A fact the mapper left out because it was inconsistent, with the reason (for a warning line).

    ``kind`` is ``post``, ``meeting``, ``membership``, ``conflict`` or ``entity`` (an entity's
    Wikidata link or country, never the entity itself); ``ref`` its 1-based number or entity key.
    """

    kind: str
    ref: str
    reason: str

    def __str__(self) -> str:
        return f"dropped {self.kind} {self.ref}: {self.reason}"


class _Mapper:
    """One article's mapping; holds the graph and the IRIs minted so far."""

    def __init__(self, facts: ArticleFacts, base: str, generated_at: datetime | None,
                 on_problem: Callable[[DroppedFact], None] | None = None) -> None:
        self.facts = facts
        self.on_problem = on_problem
        self.dropped_posts: set[int] = set()
        self.base = _base(base)
        self.article_id = facts.article.id
        self.graph = article_graph(self.base, self.article_id)
        self.article = article_iri(self.base, self.article_id)
        self.run = run_iri(self.base, self.article_id)
        self.generated_at = generated_at or datetime.now(UTC)
        self.quads: dict[ox.Quad, None] = {}  # insertion-ordered set
        self.labelled: set[ox.NamedNode] = set()
        self.preferred: set[ox.NamedNode] = set()  # persons given their skos:prefLabel
        self.iris: dict[str, ox.NamedNode] = {}
        self.roles = role_concepts()

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.quads[ox.Quad(s, p, o, self.graph)] = None

    def attempt(self, kind: str, ref: int | str, step: Callable[[], None]) -> bool:
        """Run one fact's mapping step; if it proves inconsistent, take back what it added.

        Without ``on_problem`` the ``ValueError`` propagates (tests and strict callers see the
        bug); with it, the fact is dropped and reported, and the rest of the article is kept: one
        bad meeting out of hundreds must not cost the article every fact it holds.
        """
        if self.on_problem is None:
            step()
            return True
        mark = len(self.quads)
        try:
            step()
        except ValueError as exc:
            for q in list(self.quads)[mark:]:  # the quads dict keeps insertion order: these are the step's
                del self.quads[q]
                if q.predicate == RDFS.label:  # label() adds an rdfs:label only to an unlabelled subject
                    self.labelled.discard(q.subject)  # type: ignore[arg-type]
            reason = str(exc).removeprefix(f"article {self.article_id!r}: ")
            self.on_problem(DroppedFact(kind, str(ref), reason))
            return False
        return True

    def label(self, s: ox.NamedNode, text: str) -> None:
        """rdfs:label once per resource and graph (the shapes say exactly one); later names of the
        same resource become skos:altLabel."""
        if s in self.labelled:
            self.add(s, SKOS.altLabel, _string(text))
        else:
            self.labelled.add(s)
            self.add(s, RDFS.label, _string(text))

    # -- entities --------------------------------------------------------------------------------

    def entity(self, key: str, *, purpose: str) -> tuple[Entity, ox.NamedNode]:
        ent = self.facts.entities.get(key)
        if ent is None:
            raise ValueError(f"article {self.article_id!r}: {purpose} refers to entity key {key!r}, "
                             f"which is not in the article's entities")
        return ent, self.iris[key]

    def map_entities(self) -> None:
        ents = self.facts.entities
        for key, ent in ents.items():
            self.iris[key] = entity_iri(self.base, ent, ents)
        for key, ent in ents.items():
            iri = self.iris[key]
            match ent.kind:
                case Kind.PERSON:
                    for cls in (NG.Person, FOAF.Person, SCHEMA.Person):
                        self.add(iri, RDF.type, cls)
                    # one preferred name, the same in every graph (identity computes it from the
                    # archive); rdfs:label below stays this article's wording
                    if iri not in self.preferred:
                        self.preferred.add(iri)
                        self.add(iri, SKOS.prefLabel, _string(ent.pref_label or core_name(ent.name)))
                case Kind.COUNTRY:
                    self.add(iri, RDF.type, NG.Country)
                    self.add(iri, RDF.type, SCHEMA.Country)
                case Kind.PLACE:
                    self.add(iri, RDF.type, SCHEMA.Place)
                case Kind.ORGANIZATION:
                    collaboration = (ent.org_type or "").lower() in COLLABORATION_TYPES
                    self.add(iri, RDF.type, ORG.Organization)
                    self.add(iri, RDF.type,
                             ORG.OrganizationalCollaboration if collaboration else ORG.FormalOrganization)
            self.label(iri, ent.name)
            for alias in sorted(ent.aliases - {ent.name}):
                self.add(iri, SKOS.altLabel, _string(alias))
            if ent.wikidata:
                self.attempt("entity", key, lambda iri=iri, ent=ent: self._same_as(iri, ent))
            if ent.kind is Kind.ORGANIZATION and ent.org_type:
                self.add(iri, NG.organizationType, _string(ent.org_type))
            if ent.kind in (Kind.ORGANIZATION, Kind.PLACE):
                self.attempt("entity", key, lambda iri=iri, ent=ent: self._country_of(iri, ent))
            self.add(self.article, SCHEMA.mentions, iri)

    def _same_as(self, iri: ox.NamedNode, ent: Entity) -> None:
        self.add(iri, OWL.sameAs, wikidata_iri(ent.wikidata or ""))
        if ent.link_confidence is not None:
            self.add(iri, NG.linkConfidence, confidence_literal(ent.link_confidence))

    def _country_of(self, iri: ox.NamedNode, ent: Entity) -> None:
        if ent.country:
            country, country_iri = self.entity(ent.country, purpose=f"the country of {ent.key!r}")
            if country.kind is not Kind.COUNTRY:
                raise ValueError(f"article {self.article_id!r}: country of {ent.key!r} is {ent.country!r}, "
                                 f"a {country.kind.value}, not a country")
            self.add(iri, NG.country, country_iri)

    # -- article and provenance --------------------------------------------------------------------

    def map_article(self) -> None:
        art = self.facts.article
        self.add(self.article, RDF.type, SCHEMA.NewsArticle)
        self.add(self.article, DCTERMS.identifier, _string(art.id))
        if art.title:
            self.add(self.article, DCTERMS.title, _string(art.title))
        if art.url:
            try:
                self.add(self.article, SCHEMA.url, ox.NamedNode(art.url))
            except ValueError:  # not an IRI (spaces, bare host): keep it readable rather than drop it
                self.add(self.article, SCHEMA.url, _string(art.url))
        if art.published:
            self.add(self.article, DCTERMS.issued, _date(art.published))
        self.add(self.run, RDF.type, PROV.Activity)
        self.add(self.run, PROV.used, self.article)
        stamp = self.generated_at if self.generated_at.tzinfo else self.generated_at.replace(tzinfo=UTC)
        self.add(self.run, PROV.endedAtTime, ox.Literal(stamp.isoformat(), datatype=XSD.dateTime))
        if self.facts.extractor:
            self.add(self.run, NG.extractor, _string(self.facts.extractor))

    def evidence(self, claim: ox.NamedNode, ev: Evidence, confidence: float) -> None:
        if ev.end < ev.start:
            raise ValueError(f"article {self.article_id!r}: evidence ends ({ev.end}) "
                             f"before it starts ({ev.start})")
        note = ox.NamedNode(claim.value + "#evidence")
        target = ox.NamedNode(claim.value + "#target")
        quote = ox.NamedNode(claim.value + "#quote")
        position = ox.NamedNode(claim.value + "#position")
        self.add(claim, PROV.wasDerivedFrom, self.article)
        self.add(claim, PROV.wasGeneratedBy, self.run)
        self.add(claim, NG.confidence, confidence_literal(confidence))
        self.add(claim, NG.evidence, note)
        self.add(note, RDF.type, OA.Annotation)
        self.add(note, OA.motivatedBy, OA.identifying)
        self.add(note, OA.hasBody, claim)
        self.add(note, OA.hasTarget, target)
        self.add(target, RDF.type, OA.SpecificResource)
        self.add(target, OA.hasSource, self.article)
        self.add(target, OA.hasSelector, quote)
        self.add(target, OA.hasSelector, position)
        self.add(quote, RDF.type, OA.TextQuoteSelector)
        self.add(quote, OA.exact, _string(ev.quote))
        self.add(position, RDF.type, OA.TextPositionSelector)
        self.add(position, OA.start, _nonneg(ev.start))
        self.add(position, OA.end, _nonneg(ev.end))

    # -- claims ------------------------------------------------------------------------------------

    def _role_type(self, claim: PostClaim) -> str | None:
        if claim.role_type and claim.role_type in self.roles:
            return claim.role_type
        return role_type(claim.role)

    def post(self, n: int, claim: PostClaim) -> None:
        holder, holder_iri = self.entity(claim.holder, purpose=f"post claim {n} (holder)")
        if holder.kind is not Kind.PERSON:
            raise ValueError(f"article {self.article_id!r}: post claim {n} holder {claim.holder!r} "
                             f"is a {holder.kind.value}, not a person")
        org = org_iri = country = country_iri = None
        if claim.organization:
            org, org_iri = self.entity(claim.organization, purpose=f"post claim {n} (organization)")
        if claim.country:
            country, country_iri = self.entity(claim.country, purpose=f"post claim {n} (country)")
        elif org is not None and org.country and org.country in self.facts.entities:
            country, country_iri = self.entity(org.country, purpose=f"post claim {n} (org's country)")

        rtype = self._role_type(claim)
        role_part = rtype or slugify(claim.role)
        if org_iri is not None:
            anchor = org_iri.value.rsplit("/", 1)[-1]
        elif country is not None:
            anchor = slugify(country.name)
        else:  # nothing ties the post to a body: it is known only through its holder
            anchor = f"person-{slugify(holder.name)}"
        post = post_iri(self.base, anchor, role_part)

        label = role_label(rtype) if rtype else claim.role
        where = [e.name for e in (org, country) if e is not None]
        if post not in self.labelled:
            self.label(post, f"{label} ({', '.join(where)})" if where else f"{label} ({holder.name})")
        self.add(post, RDF.type, ORG.Post)
        if rtype:
            self.add(post, ORG.role, NGR[rtype])
        if org_iri is not None:
            self.add(post, ORG.postIn, org_iri)
        if country_iri is not None:
            self.add(post, NG.country, country_iri)
        if claim.wikidata:  # a position is a concept of office, not the office-holding: exactMatch
            self.add(post, SKOS.exactMatch, wikidata_iri(claim.wikidata))
            if claim.link_confidence is not None:
                self.add(post, NG.linkConfidence, confidence_literal(claim.link_confidence))

        c = claim_iri(self.base, self.article_id, "post", n)
        self.add(c, RDF.type, ORG.Membership)
        self.add(c, RDF.type, NG.PostHolding)
        self.add(c, ORG.member, holder_iri)
        self.add(c, OPENGOV.post, post)
        if org_iri is not None:
            self.add(c, ORG.organization, org_iri)
        if rtype:
            self.add(c, ORG.role, NGR[rtype])
        self.add(c, NG.roleLabel, _string(claim.role))
        if country_iri is not None:
            self.add(c, NG.country, country_iri)
        current = claim.status is Status.CURRENT
        self.add(c, NG.status, NG.Current if current else NG.Former)
        if current:  # plain-ORG clients can follow org:holds; it cannot say "formerly", so only now
            self.add(holder_iri, ORG.holds, post)
            self.add(post, ORG.heldBy, holder_iri)
        self.evidence(c, claim.evidence, claim.confidence)

    def meeting(self, n: int, m: Meeting) -> None:
        people = list(dict.fromkeys(m.participants))
        if len(people) < 2:
            raise ValueError(f"article {self.article_id!r}: meeting {n} has fewer than two participants")
        c = claim_iri(self.base, self.article_id, "meeting", n)
        for cls in (NG.Meeting, SEM.Event, SCHEMA.Event):
            self.add(c, RDF.type, cls)
        for key in people:
            ent, iri = self.entity(key, purpose=f"meeting {n} (participant)")
            if ent.kind is not Kind.PERSON:
                raise ValueError(f"article {self.article_id!r}: meeting {n} participant {key!r} "
                                 f"is a {ent.kind.value}, not a person")
            self.add(c, SEM.hasActor, iri)
            self.add(c, SCHEMA.attendee, iri)
        if m.place:
            _, place = self.entity(m.place, purpose=f"meeting {n} (place)")
            self.add(c, SEM.hasPlace, place)
            self.add(c, SCHEMA.location, place)
        if m.date:
            self.add(c, SCHEMA.startDate, _date(m.date))
        if m.date_text:
            self.add(c, NG.dateText, _string(m.date_text))
        for topic in dict.fromkeys(m.topics):
            self.add(c, NG.topic, _string(topic))
        self.evidence(c, m.evidence, m.confidence)

    def membership(self, n: int, mem: BlocMembership) -> None:
        _, member = self.entity(mem.member, purpose=f"membership {n} (member)")
        bloc, bloc_iri = self.entity(mem.organization, purpose=f"membership {n} (organization)")
        if bloc.kind is not Kind.ORGANIZATION:
            raise ValueError(f"article {self.article_id!r}: membership {n} organization {mem.organization!r} "
                             f"is a {bloc.kind.value}, not an organization")
        c = claim_iri(self.base, self.article_id, "membership", n)
        self.add(c, RDF.type, ORG.Membership)
        self.add(c, RDF.type, NG.BlocMembership)
        self.add(c, ORG.member, member)
        self.add(c, ORG.organization, bloc_iri)
        self.add(c, NG.status, NG.Current if mem.status is Status.CURRENT else NG.Former)
        self.evidence(c, mem.evidence, mem.confidence)


    def conflict(self, n: int, con: Conflict) -> None:
        """A conflict between post claim ``con.post`` (0-based) and the reference's statement."""
        if not 0 <= con.post < len(self.facts.posts):
            raise ValueError(f"article {self.article_id!r}: conflict {n} refers to post claim {con.post}, "
                             f"which does not exist")
        if con.post + 1 in self.dropped_posts:
            raise ValueError(f"article {self.article_id!r}: conflict {n} refers to post claim {con.post + 1}, "
                             f"which was dropped")
        c = conflict_iri(self.base, self.article_id, n)
        ref = ox.NamedNode(c.value + "#reference")
        self.add(c, RDF.type, NG.Conflict)
        self.add(c, RDFS.comment, _string(con.note))
        self.add(c, NG.claim, claim_iri(self.base, self.article_id, "post", con.post + 1))
        self.add(c, NG.reference, ref)
        self.add(c, PROV.wasDerivedFrom, self.article)
        self.add(ref, RDF.type, NG.ReferenceStatement)
        self.add(ref, NG.referencePerson, wikidata_iri(con.holder))
        self.add(ref, NG.referencePosition, wikidata_iri(con.position))
        self.add(ref, DCTERMS.source, _string(con.source))


def to_quads(facts: ArticleFacts, base: str = DEFAULT_BASE, *, generated_at: datetime | None = None,
             on_problem: Callable[[DroppedFact], None] | None = None) -> list[ox.Quad]:
    """Every quad of one article's graph, in a stable order, without duplicates.

    ``generated_at`` stamps the ingest run (``prov:endedAtTime``); it defaults to now and is a
    parameter so that tests and re-runs can produce identical output.

    Inconsistent facts (a claim naming an entity key that is not among the article's entities, a
    post held by a non-person, a meeting of fewer than two people...) are an extractor bug, and
    publishing a dangling claim would hide it. Without ``on_problem`` they raise ``ValueError``;
    with it (as ingest does), each bad fact is left out and reported as a :class:`DroppedFact`,
    and the article keeps its other facts. Claim numbers stay those of the facts, so a dropped
    claim leaves a gap rather than renumbering its neighbours.
    """
    m = _Mapper(facts, base, generated_at, on_problem)
    m.map_article()
    m.map_entities()
    for n, claim in enumerate(facts.posts, 1):
        if not m.attempt("post", n, lambda n=n, claim=claim: m.post(n, claim)):
            m.dropped_posts.add(n)
    for n, meeting in enumerate(facts.meetings, 1):
        m.attempt("meeting", n, lambda n=n, meeting=meeting: m.meeting(n, meeting))
    for n, mem in enumerate(facts.memberships, 1):
        m.attempt("membership", n, lambda n=n, mem=mem: m.membership(n, mem))
    for n, con in enumerate(facts.conflicts, 1):
        m.attempt("conflict", n, lambda n=n, con=con: m.conflict(n, con))
    return list(m.quads)

