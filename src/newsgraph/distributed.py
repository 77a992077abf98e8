"""Extraction on a cluster: Dask distributed workers extract, this process links and stores in order.

``newsgraph ingest --cluster local:2`` starts a local Dask cluster of two worker processes;
``--cluster tcp://host:8786`` uses a running scheduler (workers started with ``dask worker``
on any number of machines that have newsgraph and its model installed). Articles are read here,
cut into batches (:func:`newsgraph.extract.parallel.batches`) and sent to the workers, which run
:func:`~newsgraph.extract.parallel.extract_batch`: the same function as the process pool, with
the pipeline loaded once per worker process (:func:`~newsgraph.extract.parallel.worker_extractor`
keeps it). Their :class:`~newsgraph.facts.ArticleFacts` come back and are written by
:func:`newsgraph.ingest.run` in article order, so a cluster run stores the same quads as a run in
one process.

Why the workers stop at extraction: spaCy and the rules are about 90% of an ingest's CPU; what
follows needs the archive. Identity resolution is the sequential part: whether "Fidan" in this
article is the Hakan Fidan of an earlier one, and which earlier graphs a new article rewrites,
depends on every article stored before it (:mod:`newsgraph.link.identity`), so two workers deciding
identities at once would each miss the other's articles and mint two IRIs for one person. Doing it
in one place, in article order, keeps the IRIs a function of the input, whatever the number of
workers. Linking to the offline gazetteer depends on the article alone, so the workers do it too
(``link=True``, as :func:`newsgraph.ingest.run` asks unless it links online), and send the facts
back without the article's text, which this process still has.

Why Dask distributed: it is pure Python and pip-installable, runs the same code on a laptop
(``LocalCluster``) and on a real cluster (a scheduler address, or dask-jobqueue / dask-kubernetes
to start one), ships Python objects with pickle, restarts a dead worker and reruns its tasks, and
lets us bound what is in flight with plain futures. Ray would do as well but brings a much heavier
runtime (its own object store and raylet daemons) for what is here a task queue.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from newsgraph.extract import BATCH_CHARS, ExtractionError
from newsgraph.extract.chunks import CHUNK_CHARS
from newsgraph.extract.parallel import (
    ExtractorSettings,
    Result,
    batches,
    check_model,
    extract_batch,
    restore_articles,
)
from newsgraph.facts import Article

LOCAL_PREFIX = "local:"


class ClusterError(RuntimeError):
    """The cluster cannot be used: Dask is not installed, the address is wrong, no scheduler answers."""


class ClusterExtractor:
    """:meth:`extract_many` like :class:`~newsgraph.extract.Extractor`'s, run on a Dask cluster.

    ``address`` is ``local:N`` (a local cluster of N single-threaded worker processes, started here
    and stopped by :meth:`close`) or a scheduler address (``tcp://host:8786``). At most
    ``in_flight`` batches (twice the cluster's threads by default) are out at once, so memory here
    stays bounded whatever the input.
    """

    def __init__(self, address: str, model_name: str | None = None, *, batch_size: int = 16,
                 chunk_chars: int = CHUNK_CHARS, batch_chars: int = BATCH_CHARS, in_flight: int | None = None,
                 connect_timeout: float = 30) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise ClusterError("--cluster needs Dask distributed: pip install 'newsgraph[cluster]'") from exc
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.settings = ExtractorSettings(model_name, batch_size, chunk_chars, batch_chars)
        self._cluster: Any = None
        if address.startswith(LOCAL_PREFIX):
            check_model(model_name)
            try:
                workers = int(address[len(LOCAL_PREFIX):])
            except ValueError:
                workers = 0
            if workers < 1:
                raise ClusterError(f"{address!r}: say how many worker processes, as in local:2")
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR,
                                         # the scheduler serves HTTP (health, metrics) even without a
                                         # dashboard: on a free loopback port, not 8787
                                         scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
            self.client = Client(self._cluster)
        else:
            try:
                self.client = Client(address, timeout=connect_timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        self.in_flight = in_flight

    def __enter__(self) -> ClusterExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect; a local cluster is stopped with its worker processes."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def threads(self) -> int:
        """Worker threads in the cluster now (at least 1: a cluster still starting gets one batch)."""
        return max(1, sum(self.client.nthreads().values()))

    #: :meth:`extract_many` can link offline on the workers (``link=True``), as the process pool does.
    links_offline = True

    def extract_many(self, articles: Iterable[Article], *, link: bool = False) -> Iterator[Result]:
        """Facts per article, in input order; a failed article yields an :class:`ExtractionError`.

        A batch the cluster gives up on (its worker died more often than Dask's
        ``allowed-failures``) makes an error for each of its articles, and the run goes on.
        """
        limit = self.in_flight or 2 * self.threads()
        pending: deque[tuple[list[Article], Any]] = deque()
        try:
            for batch in batches(articles, self.settings.batch_size, self.settings.batch_chars):
                pending.append((batch, self.client.submit(extract_batch, batch, self.settings, link=link, slim=True,
                                                               pure=False)))
                while len(pending) >= limit:
                    yield from self._collect(*pending.popleft())
            while pending:
                yield from self._collect(*pending.popleft())
        finally:
            for _, future in pending:  # interrupted: do not leave work queued on a shared cluster
                future.cancel()

    @staticmethod
    def _collect(batch: list[Article], future: Any) -> list[Result]:
        try:
            return restore_articles(batch, list(future.result()))
        except Exception as exc:
            reason = f"the cluster could not extract it: {type(exc).__name__}: {exc}"
            return [ExtractionError(article, reason) for article in batch]
