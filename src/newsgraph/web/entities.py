"""Linked data: the IRIs newsgraph mints dereference here, as HTML for people and RDF for programs.

``{BASE_URI}id/...`` is served at ``/id/...`` and ``{BASE_URI}graph/...`` at ``/graph/...``, so
with the default base (``http://localhost:8080/``) the bundled server answers for its own IRIs;
behind a proxy, set ``BASE_URI`` to the public base. Content negotiation as DBpedia and LodView do
it, but without redirects: one URL, ``Vary: Accept``, HTML for a browser (also for ``*/*``),
Turtle / JSON-LD / N-Triples / RDF/XML for an RDF client, or ``?format=`` to choose.

The RDF of a resource is its own triples (the union over all article graphs), those of its hash
IRIs (a claim's ``#evidence``, ``#target``, ``#quote``, ``#position``), and the triples pointing at
it (capped: a country is mentioned by every article). The HTML page of a person, an organization,
a post or an article gathers what the articles claim about it, each claim with its article and the
quoted sentence; any other resource gets a plain table of its properties.

The ontology dereferences at its namespace IRI (``https://w3id.org/newsgraph/ns`` redirects to
``/ns``): HTML documentation generated from ``ontology/newsgraph.ttl``, or the Turtle itself; the
role concepts likewise at ``/roles/``.

Page queries run in the server process (not the query workers): they are fixed, about one IRI
(checked by pyoxigraph before it goes into the query text), and capped.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from newsgraph.vocab import PREFIXES, sparql_prologue
from newsgraph.web import check_page_deadline, conneg, get_store, jsonld
from newsgraph.web.paging import PAGE_SIZE, Paged, paged, window
from newsgraph.web.sparql import content_type, local_href, shorten

bp = Blueprint("entities", __name__)

#: How many triples pointing at a resource its RDF and page include (the rest: use SPARQL).
INCOMING_LIMIT = 500
#: Hash IRIs under a claim that its document describes too.
HASH_PARTS = ("evidence", "target", "quote", "position", "reference")

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML}
FORMAT_NAMES = {"ttl": "turtle", "turtle": "turtle", "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
                "nt": "ntriples", "ntriples": "ntriples", "rdf": "rdfxml", "rdfxml": "rdfxml", "xml": "rdfxml",
                "html": "html"}
#: Media types by preference: a browser's ``text/html`` first, so that ``*/*`` means a page.
OFFERS: list[tuple[str, str]] = [
    ("text/html", "html"), ("application/xhtml+xml", "html"), ("text/turtle", "turtle"),
    ("application/ld+json", "jsonld"), ("application/n-triples", "ntriples"), ("application/rdf+xml", "rdfxml"),
    ("application/x-turtle", "turtle"), ("application/json", "jsonld"), ("text/n3", "turtle"),
    ("application/xml", "rdfxml"), ("text/plain", "ntriples")]

P = {name: iri for name, iri in PREFIXES.items()}
RDF_TYPE = P["rdf"] + "type"
LABEL = P["rdfs"] + "label"


def negotiate() -> str:
    """``html`` or a key of :data:`RDF_FORMATS`, from ``?format=`` or ``Accept``."""
    return conneg.negotiate(FORMAT_NAMES, OFFERS, "html, ttl, jsonld, nt or rdfxml")


def _query(sparql: str, this: str | None = None) -> Any:
    """Run a page query over the union graph, with ``?this`` standing for the resource's IRI.

    The IRI is written into the text only after pyoxigraph has accepted it as an IRI, which rules
    out anything that could end the ``<...>`` early (``>``, spaces, quotes).
    """
    check_page_deadline()
    if this is not None:
        sparql = _THIS.sub(str(ox.NamedNode(this)), sparql)
    return get_store().raw.query(sparql_prologue() + sparql, use_default_graph_as_union=True)


_THIS = re.compile(r"\?this\b")


def _v(term: Any) -> str | None:
    return None if term is None else term.value


# -- views of terms -------------------------------------------------------------------------------

@dataclass
class Link:
    """A resource shown on a page: its label (or short IRI) and where the link goes."""

    iri: str
    label: str
    href: str

    @classmethod
    def of(cls, term: Any, label: Any = None) -> Link | None:
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            iri = term.value
            href = iri if iri.startswith(("http://", "https://")) else ""
            return cls(iri, _v(label) or shorten(iri), local_href(href))
        return cls(str(term), _v(label) or str(term.value), "")


def wikidata_link(iri: str | None) -> dict[str, str] | None:
    if not iri or not iri.startswith(P["wd"]):
        return None
    qid = iri[len(P["wd"]):]
    return {"qid": qid, "href": f"https://www.wikidata.org/wiki/{qid}", "iri": iri}


@dataclass
class Source:
    """Where a claim comes from: the article and the sentence it was read from."""

    claim: str
    claim_href: str
    article: Link | None
    issued: str | None
    url: str | None
    quote: str | None
    confidence: str | None


def _source(row: Any) -> Source:
    claim = row["claim"].value
    url = _v(row["url"])
    return Source(claim=claim, claim_href=local_href(claim), article=Link.of(row["article"], row["title"]),
                  issued=_v(row["issued"]), url=url if url and url.startswith(("http://", "https://")) else None,
                  quote=_v(row["quote"]), confidence=_v(row["confidence"]))


#: The part of a page query that finds a claim's article and quoted sentence (in the same graph).
EVIDENCE = """
    OPTIONAL { ?claim prov:wasDerivedFrom ?article .
               OPTIONAL { ?article dcterms:title ?headline } OPTIONAL { ?article dcterms:identifier ?ident }
               BIND(COALESCE(?headline, CONCAT("article ", ?ident)) AS ?title)
               OPTIONAL { ?article dcterms:issued ?issued } OPTIONAL { ?article schema:url ?url } }
    OPTIONAL { ?claim ng:evidence/oa:hasTarget/oa:hasSelector ?selector .
               ?selector a oa:TextQuoteSelector ; oa:exact ?quote }
    OPTIONAL { ?claim ng:confidence ?confidence }
