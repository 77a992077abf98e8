"""SPARQL evaluation in worker processes that can be killed: how ``/sparql`` enforces its timeout.

Why processes: pyoxigraph evaluates ``ORDER BY``, aggregates and joins inside Rust without coming
back to Python, so a deadline checked between rows never fires, and a Python thread cannot be
stopped at all. A process can: killing one takes ~60 ms and frees its memory at once (a runaway
``ORDER BY`` was measured growing by ~300 MB/s). Each worker also runs under a memory limit
(``RLIMIT_DATA``), so a query that would exhaust the machine aborts its own worker instead.

Why a zygote: forking the web server itself is unsafe (its threads — waitress's, RocksDB's — may
hold locks the child would inherit held), and a fresh interpreter costs ~100 ms. So a small helper
process, started once, single-threaded, having imported pyoxigraph but opened nothing, forks the
workers on request (~5 ms); each worker then opens its own read-only snapshot of the store (~10 ms).
The zygote is the workers' parent, so it does the killing too: it only signals children it has not
reaped yet, which rules out hitting a recycled PID. When the server goes away, the zygote sees its
control socket close and kills the workers; a worker whose zygote dies gets ``SIGKILL`` (Linux
parent-death signal).

The server talks to a worker over a socket pair: one pickled request in, tagged byte messages out
(``H`` head with the first chunk, ``D`` data, ``E`` end with the last bytes, ``R`` rows for an
HTML table, ``U`` update done, ``X`` error, ``B``/``b`` around a build of the merged union).
The socket's buffer gives back-pressure: a worker serializing a big result
blocks until the client has read the previous chunk, so results stream in constant memory.

A worker answers one request at a time and keeps its snapshot between requests; the request says
which store version the server is serving (a token), and the worker reopens when it differs.

No network: unless its pool is created with ``network=True`` (``--allow-service`` for queries,
``--allow-load`` for updates), a worker installs a seccomp filter right after the fork that
makes it unable to open any network socket (:mod:`.sandbox`), so ``SERVICE`` and ``LOAD`` fail
inside the engine however they are spelled. If the filter cannot be installed, the worker says so
on stderr and refuses every request that might reach the network (a conservative text check):
it fails closed.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import pickle
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

CHUNK = 64 * 1024

# -- messages ------------------------------------------------------------------------------------

HEAD, DATA, END, ROWS, UPDATED, ERROR = b"H", b"D", b"E", b"R", b"U", b"X"
BUILDING, BUILT = b"B", b"b"  # around a build of the merged union (see ``_Engine.merged``)

#: Seconds a worker may spend building (or waiting for) the merged union of a new store version
#: before the query it was for is stopped: the build is bounded by the store's size, so this is a
#: safety net, not the query timeout (which starts after the build).
BUILD_LIMIT = 900.0


class EngineError(Exception):
    """A request the engine could not answer: an HTTP status and a message for the client."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# ================================================================================================
# Worker side (runs in the forked process)
# ================================================================================================

class _TooLarge(Exception):
    pass


class _Output:
    """The file object pyoxigraph serializes into: 64 KiB chunks to the server, a size cap.

    The head (the media type) travels with the first chunk, or with the whole answer when it fits
    in one, so a small result costs the server a single read.
    """

    def __init__(self, conn: Connection, content_type: str, max_bytes: int | None) -> None:
        self.conn = conn
        self.max_bytes = max_bytes
        head = content_type.encode()
        self.buffer = bytearray(HEAD + len(head).to_bytes(2, "big") + head + DATA)
        self.start = len(self.buffer)  # where the data begins in the first message
        self.total = 0

    def write(self, data: bytes) -> int:
        self.total += len(data)
        if self.max_bytes is not None and self.total > self.max_bytes:
            raise _TooLarge()
        self.buffer += data
        if len(self.buffer) > CHUNK:
            self.conn.send_bytes(self.buffer)
            self.buffer = bytearray(DATA)
            self.start = 1
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes at the end only; chunks are cut by size."""

    def finish(self) -> None:
        self.buffer[self.start - 1:self.start] = END
        self.conn.send_bytes(self.buffer)


def split_head(payload: bytes) -> tuple[str, bytes, bytes]:
    """A ``HEAD`` message's payload → (media type, ``DATA`` or ``END``, the first bytes)."""
    n = int.from_bytes(payload[:2], "big")
    return payload[2:2 + n].decode(), payload[2 + n:3 + n], payload[3 + n:]


