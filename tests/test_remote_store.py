"""The SPARQL-server store backend against real servers: Oxigraph server and Virtuoso 7.

Each test runs on both (skipping, with the reason, where a server cannot start here): articles
written for these tests are ingested through the backend and the answers compared with the
embedded store's; the server is killed mid-ingest; the site is served from the remote store.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from newsgraph import ingest
from newsgraph.remote_store import Endpoints, RemoteStore, StoreUnavailable, open_store
from newsgraph.store import ArticleClash, GraphStore, StoreError
from remote_servers import Server, Unavailable, start
from security_helpers import listening

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = sorted((ROOT / "sparql" / "contract").glob("*.rq"))
BASE = "http://localhost:8080/"

# Articles written for these tests (no publisher's text): posts, a meeting, a bloc accession, and
# a surname-only mention that identity resolution ties to the full name in an earlier article.
ARTICLES = {
    "rs-visit": "Ministers meet in Ankara\n\nTurkish Foreign Minister Hakan Fidan met Hungarian Foreign Minister "
                "Peter Szijjarto in Ankara on Tuesday. The two ministers discussed energy routes and trade.",
    "rs-call": "A phone call\n\nFidan spoke by phone with German Foreign Minister Annalena Baerbock on Wednesday "
               "about the situation in the region.",
    "rs-nato": "Finland joins\n\nFinland became the 31st member of NATO on Tuesday. NATO Secretary General "
               "Jens Stoltenberg welcomed the new ally at the ceremony in Brussels.",
    "rs-former": "A new role\n\nFormer Polish President Aleksander Kwasniewski met Ukrainian President Volodymyr "
                 "Zelensky in Kyiv on Friday.",
}


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def many_articles(n: int) -> dict[str, str]:
    """``n`` short wire-style articles (templated, written here), for the crash test."""
    people = [("Hakan Fidan", "Turkish Foreign Minister"), ("Annalena Baerbock", "German Foreign Minister"),
              ("Peter Szijjarto", "Hungarian Foreign Minister"), ("Radoslaw Sikorski", "Polish Foreign Minister")]
    places = ["Ankara", "Berlin", "Budapest", "Warsaw", "Vienna"]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    out = {}
    for i in range(n):
        (a, ra), (b, rb) = people[i % 4], people[(i + 1) % 4]
        out[f"rs-many-{i:03d}"] = (f"Talks number {i}\n\n{ra} {a} met {rb} {b} in {places[i % 5]} on {days[i % 5]}. "
                                   f"They discussed item {i} of the agenda.")
    return out


# -- servers ------------------------------------------------------------------------------------------

def _server(kind: str, folder: Path) -> Server:
    try:
        return start(kind, folder)
    except Unavailable as exc:
        pytest.skip(f"{kind} cannot run here: {exc}")


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = _server(request.param, tmp_path_factory.mktemp(request.param))
    yield srv
    srv.kill()


@pytest.fixture
def remote(server: Server) -> Iterator[RemoteStore]:
    """The server's store, emptied of what earlier tests wrote."""
    store = RemoteStore(Endpoints.parse(server.spec))
    for g in list(store.named_graphs()):
        store.drop_graph(g)
    yield store
    store.close()


def rows(store: GraphStore | RemoteStore, query: str) -> list[tuple[str, ...]]:
    """A SELECT's rows as sorted tuples of values (datatypes aside: servers spell strings differently)."""
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    return sorted(tuple("" if r[n] is None else r[n].value for n in names) for r in solutions)


# -- tests --------------------------------------------------------------------------------------------

def test_store_spec_parsing() -> None:
    e = Endpoints.parse("sparql+http://h:7878/query?update=/update&batch=100&auth=digest")
    assert (e.query, e.update, e.batch_quads, e.auth) == ("http://h:7878/query", "http://h:7878/update", 100, "digest")
    assert Endpoints.parse("sparql+https://h/sparql").update == "https://h/sparql"
    with pytest.raises(StoreError, match="unknown option"):
        Endpoints.parse("sparql+http://h/sparql?color=red")
    assert isinstance(open_store("sparql+http://h/sparql"), RemoteStore)


def test_ingest_gives_the_embedded_stores_answers(remote: RemoteStore, extractor, tmp_path: Path) -> None:
    # Two runs, so the second one's identity resolution reads the first one's articles back from the store.
    first = write_articles(tmp_path / "first", dict(list(ARTICLES.items())[:2]))
    second = write_articles(tmp_path / "second", dict(list(ARTICLES.items())[2:]))
    local = GraphStore(None)
    for folder in (first, second):
        ingest.run([folder], local, extractor=extractor, base_uri=BASE)
        report = ingest.run([folder], remote, extractor=extractor, base_uri=BASE)
        assert report.articles == 2 and not report.errors
    for query in CONTRACT:
        expected = rows(local, query.read_text())
        assert expected, f"{query.name} finds nothing in the embedded store: the test articles must state it"
        assert rows(remote, query.read_text()) == expected, query.name
    # The same quads, graph by graph, except the ingest timestamps (prov:endedAtTime).
    stamp = "http://www.w3.org/ns/prov#endedAtTime"
    mine = sorted(str(q) for q in local.raw if q.predicate.value != stamp)
    theirs = sorted(str(q) for q in remote.quads() if q.predicate.value != stamp)
    assert len(theirs) > 100 and theirs == mine


