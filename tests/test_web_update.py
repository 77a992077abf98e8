"""SPARQL Update: refused by default, allowed with a bearer token or --allow-anonymous-update."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from conftest import BASE, GRAPH_A1, GRAPH_A2, running, sample_quads
from newsgraph.web import create_app, shutdown
from newsgraph.web.sparql import with_using

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
INSERT = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 'added' } }"
ADDED = "ASK { GRAPH ?g { ?s ?p 'added' } }"


def asks(client: FlaskClient, query: str) -> bool:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.data)["boolean"]


def make(store_path: Path, **config: object) -> Flask:
    return create_app(store_path, {"STORE_CHECK_INTERVAL": 60.0, **config})  # updates must not wait for it


@pytest.fixture
def token_app(store_path: Path) -> Iterator[Flask]:
    app = make(store_path, UPDATE_TOKEN="s3cret")
    yield app
    shutdown(app)


@pytest.fixture
def open_app(store_path: Path) -> Iterator[Flask]:
    app = make(store_path, ALLOW_ANONYMOUS_UPDATE=True)
    yield app
    shutdown(app)


def update(client: FlaskClient, text: str, token: str | None = None, **kwargs: object):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/sparql", data=text.encode(), content_type="application/sparql-update", headers=headers,
                       **kwargs)


def test_update_needs_the_bearer_token(token_app: Flask) -> None:
    client = token_app.test_client()
    missing = update(client, INSERT)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = update(client, INSERT, token="guess")
    assert wrong.status_code == 401 and "invalid_token" in wrong.headers["WWW-Authenticate"]
    assert not asks(client, ADDED)
    ok = update(client, INSERT, token="s3cret")
    assert ok.status_code == 204
    assert asks(client, ADDED)  # the very next query sees the write, without waiting for a check


def test_form_encoded_update_with_the_token(token_app: Flask) -> None:
    client = token_app.test_client()
    response = client.post("/sparql", data={"update": f"DROP GRAPH <{GRAPH_A2}>"},
                           headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 204
    assert not asks(client, f"ASK {{ GRAPH <{GRAPH_A2}> {{ ?s ?p ?o }} }}")
    assert asks(client, f"ASK {{ GRAPH <{GRAPH_A1}> {{ ?s ?p ?o }} }}")


def test_anonymous_updates_when_allowed(open_app: Flask) -> None:
    client = open_app.test_client()
    assert update(client, INSERT).status_code == 204
    assert asks(client, ADDED)
    bad = update(client, "INSERT DATA { <a> <b> }")
    assert bad.status_code == 400 and "Malformed update" in bad.get_data(as_text=True)


def test_relative_iris_in_updates_resolve_against_the_endpoint(open_app: Flask) -> None:
    client = open_app.test_client()
    assert update(client, "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <p> <test> } }"
                  ).status_code == 204
    assert asks(client, "ASK { GRAPH ?g { <http://example.org/s> <http://localhost/p> <http://localhost/test> } }")


def test_using_graph_uri_sets_the_update_dataset(open_app: Flask) -> None:
    client = open_app.test_client()
    person = f"<{BASE}id/person/sergey-lavrov>"
    text = ("INSERT { GRAPH <http://example.org/copy> { ?s a <http://example.org/Seen> } } "
            "WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }")
    response = update(client, text, query_string={"using-graph-uri": GRAPH_A2})
    assert response.status_code == 204
    assert asks(client, f"ASK {{ GRAPH <http://example.org/copy> {{ {person} a <http://example.org/Seen> }} }}")
    conflict = update(client, "WITH <http://example.org/g> INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
                      query_string={"using-graph-uri": GRAPH_A1})
    assert conflict.status_code == 400


def test_with_using_rewrites_every_operation() -> None:
    text = ("PREFIX ex: <http://ex/> CLEAR ALL ; INSERT { ?s ex:p 'WHERE' } WHERE { ?s ?p ?o "
            "{ SELECT ?s WHERE { ?s ?q ?r } } } ; DELETE WHERE { ?s ex:where ?o }")
    rewritten = with_using(text, ["http://g/1"], ["http://g/2"])
    assert rewritten.count("USING <http://g/1> USING NAMED <http://g/2>") == 2
    assert "DELETE { ?s ex:where ?o } USING <http://g/1> USING NAMED <http://g/2> WHERE { ?s ex:where ?o }" in rewritten
    assert "{ SELECT ?s WHERE { ?s ?q ?r } }" in rewritten  # a subquery's WHERE is left alone
    import pyoxigraph as ox

    ox.Store().update(rewritten)  # still valid SPARQL Update


def test_update_while_an_ingest_holds_the_store_is_503(open_app: Flask, store_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import pyoxigraph as ox, sys; s = ox.Store({str(store_path)!r}); "
                               "print('locked', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        response = update(open_app.test_client(), INSERT)
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert "another process" in response.get_data(as_text=True)
    finally:
        holder.communicate("", timeout=30)
    assert update(open_app.test_client(), INSERT).status_code == 204  # once it is done


def test_service_description_lists_update_only_when_enabled(open_app: Flask, client: FlaskClient) -> None:
    def languages(c: FlaskClient) -> set:
        graph = rdflib.Graph().parse(data=c.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
        return set(graph.objects(None, SD.supportedLanguage))

    assert languages(open_app.test_client()) == {SD.SPARQL11Query, SD.SPARQL11Update}
    assert languages(client) == {SD.SPARQL11Query}


def test_sparqlwrapper_updates_with_a_token(token_app: Flask) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper

    with running(token_app) as server:
        sparql = SPARQLWrapper(server.sparql, updateEndpoint=server.sparql)
        sparql.setMethod(POST)
        sparql.addCustomHttpHeader("Authorization", "Bearer s3cret")
        sparql.setQuery(INSERT)
        sparql.query()
    assert asks(token_app.test_client(), ADDED)
    assert len(sample_quads()) == 2


def test_an_update_records_a_new_store_generation(open_app: Flask, store_path: Path) -> None:
    """The identity index beside the store trusts itself only while the store's generation token
    is the one it recorded: an update made through the server must change it, or the next ingest
    would resolve names against people the update removed."""
    from newsgraph.store import read_generation

    before = read_generation(store_path)
    assert update(open_app.test_client(), INSERT).status_code == 204
    after = read_generation(store_path)
    assert after is not None and after != before