class _Engine:
    """The worker's store: a read-only snapshot, reopened when the server serves a newer one."""

    def __init__(self, path: str, *, network: bool = True, sandboxed: bool = False,
                 sandbox_problem: str | None = None) -> None:
        self.path = path
        # Whether requests may reach the network, and whether the OS enforces that they cannot.
        self.network = network
        self.sandboxed = sandboxed
        self.sandbox_problem = sandbox_problem
        self.store: Any = None
        self.token: str | None = None
        self.has_default_graph = False
        # The snapshot's union as an RDF merge (:func:`newsgraph.store.merged_union`), built on
        # the first query that reads the union default graph, dropped with the snapshot.
        self._merged: Any = None
        self._merged_built = False
        self.conn: Connection | None = None  # the request's connection, while one is handled
        self.merge = "shared"  # where the merged union lives: "shared" (on disk) or "memory"

    def merged(self) -> Any:
        """The current snapshot's merged union (``None`` above the size limit).

        Shared with the other workers on disk, built by the first that needs it
        (:func:`newsgraph.store.shared_merged_union`); the private in-memory copy of
        :func:`~newsgraph.store.merged_union` only if that fails. Before a build or a wait for
        one, the server is told (``B``): the build is bounded by the store's size, not by the
        query, so the query's time limit starts after it (see :class:`Job`).
        """
        from newsgraph.store import merged_union, shared_merged_union

        if not self._merged_built:
            if self.conn is not None:
                self.conn.send_bytes(BUILDING)
            try:
                if self.merge == "memory":
                    raise RuntimeError("a private copy was asked for (MERGED_UNION = memory)")
                self._merged = shared_merged_union(self.store, self.path, self.token or "none")
            except RuntimeError as exc:
                if self.merge != "memory":
                    print(f"newsgraph: warning: no shared merged union ({exc}); building a private one",
                          file=sys.stderr, flush=True)
                self._merged = merged_union(self.store)
            except (OSError, ValueError) as exc:
                print(f"newsgraph: warning: no shared merged union ({exc}); building a private one",
                      file=sys.stderr, flush=True)
                self._merged = merged_union(self.store)
            self._merged_built = True
            if self.conn is not None:
                self.conn.send_bytes(BUILT)
        return self._merged

    def snapshot(self, token: str | None) -> Any:
        import pyoxigraph as ox

        from newsgraph.store import has_stored_default_graph

        if self.store is not None and token == self.token:
            return self.store
        error: Exception | None = None
        for attempt in range(5):  # an open can race a compaction in the writer
            try:
                store = ox.Store.read_only(self.path)
                break
            except (OSError, RuntimeError) as exc:
                error = exc
                time.sleep(0.02 * (attempt + 1))
        else:
            if self.store is not None:
                return self.store  # keep serving the last snapshot; the next request retries
            raise EngineError(503, f"cannot open the store: {error}", {"Retry-After": "1"})
        self.store, self.token = store, token
        self._merged, self._merged_built = None, False
        self.has_default_graph = has_stored_default_graph(store)
        return store

    # -- requests --------------------------------------------------------------------------------

    def check_network(self, text: str) -> None:
        """Fail closed: without the sandbox, refuse anything that might reach the network."""
        from newsgraph.web.sandbox import may_reach_network

        if not self.network and not self.sandboxed and may_reach_network(text):
            raise EngineError(403, "This server cannot guarantee that this request stays off the network "
                                   f"({self.sandbox_problem or 'no sandbox'}), so it refuses requests that "
                                   "mention SERVICE or LOAD anywhere, even in a string.")

    def handle(self, conn: Connection, request: dict[str, Any]) -> None:
        self.conn = conn
        self.merge = request.get("merge", "shared")
        try:
            if request["op"] in ("query", "update"):
                self.check_network(request[request["op"]])
            if request["op"] == "query":
                self.query(conn, request)
            elif request["op"] == "update":
                self.update(request)
                conn.send_bytes(UPDATED)
            elif request["op"] == "ping":
                self.snapshot(request.get("token"))
                if request.get("merged") and self.merge == "shared" and self.union(request["merged"]):
                    self.conn = None  # nobody waits for BUILDING/BUILT here
                    self.merged()
                conn.send_bytes(UPDATED)
            else:
                raise EngineError(500, f"unknown request {request['op']!r}")
        except EngineError as exc:
            conn.send_bytes(ERROR + json.dumps([exc.status, exc.message, exc.headers]).encode())
        except _TooLarge:
            limit = request.get("max_bytes")
            conn.send_bytes(ERROR + json.dumps([
                500, f"The result is larger than this endpoint's limit of {limit:,} bytes; add a LIMIT, "
                     "or download the dumps for the whole dataset", {}]).encode())
        except SyntaxError as exc:
            what = "query" if request["op"] == "query" else "update"
            conn.send_bytes(ERROR + json.dumps([400, f"Malformed {what}: {exc}", {}]).encode())
        except (OSError, RuntimeError, ValueError, TypeError, KeyError) as exc:
            if isinstance(exc, BrokenPipeError | ConnectionResetError):
                raise  # the server went away: end this worker
            if self.sandboxed and _network_denied(exc, request):
                conn.send_bytes(ERROR + json.dumps([403, NETWORK_REFUSED, {}]).encode())
                return
            conn.send_bytes(ERROR + json.dumps([500, f"Query evaluation failed: {exc}", {}]).encode())

    def query(self, conn: Connection, request: dict[str, Any]) -> None:
        import pyoxigraph as ox

        from newsgraph.store import dataset_options, union_query

        store = self.snapshot(request.get("token"))
        text: str = request["query"]
        options: dict[str, Any] = {"base_iri": request.get("base_iri")}
        options |= dataset_options(text, default_graphs=request.get("default_graph"),
                                   named_graphs=request.get("named_graphs"),
                                   union=self.union(request.get("default_graph_mode", "auto")))
        result = union_query(store, text, options, self.merged)

        if request.get("html_limit") is not None:
            conn.send_bytes(ROWS + pickle.dumps(_rows(result, int(request["html_limit"]))))
            return
        if isinstance(result, ox.QueryTriples):
            choice = request["graph_format"]
            if isinstance(choice, str):
                raise EngineError(400, choice)
            name, content_type = choice
            fmt = getattr(ox.RdfFormat, name)
            out = _Output(conn, content_type, request.get("max_bytes"))
            prefixes = request.get("prefixes") if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
            ox.serialize(result, out, fmt, prefixes=prefixes)
        else:
            choice = request["results_format"]
            if isinstance(choice, str):
                raise EngineError(400, choice)
            name, content_type = choice
            out = _Output(conn, content_type, request.get("max_bytes"))
            result.serialize(out, getattr(ox.QueryResultsFormat, name))
        out.finish()

    def union(self, mode: str) -> bool:
        """Whether the default graph is the union of all graphs (see ``DEFAULT_GRAPH`` in the app config)."""
        if mode == "union":
            return True
        if mode == "stored":
            return False
        return not self.has_default_graph  # auto: newsgraph stores keep everything in named graphs

    def update(self, request: dict[str, Any]) -> None:
        import pyoxigraph as ox

        try:
            store = ox.Store(self.path)
        except (OSError, RuntimeError) as exc:
            if "lock" in str(exc).lower():
                raise EngineError(503, "The store is being written by another process (an ingest or load "
                                       "is running); try again when it has finished", {"Retry-After": "5"}) from exc
            raise EngineError(500, f"cannot open the store for writing: {exc}") from exc
        try:
            from pathlib import Path

            from newsgraph.store import new_generation, read_generation
            from newsgraph.store_rebuild import RebuildError, resume

            try:  # a `newsgraph compact` killed half-way is finished before anything is written
                resume(store, Path(self.path), read_generation(Path(self.path)))
            except RebuildError as exc:
                raise EngineError(500, str(exc)) from exc
            # A new generation token before the write, as GraphStore does: the identity index beside
            # the store then knows at the next ingest that the store changed behind its back.
            new_generation(Path(self.path))
            store.update(request["update"], base_iri=request.get("base_iri"))
            store.flush()
        finally:
            del store  # closes it: RocksDB lets one process hold the write lock


