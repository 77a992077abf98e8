"""Several server processes on one listening socket, kept by a small supervisor.

Why: one Python process answers requests on one core at a time (the GIL), and on a machine with
several cores the small lookups of many clients queue behind each other while the other cores
idle. Measured on 2 cores with 8 clients (``bench/bench_queries.py``), one process answered 0.28×
``oxigraph serve``'s requests per second.

How:

* The supervisor (the process ``newsgraph serve`` started) binds the listening socket, so a port
  in use or a wrong address is reported as before, then forks the server processes **before**
  anything starts a thread: each builds its own app (store snapshot, query workers, fast path) and
  runs waitress on the inherited socket. All of them wait on that socket; the kernel hands each
  new connection to one of them (a busy process comes back to its loop later, so the idle one
  tends to take it). Every limit of :mod:`.server` holds per process.
* Reads need nothing shared: each process serves a read-only snapshot of the store and reopens
  it when the store's files change (:class:`~newsgraph.web.StoreProvider`), as one process did
  for writes made by ``newsgraph ingest``.
* Writes through the server (SPARQL Update) stay one at a time across the processes: they hold
  an exclusive ``flock`` on the store folder (:func:`update_lock`), as they held a thread lock. The
  process that wrote then bumps a counter in memory shared by all the processes
  (:class:`WriteCounter`); every process compares it with the one it saw on each request and
  reopens its snapshot first when it moved, so a client that wrote through one connection reads
  its write through any other, whichever process answers.
* Shutdown: SIGTERM or SIGINT to the supervisor stops every server process (SIGTERM, then SIGKILL
  after :data:`STOP_GRACE` seconds) and waits for them; a server process also gets SIGTERM from
  the kernel if the supervisor dies (``PR_SET_PDEATHSIG``), so none is left behind. A server
  process that dies while the others serve is replaced.
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator

from newsgraph.machine import usable_cores

#: Seconds server processes get to finish after SIGTERM before they are killed.
STOP_GRACE = 10.0
#: A server process that exits sooner than this after its start is a failed start, not a crash.
FAILED_START = 5.0


class WriteCounter:
    """A number in memory shared by the server processes: how many writes went through any of them."""

    def __init__(self) -> None:
        self._map = mmap.mmap(-1, 8)  # anonymous and MAP_SHARED: forked children see the same page
        self._lock = threading.Lock()

    def value(self) -> int:
        return int(struct.unpack_from("Q", self._map, 0)[0])

    def bump(self) -> None:
        """Count one more write (under :func:`update_lock`, so no two processes bump at once)."""
        with self._lock:
            struct.pack_into("Q", self._map, 0, self.value() + 1)


#: This process's view of the counter: set in the server processes, ``None`` when serving alone.
shared_writes: WriteCounter | None = None


@contextlib.contextmanager
def update_lock(store_path: str | os.PathLike[str], timeout: float | None) -> Iterator[bool]:
    """Hold an exclusive lock on the store folder (across processes) for one update.

    Yields whether the lock was taken within ``timeout`` seconds (``None``: wait as long as it takes).
    Why ``flock`` on the folder itself: it needs no file of ours inside the store, and it is
    released by the kernel when the holder dies, so a killed server process cannot leave it held.
    """
    fd = os.open(os.fspath(store_path), os.O_RDONLY)
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.01)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def default_processes() -> int:
    """Server processes when none are asked for: one per core this process may run on, at most 4."""
    return min(4, usable_cores())


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """Bind and listen on ``host:port`` (raises ``OSError`` as ``bind`` does)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
        sock.bind(address)
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


