"""The web layer: a Flask app that serves the store read-only (SPARQL endpoint, dumps, pages).

``create_app`` follows the Flask tutorial's application factory: defaults, then the caller's
config, then one blueprint per concern (:mod:`.sparql`, :mod:`.dumps`, :mod:`.pages`). The store is
opened per app by a :class:`StoreProvider`, never at import.

Why a provider rather than one open store: ``newsgraph ingest`` writes the store from another
process while we serve it. RocksDB allows a second process to open the store only read-only, and a
read-only store is a snapshot taken when it is opened; it never sees later writes. The provider
reopens it (about 10 ms on a quiet store) when the files on disk change, so new articles show up
without restarting the server, and keeps serving the previous snapshot if a reopen fails (it can,
transiently, when the writer compacts files away under a concurrent open).

SPARQL requests do not run in the server process at all: a :class:`~.workers.QueryPool` of worker
processes evaluates them, so that a query past ``QUERY_TIMEOUT`` can be killed (see
:mod:`.workers`). The pages and dumps read the provider's snapshot in the server's own threads:
their queries are fixed and bounded, and the dumps stream without holding the data.

Limits, so one client cannot starve the others: SPARQL runs in at most ``QUERY_WORKERS`` processes;
requests wait for one in a queue of at most ``QUERY_QUEUE``, for at most ``QUERY_QUEUE_WAIT`` seconds
(by default ``QUERY_TIMEOUT``), else get a 503 with ``Retry-After``; small lookups are answered in
the server process by sandboxed threads without waiting for a worker (:mod:`.fastpath`);
every other dynamic path (pages, data documents) passes a :class:`Gate` that lets
``PAGE_CONCURRENCY`` run at once and ``PAGE_QUEUE`` wait, refusing the rest at once with a 503, so
a burst of page requests cannot take all the request threads from the SPARQL clients (dumps have
their own gate, ``DUMP_CONCURRENCY``); a page that runs past ``PAGE_TIMEOUT`` stops at its next
store query; and a repeated page comes from a :class:`PageCache`. Every response carries the security
headers of :func:`security_headers`; CORS is never granted to a SPARQL Update (see :mod:`.sparql`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from newsgraph.machine import usable_cores
from newsgraph.store import GraphStore, StoreError
from newsgraph.store_rebuild import rebuilding
from newsgraph.web import processes as _processes
from newsgraph.web.workers import QueryPool

log = logging.getLogger(__name__)

#: Config defaults; callers override any of them through ``create_app(..., config)``.
DEFAULTS: dict[str, Any] = {
    # Base of the IRIs the data was minted under: ``{BASE_URI}id/...`` is served at ``/id/...``,
    # whatever host and port the server listens on. ``None``: the base the store recorded at ingest
    # (or, for an older store, the one its article graphs show; else ``FALLBACK_BASE_URI``).
    "BASE_URI": None,
    # Where users reach this server from outside (``https://news.example.org/``), for the absolute
    # URLs the server writes (the endpoint in void.ttl and the service description, the query
    # page); ``None``: the address of each request. Page links are relative, so they work anyway.
    "PUBLIC_URL": None,
    # Seconds a SPARQL query or update may spend in the engine; then its worker process is killed
    # and the client gets a 503. ``None`` or 0: no limit.
    "QUERY_TIMEOUT": 30.0,
    # Worker processes evaluating SPARQL (at most this many queries run at once; more wait).
    "QUERY_WORKERS": min(4, usable_cores()),
    # Bytes of memory (RLIMIT_DATA) one query worker may use; a query needing more fails with a
    # 500 instead of exhausting the machine. ``None``: no limit.
    "QUERY_MEMORY_LIMIT": 2 * 1024**3,
    # The most bytes one SPARQL response may have (the dumps are for the whole dataset). A result
    # that grows past it is cut off: the response is aborted, so no client mistakes it for complete.
    "MAX_RESULT_BYTES": 256 * 1024**2,
    # The default graph of queries without FROM or a protocol dataset: "union" (of all graphs),
    # "stored" (the store's default graph, standard SPARQL), or "auto": the union while the stored
    # default graph is empty (a newsgraph store keeps everything in article graphs), else stored.
    "DEFAULT_GRAPH": "auto",
    # Where queries find the union default graph as an RDF merge: "shared", one copy per store
    # version on disk, built once and read by every worker; or "memory", a private in-memory copy
    # in each worker (heavy queries run a few times faster; each worker builds and holds its own).
    "MERGED_UNION": "shared",
    # CORS for the read-only, machine-readable parts of the site: True (any origin), False, or a
    # space-separated list of allowed origins.
    "CORS": True,
    # SPARQL ``SERVICE`` makes the server fetch URLs named by the client: an open proxy. Off unless
    # configured; the query workers then cannot open network sockets at all (see ``.sandbox``).
    "ALLOW_SERVICE": False,
    # Network access for SPARQL Update (``LOAD <url>``, and SERVICE inside updates). Off unless
    # configured; the update worker is sandboxed like the query workers.
    "ALLOW_LOAD": False,
    # False skips the seccomp sandbox: workers then refuse any request that mentions SERVICE or
    # LOAD (the fallback used anyway where seccomp is unavailable).
    "QUERY_SANDBOX": True,
    # Seconds a SPARQL request waits for a free worker before a 503 with Retry-After (``None``:
    # as long as ``QUERY_TIMEOUT``), and how many may wait at once (more get the 503 at once).
    "QUERY_QUEUE_WAIT": None,
    "QUERY_QUEUE": 64,
    # Small lookups answered in the server process by sandboxed threads (see ``.fastpath``):
    # on or off, how many threads, and the seconds one may take before a worker answers instead.
    "FAST_PATH": True,
    "FAST_PATH_THREADS": 2,
    "FAST_PATH_SECONDS": 0.5,
    # Plain ``GET /sparql?query=LOOKUP`` requests answered before Flask (``sparql.DirectLookups``).
    "FAST_PATH_DIRECT": True,
    # ...and, where the request threads are sandboxed, answered on the thread that runs the server's
    # event loop, without the hand-over to a request thread (``server.SandboxedDispatcher``).
    "FAST_PATH_ON_LOOP": True,
    # Pages, data documents and dumps rendered at once; how many more may wait (the rest get a
    # 503 at once); how long one may wait; and the seconds one may spend reading the store.
    "PAGE_CONCURRENCY": 2,
    "PAGE_QUEUE": 6,
    "PAGE_QUEUE_WAIT": 5.0,
    "PAGE_TIMEOUT": 10.0,
    # Whole-dataset downloads streamed at once (each keeps its place until sent); more get a 503.
    "DUMP_CONCURRENCY": 2,
    # Rendered pages and data documents kept per store version (a repeated request costs nothing).
    "PAGE_CACHE_ENTRIES": 256,
    # SPARQL Update: refused unless a bearer token is configured (clients send
    # ``Authorization: Bearer TOKEN``) or anonymous updates are allowed (local use only).
    "UPDATE_TOKEN": None,
    "ALLOW_ANONYMOUS_UPDATE": False,
    # Seconds between checks of the store files for writes by another process.
    "STORE_CHECK_INTERVAL": 1.0,
    # At most this many rows in an HTML result table (the other formats are not limited).
    "HTML_MAX_ROWS": 1000,
    # Folder of example queries (``*.rq``); ``None`` means the bundled ``sparql/`` folder.
    "SPARQL_EXAMPLES_DIR": None,
    "TITLE": "newsgraph",
    # The dataset's licence, as an IRI (e.g. https://creativecommons.org/licenses/by/4.0/), stated
    # in the VoID/DCAT description; ``None`` says nothing.
    "LICENSE": None,
    # Flask's request body limit: a query is small; a huge body is a mistake or an attack (413).
    "MAX_CONTENT_LENGTH": 1024 * 1024,
}

#: The base assumed when neither the config nor the store says one (the ingest default).
FALLBACK_BASE_URI = "http://localhost:8080/"

#: Path prefixes that get CORS headers: the machine-readable, read-only parts of the site.
CORS_PATHS = ("/sparql", "/dumps", "/id/", "/graph/", "/ns", "/.well-known/void")

# Files RocksDB rewrites without a change of data (its own info logs) or that never change.
_IGNORED_FILES = ("LOG", "LOCK", "IDENTITY")


def store_signature(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and mtime of every data file of the store: changes whenever a write lands.

    Every committed transaction appends to the write-ahead log (``*.log``), flushes and compactions
    add ``*.sst`` files and rewrite ``MANIFEST-*``/``CURRENT``. Sizes are included because mtimes
    are only as fine as the kernel clock tick (4 ms here) and two writes can share one.
    """
    entries = []
    with os.scandir(path) as it:
        for entry in it:
            if entry.name.startswith(_IGNORED_FILES) or not entry.is_file():
                continue
            try:
                st = entry.stat()
            except FileNotFoundError:  # deleted by a compaction while we looked
                continue
            entries.append((entry.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(entries))


class StoreProvider:
    """Hands out a read-only :class:`GraphStore` that follows writes made by another process.

    ``current()`` is called once per request. At most every ``check_interval`` seconds it compares
    :func:`store_signature` with the one taken before the open snapshot was made and, if the files
    changed, opens a fresh read-only store. Only one thread reopens; the others keep using the
    previous snapshot meanwhile, so a reopen never stalls concurrent requests. Requests already
    running on an old snapshot keep it (RocksDB keeps its files open), so they finish consistently.
    """

    def __init__(self, path: str | os.PathLike[str], *, check_interval: float = 1.0,
                 open_attempts: int = 5, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self.check_interval = check_interval
        self._clock = clock
        self._lock = threading.Lock()
        self.check_store_exists(self.path)
        # Writes through any server process seen so far (:data:`.processes.shared_writes`).
        self._writes_seen = _processes.shared_writes.value() if _processes.shared_writes else 0
        # One attribute, replaced whole, so readers never see a store with another one's signature.
        self._snapshot: tuple[GraphStore, tuple[tuple[str, int, int], ...]] = self._open_first(open_attempts)
        self._checked_at = clock()
        self._token: tuple[object, str] = (None, "")

    @staticmethod
    def check_store_exists(folder: str | os.PathLike[str]) -> None:
        """Raise :class:`StoreError` with a one-line message unless ``folder`` holds a store."""
        path = Path(folder)
        if not path.is_dir():
            raise StoreError(f"no store at {path} (ingest or load something first)")
        if not (path / "CURRENT").is_file():
            raise StoreError(f"{path} is not an Oxigraph store (no CURRENT file); "
                             "ingest or load something into it first")

    def _follow(self) -> None:
        """Reopen first if another server process wrote, else at most every ``check_interval`` seconds."""
        writes = _processes.shared_writes
        if writes is not None and (seen := writes.value()) != self._writes_seen:
            self.refresh(wait=True)  # that process flushed its write before counting it
            self._writes_seen = seen
        elif self._clock() - self._checked_at >= self.check_interval:
            self.refresh()

    def _open(self) -> GraphStore:
        try:
            return GraphStore(self.path, read_only=True)
        except RuntimeError as exc:  # pyoxigraph reports RocksDB "Corruption" (e.g. a vanished file)
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc

    def _open_first(self, attempts: int) -> tuple[GraphStore, tuple[tuple[str, int, int], ...]]:
        """Open the first snapshot, retrying briefly: an open can race a compaction in the writer."""
        for attempt in range(attempts):
            signature = store_signature(self.path)
            try:
                return self._open(), signature
            except StoreError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def snapshot(self) -> tuple[GraphStore, str]:
        """The newest store and a short token naming it (for ETags and caches), consistently."""
        self._follow()
        store, signature = self._snapshot
        token = self._token
        if token[0] is not signature:  # one hash per snapshot, not one per request
            token = self._token = (signature, hashlib.sha1(repr(signature).encode()).hexdigest()[:16])
        return store, token[1]

    def modified(self) -> float:
        """When the current snapshot's newest store file was written (Unix time)."""
        signature = self._snapshot[1]
        return max((mtime for _, _, mtime in signature), default=0) / 1e9

    def current(self) -> GraphStore:
        """The newest snapshot, reopened first if the store changed on disk since the last one."""
        self._follow()
        return self._snapshot[0]

    def refresh(self, *, wait: bool = False) -> bool:
        """Reopen now if the store files changed; ``True`` if a new snapshot was opened.

        Normally a thread that finds another one reopening goes on with the current snapshot;
        with ``wait`` (after an update, whose client must see its write) it waits and checks too.
        """
        if not self._lock.acquire(blocking=wait):
            return False  # another thread is checking; use the current snapshot meanwhile
        try:
            self._checked_at = self._clock()
            try:
                signature = store_signature(self.path)
            except OSError as exc:
                log.warning("cannot read store folder %s: %s (serving the last snapshot)", self.path, exc)
                return False
            if signature == self._snapshot[1]:
                return False
            if rebuilding(self.path):  # `newsgraph compact` between clear and load: keep the full snapshot
                return False
            try:
                store = self._open()
            except StoreError as exc:
                log.warning("%s (serving the last snapshot, will retry)", exc)
                return False
            # The signature was taken before the open, so a write that lands during the open
            # causes one more reopen rather than being missed.
            self._snapshot = (store, signature)
            log.info("reopened store %s: new writes are visible", self.path)
            return True
        finally:
            self._lock.release()


def get_store() -> GraphStore:
    """The current read-only store snapshot of the running app."""
    provider: StoreProvider = current_app.extensions["newsgraph.store"]
    return provider.current()


def get_provider() -> StoreProvider:
    return current_app.extensions["newsgraph.store"]


def get_pool() -> QueryPool:
    """The app's SPARQL worker processes."""
    return current_app.extensions["newsgraph.pool"]


def get_update_pool() -> QueryPool:
    """The one worker that runs updates: separate, because its network access is ``ALLOW_LOAD``'s."""
    return current_app.extensions["newsgraph.update_pool"]


def shutdown(app: Flask) -> None:
    """Stop the app's worker processes (they also stop when the server process exits)."""
    for key in ("newsgraph.pool", "newsgraph.update_pool", "newsgraph.fast"):
        pool = app.extensions.get(key)
        if pool is not None:
            pool.close()


class Gate:
    """At most ``concurrency`` holders at once, at most ``queue`` more waiting (bounded), others refused.

    Why refuse rather than queue without end: a waiting request holds one of waitress's threads;
    a burst that queued without bound would hold them all, and a SPARQL client arriving behind it
    would wait for the whole burst. Refusing at once (503, ``Retry-After``) keeps threads free.
    """

    def __init__(self, concurrency: int, queue: int, wait: float) -> None:
        self.concurrency = max(1, concurrency)
        self.queue = max(0, queue)
        self.wait = wait
        self._cond = threading.Condition()
        self._running = 0
        self._waiting = 0

    def enter(self) -> bool:
        """Take a place; ``False`` if the gate is full or the wait ran out."""
        with self._cond:
            if self._running < self.concurrency:
                self._running += 1
                return True
            if self._waiting >= self.queue:
                return False
            self._waiting += 1
            try:
                deadline = time.monotonic() + self.wait
                while self._running >= self.concurrency:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._cond.wait(remaining)
                self._running += 1
                return True
            finally:
                self._waiting -= 1

    def leave(self) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify()


class PageCache:
    """Complete small responses to GET requests, by store version, path, query string and ``Accept``.

    Why: an entity page reads the store with a dozen queries (a person cited by many articles
    costs a second or more); the same page requested again, by a crawler or a burst, is then
    served from memory without passing the :class:`Gate`. Entries of an older store version are
    never served (the version is part of the key) and fall out as the cache fills (LRU).
    """

    MAX_BODY = 1024 * 1024

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, ...], tuple[int, bytes, list[tuple[str, str]]]] = OrderedDict()

    @staticmethod
    def key() -> tuple[str, ...] | None:
        if request.method != "GET" or not request.path.startswith(CACHED_PATHS) or not PageCache.entries_on():
            return None
        return (get_provider().snapshot()[1], request.full_path, request.headers.get("Accept", ""))

    @staticmethod
    def entries_on() -> bool:
        return bool(current_app.config.get("PAGE_CACHE_ENTRIES"))

    def get(self, key: tuple[str, ...]) -> Response | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
        status, body, headers = item
        return Response(body, status=status, headers=headers)

    def put(self, key: tuple[str, ...], response: Response) -> None:
        if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
            return
        body = response.get_data()
        if len(body) > self.MAX_BODY:
            return
        with self._lock:
            # CORS headers depend on the request's Origin, which the key leaves out: made afresh.
            headers = [(k, v) for k, v in response.headers.items() if not k.lower().startswith("access-control-")]
            self._items[key] = (response.status_code, body, headers)
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)


