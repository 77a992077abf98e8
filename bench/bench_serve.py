"""Benchmark ``newsgraph serve`` against ``oxigraph serve-read-only`` on the same store, in one run.

    python bench/bench_serve.py [--articles 2000] [--per-article 50] [--oxigraph PATH]

Prints, for each server: the median latency of small queries, the throughput of 8 concurrent
clients, the time to stream a 100 000-row result, the time to stop a runaway ORDER BY (newsgraph
only: Oxigraph's server has no query timeout), and for the dumps the download time and the
server's peak memory growth while streaming the whole N-Quads dump (constant memory expected).
Ratios are newsgraph / oxigraph. Oxigraph's CLI (``pip install oxigraph``) is found on PATH or
given with ``--oxigraph``; without it only newsgraph's figures are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
from _proc import tree_kb  # bench/ is the script's folder

from newsgraph.store import GraphStore

SMALL = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 10"
BIG = ("SELECT ?a ?b WHERE { VALUES ?i { " + " ".join(map(str, range(400))) + " } VALUES ?j { "
       + " ".join(map(str, range(250))) + " } BIND(STR(?i) AS ?a) BIND(?i * 1000 + ?j AS ?b) }")
RUNAWAY = ("SELECT * WHERE { VALUES ?a { " + " ".join(map(str, range(20000))) + " } VALUES ?b { "
           + " ".join(map(str, range(20000))) + " } } ORDER BY DESC(?a * ?b)")


def build_store(path: Path, articles: int, per_article: int) -> int:
    store = GraphStore(path)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for a in range(articles):
        g = ox.NamedNode(f"http://localhost:8080/graph/article/a{a}")
        subject = ox.NamedNode(f"http://localhost:8080/id/article/a{a}")
        quads = [ox.Quad(subject, ox.NamedNode(f"http://example.org/p{i}"), ox.Literal(f"value {a} {i} " + "x" * 30), g)
                 for i in range(per_article - 5)]
        quads += [ox.Quad(ox.NamedNode(f"http://localhost:8080/id/person/p{(a + i) % 500}"), label,
                          ox.Literal(f"Person {(a + i) % 500}"), g) for i in range(5)]
        store.replace_graph(g, quads)
    store.flush()
    n = len(store)
    del store
    return n


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": "ASK {}"}), timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


def get(url: str, query: str, accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=600) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def latency(url: str, n: int = 200) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        get(url, SMALL)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def throughput(url: str, clients: int = 8, seconds: float = 5.0) -> float:
    done = [0] * clients
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        while time.monotonic() < stop:
            get(url, SMALL)
            done[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def big_result(url: str) -> tuple[float, int]:
    t = time.perf_counter()
    status, body = get(url, BIG, "text/csv")
    assert status == 200, body[:200]
    return time.perf_counter() - t, len(body)


def peak_rss_kb(pid: int) -> int:
    """Peak resident memory of a process and its children (the query workers), in KiB."""
    return tree_kb(pid, "VmHWM")


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]


def download(url: str) -> tuple[float, int]:
    t = time.perf_counter()
    size = 0
    with urllib.request.urlopen(url, timeout=600) as r:
        while chunk := r.read(1 << 16):
            size += len(chunk)
    return time.perf_counter() - t, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--per-article", type=int, default=50)
    parser.add_argument("--oxigraph", default=shutil.which("oxigraph"), help="oxigraph CLI (default: on PATH)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    store = tmp / "store"
    t = time.perf_counter()
    statements = build_store(store, args.articles, args.per_article)
    print(f"store: {statements:,} statements in {args.articles:,} article graphs "
          f"(built in {time.perf_counter() - t:.1f} s)")

    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    port = free_port()
    ng = subprocess.Popen([sys.executable, "-m", "newsgraph.cli", "serve", "--store", str(store), "--port", str(port),
                           "--timeout", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    servers["newsgraph"] = (ng, f"http://127.0.0.1:{port}/sparql")
    if args.oxigraph:
        port = free_port()
        oxp = subprocess.Popen([args.oxigraph, "serve-read-only", "--location", str(store), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        servers["oxigraph"] = (oxp, f"http://127.0.0.1:{port}/query")
    else:
        print("(no oxigraph CLI: pip install oxigraph, or --oxigraph PATH, for the comparison)")
    results: dict[str, dict[str, float]] = {}
    try:
        for name, (_, url) in servers.items():
            wait_ready(url)
            get(url, SMALL)
            r = results[name] = {}
            r["latency_ms"] = latency(url)
            r["queries_per_s"] = throughput(url)
            r["big_s"], size = big_result(url)
            print(f"{name:10} small query median {r['latency_ms']:.2f} ms · {r['queries_per_s']:.0f} queries/s with "
                  f"8 clients · 100k-row CSV ({size / 1e6:.1f} MB) in {r['big_s']:.2f} s")
        ng_url = servers["newsgraph"][1]
        t = time.perf_counter()
        status, body = get(ng_url, RUNAWAY)
        stopped = time.perf_counter() - t
        t = time.perf_counter()
        after = get(ng_url, SMALL)[0]
        print(f"newsgraph  runaway ORDER BY (400M rows) → HTTP {status} after {stopped:.2f} s (timeout 2 s): "
              f"{body.decode()[:60]!r}; next query HTTP {after} in {(time.perf_counter() - t) * 1000:.0f} ms")
        base = ng_url.rsplit("/", 1)[0]
        pid = servers["newsgraph"][0].pid
        before = rss_kb(pid)
        for dump in ("newsgraph.nq", "newsgraph.nq.gz", "newsgraph.ttl.gz"):
            seconds, size = download(f"{base}/dumps/{dump}")
            print(f"newsgraph  /dumps/{dump}: {size / 1e6:.1f} MB in {seconds:.2f} s; "
                  f"server RSS {before / 1024:.0f} MB "
                  f"before, {rss_kb(pid) / 1024:.0f} MB after (peak {peak_rss_kb(pid) / 1024:.0f} MB incl. workers)")
        if args.oxigraph:
            t = time.perf_counter()
            subprocess.run([args.oxigraph, "dump", "--location", str(store), "--file", str(tmp / "ox.nq")], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ox_seconds = time.perf_counter() - t
            print(f"oxigraph   dump to N-Quads: {os.path.getsize(tmp / 'ox.nq') / 1e6:.1f} MB in {ox_seconds:.2f} s")
            n, o = results["newsgraph"], results["oxigraph"]
            print(f"ratios newsgraph/oxigraph: latency {n['latency_ms'] / o['latency_ms']:.2f}x · throughput "
                  f"{n['queries_per_s'] / o['queries_per_s']:.2f}x · big result {n['big_s'] / o['big_s']:.2f}x")
        print(json.dumps(results))
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