"""


# -- the resource: facts common to every page -------------------------------------------------------

@dataclass
class Resource:
    iri: str
    labels: list[str]
    alt_labels: list[str]
    types: list[Link]
    wikidata: list[dict[str, str]]
    same_as: list[Link]
    properties: list[tuple[Link, list[Link]]]
    incoming: list[tuple[Link, Link]]
    incoming_truncated: bool
    graphs: list[Link] = field(default_factory=list)
    pref_label: str | None = None  # skos:prefLabel: a person's one name across the archive
    references: list[RefGroup] = field(default_factory=list)  # the incoming links, grouped and paged

    @property
    def label(self) -> str:
        if self.pref_label:
            return self.pref_label
        if self.labels:
            # each article labels a person in its own words; the page shows the fullest ("Hakan
            # Fidan" over "Fidan"), the others stay visible as labels
            return max(self.labels, key=lambda x: (len(x.split()), len(x)))
        for key in ("title", "identifier"):  # an article has a title (or at least an identifier)
            for p, values in self.properties:
                if p.iri == P["dcterms"] + key and values:
                    return values[0].label
        return shorten(self.iri)

    def has_type(self, *iris: str) -> bool:
        return any(t.iri in iris for t in self.types)


def load_resource(iri: str) -> Resource | None:
    """Everything stated about ``iri`` (outgoing, and some incoming), or ``None`` if nothing is."""
    outgoing: OrderedDict[str, tuple[Link, list[Link]]] = OrderedDict()
    labels, alt_labels, types, wikidata, same_as, preferred = [], [], [], [], [], []
    rows = _query("SELECT DISTINCT ?p ?o ?oLabel WHERE { ?this ?p ?o OPTIONAL { ?o rdfs:label ?oLabel } } "
                  "ORDER BY ?p ?o", iri)
    seen: set[tuple[str, str]] = set()
    for row in rows:
        p, o = row["p"], row["o"]
        key = (p.value, str(o))
        if key in seen:  # several labels of the object: keep the first
            continue
        seen.add(key)
        if p.value == LABEL:
            labels.append(o.value)
        elif p.value == P["skos"] + "altLabel":
            alt_labels.append(o.value)
        elif p.value == P["skos"] + "prefLabel":
            preferred.append(o.value)
        elif p.value == RDF_TYPE:
            types.append(Link.of(o))
        elif p.value == P["owl"] + "sameAs" or p.value == P["skos"] + "exactMatch":
            if (wd := wikidata_link(o.value)) is not None:
                wikidata.append(wd)
            else:
                same_as.append(Link.of(o))
        link = Link.of(o, row["oLabel"])
        outgoing.setdefault(p.value, (Link.of(p), []))[1].append(link)
    incoming = []
    for row in _query(f"""SELECT DISTINCT ?s ?p ?sLabel WHERE {{ ?s ?p ?this
        OPTIONAL {{ ?s rdfs:label ?sLabel }} }} LIMIT {INCOMING_LIMIT + 1}""", iri):
        incoming.append((Link.of(row["s"], row["sLabel"]), Link.of(row["p"])))
    if not outgoing and not incoming:
        return None
    # de-duplicate subjects with several labels
    unique: OrderedDict[tuple[str, str], tuple[Link, Link]] = OrderedDict()
    for s, p in incoming:
        unique.setdefault((s.iri, p.iri), (s, p))
    incoming = list(unique.values())
    graphs = _unique([Link.of(row["g"], row["title"]) for row in _query(
        """SELECT ?g (SAMPLE(?t) AS ?title) WHERE { GRAPH ?g { ?this ?p ?o }
           OPTIONAL { GRAPH ?g { ?a a schema:NewsArticle OPTIONAL { ?a dcterms:title ?t } } } }
           GROUP BY ?g ORDER BY ?g LIMIT 50""", iri)])
    return Resource(iri=iri, labels=sorted(set(labels), key=labels.index), alt_labels=sorted(set(alt_labels)),
                    types=types, wikidata=wikidata, same_as=same_as, properties=list(outgoing.values()),
                    incoming=incoming[:INCOMING_LIMIT], incoming_truncated=len(incoming) > INCOMING_LIMIT,
                    graphs=graphs, pref_label=min(preferred) if preferred else None,
                    references=references(iri) if incoming else [])


@dataclass
class RefGroup:
    """What points at a resource through one property ("mentioned by" 163 articles), one page of it."""

    predicate: Link
    heading: str
    page: Paged[Link]


#: How "Referenced by" names a property, read as "<this> is ... <them>".
REFERENCE_HEADINGS = {
    P["schema"] + "mentions": "Mentioned in", P["ng"] + "country": "Country of", P["org"] + "member": "Member in",
    P["org"] + "organization": "Organization of", P["opengov"] + "post": "Post in",
    P["org"] + "postIn": "Posts in it", P["sem"] + "hasActor": "Taking part in", P["sem"] + "hasPlace": "Place of",
    P["prov"] + "wasDerivedFrom": "Source of", P["org"] + "role": "Role of", P["oa"] + "hasSource": "Annotated in",
    P["oa"] + "hasBody": "Evidence", P["ng"] + "claim": "Conflicts", P["owl"] + "sameAs": "Same as",
}
#: What a claim without a label is called, by its type (the first that applies: most specific first).
CLAIM_KINDS = {P["ng"] + "PostHolding": "Post held", P["ng"] + "Meeting": "Meeting",
               P["ng"] + "BlocMembership": "Bloc membership", P["org"] + "Membership": "Membership",
               P["ng"] + "Conflict": "Conflict", P["oa"] + "Annotation": "Evidence",
               P["schema"] + "NewsArticle": "Article"}


def references(iri: str) -> list[RefGroup]:
    """The resources that point at ``iri``, by property, each group paged (``?ref-ng:country=2``) and
    named for a reader: a claim is "Meeting · <its article's title>", not its IRI."""
    groups = []
    for row in _query("SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?this } GROUP BY ?p ORDER BY DESC(?n) ?p",
                      iri):
        predicate = row["p"].value
        total = int(row["n"].value)
        name = "ref-" + shorten(predicate).replace(":", "-").replace("/", "-")
        page, offset = window(name, total)
        rows = _query(f"""SELECT ?s (SAMPLE(?l) AS ?label) (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types)
                             (SAMPLE(?at) AS ?article) WHERE {{
            ?s {ox.NamedNode(predicate)} ?this
            OPTIONAL {{ ?s rdfs:label|dcterms:title ?l }}
            OPTIONAL {{ ?s a ?t }}
            OPTIONAL {{ ?s prov:wasDerivedFrom/dcterms:title ?at }}
        }} GROUP BY ?s ORDER BY ?s LIMIT {PAGE_SIZE} OFFSET {offset}""", iri)
        links = [_reference_link(r) for r in rows]
        heading = REFERENCE_HEADINGS.get(predicate, shorten(predicate))
        groups.append(RefGroup(Link.of(row["p"]), heading,  # type: ignore[arg-type]
                               Paged(name=name, rows=links, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                                     total=total, first=offset + 1)))
    return groups


def _reference_link(row: Any) -> Link:
    link = Link.of(row["s"], row["label"])
    assert link is not None
    if row["label"] is None and isinstance(row["s"], ox.NamedNode):
        types = set((_v(row["types"]) or "").split())
        kind = next((name for iri, name in CLAIM_KINDS.items() if iri in types), "")  # the most specific
        article = _v(row["article"])
        if kind and article:
            link.label = f"{kind} · {article}"
        elif kind:
            link.label = kind
        else:
            link.label = friendly(row["s"].value)
    return link


def friendly(iri: str) -> str:
    """A short name for an IRI without a label: a prefixed name, or its path under this server's base."""
    base = current_app.config["BASE_URI"]
    if iri.startswith(base):
        return iri[len(base):]
    return shorten(iri)