#: Paths whose GET responses :class:`PageCache` keeps: the pages and data documents.
CACHED_PATHS = ("/id/", "/graph/", "/ns", "/roles/")

#: Paths that do not pass the page gate: the SPARQL endpoint has its own pool, static files are cheap.
UNGATED = ("/sparql", "/static/")


class PageTimeout(Exception):
    """A page read the store for longer than ``PAGE_TIMEOUT``."""


def check_page_deadline() -> None:
    """Raise :class:`PageTimeout` if this request has run past its time (called between store reads)."""
    deadline = g.get("page_deadline")
    if deadline is not None and time.monotonic() > deadline:
        raise PageTimeout()


#: The Content-Security-Policy of every page. The query page's YASGUI is served from here and its
#: script is a static file, so no inline script is allowed; YASGUI sets inline styles, hence
#: ``'unsafe-inline'`` for styles only. ``connect-src 'self'``: the editor queries this endpoint.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def security_headers(response: Response) -> None:
    """Headers every response gets; the page-only ones on HTML."""
    # Error texts echo parts of the query: never let a browser sniff them into HTML.
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)


#: What an error page says to a person, by status: a heading and what to do next.
ERROR_ADVICE: dict[int, tuple[str, str]] = {
    400: ("This request could not be understood", "Something in the address or the form is not right."),
    403: ("Not allowed here", "This server does not do that for anyone; the message says why."),
    404: ("Nothing here", "There is no page at this address. It may have been mistyped, or the article "
                          "that mentioned it was removed. Search for what you were looking for instead."),
    405: ("This page does not take that kind of request", "Open the page with a normal link instead."),
    406: ("Not available in that format", "Open the page in a browser, or ask for one of the formats listed."),
    413: ("That was too much to send", "Requests to this server are limited in size; send a shorter query."),
    415: ("That kind of content is not accepted", "Send the query as a form or as application/sparql-query."),
    500: ("Something went wrong on the server", "It has been logged. Try again, or try a simpler request."),
    503: ("The server is busy", "Too many requests are being answered right now. Try again in a few seconds."),
}


