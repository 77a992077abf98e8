"""Small lookups answered in the server process, without the hop to a worker process.

Why: a lookup such as ``SELECT ?label WHERE { <person> rdfs:label ?label }`` takes the engine
tens of microseconds, but the round trip to a worker process (pickling, a socket each way, two
process wake-ups on a busy machine) cost several times that. Worker processes exist for two
guarantees, no network and a timeout that kills; this module keeps both for the queries it takes,
by taking only queries for which both can be shown without a process to kill.

What it takes (:func:`plan`): a whitelist, not a blacklist. The query text is split into tokens of
a small subset of SPARQL, and it must read, token by token, as

    PREFIX* (SELECT [DISTINCT|REDUCED] (?var+ | *) | ASK) [WHERE] { triples } [LIMIT n] [OFFSET n]

where every triple pattern's subject is a constant, absolute IRI (``<...>`` or a declared
``prefix:name``), its predicate an IRI, ``a`` or a variable, and its object an IRI, a variable
or a literal. Any other character or token (``FILTER``, ``OPTIONAL``, ``GRAPH``, ``FROM``, a
subquery, a path, a comment-free ``\\u`` escape, a blank node, ``BASE``, a relative IRI...) sends
the query to a worker, as before. No protocol dataset, no HTML table either.

No network, three ways:

1. The engine reaches the network only through ``SERVICE`` in a query (``LOAD`` is an update).
   The text the engine gets is not the client's: it is re-written from the accepted tokens, one
   space between each, so there is no gluing (``0SERVICE``) for the engine's lexer to read
   differently from ours, and the grammar above has no ``SERVICE`` production.
2. The re-written text must not contain ``service`` or ``load`` at all, in any case, not even in a
   string or an IRI (:func:`~.sandbox.may_reach_network`, the workers' own fallback check).
3. The engine runs in the :class:`FastLane`'s threads, each of which installed the workers'
   seccomp filter on itself when it started (:func:`~.sandbox.deny_network`: a filter applies to
   the thread that installs it and to any thread it starts), so even a query that got past 1 and 2
   could not open a socket. Where the filter cannot be installed the lane is off and every query
   goes to the workers. With ``ALLOW_SERVICE`` queries may reach the network anyway: no filter.

Bounded in time, by construction rather than by a kill: every pattern's subject is a constant,
so a pattern matches at most the triples of that subject, whatever the other patterns bind, and
any join of the patterns (nested loops or hashes, with the set-semantics ``DISTINCT`` below) does
at most the product of those counts in index steps. Before running a query of several patterns,
the subjects' triples are counted (stopping early) and the query is taken only if the product is
at most :data:`MAX_WORK` (64k index steps: well under 0.1 s of engine time; results are as
bounded). A query of one pattern is not counted (counting would cost as much as the lookup): it
is one range scan of one subject's triples in the ``SPOG`` index, no more than the store holds
and usually a few dozen. On top of that the serializer writes into an object that stops the
answer at ``deadline`` (checked on every write) and at ``max_bytes``. A query refused at any of
these steps is answered by a worker.

The default graph as an RDF merge: the store's union (pyoxigraph's ``use_default_graph_as_union``)
yields a triple once per graph that states it. A basic graph pattern over a set of triples gives
each solution once, so the re-written query evaluates the pattern as ``SELECT DISTINCT *`` (the
set of solutions) in a subquery and projects outside it: the multiplicities are exactly the
merge's, without the merged copy the workers use.
"""

from __future__ import annotations

import functools
import io
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import Any