# -- RDF documents ------------------------------------------------------------------------------------

def describe(iri: str) -> list[ox.Triple]:
    """The triples of ``iri``'s document: its own, its hash IRIs', and (capped) those pointing at it."""
    check_page_deadline()
    store = get_store().raw
    subjects = " ".join(f"<{iri}#{part}>" for part in HASH_PARTS)
    triples: dict[ox.Triple, None] = {}
    this = str(ox.NamedNode(iri))  # validated: see _query
    own = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {this} {subjects} }} ?s ?p ?o }}",
                      use_default_graph_as_union=True)
    for t in own:
        triples[t] = None
    incoming = store.query(f"CONSTRUCT {{ ?s ?p {this} }} WHERE {{ ?s ?p {this} }} LIMIT {INCOMING_LIMIT}",
                           use_default_graph_as_union=True)
    for t in incoming:
        triples[t] = None
    return list(triples)


def rdf_response(triples: list[ox.Triple], fmt_name: str, *, document: str) -> Response:
    fmt = RDF_FORMATS[fmt_name]
    if fmt == ox.RdfFormat.JSON_LD:  # compact, with an @context (pyoxigraph writes expanded only)
        body = jsonld.serialize(triples, PREFIXES)
    else:
        body = ox.serialize(triples, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
    return Response(body, content_type=content_type(fmt), headers=_alternates(document))


def _alternates(path: str) -> dict[str, str]:
    links = [f'<{path}?format={key}>; rel="alternate"; type="{RDF_FORMATS[name].media_type}"'
             for key, name in (("ttl", "turtle"), ("jsonld", "jsonld"), ("nt", "ntriples"), ("rdf", "rdfxml"))]
    return {"Vary": "Accept", "Link": ", ".join(links)}


# -- routes -------------------------------------------------------------------------------------------

@bp.route("/id/<path:rest>")
def resource(rest: str) -> Response | str:
    iri = _valid_iri(current_app.config["BASE_URI"] + "id/" + rest)
    fmt = negotiate()
    if fmt != "html":
        triples = describe(iri)
        if not triples:
            abort(404, f"nothing is known about <{iri}>")
        return rdf_response(triples, fmt, document=request.path)
    res = load_resource(iri)
    if res is None:
        abort(404, f"nothing is known about <{iri}>")
    page = _page_for(res)
    html = render_template(page.template, res=res, page=page, formats=_format_links(request.path))
    return Response(html, mimetype="text/html", headers=_alternates(request.path))


@bp.route("/graph/<path:rest>")
def graph(rest: str) -> Response:
    """A named graph: its content for an RDF client; a browser goes to the article it holds."""
    iri = _valid_iri(current_app.config["BASE_URI"] + "graph/" + rest)
    node = ox.NamedNode(iri)
    store = get_store().raw
    if not store.contains_named_graph(node):
        abort(404, f"there is no graph <{iri}>")
    fmt = negotiate()
    if fmt == "html":
        if rest.startswith("article/"):
            return redirect(url_for("entities.resource", rest=rest), code=303)
        fmt = "turtle"
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, node)]
    return rdf_response(triples, fmt, document=request.path)


