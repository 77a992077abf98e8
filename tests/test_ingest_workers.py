"""Ingest on several cores (``newsgraph ingest --workers N``): the same quads as in one process,
results in article order, errors and dead workers reported per article, Ctrl-C leaves no process.

The articles are written here (wire-copy shapes, facts only). One name comes back as a bare
surname in a later article, so identity resolution (done by the single writer) is exercised, and
one article is longer than a chunk, so the chunking runs inside a worker.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from newsgraph import ingest
from newsgraph.extract import ExtractionError, Extractor
from newsgraph.extract.parallel import WORKER_DIED, ExtractorSettings, PoolExtractor, extract_article, extract_batch
from newsgraph.facts import Article, ArticleFacts
from newsgraph.store import GraphStore
from proc_helpers import alive, children_of

_LONG_PARAGRAPH = ("German Chancellor Olaf Scholz received French President Emmanuel Macron in Berlin on "
                   "Wednesday. The two leaders discussed support for Ukraine and the budget of the European "
                   "Union, aides to both men said after the talks.")

ARTICLES = [
    {"id": "w-01", "title": "Fidan in Moscow", "published": "2024-06-10",
     "text": "Turkish Foreign Minister Hakan Fidan met Russian Foreign Minister Sergei Lavrov in Moscow on "
             "Monday. The ministers talked about grain exports across the Black Sea, a spokesman said."},
    {"id": "w-02", "title": "Ankara talks", "published": "2024-06-12",
     "text": "On Wednesday, Turkish Foreign Minister Fidan met Hungarian Foreign Minister Peter Szijjarto in "
             "Ankara. Szijjarto said Hungary wanted closer ties on energy."},
    {"id": "w-03", "title": "Cabinet", "published": "2024-06-13",
     "text": "Polish Prime Minister Donald Tusk named Radoslaw Sikorski as foreign minister on Wednesday. "
             "Sikorski, a former defence minister, replaces Zbigniew Rau."},
    {"id": "w-04", "title": "Summit", "published": "2024-06-14",
     "text": "\n\n".join(_LONG_PARAGRAPH for _ in range(100))},  # about 20,700 characters: two chunks
    {"id": "w-05", "title": "Bloc", "published": "2024-06-15",
     "text": "Sweden became the 32nd member of NATO on Thursday, Secretary General Jens Stoltenberg said in "
             "Brussels. Finland joined the alliance last year."},
    {"id": "w-06", "title": "Calls", "published": "2024-06-16",
     "text": "U.S. Secretary of State Antony Blinken spoke by phone with Lavrov on Friday, the State "
             "Department said."},
]


@pytest.fixture(scope="module")
def pool() -> Iterator[PoolExtractor]:
    """Two worker processes, batches of two articles (several in flight, finishing in any order)."""
    with PoolExtractor(2, batch_size=2) as extractor:
        yield extractor


def write_articles(folder: Path) -> Path:
    path = folder / "feed.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    return path


def sorted_nquads(store: GraphStore) -> list[str]:
    """The store's quads as sorted N-Quads lines, with the ingest run's timestamps blanked."""
    buf = io.BytesIO()
    store.dump(buf, ox.RdfFormat.N_QUADS)
    stamp = re.compile(r'(<http://www\.w3\.org/ns/prov#endedAtTime> )"[^"]*"')
    return sorted(stamp.sub(r'\1"T"', line) for line in buf.getvalue().decode("utf-8").splitlines())


def articles() -> list[Article]:
    from datetime import date

    return [Article(a["id"], a["text"], a["title"], published=date.fromisoformat(a["published"])) for a in ARTICLES]


def test_same_quads_with_one_and_two_workers(tmp_path: Path, extractor: Extractor, pool: PoolExtractor) -> None:
    feed = write_articles(tmp_path)
    one = GraphStore(tmp_path / "one")
    report_one = ingest.run([feed], one, extractor=extractor)
    two = GraphStore(tmp_path / "two")
    report_two = ingest.run([feed], two, extractor=pool)
    assert report_one.errors == report_two.errors == []
    assert report_two.articles == len(ARTICLES)
    quads = sorted_nquads(one)
    assert len(quads) > 500
    assert quads == sorted_nquads(two)
    # the writer resolved the bare "Fidan" of w-02 to the person of w-01 in both runs
    assert any("/graph/article/w-02>" in q and "hakan-fidan" in q for q in quads)


def test_results_come_back_in_article_order(extractor: Extractor, pool: PoolExtractor) -> None:
    items = articles()
    expected = list(extractor.extract_many(items))
    got = list(pool.extract_many(items))  # the batch with the long w-04 finishes after the next one
    assert [r.article.id for r in got] == [a.id for a in items]  # type: ignore[union-attr]
    assert got == expected


def test_an_article_failing_in_a_worker_is_reported_and_the_others_go_on(extractor: Extractor,
                                                                        pool: PoolExtractor) -> None:
    good = articles()[:2]
    bad = Article("w-bad", good[0].text, published="last Monday")  # type: ignore[arg-type]  # not a date
    items = [good[0], bad, good[1]]
    got = list(pool.extract_many(items))
    assert isinstance(got[0], ArticleFacts) and isinstance(got[2], ArticleFacts)
    assert isinstance(got[1], ExtractionError)
    assert str(got[1]) == str(next(extractor.extract_many([bad])))  # the message the in-process run gives
    assert "w-bad: extraction failed: newsgraph_meetings" in str(got[1])
    assert got[1].article == bad


class _KillsItsWorker:
    """A value whose unpickling ends the process that unpickles it: a worker crash, on cue."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return os._exit, (3,)