NETWORK_REFUSED = ("This endpoint does not reach the network: SERVICE and LOAD are disabled "
                   "(--allow-service enables SERVICE in queries, --allow-load network access in updates).")


def _network_denied(exc: BaseException, request: dict[str, Any]) -> bool:
    """Whether an engine error is the sandbox refusing a socket (EPERM) to a request that asked for one."""
    from newsgraph.web.sandbox import may_reach_network

    denied = isinstance(exc, PermissionError) or "Operation not permitted" in str(exc)
    return denied and may_reach_network(str(request.get(request["op"], "")))


def _rows(result: Any, limit: int) -> dict[str, Any]:
    """The first ``limit`` rows of a result, as picklable terms (for the HTML table)."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return {"boolean": bool(result), "columns": [], "rows": [], "truncated": False}
    if isinstance(result, ox.QueryTriples):
        columns = ["subject", "predicate", "object"]
        items: Iterator[list[Any]] = ([t.subject, t.predicate, t.object] for t in result)
    else:
        columns = [v.value for v in result.variables]
        items = ([solution[name] for name in columns] for solution in result)
    rows: list[list[Any]] = []
    truncated = False
    for row in items:
        if len(rows) >= limit:
            truncated = True
            break
        rows.append(row)
    return {"boolean": None, "columns": columns, "rows": rows, "truncated": truncated}


def _set_parent_death_signal() -> None:
    """Ask Linux to SIGKILL this process when its parent (the zygote) dies."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def _worker_main(fd: int, path: str, memory_limit: int | None, *, network: bool = True,
                 sandbox: bool = True) -> None:
    """Serve requests on ``fd`` until the server closes it.

    Without ``network``, the network is cut off first (``sandbox``: by seccomp; if that is
    unavailable, or ``sandbox`` is false, by refusing requests that might reach it).
    """
    _set_parent_death_signal()
    sandboxed, problem = False, None
    if not network:
        from newsgraph.web.sandbox import SandboxUnavailable, deny_network

        try:
            if not sandbox:
                raise SandboxUnavailable("the sandbox is switched off (QUERY_SANDBOX)")
            deny_network()
            sandboxed = True
        except SandboxUnavailable as exc:
            problem = str(exc)
            print(f"newsgraph: warning: query worker {os.getpid()} runs without its network sandbox: {problem}; "
                  "it refuses every request mentioning SERVICE or LOAD", file=sys.stderr, flush=True)
    if memory_limit:
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_DATA, (memory_limit, memory_limit))
    conn = Connection(fd)
    engine = _Engine(path, network=network, sandboxed=sandboxed, sandbox_problem=problem)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            engine.handle(conn, request)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            return