def wants_html_error() -> bool:
    """Whether the client is a browser: one that names ``text/html`` and prefers it to plain text.

    ``*/*`` alone (curl, most HTTP libraries) or a SPARQL/RDF type (SPARQL clients, YASGUI's
    requests) keeps the one-line ``text/plain`` message that those clients show as it is.
    """
    from newsgraph.web.conneg import accept, without_wildcard

    return without_wildcard(accept()).best_match(["text/html", "text/plain"]) == "text/html"


def friendly_error(response: Response) -> Response:
    """A plain-text error as an HTML page with a way back, for a browser; anything else unchanged.

    The message is the same text the API clients get (escaped by the template), and the headers
    that matter to the client (``Allow``, ``Retry-After``, ``Vary``) are kept.
    """
    if (response.status_code < 400 or response.mimetype != "text/plain" or response.is_streamed
            or response.direct_passthrough or not wants_html_error()):
        return response
    from flask import render_template, url_for
    from werkzeug.routing import BuildError

    status = response.status_code
    heading, advice = ERROR_ADVICE.get(status, ("Something went wrong", "Try again, or go back."))
    try:
        search_url: str | None = url_for("browse.search")
    except BuildError:  # no search on this app
        search_url = None
    html = render_template("error.html", status=status, heading=heading, advice=advice,
                           message=response.get_data(as_text=True).strip(), search_url=search_url)
    page = Response(html, status=status, mimetype="text/html")
    for key in ("Allow", "Retry-After", "Vary", "WWW-Authenticate", "Link"):
        if key in response.headers:
            page.headers[key] = response.headers[key]
    page.vary.add("Accept")
    return page


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint``: under ``PUBLIC_URL`` when set, else this request's address.

    Why: behind a proxy or a port mapping the request's own host is not where users are; the
    URLs this server hands out for use elsewhere (void.ttl's SPARQL endpoint, the service
    description) must name the public address.
    """
    from flask import url_for

    public = current_app.config.get("PUBLIC_URL")
    if not public:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)[len(request.script_root):] if request else url_for(endpoint, **values)
    return public + path.lstrip("/")


def plain_error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """An error as one line of text/plain: what SPARQL clients show their users as-is."""
    response = Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


class ClientGone(OSError):
    """Raised into a serializer when the client stopped reading, so pyoxigraph stops writing."""


class StreamedOutput:
    """Bytes that a pyoxigraph serializer writes in a worker thread, as a WSGI response iterable.

    Why a thread: pyoxigraph serializers *push* into a file object, while WSGI *pulls* chunks from
    an iterator. Running the query and its serializer in a worker that hands 64 KiB chunks over a
    small bounded queue streams results of any size in constant memory, with back-pressure.

    Why the query runs in the worker too: pyoxigraph's result iterators are bound to the thread
    that created them (pyo3 ``unsendable``: touching one from another thread aborts the process).

    ``produce(open_output)`` runs the query, calls ``open_output(content_type)`` once it knows the
    media type, and serializes into the file object it gets back. The constructor waits for the
    content type and the first chunk (or the end), so errors that happen before any output — a
    syntax error, a failed evaluation — raise here and can become a proper 4xx/5xx response.
    If everything fit into the first chunk, ``complete`` is true and ``body`` holds it all.
    """

    CHUNK = 64 * 1024

    def __init__(self, produce: Callable[[Callable[[str], Any]], None], *, queue_size: int = 8) -> None:
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=queue_size)
        self._cancelled = threading.Event()
        self._produce = produce
        self._thread = threading.Thread(target=self._run, name="newsgraph-stream", daemon=True)
        self._thread.start()
        kind, value = self._queue.get()
        if kind == "error":
            raise value
        self.content_type: str = value
        kind, value = self._queue.get()
        if kind == "error":
            raise value
        self.complete = kind == "end"  # everything fit into the first chunk
        self.body: bytes = value

    # -- worker side ---------------------------------------------------------------------------

    def _put(self, item: tuple[str, Any]) -> None:
        while True:
            if self._cancelled.is_set():
                raise ClientGone("the client went away")
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        writer = _ChunkWriter(self)
        opened = False

        def open_output(content_type: str) -> _ChunkWriter:
            nonlocal opened
            opened = True
            self._put(("head", content_type))
            return writer

        try:
            self._produce(open_output)
            if not opened:
                raise RuntimeError("the serializer produced no output")
            self._put(("end", bytes(writer.buffer)))  # the end, with the last bytes
        except ClientGone:
            return
        except BaseException as exc:  # handed to the WSGI thread, which raises or reports it
            # The traceback's frames hold the query result; it must be freed here, in the thread
            # that made it, not wherever the exception ends up (pyo3 refuses that).
            for error in _exception_chain(exc):
                traceback.clear_frames(error.__traceback__)
            if self._cancelled.is_set():
                return
            try:
                self._put(("error", exc))
            except ClientGone:
                return

    # -- WSGI side -----------------------------------------------------------------------------

    def __iter__(self) -> StreamedOutput:
        return self

    def __next__(self) -> bytes:
        if self.body:
            chunk, self.body = self.body, b""
            return chunk
        if self.complete:
            raise StopIteration
        kind, value = self._queue.get()
        if kind == "data":
            return value
        self.complete = True
        if kind == "error":
            # Too late for an error status: abort the body, so the client sees a truncated
            # response instead of a silently short one.
            raise RuntimeError(f"query failed after the response started: {value}") from value
        if value:
            return value
        raise StopIteration

    def close(self) -> None:
        """Called by the WSGI server when the response ends or the client disconnects."""
        self._cancelled.set()
        while True:  # unblock a worker waiting on a full queue
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


class _ChunkWriter:
    """The file object pyoxigraph writes into (8 KiB at a time); passes on 64 KiB chunks."""

    def __init__(self, stream: StreamedOutput) -> None:
        self.stream = stream
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= StreamedOutput.CHUNK:
            self.stream._put(("data", bytes(self.buffer)))
            self.buffer.clear()
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes once at the end; chunks are cut by size, not by flushes."""


