"""How ``newsgraph serve`` holds up against one hostile client, measured on a real server.

    python bench/bench_security.py [--copies 60] [--half-open 150] [--burst 200]

Starts ``newsgraph serve`` on 127.0.0.1 (only there) over a small store — the bundled sample
articles ingested for real, then their graphs copied ``--copies`` times so entity pages have some
weight — and prints:

* the latency of a normal query alone, and while ``--half-open`` connections are held open having
  sent half a request line (the attack that locked waitress's 100 connections);
* the latency of an ``ASK`` while a burst of ``--burst`` entity-page requests arrives at once, and
  what the burst got (pages served, 503s);
* the time to refuse a body announced as 1 GiB (413 without reading it), a query nested 5,000
  braces deep (400), and a normal query while two runaway queries hold both workers;
* the outbound connections a listener on 127.0.0.1 saw for the SERVICE/LOAD bypass corpus
  (``tests/data/network_bypass.txt``): 0 expected.

Every loop is bounded and every connection goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
PERSON = "id/person/antony-blinken"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
RENAMED = ("/id/article/", "/id/claim/", "/id/run/")  # per-article IRIs, which each copy gets its own of
NORMAL = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 10"


def build_store(path: Path, copies: int) -> int:
    """Ingest the bundled samples, then copy every article graph ``copies`` times (articles, claims renamed)."""
    subprocess.run([sys.executable, "-m", "newsgraph.cli", "ingest", str(ROOT / "src/newsgraph/samples"),
                    "--store", str(path)], check=True, capture_output=True)
    store = ox.Store(str(path))
    originals = list(store.named_graphs())
    for graph in originals:
        quads = list(store.quads_for_pattern(None, None, None, graph))
        for n in range(copies):
            g = ox.NamedNode(f"{graph.value}-copy{n}")

            def renamed(term: ox.NamedNode | ox.BlankNode | ox.Literal, n: int = n) -> object:
                if isinstance(term, ox.NamedNode) and any(k in term.value for k in RENAMED):
                    return ox.NamedNode(f"{term.value}-copy{n}")
                return term

            store.extend(ox.Quad(renamed(q.subject), q.predicate, renamed(q.object), g) for q in quads)
    # The terms the bypass corpus glues SERVICE to (0SERVICE, trueSERVICE...), so those patterns run.
    numbers = ox.NamedNode("urn:newsgraph:test#numbers")
    for value in ("0", "1.0", "1e0", "-1", "true", "false"):
        store.add(ox.Quad(ox.NamedNode("urn:newsgraph:test#x"), ox.NamedNode("urn:newsgraph:test#n"),
                          next(iter(ox.parse(f"<urn:s> <urn:p> {value} .", format=ox.RdfFormat.TURTLE))).object,
                          numbers))
    store.flush()
    count = len(store)
    del store
    return count


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 30) -> tuple[int, float]:
    """(status, seconds) of one request; status 0 when the connection failed."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}),
                                    timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def query_url(base: str, query: str) -> str:
    return base + "sparql?" + urllib.parse.urlencode({"query": query})


def wait_ready(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if request(query_url(base, "ASK {}"), timeout=2)[0] == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"server at {base} did not start")


def median_latency(url: str, n: int = 20) -> float:
    return statistics.median(request(url)[1] for _ in range(n))


def half_open(base_port: int, count: int) -> dict[str, float]:
    """Hold ``count`` connections that sent half a request line; time a normal query meanwhile."""
    held: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", base_port), timeout=5)
            s.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
            held.append(s)
        time.sleep(0.5)
        base = f"http://127.0.0.1:{base_port}/"
        times = [request(query_url(base, NORMAL), timeout=60) for _ in range(5)]
        return {"max_s": max(t for _, t in times), "ok": sum(s == 200 for s, _ in times)}
    finally:
        for s in held:
            s.close()


def page_burst(base: str, count: int, *, distinct: bool) -> dict[str, float]:
    """Fire ``count`` entity-page requests at once; time ASK queries while they are in flight.

    ``distinct``: each request has its own query string, so none is served from the page cache
    (what an attacker would do); otherwise all ask for the same page (a crawler, a link shared widely).
    """
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Event()

    def page(i: int) -> None:
        start.wait()
        url = base + PERSON + (f"?burst={i}-{time.time()}" if distinct else "")
        status, _ = request(url, headers={"Accept": "text/html"}, timeout=120)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=page, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    start.set()
    time.sleep(0.05)
    asks = []
    for _ in range(10):
        asks.append(request(query_url(base, "ASK { ?s ?p ?o }"), timeout=60)[1])
        if all(not t.is_alive() for t in threads):
            break
        time.sleep(0.05)
    for t in threads:
        t.join(timeout=180)
    return {"ask_max_s": max(asks), "ask_median_s": statistics.median(asks), "asks": len(asks),
            "burst_s": time.perf_counter() - began, "pages_200": statuses.count(200),
            "pages_503": statuses.count(503), "pages_other": len(statuses) - statuses.count(200) - statuses.count(503)}