def zygote_main(control_fd: int) -> None:
    """The zygote: fork a worker for every ``spawn`` request, kill on ``kill``, until the server goes."""
    import pyoxigraph  # noqa: F401  (imported once here, so forked workers start warm)

    import newsgraph.store  # noqa: F401

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server; it then closes our socket
    sock = socket.socket(fileno=control_fd)
    parent = os.getppid()
    children: set[int] = set()

    def reap() -> None:
        while children:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                return
            if pid == 0:
                return
            children.discard(pid)

    try:
        while True:
            reap()
            ready, _, _ = select.select([sock], [], [], 1.0)
            if not ready:
                if os.getppid() != parent:
                    return  # the server died without closing the socket (cannot happen, but cheap)
                continue
            try:
                message, fds, _flags, _addr = socket.recv_fds(sock, 1 << 16, 4)
            except OSError:
                return
            if not message:
                return
            request = pickle.loads(message)
            if request["op"] == "spawn":
                pid = os.fork()
                if pid == 0:  # the worker
                    code = 0
                    try:
                        sock.close()
                        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                        _worker_main(fds[0], request["path"], request.get("memory_limit"),
                                     network=bool(request.get("network", False)),
                                     sandbox=bool(request.get("sandbox", True)))
                    except BaseException:
                        code = 1
                    finally:
                        os._exit(code)
                for fd in fds:
                    os.close(fd)
                children.add(pid)
                sock.send(pickle.dumps({"pid": pid}))
            elif request["op"] == "kill":
                pid = request["pid"]
                if pid in children:  # not reaped yet, so not a recycled PID
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                sock.send(pickle.dumps({"killed": pid in children}))
            else:
                sock.send(pickle.dumps({"error": f"unknown op {request['op']!r}"}))
    finally:
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        reap()


# ================================================================================================
# Server side
# ================================================================================================

