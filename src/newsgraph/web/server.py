"""Run the app under waitress, a production WSGI server (pure Python, threaded, no reload magic).

Why waitress and not Flask's development server: it is meant to face real clients, it streams
response iterables chunk by chunk (the dumps and big results depend on that), and it runs the app
and iterates its response in the same worker thread, which pyoxigraph's thread-bound result
iterators need (the pages and dumps read the store in the request thread).

Threads and processes: the heavy work, SPARQL evaluation, runs in the app's pool of query
processes (:mod:`.workers`), which can be killed on timeout; the request threads mostly wait on
those, on the client, or on the store. What the threads cannot share out is the Python work of
many small requests (one core at a time per process), so ``newsgraph serve`` runs one such server
process per core on one listening socket (:mod:`.processes`: ``serve(processes=N)``), each with its
own threads, snapshot and query workers; updates stay serialized across them.

Connection limits (measured with ``bench/bench_security.py``): waitress's defaults let 100 idle
connections lock every other client out until they time out. Here a connection costs one file
descriptor and a few KiB until a request is complete (waitress reads headers and body in its
event loop, not in a request thread), so the limit is high (:data:`CONNECTION_LIMIT`, within the
process's file-descriptor limit, which is raised to its hard maximum), idle connections are closed
after :data:`IDLE_TIMEOUT` seconds, and ``poll`` replaces ``select`` (limited to 1,024
descriptors). Request bodies over the app's ``MAX_CONTENT_LENGTH`` are refused by waitress as
soon as it reads the ``Content-Length`` (or counts that many chunked bytes), never buffered.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ThreadedTaskDispatcher, WSGITask

from newsgraph.web import create_app, get_pool, get_provider, shutdown

#: Connections waitress keeps open at once (more wait in the listen backlog).
CONNECTION_LIMIT = 1000
#: Seconds a connection may stay idle (no request in progress) before it is closed.
IDLE_TIMEOUT = 20
#: How often waitress looks for idle connections.
CLEANUP_INTERVAL = 5


class ServeError(Exception):
    """The server could not start listening; the message is one line for the user."""


def _raise_file_limit(wanted: int) -> int:
    """Raise the soft limit on open files towards ``wanted`` (up to the hard limit); the new soft limit."""
    try:
        import resource
    except ImportError:  # not Unix
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    return wanted if soft == resource.RLIM_INFINITY else soft


def waitress_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """The waitress settings that bound what clients can hold: connections, idle time, body size."""
    files = _raise_file_limit(CONNECTION_LIMIT + 256)
    options: dict[str, Any] = {
        "connection_limit": max(16, min(CONNECTION_LIMIT, files - 128)),
        "channel_timeout": IDLE_TIMEOUT, "cleanup_interval": CLEANUP_INTERVAL,
        "asyncore_use_poll": True,
    }
    body_limit = config.get("MAX_CONTENT_LENGTH")
    if body_limit:
        options["max_request_body_size"] = int(body_limit) + 1  # waitress refuses sizes >= this
    return options


class SandboxedDispatcher(ThreadedTaskDispatcher):  # type: ignore[misc]
    """waitress's request threads, each unable to open a network socket from its first moment.

    Why: small lookups are answered in the request thread itself (:mod:`.fastpath`; handing them
    to another thread costs more than the lookup), and that thread must then be as cut off from
    the network as a query worker. Each thread installs the workers' seccomp filter on itself
    (:func:`~.sandbox.sandbox_this_thread`) before it serves anything; the listening socket and
    the accepted connections belong to the main thread, and writing to an accepted socket needs
    no new socket. Where the filter is unavailable the threads run as before and the fast path
    hands lookups to its own sandboxed threads, or to the workers.

    Small lookups on the loop thread: once :meth:`answer_on_loop` has sandboxed the thread that
    runs waitress's event loop, a plain ``GET /sparql?query=LOOKUP`` that
    :class:`~.sparql.DirectLookups` answers is answered right there, when its request is
    complete, instead of being queued for a request thread. Why: the answer takes the engine a
    fraction of a millisecond, and the hand-over to a request thread and back (two thread
    wake-ups, the GIL changing hands twice) cost as much again on a busy machine. Only answers
    already made are written on the loop (their size is bounded like every fast-path answer);
    anything else, and any lookup the fast path declines, is queued as before, so no request
    ever waits on the loop for the engine beyond the fast path's own bound.
    """

    direct: Any = None  # the app's DirectLookups, once the loop thread may answer lookups
    loop_thread: int | None = None

    def handler_thread(self, thread_no: int) -> None:
        from newsgraph.web.sandbox import sandbox_this_thread

        sandbox_this_thread()
        super().handler_thread(thread_no)

    def answer_on_loop(self, direct: Any) -> bool:
        """Sandbox the calling thread (the one about to run the loop) and answer lookups on it."""
        from newsgraph.web.sandbox import sandbox_this_thread

        if direct is None or not sandbox_this_thread():
            return False
        self.direct, self.loop_thread = direct, threading.get_ident()
        return True

    def add_task(self, task: Any) -> None:
        if self.direct is not None and threading.get_ident() == self.loop_thread and isinstance(task, _LoopChannel):
            answer = self._answer(task.requests[0])
            if answer is not None:
                task.loop_answer = answer  # written by the channel once waitress's lock is released
                return
        super().add_task(task)

    def _answer(self, request: Any) -> tuple[bytes, list[tuple[str, str]]] | None:
        if request.error or request.command != "GET" or request.path != "/sparql":
            return None
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": request.query or "",
                   "HTTP_ACCEPT": request.headers.get("ACCEPT", "")}
        try:
            return self.direct.answer(environ)  # type: ignore[no-any-return]
        except Exception:  # a request thread answers it, and reports what went wrong
            return None


class _LoopTask(WSGITask):  # type: ignore[misc]
    """waitress's WSGI task, ending a loop answer's batch as soon as the response is complete.

    Before waitress queues the connection's next pipelined request (perhaps for a request
    thread, which would write at once), so responses keep their order.
    """

    def service(self) -> None:
        try:
            super().service()
        finally:
            channel = self.channel
            if isinstance(channel, _LoopChannel):
                channel.end_batch()


class _LoopChannel(HTTPChannel):  # type: ignore[misc]
    """waitress's connection, able to write an answer the dispatcher made on the loop thread.

    waitress calls the dispatcher's ``add_task`` while it holds the connection's request lock,
    which ``service`` takes too, so the answer is written here, after ``received`` let it go.
    ``service`` runs waitress's own response code (status line, ``Date``, keep-alive), with
    :class:`~.sparql.DirectLookups` handing back the answer already made.
    """

    task_class = _LoopTask
    loop_answer: tuple[bytes, list[tuple[str, str]]] | None = None
    _batch: list[bytes] | None = None

    def received(self, data: bytes) -> bool:
        result: bool = super().received(data)
        from newsgraph.web.sparql import DirectLookups

        while self.loop_answer is not None:  # a pipelined request may give another one
            answer, self.loop_answer = self.loop_answer, None
            self._batch = []
            with DirectLookups.answered(answer):
                self.service()
            self.end_batch()  # (already done by the task, unless it failed before it ran)
        return result

    def write_soon(self, data: Any) -> int:
        """While a loop answer is written, keep its pieces and send them as one (see :meth:`end_batch`)."""
        if self._batch is not None and isinstance(data, bytes | bytearray | memoryview):
            self._batch.append(bytes(data))
            return len(data)
        return int(super().write_soon(data))

    def end_batch(self) -> None:
        """Hand the answer's status line, headers and body to waitress at once.

        Why: waitress writes the headers and the body of a response with one ``send`` each (its
        ``send_bytes`` is 1), and on a small answer that second system call, with the wake-up of
        the client it causes, cost a quarter of the answer's time.
        """
        batch, self._batch = self._batch, None
        if batch:
            super().write_soon(b"".join(batch))


def _from_other_threads(pull_trigger: Callable[[], None]) -> Callable[[], None]:
    """waitress's wake-up of its loop, skipped when the loop's own thread asks for it.

    Why: waitress wakes its loop (a byte through a pipe, one more turn of the loop) whenever a
    request is done, because request threads finish outside the loop; a lookup answered on the
    loop thread needs no wake-up, since the loop works out what to wait for on every turn (its
    ``poll`` flags are made afresh from each connection's state). That wake-up was one turn of
    the loop in two for small lookups.
    """
    loop = threading.get_ident()

    def pull() -> None:
        if threading.get_ident() != loop:
            pull_trigger()

    return pull


def _warm_in_background(app: Any) -> None:
    """Start one query worker (and the zygote) while the server already answers, and have it open
    the shared merged union (building it if this store version has none yet).

    Why in the background: the first answer should not wait for a worker process that it may not
    need (a small lookup is answered in the request thread, see :mod:`.fastpath`); a query that
    does need one waits for it as it would for a busy one. The zygote is started by its own
    launcher thread (:mod:`.workers`), so this thread's origin does not matter.
    """
    def warm() -> None:
        with app.app_context():
            pool = get_pool()
            try:
                shared = app.config.get("MERGED_UNION", "shared") == "shared"
                pool.warm(get_provider().snapshot()[1], merged=app.config["DEFAULT_GRAPH"] if shared else None,
                          wait=600.0)
            except Exception as exc:  # the first query will try again, and say why
                if not pool.closed:  # not a server that stopped while the worker started
                    print(f"newsgraph: warning: could not start a query worker: {exc}", file=sys.stderr,
                          flush=True)

    threading.Thread(target=warm, name="newsgraph-warm", daemon=True).start()


def _bind_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"cannot listen on {host}:{port}: the port is already in use (try another --port)"
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
        return f"cannot listen on {host}:{port}: {host} is not an address of this machine (try --host 127.0.0.1)"
    if exc.errno == errno.EACCES:
        return f"cannot listen on {host}:{port}: permission denied (ports below 1024 need privileges)"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _exit_on_sigterm(_signum: int, _frame: Any) -> None:
    raise SystemExit(0)  # waitress stops its loop on SystemExit, and our finally clauses run


def _announce(url: str, base: str, public: str | None, processes: int = 1) -> None:
    shown = f" in {processes} processes" if processes > 1 else ""
    print(f"newsgraph serving {url} (SPARQL endpoint {url}sparql){shown}", flush=True)
    print(f"newsgraph: IRIs under {base} dereference here (/id/...)"
          + (f"; public address {public}" if public else ""), file=sys.stderr, flush=True)


def _warn_anonymous(config: Mapping[str, Any], host: str, url: str) -> None:
    if config.get("ALLOW_ANONYMOUS_UPDATE") and host not in ("127.0.0.1", "::1", "localhost"):
        print(f"newsgraph: warning: anyone who can reach {url} can change the data (anonymous updates)",
              file=sys.stderr, flush=True)


def _server_for(app: Any, threads: int, **where: Any) -> Any:
    """waitress's server for ``app``, listening where ``where`` says (host and port, or sockets)."""
    options = waitress_options(app.config)
    if not app.config.get("ALLOW_SERVICE") and "newsgraph.pool" in app.extensions:
        # Not for a remote store, whose pages and proxy reach its server from request threads.
        # ``_dispatcher`` is waitress's hook for its own dispatcher class; given one, waitress
        # leaves starting its threads to the caller.
        options["_dispatcher"] = SandboxedDispatcher()
    server = create_server(app, threads=threads, ident="newsgraph", **where, **options)
    if "_dispatcher" in options:  # started once listening: a failed bind leaves no thread behind
        options["_dispatcher"].set_thread_count(threads)
        server.channel_class = _LoopChannel
    return server


def _run(app: Any, server: Any) -> None:
    """Answer until SIGTERM or Ctrl-C, then stop the app's worker processes."""
    if "newsgraph.pool" in app.extensions:  # none for a remote store: its server answers queries
        _warm_in_background(app)
    with contextlib.suppress(ValueError):  # ValueError: not the main thread (embedded use)
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    dispatcher = server.task_dispatcher
    if isinstance(dispatcher, SandboxedDispatcher) and app.config.get("FAST_PATH_ON_LOOP", True):
        from newsgraph.web.sparql import DirectLookups

        # Last, once every thread this one starts has started: from here on this thread
        # cannot open a network socket (it needs none: it accepts, reads and writes).
        direct = app.wsgi_app if isinstance(app.wsgi_app, DirectLookups) else None
        if dispatcher.answer_on_loop(direct):
            server.pull_trigger = _from_other_threads(server.pull_trigger)
    try:
        server.run()  # returns on Ctrl-C or SIGTERM (waitress stops its worker threads)
    finally:
        server.close()
        shutdown(app)


def serve(store_path: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8080, *,
          config: Mapping[str, Any] | None = None, threads: int = 16, processes: int = 1) -> None:
    """Serve the store until interrupted; print one line with the URLs once listening.

    Raises :class:`newsgraph.store.StoreError` before listening if there is no store to serve,
    :class:`ServeError` if the address cannot be listened on (in use, not this machine's).
    ``port=0`` picks a free port (the printed line says which). ``processes`` above 1 serves from
    that many processes sharing the listening socket (:mod:`.processes`; not for a remote store,
    whose own server does the work).
    """
    from newsgraph.remote_store import is_remote

    if processes > 1 and not is_remote(store_path):
        _serve_in_processes(store_path, host, port, config=config, threads=threads, processes=processes)
        return
    app = create_app(store_path, config)
    try:
        server = _server_for(app, threads, host=host, port=port)
    except OSError as exc:
        shutdown(app)
        raise ServeError(_bind_error(host, port, exc)) from exc
    except ValueError as exc:  # waitress: a host name it cannot resolve
        shutdown(app)
        raise ServeError(f"cannot listen on {host}:{port}: {exc}") from exc
    url = _url(host, server.effective_port)  # type: ignore[union-attr]
    _announce(url, app.config["BASE_URI"], app.config.get("PUBLIC_URL"))
    _warn_anonymous(app.config, host, url)
    _run(app, server)


def _serve_in_processes(store_path: str | os.PathLike[str], host: str, port: int, *,
                        config: Mapping[str, Any] | None, threads: int, processes: int) -> None:
    """:func:`serve` from ``processes`` forked server processes on one socket (see :mod:`.processes`)."""
    from newsgraph.store import StoreError
    from newsgraph.web import StoreProvider
    from newsgraph.web import processes as multi

    StoreProvider.check_store_exists(store_path)  # the usual message, before anything is forked
    try:
        sock = multi.listening_socket(host, port)
    except OSError as exc:
        raise ServeError(_bind_error(host, port, exc)) from exc
    except UnicodeError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc}") from exc
    url = _url(host, sock.getsockname()[1])
    multi.shared_writes = multi.WriteCounter()  # before the fork: every process maps the same page

    def child(ready: Callable[[str | None, str], None]) -> None:
        from newsgraph.web.workers import forget_after_fork

        forget_after_fork()
        try:
            app = create_app(store_path, config)
        except (StoreError, ValueError, OSError) as exc:
            ready(str(exc), "")
            return
        try:
            server = _server_for(app, threads, sockets=[sock])
        except (OSError, ValueError) as exc:
            shutdown(app)
            ready(f"cannot listen on {host}:{port}: {exc}", "")
            return
        ready(None, f"{app.config['BASE_URI']} {app.config.get('PUBLIC_URL') or ''}")
        _run(app, server)

    supervisor = multi.Supervisor(processes, child)
    try:  # the supervisor keeps the socket open: a process it starts to replace one needs it
        try:
            info = supervisor.start()
        except multi.StartFailed as exc:
            raise StoreError(str(exc)) from exc
        base, _, public = info.partition(" ")
        _announce(url, base, public or None, processes)
        _warn_anonymous(config or {}, host, url)
        supervisor.wait()
    finally:
        sock.close()