def test_reingest_is_idempotent_and_the_guard_holds(remote: RemoteStore, extractor, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", ARTICLES)
    ingest.run([folder], remote, extractor=extractor, base_uri=BASE)
    size, graphs = len(remote), sorted(g.value for g in remote.named_graphs())
    report = ingest.run([folder], remote, extractor=extractor, base_uri=BASE)
    assert report.articles == len(ARTICLES)
    assert (len(remote), sorted(g.value for g in remote.named_graphs())) == (size, graphs)
    graph = ox.NamedNode(f"{BASE}graph/article/rs-visit")
    with pytest.raises(ArticleClash, match="already holds article 'rs-visit'"):
        remote.replace_article(graph, "someone-else", [])
    assert len(remote) == size
    assert ingest.delete(remote, "rs-visit") and not remote.raw.contains_named_graph(graph)


def test_batches_many_articles_per_request(remote: RemoteStore, extractor, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", many_articles(12))
    before = remote.requests
    ingest.run([folder], remote, extractor=extractor, base_uri=BASE)
    assert sum(1 for _ in remote.named_graphs()) == 12
    assert remote.requests - before <= 2, "12 small articles fit in one or two update requests"


def _ingest_cli(folder: Path, spec: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "newsgraph.cli", "ingest", str(folder), "--store", spec, "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _articles_stored(spec: str) -> dict[str, int]:
    """Article id -> how many graphs hold it."""
    store = open_store(spec)
    counts: dict[str, int] = {}
    for r in store.query("PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> "
                         "SELECT ?g ?id WHERE { GRAPH ?g { ?a a schema:NewsArticle ; dcterms:identifier ?id } }"):
        counts[r["id"].value] = counts.get(r["id"].value, 0) + 1
    return counts


def _wait_for_articles(spec: str, at_least: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if len(_articles_stored(spec)) >= at_least:
            return
        assert proc.poll() is None, f"ingest ended early: {proc.communicate()}"
        time.sleep(0.1)
    raise AssertionError("the ingest stored nothing")


def test_killed_server_mid_ingest_then_rerun_stores_every_article_once(server: Server, remote: RemoteStore,
                                                                       tmp_path: Path) -> None:
    articles = many_articles(24)
    folder = write_articles(tmp_path / "articles", articles)
    spec = server.spec + ("&" if "?" in server.spec else "?") + "batch=1&attempts=2"  # one article a request
    proc = _ingest_cli(folder, spec)
    _wait_for_articles(server.spec, 3, proc)
    server.kill()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "not stored:" in err and "run the same command again" in err, err
    server.start()
    stored = _articles_stored(server.spec)
    assert 3 <= len(stored) < 24 and set(stored.values()) == {1}
    # What the server acknowledged survived the crash whole: each graph is complete (same size as
    # when re-ingested below, which replaces it).
    sizes = {g.value: len(list(remote.raw.quads_for_pattern(None, None, None, g))) for g in remote.named_graphs()}
    rerun = _ingest_cli(folder, server.spec)
    _out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    stored = _articles_stored(server.spec)
    assert stored == dict.fromkeys(articles, 1)
    for g, n in sizes.items():
        assert len(list(remote.raw.quads_for_pattern(None, None, None, ox.NamedNode(g)))) == n


def test_a_server_back_within_the_retries_loses_nothing(server: Server, remote: RemoteStore, extractor,
                                                        tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", many_articles(6))
    store = RemoteStore(Endpoints.parse(server.spec + ("&" if "?" in server.spec else "?") + "batch=1"))
    server.kill()
    restarter = threading.Timer(1.0, server.start)
    restarter.start()
    try:
        report = ingest.run([folder], store, extractor=extractor, base_uri=BASE)
    finally:
        restarter.join()
    assert report.articles == 6 and not report.errors
    assert _articles_stored(server.spec) == dict.fromkeys(many_articles(6), 1)


def test_unreachable_store_names_the_articles_not_stored(extractor, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    store = RemoteStore(Endpoints.parse(f"sparql+http://127.0.0.1:{port}/sparql?attempts=2"))
    folder = write_articles(tmp_path / "articles", {"rs-visit": ARTICLES["rs-visit"]})
    with pytest.raises(StoreUnavailable, match="did not answer after 2 attempts"):
        ingest.run([folder], store, extractor=extractor, base_uri=BASE)


# -- the CLI and the server on a remote store ------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsgraph.cli", *args], capture_output=True, text=True, timeout=300)


def test_cli_query_dump_delete_articles(server: Server, remote: RemoteStore, extractor, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", ARTICLES)
    ingest.run([folder], remote, extractor=extractor, base_uri=BASE)
    listed = [json.loads(line)["id"] for line in _cli("articles", "--store", server.spec).stdout.splitlines()]
    assert listed == sorted(ARTICLES)
    answer = _cli("query", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                  f"FILTER(STRSTARTS(STR(?g), '{BASE}graph/article/')) }}", "--store", server.spec, "--format", "csv")
    assert answer.stdout.split() == ["n", "4"], answer.stderr
    out = tmp_path / "all.nq"
    assert _cli("dump", "--store", server.spec, "-o", str(out)).returncode == 0
    dumped = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert len(dumped) == len(remote)
    assert _cli("delete", "rs-call", "--store", server.spec).returncode == 0
    assert "rs-call" not in _articles_stored(server.spec)
    assert _cli("delete", "rs-call", "--store", server.spec).returncode == 1


def test_cli_load(server: Server, remote: RemoteStore, tmp_path: Path) -> None:
    trig = tmp_path / "extra.trig"
    trig.write_text('<urn:g:1> { <urn:s> <urn:p> "one" . }\n<urn:g:2> { <urn:s> <urn:p> "two" . }\n')
    nt = tmp_path / "extra.nt"
    nt.write_text('<urn:s> <urn:p> "three" .\n')
    bad = tmp_path / "bad.nt"
    bad.write_text('<urn:s> <urn:p> "four" .\n<urn:s> <urn:p .\n')
    assert _cli("load", str(trig), "--store", server.spec).returncode == 0
    assert _cli("load", str(nt), "--store", server.spec, "--graph", "urn:g:3").returncode == 0
    failed = _cli("load", str(bad), "--store", server.spec, "--graph", "urn:g:4")
    assert failed.returncode == 1 and "not valid" in failed.stderr
    no_graph = _cli("load", str(nt), "--store", server.spec)
    assert no_graph.returncode == 1 and "--graph" in no_graph.stderr
    if "update=/update" in server.spec:  # Oxigraph server's Graph Store Protocol endpoint
        gsp = server.spec + "&gsp=/store"
        assert _cli("load", str(nt), "--store", gsp, "--graph", "urn:g:5").returncode == 0
    found = rows(remote, "SELECT ?g ?o WHERE { GRAPH ?g { <urn:s> <urn:p> ?o } }")
    expected = [("urn:g:1", "one"), ("urn:g:2", "two"), ("urn:g:3", "three")]
    assert found == expected + ([("urn:g:5", "three")] if "update=/update" in server.spec else [])


@pytest.fixture
def served(server: Server, remote: RemoteStore, extractor, tmp_path: Path):
    from newsgraph.web import create_app, shutdown

    ingest.run([write_articles(tmp_path / "articles", ARTICLES)], remote, extractor=extractor, base_uri=BASE)
    app = create_app(server.spec, {"TESTING": True})
    yield app.test_client()
    shutdown(app)


def test_serve_pages_dumps_and_the_sparql_proxy(served) -> None:
    assert served.get("/").status_code == 200
    page = served.get("/search?q=fidan")
    assert page.status_code == 200 and "Hakan Fidan" in page.get_data(as_text=True)
    dump = served.get("/dumps/newsgraph.nq")
    assert dump.status_code == 200 and b"graph/article/rs-visit" in dump.get_data()
    graph = served.get("/graph/article/rs-nato", headers={"Accept": "text/turtle"})
    assert graph.status_code == 200 and "Finland" in graph.get_data(as_text=True)
    persons = "SELECT ?p WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }"
    answer = served.get("/sparql", query_string={"query": persons},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and len(json.loads(answer.get_data())["results"]["bindings"]) >= 5
    assert served.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 403


def test_the_proxy_reaches_no_other_host(served) -> None:
    """Every request of tests/data/network_bypass.txt through the proxy: refused or answered, never a connection."""
    with listening() as listener:
        target = f"http://127.0.0.1:{listener.port}/x"
        lines = [line for line in (ROOT / "tests" / "data" / "network_bypass.txt").read_text().splitlines()
                 if line and not line.startswith("#")]
        for line in [*lines, 'query DEFINE get:soft "replace" SELECT * FROM <TARGET> WHERE { ?s ?p ?o }']:
            kind, text = line.split(" ", 1)
            text = text.replace("TARGET", target).replace("\\n", "\n")
            response = served.post("/sparql", data={kind: text})
            if kind == "update" or "service" in text.lower() or "DEFINE" in text:
                assert response.status_code == 403, text
        assert listener.settle(0.5) == 0