def streamed_response(produce: Callable[[Callable[[str], Any]], None], *, status: int = 200,
                      headers: Mapping[str, str] | None = None) -> Response:
    """A response whose body ``produce`` serializes (see :class:`StreamedOutput`).

    A body that fits in the first chunk is sent with a ``Content-Length``; a bigger one streams
    (chunked transfer encoding) without ever being held in memory.
    """
    output = StreamedOutput(produce)
    if output.complete:
        response = Response(output.body, status=status, content_type=output.content_type)
    else:
        response = Response(output, status=status, content_type=output.content_type,
                            direct_passthrough=True)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def create_app(store_path: str | os.PathLike[str], config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app serving the store at ``store_path`` (opened read-only).

    Raises :class:`newsgraph.store.StoreError` with a one-line message if there is no store there,
    so ``newsgraph serve`` can say so instead of serving errors.
    """
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if config:
        app.config.from_mapping(config)

    from newsgraph.remote_store import is_remote

    remote = is_remote(store_path)  # a SPARQL server (see .remote): pages and dumps read it, /sparql proxies
    if remote:
        from newsgraph.web.remote import RemoteProvider

        provider = app.extensions["newsgraph.store"] = RemoteProvider(
            str(store_path), check_interval=max(5.0, float(app.config["STORE_CHECK_INTERVAL"])))
    else:
        provider = app.extensions["newsgraph.store"] = StoreProvider(
            store_path, check_interval=float(app.config["STORE_CHECK_INTERVAL"]))
    if not app.config.get("BASE_URI"):
        app.config["BASE_URI"] = provider.current().base_uri() or FALLBACK_BASE_URI
    if app.config.get("PUBLIC_URL"):
        app.config["PUBLIC_URL"] = str(app.config["PUBLIC_URL"]).rstrip("/") + "/"
    app.jinja_env.globals["external_url"] = external_url
    if app.config["MERGED_UNION"] not in ("shared", "memory"):
        raise ValueError(f"MERGED_UNION must be shared or memory, not {app.config['MERGED_UNION']!r}")
    if app.config["DEFAULT_GRAPH"] not in ("auto", "union", "stored"):
        raise ValueError(f"DEFAULT_GRAPH must be auto, union or stored, not {app.config['DEFAULT_GRAPH']!r}")
    sandbox = bool(app.config["QUERY_SANDBOX"])
    if not remote:  # a remote store's server answers queries (web/remote.py proxies to it)
        app.extensions["newsgraph.pool"] = QueryPool(
            store_path, size=int(app.config["QUERY_WORKERS"]), memory_limit=app.config["QUERY_MEMORY_LIMIT"],
            network=bool(app.config["ALLOW_SERVICE"]), sandbox=sandbox,
            queue=None if app.config.get("QUERY_QUEUE") is None else int(app.config["QUERY_QUEUE"]))
        if app.config.get("FAST_PATH") and int(app.config.get("FAST_PATH_THREADS") or 0) > 0:
            from newsgraph.web.fastpath import FastLane

            lane = FastLane(int(app.config["FAST_PATH_THREADS"]), network=bool(app.config["ALLOW_SERVICE"]))
            if lane.problem:
                log.warning("small queries go to the worker processes: %s", lane.problem)
            app.extensions["newsgraph.fast"] = lane
            from newsgraph.web.sparql import DirectLookups

            app.wsgi_app = DirectLookups(app, app.wsgi_app)  # type: ignore[method-assign]
        # Started on first use: a server without updates never forks it.
        app.extensions["newsgraph.update_pool"] = QueryPool(
            store_path, size=1, memory_limit=app.config["QUERY_MEMORY_LIMIT"],
            network=bool(app.config["ALLOW_LOAD"]), sandbox=sandbox)
    gate = Gate(int(app.config["PAGE_CONCURRENCY"]), int(app.config["PAGE_QUEUE"]),
                float(app.config["PAGE_QUEUE_WAIT"]))
    app.extensions["newsgraph.gate"] = gate
    # Dumps have their own gate: a slow client downloading one holds its place for minutes, which
    # must not take a place from the pages.
    dump_gate = Gate(int(app.config["DUMP_CONCURRENCY"]), 0, 0.0)
    app.extensions["newsgraph.dump_gate"] = dump_gate
    cache = PageCache(int(app.config["PAGE_CACHE_ENTRIES"] or 0))

    from newsgraph.web import browse, dumps, entities, pages, sparql

    app.register_blueprint(browse.bp)  # before entities: /id/person/ is a list, /id/person/x a page
    if remote:
        from newsgraph.web import remote as remote_sparql

        app.register_blueprint(remote_sparql.bp)
    else:
        app.register_blueprint(sparql.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(entities.bp)

    @app.before_request
    def enter_gate() -> Response | None:
        if request.path.startswith(UNGATED) or request.method == "OPTIONS":
            return None
        key = g.cache_key = PageCache.key()
        if key is not None and (hit := cache.get(key)) is not None:
            return hit
        chosen = dump_gate if request.path.startswith("/dumps/") else gate
        if not chosen.enter():
            what = "sending other downloads" if chosen is dump_gate else "rendering other pages"
            return plain_error(503, f"The server is busy {what}; try again shortly", {"Retry-After": "2"})
        if key is not None and (hit := cache.get(key)) is not None:  # made while we waited
            chosen.leave()
            return hit
        done = threading.Event()

        def leave() -> None:
            if not done.is_set():
                done.set()
                chosen.leave()

        g.gate_leave = leave
        timeout = app.config["PAGE_TIMEOUT"]
        g.page_deadline = time.monotonic() + float(timeout) if timeout else None
        return None

    @app.after_request
    def add_headers(response: Response) -> Response:
        response = friendly_error(response)
        security_headers(response)
        if request.path.startswith(CORS_PATHS) and not g.get("sparql_update"):
            _cors(app.config["CORS"], response)
        if g.get("gate_leave") is not None:
            if response.is_streamed or response.direct_passthrough:
                # A streamed body (a dump) keeps its place until it is sent.
                response.call_on_close(g.pop("gate_leave"))
            elif (key := g.get("cache_key")) is not None:
                cache.put(key, response)
        return response

    @app.teardown_request
    def leave_gate(_exc: BaseException | None) -> None:
        leave = g.pop("gate_leave", None)
        if leave is not None:  # the response is complete (or none was made)
            leave()

    @app.errorhandler(PageTimeout)
    def page_timeout(_exc: PageTimeout) -> Response:
        return plain_error(503, f"This page took longer than {app.config['PAGE_TIMEOUT']:g} s to build; "
                                "try again later", {"Retry-After": "5"})

    @app.errorhandler(HTTPException)
    def http_error_as_text(exc: HTTPException) -> Response:
        """Protocol errors (405, 404, ...) as text, keeping headers such as ``Allow``."""
        headers = {k: v for k, v in exc.get_response().headers.items() if k.lower() == "allow"}
        return plain_error(exc.code or 500, f"{exc.code} {exc.name}: {exc.description}", headers)

    return app


def _cors(setting: bool | str | None, response: Response) -> None:
    """CORS headers for ``setting``: True for any origin, or the allowed origins, space-separated."""
    if not setting:
        return
    if setting is True or setting == "*":
        allowed = "*"
    else:
        origin = request.headers.get("Origin", "")
        response.vary.add("Origin")
        if origin not in str(setting).split():
            return
        allowed = origin
    response.headers["Access-Control-Allow-Origin"] = allowed
    response.headers["Access-Control-Expose-Headers"] = "Content-Disposition, ETag, Last-Modified, Retry-After"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        # Never credentials: ``Authorization`` is how an update token travels, and updates are
        # not for other origins (reads need no credentials).
        requested = request.headers.get("Access-Control-Request-Headers") or "Accept, Content-Type"
        allowed = [h.strip() for h in requested.split(",") if h.strip().lower() not in _NEVER_ALLOWED]
        response.headers["Access-Control-Allow-Headers"] = ", ".join(allowed) or "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"


_NEVER_ALLOWED = {"authorization", "cookie", "proxy-authorization"}
