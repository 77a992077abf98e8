"""Do two builds of the identity replay publish the same quads? (exactness check for identity work)

Usage: ``python bench/identity_replay_diff.py STORE_A STORE_B`` with two stores made by
``bench/bench_identity.py --child build`` (one with the old code's src on PYTHONPATH, one with the new).
Each store is dumped as sorted N-Quads, leaving out the quads that differ between two runs of the same
code (``prov:endedAtTime``, the time of the ingest run);
prints the count of quads of each and the first differences, and exits 1 when they differ.
``--dump FILE`` writes the first store's sorted lines (to look at what was left out).
"""

from __future__ import annotations

import argparse
import sys

import pyoxigraph as ox

from newsgraph.vocab import PROV

#: Predicates whose objects are the time of the run, not what the articles say.
RUN_TIME = (PROV.endedAtTime.value,)


def lines(path: str, skip: tuple[str, ...]) -> list[str]:
    """The store's quads as N-Quads lines, sorted, without those whose predicate is in ``skip``."""
    store = ox.Store.read_only(path)
    out = []
    for q in store.quads_for_pattern(None, None, None, None):
        if q.predicate.value in skip:
            continue
        out.append(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .")
    out.sort()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--skip", action="append", default=list(RUN_TIME), help="a predicate IRI to leave out")
    ap.add_argument("--dump", default=None)
    args = ap.parse_args()
    skip = tuple(args.skip)
    a, b = lines(args.a, skip), lines(args.b, skip)
    if args.dump:
        with open(args.dump, "w") as fh:
            fh.write("\n".join(a) + "\n")
    sa, sb = set(a), set(b)
    only_a, only_b = sorted(sa - sb), sorted(sb - sa)
    print(f"{args.a}: {len(a)} quads; {args.b}: {len(b)} quads; only in the first {len(only_a)}, "
          f"only in the second {len(only_b)}")
    for line in only_a[:15]:
        print("-", line)
    for line in only_b[:15]:
        print("+", line)
    sys.exit(1 if only_a or only_b or len(a) != len(b) else 0)


if __name__ == "__main__":
    main()
