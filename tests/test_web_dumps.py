"""The dumps: complete, parseable by rdflib and pyoxigraph, streamed, and cache-friendly."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient

from conftest import BASE, GRAPH_A1, GRAPH_A2, LiveServer, fill_store, running, sample_quads, sample_union
from newsgraph.store import GraphStore
from newsgraph.web import create_app


def test_turtle_dump_is_the_union_without_duplicates(client: FlaskClient) -> None:
    response = client.get("/dumps/newsgraph.ttl")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="newsgraph.ttl"'
    body = response.data
    assert b"@prefix org: <http://www.w3.org/ns/org#> ." in body  # the data model's prefixes
    expected = sample_union()
    assert len(rdflib.Graph().parse(data=body, format="turtle")) == len(expected)
    triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)]
    assert len(triples) == len(expected)  # as written: each shared label/type once
    assert set(triples) == expected


def test_ntriples_dump_has_one_line_per_distinct_triple(client: FlaskClient) -> None:
    response = client.get("/dumps/newsgraph.nt")
    assert response.headers["Content-Type"] == "application/n-triples"
    lines = response.data.decode().splitlines()
    assert len(lines) == len(set(lines)) == len(sample_union())
    assert {q.triple for q in ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES)} == sample_union()


def test_nquads_dump_keeps_the_article_graphs(client: FlaskClient) -> None:
    response = client.get("/dumps/newsgraph.nq")
    assert response.headers["Content-Type"] == "application/n-quads"
    dataset = rdflib.Dataset()
    dataset.parse(data=response.data, format="nquads")
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert graphs == {GRAPH_A1, GRAPH_A2}
    expected = sample_quads()
    for graph in (GRAPH_A1, GRAPH_A2):
        assert len(dataset.graph(rdflib.URIRef(graph))) == len(expected[graph])
    quads = list(ox.parse(response.data, format=ox.RdfFormat.N_QUADS))
    assert set(quads) == {q for qs in expected.values() for q in qs}


def test_unknown_dump_is_404(client: FlaskClient) -> None:
    response = client.get("/dumps/newsgraph.xlsx")
    assert response.status_code == 404 and "newsgraph.ttl" in response.get_data(as_text=True)


def test_dumps_allow_cross_origin_reads(client: FlaskClient) -> None:
    assert client.get("/dumps/newsgraph.nt").headers["Access-Control-Allow-Origin"] == "*"


def test_etag_revalidates_until_the_store_changes(client: FlaskClient, store_path: Path) -> None:
    first = client.get("/dumps/newsgraph.ttl")
    etag = first.headers["ETag"]
    again = client.get("/dumps/newsgraph.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/dumps/newsgraph.nt").headers["ETag"] != etag  # one tag per file

    writer = GraphStore(store_path)  # an ingest, while the app serves a read-only snapshot
    graph = ox.NamedNode(f"{BASE}graph/article/a3")
    writer.replace_graph(graph, [ox.Quad(ox.NamedNode(f"{BASE}id/article/a3"),
                                         ox.NamedNode("http://purl.org/dc/terms/identifier"),
                                         ox.Literal("a3"), graph)])
    del writer
    changed = client.get("/dumps/newsgraph.ttl", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b'"a3"' in changed.data


def test_head_sends_headers_without_writing_the_dump(client: FlaskClient) -> None:
    response = client.head("/dumps/newsgraph.nq")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["Content-Type"] == "application/n-quads"
    assert "Content-Length" not in response.headers


# -- a bigger store, streamed ---------------------------------------------------------------------------

ARTICLES = 300
PER_ARTICLE = 40


@pytest.fixture
def big_store(tmp_path: Path) -> Path:
    """300 article graphs; every one repeats the same 10 entity triples (like shared labels)."""
    path = fill_store(tmp_path / "big")
    store = GraphStore(path)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for a in range(ARTICLES):
        graph = ox.NamedNode(f"{BASE}graph/article/bulk-{a}")
        article = ox.NamedNode(f"{BASE}id/article/bulk-{a}")
        quads = [ox.Quad(article, ox.NamedNode(f"http://example.org/p{i}"),
                         ox.Literal(f"value {a}-{i} " + "x" * 40), graph) for i in range(PER_ARTICLE - 10)]
        quads += [ox.Quad(ox.NamedNode(f"{BASE}id/person/p{i}"), label, ox.Literal(f"Person {i}"), graph)
                  for i in range(10)]
        store.replace_graph(graph, quads)
    del store
    return path


def test_big_dump_streams_through_waitress(big_store: Path) -> None:
    with running(create_app(big_store)) as server, \
            urllib.request.urlopen(server.url + "dumps/newsgraph.nt", timeout=60) as response:
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert response.headers.get("Content-Length") is None
        body = response.read()
    expected = len(sample_union()) + ARTICLES * (PER_ARTICLE - 10) + 10  # shared labels once
    assert len(body) > 5 * 64 * 1024
    assert len(body.splitlines()) == expected
    assert len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == expected


def test_live_turtle_dump_parses(live_server: LiveServer) -> None:
    with urllib.request.urlopen(live_server.url + "dumps/newsgraph.ttl", timeout=30) as response:
        graph = rdflib.Graph().parse(data=response.read(), format="turtle")
    assert len(graph) == len(sample_union())
