"""Size and load time of the shipped gazetteer, and how load time would grow.

Why: the gazetteer is loaded once per process but will grow from a few thousand entries to tens of
thousands (people, posts, parties, bodies). This prints what a load costs today and, with
``--scale``, on a synthetic document K times larger, so the one-index design can be judged before
the data arrives.

    python bench/bench_gazetteer.py [--runs 15] [--scale 20]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from importlib import resources
from typing import Any

from newsgraph.link.gazetteer import Gazetteer, decode

LOOKUPS = ("Turkish", "U.S.", "Britain's", "Emirati", "Moscow", "Geneva", "NATO", "BRICS", "Atlantis", "who")


def _median_load(raw: bytes, runs: int) -> float:
    """Median seconds to decompress, parse and index ``raw`` as :meth:`Gazetteer.load` does
    (garbage collection paused), without its cache."""
    from newsgraph.link.gazetteer import _gc_paused

    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        with _gc_paused():
            Gazetteer(decode(raw))
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _scaled(doc: dict[str, Any], k: int) -> dict[str, Any]:
    """``doc`` with its places repeated ``k`` times under distinct names (a stand-in for growth)."""
    places = [
        {**p, "name": f"{p['name']} {i}", "aliases": [f"{a} {i}" for a in p.get("aliases", ())]}
        for i in range(k) for p in doc["places"]
    ]
    return {**doc, "places": places}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--scale", type=int, default=20)
    args = ap.parse_args()

    res = resources.files("newsgraph").joinpath(Gazetteer.DEFAULT_RESOURCE)
    raw = res.read_bytes()
    doc = decode(raw)
    gaz = Gazetteer.load()
    plain = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    print(f"entries: {len(gaz):,} {gaz.stats()}")
    print(f"bytes on disk: {len(raw):,} (gzip of {len(plain):,} bytes of JSON)")
    print(f"load (decompress + parse + index), median of {args.runs}: {_median_load(raw, args.runs) * 1000:.1f} ms")
    t0 = time.perf_counter()
    gaz.persons_named("x")  # the person index is built on first person look-up
    print(f"person index (first person look-up): {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    gaz.bodies_named("x")  # likewise the parties
    print(f"body index (first party look-up): {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    for _ in range(2000):
        for name in ("Labour Party", "AfD", "Conservative Party", "Nobody's Party"):
            gaz.bodies_named(name)
    print(f"body look-ups: {(time.perf_counter() - t0) / 8000 * 1e6:.1f} us each")
    t0 = time.perf_counter()
    for _ in range(2000):
        for name in ("Sergey Shoygu", "Shoygu", "Xi Jinping", "Jane Nobody"):
            gaz.persons_named(name) or gaz.persons_by_surname(name)
    print(f"person look-ups: {(time.perf_counter() - t0) / 8000 * 1e6:.1f} us each")

    t0 = time.perf_counter()
    n = 0
    for _ in range(2000):
        for text in LOOKUPS:
            gaz.country(text) or gaz.place(text) or gaz.organization(text)
            n += 1
    print(f"look-ups: {(time.perf_counter() - t0) / n * 1e6:.1f} us each (country, then place, then org)")

    if args.scale > 1:
        big = gzip.compress(json.dumps(_scaled(doc, args.scale), ensure_ascii=False,
                                       separators=(",", ":")).encode(), mtime=0)
        entries = len(Gazetteer(decode(big)))
        print(f"scaled x{args.scale}: {entries:,} entries, {len(big):,} bytes, "
              f"load median {_median_load(big, max(3, args.runs // 3)) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
