"""Base independence: the store remembers the base its IRIs were minted under, and the server
answers for it on any host and port; links resolve where the user is; ``--public-url`` names the
outside address in what the server hands out."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask

from conftest import BASE, running, sample_quads
from newsgraph.store import STORE_INFO, GraphStore, read_store_info, stored_base_uri
from newsgraph.web import create_app, shutdown

NEWS = "http://news.example.org/"


def _rebased(term: object) -> object:
    if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
        return ox.NamedNode(NEWS + term.value[len(BASE):])
    return term


def fill_news_store(path: Path) -> Path:
    """The sample articles, minted under ``NEWS`` instead of localhost:8080."""
    store = GraphStore(path)
    for graph, quads in sample_quads().items():
        rebased = [ox.Quad(*(_rebased(t) for t in (q.subject, q.predicate, q.object, q.graph_name)))  # type: ignore[misc]
                   for q in quads]
        store.replace_graph(_rebased(ox.NamedNode(graph)), rebased)  # type: ignore[arg-type]
    store.flush()
    del store
    return path


@pytest.fixture
def news_store(tmp_path: Path) -> Path:
    return fill_news_store(tmp_path / "news")


@pytest.fixture
def news_app(news_store: Path) -> Iterator[Flask]:
    app = create_app(news_store, {"TESTING": True, "STORE_CHECK_INTERVAL": 0.0})
    yield app
    shutdown(app)


def test_writing_article_graphs_records_the_base(news_store: Path) -> None:
    assert read_store_info(news_store)["base_uri"] == NEWS
    assert stored_base_uri(news_store) == NEWS


def test_an_older_store_without_the_record_is_detected_from_its_graphs(news_store: Path) -> None:
    (news_store / STORE_INFO).unlink()
    assert stored_base_uri(news_store) == NEWS
    app = create_app(news_store, {"TESTING": True})
    try:
        assert app.config["BASE_URI"] == NEWS
        assert app.test_client().get("/id/person/hakan-fidan").status_code == 200
    finally:
        shutdown(app)


def _get(url: str, accept: str = "text/html") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_pages_answer_on_another_port_and_every_link_followed_answers_200(news_app: Flask) -> None:
    with running(news_app) as server:
        assert not server.url.endswith(":8080/")
        status, html = _get(server.url + "id/person/hakan-fidan")
        assert status == 200 and "Hakan Fidan" in html
        assert NEWS + "id/person/hakan-fidan" in html  # the IRI itself is shown ...
        links = set(re.findall(r'href="(/(?:id|graph)/[^"#]+)"', html))
        assert "/id/article/a1" in links and len(links) >= 4  # ... and linked where the user is
        assert not re.search(r'href="http://(localhost:8080|news\.example\.org)/id/', html)
        for link in sorted(links):
            assert _get(server.url + link.lstrip("/"))[0] == 200, link
        turtle = rdflib.Graph().parse(data=_get(server.url + "id/person/hakan-fidan", "text/turtle")[1],
                                      format="turtle")
        fidan = rdflib.URIRef(NEWS + "id/person/hakan-fidan")
        assert (fidan, rdflib.RDFS.label, rdflib.Literal("Hakan Fidan")) in turtle
        index = _get(server.url)[1]
        assert NEWS in index and "localhost:8080" not in index


def test_sparql_html_results_link_here(news_app: Flask) -> None:
    query = "SELECT ?p WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }"
    html = news_app.test_client().get("/sparql", query_string={"query": query, "format": "html"}).get_data(as_text=True)
    assert 'href="/id/person/hakan-fidan"' in html


def test_query_page_tells_yasgui_which_links_to_send_here(news_app: Flask) -> None:
    html = news_app.test_client().get("/query").get_data(as_text=True)
    data = json.loads(re.search(r'<script[^>]*id="query-data"[^>]*>(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert data["base"] == NEWS and data["local"] == "/"


def test_void_and_service_description_name_the_public_url(news_store: Path) -> None:
    app = create_app(news_store, {"TESTING": True, "PUBLIC_URL": "https://data.example.net/news"})
    try:
        client = app.test_client()
        void = rdflib.Graph().parse(data=client.get("/dumps/void.ttl").data, format="turtle")
        endpoints = {str(o) for o in void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint"))}
        assert endpoints == {"https://data.example.net/news/sparql"}
        downloads = {str(o) for o in void.objects(None, rdflib.URIRef("http://www.w3.org/ns/dcat#downloadURL"))}
        assert "https://data.example.net/news/dumps/newsgraph.nt" in downloads
        assert {str(o) for o in void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#uriSpace"))} == {NEWS + "id/"}
        sd = rdflib.Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
        assert rdflib.URIRef("https://data.example.net/news/sparql") in set(
            sd.objects(None, rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")))
        assert "https://data.example.net/news/sparql" in client.get("/").get_data(as_text=True)
        assert client.get("/id/person/hakan-fidan").status_code == 200
    finally:
        shutdown(app)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NEWSGRAPH_BASE_URI", None)
    return env


def _serve(store: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    newsgraph = shutil.which("newsgraph") or str(Path(sys.executable).parent / "newsgraph")
    proc = subprocess.Popen([newsgraph, "serve", "--store", str(store), "--port", "0", "--workers", "1", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"serving (http://\S+?/) ", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")  # type: ignore[union-attr]
    return proc, match.group(1)


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    return err


def test_serve_answers_for_the_stores_base_with_a_public_url(news_store: Path) -> None:
    proc, url = _serve(news_store, "--public-url", "https://data.example.net/")
    try:
        assert not url.endswith(":8080/")
        assert _get(url + "id/person/hakan-fidan")[0] == 200
        void = _get(url + "dumps/void.ttl", "text/turtle")[1]
        assert "<https://data.example.net/sparql>" in void
    finally:
        err = _stop(proc)
    assert f"IRIs under {NEWS}" in err and "https://data.example.net/" in err and "warning" not in err


def test_serve_with_another_base_uri_warns(news_store: Path) -> None:
    proc, _ = _serve(news_store, "--base-uri", "http://elsewhere.example/")
    try:
        time.sleep(0.1)
    finally:
        err = _stop(proc)
    assert "warning" in err and NEWS in err and "http://elsewhere.example/" in err
