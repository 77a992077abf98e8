"""The engine reaches no host unless allowed: every SERVICE/LOAD spelling, queries and updates.

The corpus (``tests/data/network_bypass.txt``) holds the spellings a keyword pattern misses
(``0SERVICE``, ``trueSERVICE``...) next to the plain ones. A listener on 127.0.0.1 counts the
connections the server makes; it must count none, through HTTP and straight at the worker pool
(which skips the friendly 403, so the sandbox alone is what stops them). A control test with the
network allowed shows the listener does see the engine's connection.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from newsgraph.web import create_app, shutdown
from newsgraph.web.sandbox import deny_network, may_reach_network
from newsgraph.web.workers import HEAD, EngineError, QueryPool, split_head
from security_helpers import add_numbers, corpus, fingerprint, listening

RESULTS = ("JSON", "application/sparql-results+json")
GRAPHS = ("N_TRIPLES", "application/n-triples")


@pytest.fixture
def numbers_store(store_path: Path) -> Path:
    add_numbers(store_path)
    return store_path


@pytest.fixture
def open_app(numbers_store: Path) -> Iterator[Flask]:
    app = create_app(numbers_store, {"ALLOW_ANONYMOUS_UPDATE": True, "STORE_CHECK_INTERVAL": 0.0})
    yield app
    shutdown(app)


def run(pool: QueryPool, kind: str, text: str) -> tuple[int, str]:
    """Send one request straight to a worker: (status, text), 200/204 on success."""
    request: dict[str, Any] = {"op": kind, kind: text, "base_iri": "http://localhost/sparql"}
    if kind == "query":
        request |= {"results_format": RESULTS, "graph_format": GRAPHS, "default_graph_mode": "union"}
    try:
        job = pool.run(request, timeout=20)
        tag, payload = job.first()
        body = split_head(payload)[2] if tag == HEAD else b""
        while job.worker is not None:
            body += job.next_chunk()[1]
    except EngineError as exc:
        return exc.status, exc.message
    return (200 if kind == "query" else 204), body.decode(errors="replace")


def test_the_corpus_reaches_the_engine_with_the_network_allowed(numbers_store: Path) -> None:
    """Control: without the sandbox, the glued spelling does make the engine connect (the issue's hole)."""
    pool = QueryPool(numbers_store, size=1, network=True)
    try:
        with listening() as listener:
            query = next(r for r in corpus(listener.url) if "0SERVICE <" in r.text and r.kind == "query")
            run(pool, "query", query.text)
            assert listener.settle() >= 1
    finally:
        pool.close()


def test_no_spelling_reaches_the_network_from_a_sandboxed_worker(numbers_store: Path) -> None:
    before = fingerprint(numbers_store)
    pool = QueryPool(numbers_store, size=1)
    try:
        with listening() as listener:
            outcomes = [(r, *run(pool, r.kind, r.text)) for r in corpus(listener.url)]
            assert listener.settle() == 0, outcomes
    finally:
        pool.close()
    assert len(outcomes) >= 25
    for request, status, message in outcomes:
        assert status in (200, 204, 403), (request, status, message)
        if status == 403:
            assert "does not reach the network" in message
    # the glued spellings got as far as the engine, which was refused the socket
    assert any(s == 403 and "0SERVICE" in r.text for r, s, _ in outcomes)
    assert any(s == 403 and r.text.startswith("LOAD") for r, s, _ in outcomes)
    assert any(s == 403 and r.kind == "update" and "0SERVICE" in r.text for r, s, _ in outcomes)
    assert fingerprint(numbers_store) == before


def test_no_spelling_reaches_the_network_over_http(open_app: Flask, numbers_store: Path) -> None:
    client = open_app.test_client()
    before = fingerprint(numbers_store)
    with listening() as listener:
        outcomes = []
        for r in corpus(listener.url):
            if r.kind == "query":
                response = client.post("/sparql", data=r.text.encode(), content_type="application/sparql-query")
            else:
                response = client.post("/sparql", data=r.text.encode(), content_type="application/sparql-update")
            outcomes.append((r, response.status_code, response.get_data(as_text=True)))
        assert listener.settle() == 0, outcomes
    for request, status, text in outcomes:
        assert status in (200, 204, 403), (request, status, text)
        if status == 403:  # one clear line: the friendly refusal, or the sandbox's
            assert "disabled" in text and text.count("\n") == 1
    assert fingerprint(numbers_store) == before


def test_updates_are_sandboxed_even_when_queries_may_use_service(numbers_store: Path) -> None:
    """--allow-service opens the network to queries only; LOAD needs --allow-load."""
    app = create_app(numbers_store, {"ALLOW_ANONYMOUS_UPDATE": True, "ALLOW_SERVICE": True})
    try:
        client = app.test_client()
        with listening() as listener:
            load = client.post("/sparql", data=f"LOAD <{listener.url}>".encode(),
                               content_type="application/sparql-update")
            glued = client.post(
                "/sparql", content_type="application/sparql-update",
                data=("INSERT { GRAPH <urn:g> { ?a ?b ?c } } WHERE { GRAPH ?g { ?x <urn:newsgraph:test#n> "
                      f"0SERVICE <{listener.url}> {{ ?a ?b ?c }} }} }}").encode())
            assert listener.settle() == 0
        assert load.status_code == 403 and "--allow-load" in load.get_data(as_text=True)
        assert glued.status_code == 403
    finally:
        shutdown(app)


def test_a_worker_without_its_sandbox_fails_closed(numbers_store: Path) -> None:
    """Where seccomp cannot be installed, anything mentioning SERVICE or LOAD is refused."""
    pool = QueryPool(numbers_store, size=1, sandbox=False)
    try:
        with listening() as listener:
            for r in corpus(listener.url):
                status, message = run(pool, r.kind, r.text)
                if may_reach_network(r.text):
                    assert status == 403 and "cannot guarantee" in message, r
            assert listener.settle() == 0
        status, payload = run(pool, "query", "ASK { ?s ?p ?o }")
        assert status == 200 and json.loads(payload)["boolean"] is True
    finally:
        pool.close()


def test_the_filter_denies_network_sockets_only() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child installs the filter and reports what it could open
        report = []
        try:
            deny_network()
            for family in (socket.AF_INET, socket.AF_INET6):
                try:
                    socket.socket(family, socket.SOCK_STREAM).close()
                    report.append("open")
                except PermissionError:
                    report.append("denied")
            a, b = socket.socketpair()
            a.close()
            b.close()
            report.append("unix")
        except BaseException as exc:
            report.append(repr(exc))
        os.write(write, ",".join(report).encode())
        os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    report = os.read(read, 1000).decode()
    os.close(read)
    assert report == "denied,denied,unix"
    assert status == 0
    socket.socket(socket.AF_INET).close()  # this process is untouched


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT * WHERE { ?s ?p ?o }", False),
    ("SELECT * WHERE { ?x ?p 0SERVICE <http://x/> {} }", True),
    ("LOAD <http://x/>", True),
    (r"SELECT * WHERE { ?s ?p '\u0053ervice' }", True),
    ("SELECT * WHERE { ?s ?p 'Secret Service' }", True),  # conservative: refused too
    ("SELECT ?download WHERE { ?s ?p ?download }", True),
])
def test_the_fallback_check_is_conservative(text: str, expected: bool) -> None:
    assert may_reach_network(text) is expected