def _valid_iri(iri: str) -> str:
    """``iri`` if it is one; else a 404 (``/id/a%20b``: no IRI has a space, so nothing is known about it)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        abort(404, f"nothing is known about {iri!r}: it is not a valid IRI")
    return iri


def _format_links(path: str) -> list[tuple[str, str]]:
    return [("Turtle", f"{path}?format=ttl"), ("JSON-LD", f"{path}?format=jsonld"),
            ("N-Triples", f"{path}?format=nt"), ("RDF/XML", f"{path}?format=rdf")]


# -- type-specific pages ------------------------------------------------------------------------------

@dataclass
class Page:
    template: str
    data: dict[str, Any] = field(default_factory=dict)


def _page_for(res: Resource) -> Page:
    if res.has_type(P["foaf"] + "Person", P["ng"] + "Person", P["schema"] + "Person"):
        return Page("person.html", person_data(res.iri))
    if res.has_type(P["ng"] + "Meeting"):
        data = meeting_data(res.iri)
        res.pref_label = data["title"]
        return Page("meeting.html", data)
    if res.has_type(P["ng"] + "Country"):
        return Page("country.html", country_data(res.iri))
    if res.has_type(P["ng"] + "PostHolding", P["org"] + "Membership"):
        data = claim_data(res.iri, post=res.has_type(P["ng"] + "PostHolding"))
        if data is not None:
            res.pref_label = data["title"]
            return Page("claim.html", data)
    if res.has_type(P["org"] + "Organization", P["org"] + "FormalOrganization",
                    P["org"] + "OrganizationalCollaboration"):
        return Page("organization.html", organization_data(res.iri))
    if res.has_type(P["org"] + "Post"):
        return Page("post.html", post_data(res.iri))
    if res.has_type(P["schema"] + "NewsArticle"):
        return Page("article.html", article_data(res.iri))
    return Page("resource.html")


@dataclass
class Holding:
    """One post of a person (or one holder of a post), with every article's claim about it."""

    post: Link | None
    person: Link | None
    organization: Link | None
    role_labels: list[str]
    status: str  # current / former: as the most recent article says
    statuses: set[str]
    start: str | None
    end: str | None
    first_reported: str | None
    last_reported: str | None
    sources: list[tuple[str, Source]]  # (status the article gives, source)
    conflicts: list[str]


_HOLDINGS = """SELECT ?claim ?post ?postLabel ?person ?personLabel ?roleLabel ?status ?org ?orgLabel
       ?start ?end ?article ?title ?issued ?url ?quote ?confidence ?conflict WHERE {
  GRAPH ?g {
    %s
    ?claim a ng:PostHolding ; opengov:post ?post ; org:member ?person ; ng:status ?status .
    OPTIONAL { ?claim ng:roleLabel ?roleLabel }
    OPTIONAL { ?post rdfs:label ?postLabel }
    OPTIONAL { ?person rdfs:label ?personLabel }
    OPTIONAL { ?claim org:organization ?org OPTIONAL { ?org rdfs:label ?orgLabel } }
    OPTIONAL { ?claim org:memberDuring ?interval .
               OPTIONAL { ?interval time:hasBeginning/(time:inXSDDate|time:inXSDDateTimeStamp) ?start }
               OPTIONAL { ?interval time:hasEnd/(time:inXSDDate|time:inXSDDateTimeStamp) ?end } }
    OPTIONAL { ?c a ng:Conflict ; ng:claim ?claim ; rdfs:comment ?conflict }
    %s
  }
} ORDER BY ?post ?issued ?claim"""