#: The most index steps a lookup may take in the server process (the product of the subjects'
#: triple counts); anything bigger goes to a worker, where a timeout can kill it.
MAX_WORK = 1 << 16
#: At most this many triple patterns.
MAX_PATTERNS = 8

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<pname>(?:[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?:(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<string>"(?:[^"\\\n\r]|\\[tbnrf"'\\])*"|'(?:[^'\\\n\r]|\\[tbnrf"'\\])*')
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<dt>\^\^)
  | (?P<number>[+-]?(?:\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+|\d*\.\d+|\d+))
  | (?P<punct>[{}.;,*])
  | (?P<word>[A-Za-z]+)
""", re.VERBOSE | re.ASCII)

_KEYWORDS = {"PREFIX", "SELECT", "DISTINCT", "REDUCED", "ASK", "WHERE", "LIMIT", "OFFSET"}
_ABSOLUTE = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:")


class NotCheap(Exception):
    """The query is not one the fast path takes; a worker answers it."""


@dataclass(frozen=True)
class Plan:
    """An accepted query: its re-written texts and the subjects whose triple counts bound its work."""

    ask: bool
    union_text: str   # for a default graph that is the union of the graphs (set semantics)
    stored_text: str  # for the stored default graph
    subjects: tuple[str, ...]  # one IRI per triple pattern


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise NotCheap(f"character {text[pos]!r}")
        kind = match.lastgroup or ""
        pos = match.end()
        if kind == "ws":
            continue
        value = match.group()
        if kind == "word":
            if value == "a" or value in ("true", "false"):
                kind = value if value == "a" else "boolean"
            elif value.upper() in _KEYWORDS:
                kind, value = value.upper(), value.upper()
            else:
                raise NotCheap(f"keyword {value!r}")
        out.append((kind, value))
    return out


def plan(text: str) -> Plan:
    """Accept ``text`` as a lookup (see the module docstring) or raise :class:`NotCheap`."""
    from newsgraph.web.sandbox import may_reach_network

    if len(text) > 4096:
        raise NotCheap("long")
    tokens = _tokens(text)
    tokens.append(("end", ""))
    pos = 0

    def peek() -> str:
        return tokens[pos][0]

    def take(*kinds: str) -> str:
        nonlocal pos
        kind, value = tokens[pos]
        if kind not in kinds:
            raise NotCheap(f"expected {kinds}, got {value!r}")
        pos += 1
        return value

    prefixes: dict[str, str] = {}
    prologue: list[str] = []
    while peek() == "PREFIX":
        take("PREFIX")
        name = take("pname")
        iri = take("iri")
        if not name.endswith(":") or not _ABSOLUTE.match(iri):
            raise NotCheap("prefix")
        prefixes[name] = iri[1:-1]
        prologue.append(f"PREFIX {name} {iri}")

    def constant(kind: str, value: str) -> str:
        """The absolute IRI a subject names."""
        if kind == "iri":
            if not _ABSOLUTE.match(value):
                raise NotCheap("relative IRI")
            return value[1:-1]
        prefix, _, local = value.partition(":")
        if prefix + ":" not in prefixes:
            raise NotCheap("undeclared prefix")
        return prefixes[prefix + ":"] + local

    head: list[str]
    ask = peek() == "ASK"
    if ask:
        take("ASK")
        head = []
    else:
        take("SELECT")
        head = ["SELECT"]
        if peek() in ("DISTINCT", "REDUCED"):
            head.append(take("DISTINCT", "REDUCED"))
        if peek() == "punct" and tokens[pos][1] == "*":
            head.append(take("punct"))
        else:
            head.append(take("var"))
            while peek() == "var":
                head.append(take("var"))
    if peek() == "WHERE":
        take("WHERE")
    if tokens[pos] != ("punct", "{"):
        raise NotCheap("no group")
    pos += 1

    body: list[str] = []
    subjects: list[str] = []

    def term(*kinds: str) -> None:
        kind, value = tokens[pos]
        body.append(take(*kinds))
        if kind == "string":
            if peek() == "lang":
                body.append(take("lang"))
            elif peek() == "dt":
                body.append(take("dt"))
                kind2, value2 = tokens[pos]
                if kind2 == "iri" and not _ABSOLUTE.match(value2):
                    raise NotCheap("relative IRI")
                if kind2 == "pname":
                    constant(kind2, value2)
                body.append(take("iri", "pname"))
        elif kind == "iri" and not _ABSOLUTE.match(value):
            raise NotCheap("relative IRI")
        elif kind == "pname":
            constant(kind, value)

    while tokens[pos] != ("punct", "}"):
        kind, value = tokens[pos]
        if kind not in ("iri", "pname"):
            raise NotCheap("subject is not an IRI")
        subject = constant(kind, value)
        body.append(take("iri", "pname"))
        while True:  # predicate-object lists
            term("iri", "pname", "a", "var")
            while True:  # object lists
                term("iri", "pname", "var", "string", "number", "boolean")
                subjects.append(subject)
                if tokens[pos] == ("punct", ","):
                    body.append(take("punct"))
                    continue
                break
            if tokens[pos] == ("punct", ";"):
                body.append(take("punct"))
                if tokens[pos] in (("punct", "."), ("punct", "}")):
                    break
                continue
            break
        if tokens[pos] == ("punct", "."):
            body.append(take("punct"))
        elif tokens[pos] != ("punct", "}"):
            raise NotCheap("triples")
    pos += 1
    if not subjects or len(subjects) > MAX_PATTERNS:
        raise NotCheap("pattern count")

    modifiers: list[str] = []
    seen: set[str] = set()
    while peek() in ("LIMIT", "OFFSET") and not ask:
        keyword = take("LIMIT", "OFFSET")
        if keyword in seen:
            raise NotCheap("modifier twice")
        seen.add(keyword)
        number = take("number")
        if not number.isdigit():
            raise NotCheap("not an integer")
        modifiers += [keyword, number]
    take("end")

    pattern = " ".join(body)
    top = " ".join(prologue)
    if ask:
        union_text = stored_text = f"{top} ASK {{ {pattern} }}"
    else:
        projection, tail = " ".join(head), " ".join(modifiers)
        stored_text = f"{top} {projection} WHERE {{ {pattern} }} {tail}"
        union_text = f"{top} {projection} WHERE {{ SELECT DISTINCT * WHERE {{ {pattern} }} }} {tail}"
    if may_reach_network(union_text) or may_reach_network(stored_text):
        raise NotCheap("mentions service or load")
    return Plan(ask, union_text, stored_text, tuple(subjects))


@functools.lru_cache(maxsize=1024)
def cached_plan(text: str) -> Plan | None:
    """:func:`plan`, or ``None`` for a query it refuses, remembered for the last 1,024 texts.

    Why: clients repeat the same lookups (a page asking for labels, a dashboard polling), and
    tokenizing a lookup in Python cost about as much as the engine's answer. A plan is a function
    of the text alone (not of the store), so it stays valid across store versions. Bounded: at
    most 1,024 texts of at most 4 KiB (:func:`plan` refuses longer ones before tokenizing).
    """
    try:
        return plan(text)
    except NotCheap:
        return None


class _Deadline(Exception):
    pass


class _Capped(io.BytesIO):
    """The serializer's output: refuses to grow past ``max_bytes`` or to go on past ``deadline``."""

    def __init__(self, max_bytes: int | None, deadline: float) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.deadline = deadline

    def write(self, data: Any) -> int:
        if time.monotonic() > self.deadline:
            raise _Deadline()
        written = super().write(data)
        if self.max_bytes is not None and self.tell() > self.max_bytes:
            raise NotCheap("too large")
        return written


def within_budget(store: Any, plan_: Plan, union: bool, budget: int = MAX_WORK) -> bool:
    """Whether the product of the plan's subjects' triple counts is at most ``budget``.

    Counted on the graphs the query reads (every graph for the union, where a triple stated by
    several articles counts several times: an over-estimate, so the bound still holds), stopping
    as soon as the product is over the budget, so a refusal costs at most ``budget`` steps.
    """
    import pyoxigraph as ox

    graph = None if union else ox.DefaultGraph()
    counts: dict[str, int] = {}
    product = 1
    for iri in plan_.subjects:
        if iri not in counts:
            try:
                node = ox.NamedNode(iri)
            except ValueError:
                return False
            limit = budget // product + 1
            counts[iri] = max(1, sum(1 for _ in islice(store.quads_for_pattern(node, None, None, graph), limit)))
        product *= counts[iri]
        if product > budget:
            return False
    return True


@dataclass
class _Job:
    work: Callable[[], tuple[str, bytes] | None]
    done: threading.Event
    result: tuple[str, bytes] | None = None
    error: BaseException | None = None


class FastLane:
    """A few threads, each unable to open network sockets, that answer planned lookups.

    ``answer`` hands a job to an idle lane thread and waits for it; when none is idle (or the lane
    is off) it returns ``None`` at once and the caller asks a worker instead, so a burst of
    lookups never queues behind each other here.
    """

    def __init__(self, threads: int = 2, *, network: bool = False) -> None:
        self.network = network
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._idle = 0
        self._lock = threading.Lock()
        self._ready = threading.Barrier(threads + 1)
        self.problem: str | None = None
        self._threads = [threading.Thread(target=self._run, name=f"newsgraph-fast-{i}", daemon=True)
                         for i in range(threads)]
        for thread in self._threads:
            thread.start()
        self._ready.wait()
        self.enabled = self.problem is None and threads > 0

    def _run(self) -> None:
        if not self.network:
            from newsgraph.web.sandbox import SandboxUnavailable, deny_network

            try:
                deny_network()  # this thread only (and any thread it would start)
            except SandboxUnavailable as exc:
                self.problem = str(exc)
                self._ready.wait()
                return
            from newsgraph.web.sandbox import _sandboxed

            _sandboxed.on = True
        with self._lock:
            self._idle += 1
        self._ready.wait()
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job.result = job.work()
            except BaseException as exc:  # handed to the request thread
                job.error = exc
            finally:
                with self._lock:
                    self._idle += 1
                job.done.set()

    def answer(self, work: Callable[[], tuple[str, bytes] | None], wait: float = 60.0) -> tuple[str, bytes] | None:
        """Run ``work`` under the sandbox: its answer, or ``None`` (lane busy or off, or ``work`` declined).

        A request thread that is sandboxed itself (the production server's, see
        :mod:`.server`), or any thread when queries may use the network anyway, runs ``work`` at
        once: a hand-over to another thread costs more than the lookup (the GIL changes hands).
        """
        from newsgraph.web.sandbox import thread_is_sandboxed

        if not self.enabled:
            return None
        if self.network or thread_is_sandboxed():
            return work()
        with self._lock:
            if self._idle <= 0:
                return None
            self._idle -= 1
        job = _Job(work, threading.Event())
        self._jobs.put(job)
        if not job.done.wait(wait):
            return None
        if job.error is not None:
            raise job.error
        return job.result

    def close(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)


def run_planned(store: Any, plan_: Plan, *, union: bool, results_format: tuple[str, str],
                max_bytes: int | None, seconds: float) -> tuple[str, bytes] | None:
    """Evaluate a plan on ``store`` (in a lane thread): (media type, body), or ``None`` to decline."""
    import pyoxigraph as ox

    if len(plan_.subjects) > 1 and not within_budget(store, plan_, union):
        return None  # one pattern is one range scan of its subject's triples: no count needed
    text = plan_.union_text if union else plan_.stored_text
    out = _Capped(max_bytes, time.monotonic() + seconds)
    try:
        result = store.query(text, use_default_graph_as_union=union)
        result.serialize(out, getattr(ox.QueryResultsFormat, results_format[0]))
    except (_Deadline, NotCheap, SyntaxError, OSError, RuntimeError, ValueError):
        return None  # a worker answers it, with its own limits and error messages
    return results_format[1], out.getvalue()
