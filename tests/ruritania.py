"""A made-up archive big enough to page: 120 officials of Ruritania, each holding a post in its
foreign ministry in one of 40 dated articles, plus Ana Example, whose posts and meeting across
several articles make a timeline. Everything here is invented (names, posts, dates).

Written as the mapper writes (one named graph per article, claims with evidence), so the pages
are tested on data of the shape they meet in a real store.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox

from newsgraph.store import GraphStore
from newsgraph.vocab import PREFIXES

BASE = "http://ruritania.example/"
PEOPLE = 120
ARTICLES = 40
FIRST_DAY = date(2024, 1, 1)
COUNTRY = f"{BASE}id/country/ruritania"
MINISTRY = f"{BASE}id/org/ruritania-ministry-of-foreign-affairs"
ANA = f"{BASE}id/person/ana-example"
BEN = f"{BASE}id/person/ben-sample"


QUOTE_CURRENT = "Ana Example is chief envoy."
QUOTE_FORMER = "Ana Example, a former chief envoy, spoke."


def person(i: int) -> str:
    return f"{BASE}id/person/citizen-{i:03d}"


def _evidence(claim: str, article: str, quote: str) -> str:
    return f"""
<{claim}> prov:wasDerivedFrom <{article}> ; ng:confidence "0.9"^^xsd:decimal ; ng:evidence <{claim}#evidence> .
<{claim}#evidence> a oa:Annotation ; oa:hasBody <{claim}> ; oa:hasTarget <{claim}#target> .
<{claim}#target> a oa:SpecificResource ; oa:hasSource <{article}> ; oa:hasSelector <{claim}#quote> .
<{claim}#quote> a oa:TextQuoteSelector ; oa:exact {quote!r} .
"""


def _article(k: int) -> str:
    article = f"{BASE}id/article/rur-{k:02d}"
    day = FIRST_DAY + timedelta(days=k)
    ttl = f"""
<{COUNTRY}> a ng:Country, schema:Country ; rdfs:label "Ruritania" .
<{MINISTRY}> a org:Organization, org:FormalOrganization ; rdfs:label "Ministry of Foreign Affairs" ;
    ng:country <{COUNTRY}> .
<{article}> a schema:NewsArticle ; dcterms:identifier "rur-{k:02d}" ;
    dcterms:title "Ruritanian envoys named, part {k + 1}" ; dcterms:issued "{day.isoformat()}"^^xsd:date ;
    schema:mentions <{COUNTRY}> .
"""
    for i in range(3 * k, 3 * k + 3):
        post = f"{BASE}id/post/ruritania/envoy-{i % 4}"
        claim = f"{BASE}id/claim/rur-{k:02d}/post-{i}"
        status = "Current" if i % 2 == 0 else "Former"
        ttl += f"""
<{person(i)}> a foaf:Person, schema:Person ; rdfs:label "Citizen {i:03d}" .
<{article}> schema:mentions <{person(i)}> .
<{post}> a org:Post ; rdfs:label "Envoy grade {i % 4} (Ruritania)" ; org:postIn <{MINISTRY}> ; ng:country <{COUNTRY}> ;
    org:role ngr:ambassador .
<{claim}> a org:Membership, ng:PostHolding ; org:member <{person(i)}> ; opengov:post <{post}> ;
    org:organization <{MINISTRY}> ; ng:status ng:{status} .
""" + _evidence(claim, article, f"Citizen {i:03d} was named envoy.")
    if k in (2, 5, 9):  # Ana Example: envoy (2), meets Ben Sample (5), envoy no longer (9)
        ttl += _ana(k, article)
    return ttl


def _ana(k: int, article: str) -> str:
    ttl = f"""
<{ANA}> a foaf:Person, schema:Person ; rdfs:label "Ana Example" .
<{article}> schema:mentions <{ANA}> .
"""
    if k == 5:
        claim = f"{BASE}id/claim/rur-05/meeting-1"
        return ttl + f"""
<{BEN}> a foaf:Person, schema:Person ; rdfs:label "Ben Sample" .
<{BASE}id/place/strelsau> a schema:Place ; rdfs:label "Strelsau" .
<{claim}> a ng:Meeting, sem:Event, schema:Event ; sem:hasActor <{ANA}>, <{BEN}> ;
    sem:hasPlace <{BASE}id/place/strelsau> ; schema:startDate "2024-01-05"^^xsd:date ; ng:dateText "Friday" ;
    ng:topic "trade" .
""" + _evidence(claim, article, "Ana Example met Ben Sample in Strelsau on Friday.")
    post = f"{BASE}id/post/ruritania/chief-envoy"
    claim = f"{BASE}id/claim/rur-{k:02d}/post-ana"
    status = "Current" if k == 2 else "Former"
    return ttl + f"""
<{post}> a org:Post ; rdfs:label "Chief envoy (Ruritania)" ; org:postIn <{MINISTRY}> ; ng:country <{COUNTRY}> ;
    org:role ngr:head-of-mission .
<{claim}> a org:Membership, ng:PostHolding ; org:member <{ANA}> ; opengov:post <{post}> ;
    org:organization <{MINISTRY}> ; ng:status ng:{status} .
""" + _evidence(claim, article, QUOTE_CURRENT if k == 2 else QUOTE_FORMER)


def fill_ruritania(path: Path) -> Path:
    """Write the archive at ``path`` (one graph per article) and close the store."""
    prologue = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())
    store = GraphStore(path)
    for k in range(ARTICLES):
        graph = ox.NamedNode(f"{BASE}graph/article/rur-{k:02d}")
        triples = ox.parse(prologue + _article(k), format=ox.RdfFormat.TURTLE)
        store.replace_graph(graph, list(dict.fromkeys(ox.Quad(t.subject, t.predicate, t.object, graph)
                                                      for t in triples)))
    store.flush()
    del store
    return path
