"""Hostile requests get one clear 4xx/503 and leave the stored data as it was.

Each test that sends something hostile takes the store's fingerprint (quad count and a digest of
the sorted N-Quads) before and after. The limits that need a real socket (body size, connection
handling) run under waitress with the production settings (:func:`newsgraph.web.server.waitress_options`).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from conftest import running
from newsgraph.cli import main
from newsgraph.web import CSP, Gate, create_app, shutdown
from newsgraph.web.guards import MAX_NESTING, nesting_depth
from newsgraph.web.server import waitress_options
from security_helpers import busy_worker, fingerprint

INSERT = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 'x' } }"
FIDAN = "/id/person/hakan-fidan"


@pytest.fixture
def open_app(store_path: Path) -> Iterator[Flask]:
    app = create_app(store_path, {"ALLOW_ANONYMOUS_UPDATE": True, "STORE_CHECK_INTERVAL": 0.0})
    yield app
    shutdown(app)


@pytest.fixture
def unchanged(store_path: Path) -> Iterator[None]:
    """Asserts, after the test, that the store holds exactly what it held before."""
    before = fingerprint(store_path)
    yield
    assert fingerprint(store_path) == before


@contextmanager
def served(app: Flask) -> Iterator[int]:
    """``app`` under waitress with the production limits; yields the port."""
    with running(app, **waitress_options(app.config)) as server:
        yield int(server.url.rsplit(":", 1)[1].rstrip("/"))


def one_line(text: str) -> bool:
    return text.endswith("\n") and text.count("\n") == 1 and "Traceback" not in text


# -- nesting --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["query", "update"])
@pytest.mark.parametrize("shape", ["braces", "parens"])
def test_deep_nesting_is_a_clear_400_and_the_worker_lives(open_app: Flask, unchanged: None, kind: str,
                                                          shape: str) -> None:
    client = open_app.test_client()
    depth = 5000
    body = {"braces": "{" * depth + "}" * depth,
            "parens": "{ FILTER(" + "(" * depth + "1" + ")" * depth + ") }"}[shape]
    text = ("SELECT * WHERE " if kind == "query" else "DELETE WHERE ") + body
    response = client.post("/sparql", data=text.encode(), content_type=f"application/sparql-{kind}")
    message = response.get_data(as_text=True)
    assert response.status_code == 400 and f"at most {MAX_NESTING}" in message and one_line(message)
    answer = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert answer.status_code == 200 and json.loads(answer.data)["boolean"] is True


def test_nesting_depth_ignores_brackets_in_strings_and_iris() -> None:
    assert nesting_depth("SELECT * WHERE { ?s ?p '{{{{((((' . ?s <http://x/((((> ?o # {{{{\n }") == 1
    assert nesting_depth("SELECT * WHERE { { ?s ?p [ ?q (1 2) ] } }") == 4
    ordinary = "SELECT * WHERE { OPTIONAL { ?s ?p ?o FILTER((?o > 1) && (?o < 5)) } }"
    assert nesting_depth(ordinary) < 10


# -- cross-site updates ---------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost.evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://other.localhost"},
])
@pytest.mark.parametrize("form", [True, False])
def test_a_cross_site_update_changes_nothing(open_app: Flask, unchanged: None, headers: dict[str, str],
                                             form: bool) -> None:
    client = open_app.test_client()
    if form:  # what a hostile page's <form method=post> sends: a simple request, no preflight
        response = client.post("/sparql", data={"update": INSERT}, headers=headers)
    else:
        response = client.post("/sparql", data=INSERT.encode(), content_type="application/sparql-update",
                               headers=headers)
    text = response.get_data(as_text=True)
    assert response.status_code == 403 and "other" in text and one_line(text)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_same_origin_and_non_browser_updates_still_work(open_app: Flask) -> None:
    client = open_app.test_client()
    same = client.post("/sparql", data={"update": INSERT}, headers={"Origin": "http://localhost",
                                                                    "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 204, same.get_data(as_text=True)
    plain = client.post("/sparql", data=INSERT.encode(), content_type="application/sparql-update")
    assert plain.status_code == 204
    assert "Access-Control-Allow-Origin" not in same.headers and "Access-Control-Allow-Origin" not in plain.headers


def test_queries_keep_cors_but_updates_and_credentials_do_not(open_app: Flask) -> None:
    client = open_app.test_client()
    query = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "http://elsewhere.example"})
    assert query.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    allowed = preflight.headers.get("Access-Control-Allow-Headers", "").lower()
    assert "content-type" in allowed and "authorization" not in allowed
    refused = client.post("/sparql", data=INSERT.encode(), content_type="application/sparql-update",
                          headers={"Origin": "http://elsewhere.example"})
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers


def test_token_updates_refuse_other_origins_too(store_path: Path, unchanged: None) -> None:
    app = create_app(store_path, {"UPDATE_TOKEN": "s3cret"})
    try:
        response = app.test_client().post(
            "/sparql", data=INSERT.encode(), content_type="application/sparql-update",
            headers={"Authorization": "Bearer s3cret", "Origin": "https://evil.example"})
        assert response.status_code == 403
    finally:
        shutdown(app)


# -- odd paths ------------------------------------------------------------------------------------

ODD_PATHS = [
    "/id/a%20b", "/id/%00", "/id/%0a", "/id/%0d%0aSet-Cookie:%20x=1", "/id/%3E", "/id/%3C", "/id/%22",
    "/id/%7B%7D", "/id/a%7Cb", "/id/%5E", "/id/%60", "/id/%5C", "/id/%ff", "/id/%c3%28", "/id/x%20%3E%20%7D",
    "/id/" + "a" * 5000, "/id/..%2f..%2fetc%2fpasswd", "/id/%e2%80%ae", "/graph/a%20b", "/graph/%00",
    "/id/person/hakan-fidan%3E%20%3Fp%20%3Fo", "/id/%25", "/roles/%00", "/id/a?format=bogus",
]


@pytest.mark.parametrize("path", ODD_PATHS)
def test_odd_paths_are_a_clean_4xx(open_app: Flask, store_path: Path, path: str) -> None:
    before = fingerprint(store_path)
    with served(open_app) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for accept in ("text/html", "text/turtle"):
            connection.request("GET", path, headers={"Accept": accept})
            response = connection.getresponse()
            body = response.read().decode(errors="replace")
            assert response.status in (400, 404), (path, response.status, body[:300])
            # A browser gets the error page (tests/test_web_errors.py), an RDF client the text line;
            # either way the path is escaped, never markup.
            expected = "text/html" if accept == "text/html" else "text/plain"
            assert response.getheader("Content-Type", "").startswith(expected)
            assert "<script>" not in body and "\x00" not in body
            assert "Traceback" not in body and "Set-Cookie" not in dict(response.getheaders())
        connection.close()
    assert fingerprint(store_path) == before


# -- headers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/query", FIDAN, "/ns", "/sparql?query=ASK%20%7B%7D&format=html"])
def test_html_pages_carry_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_csp_allows_no_inline_script_and_the_query_page_has_none(client: FlaskClient) -> None:
    script_src = next(part for part in CSP.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in CSP
    page = client.get("/query").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
    assert scripts
    for attributes, content in scripts:  # each is a file from this site, or data (not run)
        assert ('src="/static/' in attributes and not content.strip()) or 'type="application/json"' in attributes
    assert client.get("/static/query.js").status_code == 200


# -- body and connection limits under waitress ----------------------------------------------------

def test_a_huge_body_is_refused_without_being_read(open_app: Flask, unchanged: None) -> None:
    with served(open_app) as port, socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        started = time.monotonic()
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-update\r\n"
                  b"Content-Length: 1073741824\r\n\r\n" + INSERT.encode())
        answer = s.recv(200)
        assert answer.startswith(b"HTTP/1.1 413"), answer
        assert time.monotonic() - started < 5


def test_a_body_just_over_the_limit_is_413_and_under_it_is_read(open_app: Flask, unchanged: None) -> None:
    limit = open_app.config["MAX_CONTENT_LENGTH"]
    with served(open_app) as port:
        # Over: the 413 comes as soon as the announced length is read, before any body is sent (sending
        # the body too would race the server's close: a broken pipe in the client, not a server fault).
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            raw.sendall(f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                        f"Content-Length: {limit + 1}\r\n\r\n".encode())
            answer = raw.makefile("rb").readline()
        assert answer.split()[1:2] == [b"413"], answer
        query = b"ASK {} #" + b"x" * (limit - 8)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/sparql", body=query, headers={"Content-Type": "application/sparql-query"})
        under = connection.getresponse()
        assert under.status == 200, under.read()[:200]
        connection.close()


def test_half_open_connections_do_not_lock_others_out(open_app: Flask) -> None:
    """Functional check (the timing figures are in bench/bench_security.py): past waitress's old limit of 100."""
    with served(open_app) as port:
        held = []
        try:
            for _ in range(120):
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\n")
                held.append(s)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/sparql?" + urlencode({"query": "ASK {}"}))
            assert connection.getresponse().status == 200
            connection.close()
        finally:
            for s in held:
                s.close()


