"""The query workers: a timeout that really stops the work, memory and size limits, clean-up."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from conftest import LiveServer, running
from newsgraph.web import create_app, get_pool, shutdown


def cross_product(n: int) -> str:
    """A query that sorts n² rows: pyoxigraph holds the engine for all of it (no row reaches Python)."""
    values = " ".join(map(str, range(n)))
    return f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }} ORDER BY DESC(?a * ?b) ?b"


# 20 000² rows sorted: minutes of work and tens of GB without limits.
RUNAWAY = cross_product(20_000)


def gone(pid: int) -> bool:
    """Whether process ``pid`` has exited (a zombie waiting to be reaped counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def wait_gone(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def idle_pids(app: Flask) -> list[int]:
    return [w.pid for w in app.extensions["newsgraph.pool"]._idle]


@pytest.fixture
def limited(store_path: Path) -> Iterator[Flask]:
    app = create_app(store_path, {"QUERY_TIMEOUT": 1.5, "QUERY_WORKERS": 1, "STORE_CHECK_INTERVAL": 0.0})
    yield app
    shutdown(app)


def ask(url: str, query: str = "ASK { ?s ?p ?o }", timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": query}), timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_runaway_order_by_is_stopped_at_the_timeout_and_the_next_query_answers(limited: Flask) -> None:
    with running(limited) as server:
        assert ask(server.sparql) == (200, '{"head":{},"boolean":true}')
        [pid] = idle_pids(limited)
        started = time.monotonic()
        status, text = ask(server.sparql, RUNAWAY)
        elapsed = time.monotonic() - started
        assert status == 503
        assert "timed out" in text and "1.5 s" in text and "stopped" in text
        assert 1.5 <= elapsed < 4.0
        assert wait_gone(pid), "the worker that ran the query is still running"
        started = time.monotonic()
        assert ask(server.sparql)[0] == 200  # a fresh worker answers at once
        assert time.monotonic() - started < 2.0
        assert idle_pids(limited) != [pid]


def test_timeout_counts_engine_time_not_a_slow_reader(limited: Flask) -> None:
    """A big result read slowly takes longer than the timeout without being cut off."""
    big = ("SELECT ?i ?j WHERE { VALUES ?i { " + " ".join(map(str, range(300))) + " } "
           "VALUES ?j { " + " ".join(map(str, range(300))) + " } }")
    response = limited.test_client().get("/sparql", query_string={"query": big, "format": "csv"}, buffered=False)
    assert response.status_code == 200
    chunks = []
    for chunk in response.response:
        chunks.append(chunk)
        time.sleep(0.2)  # a slow client: 20 chunks x 0.2 s > 1.5 s
    response.close()
    assert len(chunks) > 8
    assert len(b"".join(chunks).splitlines()) == 300 * 300 + 1


def test_a_query_that_needs_too_much_memory_fails_alone(store_path: Path) -> None:
    app = create_app(store_path, {"QUERY_TIMEOUT": 60, "QUERY_WORKERS": 1, "QUERY_MEMORY_LIMIT": 400 * 2**20})
    try:
        client = app.test_client()
        started = time.monotonic()
        response = client.get("/sparql", query_string={"query": RUNAWAY})
        assert response.status_code == 500
        assert "memory" in response.get_data(as_text=True)
        assert time.monotonic() - started < 30
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    finally:
        shutdown(app)


def test_a_client_that_goes_away_kills_its_query(limited: Flask) -> None:
    big = ("SELECT ?i ?j WHERE { VALUES ?i { " + " ".join(map(str, range(400))) + " } "
           "VALUES ?j { " + " ".join(map(str, range(400))) + " } }")
    client = limited.test_client()
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    [pid] = idle_pids(limited)
    response = client.get("/sparql", query_string={"query": big, "format": "json"}, buffered=False)
    assert next(iter(response.response)).startswith(b'{"head":{"vars":["i","j"]}')
    response.close()
    assert wait_gone(pid)
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_results_are_capped_in_size(store_path: Path) -> None:
    big = ("SELECT ?i ?j WHERE { VALUES ?i { " + " ".join(map(str, range(300))) + " } "
           "VALUES ?j { " + " ".join(map(str, range(300))) + " } }")  # about 900 kB of CSV
    app = create_app(store_path, {"MAX_RESULT_BYTES": 200_000})
    try:
        client = app.test_client()
        small = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
        assert small.status_code == 200
        with running(app) as server:
            url = server.sparql + "?" + urllib.parse.urlencode({"query": big, "format": "csv"})
            with pytest.raises(http.client.IncompleteRead), urllib.request.urlopen(url, timeout=30) as r:
                r.read()  # the body is cut off, never silently short
        tiny = create_app(store_path, {"MAX_RESULT_BYTES": 1000})
        try:
            response = tiny.test_client().get("/sparql", query_string={"query": big, "format": "csv"})
            assert response.status_code == 500  # cut before anything was sent: a proper error
            assert "1,000 bytes" in response.get_data(as_text=True)
        finally:
            shutdown(tiny)
    finally:
        shutdown(app)


def test_workers_follow_new_writes_and_run_in_parallel(live_server: LiveServer, store_path: Path) -> None:
    import threading

    from newsgraph.store import GraphStore

    results: list[int] = []

    def run() -> None:
        results.append(ask(live_server.sparql, cross_product(300) + " LIMIT 1")[0])

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200, 200, 200]

    import pyoxigraph as ox

    writer = GraphStore(store_path)
    g = ox.NamedNode("http://localhost:8080/graph/article/a9")
    writer.replace_graph(g, [ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal("fresh"), g)])
    del writer
    status, body = ask(live_server.sparql, "ASK { ?s ?p 'fresh' }")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_pool_processes_end_with_the_app(store_path: Path) -> None:
    app = create_app(store_path)
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    pids = idle_pids(app)
    assert pids
    with app.app_context():
        get_pool().close()
    assert all(wait_gone(pid) for pid in pids)
