"""Ingest on every core: words per second of old and new ingest against bare spaCy, in one run.

Each measurement runs in a fresh interpreter, the model (and the worker processes) loaded before
the clock starts: ``bare`` is spaCy's ``nlp.pipe`` in one process on the same texts; ``old`` is the
ingest of the code before this work (``--old``, a ``src`` folder put first on ``PYTHONPATH``);
``new-1`` is this tree with ``--workers 1``, ``new-2`` with two worker processes (``old-2``: the
``--old`` tree's, for a tree that has worker processes), ``bare-default`` is ``bare`` with spaCy's
own default batch size instead of newsgraph's 16, ``bare-2`` is ``bare`` on two worker processes
(batches of 16 handed out in turn: what two cores give spaCy alone on this machine), ``cluster-2``
with a local Dask cluster of two worker processes. Every ingest goes into a new on-disk store.
The runs are interleaved ``--repeat`` times and each ratio is the median of the ratios measured
within one round, so that the load other programs put on the machine cancels out as far as it can.

CPU time counts the worker processes too (read from ``/proc`` before and after, so their model
loads are left out); "cores" is CPU time over wall time. Usage::

    python bench/bench_ingest_workers.py [ARTICLES_DIR] [--copies 3] [--repeat 3] [--old /work/wt/base/src]

The articles are read from ARTICLES_DIR (default ``/work/shared/eval/dev/articles``) and
replicated ``--copies`` times with new ids, in a temporary folder: no text is copied anywhere else.

``--stages`` prints instead the CPU time of each step of a 1-worker ingest (spaCy, each newsgraph
component, link, identity, map, store), old and new, as thread CPU time: load elsewhere does not
count, so it shows where the time goes even on a busy machine.

Measured 6 December 2026 on the 2-core machine shared with other helpers (load average 9 to 14 for 2
cores: each of our processes got 0.3 to 0.6 of a core, so wall figures mean little and the 2-worker
wall ratio could not be measured), dev articles three times (207 articles, 56,982 words), median of
3 rounds, CPU words/s against bare spaCy: old 0.61, new-1 0.70 (new-1 ÷ old 1.16), new-2 0.59; the
writer process used 0.05 to 0.11 cores of new-2's 0.35 to 0.64 (17% of its CPU: it is not what
limits two workers; the extra CPU per word of two workers is in the workers). ``--stages``, dev
articles twice, CPU ms per 1,000 words, old → new: spaCy 253 → 239; entities 27.9 → 17.1, meetings
14.7 → 6.4, memberships 4.1 → 3.0, posts 10.6 → 6.8 (the four rules 0.226 → 0.140 of spaCy's time);
link 13.3 → 5.4 (in the workers with 2), identity 24.1 → 11.8, map 6.3 → 5.7, store 28.8 → 15.2;
total ÷ spaCy 1.52 → 1.30, so one process can reach at most 0.77 of bare spaCy's words/s (0.66
before); issue 13's 0.8 needs 1.25, and identity and store (0.11 of spaCy) are other work. "old"
is b21aaed: its identity and store figures moved with earlier work on those modules; the rules,
link and collector figures moved with this branch (gazetteer look-up cache, per-Doc word lists,
prefilters, positions cache, ``gc.freeze``), and its facts and quads are byte for byte those of main.

Last session, on the idle machine (load average 0.8 to 1.1), ``--copies 2 --repeat 3 --modes
bare,old,new-1,new-2``: CPU words/s against bare spaCy new-1 0.79, new-2 ÷ new-1 (wall) 1.66 on 1.90
cores, the writer 0.20 to 0.25 of a core; ``--stages`` total ÷ spaCy 1.29 (link 5.7, map 6.2, store
14.1 ms per 1,000 words).

Measured 6 December 2026 (04:32 to 04:47 UTC) after the ingestcpu branch (offline linking through
the process's look-up cache, difflib's upper bounds first, per-process string table for the per-Doc
word lists, namespace terms and slugs kept, the summit and membership scans on per-Doc arrays, the
gazetteer read at the first article, the input's tail in small pool tasks), on the 2-core machine
loaded by another helper's identity benchmarks (``uptime`` load average 4.3 to 5.1 during the
bench, up to 8 during the paired runs): every process got part of a core, so CPU figures are
inflated for all modes alike and the 2-worker wall ratio could not be measured (the whole new-2
run got 0.97 of a core). ``--copies 2 --repeat 3 --modes bare,bare-default,old,new-1,new-2``
(138 articles, 37,988 words), medians: CPU words/s against bare spaCy: bare-default 0.86 (spaCy's
own batch size, 1,000, is slower here than our 16: the ``bare`` row is the stricter baseline), old
0.65, new-1 0.75, new-2 0.64; new-1 ÷ old 1.14; new-2's writer 41.1 ms CPU per 1,000 words.
``--stages`` (ms per 1,000 words, new): spaCy 268, entities 19.6, meetings 7.0, memberships 2.9,
posts 7.9, identity 13.7, link 3.7, map 4.3, store 15.2; total ÷ spaCy 1.267 (link 0.023 → 0.014
and map 0.026 → 0.015 of spaCy's time against last session; identity 0.049 and store 0.054 are
what the writer is left with; issue 13's 0.8 needs 1.25). Main (2343743) against this branch, the
two run at the same time so that they share the load (5 rounds for 1 worker, 3 for 2): 1 worker
349 → 339 ms CPU per 1,000 words (2.9% less, in every round), CPU words/s ÷ bare 0.731 → 0.754;
2 workers 455 → 440 ms CPU per 1,000 words in all, the writer's share 56.1 → 51.1. Applied to last
session's idle figures that is about 0.81 for new-1 (an estimate, not a measurement on an idle
machine). Quads identical to main's (44,424, byte for byte, 1 and 2 workers).

Measured 6 December 2026 on main after ingestcpu and identitygrow were merged, on the idle machine
(load average 0.5 to 1.3), ``--copies 2 --repeat 3 --modes bare,bare-2,old,new-1,new-2``: bare spaCy's
own speed moved by a third between rounds (3,066 to 4,046 CPU words/s: the host, not the load), so
the per-round CPU ratios of new-1 ran 0.56 to 0.85, median 0.71 (old 0.58, new-1 ÷ old 1.21); wall
new-2 ÷ new-1 1.76 (rounds 1.91, 1.68, 1.75) on 1.96 cores, bare-2 ÷ bare 1.81, new-2's writer
56.1 ms CPU per 1,000 words. ``--stages`` right after (load-insensitive): spaCy 298, entities 20.2,
meetings 7.0, memberships 2.9, posts 8.1, identity 14.2, link 4.5, map 4.8, store 17.7; total ÷
spaCy 1.284 (old 1.554): one worker can reach at most 0.78 of bare spaCy, short of 0.8.

``--stages`` now also times bare spaCy (``nlp.pipe``, batches of 16, ``spacy.load``'s model) in each
child, on the same texts, just before the ingest, and prints ``total ÷ bare spaCy``: issue 13's
one-worker ratio measured in one process (words/s against bare = 1 ÷ it). ``total ÷ spaCy`` divides
by the ingest's own spaCy steps, so it cannot show that those steps got cheaper than bare spaCy's.

Measured 6 December 2026 (06:42 to 06:55 UTC) after the cpuratio branch (the attribute ruler's
matches made with dictionaries instead of spaCy's Matcher, 28 -> 4 ms per 1,000 words; the rule
lemmatizer's answers kept for base forms too; the doc's text kept from the input; identity's
gazetteer look-ups through the process's cache), main (190dbe7) as ``--old``, on the 2-core machine
loaded by other helpers (load average 6 to 9): ``--stages --copies 2 --repeat 5`` (138 articles,
37,988 words), medians, CPU ms per 1,000 words, main → cpuratio: spaCy steps 269.1 → 233.9 (bare
spaCy in the same children 254.3 and 267.7), entities 21.1 → 19.3, meetings 7.5 → 7.0, memberships
3.3 → 2.3, posts 8.8 → 7.7, identity 15.1 → 13.2, link 4.3 → 3.7, map 4.8 → 4.3, store 19.2 → 16.8
(store's code unchanged: the old children ran some 10% dearer across the board in this run);
total ÷ spaCy 1.310 → 1.308; **total ÷ bare spaCy 1.344 → 1.105**, i.e. one worker at 0.74 → 0.90
of bare spaCy's CPU words/s. Nearly all of it is spaCy's own steps run cheaper (the same tags,
lemmas, parses: see tests/test_ingest_cpu2.py); the newsgraph steps after spaCy moved from 0.32 to
0.30 of bare spaCy's time. Quads of a full dev ingest identical to main's, 1 and 2 workers, and on
the dev articles twice (44,424 quads, with identity rewrites). A second run right after (07:12 to
07:19, ``--repeat 3``, load 7 to 10): spaCy steps 258.5 → 219.1 (bare 251.8 and 240.5), entities
19.1 → 17.0, meetings 6.8 → 6.4, memberships 2.9 → 1.9, posts 7.8 → 6.9, identity 15.2 → 12.4, link
4.1 → 3.3, map 4.5 → 3.9, store 17.7 → 16.4; total ÷ spaCy 1.307 → 1.320, **total ÷ bare spaCy 1.355
→ 1.207**. The same machine, directly (07:05 to 07:12, ``--copies 2 --repeat 3 --modes
bare,old,new-1``, process CPU, RocksDB's own threads included): CPU words/s ÷ bare old 0.74, new-1
0.86 (rounds 0.86, 0.78, 0.96), new-1 ÷ old 1.16 (1.16, 1.12, 1.18).

On the quiet machine after the merges (lead, 07:50 to 08:02 UTC, load average about 1, nothing else
running), old = b21aaed: ``--stages --copies 2 --repeat 3``: spaCy steps 245.5 → 215.2 (bare spaCy
247.4 and 234.2), store 36.9 → 13.4, identity 29.5 → 11.2, entities 25.2 → 16.7; total ÷ spaCy 1.529
→ 1.294, **total ÷ bare spaCy 1.517 → 1.231** (0.81). Directly, ``--modes bare,bare-2,new-1,new-2
--repeat 5`` (process CPU and wall, medians): new-1 CPU words/s ÷ bare **0.83** (rounds 0.83, 0.83,
0.87, 0.80, 0.93), **new-2 ÷ new-1 wall 1.72** (1.72, 1.77, 1.67, 1.83, 1.60) on 1.96 cores, bare-2 ÷
bare 1.67 on the same machine; an earlier ``--repeat 3`` run gave 0.84 and 1.69 (1.69, 1.80, 1.66).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve()
NEW_SRC = HERE.parent.parent / "src"
MODES = ("bare", "bare-default", "bare-2", "old", "new-1", "old-2", "new-2", "cluster-2")


def _ticks(pid: int) -> int:
    """CPU clock ticks (user + system) used so far by ``pid`` and by every process below it."""
    total = 0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    except OSError:
        return 0
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        total += sum(_ticks(int(c)) for c in children)
    return total


def _cpu() -> float:
    """CPU seconds of this process and of every live descendant (worker processes included)."""
    return _ticks(os.getpid()) / os.sysconf("SC_CLK_TCK")


def child(mode: str, feed: Path, workdir: Path) -> dict[str, float]:
    """One measurement in this interpreter (the parent chose ``PYTHONPATH``)."""
    if mode.startswith("stages"):
        return stages(feed, workdir, mode)
    from newsgraph.facts import Article
    from newsgraph.sources import iter_articles

    items = [a for a in iter_articles([feed]) if isinstance(a, Article)]
    words = sum(len(a.text.split()) for a in items)
    warm = [replace(items[0], id="warm-up")]
    if mode in ("bare", "bare-default"):
        import spacy

        from newsgraph.extract import DEFAULT_MODEL

        nlp = spacy.load(DEFAULT_MODEL)
        list(nlp.pipe([warm[0].text]))
        texts = [a.text for a in items]
        c0, t0 = _cpu(), time.perf_counter()
        # "bare": batches of 16, as newsgraph's; "bare-default": spaCy's own default (nlp.batch_size)
        for _ in nlp.pipe(texts, batch_size=16 if mode == "bare" else None):
            pass
        return {"cpu": _cpu() - c0, "wall": time.perf_counter() - t0, "words": words}

    if mode == "bare-2":
        return _bare_two([a.text for a in items], words)
    from newsgraph import ingest
    from newsgraph.store import GraphStore

    closer = None
    if mode in ("old", "new-1"):
        from newsgraph.extract import Extractor

        extractor = Extractor()
        list(extractor.extract_many(warm))
    elif mode in ("new-2", "old-2"):
        from newsgraph.extract.parallel import PoolExtractor

        extractor = closer = PoolExtractor(2)
        futures = [extractor._started().submit(_sleep_and_load, extractor.settings, warm) for _ in range(2)]
        for f in futures:
            f.result()
    else:
        from newsgraph.distributed import ClusterExtractor
        from newsgraph.extract.parallel import worker_extractor

        extractor = closer = ClusterExtractor("local:2")
        extractor.client.run(worker_extractor, extractor.settings)  # the model in every worker
    store = GraphStore(workdir / f"store-{mode}")
    c0, w0, t0 = _cpu(), _own_cpu(), time.perf_counter()
    report = ingest.run([feed], store, extractor=extractor)
    wall, cpu, writer = time.perf_counter() - t0, _cpu() - c0, _own_cpu() - w0
    if closer is not None:
        closer.close()
    assert not report.errors, report.errors[:3]
    return {"cpu": cpu, "wall": wall, "words": words, "quads": report.quads, "writer": writer}


_NLP: list[object] = []


def _bare_load() -> None:
    """Pool initializer of ``bare-2``: the model, loaded once in each worker process."""
    import spacy

    from newsgraph.extract import DEFAULT_MODEL

    _NLP.append(spacy.load(DEFAULT_MODEL))


def _bare_pipe(texts: list[str], pause: float = 0.0) -> int:
    """``nlp.pipe`` over ``texts`` in batches of 16 in a ``bare-2`` worker (``pause``: warm-up only)."""
    time.sleep(pause)
    for _ in _NLP[0].pipe(texts, batch_size=16):  # type: ignore[attr-defined]
        pass
    return len(texts)


def _bare_two(texts: list[str], words: int) -> dict[str, float]:
    """Bare spaCy on two processes: each worker pipes every other batch of 16 texts, the machine's
    own two-process speed-up (cache and memory shared by both cores), the reference for ``new-2``."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=_bare_load) as pool:
        for f in [pool.submit(_bare_pipe, texts[:1], 1.0) for _ in range(2)]:
            f.result()
        chunks = [texts[i:i + 16] for i in range(0, len(texts), 16)]
        c0, t0 = _cpu(), time.perf_counter()
        for f in [pool.submit(_bare_pipe, chunk) for chunk in chunks]:
            f.result()
        return {"cpu": _cpu() - c0, "wall": time.perf_counter() - t0, "words": words}


