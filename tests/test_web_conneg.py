"""Linked-data clients: Accept with parameters, 406, compact JSON-LD with @context, gzip dumps
that rdflib reads straight from the URL."""

from __future__ import annotations

import gzip
import json
import urllib.request

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from conftest import BASE, GRAPH_A1, LiveServer, sample_quads, sample_union

FIDAN = "/id/person/hakan-fidan"
LABELS = "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"


def media(response) -> str:  # type: ignore[no-untyped-def]
    return response.headers["Content-Type"].split(";")[0].strip()


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/turtle; charset=utf-8", "text/turtle"),
    ("text/turtle;charset=UTF-8", "text/turtle"),
    ('application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"', "application/ld+json"),
    ("application/n-triples; charset=utf-8, text/html;q=0.5", "application/n-triples"),
    ("text/html; charset=utf-8", "text/html"),
])
def test_resource_accept_parameters_are_stripped_before_matching(client: FlaskClient, accept: str,
                                                                 expected: str) -> None:
    response = client.get(FIDAN, headers={"Accept": accept})
    assert response.status_code == 200
    assert media(response) == expected


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv; charset=utf-8", "text/csv"),
    ("text/tab-separated-values; charset=utf-8", "text/tab-separated-values"),
    ("application/sparql-results+xml; charset=utf-8", "application/sparql-results+xml"),
])
def test_sparql_accept_parameters_are_stripped_before_matching(client: FlaskClient, accept: str,
                                                               expected: str) -> None:
    response = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert media(response) == expected


def test_sparql_construct_with_turtle_parameters_gets_turtle(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                          headers={"Accept": "text/turtle; charset=utf-8"})
    assert media(response) == "text/turtle"
    assert len(list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))) == len(sample_union())


@pytest.mark.parametrize("path", [FIDAN, "/graph/article/a1", "/ns", "/dumps/newsgraph.ttl",
                                  "/dumps/newsgraph.trig.gz"])
def test_unsupported_type_is_406_not_a_page(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "image/png" in response.get_data(as_text=True)
    assert media(response) == "text/plain"


def test_a_browser_still_gets_html_and_no_accept_gets_the_default(client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
    assert media(client.get(FIDAN, headers={"Accept": browser})) == "text/html"
    assert media(client.get(FIDAN)) == "text/html"
    assert client.get(FIDAN, headers={"Accept": "image/png, */*;q=0.1"}).status_code == 200


def test_jsonld_is_compact_with_a_context_and_reads_as_the_turtle(client: FlaskClient) -> None:
    response = client.get(FIDAN, headers={"Accept": "application/ld+json"})
    assert media(response) == "application/ld+json"
    doc = json.loads(response.data)
    assert doc["@context"]["rdfs"] == "http://www.w3.org/2000/01/rdf-schema#"
    fidan = next(n for n in doc["@graph"] if n["@id"] == BASE + FIDAN[1:])
    assert fidan["rdfs:label"] == "Hakan Fidan"
    assert "foaf:Person" in fidan["@type"]
    turtle = client.get(FIDAN, headers={"Accept": "text/turtle"}).data
    from_jsonld = rdflib.Graph().parse(data=response.data, format="json-ld")
    from_turtle = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(from_jsonld) == len(from_turtle) > 5
    assert isomorphic(from_jsonld, from_turtle)


def test_jsonld_keeps_datatypes_and_languages(client: FlaskClient) -> None:
    doc = json.loads(client.get("/id/article/a1", headers={"Accept": "application/ld+json"}).data)
    article = next(n for n in doc["@graph"] if n["@id"] == BASE + "id/article/a1")
    assert article["dcterms:issued"] == {"@value": "2024-06-03", "@type": "xsd:date"}
    assert doc["@context"]["xsd"] == "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("name", ["newsgraph.ttl.gz", "newsgraph.nq.gz", "newsgraph.trig.gz"])
def test_gz_dump_is_a_gzip_file_for_a_download(client: FlaskClient, name: str) -> None:
    for accept in (None, "*/*", "text/html,*/*;q=0.8"):
        response = client.get(f"/dumps/{name}", headers={"Accept": accept} if accept else {})
        assert response.headers["Content-Type"] == "application/gzip"
        assert "Content-Encoding" not in response.headers
        gzip.decompress(response.data)


@pytest.mark.parametrize(("name", "media_type", "fmt"), [
    ("newsgraph.trig.gz", "application/trig", ox.RdfFormat.TRIG),
    ("newsgraph.nq.gz", "application/n-quads", ox.RdfFormat.N_QUADS),
    ("newsgraph.ttl.gz", "text/turtle", ox.RdfFormat.TURTLE),
])
def test_gz_dump_for_an_rdf_client_has_the_rdf_type(client: FlaskClient, name: str, media_type: str,
                                                     fmt: ox.RdfFormat) -> None:
    plain = client.get(f"/dumps/{name}", headers={"Accept": f"{media_type}, */*;q=0.1"})
    assert media(plain) == media_type and "Content-Encoding" not in plain.headers
    assert "Accept" in plain.headers["Vary"]
    parsed = set(ox.parse(plain.data, format=fmt))
    encoded = client.get(f"/dumps/{name}", headers={"Accept": media_type, "Accept-Encoding": "gzip"})
    assert media(encoded) == media_type and encoded.headers["Content-Encoding"] == "gzip"
    assert set(ox.parse(gzip.decompress(encoded.data), format=fmt)) == parsed
    assert plain.headers["ETag"] != encoded.headers["ETag"]
    if fmt == ox.RdfFormat.TURTLE:
        assert {q.triple for q in parsed} == sample_union()
    else:
        assert parsed == {q for qs in sample_quads().values() for q in qs}


def test_rdflib_reads_the_gz_dump_urls_directly(live_server: LiveServer) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(live_server.url + "dumps/newsgraph.trig.gz", format="trig")
    assert len(dataset.graph(rdflib.URIRef(GRAPH_A1))) == len(sample_quads()[GRAPH_A1])
    graph = rdflib.Graph().parse(live_server.url + "dumps/newsgraph.ttl.gz")  # format from Content-Type
    assert len(graph) == len(sample_union())
    nquads = rdflib.Dataset().parse(live_server.url + "dumps/newsgraph.nq.gz", format="nquads")
    assert len(nquads.graph(rdflib.URIRef(GRAPH_A1))) == len(sample_quads()[GRAPH_A1])
    with urllib.request.urlopen(live_server.url + "dumps/newsgraph.trig.gz", timeout=30) as response:
        assert response.headers["Content-Type"] == "application/gzip"  # a plain download