# -- pages and workers under load -----------------------------------------------------------------

def test_a_full_page_gate_answers_503_but_sparql_still_runs(store_path: Path) -> None:
    app = create_app(store_path, {"PAGE_CONCURRENCY": 1, "PAGE_QUEUE": 0, "PAGE_CACHE_ENTRIES": 0})
    try:
        client = app.test_client()
        gate: Gate = app.extensions["newsgraph.gate"]
        assert gate.enter()  # someone else is rendering
        busy = client.get(FIDAN)
        assert busy.status_code == 503 and busy.headers["Retry-After"] and one_line(busy.get_data(as_text=True))
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
        gate.leave()
        assert client.get(FIDAN).status_code == 200
        assert client.get(FIDAN).status_code == 200  # the place was given back
    finally:
        shutdown(app)


def test_gate_queue_is_bounded() -> None:
    gate = Gate(1, 1, wait=0.2)
    assert gate.enter()
    results: list[bool] = []
    waiter = threading.Thread(target=lambda: results.append(gate.enter()))
    waiter.start()
    time.sleep(0.05)
    assert gate.enter() is False  # the one queue place is taken: refused at once
    waiter.join()
    assert results == [False]  # the waiter gave up after its wait
    gate.leave()
    assert gate.enter()


def test_a_page_past_its_time_stops_with_503(store_path: Path) -> None:
    app = create_app(store_path, {"PAGE_TIMEOUT": 1e-9, "PAGE_CACHE_ENTRIES": 0})
    try:
        response = app.test_client().get(FIDAN)
        assert response.status_code == 503 and "longer than" in response.get_data(as_text=True)
        assert app.extensions["newsgraph.gate"]._running == 0  # its place was given back
    finally:
        shutdown(app)


