"""Seconds per 100 articles ingested into each store: embedded Oxigraph, Oxigraph server, Virtuoso 7.

Usage: python bench/bench_remote.py [ARTICLES_DIR] [--rounds N]. Starts the servers itself (see
tests/remote_servers.py), runs ``newsgraph ingest`` into a fresh store of each kind, interleaved,
``--rounds`` times, and prints the median seconds per 100 articles and the ratio to the embedded
store. Extraction (spaCy) is most of every figure; the difference between the rows is the store.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from remote_servers import Unavailable, start


def ingest(articles: Path, store: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsgraph.cli", "ingest", str(articles), "--store", store, "-q"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


class Replay:
    """An extractor that hands back facts extracted once, so a run times only the coordinator's part:
    linking with identity resolution, mapping to quads and writing (the sequential part at scale)."""

    def __init__(self, facts: list) -> None:
        self.facts = facts

    def extract_many(self, articles):  # type: ignore[no-untyped-def]
        import copy

        for _article, facts in zip(articles, self.facts, strict=False):
            yield copy.deepcopy(facts)


def coordinator(articles: Path, stores: dict[str, str]) -> dict[str, float]:
    """Seconds for the coordinator's part (no extraction) into each store, in this process."""
    from newsgraph import ingest as ingest_mod
    from newsgraph.extract import Extractor
    from newsgraph.remote_store import open_store
    from newsgraph.sources import iter_articles

    extractor = Extractor()
    facts = list(extractor.extract_many(a for a in iter_articles([articles]) if not isinstance(a, Exception)))
    out = {}
    for name, spec in stores.items():
        store = open_store(spec)
        started = time.perf_counter()
        ingest_mod.run([articles], store, extractor=Replay(facts))  # type: ignore[arg-type]
        out[name] = time.perf_counter() - started
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("articles", nargs="?", default="/work/shared/eval/dev/articles", type=Path)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    n = sum(1 for p in args.articles.rglob("*") if p.is_file())
    work = Path(tempfile.mkdtemp(prefix="bench-remote-"))
    times: dict[str, list[float]] = {"embedded": [], "oxigraph server": [], "virtuoso 7": []}
    coord: dict[str, list[float]] = {name: [] for name in times}
    try:
        for r in range(args.rounds):
            # The embedded ingest first, before the servers start (a starting Virtuoso works for a while).
            times["embedded"].append(ingest(args.articles, str(work / f"embedded-{r}")))
            servers = {}
            for kind, name in (("oxigraph", "oxigraph server"), ("virtuoso", "virtuoso 7")):
                try:
                    servers[name] = start(kind, work / f"{kind}-{r}")
                except Unavailable as exc:
                    print(f"{name}: skipped ({exc})")
            time.sleep(5)  # let them settle
            try:
                for name, server in servers.items():
                    times[name].append(ingest(args.articles, server.spec))
                # The same articles again into the same stores, extraction left out: every article
                # replaces its graph, as a re-run over an archive does.
                specs = {"embedded": str(work / f"embedded-{r}")}
                specs |= {name: server.spec for name, server in servers.items()}
                for name, secs in coordinator(args.articles, specs).items():
                    coord[name].append(secs)
            finally:
                for server in servers.values():
                    server.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{n} articles, {args.rounds} round(s); median seconds per 100 articles:")
    for title, table in (("whole ingest (newsgraph ingest)", times),
                         ("coordinator only (link + identity + map + write; re-ingest)", coord)):
        print(f" {title}:")
        base = statistics.median(table["embedded"])
        for name, values in table.items():
            if values:
                m = statistics.median(values)
                print(f"  {name:16s} {100 * m / n:6.1f} s   ({m / base:.2f}x embedded)")


if __name__ == "__main__":
    main()