def _holdings(anchor: str, iri: str) -> list[Holding]:
    """Post holdings whose claim matches the pattern ``anchor`` (about ``?this``), one per person and post.

    The anchor comes first and names the IRI, so the store looks the claims up by index instead of
    scanning every claim through a FILTER.
    """
    groups: OrderedDict[tuple[str, str], Holding] = OrderedDict()
    seen_sources: set[tuple[str, str, str]] = set()
    for row in _query(_HOLDINGS % (anchor, EVIDENCE), iri):
        ident = (row["post"].value, row["person"].value)
        status = "current" if row["status"].value.endswith("Current") else "former"
        holding = groups.get(ident)
        if holding is None:
            holding = groups[ident] = Holding(
                post=Link.of(row["post"], row["postLabel"]), person=Link.of(row["person"], row["personLabel"]),
                organization=Link.of(row["org"], row["orgLabel"]), role_labels=[], status=status,
                statuses=set(), start=None, end=None, first_reported=None, last_reported=None, sources=[],
                conflicts=[])
        holding.statuses.add(status)
        if (label := _v(row["roleLabel"])) and label not in holding.role_labels:
            holding.role_labels.append(label)
        if holding.organization is None and row["org"] is not None:
            holding.organization = Link.of(row["org"], row["orgLabel"])
        holding.start = holding.start or _v(row["start"])
        holding.end = holding.end or _v(row["end"])
        if (note := _v(row["conflict"])) and note not in holding.conflicts:
            holding.conflicts.append(note)
        source = _source(row)
        marker = (row["claim"].value, source.quote or "", status)
        if marker in seen_sources:
            continue
        seen_sources.add(marker)
        holding.sources.append((status, source))
        if source.issued:
            if holding.first_reported is None or source.issued < holding.first_reported:
                holding.first_reported = source.issued
            if holding.last_reported is None or source.issued >= holding.last_reported:
                holding.last_reported = source.issued
                holding.status = status  # the latest article decides what the page calls it
    result = list(groups.values())
    for h in result:
        if not any(s.issued for _, s in h.sources):  # no dates: current if any article says so
            h.status = "current" if "current" in h.statuses else "former"
    result.sort(key=lambda h: (h.status != "current", (h.post or h.person).label.lower()))  # type: ignore[union-attr]
    return result


@dataclass
class MeetingView:
    claim: str
    href: str
    others: list[Link]
    place: Link | None
    date: str | None
    when: str | None
    topics: list[str]
    sources: list[Source]


def _meetings(iri: str) -> list[MeetingView]:
    rows = _query(f"""SELECT ?claim ?other ?otherLabel ?place ?placeLabel ?date ?when ?topic
           ?article ?title ?issued ?url ?quote ?confidence WHERE {{
      GRAPH ?g {{
        ?claim a ng:Meeting ; sem:hasActor ?this .
        OPTIONAL {{ ?claim sem:hasActor ?other FILTER(?other != ?this) OPTIONAL {{ ?other rdfs:label ?otherLabel }} }}
        OPTIONAL {{ ?claim sem:hasPlace ?place OPTIONAL {{ ?place rdfs:label ?placeLabel }} }}
        OPTIONAL {{ ?claim schema:startDate ?date }}
        OPTIONAL {{ ?claim ng:dateText ?when }}
        OPTIONAL {{ ?claim ng:topic ?topic }}
        {EVIDENCE}
      }}
    }} ORDER BY DESC(?date) DESC(?issued) ?claim""", iri)
    meetings: OrderedDict[str, MeetingView] = OrderedDict()
    for row in rows:
        claim = row["claim"].value
        m = meetings.get(claim)
        if m is None:
            m = meetings[claim] = MeetingView(claim, local_href(claim), [], Link.of(row["place"], row["placeLabel"]),
                                              _v(row["date"]), _v(row["when"]), [], [])
        other = Link.of(row["other"], row["otherLabel"])
        if other is not None and all(o.iri != other.iri for o in m.others):
            m.others.append(other)
        if (topic := _v(row["topic"])) and topic not in m.topics:
            m.topics.append(topic)
        source = _source(row)
        if all((s.article and s.article.iri, s.quote) != (source.article and source.article.iri, source.quote)
               for s in m.sources):
            m.sources.append(source)
    return list(meetings.values())


@dataclass
class MembershipView:
    claim: str
    member: Link | None
    organization: Link | None
    status: str
    sources: list[Source]


def _memberships(anchor: str, iri: str) -> list[MembershipView]:
    """org:Memberships that are not post holdings (a country in a bloc, a person in a party) whose claim
    matches the pattern ``anchor`` (about ``?this``)."""
    rows = _query(f"""SELECT ?claim ?member ?memberLabel ?org ?orgLabel ?status
           ?article ?title ?issued ?url ?quote ?confidence WHERE {{
      GRAPH ?g {{
        {anchor}
        ?claim a org:Membership ; org:member ?member .
        FILTER NOT EXISTS {{ ?claim a ng:PostHolding }}
        OPTIONAL {{ ?member rdfs:label ?memberLabel }}
        OPTIONAL {{ ?claim org:organization ?org OPTIONAL {{ ?org rdfs:label ?orgLabel }} }}
        OPTIONAL {{ ?claim ng:status ?status }}
        {EVIDENCE}
      }}
    }} ORDER BY ?orgLabel ?memberLabel DESC(?issued)""", iri)
    out: OrderedDict[str, MembershipView] = OrderedDict()
    for row in rows:
        claim = row["claim"].value
        status = _v(row["status"]) or ""
        view = out.get(claim)
        if view is None:
            view = out[claim] = MembershipView(claim, Link.of(row["member"], row["memberLabel"]),
                                               Link.of(row["org"], row["orgLabel"]),
                                               "former" if status.endswith("Former") else "current", [])
        source = _source(row)
        if all(s.quote != source.quote for s in view.sources):
            view.sources.append(source)
    return list(out.values())


@dataclass
class TimelineEntry:
    """One line of a person's timeline: a post as the articles report it, or a meeting."""

    date: str | None  # when it starts on the timeline (a meeting's day; a post's first report or start)
    until: str | None  # a post's last report (or end), when later than ``date``
    kind: str  # "post" or "meeting"
    status: str | None  # a post's: current / former, as the latest article says
    subject: Link | None  # the post, or the meeting (its page)
    others: list[Link]  # for a meeting: who else took part
    place: Link | None
    when_text: str | None  # a meeting's date as the article words it, when it could not be resolved
    sources: int
    before: bool = False  # a post every article calls former, with no term dates: held before ``date``