def test_a_repeated_page_comes_from_the_cache(client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    first = client.get(FIDAN, headers={"Accept": "text/html"})
    assert first.status_code == 200

    def no_store_reads(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the page was rendered again")

    monkeypatch.setattr("newsgraph.web.entities.load_resource", no_store_reads)
    again = client.get(FIDAN, headers={"Accept": "text/html"})
    assert again.status_code == 200 and again.data == first.data
    assert again.headers["Content-Security-Policy"] == CSP


def test_busy_workers_mean_a_bounded_wait_then_503(store_path: Path) -> None:
    app = create_app(store_path, {"QUERY_WORKERS": 1, "QUERY_QUEUE_WAIT": 0.5, "QUERY_TIMEOUT": 10})
    try:
        results: list[int] = []
        slow = busy_worker(app, results)
        started = time.monotonic()
        busy = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
        waited = time.monotonic() - started
        assert busy.status_code == 503 and busy.headers["Retry-After"]
        assert "busy" in busy.get_data(as_text=True) and 0.4 < waited < 5
        slow.join(timeout=30)
    finally:
        shutdown(app)


# -- serve on the command line --------------------------------------------------------------------

def test_serve_rejects_a_port_out_of_range(store_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--store", str(store_path), "--port", "70000"])
    assert result.exit_code == 2 and "70000 is not in the range" in result.output


def test_serve_on_an_address_not_of_this_machine_is_one_line(store_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--store", str(store_path), "--host", "10.255.255.1", "--port", "0"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: cannot listen on 10.255.255.1:0: 10.255.255.1 is not an address of this machine "
        "(try --host 127.0.0.1)"]


def test_serve_on_a_port_in_use_is_one_line(store_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--store", str(store_path), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: the port is already in use (try another --port)"]



def test_dumps_have_their_own_gate(store_path: Path) -> None:
    """Downloads that hold their places do not take the pages' places, and past the limit get a 503."""
    app = create_app(store_path, {"DUMP_CONCURRENCY": 1, "PAGE_CONCURRENCY": 1, "PAGE_QUEUE": 0,
                                  "PAGE_CACHE_ENTRIES": 0})
    try:
        client = app.test_client()
        dump_gate: Gate = app.extensions["newsgraph.dump_gate"]
        assert dump_gate.enter()  # a download in progress
        busy = client.get("/dumps/newsgraph.nt")
        assert busy.status_code == 503 and "downloads" in busy.get_data(as_text=True)
        assert client.get(FIDAN).status_code == 200  # the pages' place is free
        dump_gate.leave()
        assert client.get("/dumps/newsgraph.nt").status_code == 200
        assert dump_gate._running == 0
    finally:
        shutdown(app)