class _Launcher:
    """One thread, started when this module is imported, that starts the zygote process.

    Why: the server's request threads may carry the network sandbox (:mod:`.server`,
    :func:`~.sandbox.sandbox_this_thread`), and a process started from such a thread inherits
    its filter, so a zygote (re)started from one could not give ``--allow-service`` or
    ``--allow-load`` workers their network. This thread is started by the importing thread (the
    server's main thread) before any filter exists, and starts every zygote.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Any, list[Any], threading.Event]] = queue.SimpleQueue()
        threading.Thread(target=self._run, name="newsgraph-zygote-launcher", daemon=True).start()

    def _run(self) -> None:
        while True:
            function, out, done = self._jobs.get()
            try:
                out.append(function())
            except BaseException as exc:  # raised again in the caller
                out.append(exc)
            done.set()

    def call(self, function: Any) -> Any:
        out: list[Any] = []
        done = threading.Event()
        self._jobs.put((function, out, done))
        done.wait()
        if isinstance(out[0], BaseException):
            raise out[0]
        return out[0]


_launcher = _Launcher()


class _Zygote:
    """The server's handle on the zygote process (one per server process, started on first use)."""

    def __init__(self) -> None:
        kind = getattr(socket, "SOCK_SEQPACKET", socket.SOCK_DGRAM)
        ours, theirs = socket.socketpair(socket.AF_UNIX, kind)
        src = str(Path(__file__).resolve().parents[2])  # so the zygote imports this very newsgraph
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
        code = f"from newsgraph.web.workers import zygote_main; zygote_main({theirs.fileno()})"
        self.process = _launcher.call(lambda: subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env,
            start_new_session=False))
        theirs.close()
        self.sock = ours
        self.lock = threading.Lock()

    def alive(self) -> bool:
        return self.process.poll() is None

    def request(self, message: dict[str, Any], fds: list[int] | None = None, timeout: float = 30.0) -> dict[str, Any]:
        with self.lock:
            socket.send_fds(self.sock, [pickle.dumps(message)], fds or [])
            ready, _, _ = select.select([self.sock], [], [], timeout)
            if not ready:
                raise EngineError(503, "the query worker manager did not answer", {"Retry-After": "1"})
            data = self.sock.recv(1 << 16)
            if not data:
                raise EngineError(503, "the query worker manager exited", {"Retry-After": "1"})
            return pickle.loads(data)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


_zygote: _Zygote | None = None
_zygote_lock = threading.Lock()


def _get_zygote() -> _Zygote:
    global _zygote
    with _zygote_lock:
        if _zygote is None or not _zygote.alive():
            _zygote = _Zygote()
        return _zygote


def _close_zygote() -> None:
    global _zygote
    with _zygote_lock:
        if _zygote is not None:
            _zygote.close()
            _zygote = None


atexit.register(_close_zygote)


def forget_after_fork() -> None:
    """In a process forked from a server process: a launcher thread and no zygote of its own.

    Why: a fork copies only the forking thread, so the launcher thread started at import is
    missing in the child, and the parent's zygote is not the child's to use (the server processes
    of :mod:`.processes` are forked before any zygote exists, but after this module was imported).
    """
    global _launcher, _zygote, _zygote_lock
    _launcher = _Launcher()
    _zygote = None
    _zygote_lock = threading.Lock()


@dataclass(eq=False)
class Worker:
    """The server's end of one worker process."""

    pid: int
    conn: Connection
    zygote: _Zygote
    dead: bool = False

    def kill(self) -> None:
        if self.dead:
            return
        self.dead = True
        with contextlib.suppress(EngineError, OSError):
            if self.zygote.alive():
                self.zygote.request({"op": "kill", "pid": self.pid}, timeout=5)
        with contextlib.suppress(OSError):
            self.conn.close()


def _readable(conn: Connection) -> bool:
    try:
        return conn.poll(0)
    except (OSError, EOFError):
        return True


