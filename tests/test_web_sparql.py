"""The SPARQL endpoint, the pages and the store provider, through the Flask test client and over
real HTTP (waitress) with SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient

import newsgraph
from conftest import BASE, GRAPH_A1, GRAPH_A2, LiveServer, sample_quads, sample_union
from newsgraph.store import StoreError
from newsgraph.web import StoreProvider, create_app

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

LABELS = ("SELECT DISTINCT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
          "ORDER BY ?label")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
QUADS = sum(len(q) for q in sample_quads().values())
UNION = len(sample_union())  # the distinct triples: what COUNT(*) on the default graph gives
ALL_LABELS = sorted({q.object.value for quads in sample_quads().values() for q in quads
                     if q.predicate.value == RDFS_LABEL})


def media(response) -> str:
    return response.headers["Content-Type"].split(";")[0].strip()


def bindings(response, var: str) -> list[str]:
    return [b[var]["value"] for b in json.loads(response.data)["results"]["bindings"]]


def count(client: FlaskClient, query: str = COUNT, **params: str | list[str]) -> int:
    response = client.get("/sparql", query_string={"query": query, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(bindings(response, "n")[0])


# -- query forms and operations -----------------------------------------------------------------------

def test_get_select_answers_sparql_json_by_default(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABELS})
    assert response.status_code == 200
    assert media(response) == SPARQL_JSON
    assert bindings(response, "label") == ALL_LABELS


def test_post_form_and_direct_post_answer_like_get(client: FlaskClient) -> None:
    form = client.post("/sparql", data={"query": LABELS})
    direct = client.post("/sparql", data=LABELS.encode(), content_type="application/sparql-query")
    assert form.status_code == direct.status_code == 200
    assert bindings(form, "label") == bindings(direct, "label") == ALL_LABELS


def test_default_graph_is_the_union_of_article_graphs(client: FlaskClient) -> None:
    assert count(client, COUNT_DISTINCT) == UNION
    # The default graph is an RDF merge, a set: a triple stated in two article graphs is one
    # triple of it (pyoxigraph's own union would count it twice; see newsgraph.store.merged_union).
    assert UNION < QUADS
    assert count(client) == UNION
    assert count(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == QUADS


def test_ask_answers_a_boolean_in_json_and_xml(client: FlaskClient) -> None:
    yes = client.get("/sparql", query_string={"query": f"ASK {{ GRAPH <{GRAPH_A2}> {{ ?s ?p ?o }} }}"})
    assert media(yes) == SPARQL_JSON and json.loads(yes.data)["boolean"] is True
    no = client.get("/sparql", query_string={"query": "ASK { ?s ?p 'nothing like this' }"},
                    headers={"Accept": SPARQL_XML})
    assert media(no) == SPARQL_XML and b"<boolean>false</boolean>" in no.data


def test_construct_answers_turtle_by_default(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert response.status_code == 200 and media(response) == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert len(graph) == len(sample_union())
    assert b"@prefix ng: <https://w3id.org/newsgraph/ns#>" in response.data  # data-model prefixes


def test_describe_answers_a_graph(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{BASE}id/person/sergey-lavrov>"},
                          headers={"Accept": "application/n-triples"})
    assert media(response) == "application/n-triples"
    assert b'"Sergey Lavrov"' in response.data


def test_relative_iris_resolve_against_the_endpoint(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                           content_type="application/sparql-query",
                           headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.data.startswith(b"<http://localhost/s> <http://localhost/p>")


# -- content negotiation --------------------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "expected"), [
    (None, SPARQL_JSON),
    ("*/*", SPARQL_JSON),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    (SPARQL_XML, SPARQL_XML),
    ("application/json", SPARQL_JSON),  # the canonical type, not the alias asked for
    ("text/csv;q=0.5, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
    (f"{SPARQL_JSON};q=0.2, {SPARQL_XML};q=0.8, */*;q=0.1", SPARQL_XML),
    ("text/csv;q=0.1, */*", SPARQL_JSON),
    ("image/png", SPARQL_JSON),  # nothing acceptable: the default rather than a 406
])
def test_select_format_follows_accept_q_values(client: FlaskClient, accept: str | None,
                                               expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": LABELS}, headers=headers)
    assert response.status_code == 200 and media(response) == expected


@pytest.mark.parametrize(("accept", "expected", "rdflib_format"), [
    (None, "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/ld+json;q=0.4, application/rdf+xml;q=0.6", "application/rdf+xml", "xml"),
    ("text/turtle;q=0.1, application/n-triples;q=0.9", "application/n-triples", "nt"),
])
def test_graph_format_follows_accept(client: FlaskClient, accept: str | None, expected: str,
                                     rdflib_format: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers=headers)
    assert response.status_code == 200 and media(response) == expected
    assert len(rdflib.Graph().parse(data=response.data, format=rdflib_format)) == len(sample_union())


@pytest.mark.parametrize(("fmt", "query", "expected"), [
    ("csv", LABELS, "text/csv"),
    ("tsv", LABELS, "text/tab-separated-values"),
    ("xml", LABELS, SPARQL_XML),
    ("json", LABELS, SPARQL_JSON),
    ("xml", "CONSTRUCT WHERE { ?s ?p ?o }", "application/rdf+xml"),
    ("json", "CONSTRUCT WHERE { ?s ?p ?o }", "application/ld+json"),
    ("ttl", "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
    ("nt", "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"),
    ("rdfxml", "CONSTRUCT WHERE { ?s ?p ?o }", "application/rdf+xml"),
    ("jsonld", "CONSTRUCT WHERE { ?s ?p ?o }", "application/ld+json"),
    ("text/csv", LABELS, "text/csv"),
])
def test_format_parameter_overrides_accept(client: FlaskClient, fmt: str, query: str, expected: str) -> None:
    response = client.get("/sparql", query_string={"query": query, "format": fmt},
                          headers={"Accept": "application/sparql-results+json, text/turtle"})
    assert response.status_code == 200 and media(response) == expected


def test_csv_and_tsv_bodies(client: FlaskClient) -> None:
    csv = client.get("/sparql", query_string={"query": LABELS, "format": "csv"}).get_data(as_text=True)
    assert csv.splitlines() == ["label", *ALL_LABELS]
    tsv = client.get("/sparql", query_string={"query": LABELS, "format": "tsv"}).get_data(as_text=True)
    assert tsv.splitlines()[1] == f'"{ALL_LABELS[0]}"'


def test_format_for_the_wrong_kind_of_result_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABELS, "format": "turtle"})
    assert response.status_code == 400 and "for graphs" in response.get_data(as_text=True)
    response = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "csv"})
    assert response.status_code == 400


def test_unknown_format_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABELS, "format": "yaml"})
    assert response.status_code == 400 and "yaml" in response.get_data(as_text=True)


# -- protocol errors ----------------------------------------------------------------------------------

def test_malformed_query_is_400_with_the_parser_message(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400 and media(response) == "text/plain"
    text = response.get_data(as_text=True)
    try:
        ox.Store().query("SELECT * WHERE { ?s ?p }")
    except SyntaxError as exc:
        assert str(exc) in text
    assert "1:" in text  # the position of the error


def test_missing_query_is_400(client: FlaskClient) -> None:
    assert client.get("/sparql").status_code == 400
    assert client.post("/sparql", data={"format": "json"}).status_code == 400
    assert client.post("/sparql", data=b"", content_type="application/sparql-query").status_code == 400


def test_more_than_one_query_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert response.status_code == 400
    response = client.post("/sparql?query=ASK%20%7B%7D", data={"query": "ASK {}"})
    assert response.status_code == 400


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "data": {"update": "CLEAR ALL"}},
    {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"},
])
def test_updates_are_refused_with_403_on_a_read_only_server(client: FlaskClient, request_kwargs: dict) -> None:
    response = client.open("/sparql", **request_kwargs)
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)
    assert count(client) == UNION  # nothing was cleared


@pytest.mark.parametrize("request_kwargs", [
    {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
    {"method": "POST", "data": "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
     "content_type": "application/x-www-form-urlencoded"},
    {"method": "POST", "data": {"update": "CLEAR ALL", "query": "ASK {}"}},
    {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update",
     "query_string": {"update": "CLEAR ALL"}},
])
def test_malformed_update_requests_are_400(client: FlaskClient, request_kwargs: dict) -> None:
    response = client.open("/sparql", **request_kwargs)
    assert response.status_code == 400
    assert count(client) == UNION


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(client: FlaskClient, method: str) -> None:
    response = client.open("/sparql?query=ASK%20%7B%7D", method=method,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/json"])
def test_post_with_another_media_type_is_415(client: FlaskClient, content_type: str | None) -> None:
    response = client.post("/sparql", data=b"query=ASK%20%7B%7D", content_type=content_type)
    assert response.status_code == 415
    assert "application/sparql-query" in response.get_data(as_text=True)


def test_body_that_is_not_utf8_is_400(client: FlaskClient) -> None:
    utf16 = client.post("/sparql", data="ASK {}".encode("utf-16"),
                        content_type="application/sparql-query; charset=UTF-16")
    assert utf16.status_code == 400
    latin1 = client.post("/sparql", data='ASK { ?s ?p "café" }'.encode("latin-1"),
                         content_type="application/sparql-query")
    assert latin1.status_code == 400 and "UTF-8" in latin1.get_data(as_text=True)
    form = client.post("/sparql", data=b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22caf%E9%22%20%7D",
                       content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400


def test_utf8_query_text_round_trips(client: FlaskClient) -> None:
    response = client.post("/sparql", data='ASK { ?s ?p "Türkiye" }'.encode(),
                           content_type="application/sparql-query; charset=utf-8")
    assert json.loads(response.data)["boolean"] is True


def test_service_is_refused_unless_configured(client: FlaskClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 403 and "SERVICE" in response.get_data(as_text=True)
    # The word in a string, an IRI, a comment or a variable is not the keyword.
    harmless = 'SELECT ?service WHERE { ?service <http://ex/SERVICE> "SERVICE" } # SERVICE\n'
    assert client.get("/sparql", query_string={"query": harmless}).status_code == 200
    # An escaped quote in a local name opens no string that could hide the keyword.
    sneaky = ("PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:a\\' ?o . "
              "SERVICE <http://127.0.0.1:9/sparql> { } ?s ?p 'x' }")
    assert client.get("/sparql", query_string={"query": sneaky}).status_code == 403


# -- the dataset --------------------------------------------------------------------------------------

def test_default_graph_uri_restricts_the_default_graph(client: FlaskClient) -> None:
    assert count(client, **{"default-graph-uri": GRAPH_A1}) == len(sample_quads()[GRAPH_A1])
    assert count(client, COUNT_DISTINCT, **{"default-graph-uri": [GRAPH_A1, GRAPH_A2]}) == len(sample_union())
    assert count(client, **{"default-graph-uri": f"{BASE}graph/article/none"}) == 0
    # With a protocol dataset and no named-graph-uri there are no named graphs.
    assert count(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                 **{"default-graph-uri": GRAPH_A1}) == 0


def test_named_graph_uri_restricts_the_named_graphs(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post(f"/sparql?named-graph-uri={urllib.parse.quote(GRAPH_A2)}", data=query.encode(),
                           content_type="application/sparql-query")
    assert bindings(response, "g") == [GRAPH_A2]


def test_protocol_dataset_in_the_form_body(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": COUNT, "default-graph-uri": GRAPH_A2})
    assert int(bindings(response, "n")[0]) == len(sample_quads()[GRAPH_A2])


def test_bad_graph_iri_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": "not an iri"})
    assert response.status_code == 400


def test_from_in_the_query_replaces_the_union(client: FlaskClient) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_A1}> WHERE {{ ?s ?p ?o }}"
    assert count(client, query) == len(sample_quads()[GRAPH_A1])


# -- CORS -----------------------------------------------------------------------------------------------

def test_cors_on_answers_errors_and_preflight(client: FlaskClient) -> None:
    for query in (LABELS, "SELECT"):  # an answer and an error
        response = client.get("/sparql", query_string={"query": query})
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type"
    assert "Access-Control-Allow-Origin" not in client.get("/").headers  # pages are not an API


# -- service description and HTML ------------------------------------------------------------------------

def test_get_without_query_describes_the_service_to_rdf_clients(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={
        "Accept": "text/turtle, application/rdf+xml;q=0.9, */*;q=0.1"})
    assert response.status_code == 200 and media(response) == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = graph.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert graph.value(service, sd.endpoint) == rdflib.URIRef("http://localhost/sparql")
    assert graph.value(service, sd.supportedLanguage) == sd.SPARQL11Query
    formats = set(graph.objects(service, sd.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert rdflib.URIRef("http://www.w3.org/ns/formats/Turtle") in formats


def test_get_without_query_sends_a_browser_to_the_query_page(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/query")


def test_browser_gets_select_results_as_an_html_table(client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": browser})
    assert response.status_code == 200 and media(response) == "text/html"
    html = response.get_data(as_text=True)
    assert "<th>label</th>" in html and "Sergey Lavrov" in html
    assert f"{len(ALL_LABELS)} rows" in html


def test_format_html_renders_construct_and_ask(client: FlaskClient) -> None:
    construct = client.get("/sparql", query_string={
        "query": f"CONSTRUCT WHERE {{ <{BASE}id/place/moscow> ?p ?o }}", "format": "html"})
    assert media(construct) == "text/html"
    # IRIs are shortened with the data model's prefixes
    assert ">rdfs:label</a>" in construct.get_data(as_text=True)
    ask = client.get("/sparql", query_string={"query": "ASK {}", "format": "html"})
    assert "<strong>true</strong>" in ask.get_data(as_text=True)


def test_html_table_is_capped(store_path: Path) -> None:
    client = create_app(store_path, {"HTML_MAX_ROWS": 3}).test_client()
    response = client.get("/sparql", query_string={"query": LABELS, "format": "html"})
    assert "3 rows shown (the first 3" in response.get_data(as_text=True)


# -- streaming --------------------------------------------------------------------------------------------

# 200 x 200 rows of about 60 bytes each: several 64 KiB chunks, computed without any data.
BIG = ("SELECT ?a ?b WHERE { VALUES ?i { " + " ".join(map(str, range(200))) + " } "
       "VALUES ?j { " + " ".join(map(str, range(200))) + " } "
       "BIND(CONCAT('row-', STR(?i)) AS ?a) BIND(?i * 1000 + ?j AS ?b) }")


def test_big_results_are_streamed_in_chunks(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": BIG, "format": "csv"}, buffered=False)
    assert response.status_code == 200
    assert "Content-Length" not in response.headers  # not rendered up front
    chunks = list(response.response)
    assert len(chunks) > 3
    lines = b"".join(chunks).decode().splitlines()
    assert lines[0] == "a,b" and len(lines) == 200 * 200 + 1


def test_small_results_are_sent_with_a_content_length(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABELS})
    assert int(response.headers["Content-Length"]) == len(response.data)


def _stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "newsgraph-stream"]


def test_a_client_that_goes_away_stops_the_serializer(client: FlaskClient) -> None:
    before = len(_stream_threads())
    response = client.get("/sparql", query_string={"query": BIG, "format": "json"}, buffered=False)
    first = next(iter(response.response))
    assert first.startswith(b'{"head":{"vars":["a","b"]}')
    response.close()
    deadline = time.monotonic() + 10
    while len(_stream_threads()) > before:
        assert time.monotonic() < deadline, "the worker thread did not stop"
        time.sleep(0.01)


# -- pages ------------------------------------------------------------------------------------------------

EXAMPLE = """# title: People and their labels
# Every person in any article, by name.
SELECT DISTINCT ?person ?label
WHERE { ?person a <http://xmlns.com/foaf/0.1/Person> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }
"""


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    folder = tmp_path / "examples"
    folder.mkdir()
    (folder / "people.rq").write_text(EXAMPLE, encoding="utf-8")
    (folder / "bare.rq").write_text("ASK {}\n", encoding="utf-8")
    (folder / "contract").mkdir()
    (folder / "contract" / "hidden.rq").write_text("# title: Not an example\nASK {}\n", encoding="utf-8")
    return folder


def test_index_says_what_the_dataset_holds(store_path: Path, examples: Path) -> None:
    client = create_app(store_path, {"SPARQL_EXAMPLES_DIR": examples}).test_client()
    html = client.get("/").get_data(as_text=True)
    assert "<strong>2</strong>articles" in html
    assert f"<strong>{QUADS}</strong>triples" in html
    assert "People and their labels" in html and "Every person in any article, by name." in html
    assert "/query?example=people" in html and "/query?example=bare" in html
    assert "Not an example" not in html
    for name in ("newsgraph.ttl", "newsgraph.nt", "newsgraph.nq"):
        assert f"/dumps/{name}" in html
    assert 'href="/sparql"' in html


def test_index_without_example_queries(store_path: Path, tmp_path: Path) -> None:
    client = create_app(store_path, {"SPARQL_EXAMPLES_DIR": tmp_path / "missing"}).test_client()
    response = client.get("/")
    assert response.status_code == 200 and "Example queries" not in response.get_data(as_text=True)


def test_index_lists_the_bundled_examples(client: FlaskClient) -> None:
    from newsgraph.web.pages import examples_dir, load_examples

    with client.application.app_context():
        bundled = load_examples(examples_dir())
    html = client.get("/").get_data(as_text=True)
    for example in bundled:
        assert f"/query?example={example.name}" in html


def test_query_page_is_prefilled_with_the_chosen_example(store_path: Path, examples: Path) -> None:
    client = create_app(store_path, {"SPARQL_EXAMPLES_DIR": examples}).test_client()
    html = client.get("/query?example=people").get_data(as_text=True)
    assert "SELECT DISTINCT ?person ?label" in html and 'action="/sparql"' in html
    assert '<option value="html" selected>' in html
    assert client.get("/query?example=nope").status_code == 404


def test_query_page_form_submission_shows_a_table(store_path: Path, examples: Path) -> None:
    client = create_app(store_path, {"SPARQL_EXAMPLES_DIR": examples}).test_client()
    response = client.get("/sparql", query_string={"query": EXAMPLE, "format": "html"},
                          headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert "Hakan Fidan" in html and "Sergey Lavrov" in html and "2 rows" in html


# -- store provider ----------------------------------------------------------------------------------------

def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no store at .*missing"):
        create_app(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="not an Oxigraph store"):
        create_app(tmp_path / "empty")


def _writer_script(store: Path, graph: str, label: str) -> str:
    return (
        "import sys, pyoxigraph as ox\n"
        "from newsgraph.store import GraphStore\n"
        f"store = GraphStore({str(store)!r})\n"
        f"g = ox.NamedNode({graph!r})\n"
        f"store.replace_graph(g, [ox.Quad(ox.NamedNode({BASE + 'id/article/a3'!r}), "
        f"ox.NamedNode({RDFS_LABEL!r}), ox.Literal({label!r}), g)])\n"
        "print('written', flush=True)\n"
        "sys.stdin.read()  # hold the store open read-write, like a long ingest, until told to stop\n"
    )


def _env_with_newsgraph() -> dict[str, str]:
    src = str(Path(newsgraph.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}


def test_new_ingests_show_up_without_a_restart(client: FlaskClient, store_path: Path) -> None:
    """An ingest in another process, holding the store read-write, becomes visible while we serve."""
    graph = f"{BASE}graph/article/a3"
    ask = {"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p 'Third article' }} }}"}
    assert json.loads(client.get("/sparql", query_string=ask).data)["boolean"] is False
    writer = subprocess.Popen([sys.executable, "-c", _writer_script(store_path, graph, "Third article")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=_env_with_newsgraph())
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "written"
        deadline = time.monotonic() + 20
        while not json.loads(client.get("/sparql", query_string=ask).data)["boolean"]:
            assert time.monotonic() < deadline, "the new graph never became visible"
            time.sleep(0.02)
        assert count(client, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g {} }") == 3
        assert "<strong>3</strong>articles" in client.get("/").get_data(as_text=True)
    finally:
        writer.communicate("", timeout=30)  # closing stdin lets the writer exit
    assert writer.returncode == 0


def test_provider_reopens_only_after_the_check_interval(store_path: Path) -> None:
    now = [0.0]
    provider = StoreProvider(store_path, check_interval=1.0, clock=lambda: now[0])
    first = provider.current()
    writer = ox.Store(str(store_path))  # read-write beside the read-only snapshot, as ingest does
    writer.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal("o"),
                       ox.NamedNode(f"{BASE}graph/article/a9")))
    del writer  # closed: RocksDB also touches its MANIFEST in the background while a writer is open
    now[0] = 0.5
    assert provider.current() is first  # too soon to look
    now[0] = 1.5
    second = provider.current()
    assert second is not first and len(second) == len(first) + 1
    assert len(first) == QUADS  # an old snapshot never changes
    now[0] = 3.0
    assert provider.current() is second  # nothing changed since (a read-only open writes nothing)


def test_provider_keeps_the_last_snapshot_when_a_reopen_fails(store_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    provider = StoreProvider(store_path, check_interval=0.0)
    first = provider.current()
    writer = ox.Store(str(store_path))
    writer.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal("o"),
                       ox.NamedNode(f"{BASE}graph/article/a9")))
    writer.flush()

    def vanished_file(*_args: object, **_kwargs: object) -> None:
        # What pyoxigraph raises when a compaction deletes a file under a concurrent open.
        raise RuntimeError("Corruption: IO error: No such file or directory: 000121.sst")

    monkeypatch.setattr("newsgraph.web.GraphStore", vanished_file)
    assert provider.current() is first
    monkeypatch.undo()
    assert len(provider.current()) == len(first) + 1
    del writer


# -- real HTTP: waitress with SPARQLWrapper and rdflib ------------------------------------------------------

def test_sparqlwrapper_select_ask_and_construct(live_server: LiveServer) -> None:
    from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, SPARQLWrapper

    sparql = SPARQLWrapper(live_server.sparql)
    sparql.setQuery(LABELS)
    sparql.setReturnFormat(JSON)
    result = sparql.queryAndConvert()
    assert [b["label"]["value"] for b in result["results"]["bindings"]] == ALL_LABELS

    sparql.setMethod(POST)  # form-encoded
    sparql.setQuery(f"ASK {{ <{BASE}id/person/sergey-lavrov> ?p ?o }}")
    assert sparql.queryAndConvert()["boolean"] is True

    sparql.setRequestMethod(POSTDIRECTLY)
    sparql.setQuery("CONSTRUCT WHERE { ?s ?p ?o }")
    sparql.setReturnFormat(TURTLE)
    turtle = sparql.queryAndConvert()
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) == len(sample_union())


def test_rdflib_sparqlstore_reads_the_endpoint(live_server: LiveServer) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(live_server.sparql))
    rows = graph.query(LABELS)
    assert [str(row.label) for row in rows] == ALL_LABELS
    people = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://xmlns.com/foaf/0.1/Person")))
    assert people == {rdflib.URIRef(f"{BASE}id/person/hakan-fidan"),
                      rdflib.URIRef(f"{BASE}id/person/sergey-lavrov")}
    assert bool(graph.query(f"ASK {{ GRAPH <{GRAPH_A1}> {{ ?s ?p ?o }} }}").askAnswer) is True


def test_waitress_streams_a_big_result_over_http(live_server: LiveServer) -> None:
    url = live_server.sparql + "?" + urllib.parse.urlencode({"query": BIG})
    request = urllib.request.Request(url, headers={"Accept": "text/tab-separated-values"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        body = io.TextIOWrapper(response, encoding="utf-8").read()
    assert len(body.splitlines()) == 200 * 200 + 1


def test_waitress_reports_protocol_errors(live_server: LiveServer) -> None:
    request = urllib.request.Request(live_server.sparql, data=b"ASK {}", method="POST",
                                     headers={"Content-Type": "text/plain"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    assert error.value.code == 415


def test_serve_prints_its_urls_and_answers_queries(store_path: Path) -> None:
    """``serve`` under waitress in its own process, as ``newsgraph serve`` runs it."""
    script = ("from newsgraph.web.server import serve\n"
              f"serve({str(store_path)!r}, '127.0.0.1', 0, config={{'BASE_URI': {BASE!r}}}, threads=2)\n")
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              env=_env_with_newsgraph())
    try:
        assert server.stdout is not None
        line = server.stdout.readline().strip()
        pattern = r"newsgraph serving (http://127\.0\.0\.1:\d+/) \(SPARQL endpoint (\S+)\)"
        match = re.fullmatch(pattern, line)
        assert match, line
        assert match.group(2) == match.group(1) + "sparql"
        url = match.group(2) + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p 'Hakan Fidan' }"})
        with urllib.request.urlopen(url, timeout=30) as response:
            assert json.loads(response.read())["boolean"] is True
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    from newsgraph.web.server import serve

    with pytest.raises(StoreError, match="no store at"):
        serve(tmp_path / "nothing", "127.0.0.1", 0)


def test_html_table_links_only_web_iris(client: FlaskClient) -> None:
    query = 'SELECT ?x ?y WHERE { BIND(IRI("javascript:alert(1)") AS ?x) BIND(IRI("https://example.org/a") AS ?y) }'
    html = client.get("/sparql", query_string={"query": query, "format": "html"}).get_data(as_text=True)
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html
    assert 'href="https://example.org/a"' in html


def test_oversized_request_body_is_413(client: FlaskClient) -> None:
    body = b"ASK {}" + b" " * (2 * 1024 * 1024)
    response = client.post("/sparql", data=body, content_type="application/sparql-query")
    assert response.status_code == 413


def test_bundled_examples_run_as_html_and_json(client: FlaskClient) -> None:
    from newsgraph.web.pages import examples_dir, load_examples

    with client.application.app_context():
        bundled = load_examples(examples_dir())
    for example in bundled:
        for fmt in ("html", "json"):
            response = client.get("/sparql", query_string={"query": example.text, "format": fmt})
            assert response.status_code == 200, (example.name, response.get_data(as_text=True))


# -- service description, CORS settings, curl, the serve command ----------------------------------------------

def test_service_description_names_its_own_url_and_the_dataset(live_server: LiveServer) -> None:
    request = urllib.request.Request(live_server.sparql, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as response:
        graph = rdflib.Graph().parse(data=response.read(), format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    service = graph.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert graph.value(service, sd.endpoint) == rdflib.URIRef(live_server.sparql)
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert (service, sd.feature, sd.BasicFederatedQuery) not in graph
    dataset = graph.value(service, sd.defaultDataset)
    assert int(graph.value(graph.value(dataset, sd.defaultGraph), void.triples)) == UNION  # distinct triples
    assert graph.value(dataset, void.sparqlEndpoint) == rdflib.URIRef(live_server.sparql)
    formats = set(graph.objects(service, sd.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in formats


def test_cors_can_be_limited_to_origins_or_turned_off(store_path: Path) -> None:
    from newsgraph.web import shutdown

    limited = create_app(store_path, {"CORS": "https://a.example https://b.example"})
    off = create_app(store_path, {"CORS": False})
    try:
        ask = {"query": "ASK {}"}
        allowed = limited.test_client().get("/sparql", query_string=ask, headers={"Origin": "https://b.example"})
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
        assert "Origin" in allowed.headers["Vary"]
        other = limited.test_client().get("/sparql", query_string=ask, headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers
        assert "Access-Control-Allow-Origin" not in off.test_client().get("/sparql", query_string=ask).headers
    finally:
        shutdown(limited)
        shutdown(off)


@pytest.mark.skipif(not Path("/usr/bin/curl").exists(), reason="curl is not installed")
def test_curl_works_unchanged(live_server: LiveServer) -> None:
    def curl(*args: str) -> str:
        done = subprocess.run(["curl", "-sS", "--fail-with-body", *args], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    url = live_server.sparql
    assert json.loads(curl("-G", url, "--data-urlencode", f"query={LABELS}"))["results"]["bindings"]
    assert curl(url, "--data-urlencode", f"query={LABELS}", "-H", "Accept: text/csv").splitlines() == [
        "label", *ALL_LABELS]
    assert curl(url, "--data-binary", "ASK { ?s ?p 'Moscow' }", "-H", "Content-Type: application/sparql-query",
                "-H", "Accept: application/sparql-results+xml").count("<boolean>true</boolean>") == 1
    turtle = curl("-G", url, "--data-urlencode", "query=CONSTRUCT WHERE { ?s ?p ?o }", "-H", "Accept: text/turtle")
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) == len(sample_union())
    assert "sd:Service" in curl(url, "-H", "Accept: text/turtle")


def test_newsgraph_serve_with_anonymous_updates_and_a_clean_stop(store_path: Path) -> None:
    """``newsgraph serve`` as the W3C load scripts run it; SIGTERM stops it and its query processes."""
    server = subprocess.Popen(
        [sys.executable, "-m", "newsgraph.cli", "serve", "--store", str(store_path), "--host", "127.0.0.1",
         "--port", "0", "--allow-anonymous-update", "--timeout", "10", "--workers", "2"],
        stdout=subprocess.PIPE, text=True, env=_env_with_newsgraph())
    try:
        assert server.stdout is not None
        match = re.search(r"\(SPARQL endpoint (\S+)\)", server.stdout.readline())
        assert match, "no URL printed"
        endpoint = match.group(1)
        insert = urllib.request.Request(endpoint, data=b"INSERT DATA { GRAPH <http://ex/g> { <http://ex/s> "
                                        b"<http://ex/p> 'via serve' } }", method="POST",
                                        headers={"Content-Type": "application/sparql-update"})
        with urllib.request.urlopen(insert, timeout=30) as response:
            assert response.status == 204
        url = endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p 'via serve' }"})
        with urllib.request.urlopen(url, timeout=30) as response:
            assert json.loads(response.read())["boolean"] is True
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert children, "the query processes' zygote should be a child of the server"
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert server.returncode == 0
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in children):
        assert time.monotonic() < deadline, "query processes outlived the server"
        time.sleep(0.05)
