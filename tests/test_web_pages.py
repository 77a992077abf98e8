"""Linked data: minted IRIs dereference (HTML for browsers, RDF by content negotiation), the entity
pages say what the articles claim with their evidence, and the ontology is served at its namespace."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient

from conftest import (
    BASE,
    GRAPH_A2,
    QUOTE_A1,
    QUOTE_A2_FORMER,
    QUOTE_A2_MEETING,
    QUOTE_A2_PARTY,
    LiveServer,
    sample_quads,
)

FIDAN = f"{BASE}id/person/hakan-fidan"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed (for asserting what a reader sees)."""
    body = html[html.index("<main>"):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace(" ,", ",")


def section(html: str, anchor: str) -> str:
    """The text of the page from heading ``id=anchor`` to the next h2."""
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start)
    return text_of("<main>" + html[start:end if end > 0 else None])


def test_person_page_shows_posts_meetings_memberships_and_evidence(client: FlaskClient) -> None:
    response = client.get("/id/person/hakan-fidan", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Vary"] == "Accept"
    html = response.get_data(as_text=True)
    assert "<h1>Hakan Fidan</h1>" in html
    assert 'href="https://www.wikidata.org/wiki/Q1000001"' in html

    posts = section(html, "posts")
    # current first, with status, dates and every claim's article and sentence
    assert posts.index("Foreign Minister (Türkiye)") < posts.index("Head of agency")
    assert "current Foreign Minister (Türkiye)" in posts and "in office since 2023-06-03" in posts
    assert "Fidan named foreign minister · 2024-06-03" in posts and QUOTE_A1 in posts
    assert "former Head of agency (National Intelligence Organization)" in posts
    assert "Fidan meets Lavrov in Moscow · 2024-06-11" in posts and QUOTE_A2_FORMER in posts

    meetings = section(html, "meetings")
    assert "Met Sergey Lavrov in Moscow on 2024-06-11 — about Gaza" in meetings
    assert QUOTE_A2_MEETING in meetings and "Fidan meets Lavrov in Moscow" in meetings

    memberships = section(html, "memberships")
    assert "current Justice and Development Party" in memberships and QUOTE_A2_PARTY in memberships

    # links stay on this server for minted IRIs
    assert 'href="/id/person/sergey-lavrov"' in html and 'href="/id/article/a1"' in html
    assert 'href="/id/post/turkiye/foreign-minister"' in html


@pytest.mark.parametrize(("accept", "media", "rdflib_format"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.9, text/html;q=0.1", "text/turtle", "turtle"),
])
def test_rdf_clients_get_the_resource_as_rdf(client: FlaskClient, accept: str, media: str,
                                             rdflib_format: str) -> None:
    response = client.get("/id/person/hakan-fidan", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    me = rdflib.URIRef(FIDAN)
    assert graph.value(me, rdflib.RDFS.label) == rdflib.Literal("Hakan Fidan")
    assert (me, rdflib.OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q1000001")) in graph
    # the claims about the person point at it: an RDF client can follow them
    claims = set(graph.subjects(rdflib.URIRef("http://www.w3.org/ns/org#member"), me))
    assert rdflib.URIRef(f"{BASE}id/claim/a1/post-1") in claims


def test_format_parameter_and_alternate_links(client: FlaskClient) -> None:
    response = client.get("/id/person/hakan-fidan?format=ttl", headers={"Accept": BROWSER})
    assert response.mimetype == "text/turtle"
    assert 'rel="alternate"; type="application/ld+json"' in response.headers["Link"]
    assert client.get("/id/person/hakan-fidan?format=yaml").status_code == 400


def test_a_claim_document_holds_its_evidence(client: FlaskClient) -> None:
    response = client.get("/id/claim/a1/post-1", headers={"Accept": "application/n-triples"})
    triples = {(t.subject.value, t.predicate.value, t.object.value)
               for t in ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES)}
    assert (f"{BASE}id/claim/a1/post-1#quote", "http://www.w3.org/ns/oa#exact", QUOTE_A1) in triples
    html = client.get("/id/claim/a1/post-1").get_data(as_text=True)
    assert "ng:status" in html and "ng:Current" in html


def test_organization_post_and_article_pages(client: FlaskClient) -> None:
    org = text_of(client.get("/id/org/turkiye-ministry-of-foreign-affairs").get_data(as_text=True))
    assert "Ministry of Foreign Affairs" in org and "Hakan Fidan" in org and QUOTE_A1 in org
    assert "Foreign Minister (Türkiye)" in org

    post = text_of(client.get("/id/post/turkiye/foreign-minister").get_data(as_text=True))
    assert "Holders" in post and "current Hakan Fidan" in post and QUOTE_A1 in post

    article = client.get("/id/article/a2").get_data(as_text=True)
    text = text_of(article)
    assert "Fidan meets Lavrov in Moscow" in text
    assert QUOTE_A2_MEETING in text and QUOTE_A2_FORMER in text and QUOTE_A2_PARTY in text
    assert "Hakan Fidan, Sergey Lavrov in Moscow on 2024-06-11" in text


def test_other_resources_get_a_table_of_statements(client: FlaskClient) -> None:
    html = client.get("/id/place/moscow").get_data(as_text=True)
    assert "<h1>Moscow</h1>" in html and "schema:Place" in html
    assert 'href="/id/claim/a2/meeting-1"' in html  # referenced by


def test_unknown_iris_are_404(client: FlaskClient) -> None:
    assert client.get("/id/person/nobody").status_code == 404
    assert client.get("/id/person/nobody", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/graph/article/none").status_code == 404


def test_article_graphs_dereference(client: FlaskClient) -> None:
    browser = client.get("/graph/article/a2", headers={"Accept": BROWSER})
    assert browser.status_code == 303 and browser.headers["Location"].endswith("/id/article/a2")
    data = client.get("/graph/article/a2", headers={"Accept": "application/n-triples"})
    assert len(list(ox.parse(data.data, format=ox.RdfFormat.N_TRIPLES))) == len(sample_quads()[GRAPH_A2])


def test_ontology_at_its_namespace(client: FlaskClient) -> None:
    html = client.get("/ns", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "https://w3id.org/newsgraph/ns#" in html and 'id="PostHolding"' in html and 'id="status"' in html
    turtle = client.get("/ns", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=turtle.data, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/newsgraph/ns#PostHolding"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    jsonld = client.get("/ns", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json" and json.loads(jsonld.data)


def test_role_scheme_and_concepts(client: FlaskClient) -> None:
    assert 'id="foreign-minister"' in client.get("/roles/").get_data(as_text=True)
    concept = client.get("/roles/foreign-minister", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=concept.data, format="turtle")
    assert graph.value(rdflib.URIRef("https://w3id.org/newsgraph/roles/foreign-minister"),
                       rdflib.SKOS.prefLabel) is not None
    assert client.get("/roles/foreign-minister").status_code == 303


def test_linked_data_is_readable_cross_origin(client: FlaskClient) -> None:
    response = client.get("/id/person/hakan-fidan", headers={"Accept": "text/turtle", "Origin": "https://x.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_rdflib_dereferences_an_iri_over_http(live_server: LiveServer) -> None:
    """What a linked-data client does: GET the IRI itself (here the server's own URL)."""
    graph = rdflib.Graph().parse(live_server.url + "id/person/sergey-lavrov")
    assert (None, rdflib.RDFS.label, rdflib.Literal("Sergey Lavrov")) in graph


def test_page_title_is_the_fullest_of_the_articles_labels() -> None:
    from newsgraph.web.entities import Resource

    r = Resource(iri="http://localhost:8080/id/person/hakan-fidan", labels=["Fidan", "Hakan Fidan"], alt_labels=[],
                 types=[], wikidata=[], same_as=[], properties=[], incoming=[], incoming_truncated=False)
    assert r.label == "Hakan Fidan"