class QueryPool:
    """Up to ``size`` worker processes for one store, started on demand and reused.

    ``acquire`` hands out an idle worker (starting one if fewer than ``size`` exist), waiting at
    most ``wait`` seconds when all are busy. A worker goes back with ``release`` after a complete
    answer, or is killed with ``discard`` (timeout, client gone, broken).

    The wait is a queue: requests are served as workers free up (each release wakes one waiter),
    so a burst of heavy queries is answered one after the other instead of refused. The queue is
    bounded twice: at most ``queue`` requests wait at once (each holds a request thread; past
    that the answer is a 503 with ``Retry-After`` at once), and none waits longer than ``wait``.
    """

    def __init__(self, store_path: str | os.PathLike[str], *, size: int = 4,
                 memory_limit: int | None = None, network: bool = False, sandbox: bool = True,
                 queue: int | None = None) -> None:
        self.path = str(Path(store_path).resolve())
        self.size = max(1, size)
        self.memory_limit = memory_limit
        self.network = network  # whether its workers may open network sockets (SERVICE, LOAD)
        self.sandbox = sandbox  # False: skip seccomp, refuse network-looking requests instead (tests)
        self.queue = queue  # most requests waiting for a worker at once (None: no bound)
        self._waiting = 0
        self._idle: list[Worker] = []
        self._count = 0
        self._closed = False
        self._cond = threading.Condition()
        self._finalizer = weakref.finalize(self, QueryPool._kill_all, self._idle)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (the server is stopping)."""
        return self._closed

    @staticmethod
    def _kill_all(idle: list[Worker]) -> None:
        for worker in idle:
            worker.kill()
        idle.clear()

    def _spawn(self) -> Worker:
        zygote = _get_zygote()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            reply = zygote.request({"op": "spawn", "path": self.path, "memory_limit": self.memory_limit,
                                    "network": self.network, "sandbox": self.sandbox}, [theirs.fileno()])
        finally:
            theirs.close()
        if "pid" not in reply:
            ours.close()
            raise EngineError(503, f"could not start a query worker: {reply}", {"Retry-After": "1"})
        return Worker(reply["pid"], Connection(ours.detach()), zygote)

    def acquire(self, wait: float | None = None) -> Worker:
        deadline = None if wait is None else time.monotonic() + wait
        waiting = False  # whether this request is counted in ``_waiting``
        with self._cond:
            try:
                while True:
                    if self._closed:
                        raise EngineError(503, "the server is shutting down")
                    while self._idle:
                        worker = self._idle.pop()
                        # An idle worker has nothing to say: if its socket is readable, it has died.
                        if not worker.dead and worker.zygote.alive() and not _readable(worker.conn):
                            return worker
                        worker.kill()
                        self._count -= 1
                    if self._count < self.size:
                        self._count += 1
                        break
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise EngineError(503, f"All {self.size} query workers stayed busy for {wait:g} s; "
                                               "try again shortly", {"Retry-After": "2"})
                    if not waiting:
                        if self.queue is not None and self._waiting >= self.queue:
                            raise EngineError(503, f"All {self.size} query workers are busy and "
                                                   f"{self._waiting} requests are waiting; try again shortly",
                                              {"Retry-After": "5"})
                        self._waiting += 1
                        waiting = True
                    self._cond.wait(remaining)
            finally:
                if waiting:
                    self._waiting -= 1
        try:
            return self._spawn()
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def release(self, worker: Worker) -> None:
        with self._cond:
            if worker.dead or self._closed:
                worker.kill()
                self._count -= 1
            else:
                self._idle.append(worker)
            self._cond.notify()

    def discard(self, worker: Worker) -> None:
        worker.kill()
        with self._cond:
            self._count -= 1
            self._cond.notify()

    def warm(self, token: str | None = None, *, merged: str | None = None, wait: float = 30.0) -> None:
        """Start one worker and open its snapshot now, so the first query does not wait for it.

        With ``merged`` (a ``DEFAULT_GRAPH`` mode), the worker also opens the shared merged union
        when queries read the union (building it if this store version has none yet, see
        :meth:`_Engine.merged`), waiting at most ``wait`` seconds. Why: opening the copy costs a
        few tenths of a second (it counts the store's quads), which the first heavy query of
        every server process paid.
        """
        worker = self.acquire()
        try:
            worker.conn.send({"op": "ping", "token": token, "merged": merged})
            if worker.conn.poll(wait) and worker.conn.recv_bytes()[:1] == UPDATED:
                self.release(worker)
                return
        except (OSError, EOFError):
            pass
        self.discard(worker)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle[:] = list(self._idle), []
            self._count -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.kill()

    # -- running one request ---------------------------------------------------------------------

    def run(self, request: dict[str, Any], *, timeout: float | None, wait: float | None = None) -> Job:
        """Send ``request`` to a worker; the :class:`Job` reads its answer within ``timeout`` seconds."""
        worker = self.acquire(wait if wait is not None else timeout)
        try:
            worker.conn.send(request)
        except OSError:
            self.discard(worker)  # it died while idle (killed from outside?): one retry on a fresh one
            worker = self.acquire(wait if wait is not None else timeout)
            try:
                worker.conn.send(request)
            except OSError as exc:
                self.discard(worker)
                raise EngineError(503, f"could not reach a query worker: {exc}", {"Retry-After": "1"}) from exc
        return Job(self, worker, timeout)


class Job:
    """The answer to one request, read from its worker under the time budget.

    The budget counts only the time spent waiting for the worker, not the time spent sending
    bytes to a slow client (the worker is blocked then, doing nothing).
    """

    def __init__(self, pool: QueryPool, worker: Worker, timeout: float | None) -> None:
        self.pool = pool
        self.worker: Worker | None = worker
        self.timeout = timeout
        self.budget = timeout

    def _recv(self) -> bytes:
        worker = self.worker
        assert worker is not None
        started = time.monotonic()
        try:
            ready = worker.conn.poll(self.budget)
        except (OSError, EOFError):
            ready = True
        if self.budget is not None:
            self.budget -= time.monotonic() - started
        if not ready:
            self.abandon()
            raise EngineError(503, f"Query timed out: it ran for more than {self.timeout:g} s, this endpoint's "
                                   "limit; the work was stopped. Narrow the query or add a LIMIT.")
        try:
            return worker.conn.recv_bytes()
        except (OSError, EOFError) as exc:
            self.abandon()
            limit = self.pool.memory_limit
            hint = f" (the limit is {limit / 2**30:g} GiB per query)" if limit else ""
            raise EngineError(500, "The query engine process ended unexpectedly, most likely because the "
                                   f"query needed too much memory{hint}") from exc

    def _message(self) -> tuple[bytes, bytes]:
        """The next message as (tag, payload); an ERROR message is raised as :class:`EngineError`.

        ``BUILDING`` (the worker builds or waits for the merged union of a new store version)
        gives the worker up to :data:`BUILD_LIMIT` until ``BUILT``, and the query its full time
        budget from then on: the timeout still bounds the query's own evaluation.
        """
        message = self._recv()
        tag, payload = message[:1], message[1:]
        if tag == BUILDING:
            timeout = self.timeout
            self.budget = self.timeout = BUILD_LIMIT
            try:
                message = self._recv()  # BUILT, or an error
            finally:
                self.budget = self.timeout = timeout  # the query's own time starts now
            if message[:1] == BUILT:
                message = self._recv()
            tag, payload = message[:1], message[1:]
        if tag == ERROR:
            self.done()
            status, text, headers = json.loads(payload)
            raise EngineError(status, text, headers)
        return tag, payload

    def first(self) -> tuple[bytes, bytes]:
        """The first message: (tag, payload). Errors are raised as :class:`EngineError`."""
        tag, payload = self._message()
        if tag in (ROWS, UPDATED, END) or (tag == HEAD and split_head(payload)[1] == END):
            self.done()
        return tag, payload

    def next_chunk(self) -> tuple[bytes, bytes]:
        """The next data message: (DATA, bytes) or (END, last bytes); errors raise."""
        tag, payload = self._message()
        if tag == END:
            self.done()
        return tag, payload

    def done(self) -> None:
        """The worker answered completely: back to the pool."""
        if self.worker is not None:
            worker, self.worker = self.worker, None
            self.pool.release(worker)

    def abandon(self) -> None:
        """Stop the worker mid-answer (timeout, client gone): kill it, the pool starts another."""
        if self.worker is not None:
            worker, self.worker = self.worker, None
            self.pool.discard(worker)


class StreamedAnswer:
    """A WSGI response iterable over a job's data messages, after the first chunk was read.

    ``close`` (called by the WSGI server at the end, or when the client disconnects) kills the
    worker if the answer was not complete, so an abandoned query stops working at once.
    """

    def __init__(self, job: Job, first: bytes) -> None:
        self.job = job
        self.pending = first
        self.finished = job.worker is None

    def __iter__(self) -> StreamedAnswer:
        return self

    def __next__(self) -> bytes:
        if self.pending:
            chunk, self.pending = self.pending, b""
            return chunk
        if self.finished:
            raise StopIteration
        try:
            tag, payload = self.job.next_chunk()
        except EngineError as exc:
            self.finished = True
            # Too late for an error status: abort the body, so the client sees a truncated
            # response instead of a silently short one.
            raise RuntimeError(f"query failed after the response started: {exc.message}") from exc
        if tag == END:
            self.finished = True
            if not payload:
                raise StopIteration
        return payload

    def close(self) -> None:
        self.finished = True
        self.job.abandon()  # no-op when the worker already went back to the pool
