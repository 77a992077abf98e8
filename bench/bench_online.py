"""What online linking costs: HTTP requests and cache bytes per article, against recorded answers.

Why: ``newsgraph ingest --online`` asks Wikidata about every person and organization the gazetteer
cannot link. Users (and Wikimedia) should know how many requests a run makes and how big the cache
grows. This ingests the bundled samples plus the online tests' own articles, twice, through the
real extractor and linker, with the client pointed at the recorded-answer server of the tests
(``tests/wikidata_server.py``, 127.0.0.1, action API and query service): the first run fills the
cache, the second must make no request at all.

The recorded server knows a handful of names and answers the API's empty result for the others,
so cache bytes are for that mix; the figure per linked-and-fetched item is printed apart, so the
cost of a batch where many names are found can be estimated.

    python bench/bench_online.py [ARTICLES...] [--copies 1]
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from newsgraph.extract import Extractor  # noqa: E402
from newsgraph.facts import Article  # noqa: E402
from newsgraph.link.gazetteer import Gazetteer  # noqa: E402
from newsgraph.link.reconcile import Reconciler  # noqa: E402
from newsgraph.link.wikidata_api import Cache, WikidataClient  # noqa: E402
from newsgraph.sources import iter_articles  # noqa: E402
from wikidata_server import RecordedWikidata  # noqa: E402

OWN = [
    Article("visit", published=date(2024, 3, 12), text=(
        "Turkish Foreign Minister Hakan Fidan held talks in Ankara on Tuesday with his Hungarian counterpart. "
        "Turkey's Foreign Ministry said the two ministers discussed trade, energy and the war in Ukraine.")),
    Article("bakery", published=date(2024, 3, 12), text=(
        "Hakan Fidan opened a bakery on the harbour road last week, and customers queued for bread.")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="Articles (default: the bundled samples).")
    parser.add_argument("--copies", type=int, default=1, help="Ingest the article set this many times per run.")
    args = parser.parse_args()
    paths = args.paths or [ROOT / "src" / "newsgraph" / "samples"]
    samples = [a for a in iter_articles(paths) if isinstance(a, Article)]
    articles = (samples + OWN) * args.copies
    extractor, gaz = Extractor(), Gazetteer.load()
    facts = [extractor.extract(a) for a in articles]
    with tempfile.TemporaryDirectory() as tmp, RecordedWikidata() as wd:
        cache = Cache(Path(tmp) / "wikidata-cache.sqlite")
        for run in ("first run (cache empty)", "second run (cache full)"):
            client = WikidataClient(cache, wd.api, sparql=wd.sparql, min_interval=0)
            rec = Reconciler(client)
            before = len(wd.log)
            t0 = time.perf_counter()
            linked = 0
            for f in facts:
                out = rec.link(copy.deepcopy(f), gaz)
                linked += sum(1 for e in out.entities.values() if e.wikidata and e.kind in ("person", "organization"))
            secs = time.perf_counter() - t0
            searches = sum(1 for r in wd.log[before:] if r.get("action") == "wbsearchentities")
            gets = sum(1 for r in wd.log[before:] if r.get("action") == "wbgetentities")
            queries = sum(1 for r in wd.log[before:] if r.get("_path") == "/sparql")
            n = len(facts)
            print(f"{run}: {n} articles, {client.requests} requests ({searches} wbsearchentities, {gets} "
                  f"wbgetentities, {queries} subclass queries) = {client.requests / n:.2f} per article; "
                  f"persons+orgs linked {linked}; "
                  f"{secs / n * 1000:.0f} ms per article on 127.0.0.1")
        rows = cache._db.execute("SELECT key, LENGTH(CAST(body AS BLOB)) + LENGTH(key) + LENGTH(fetched) "
                                 "FROM answers").fetchall()
        entity_bytes = [b for k, b in rows if k.startswith("entity:") and b > 60]
        total = cache.size()
        print(f"cache: {len(rows)} answers, {total:,} bytes = {total / n:,.0f} bytes per article "
              f"({total / n * 1000 / 1024:,.0f} KiB per 1,000 articles); file {cache.path.stat().st_size:,} bytes")
        if entity_bytes:
            print(f"one fetched item: {sum(entity_bytes) / len(entity_bytes):,.0f} bytes on average "
                  f"({len(entity_bytes)} items)")


if __name__ == "__main__":
    main()