def _die_with_parent(parent: int) -> None:
    """SIGTERM this process when the supervisor dies (Linux), and exit now if it already has."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


class Supervisor:
    """Forks ``count`` server processes running ``child(ready)`` and keeps them until stopped.

    ``child`` runs in a forked process; it calls ``ready(None, info)`` once it listens, or
    ``ready(message, "")`` if it cannot serve, and returns when its server stops. :meth:`start`
    returns the first process's ``info`` once every process is ready (or raises
    :class:`StartFailed` with the first message);
    :meth:`wait` supervises until SIGTERM/SIGINT, then stops them all.
    """

    def __init__(self, count: int, child: Callable[[Callable[[str | None, str], None]], None]) -> None:
        self.count = count
        self.child = child
        self.children: dict[int, float] = {}  # pid -> start time
        self._stopping = False

    def _fork(self) -> tuple[int, int]:
        """Fork one server process; its pid and the read end of its readiness pipe."""
        read_end, write_end = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the server process
            code = 0
            try:
                os.close(read_end)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the supervisor, which stops us
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _die_with_parent(parent)

                def ready(problem: str | None, info: str) -> None:
                    message = f"ok {info}" if problem is None else f"no {problem}"
                    with contextlib.suppress(OSError):
                        os.write(write_end, message.encode()[:4000])
                        os.close(write_end)

                self.child(ready)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
            except BaseException as exc:  # reported, never raised into the supervisor's code
                print(f"newsgraph: server process failed: {exc}", file=sys.stderr, flush=True)
                code = 1
            finally:
                with contextlib.suppress(Exception):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(code)
        os.close(write_end)
        self.children[pid] = time.monotonic()
        return pid, read_end

    def start(self) -> str:
        """Fork every server process and wait until each listens; raise :class:`StartFailed` if one cannot."""
        pipes = dict(self._fork() for _ in range(self.count))
        problem, info = self._await_ready(pipes)
        if problem is not None:
            self.stop()
            raise StartFailed(problem)
        return info

    def _await_ready(self, pipes: dict[int, int]) -> tuple[str | None, str]:
        problem: str | None = None
        info = ""
        try:
            while pipes:
                readable, _, _ = select.select(list(pipes.values()), [], [])
                for pid, fd in list(pipes.items()):
                    if fd in readable:
                        message = os.read(fd, 4096).decode(errors="replace")
                        os.close(fd)
                        del pipes[pid]
                        if message.startswith("ok "):
                            info = info or message[3:]
                        elif problem is None:
                            problem = message[3:] or "a server process exited while starting"
        finally:
            for fd in pipes.values():
                os.close(fd)
        return problem, info

    def _on_signal(self, _signum: int, _frame: object) -> None:
        self._stopping = True
        raise _Stop  # out of os.waitpid, which Python would otherwise resume after the handler

    def wait(self) -> None:
        """Keep the server processes (replacing one that dies) until SIGTERM or SIGINT; then stop them."""
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self._stopping:
                try:
                    pid, status = os.waitpid(-1, 0)
                except (_Stop, ChildProcessError):
                    return
                started = self.children.pop(pid, None)
                if started is None or self._stopping:
                    continue
                print(f"newsgraph: a server process exited ({_describe(status)}); starting another",
                      file=sys.stderr, flush=True)
                if time.monotonic() - started < FAILED_START:
                    time.sleep(1.0)  # a process that cannot start is not restarted in a tight loop
                if self._stopping:
                    break
                _pid, read_end = self._fork()
                with contextlib.suppress(OSError):
                    os.close(read_end)  # the others serve meanwhile; a failure shows in its own message
        finally:
            for sig in previous:  # a second Ctrl-C must not cut the stop short
                signal.signal(sig, signal.SIG_IGN)
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def stop(self) -> None:
        """SIGTERM every server process, SIGKILL those still alive after :data:`STOP_GRACE`, reap all."""
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while self.children:
            for pid in list(self.children):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    del self.children[pid]
            if not self.children:
                break
            if time.monotonic() > deadline:
                for pid in self.children:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                deadline = float("inf")
            time.sleep(0.02)


class _Stop(Exception):
    """Raised by the supervisor's signal handler to leave its wait."""


class StartFailed(Exception):
    """A server process could not start; the message is its own."""


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"