def test_a_dead_worker_is_reported_and_the_run_goes_on(extractor: Extractor, pool: PoolExtractor) -> None:
    items = articles()[:3]
    crash = Article("w-crash", "A short text.", published=_KillsItsWorker())  # type: ignore[arg-type]
    batch = [items[0], crash, items[1], items[2]]
    got = list(pool.extract_many(batch))
    assert [r.article.id for r in got] == ["w-01", "w-crash", "w-02", "w-03"]  # type: ignore[union-attr]
    assert isinstance(got[1], ExtractionError) and WORKER_DIED in str(got[1])
    assert [got[0], got[2], got[3]] == list(extractor.extract_many(items))  # its batch-mate was retried


def test_the_worker_function_runs_in_any_process(extractor: Extractor) -> None:
    """extract_article / extract_batch are what an executor runs: top level, picklable, never raising."""
    import pickle

    item = articles()[0]
    assert pickle.loads(pickle.dumps(extract_article)) is extract_article
    assert extract_article(item) == extractor.extract(item)
    missing = extract_batch([item], ExtractorSettings(model_name="no_such_model_package"))
    assert isinstance(missing[0], ExtractionError) and "could not load the pipeline" in str(missing[0])
    err = pickle.loads(pickle.dumps(missing[0]))
    assert str(err) == str(missing[0]) and err.article == item


def test_cli_workers_option_and_ctrl_c_leaves_no_process(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(400):  # enough work that the run is still going when it is interrupted (40 were not)
        (folder / f"a{i:02d}.txt").write_text(ARTICLES[i % 3]["text"] * 6, encoding="utf-8")
    cmd = [sys.executable, "-m", "newsgraph.cli", "ingest", str(folder), "--store", str(tmp_path / "s"),
           "--workers", "2", "-q"]
    # A signal ignored here stays ignored in the child across fork and exec (a handled one is reset to
    # the default), and pytest itself may run with SIGINT ignored: a non-interactive shell starts its
    # background jobs so (`.ci/run &`). The ingest must start as from a terminal, with Ctrl-C live.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    children: set[int] = set()
    deadline = time.monotonic() + 120
    while len(children) < 2 and time.monotonic() < deadline and proc.poll() is None:
        children = set(children_of().get(proc.pid, []))
        time.sleep(0.2)
    assert len(children) >= 2, "the worker processes never started"
    time.sleep(3)  # let them load the model and start extracting
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends: the whole process group
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("ingest did not stop on Ctrl-C")
    assert proc.returncode != 0, ("the run went on to its end after Ctrl-C; it printed: "
                                  + (proc.stdout.read() + proc.stderr.read()).decode(errors="replace")[-3000:])
    for _ in range(50):
        left = {pid for pid in children if alive(pid)}
        if not left:
            break
        time.sleep(0.1)
    assert not left, f"worker processes left behind: {left}"


def test_workers_default_to_the_cores_except_for_small_inputs(tmp_path: Path) -> None:
    from newsgraph.extract.parallel import SMALL_INPUT_BYTES, auto_workers, default_workers

    small = tmp_path / "small"
    small.mkdir()
    (small / "a.txt").write_text(ARTICLES[0]["text"], encoding="utf-8")
    assert auto_workers([small]) == 1  # starting workers would cost more than it saves
    big = tmp_path / "big"
    big.mkdir()
    for i in range(SMALL_INPUT_BYTES // 100_000 + 1):
        (big / f"b{i}.txt").write_text("x " * 50_000, encoding="utf-8")
    assert auto_workers([big]) == default_workers() >= 1
    assert default_workers() <= (os.cpu_count() or 1)
