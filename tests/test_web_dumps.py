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


# -- compressed dumps, TriG, caching headers, VoID/DCAT ---------------------------------------------------

def test_gzipped_dumps_decompress_to_the_plain_ones(client: FlaskClient) -> None:
    import gzip

    ttl = client.get("/dumps/newsgraph.ttl.gz")
    assert ttl.status_code == 200 and ttl.headers["Content-Type"] == "application/gzip"
    assert ttl.headers["Content-Disposition"] == 'attachment; filename="newsgraph.ttl.gz"'
    assert "Content-Encoding" not in ttl.headers  # a .gz file, not a transparently compressed body
    assert gzip.decompress(ttl.data) == client.get("/dumps/newsgraph.ttl").data
    nq = gzip.decompress(client.get("/dumps/newsgraph.nq.gz").data)
    assert set(ox.parse(nq, format=ox.RdfFormat.N_QUADS)) == {q for qs in sample_quads().values() for q in qs}


def test_trig_dump_keeps_graphs_and_provenance(client: FlaskClient) -> None:
    import gzip

    body = gzip.decompress(client.get("/dumps/newsgraph.trig.gz").data)
    dataset = rdflib.Dataset()
    dataset.parse(data=body, format="trig")
    a1 = dataset.graph(rdflib.URIRef(GRAPH_A1))
    claim = rdflib.URIRef(f"{BASE}id/claim/a1/post-1")
    assert (claim, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
            rdflib.URIRef(f"{BASE}id/article/a1")) in a1
    assert b"@prefix prov: <http://www.w3.org/ns/prov#>" in body


def test_last_modified_and_if_modified_since(client: FlaskClient) -> None:
    first = client.get("/dumps/newsgraph.nq")
    modified = first.headers["Last-Modified"]
    assert client.get("/dumps/newsgraph.nq", headers={"If-Modified-Since": modified}).status_code == 304
    stale = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get("/dumps/newsgraph.nq", headers={"If-Modified-Since": stale}).status_code == 200


def test_head_gives_the_size_once_a_download_measured_it(client: FlaskClient) -> None:
    assert "Content-Length" not in client.head("/dumps/newsgraph.ttl.gz").headers
    body = client.get("/dumps/newsgraph.ttl.gz").data
    head = client.head("/dumps/newsgraph.ttl.gz")
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == len(body)


VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def test_void_and_dcat_describe_the_dataset_and_every_file(store_path: Path) -> None:
    from newsgraph.web import shutdown

    app = create_app(store_path, {"LICENSE": "https://creativecommons.org/licenses/by/4.0/"})
    client = app.test_client()
    response = client.get("/dumps/void.ttl")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    dataset = rdflib.URIRef("http://localhost/dumps/void.ttl#dataset")
    assert (dataset, rdflib.RDF.type, VOID.Dataset) in graph and (dataset, rdflib.RDF.type, DCAT.Dataset) in graph
    assert int(graph.value(dataset, VOID.triples)) == sum(len(q) for q in sample_quads().values())
    assert graph.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef("http://localhost/sparql")
    assert graph.value(dataset, DCT.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(dataset, DCT.modified) is not None
    dumps = set(graph.objects(dataset, VOID.dataDump))
    assert {str(d).rsplit("/", 1)[1] for d in dumps} == {
        "newsgraph.ttl", "newsgraph.ttl.gz", "newsgraph.nt", "newsgraph.nq", "newsgraph.nq.gz", "newsgraph.trig.gz"}
    ttl_gz = rdflib.URIRef("http://localhost/dumps/newsgraph.ttl.gz")
    assert int(graph.value(ttl_gz, DCAT.byteSize)) == len(client.get("/dumps/newsgraph.ttl.gz").data)
    assert graph.value(ttl_gz, DCAT.compressFormat) == rdflib.URIRef(
        "http://www.iana.org/assignments/media-types/application/gzip")
    assert graph.value(ttl_gz, DCAT.mediaType) == rdflib.URIRef("http://www.iana.org/assignments/media-types/text/turtle")
    people = [p for p in graph.objects(dataset, VOID.classPartition)
              if graph.value(p, VOID["class"]) == rdflib.FOAF.Person]
    assert int(graph.value(people[0], VOID.entities)) == 2
    index = client.get("/").get_data(as_text=True)
    assert 'href="/dumps/void.ttl"' in index and "creativecommons.org/licenses/by/4.0" in index
    assert client.get("/.well-known/void").headers["Location"].endswith("/dumps/void.ttl")
    shutdown(app)


def test_write_dumps_writes_the_same_files(client: FlaskClient, store_path: Path, tmp_path: Path) -> None:
    from newsgraph.web.dumps import DUMPS, write_dumps

    store = GraphStore(store_path, read_only=True)
    written = write_dumps(store, tmp_path / "out", base_url="https://example.org/")
    assert {p.name for p in written} == {*DUMPS, "void.ttl"}
    for name in DUMPS:
        assert (tmp_path / "out" / name).read_bytes() == client.get(f"/dumps/{name}").data, name
    graph = rdflib.Graph().parse(tmp_path / "out" / "void.ttl", format="turtle")
    assert (rdflib.URIRef("https://example.org/dumps/void.ttl#dataset"), VOID.dataDump,
            rdflib.URIRef("https://example.org/dumps/newsgraph.nq.gz")) in graph
