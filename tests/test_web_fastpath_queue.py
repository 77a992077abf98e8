"""Small lookups answered in the server process, and heavy queries queued for a worker.

The fast path (``newsgraph.web.fastpath``) must give the same answers as the workers, take only
the queries it can bound, never let the engine reach the network, and keep the default graph an
RDF merge. The worker queue must answer waiting requests as workers free up, and refuse with a
503 and ``Retry-After`` only when its wait runs out or too many wait. The merged union of a store
version is built once, on disk, and shared.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask

from newsgraph.store import GraphStore, merged_union, shared_merged_union
from newsgraph.web import create_app, shutdown
from newsgraph.web.fastpath import MAX_WORK, FastLane, NotCheap, plan, run_planned
from newsgraph.web.sandbox import sandbox_this_thread, thread_is_sandboxed
from security_helpers import busy_worker, corpus, listening

BASE = "http://localhost:8080/"
FIDAN = f"{BASE}id/person/hakan-fidan"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
JSON = "application/sparql-results+json"


def _app(store_path: Path, **config: Any) -> Flask:
    return create_app(store_path, {"STORE_CHECK_INTERVAL": 0.0, **config})


def _rows(app: Flask, query: str) -> Counter[str]:
    response = app.test_client().get("/sparql", query_string={"query": query}, headers={"Accept": JSON})
    assert response.status_code == 200, response.get_data(as_text=True)
    data = json.loads(response.get_data())
    if "boolean" in data:
        return Counter([str(data["boolean"])])
    return Counter(json.dumps(row, sort_keys=True) for row in data["results"]["bindings"])


# -- what the fast path takes ----------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    f"SELECT ?l WHERE {{ <{FIDAN}> <{LABEL}> ?l }}",
    f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT * {{ <{FIDAN}> rdfs:label ?l ; a ?t . }} LIMIT 5",
    f"ask {{ <{FIDAN}> ?p \"Hakan Fidan\"@en , 3 , 1.5e0, true }}",
    f"SELECT DISTINCT ?p ?o WHERE {{ <{FIDAN}> ?p ?o }} OFFSET 1 LIMIT 2",
])
def test_lookups_are_planned(query: str) -> None:
    planned = plan(query)
    assert planned.subjects and all(s == FIDAN for s in planned.subjects)
    assert "SELECT DISTINCT * WHERE" in planned.union_text or planned.ask


@pytest.mark.parametrize("query", [
    f"SELECT ?o WHERE {{ ?s <{LABEL}> ?o }}",                          # variable subject: a scan
    f"SELECT ?o WHERE {{ <{FIDAN}> <{LABEL}> ?o FILTER(?o != 1) }}",
    f"SELECT ?o WHERE {{ <{FIDAN}> <{LABEL}> ?o OPTIONAL {{ ?o ?p ?q }} }}",
    f"SELECT ?o WHERE {{ GRAPH ?g {{ <{FIDAN}> <{LABEL}> ?o }} }}",
    f"SELECT ?o FROM <{BASE}graph/article/a1> WHERE {{ <{FIDAN}> <{LABEL}> ?o }}",
    f"SELECT ?o WHERE {{ <{FIDAN}> <{LABEL}>/<{LABEL}> ?o }}",          # a path
    f"SELECT ?o WHERE {{ <{FIDAN}> <{LABEL}> ?o }} ORDER BY ?o",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ <{FIDAN}> ?p ?o }}",
    f"CONSTRUCT {{ <{FIDAN}> ?p ?o }} WHERE {{ <{FIDAN}> ?p ?o }}",
    "SELECT ?o WHERE { <relative> ?p ?o }",
    "SELECT ?o WHERE { x:a ?p ?o }",                                  # undeclared prefix
    f"SELECT ?o WHERE {{ _:b ?p ?o . <{FIDAN}> ?p ?o }}",
    f"SELECT ?o WHERE {{ <{FIDAN}> ?p ?o }} # a comment",
    f"SELECT ?o WHERE {{ <{FIDAN}> ?p \"\\u0053ERVICE\" }}",
    f"SELECT ?o WHERE {{ <{FIDAN}> ?p \"a service desk\" }}",          # the word, even in a string
    f"SELECT ?o WHERE {{ <{FIDAN}> ?p ?o . {{ SELECT ?o WHERE {{ <{FIDAN}> ?p ?o }} }} }}",
])
def test_anything_else_goes_to_a_worker(query: str) -> None:
    with pytest.raises(NotCheap):
        plan(query)


def test_no_line_of_the_network_corpus_is_planned() -> None:
    requests = [r for r in corpus("http://127.0.0.1:9/sparql") if r.kind == "query"]
    assert len(requests) >= 15
    for r in requests:
        with pytest.raises(NotCheap):
            plan(r.text)


# -- the same answers as the workers -----------------------------------------------------------------

LOOKUPS = [
    f"SELECT ?l WHERE {{ <{FIDAN}> <{LABEL}> ?l }}",  # the label is in both articles: one row
    f"SELECT ?p ?o WHERE {{ <{FIDAN}> ?p ?o }}",
    f"SELECT ?p WHERE {{ <{FIDAN}> ?p ?o }}",  # projection keeps the merge's multiplicities
    f"SELECT * WHERE {{ <{FIDAN}> a ?t ; <{LABEL}> ?l }}",
    f"ASK {{ <{FIDAN}> <{LABEL}> \"Hakan Fidan\" }}",
    f"ASK {{ <{FIDAN}> <{LABEL}> \"Nobody\" }}",
]


@pytest.mark.parametrize("mode", ["auto", "stored"])
def test_fast_answers_equal_the_workers(store_path: Path, mode: str) -> None:
    fast, slow = _app(store_path, DEFAULT_GRAPH=mode), _app(store_path, DEFAULT_GRAPH=mode, FAST_PATH=False)
    try:
        for query in LOOKUPS:
            assert _rows(fast, query) == _rows(slow, query), query
        assert fast.extensions["newsgraph.pool"]._count == 0  # no worker was needed
        assert slow.extensions["newsgraph.pool"]._count >= 1
    finally:
        shutdown(fast)
        shutdown(slow)


def test_a_triple_stated_by_both_articles_is_one_row(store_path: Path) -> None:
    app = _app(store_path)
    try:
        rows = _rows(app, f"SELECT ?l WHERE {{ <{FIDAN}> <{LABEL}> ?l }}")
        assert sum(rows.values()) == 1
        assert app.extensions["newsgraph.pool"]._count == 0
    finally:
        shutdown(app)


# -- its guarantees ---------------------------------------------------------------------------------

def test_the_lane_threads_cannot_open_a_network_socket() -> None:
    lane = FastLane(1)
    try:
        assert lane.enabled, lane.problem

        def connect() -> tuple[str, bytes]:
            socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
            return "text/plain", b"opened"

        with pytest.raises(PermissionError):
            lane.answer(connect)
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()  # this thread still can
    finally:
        lane.close()


def test_a_sandboxed_request_thread_cannot_reach_the_network_but_starts_networked_workers(
        store_path: Path) -> None:
    """A zygote started from a sandboxed request thread still gives --allow-service workers the network."""
    from newsgraph.web import workers

    outcome: dict[str, Any] = {}

    def request_thread() -> None:
        outcome["sandboxed"] = sandbox_this_thread() and thread_is_sandboxed()
        try:
            socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
            outcome["direct"] = "connected"
        except PermissionError:
            outcome["direct"] = "refused"
        workers._close_zygote()  # the next worker needs a new zygote, started from here
        app = _app(store_path, ALLOW_SERVICE=True)
        try:
            response = app.test_client().get("/sparql", query_string={
                "query": f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?a ?b ?c }} }}"})
            outcome["status"] = response.status_code
        finally:
            shutdown(app)

    with listening() as listener:
        thread = threading.Thread(target=request_thread)
        thread.start()
        thread.join(timeout=60)
        assert outcome["sandboxed"] and outcome["direct"] == "refused"
        assert outcome["status"] == 200
        assert listener.settle() >= 1  # the worker, not this thread, reached the listener


def test_work_is_bounded_by_the_subjects_triples(tmp_path: Path) -> None:
    """A join whose subjects have too many triples is declined (a worker answers it, under its timeout)."""
    path = tmp_path / "store"
    store = GraphStore(path)
    hub = ox.NamedNode(BASE + "id/hub")
    g = ox.NamedNode(BASE + "graph/article/hub")
    store.replace_graph(g, [ox.Quad(hub, ox.NamedNode(f"{BASE}p{i}"), ox.Literal(str(i)), g) for i in range(300)])
    store.flush()
    del store
    join = f"SELECT ?p ?q WHERE {{ <{hub.value}> ?p ?o . <{hub.value}> ?q ?o }}"
    assert MAX_WORK < 300 * 300
    raw = ox.Store.read_only(str(path))
    assert run_planned(raw, plan(join), union=True, results_format=("JSON", JSON), max_bytes=None,
                       seconds=5) is None
    one = plan(f"SELECT ?p ?o WHERE {{ <{hub.value}> ?p ?o }}")
    answer = run_planned(raw, one, union=True, results_format=("JSON", JSON), max_bytes=None, seconds=5)
    assert answer is not None and len(json.loads(answer[1])["results"]["bindings"]) == 300
    # past its deadline (checked as the answer is written) it declines too
    assert run_planned(raw, one, union=True, results_format=("JSON", JSON), max_bytes=None, seconds=0) is None
    del raw
    app = _app(path)
    try:
        assert sum(_rows(app, join).values()) == 300  # answered, by a worker
        assert app.extensions["newsgraph.pool"]._count >= 1
    finally:
        shutdown(app)


# -- the queue --------------------------------------------------------------------------------------

def test_a_waiting_query_is_answered_when_the_worker_frees(store_path: Path) -> None:
    app = _app(store_path, QUERY_WORKERS=1, QUERY_TIMEOUT=2, QUERY_QUEUE_WAIT=20)
    try:
        results: list[int] = []
        slow = busy_worker(app, results)
        started = time.monotonic()
        waited = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert waited.status_code == 200, waited.get_data(as_text=True)
        assert time.monotonic() - started > 1  # it did wait for the runaway to be stopped
        slow.join(timeout=30)
        assert results == [503]  # the runaway itself timed out
    finally:
        shutdown(app)


def test_the_wait_is_bounded_then_503_with_retry_after(store_path: Path) -> None:
    app = _app(store_path, QUERY_WORKERS=1, QUERY_TIMEOUT=4, QUERY_QUEUE_WAIT=0.5)
    try:
        results: list[int] = []
        slow = busy_worker(app, results)
        started = time.monotonic()
        busy = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        waited = time.monotonic() - started
        assert busy.status_code == 503 and busy.headers["Retry-After"]
        assert "busy" in busy.get_data(as_text=True) and 0.4 < waited < 3
        slow.join(timeout=30)
    finally:
        shutdown(app)


def test_a_full_queue_is_503_at_once(store_path: Path) -> None:
    app = _app(store_path, QUERY_WORKERS=1, QUERY_TIMEOUT=4, QUERY_QUEUE=0)
    try:
        results: list[int] = []
        slow = busy_worker(app, results)
        started = time.monotonic()
        busy = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert busy.status_code == 503 and busy.headers["Retry-After"]
        assert "waiting" in busy.get_data(as_text=True) and time.monotonic() - started < 1
        # a lookup does not need a worker: answered all the same
        assert sum(_rows(app, f"SELECT ?l WHERE {{ <{FIDAN}> <{LABEL}> ?l }}").values()) == 1
        slow.join(timeout=30)
    finally:
        shutdown(app)


def test_eight_concurrent_heavy_queries_are_all_answered(store_path: Path) -> None:
    """More heavy queries than workers: they queue and are answered in turn, none refused."""
    app = _app(store_path, QUERY_WORKERS=2, QUERY_TIMEOUT=30)
    heavy = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
             "FILTER(STRLEN(STR(?c)) > 0) }")
    try:
        statuses: list[int] = []
        threads = [threading.Thread(target=lambda: statuses.append(
            app.test_client().get("/sparql", query_string={"query": heavy}).status_code)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=240)
        assert statuses == [200] * 8
    finally:
        shutdown(app)


# -- the merged union, shared ---------------------------------------------------------------------

def test_the_merged_union_is_built_once_per_version_and_shared(store_path: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_MERGE_CACHE", str(tmp_path / "cache"))
    raw = ox.Store.read_only(str(store_path))
    first = shared_merged_union(raw, store_path, "v1")
    assert first is not None
    marker = next((tmp_path / "cache").glob("*/v1/newsgraph-merged-complete"))
    built = marker.stat().st_mtime_ns
    second = shared_merged_union(raw, store_path, "v1")
    assert second is not None and marker.stat().st_mtime_ns == built  # opened, not rebuilt
    assert set(map(str, second)) == set(map(str, merged_union(raw)))  # type: ignore[arg-type]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(next(iter(second.query(count)))["n"].value) == len({q.triple for q in raw})  # type: ignore[index,union-attr]
    # an interrupted build (no completion mark) is redone
    marker.unlink()
    assert shared_merged_union(raw, store_path, "v1") is not None and marker.exists()
    # old versions go, the newest stay
    for version in ("v2", "v3"):
        shared_merged_union(raw, store_path, version)
    assert sorted(p.parent.name for p in (tmp_path / "cache").glob("*/*/newsgraph-merged-complete")) == ["v2", "v3"]


def test_blank_nodes_survive_the_shared_merge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_MERGE_CACHE", str(tmp_path / "cache"))
    store = ox.Store(str(tmp_path / "store"))
    b = ox.BlankNode("shared")
    for i in range(2):
        g = ox.NamedNode(f"{BASE}graph/article/b{i}")
        store.add(ox.Quad(b, ox.NamedNode(LABEL), ox.Literal("x"), g))
        store.add(ox.Quad(ox.NamedNode(f"{BASE}s{i}"), ox.NamedNode(f"{BASE}p"), b, g))
    store.flush()
    del store
    raw = ox.Store.read_only(str(tmp_path / "store"))
    copy = shared_merged_union(raw, tmp_path / "store", "v")
    assert copy is not None
    assert set(map(str, copy)) == set(map(str, merged_union(raw)))  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["shared", "memory"])
def test_both_kinds_of_merged_union_count_distinct_triples(store_path: Path, mode: str) -> None:
    """MERGED_UNION=shared builds the copy in the shared folder; memory keeps it in the worker."""
    import hashlib

    from newsgraph.store import merge_cache_root

    folder = merge_cache_root() / hashlib.sha1(str(store_path.resolve()).encode()).hexdigest()[:16]
    app = _app(store_path, MERGED_UNION=mode, FAST_PATH=False)
    try:
        rows = _rows(app, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        (row,) = rows
        raw = ox.Store.read_only(str(store_path))
        assert int(json.loads(row)["n"]["value"]) == len({q.triple for q in raw})
        assert folder.exists() == (mode == "shared")
    finally:
        shutdown(app)


@pytest.mark.parametrize("accept", [JSON, "text/csv", "*/*", None,
                                    "application/sparql-results+xml;q=0.9, text/tab-separated-values"])
def test_direct_lookups_answer_as_the_flask_route_does(store_path: Path, accept: str | None) -> None:
    """``GET /sparql?query=LOOKUP`` skips Flask, with the same status, body and headers."""
    direct, routed = _app(store_path), _app(store_path, FAST_PATH_DIRECT=False)
    seen: dict[str, int] = {"direct": 0, "routed": 0}
    direct.before_request(lambda: seen.__setitem__("direct", seen["direct"] + 1))
    routed.before_request(lambda: seen.__setitem__("routed", seen["routed"] + 1))
    headers = {"Accept": accept} if accept is not None else {}
    try:
        for query in LOOKUPS:
            a = direct.test_client().get("/sparql", query_string={"query": query}, headers=headers)
            b = routed.test_client().get("/sparql", query_string={"query": query}, headers=headers)
            assert (a.status_code, a.get_data()) == (b.status_code, b.get_data()) == (200, b.get_data()), query
            assert sorted(a.headers.items()) == sorted(b.headers.items())
        assert seen == {"direct": 0, "routed": len(LOOKUPS)}
        # anything else still goes through Flask: a non-lookup, a second parameter, a browser
        others = [{"query": f"SELECT ?o WHERE {{ ?s <{LABEL}> ?o }}"},
                  {"query": LOOKUPS[0], "format": "json"}]
        for params in others:
            assert direct.test_client().get("/sparql", query_string=params).status_code == 200
        assert direct.test_client().get("/sparql", query_string={"query": LOOKUPS[0]},
                                        headers={"Accept": "text/html"}).mimetype == "text/html"
        assert seen["direct"] == 3
    finally:
        shutdown(direct)
        shutdown(routed)