def timeline(holdings: list[Holding], meetings: list[MeetingView]) -> list[TimelineEntry]:
    """Posts and meetings in date order, oldest first; what no article dates comes last.

    A post's place is the first article that reports it (or the start of its term, when an article
    gives one); its span runs to the last report (or the end of the term). A post that every
    article calls former, with no term dates, is shown "before" the first such article. The dates are those of
    the articles, so "reported from 2024-04-04 to 2024-07-04" says what the sources say, not that
    the term began or ended then.
    """
    entries = []
    for h in holdings:
        start = h.start or h.first_reported
        until = h.end or h.last_reported
        before = h.statuses == {"former"} and not (h.start or h.end)
        if before:  # "a former minister" in an article of 2024-06-11: held at some time before that day
            start, until = h.first_reported, None
        entries.append(TimelineEntry(date=start, until=until if until and until != start else None, kind="post",
                                     status=h.status, subject=h.post, others=[], place=h.organization,
                                     when_text=None, sources=len(h.sources), before=before))
    for m in meetings:
        issued = next((s.issued for s in m.sources if s.issued), None)
        subject = Link(m.claim, "Meeting", m.href)
        undated = m.when or (f"reported {issued}" if issued else None)
        entries.append(TimelineEntry(date=m.date, until=None, kind="meeting", status=None, subject=subject,
                                     others=m.others, place=m.place, when_text=m.when if m.date else undated,
                                     sources=len(m.sources)))
    entries.sort(key=lambda e: (e.date is None, e.date or "", not e.before, e.kind))
    return entries


def person_data(iri: str) -> dict[str, Any]:
    holdings = _holdings("?claim org:member ?this .", iri)
    meetings = _meetings(iri)
    return {"holdings": holdings, "meetings": paged(meetings, "meetings"), "timeline": timeline(holdings, meetings),
            "memberships": _memberships("?claim org:member ?this .", iri),
            "articles": paged(_articles_mentioning(iri), "articles")}


def organization_data(iri: str) -> dict[str, Any]:
    posts = [Link.of(row["post"], row["label"]) for row in _query(
        "SELECT DISTINCT ?post ?label WHERE { ?post org:postIn ?this OPTIONAL { ?post rdfs:label ?label } } "
        "ORDER BY ?label LIMIT 5000", iri)]
    in_org = "{ ?claim org:organization ?this } UNION { ?claim opengov:post/org:postIn ?this }"
    return {"holdings": paged(_holdings(in_org, iri), "people"),
            "posts": paged(_unique(posts), "posts"),
            "members": paged(_memberships("?claim org:organization ?this .", iri), "members"),
            "memberships": _memberships("?claim org:member ?this .", iri),
            "articles": paged(_articles_mentioning(iri), "articles")}


def country_data(iri: str) -> dict[str, Any]:
    """A country: who holds posts in it, its organizations and posts, its blocs, the articles."""
    orgs = [Link.of(row["o"], row["label"]) for row in _query(
        """SELECT ?o (SAMPLE(?l) AS ?label) WHERE { ?o ng:country ?this ; a ?t
           VALUES ?t { org:Organization org:FormalOrganization } OPTIONAL { ?o rdfs:label ?l } }
           GROUP BY ?o ORDER BY ?label LIMIT 5000""", iri)]
    posts = [Link.of(row["p"], row["label"]) for row in _query(
        """SELECT ?p (SAMPLE(?l) AS ?label) WHERE { ?p a org:Post ; ng:country ?this OPTIONAL { ?p rdfs:label ?l } }
           GROUP BY ?p ORDER BY ?label LIMIT 5000""", iri)]
    here = "{ ?claim org:organization/ng:country ?this } UNION { ?claim opengov:post/ng:country ?this }"
    return {"holdings": paged(_holdings(here, iri), "people"), "organizations": paged(_unique(orgs), "organizations"),
            "posts": paged(_unique(posts), "posts"), "memberships": _memberships("?claim org:member ?this .", iri),
            "articles": paged(_articles_mentioning(iri), "articles")}


def post_data(iri: str) -> dict[str, Any]:
    return {"holdings": paged(_holdings("?claim opengov:post ?this .", iri), "holders")}


def claim_data(iri: str, *, post: bool) -> dict[str, Any] | None:
    """One article's claim that someone holds a post, or that a member belongs to an organization
    (a country to a bloc): who, what, current or former, and the sentence it was read from."""
    if post:
        holdings = _holdings("VALUES ?claim { ?this }", iri)
        if not holdings:
            return None
        h = holdings[0]
        title = f"{h.person.label if h.person else '?'} — {h.post.label if h.post else '?'}"
        return {"title": title, "kind": "Claim: a post held", "holding": h, "membership": None,
                "sources": [s for _, s in h.sources]}
    memberships = _memberships("VALUES ?claim { ?this }", iri)
    if not memberships:
        return None
    m = memberships[0]
    title = f"{m.member.label if m.member else '?'} in {m.organization.label if m.organization else '?'}"
    return {"title": title, "kind": "Claim: a membership", "holding": None, "membership": m, "sources": m.sources}