def huge_body(port: int) -> tuple[str, float]:
    """Announce a 1 GiB body, send 64 KiB of it: how soon and how does the server answer?"""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                  b"Content-Length: 1073741824\r\n\r\n")
        with contextlib.suppress(OSError):
            s.sendall(b"x" * 65536)
        answer = b""
        with contextlib.suppress(OSError):
            answer = s.recv(200)
    return answer.split(b"\r\n", 1)[0].decode(errors="replace"), time.perf_counter() - started


def runaway(base: str) -> tuple[int, float]:
    """Two runaway queries hold both workers; how long does a normal query then take, and with what?"""
    threads = [threading.Thread(target=request, args=(query_url(base, RUNAWAY),), kwargs={"timeout": 60})
               for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    result = request(query_url(base, NORMAL), timeout=60)
    for t in threads:
        t.join(timeout=60)
    return result


def bypass_connections(base: str) -> tuple[int, int]:
    """(spellings tried, connections the listener saw) for the SERVICE/LOAD corpus, queries and updates."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    seen = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            seen.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    corpus = (ROOT / "tests/data/network_bypass.txt").read_text(encoding="utf-8")
    lines = [line for line in corpus.splitlines() if line.strip() and not line.startswith("#")]
    target = f"http://127.0.0.1:{port}/x"
    for line in lines:
        kind, _, text = line.partition(" ")
        text = text.replace("TARGET", target).replace("\\n", "\n")
        if kind == "query":
            request(query_url(base, text), timeout=30)
        else:
            request(base + "sparql", data=text.encode(), headers={"Content-Type": "application/sparql-update"},
                    timeout=30)
    time.sleep(0.5)
    stop.set()
    thread.join(timeout=2)
    listener.close()
    return len(lines), len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=60)
    parser.add_argument("--half-open", type=int, default=150)
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-security-") as tmp:
        store = Path(tmp) / "store"
        quads = build_store(store, args.copies)
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        server = subprocess.Popen([sys.executable, "-m", "newsgraph.cli", "serve", "--store", str(store),
                                   "--host", "127.0.0.1", "--port", str(port), "--timeout", "5", "--workers", "2",
                                   "--allow-anonymous-update"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(base)
            print(f"store: {quads} quads ({args.copies + 1} copies of the 5 sample articles); "
                  "server: --workers 2 --timeout 5 on 127.0.0.1")
            request(base + PERSON)  # warm
            print(f"normal query alone: median {median_latency(query_url(base, NORMAL)) * 1000:.1f} ms")
            cold = [request(base + PERSON + f"?cold={i}", headers={"Accept": "text/html"})[1] for i in range(5)]
            warm = [request(base + PERSON, headers={"Accept": "text/html"})[1] for _ in range(5)]
            print(f"person page alone: median {statistics.median(cold) * 1000:.1f} ms rendered, "
                  f"{statistics.median(warm) * 1000:.1f} ms from the page cache")
            held = half_open(port, args.half_open)
            print(f"normal query with {args.half_open} half-open connections held: "
                  f"max {held['max_s'] * 1000:.1f} ms over 5, {held['ok']:.0f}/5 answered 200")
            for distinct, what in ((True, "distinct uncached"), (False, "identical")):
                burst = page_burst(base, args.burst, distinct=distinct)
                print(f"ASK during a burst of {args.burst} {what} page requests: max {burst['ask_max_s'] * 1000:.1f} "
                      f"ms, median {burst['ask_median_s'] * 1000:.1f} ms over {burst['asks']:.0f}; burst took "
                      f"{burst['burst_s']:.2f} s: {burst['pages_200']:.0f} pages served, "
                      f"{burst['pages_503']:.0f} refused 503, {burst['pages_other']:.0f} other")
            line, seconds = huge_body(port)
            print(f"1 GiB announced body: {line!r} after {seconds * 1000:.1f} ms")
            deep = request(query_url(base, "SELECT * WHERE " + "{" * 5000 + "}" * 5000))
            print(f"query nested 5,000 braces: HTTP {deep[0]} in {deep[1] * 1000:.1f} ms; "
                  f"next query HTTP {request(query_url(base, 'ASK {}'))[0]}")
            status, seconds = runaway(base)
            print(f"normal query while 2 runaway queries hold both workers: HTTP {status} after {seconds:.2f} s "
                  "(it waits for a worker; the runaways stop at the 5 s timeout)")
            tried, seen = bypass_connections(base)
            print(f"SERVICE/LOAD bypass corpus: {tried} requests, {seen} outbound connections")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
