"""Ctrl-C stops an ingest run even when Python drops the KeyboardInterrupt it raised: one raised while
a finalizer runs (``__del__``) is printed and ignored, and the run used to go on to its end."""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Iterable, Iterator
from datetime import date

import pytest

from identity_helpers import facts_naming
from newsgraph import ingest
from newsgraph.facts import ArticleFacts
from newsgraph.store import GraphStore


class _SignalsInItsFinalizer:
    """Sends this process SIGINT from ``__del__``, then runs on a while: the handler raises there."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        total = 0
        for i in range(100_000):  # bytecodes for the pending signal's handler to run in
            total += i


class _Extractor:
    """Hands out made-up facts; the third one comes after a Ctrl-C delivered inside a finalizer."""

    def __init__(self, n: int) -> None:
        self.n = n

    def extract_many(self, articles: Iterable[object]) -> Iterator[ArticleFacts]:
        for i in range(self.n):
            if i == 2:
                obj = _SignalsInItsFinalizer()
                del obj  # the finalizer runs here, swallowing the KeyboardInterrupt
            yield facts_naming(f"cc{i}", date(2025, 1, 1), (f"Mira Valden{i}", None, None))


def test_a_ctrl_c_swallowed_by_a_finalizer_still_stops_the_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = GraphStore(tmp_path / "s")
    gc.collect()
    with pytest.raises(KeyboardInterrupt):
        ingest.run([], store, extractor=_Extractor(10))
    stored = {g.value.rsplit("/", 1)[-1] for g in store.raw.named_graphs()}
    assert stored == {"cc0", "cc1"}  # what came before the Ctrl-C is kept, nothing after it
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is put back


def test_without_ctrl_c_the_run_goes_to_its_end(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = GraphStore(tmp_path / "s")
    ingest.run([], store, extractor=_Extractor(2))
    assert len(list(store.raw.named_graphs())) == 2
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