def _own_cpu() -> float:
    """CPU seconds of this process alone (the writer: reading, identity, map, store, and pickling)."""
    t = os.times()
    return t.user + t.system


def stages(feed: Path, workdir: Path, tag: str) -> dict[str, float]:
    """CPU seconds (this thread's, so other programs' load does not count) of each step of a 1-worker
    ingest: spaCy, each newsgraph component, link, identity, map, store. Works on old and new trees
    alike: it wraps whatever of these names the tree has."""
    import importlib

    from newsgraph import ingest, mapping
    from newsgraph.extract import Extractor, _Component
    from newsgraph.facts import Article
    from newsgraph.sources import iter_articles
    from newsgraph.store import GraphStore

    spent: dict[str, float] = {}
    depth: list[str] = []

    def timed(name: str, fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            t0 = time.thread_time()
            depth.append(name)
            try:
                return fn(*args, **kwargs)
            finally:
                depth.pop()
                dt = time.thread_time() - t0
                spent[name] = spent.get(name, 0.0) + dt
                if depth:  # report each step's own time: take it out of the step that called it
                    spent[depth[-1]] = spent.get(depth[-1], 0.0) - dt
        return wrapper

    component_call = _Component.__call__
    _Component.__call__ = lambda self, doc: timed(f"rules:{self.name.removeprefix('newsgraph_')}",  # type: ignore[method-assign]
                                                  component_call)(self, doc)
    mapping.to_quads = timed("map", mapping.to_quads)  # type: ignore[assignment]
    for mod, names in (("newsgraph.ingest", ("link", "rewrite", "link_offline")),):
        m = importlib.import_module(mod)
        for name in names:
            if hasattr(m, name):
                setattr(m, name, timed("identity" if name == "rewrite" else "link", getattr(m, name)))
    GraphStore.replace_article = timed("store", GraphStore.replace_article)  # type: ignore[method-assign]
    GraphStore.flush = timed("store", GraphStore.flush)  # type: ignore[method-assign]
    try:
        from newsgraph.link.identity import IdentityIndex
    except ImportError:
        from newsgraph.identity import IdentityIndex  # type: ignore[no-redef]
    for name in ("open", "from_store", "resolve", "learn", "backfill", "forget", "close"):
        if name in IdentityIndex.__dict__:
            attr = IdentityIndex.__dict__[name]
            if isinstance(attr, classmethod):
                setattr(IdentityIndex, name, classmethod(timed("identity", attr.__func__)))
            else:
                setattr(IdentityIndex, name, timed("identity", attr))

    items = [a for a in iter_articles([feed]) if isinstance(a, Article)]
    words = sum(len(a.text.split()) for a in items)
    extractor = Extractor()
    list(extractor.extract_many([replace(items[0], id="warm-up")]))
    spent.clear()
    many = extractor.extract_many

    def extract_many(articles: object) -> Iterator[object]:
        it = many(articles)  # type: ignore[arg-type]
        while True:
            t0 = time.thread_time()
            try:
                item = next(it)
            except StopIteration:
                spent["extract"] = spent.get("extract", 0.0) + time.thread_time() - t0
                return
            spent["extract"] = spent.get("extract", 0.0) + time.thread_time() - t0
            yield item

    extractor.extract_many = extract_many  # type: ignore[method-assign]
    store = GraphStore(workdir / f"store-stages-{tag}")
    bare = _bare_thread_cpu([a.text for a in items])
    t0 = time.thread_time()
    ingest.run([feed], store, extractor=extractor)
    total = time.thread_time() - t0
    rules = sum(v for k, v in spent.items() if k.startswith("rules:"))
    out = {k: v for k, v in spent.items() if k != "extract"}
    out["spacy"] = spent.get("extract", 0.0) - rules
    out["other"] = total - sum(out.values())
    out["total"] = total
    out["words"] = words
    out["bare"] = bare
    return out


def _bare_thread_cpu(texts: list[str]) -> float:
    """This thread's CPU seconds for bare spaCy (``nlp.pipe``, batches of 16, the model as
    ``spacy.load`` gives it) on ``texts``: the peer of issue 13, measured in the same process just
    before the ingest, warmed up on one text as the ingest's pipeline is (so that both meet every
    other text, and fill their caches, for the first time)."""
    import spacy

    from newsgraph.extract import DEFAULT_MODEL

    nlp = _BARE.get("nlp")
    if nlp is None:
        nlp = _BARE["nlp"] = spacy.load(DEFAULT_MODEL)
        list(nlp.pipe(texts[:1]))  # type: ignore[attr-defined]
    t0 = time.thread_time()
    for _ in nlp.pipe(texts, batch_size=16):  # type: ignore[attr-defined]
        pass
    return time.thread_time() - t0


_BARE: dict[str, object] = {}


def _sleep_and_load(settings: object, warm: list[object]) -> None:
    """Run in each pool worker before timing: load the model there and extract (and link) one article,
    as the one-process modes do before timing, so that the gazetteer's indexes, built on first use,
    are not timed in one mode and not in the other (the sleep keeps both workers busy)."""
    from newsgraph.extract.parallel import extract_batch, worker_extractor

    time.sleep(1)
    worker_extractor(settings)  # type: ignore[arg-type]
    try:
        extract_batch(warm, settings, link=True)  # type: ignore[arg-type]
    except TypeError:  # a tree whose workers do not link
        extract_batch(warm, settings)  # type: ignore[arg-type]


def run_child(mode: str, feed: Path, workdir: Path, old_src: Path) -> dict[str, float]:
    src = old_src if mode in ("old", "old-2", "stages-old") else NEW_SRC
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{HERE.parent}"}
    out = subprocess.run([sys.executable, str(HERE), "--child", mode, str(feed), str(workdir)], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_feed(source: Path, copies: int, path: Path) -> tuple[int, int]:
    sys.path.insert(0, str(NEW_SRC))
    from newsgraph.facts import Article
    from newsgraph.sources import iter_articles

    base = [a for a in iter_articles([source]) if isinstance(a, Article)]
    n = words = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(copies):
            for a in base:
                fh.write(json.dumps({"id": f"{a.id}-c{i}", "title": a.title, "text": a.text,
                                     "published": a.published.isoformat() if a.published else None}) + "\n")
                n += 1
                words += len(a.text.split())
    return n, words


def print_stages(feed: Path, tmp: Path, old: Path, repeat: int, n: int, words: int) -> None:
    """Median CPU ms per 1,000 words of each step, old and new, and each step's share of spaCy's time."""
    got: dict[str, list[dict[str, float]]] = {"stages-old": [], "stages-new": []}
    for _ in range(repeat):
        for mode in got:
            got[mode].append(run_child(mode, feed, tmp, old))
    print(f"{n} articles, {words} words; CPU ms per 1,000 words (thread CPU time, median of {repeat})")
    steps = sorted({k for rs in got.values() for r in rs for k in r if k not in ("words", "total", "bare")},
                   key=lambda k: (k != "spacy", not k.startswith("rules"), k))
    print(f"{'step':<22}{'old':>9}{'new':>9}{'old ÷ spaCy':>13}{'new ÷ spaCy':>13}")
    med = statistics.median
    for step in [*steps, "total"]:
        vals = [med(r.get(step, 0.0) * 1e6 / r["words"] for r in got[m]) for m in got]
        shares = [med(r.get(step, 0.0) / r["spacy"] for r in got[m]) for m in got]
        print(f"{step:<22}{vals[0]:>9.1f}{vals[1]:>9.1f}{shares[0]:>13.3f}{shares[1]:>13.3f}")
    bare = [med(r["bare"] * 1e6 / r["words"] for r in got[m]) for m in got]
    print(f"{'bare spaCy':<22}{bare[0]:>9.1f}{bare[1]:>9.1f}")
    ratios = [med(r["total"] / r["bare"] for r in got[m]) for m in got]
    print(f"{'total ÷ bare spaCy':<22}{ratios[0]:>9.3f}{ratios[1]:>9.3f}")
    print("total ÷ spaCy is the best words/s ratio to bare spaCy one process can reach if our pipeline's "
          "spaCy steps cost what bare spaCy's do; total ÷ bare spaCy divides by bare nlp.pipe on the same "
          "texts, timed in the same process just before the ingest (thread CPU): "
          "issue 13's 0.8 needs it at 1.25 or below")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="?", default="/work/shared/eval/dev/articles")
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--old", type=Path, default=Path("/work/wt/base/src"))
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of " + ", ".join(MODES))
    ap.add_argument("--stages", action="store_true",
                    help="instead: CPU seconds per step of a 1-worker ingest, old and new (load-insensitive)")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "FEED", "WORKDIR"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        mode, feed, workdir = a.child
        print(json.dumps(child(mode, Path(feed), Path(workdir))))
        return
    modes = [m for m in a.modes.split(",") if m]
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        feed = Path(tmp) / "feed.jsonl"
        n, words = write_feed(Path(a.articles), a.copies, feed)
        if a.stages:
            print_stages(feed, Path(tmp), a.old, a.repeat, n, words)
            return
        print(f"{n} articles, {words} words; cores {os.cpu_count()}; load average at start "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        rounds: list[dict[str, dict[str, float]]] = []
        for r in range(a.repeat):
            got: dict[str, dict[str, float]] = {}
            for mode in modes:
                got[mode] = run_child(mode, feed, Path(tmp), a.old)
                g = got[mode]
                writer = f"  writer {g['writer'] / g['wall']:.2f} cores" if "writer" in g else ""
                print(f"  round {r + 1} {mode:<10} {g['words'] / g['cpu']:>8.0f} words/s CPU "
                      f"{g['words'] / g['wall']:>8.0f} words/s wall  {g['cpu'] / g['wall']:.2f} cores{writer}",
                      flush=True)
            rounds.append(got)
        print(f"load average at end {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        med = statistics.median

        def rate(mode: str, clock: str) -> float:
            return med(g[mode]["words"] / g[mode][clock] for g in rounds)

        def ratio(mode: str, clock: str, ref: str = "bare") -> float:
            return med((g[mode]["words"] / g[mode][clock]) / (g[ref]["words"] / g[ref][clock]) for g in rounds)

        print(f"\n{'median of ' + str(a.repeat) + ' rounds':<24}{'words/s CPU':>12}{'words/s wall':>14}"
              f"{'cores':>7}{'CPU ÷ bare':>12}{'wall ÷ bare':>13}")
        for mode in modes:
            cores = med(g[mode]["cpu"] / g[mode]["wall"] for g in rounds)
            print(f"{mode:<24}{rate(mode, 'cpu'):>12.0f}{rate(mode, 'wall'):>14.0f}{cores:>7.2f}"
                  f"{ratio(mode, 'cpu'):>12.2f}{ratio(mode, 'wall'):>13.2f}")
        if "new-1" in modes and "old" in modes:
            print(f"new-1 ÷ old (CPU): {ratio('new-1', 'cpu', 'old'):.2f}")
        if "new-2" in modes and "new-1" in modes:
            print(f"new-2 ÷ new-1 (wall): {ratio('new-2', 'wall', 'new-1'):.2f}")
        if "new-2" in modes and "bare-2" in modes:
            print(f"bare-2 ÷ bare (wall): {ratio('bare-2', 'wall', 'bare'):.2f}; "
                  f"new-2 ÷ bare-2 (wall): {ratio('new-2', 'wall', 'bare-2'):.2f}")
        if "new-2" in modes and "old-2" in modes:
            print(f"new-2 ÷ old-2 (wall): {ratio('new-2', 'wall', 'old-2'):.2f}")
        for mode in ("old", "new-1", "old-2", "new-2"):
            if mode in modes:  # load-independent: CPU of the writer process alone per 1,000 words
                print(f"{mode}: writer process CPU ms per 1,000 words "
                      f"{med(g[mode]['writer'] * 1e6 / g[mode]['words'] for g in rounds):.1f}"
                      + ("" if mode.endswith("-2") else " (it extracts too)"))
        if "cluster-2" in modes and "new-1" in modes:
            print(f"cluster-2 ÷ new-1, one process (wall): {ratio('cluster-2', 'wall', 'new-1'):.2f}")
        quads = {g[m].get("quads") for g in rounds for m in modes if m != "bare"}
        print(f"quads stored per run: {sorted(q for q in quads if q is not None)}")


if __name__ == "__main__":
    main()
