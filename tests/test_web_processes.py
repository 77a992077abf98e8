"""``newsgraph serve --processes N``: several server processes on one port (web/processes.py).

Each test runs the real CLI on a real store and talks HTTP to it: both processes answer, a write
through one is read through the other at once, none is left behind however the server is
stopped, and a server process that dies is replaced.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsgraph.web.processes import StartFailed, Supervisor, update_lock
from proc_helpers import alive, children_of, descendants

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _wait_gone(pids: list[int], seconds: float = 20.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def _serve(store: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    newsgraph = shutil.which("newsgraph") or str(Path(sys.executable).parent / "newsgraph")
    env = {k: v for k, v in os.environ.items() if k != "NEWSGRAPH_BASE_URI"}
    proc = subprocess.Popen([newsgraph, "serve", "--store", str(store), "--port", "0", "--workers", "1",
                             "--processes", "2", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"serving (http://\S+?/) .*in 2 processes", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")  # type: ignore[union-attr]
    return proc, match.group(1)


@pytest.fixture
def served(store_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc, url = _serve(store_path, "--allow-anonymous-update")
    try:
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.communicate(timeout=30)


def _ask(url: str, query: str) -> str:
    full = url + "sparql?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(urllib.request.Request(
            full, headers={"Accept": "application/sparql-results+json"}), timeout=30) as response:
        return response.read().decode()


def _update(url: str, text: str) -> int:
    request = urllib.request.Request(url + "sparql", data=urllib.parse.urlencode({"update": text}).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def _server_pids(proc: subprocess.Popen[str]) -> list[int]:
    """The supervisor's direct children still running: the server processes."""
    return [p for p in children_of().get(proc.pid, []) if alive(p)]


def _sockets(pid: int) -> int:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return 0
    count = 0
    for fd in fds:
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    return count


def test_two_processes_answer_and_both_take_connections(served: tuple[subprocess.Popen[str], str]) -> None:
    proc, url = served
    servers = _server_pids(proc)
    assert len(servers) == 2
    host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
    assert host and port
    before = {pid: _sockets(pid) for pid in servers}
    # Hold connections open, a few at a time: the kernel hands each to whichever process waits
    # on the socket first, so both get some (a busy one comes back to its loop later).
    conns: list[socket.socket] = []
    try:
        for _ in range(20):
            conns += [socket.create_connection((host, port)) for _ in range(4)]
            time.sleep(0.2)
            if all(_sockets(pid) > before[pid] for pid in servers):
                break
        assert all(_sockets(pid) > before[pid] for pid in servers), (before, {p: _sockets(p) for p in servers})
    finally:
        for conn in conns:
            conn.close()
    assert '"boolean":true' in _ask(url, "ASK {}")


def test_a_write_through_one_process_is_read_through_every_other_at_once(
        served: tuple[subprocess.Popen[str], str]) -> None:
    _, url = served
    for i in range(6):
        subject = f"http://example.org/written/{i}"
        assert _update(url, f'INSERT DATA {{ GRAPH <http://example.org/g> {{ <{subject}> <{LABEL}> "w{i}" }} }}') == 204
        # A new connection each time: either process may answer, and both must see the write.
        for _ in range(6):
            assert f'"w{i}"' in _ask(url, f"SELECT ?l WHERE {{ <{subject}> <{LABEL}> ?l }}")


def test_sigterm_stops_every_process_below_the_server(served: tuple[subprocess.Popen[str], str]) -> None:
    proc, url = served
    _ask(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # a worker (and its zygote) in one process
    below = descendants(proc.pid)
    assert len(below) >= 3, below  # two server processes, at least one zygote
    proc.terminate()
    proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert _wait_gone(below) == []


def test_a_killed_supervisor_takes_its_server_processes_with_it(
        served: tuple[subprocess.Popen[str], str]) -> None:
    proc, url = served
    _ask(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    below = descendants(proc.pid)
    proc.kill()
    proc.communicate(timeout=30)
    assert _wait_gone(below) == []


def test_a_server_process_that_dies_is_replaced(served: tuple[subprocess.Popen[str], str]) -> None:
    proc, url = served
    first = _server_pids(proc)
    for victim in first:  # both, one after the other: then only replacements can answer
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = _server_pids(proc)
            if len(now) == 2 and victim not in now:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"not replaced: {first} -> {_server_pids(proc)}")
    time.sleep(1.0)  # a replacement that could not listen would have exited by now
    now = _server_pids(proc)
    assert len(now) == 2 and not set(now) & set(first)
    for _ in range(8):
        assert '"boolean":true' in _ask(url, "ASK {}")


def test_a_port_in_use_is_said_before_anything_is_forked(store_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        newsgraph = shutil.which("newsgraph") or str(Path(sys.executable).parent / "newsgraph")
        done = subprocess.run([newsgraph, "serve", "--store", str(store_path), "--port", str(port),
                               "--processes", "2"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "already in use" in done.stderr


def test_a_process_that_cannot_start_fails_the_start_with_its_reason() -> None:
    def child(ready: object) -> None:
        ready("no store here", "")  # type: ignore[operator]

    supervisor = Supervisor(2, child)
    with pytest.raises(StartFailed, match="no store here"):
        supervisor.start()
    assert supervisor.children == {}


def _hold_lock(path: str, held: Any, release: Any) -> None:
    with update_lock(path, 5) as locked:
        assert locked
        held.set()
        release.wait(10)


def test_update_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    held, release = context.Event(), context.Event()
    other = context.Process(target=_hold_lock, args=(str(tmp_path), held, release))
    other.start()
    try:
        assert held.wait(30)
        with update_lock(tmp_path, 0.2) as locked:
            assert not locked
        release.set()
        other.join(30)
        with update_lock(tmp_path, 1) as locked:
            assert locked
    finally:
        release.set()
        other.join(30)
