"""Shared by the security tests: a store fingerprint, a connection-counting listener, the bypass corpus."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from flask import Flask

from newsgraph.store import GraphStore

CORPUS = Path(__file__).parent / "data" / "network_bypass.txt"
NUMBERS_GRAPH = "urn:newsgraph:test#numbers"


def add_numbers(path: Path) -> None:
    """Give the store the terms the corpus glues SERVICE to (``0SERVICE``...), so those patterns run."""
    store = GraphStore(path)
    quads = [ox.Quad(ox.NamedNode("urn:newsgraph:test#x"), ox.NamedNode("urn:newsgraph:test#n"), term,
                     ox.NamedNode(NUMBERS_GRAPH))
             for value in ("0", "1.0", "1e0", "-1", "true", "false")
             for term in [next(iter(ox.parse(f"<urn:s> <urn:p> {value} .", format=ox.RdfFormat.TURTLE))).object]]
    store.replace_graph(ox.NamedNode(NUMBERS_GRAPH), quads)
    store.flush()
    del store


def fingerprint(path: Path) -> tuple[int, str]:
    """(quad count, SHA-256 of the sorted N-Quads) of the store at ``path``, read through a fresh snapshot."""
    store = ox.Store.read_only(str(path))
    lines = sorted(str(q) for q in store)
    del store
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


@dataclass(frozen=True)
class Request:
    kind: str  # "query" or "update"
    text: str


def corpus(target: str) -> list[Request]:
    """The bypass corpus with ``TARGET`` replaced by ``target``."""
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, text = line.partition(" ")
        assert kind in ("query", "update"), line
        out.append(Request(kind, text.replace("TARGET", target).replace("\\n", "\n")))
    return out


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    port: int
    connections: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def settle(self, seconds: float = 0.3) -> int:
        """The connection count, after giving late ones a moment to arrive."""
        time.sleep(seconds)
        return len(self.connections)


@contextmanager
def listening() -> Iterator[Listener]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.1)
    listener = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            listener.connections.append(time.monotonic())
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


#: A query no worker finishes inside a test's timeout: five unconstrained patterns joined.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def busy_worker(app: Flask, results: list[int]) -> threading.Thread:
    """Occupy a query worker of ``app`` with :data:`RUNAWAY` in a thread (its status goes to
    ``results``), and give it half a second to start."""
    thread = threading.Thread(target=lambda: results.append(
        app.test_client().get("/sparql", query_string={"query": RUNAWAY}).status_code))
    thread.start()
    time.sleep(0.5)
    return thread