def meeting_data(iri: str) -> dict[str, Any]:
    """A meeting (one article's claim): who met, where and when, about what, and the sentence."""
    rows = _query(f"""SELECT ?claim ?actor ?actorLabel ?place ?placeLabel ?date ?when ?topic
           ?article ?title ?issued ?url ?quote ?confidence WHERE {{
      VALUES ?claim {{ ?this }}
      GRAPH ?g {{ ?claim a ng:Meeting .
        OPTIONAL {{ ?claim sem:hasActor ?actor OPTIONAL {{ ?actor rdfs:label ?actorLabel }} }}
        OPTIONAL {{ ?claim sem:hasPlace ?place OPTIONAL {{ ?place rdfs:label ?placeLabel }} }}
        OPTIONAL {{ ?claim schema:startDate ?date }} OPTIONAL {{ ?claim ng:dateText ?when }}
        OPTIONAL {{ ?claim ng:topic ?topic }}
        {EVIDENCE} }} }} ORDER BY ?actorLabel""", iri)
    actors: list[Link] = []
    topics: list[str] = []
    sources: list[Source] = []
    place = date = when = None
    for row in rows:
        actor = Link.of(row["actor"], row["actorLabel"])
        if actor is not None and all(a.iri != actor.iri for a in actors):
            actors.append(actor)
        if (topic := _v(row["topic"])) and topic not in topics:
            topics.append(topic)
        place = place or Link.of(row["place"], row["placeLabel"])
        date, when = date or _v(row["date"]), when or _v(row["when"])
        source = _source(row)
        if all(s.quote != source.quote for s in sources):
            sources.append(source)
    names = [a.label for a in actors]
    title = "Meeting of " + (" and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]) \
        if names else "Meeting"
    return {"title": title, "actors": actors, "place": place, "date": date, "when": when, "topics": topics,
            "sources": sources}


def article_data(iri: str) -> dict[str, Any]:
    rows = _query("""SELECT ?g ?run ?extractor ?ended WHERE {
        GRAPH ?g { ?this a schema:NewsArticle OPTIONAL { ?run prov:used ?this
                   OPTIONAL { ?run ng:extractor ?extractor } OPTIONAL { ?run prov:endedAtTime ?ended } } } } LIMIT 1""",
                  iri)
    info = next(iter(rows), None)
    graph = info["g"] if info else None
    holdings, meetings, memberships = [], [], []
    if graph is not None:
        holdings = _holdings("?claim prov:wasDerivedFrom ?this .", iri)
        meetings = _article_meetings(iri)
        memberships = _memberships("?claim prov:wasDerivedFrom ?this .", iri)
    mentions = _unique([Link.of(row["e"], row["label"]) for row in _query(
        "SELECT ?e ?label WHERE { ?this schema:mentions ?e OPTIONAL { ?e rdfs:label ?label } } ORDER BY ?label "
        "LIMIT 500", iri)])
    return {"graph": Link.of(graph) if graph is not None else None,
            "graph_href": local_href(graph.value) if graph is not None else None,
            "extractor": _v(info["extractor"]) if info else None, "ingested": _v(info["ended"]) if info else None,
            "holdings": holdings, "meetings": meetings, "memberships": memberships, "mentions": mentions}


def _article_meetings(iri: str) -> list[dict[str, Any]]:
    rows = _query(f"""SELECT ?claim ?actor ?actorLabel ?place ?placeLabel ?date ?when
           ?article ?title ?issued ?url ?quote ?confidence WHERE {{
      GRAPH ?g {{ ?claim a ng:Meeting ; prov:wasDerivedFrom ?this ; sem:hasActor ?actor .
        OPTIONAL {{ ?actor rdfs:label ?actorLabel }}
        OPTIONAL {{ ?claim sem:hasPlace ?place OPTIONAL {{ ?place rdfs:label ?placeLabel }} }}
        OPTIONAL {{ ?claim schema:startDate ?date }} OPTIONAL {{ ?claim ng:dateText ?when }}
        {EVIDENCE} }} }} ORDER BY ?claim ?actorLabel""", iri)
    out: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in rows:
        m = out.setdefault(row["claim"].value, {
            "claim": row["claim"].value, "href": local_href(row["claim"].value), "actors": [],
            "place": Link.of(row["place"], row["placeLabel"]), "date": _v(row["date"]), "when": _v(row["when"]),
            "source": _source(row)})
        actor = Link.of(row["actor"], row["actorLabel"])
        if actor and all(a.iri != actor.iri for a in m["actors"]):
            m["actors"].append(actor)
    return list(out.values())


def _articles_mentioning(iri: str) -> list[dict[str, Any]]:
    rows = _query("""SELECT ?article (COALESCE(SAMPLE(?t), SAMPLE(?i)) AS ?title) (SAMPLE(?d) AS ?issued) WHERE {
        ?article schema:mentions ?this
        OPTIONAL { ?article dcterms:title ?t } OPTIONAL { ?article dcterms:identifier ?i }
        OPTIONAL { ?article dcterms:issued ?d }
    } GROUP BY ?article ORDER BY DESC(?issued) ?article LIMIT 5000""", iri)
    return [{"link": Link.of(row["article"], row["title"]), "issued": _v(row["issued"])} for row in rows]


def _unique(links: list[Link | None]) -> list[Link]:
    out: OrderedDict[str, Link] = OrderedDict()
    for link in links:
        if link is not None:
            out.setdefault(link.iri, link)
    return list(out.values())


# -- the ontology and the role scheme -------------------------------------------------------------------

@dataclass
class Term:
    iri: str
    local: str
    kind: str
    label: str
    comment: str
    facts: list[tuple[str, list[Link | str]]]


@dataclass
class Vocabulary:
    triples: list[ox.Triple]
    title: str
    description: str
    terms: dict[str, list[Term]]
    raw: bytes


_KINDS = [("Classes", ("owl:Class", "rdfs:Class")),
          ("Object properties", ("owl:ObjectProperty",)), ("Data properties", ("owl:DatatypeProperty",)),
          ("Annotation properties", ("owl:AnnotationProperty",)), ("Individuals", ("owl:NamedIndividual",)),
          ("Concepts", ("skos:Concept",))]


@lru_cache(maxsize=4)
def _load_vocabulary(path: str, namespace: str, mtime: float) -> Vocabulary:
    raw = Path(path).read_bytes()
    triples = list(ox.parse(raw, format=ox.RdfFormat.TURTLE, base_iri=namespace))
    by_subject: OrderedDict[str, list[ox.Triple]] = OrderedDict()
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject.setdefault(t.subject.value, []).append(t)

    def literal(ts: list[ox.Triple], *predicates: str) -> str:
        for pred in predicates:
            for t in ts:
                if t.predicate.value == pred and isinstance(t.object, ox.Literal):
                    return t.object.value
        return ""

    ontology = namespace.rstrip("#/")
    head = by_subject.get(ontology, []) or by_subject.get(namespace, [])
    terms: dict[str, list[Term]] = {title: [] for title, _ in _KINDS}
    skip = {RDF_TYPE, LABEL, P["rdfs"] + "comment", P["skos"] + "prefLabel", P["skos"] + "definition"}
    for iri, ts in by_subject.items():
        if not iri.startswith(namespace) or iri in (namespace, ontology):
            continue
        types = {shorten(t.object.value) for t in ts if t.predicate.value == RDF_TYPE}
        kind = next((title for title, names in _KINDS if types & set(names)), "Individuals")
        facts: OrderedDict[str, list[Link | str]] = OrderedDict()
        for t in ts:
            if t.predicate.value in skip:
                continue
            value: Link | str = (Link.of(t.object) or "") if isinstance(t.object, ox.NamedNode) else (
                t.object.value if isinstance(t.object, ox.Literal) else "(a blank node)")
            if isinstance(value, Link) and value.iri.startswith(namespace):
                value.href = "#" + value.iri[len(namespace):]
            facts.setdefault(shorten(t.predicate.value), []).append(value)
        terms[kind].append(Term(iri=iri, local=iri[len(namespace):], kind=kind,
                                label=literal(ts, LABEL, P["skos"] + "prefLabel") or iri[len(namespace):],
                                comment=literal(ts, P["rdfs"] + "comment", P["skos"] + "definition"),
                                facts=list(facts.items())))
    return Vocabulary(triples=triples, raw=raw,
                      title=literal(head, P["dcterms"] + "title", P["skos"] + "prefLabel", LABEL) or ontology,
                      description=literal(head, P["dcterms"] + "description", P["skos"] + "definition",
                                          P["rdfs"] + "comment"),
                      terms={k: v for k, v in terms.items() if v})


def _vocabulary(filename: str, namespace: str) -> Vocabulary:
    from newsgraph.resources import ontology_path

    try:
        path = ontology_path(filename)
    except FileNotFoundError:
        abort(404, f"the {filename} file is not installed")
    return _load_vocabulary(str(path), namespace, path.stat().st_mtime)


def _vocabulary_response(vocab: Vocabulary, namespace: str, *, term: str | None = None) -> Response | str:
    fmt = negotiate()
    if fmt == "turtle" and term is None:
        return Response(vocab.raw, content_type="text/turtle; charset=utf-8", headers=_alternates(request.path))
    triples = vocab.triples
    if term is not None:  # an unknown term is a 404 in every format (and a non-IRI one is unknown)
        subject = ox.NamedNode(_valid_iri(namespace + term))
        triples = [t for t in triples if t.subject == subject]
        if not triples:
            abort(404, f"no term {namespace}{term}")
    if fmt != "html":
        return rdf_response(triples, fmt, document=request.path)
    if term is not None:  # a role concept's page is its entry in the scheme's page
        return redirect(url_for("entities.roles") + "#" + term, code=303)
    html = render_template("vocabulary.html", vocab=vocab, namespace=namespace, formats=_format_links(request.path))
    return Response(html, mimetype="text/html", headers=_alternates(request.path))


@bp.route("/ns")
@bp.route("/ns/")
def ontology() -> Response | str:
    """The ontology at its namespace document (``https://w3id.org/newsgraph/ns`` redirects here)."""
    return _vocabulary_response(_vocabulary("newsgraph.ttl", PREFIXES["ng"]), PREFIXES["ng"])


@bp.route("/roles/")
def roles() -> Response | str:
    """The SKOS scheme of role types (``https://w3id.org/newsgraph/roles/``)."""
    return _vocabulary_response(_vocabulary("roles.ttl", PREFIXES["ngr"]), PREFIXES["ngr"])


@bp.route("/roles/<name>")
def role(name: str) -> Response | str:
    return _vocabulary_response(_vocabulary("roles.ttl", PREFIXES["ngr"]), PREFIXES["ngr"], term=name)
