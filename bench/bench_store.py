"""The store's write path and bulk path, old code against new and against the bare engine, in one run.

For the same ~1.3M quads (news articles' quads replicated under new article ids), prints:

- store bytes on disk after writing them article by article as ``ingest`` does
  (``GraphStore.replace_article``, then ``flush``), old and new, against ``oxigraph load``;
- ``newsgraph load`` of them as one N-Quads file: quads/s, peak RSS and store bytes, old and new,
  against ``oxigraph load`` (the CLI of the ``oxigraph`` PyPI package, 0.5.13 like pyoxigraph);
- time per article written: a new article, and an article stored again with one timestamp changed
  (what a re-ingest does), old and new; and the ``flush`` that ends the run;
- for the new code, the store after ``newsgraph compact`` (:mod:`newsgraph.store_rebuild`: the
  tables rewritten compressed through the bulk loader), its time, and the store after articles are
  stored again following it (the child's peak RSS then includes the compaction's bulk load).

Old is the code before this work (``--old-src``, default /work/wt/base/src), new this checkout's
``src``; each figure comes from a child process run with that ``PYTHONPATH``. The runs are
interleaved (old, new, bare; repeated ``--repeat`` times) and the ratios are medians, since the
machine is shared. Usage::

    python bench/bench_store.py --articles DIR        # ingest DIR once (new code), replicate its dump
    python bench/bench_store.py --nquads DUMP.nq      # or replicate an N-Quads dump of a store

Nothing is copied into the repository: the corpus and the stores live in a temporary folder
(``--work`` to keep them).

Figures, 1,313,812 quads in 4,071 article graphs (news quads replicated), 2 shared cores, old =
b21aaed (/work/wt/base), new = the rebuild at the end of a large run (newsgraph.store_rebuild):

    what                                       old      new     bare  new/old  new/bare
    store MB, written article by article     1,465      292      231     0.20      1.27
    write, ms per new article                28.96    28.10        -     0.61         -
    write, flush at the end of the run, s     16.2     52.0        -     5.09         -
    write, ms per article stored again       64.50    19.16        -     0.25         -
    write run, peak RSS MiB                  1,070    1,217        -     1.14         -
    (--rows write, 3 interleaved rounds; the load rows, from a full run of the same code:)
    store MB, newsgraph load                 1,326      231      231     0.17      1.00
    newsgraph load, quads/s                 12,569   38,323   39,298     3.05      0.98
    newsgraph load, peak RSS MiB             2,153    1,145    1,120     0.53      1.02

Against main before the rebuild (``--old-src /work/main/src --rows write``, 1 round; optimize()
at the end of a large run):

    what                                       main      new     bare  new/main  new/bare
    store MB, written article by article        397      292      231     0.74      1.27
    write, ms per new article                 19.26    16.42        -     0.85         -
    write, flush at the end of the run, s      10.8     56.6        -     5.24         -
    write, ms per article stored again         7.42    14.40        -     1.94         -
    write run, peak RSS MiB                     234    1,250        -     5.35         -

The price of the bytes: the rebuild's bulk load holds up to about 1M quads per core in memory
(pyoxigraph exposes no limit for it), and the flush of a large run takes a dump and a bulk load of
the store (about 11 ms per article of the run here).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEW_SRC = HERE.parent / "src"

# -- the corpus ----------------------------------------------------------------------------------

_GRAPH_ID = re.compile(r"/graph/article/([^>]+)> \.$")


def replicate(dump: Path, out: Path, target_quads: int) -> tuple[int, int]:
    """Write ``dump``'s quads again and again into ``out``, each copy under new article ids
    (``ID-rK`` everywhere the id occurs: graph, article and claim IRIs, identifier), until
    ``target_quads``. Returns (quads, articles)."""
    lines = dump.read_text(encoding="utf-8").splitlines()
    ids = sorted({m.group(1) for line in lines if (m := _GRAPH_ID.search(line))}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(i) for i in ids))
    copies = max(1, round(target_quads / len(lines)))
    with out.open("w", encoding="utf-8") as fh:
        for k in range(copies):
            for line in lines:
                fh.write(pattern.sub(lambda m, k=k: f"{m.group(0)}-r{k}", line) + "\n")
    return copies * len(lines), copies * len(ids)


def dump_of_articles(articles: Path, work: Path) -> Path:
    store, dump = work / "seed-store", work / "seed.nq"
    newsgraph = [sys.executable, "-m", "newsgraph.cli"]
    env = {**os.environ, "PYTHONPATH": str(NEW_SRC)}
    subprocess.run([*newsgraph, "ingest", str(articles), "--store", str(store), "-q"], check=True, env=env)
    subprocess.run([*newsgraph, "dump", "--store", str(store), "-o", str(dump)], check=True, env=env)
    return dump


# -- children: one measurement each, in a fresh process ------------------------------------------

def child_write(corpus: Path, store_path: Path, rewrites: int) -> dict[str, float]:
    """Write ``corpus`` article by article as ingest does, then store ``rewrites`` of them again
    with their run's end time changed; flush; report times and the folder's bytes."""
    import itertools

    import pyoxigraph as ox

    from newsgraph.store import GraphStore

    ended = ox.NamedNode("http://www.w3.org/ns/prov#endedAtTime")
    xsd_datetime = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
    store = GraphStore(store_path)
    written = 0.0
    first: list[tuple[ox.NamedNode, str, list[ox.Quad]]] = []
    articles = 0
    quads = ox.parse(path=str(corpus), format=ox.RdfFormat.N_QUADS)
    for graph, group in itertools.groupby(quads, key=lambda q: q.graph_name):
        article = list(group)
        ident = graph.value.rsplit("/", 1)[1]
        prefix = graph.value.rsplit("/", 1)[0] + "/"
        t0 = time.perf_counter()
        store.replace_article(graph, ident, article, supersede_prefix=prefix)
        written += time.perf_counter() - t0
        articles += 1
        if len(first) < rewrites:
            first.append((graph, ident, article))
    t0 = time.perf_counter()
    store.flush()
    flushed = time.perf_counter() - t0
    stored = len(store)  # the same quads, whatever flush() did to the tables
    extra: dict[str, float] = {"flushed_bytes": folder_bytes(store_path)}
    if hasattr(store, "compact"):  # newsgraph compact / ingest --compact (not in the old code)
        t0 = time.perf_counter()
        store.compact()
        extra["compact_s"] = time.perf_counter() - t0
        extra["compacted_bytes"] = folder_bytes(store_path)
        if len(store) != stored:
            raise SystemExit(f"compact changed the store: {len(store):,} quads, not {stored:,}")
    again = 0.0
    for graph, ident, article in first:
        later = ox.Literal("2030-01-01T00:00:00Z", datatype=xsd_datetime)
        changed = [ox.Quad(q.subject, q.predicate, later, q.graph_name) if q.predicate == ended else q
                   for q in article]
        t0 = time.perf_counter()
        store.replace_article(graph, ident, changed, supersede_prefix=graph.value.rsplit("/", 1)[0] + "/")
        again += time.perf_counter() - t0
    store.flush()
    del store
    return {"articles": articles, "ms_per_new_article": 1000 * written / articles, "flush_s": flushed,
            "quads": stored,
            "ms_per_rewritten_article": 1000 * again / max(1, len(first)), "bytes": folder_bytes(store_path),
            **extra}


def child_load(corpus: Path, store_path: Path) -> dict[str, float]:
    """``newsgraph load CORPUS`` into an empty store, as the CLI runs it."""
    from click.testing import CliRunner

    from newsgraph.cli import main

    t0 = time.perf_counter()
    result = CliRunner().invoke(main, ["load", str(corpus), "--store", str(store_path)])
    seconds = time.perf_counter() - t0
    if result.exit_code != 0:
        raise SystemExit(f"newsgraph load failed: {result.output}")
    del result
    return {"seconds": seconds, "bytes": folder_bytes(store_path)}


def folder_bytes(folder: Path) -> int:
    return sum(e.stat().st_size for e in os.scandir(folder) if e.is_file())


# -- the parent ----------------------------------------------------------------------------------

def child(kind: str, src: Path, *args: str) -> tuple[dict[str, float], float]:
    """Run one child measurement with ``src`` on PYTHONPATH; (its figures, its peak RSS in MiB)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run([sys.executable, __file__, "--child", kind, *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"child {kind} with {src} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures, figures.pop("rss_mib")


def oxigraph_load(oxigraph: str, corpus: Path, store_path: Path) -> tuple[float, float, int]:
    """`oxigraph load`: (seconds, peak RSS MiB, folder bytes), timed and measured by wait4."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([oxigraph, "load", "--location", str(store_path), "--file", str(corpus)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"oxigraph load failed ({status})")
    return seconds, usage.ru_maxrss / 1024, folder_bytes(store_path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=Path, help="articles to ingest once for the seed dump")
    ap.add_argument("--nquads", type=Path, help="an N-Quads dump of a newsgraph store to replicate")
    ap.add_argument("--quads", type=int, default=1_310_000, help="corpus size (default 1.31M)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rewrites", type=int, default=300, help="articles stored again per write run")
    ap.add_argument("--old-src", type=Path, default=Path("/work/wt/base/src"))
    ap.add_argument("--oxigraph", default=shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph"))
    ap.add_argument("--work", type=Path, help="keep the corpus and stores here (default: a temporary folder)")
    ap.add_argument("--rows", choices=["all", "load", "write"], default="all",
                    help="load: only the newsgraph load / oxigraph load rows; write: only the write rows "
                         "and oxigraph load for the bytes (quicker)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        import resource

        kind, *rest = a.child
        figures = (child_write(Path(rest[0]), Path(rest[1]), int(rest[2])) if kind == "write"
                   else child_load(Path(rest[0]), Path(rest[1])))
        figures["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    if not a.articles and not a.nquads:
        ap.error("give --articles DIR or --nquads DUMP")
    bare = Path(a.oxigraph) if Path(a.oxigraph).is_file() else None
    rows: dict[str, list[float]] = {}

    def note(key: str, value: float) -> None:
        rows.setdefault(key, []).append(value)

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        work = a.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        seed = a.nquads or dump_of_articles(a.articles, work)
        corpus = work / "corpus.nq"
        quads, articles = replicate(seed, corpus, a.quads)
        print(f"corpus: {quads:,} quads in {articles:,} article graphs ({corpus.stat().st_size / 1e6:.0f} MB "
              f"of N-Quads); old = {a.old_src}, new = {NEW_SRC}; bare engine = {bare or 'not found'}")
        for r in range(a.repeat):
            for who, src in (("old", a.old_src), ("new", NEW_SRC)):
                if a.rows in ("all", "write"):
                    target = work / f"write-{who}-{r}"
                    figures, rss = child("write", src, str(corpus), str(target), str(a.rewrites))
                    note(f"write {who} MB", figures["flushed_bytes"] / 1e6)
                    if "compacted_bytes" in figures:
                        note(f"compact {who} MB", figures["compacted_bytes"] / 1e6)
                        note(f"compact {who} s", figures["compact_s"])
                        note(f"compact {who} then restored MB", figures["bytes"] / 1e6)
                    note(f"write {who} ms/new article", figures["ms_per_new_article"])
                    note(f"write {who} ms/rewritten article", figures["ms_per_rewritten_article"])
                    note(f"write {who} flush s", figures["flush_s"])
                    if figures["quads"] != quads:
                        raise SystemExit(f"{who}: {figures['quads']:,} quads stored, not {quads:,}")
                    note(f"write {who} peak RSS MiB", rss)
                    shutil.rmtree(target, ignore_errors=True)
                if a.rows == "write":
                    continue
                target = work / f"load-{who}-{r}"
                figures, rss = child("load", src, str(corpus), str(target))
                note(f"load {who} quads/s", quads / figures["seconds"])
                note(f"load {who} peak RSS MiB", rss)
                note(f"load {who} MB", figures["bytes"] / 1e6)
                shutil.rmtree(target, ignore_errors=True)
            if bare is not None:
                target = work / f"bare-{r}"
                seconds, rss, size = oxigraph_load(str(bare), corpus, target)
                note("bare quads/s", quads / seconds)
                note("bare peak RSS MiB", rss)
                note("bare MB", size / 1e6)
                shutil.rmtree(target, ignore_errors=True)
            print(f"round {r + 1}/{a.repeat} done", flush=True)
    report(rows, bare is not None)


def report(rows: dict[str, list[float]], with_bare: bool) -> None:
    med = {k: statistics.median(v) for k, v in rows.items()}

    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(rows[a], rows[b], strict=True))

    print()
    print(f"{'what':<44}{'old':>14}{'new':>14}{'bare':>14}{'new/old':>10}{'new/bare':>10}")

    def line(label: str, key: str, fmt: str, bare_key: str | None = None) -> None:
        old, new = med[f"{key.format('old')}"], med[f"{key.format('new')}"]
        b = med.get(bare_key) if bare_key and with_bare else None
        cells = f"{label:<44}{old:>14{fmt}}{new:>14{fmt}}" + (f"{b:>14{fmt}}" if b is not None else f"{'-':>14}")
        cells += f"{ratio(key.format('new'), key.format('old')):>10.2f}"
        cells += f"{ratio(key.format('new'), bare_key):>10.2f}" if b is not None else f"{'-':>10}"
        print(cells)

    if "write old MB" in rows:
        line("store MB, written article by article", "write {} MB", ",.0f", "bare MB")
    if "load old MB" in rows:
        line("store MB, newsgraph load", "load {} MB", ",.0f", "bare MB")
        line("newsgraph load, quads/s", "load {} quads/s", ",.0f", "bare quads/s")
        line("newsgraph load, peak RSS MiB", "load {} peak RSS MiB", ",.0f", "bare peak RSS MiB")
    if "write old MB" in rows:
        line("write, ms per new article", "write {} ms/new article", ".2f")
        line("write, flush at the end of the run, s", "write {} flush s", ".1f")
        line("write, ms per article stored again", "write {} ms/rewritten article", ".2f")
        line("write run (new: + compact), peak RSS MiB", "write {} peak RSS MiB", ",.0f")
    if "compact new MB" in rows:
        compact = {k: statistics.median(v) for k, v in rows.items() if k.startswith("compact new")}
        bare_mb = med.get("bare MB") if with_bare else None
        for label, key in (("store MB after newsgraph compact", "compact new MB"),
                           ("  then RE-STORED articles, MB", "compact new then restored MB")):
            cells = f"{label:<44}{'-':>14}{compact[key]:>14,.0f}"
            cells += f"{bare_mb:>14,.0f}{'-':>10}{ratio(key, 'bare MB'):>10.2f}" if bare_mb else ""
            print(cells)
        print(f"{'newsgraph compact, s':<44}{'-':>14}{compact['compact new s']:>14.1f}")
    print(f"(medians of {len(next(iter(rows.values())))} interleaved runs; ratios are medians of per-round ratios; "
          "bare = oxigraph load)")


if __name__ == "__main__":
    main()
