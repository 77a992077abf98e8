"""Ingest throughput against the bare engines, in one run.

Prints articles per second for: spaCy's own ``nlp.pipe`` with the same model (the floor we build
on), newsgraph's extractor (spaCy + our components), and the whole ingest (read → extract → link →
map → store into a temporary on-disk Oxigraph store), with ratios to the bare spaCy figure, plus
peak resident memory. Usage::

    python bench/bench_ingest.py [ARTICLES_DIR_OR_FILES ...] [--repeat N]

Without paths it uses the bundled samples, repeated to a few hundred articles.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import spacy

import newsgraph
from newsgraph import ingest
from newsgraph.extract import DEFAULT_MODEL, Extractor
from newsgraph.facts import Article
from newsgraph.sources import iter_articles
from newsgraph.store import GraphStore


def load_articles(paths: list[str], repeat: int) -> list[Article]:
    sources = paths or [str(Path(newsgraph.__file__).parent / "samples")]
    base = [a for a in iter_articles([Path(p) for p in sources]) if isinstance(a, Article)]
    return [replace(a, id=f"{a.id}-{i}") for i in range(repeat) for a in base]


def timed(label: str, n: int, fn) -> float:
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    print(f"{label:<34}{n / dt:>10.1f} articles/s  ({dt:.2f} s)")
    return n / dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=60)
    a = ap.parse_args()
    articles = load_articles(a.paths, a.repeat if not a.paths else 1)
    texts = [x.text for x in articles]
    n = len(articles)
    chars = sum(len(t) for t in texts)
    print(f"{n} articles, {chars / n:.0f} characters each on average")

    nlp = spacy.load(DEFAULT_MODEL)
    bare = timed("spaCy nlp.pipe (bare model)", n, lambda: list(nlp.pipe(texts, batch_size=16)))
    extractor = Extractor()
    ext = timed("newsgraph extractor", n, lambda: list(extractor.extract_many(articles)))
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        store = GraphStore(Path(tmp) / "store")

        # the real thing: files on disk → store
        src = Path(tmp) / "articles.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for x in articles:
                fh.write(json.dumps({"id": x.id, "text": x.text, "title": x.title,
                                     "published": x.published.isoformat() if x.published else None}) + "\n")
        full = timed("newsgraph ingest (to Oxigraph)", n, lambda: ingest.run([src], store, extractor=extractor))
        print(f"store: {len(store)} quads")
    print(f"ratio extractor / bare spaCy: {ext / bare:.2f}")
    print(f"ratio ingest / bare spaCy:    {full / bare:.2f}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
