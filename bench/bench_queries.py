"""Old newsgraph vs new newsgraph vs ``oxigraph serve``, on a realistic store, interleaved, in one run.

    python bench/bench_queries.py --source STORE [--articles 2000] [--work DIR] [--old-src /work/wt/base/src]
                                  [--reps 3] [--seconds 3] [--oxigraph PATH]

``--source`` is a newsgraph store (e.g. the dev articles ingested); it is replicated, graph by
graph, up to ``--articles`` article graphs with new article ids (and, for every copy, entity IRIs
varied among 8 variants, so that entity triples repeat across graphs as they do in real news), and
loaded into ``WORK/store-N`` (kept for the next run). Nothing of the articles is written anywhere
else. Each repetition starts every server in turn on that store (old: ``PYTHONPATH=--old-src``;
new: this checkout; Oxigraph's ``serve-read-only --union-default-graph``, from the
``oxigraph`` PyPI package), all with a query timeout of ``--timeout`` seconds, and measures, for each:

* ``start_s`` / ``rss_mib``: time from launch to the first answer to the small lookup, and the
  resident memory of the server and its children right after (old newsgraph builds its merged
  union in memory for that first answer, in each worker);
* ``small_p50_ms`` / ``small_p99_ms``: a small lookup (the label of one person, 50 persons in turn),
  one client, keep-alive;
* ``rps8`` / ``p99_8_ms``: the same lookup from 8 client processes for ``--seconds``;
* ``heavy_*_s``: a 5,000-row JSON SELECT, a 100,000-row CSV SELECT and a CONSTRUCT of every
  person's triples (Turtle), once each after a warm-up;
* ``heavy8_ok`` / ``heavy8_s``: 8 concurrent ``sparql/conflicts.rq``: how many got a 200, and the
  wall time until the last answer.

``pss_mib`` is the same memory counted with ``Pss`` (a page shared by forked processes counted
once), the fair figure for a server of several processes.

The figure printed is the median over the repetitions, with the ratios new/oxigraph and
new/old. Oxigraph's union default graph counts a triple once per graph (a bag), newsgraph's once
(the RDF merge): the heavy queries return somewhat different row counts, which the table shows.

Measured (2 cores shared with other jobs, load average 7-12; 2,000 replicated dev articles,
645,599 quads; 3 repetitions, medians; old = b21aaed, new = ``serve`` in 2 processes with
lookups answered on waitress's loop thread, oxigraph = ``serve-read-only``)::

    metric               old      new      oxigraph  new/ox  new/old
    start_s              39.0     1.20     0.050     24      0.03
    rss_mib (sum VmRSS)  522      175      21.9      8.0     0.33
    pss_mib              455      89.9     18.7      4.8     0.20
    small_p50_ms         1.29     0.502    0.322     1.56    0.39
    small_p99_ms         7.47     12.0     0.86      14      1.61
    rps8                 451      2,025    3,411     0.59    4.49
    p99_8_ms             62.5     39.0     11.2      3.5     0.62
    heavy_select5k_s     0.018    0.40     0.078     5.1     22.5   (first query of a process; 0.04 after)
    heavy_csv100k_s      0.245    1.11     1.10      1.01    4.5
    heavy_construct_s    0.147    0.312    4.65      0.07    2.1
    heavy8_ok            8        8        8
    heavy8_s             10.6     39.4     121       0.33    3.7

The heavy5k row above was measured before the warm-up opened the shared merged union (see
``server._warm_in_background``). A second run with it (load 7-9, heavy8 left out): p50 0.495 vs
0.319 ms (1.55x), p99 8.2 vs 0.47 ms, rps8 1,602 vs 3,307 (0.48x; per repetition 0.93, 0.48,
0.41; not the split of the 8 connections between the processes: a check saw 5/3, 4/4 and 4/4
give 2,550, 2,018 and 1,915 requests/s, so most likely the other jobs' load), select5k 0.048 vs 0.090 s,
csv100k 1.17 vs 0.95 s, construct 0.25 vs 4.4 s, start 0.94 s, 165 MiB RSS / 85 MiB Pss.
The session before (one process, lookups in the request threads) measured p50 0.67 ms (2.11x
oxigraph) and rps8 906 (0.28x).

On the idle machine after the whole second pass was merged (load average 0.2-0.8,
``--only start,small,eight``, same store, 3 repetitions, medians): p50 0.506 vs 0.386 ms (1.31x
oxigraph; old 1.25 ms), p99 4.3 vs 0.55 ms, rps8 3,721 vs 4,923 (**0.76x**; old 563), p99 with 8
clients 5.6 vs 5.3 ms, start 0.47 s, 181 MiB RSS / 99 MiB Pss.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from _proc import tree_kb  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PERSON = "http://xmlns.com/foaf/0.1/Person"
HEAVY = {
    "heavy_select5k_s": ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5000", "application/sparql-results+json"),
    "heavy_csv100k_s": ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100000", "text/csv"),
    "heavy_construct_s": (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a <{PERSON}> ; ?p ?o }}", "text/turtle"),
}


# -- the store -------------------------------------------------------------------------------------

def replicate(source: Path, articles: int, target: Path) -> int:
    """Write ``articles`` article graphs made from ``source``'s into a new store at ``target``."""
    import pyoxigraph as ox

    src = ox.Store.read_only(str(source))
    text = src.dump(format=ox.RdfFormat.N_QUADS).decode()
    del src
    by_graph: dict[str, list[str]] = {}
    for line in text.splitlines():
        graph = line.rsplit(" ", 2)[-2]
        by_graph.setdefault(graph, []).append(line)
    graphs = [g for g in by_graph if "/graph/article/" in g]
    ids = {g: g.rsplit("/", 1)[1].rstrip(">") for g in graphs}
    entity = re.compile(r"(/id/(?:person|org|post|place)/[^>#]+)")
    target.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(target))
    made = 0
    copy = 0
    while made < articles:
        for g in graphs:
            if made >= articles:
                break
            old = ids[g]
            new = old if copy == 0 else f"{old}-r{copy}"
            body = "\n".join(by_graph[g])
            if copy:
                body = (body.replace(f"/graph/article/{old}>", f"/graph/article/{new}>")
                        .replace(f"/id/article/{old}>", f"/id/article/{new}>")
                        .replace(f"/id/claim/{old}/", f"/id/claim/{new}/")
                        .replace(f'"{old}"', f'"{new}"'))
                variant = f"-v{copy % 8}"
                body = entity.sub(lambda m, v=variant: m.group(1) + v, body)
            store.load(body.encode(), ox.RdfFormat.N_QUADS)
            made += 1
        copy += 1
    store.flush()
    store.optimize()
    n = len(store)
    del store
    return n


