"""Plain GET lookups answered on waitress's loop thread (server.SandboxedDispatcher, _LoopChannel).

Run through the real ``newsgraph serve`` (one process, so every request of a connection meets the
same loop), over raw sockets: pipelined requests mixing loop answers, request-thread answers and
pages come back complete and in order, and a loop answer is the same as the one the Flask route
gives (asked with a second, ignored parameter, which sends the request through Flask).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture
def served(store_path: Path) -> Iterator[tuple[str, int]]:
    newsgraph = shutil.which("newsgraph") or str(Path(sys.executable).parent / "newsgraph")
    env = {k: v for k, v in os.environ.items() if k != "NEWSGRAPH_BASE_URI"}
    proc = subprocess.Popen([newsgraph, "serve", "--store", str(store_path), "--port", "0", "--workers", "1",
                             "--processes", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"serving http://([^:/]+):(\d+)/", line)
    assert match, line
    try:
        yield match.group(1), int(match.group(2))
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def _subjects(host: str, port: int) -> list[str]:
    query = f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s <{LABEL}> ?l }} }} ORDER BY ?s LIMIT 3"
    body = _responses(host, port, [_get(query)])[0][2].decode()
    return re.findall(r'"value":"([^"]+)"', body)


def _get(query: str, extra: str = "", accept: str = "application/sparql-results+json") -> bytes:
    target = "/sparql?" + urllib.parse.urlencode({"query": query}) + extra
    return f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\n\r\n".encode()


def _responses(host: str, port: int, requests: list[bytes]) -> list[tuple[int, dict[str, str], bytes]]:
    """Send ``requests`` pipelined on one connection; the responses, in the order they came."""
    with socket.create_connection((host, port), timeout=30) as conn:
        conn.sendall(b"".join(requests))
        data = b""
        out: list[tuple[int, dict[str, str], bytes]] = []
        while len(out) < len(requests):
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                assert chunk, f"connection closed after {len(out)} responses"
                data += chunk
            head, data = data.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
            assert "content-length" in headers, headers  # every answer here has a known length
            size = int(headers["content-length"])
            while len(data) < size:
                chunk = conn.recv(65536)
                assert chunk
                data += chunk
            out.append((status, headers, data[:size]))
            data = data[size:]
        return out


def test_pipelined_lookups_queries_and_pages_come_back_in_order(served: tuple[str, int]) -> None:
    host, port = served
    subjects = _subjects(host, port)
    assert len(subjects) == 3
    lookups = [f"SELECT ?l WHERE {{ <{s}> <{LABEL}> ?l }}" for s in subjects]
    worker_query = f"SELECT ?s WHERE {{ ?s <{LABEL}> ?l FILTER(STRSTARTS(?l, \"\")) }} LIMIT 1"  # not a lookup
    requests = [_get(lookups[0]), _get(worker_query), _get(lookups[1]), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                _get(lookups[2]), _get(lookups[0])]
    got = _responses(host, port, requests)
    assert [status for status, _, _ in got] == [200] * 6
    alone = [_responses(host, port, [r])[0][2] for r in requests]
    for (_, _, body), expected, request in zip(got, alone, requests, strict=True):
        if request.startswith(b"GET / "):
            assert b"<html" in body.lower()
        else:
            assert body == expected
    assert got[0][2] == got[5][2] and got[0][2] != got[2][2]


def test_a_loop_answer_is_the_flask_routes_answer(served: tuple[str, int]) -> None:
    host, port = served
    subject = _subjects(host, port)[0]
    query = f"SELECT ?l WHERE {{ <{subject}> <{LABEL}> ?l }}"
    # ``&default-graph-uri=`` would change the dataset; an unknown parameter is ignored by the route
    # but makes the request one the loop does not take.
    loop, route = _responses(host, port, [_get(query), _get(query, "&x-unused=1")])
    assert loop[0] == route[0] == 200
    assert loop[2] == route[2]
    for name in ("content-type", "vary", "x-content-type-options", "referrer-policy", "x-frame-options",
                 "access-control-allow-origin"):
        assert loop[1].get(name) == route[1].get(name), name


def test_a_lookup_asked_as_html_goes_past_the_loop(served: tuple[str, int]) -> None:
    host, port = served
    subject = _subjects(host, port)[0]
    # A browser's HTML table goes past the loop to Flask and a worker; CSV is one more format.
    html, csv = _responses(host, port, [_get(f"SELECT ?l WHERE {{ <{subject}> <{LABEL}> ?l }}", accept="text/html"),
                                        _get(f"SELECT ?l WHERE {{ <{subject}> <{LABEL}> ?l }}", accept="text/csv")])
    assert html[0] == 200 and "text/html" in html[1]["content-type"]
    assert csv[0] == 200 and csv[2].startswith(b"l\r\n")
