"""The default graph is the RDF merge of the article graphs: a triple several articles state
counts once, over the endpoint and through ``GraphStore.query``, for every query form.

pyoxigraph 0.5's own union (and ``default_graph=[...]``) yields such a triple once per graph
(oxigraph#1919); :func:`newsgraph.store.merged_union` is the fix these tests hold to.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from newsgraph.store import GraphStore, merged_union
from newsgraph.web import create_app, shutdown

BASE = "http://example.org/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PERSON = ox.NamedNode("http://xmlns.com/foaf/0.1/Person")
AGE = ox.NamedNode(BASE + "age")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
ARTICLES = 5


def _person(name: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + "id/person/" + name)


def _article_quads(i: int) -> list[ox.Quad]:
    """Article ``i``: every article states the same person, label, type and a number; each its own fact."""
    g = ox.NamedNode(f"{BASE}graph/article/{i}")
    shared = _person("ada-lovelace")
    return [ox.Quad(shared, TYPE, PERSON, g), ox.Quad(shared, LABEL, ox.Literal("Ada Lovelace"), g),
            ox.Quad(shared, AGE, ox.Literal("36", datatype=XSD_INTEGER), g),
            ox.Quad(_person(f"own-{i}"), LABEL, ox.Literal(f"Person {i}"), g)]


@pytest.fixture
def shared_store(tmp_path: Path) -> Path:
    """A real on-disk store of ``ARTICLES`` article graphs that share three triples."""
    path = tmp_path / "store"
    store = GraphStore(path)
    for i in range(ARTICLES):
        store.replace_graph(ox.NamedNode(f"{BASE}graph/article/{i}"), _article_quads(i))
    store.flush()
    del store
    return path


def _nt_dump_triples(path: Path) -> set[ox.Triple]:
    store = GraphStore(path, read_only=True)
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_TRIPLES)
    return set(ox.parse(out.getvalue(), format=ox.RdfFormat.N_TRIPLES))


DISTINCT = 3 + ARTICLES  # the shared three once, plus each article's own triple


def test_the_store_state_shared_triples_once_per_graph(shared_store: Path) -> None:
    store = GraphStore(shared_store, read_only=True)
    assert len(store) == 4 * ARTICLES
    assert len(_nt_dump_triples(shared_store)) == DISTINCT


def test_pyoxigraph_union_is_a_bag_so_the_fix_is_needed(shared_store: Path) -> None:
    """Documents the upstream bug; when a pyoxigraph release fixes it this fails, and the merged
    copy can go."""
    raw = ox.Store.read_only(str(shared_store))
    [row] = raw.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True)  # type: ignore[misc]
    assert int(row["n"].value) == 4 * ARTICLES
    [row] = raw.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",  # type: ignore[misc]
                      default_graph=list(raw.named_graphs()))
    assert int(row["n"].value) == 4 * ARTICLES


QUERIES = {
    "count": ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", DISTINCT),
    "sum": ("SELECT (SUM(?a) AS ?n) WHERE { ?s <http://example.org/age> ?a }", 36),
    "labels": ("SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }", 1 + ARTICLES),
    "join": ("SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> ; "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?l }", 1),
    "path": ("SELECT (COUNT(*) AS ?n) WHERE { "
             "?s <http://www.w3.org/2000/01/rdf-schema#label>|<http://example.org/age> ?o }", 2 + ARTICLES),
    "graphs still per article": ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", 4 * ARTICLES),
}


@pytest.mark.parametrize("name", QUERIES)
def test_graph_store_query_counts_a_shared_triple_once(shared_store: Path, name: str) -> None:
    query, expected = QUERIES[name]
    [row] = GraphStore(shared_store, read_only=True).query(query)  # type: ignore[misc]
    assert int(row["n"].value) == expected


def test_graph_store_sees_its_own_writes(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "store")
    store.replace_graph(ox.NamedNode(BASE + "graph/article/1"), _article_quads(1))
    [row] = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # type: ignore[misc]
    assert int(row["n"].value) == 4
    store.replace_graph(ox.NamedNode(BASE + "graph/article/2"), _article_quads(2))
    [row] = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # type: ignore[misc]
    assert int(row["n"].value) == 5  # the merged copy was rebuilt, and the shared three count once
    store.drop_graph(ox.NamedNode(BASE + "graph/article/1"))
    [row] = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # type: ignore[misc]
    assert int(row["n"].value) == 4


def test_above_the_size_limit_there_is_no_copy(shared_store: Path) -> None:
    raw = ox.Store.read_only(str(shared_store))
    assert merged_union(raw, max_quads=4 * ARTICLES - 1) is None
    copy = merged_union(raw, max_quads=4 * ARTICLES)
    assert copy is not None and len(copy) == 4 * ARTICLES + DISTINCT


@pytest.fixture
def endpoint(shared_store: Path):  # type: ignore[no-untyped-def]
    app = create_app(shared_store, {"TESTING": True, "STORE_CHECK_INTERVAL": 0.0})
    yield app.test_client()
    shutdown(app)


@pytest.mark.parametrize("name", QUERIES)
def test_endpoint_counts_as_the_rdf_merge_says(endpoint, name: str) -> None:  # type: ignore[no-untyped-def]
    query, expected = QUERIES[name]
    response = endpoint.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"]) == expected


def test_endpoint_count_equals_the_distinct_triples_of_the_nt_dump(endpoint, shared_store: Path) -> None:  # type: ignore[no-untyped-def]
    dump = endpoint.get("/dumps/newsgraph.nt")
    assert dump.status_code == 200
    triples = set(ox.parse(dump.data, format=ox.RdfFormat.N_TRIPLES))
    assert triples == _nt_dump_triples(shared_store)
    response = endpoint.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"]) == len(triples) == DISTINCT


def test_endpoint_label_query_returns_a_label_once(endpoint) -> None:  # type: ignore[no-untyped-def]
    query = f"SELECT ?l WHERE {{ <{BASE}id/person/ada-lovelace> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    response = endpoint.get("/sparql", query_string={"query": query})
    assert [b["l"]["value"] for b in json.loads(response.data)["results"]["bindings"]] == ["Ada Lovelace"]


def test_endpoint_construct_describe_and_ask_on_the_merge(endpoint) -> None:  # type: ignore[no-untyped-def]
    construct = endpoint.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                             headers={"Accept": "application/n-triples"})
    assert len(construct.data.decode().strip().splitlines()) == DISTINCT
    ask = endpoint.get("/sparql", query_string={
        "query": "ASK { FILTER NOT EXISTS { ?s ?p ?o } }"})
    assert json.loads(ask.data)["boolean"] is False


def test_a_later_ingest_is_merged_too(endpoint, shared_store: Path) -> None:  # type: ignore[no-untyped-def]
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}

    def count() -> int:
        return int(json.loads(endpoint.get("/sparql", query_string=query).data)["results"]["bindings"][0]["n"]["value"])

    assert count() == DISTINCT
    writer = GraphStore(shared_store)
    writer.replace_graph(ox.NamedNode(BASE + "graph/article/new"), _article_quads(99))
    writer.flush()
    del writer
    deadline = time.monotonic() + 20
    while True:
        n = count()
        if n == DISTINCT + 1:
            break
        assert n == DISTINCT and time.monotonic() < deadline, n
        time.sleep(0.05)