def person_iris(store: Path, n: int = 50) -> list[str]:
    import pyoxigraph as ox

    s = ox.Store.read_only(str(store))
    rows = s.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?p a <{PERSON}> }} }} LIMIT {n}")
    return [r["p"].value for r in rows]  # type: ignore[index,union-attr]


# -- servers ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    """Memory of the server and every process below it (see ``_proc.tree_kb``), in MiB."""
    return tree_kb(pid, field) / 1024


class Server:
    """A server started on the store; ``start_s`` is the time to its first answer to ``probe``."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int, path: str,
                 probe: str) -> None:
        self.name, self.port, self.path = name, port, path
        started = time.perf_counter()
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 600
        while True:
            try:
                status, _ = request(port, path, probe, "application/sparql-results+json", timeout=600)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"{name} did not start")
            time.sleep(0.01)
        self.start_s = time.perf_counter() - started
        self.rss_mib = rss_mib(self.process.pid)
        self.pss_mib = rss_mib(self.process.pid, "Pss")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def request(port: int, path: str, query: str, accept: str, timeout: float = 600) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def lookup_urls(path: str, persons: list[str]) -> list[str]:
    return [path + "?" + urllib.parse.urlencode({"query": f"SELECT ?l WHERE {{ <{p}> <{LABEL}> ?l }}"})
            for p in persons]


def _client(port: int, urls: list[str], seconds: float, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times: list[float] = []
    stop = time.monotonic() + seconds
    i = 0
    while time.monotonic() < stop:
        t = time.perf_counter()
        conn.request("GET", urls[i % len(urls)], headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - t)
        i += 1
    out.put(times)


def small_one_client(port: int, urls: list[str], n: int = 1000) -> tuple[float, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for i in range(n + 50):
        t = time.perf_counter()
        conn.request("GET", urls[i % len(urls)], headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, body[:200]
        if i >= 50:
            times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000


def small_eight_clients(port: int, urls: list[str], seconds: float) -> tuple[float, float]:
    out: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    procs = [multiprocessing.Process(target=_client, args=(port, urls, seconds, out)) for _ in range(8)]
    for p in procs:
        p.start()
    times = [t for _ in procs for t in out.get()]
    for p in procs:
        p.join()
    times.sort()
    return len(times) / seconds, times[int(len(times) * 0.99)] * 1000


def heavy(port: int, path: str) -> dict[str, float]:
    out = {}
    for key, (query, accept) in HEAVY.items():
        request(port, path, query, accept)  # warm (newsgraph builds its merged union on first use)
        t = time.perf_counter()
        status, body = request(port, path, query, accept)
        out[key] = time.perf_counter() - t if status == 200 else float("nan")
        out[key[:-2] + "_mb"] = len(body) / 1e6 if status == 200 else float("nan")
        if status != 200:
            print(f"  {key}: HTTP {status} {body[:120]!r}", flush=True)
    return out


def heavy_eight(port: int, path: str) -> tuple[int, float]:
    query = (ROOT / "sparql" / "conflicts.rq").read_text()
    statuses: list[int] = []
    t = time.perf_counter()

    def one() -> None:
        try:
            statuses.append(request(port, path, query, "application/sparql-results+json")[0])
        except OSError:
            statuses.append(0)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return sum(1 for s in statuses if s == 200), time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True,
                        help="a newsgraph store to replicate (e.g. the dev articles)")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsgraph-bench-queries"))
    parser.add_argument("--old-src", type=Path, default=Path("/work/wt/base/src"))
    parser.add_argument("--oxigraph", default=shutil.which("oxigraph"))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120,
                        help="every server's query timeout (old newsgraph's first union query builds its "
                             "merged copy inside it)")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--only", default="", help="comma-separated metrics groups: start,small,eight,heavy,heavy8")
    args = parser.parse_args()

    store = args.work / f"store-{args.articles}"
    if not (store / "CURRENT").exists():
        args.work.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        n = replicate(args.source, args.articles, store)
        print(f"built {store}: {n:,} quads in {time.perf_counter() - t:.0f} s", flush=True)
    persons = person_iris(store)
    groups = set(args.only.split(",")) if args.only else {"start", "small", "eight", "heavy", "heavy8"}

    probe = f"SELECT ?l WHERE {{ <{persons[0]}> <{LABEL}> ?l }}"
    timeout = str(int(args.timeout))

    def launch(name: str) -> Server:
        port = free_port()
        if name == "oxigraph":
            return Server(name, [args.oxigraph, "serve-read-only", "--location", str(store), "--bind",
                                 f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", timeout],
                          dict(os.environ), port, "/query", probe)
        src = args.old_src if name == "old" else ROOT / "src"
        env = {**os.environ, "PYTHONPATH": str(src)}
        return Server(name, [sys.executable, "-m", "newsgraph.cli", "serve", "--store", str(store),
                             "--port", str(port), "--timeout", timeout], env, port, "/sparql", probe)

    names = ["old", "new"] + (["oxigraph"] if args.oxigraph else [])
    results: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    for rep in range(args.reps):
        for name in names[rep % len(names):] + names[:rep % len(names)]:  # rotate the order
            server = launch(name)
            r = results[name]
            try:
                figures: dict[str, float] = {"start_s": server.start_s, "rss_mib": server.rss_mib,
                                             "pss_mib": server.pss_mib}
                urls = lookup_urls(server.path, persons)
                if "small" in groups:
                    figures["small_p50_ms"], figures["small_p99_ms"] = small_one_client(server.port, urls)
                if "eight" in groups:
                    figures["rps8"], figures["p99_8_ms"] = small_eight_clients(server.port, urls, args.seconds)
                if "heavy" in groups:
                    figures |= heavy(server.port, server.path)
                if "heavy8" in groups:
                    ok, seconds = heavy_eight(server.port, server.path)
                    figures["heavy8_ok"], figures["heavy8_s"] = ok, seconds
                figures["rss_end_mib"] = rss_mib(server.process.pid)
            finally:
                server.stop()
            for key, value in figures.items():
                r.setdefault(key, []).append(value)
            print(f"rep {rep + 1} {name:8} " + " ".join(f"{k}={v:.3g}" for k, v in figures.items()), flush=True)

    print(f"\nmedians over {args.reps} repetitions ({store.name}):")
    keys = list(results["new"])
    print(f"{'metric':22}" + "".join(f"{n:>12}" for n in names) + f"{'new/ox':>10}{'new/old':>10}{'old/ox':>10}")
    for key in keys:
        med = {n: statistics.median(results[n][key]) if results[n].get(key) else float("nan") for n in names}
        row = f"{key:22}" + "".join(f"{med[n]:>12.4g}" for n in names)
        ox_ = med.get("oxigraph", float("nan"))
        row += f"{med['new'] / ox_ if ox_ else float('nan'):>10.2f}"
        row += f"{med['new'] / med['old'] if med['old'] else float('nan'):>10.2f}"
        row += f"{med['old'] / ox_ if ox_ else float('nan'):>10.2f}"
        print(row)


if __name__ == "__main__":
    main()
