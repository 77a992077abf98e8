"""Real SPARQL servers for the remote-store tests and benchmarks: Oxigraph server and Virtuoso 7.

Each starts on free ports in a temporary folder and is stopped (its process group killed) at the
end. ``start_*`` raise :class:`Unavailable` with the reason when the server cannot run here (not
installed, does not come up), so the tests skip saying why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

VIRTUOSO_VSP = "/var/lib/virtuoso-opensource-7/vsp"


class Unavailable(Exception):
    """The server cannot be started here; the message says why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running server: its store spec for newsgraph, and how to stop and start it again."""

    name: str
    spec: str
    query_url: str
    command: list[str]
    folder: Path
    process: subprocess.Popen | None = None
    ready_after: float = 0.0

    def start(self, timeout: float = 120.0) -> None:
        log = (self.folder / "server.log").open("ab")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder,
                                        start_new_session=True)
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise Unavailable(f"{self.name} exited with {self.process.returncode}: {self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                r = httpx.post(self.query_url, data={"query": "ASK {}"}, timeout=2,
                               headers={"Accept": "application/sparql-results+json"})
                if r.status_code == 200:
                    self.ready_after = time.monotonic() - started
                    return
            time.sleep(0.2)
        self.kill()
        raise Unavailable(f"{self.name} did not answer within {timeout:.0f} s: {self.log_tail()}")

    def kill(self) -> None:
        """Kill the server at once (SIGKILL to its process group), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def log_tail(self) -> str:
        try:
            return (self.folder / "server.log").read_text(errors="replace")[-600:].replace("\n", " | ")
        except OSError:
            return ""


def oxigraph_server(folder: Path) -> Server:
    """``oxigraph serve`` from the ``oxigraph`` package (the test extra), union default graph on."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        raise Unavailable("the oxigraph server is not installed (pip install oxigraph; it is in the test extra)")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    return Server("Oxigraph server", f"sparql+{base}/query?update=/update", f"{base}/query",
                  [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}",
                   "--union-default-graph"], folder)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = {http_port}
ServerRoot = {vsp}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def virtuoso_server(folder: Path) -> Server:
    """Debian's Virtuoso 7 (``virtuoso-t``) on a fresh database in ``folder``, on free ports."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise Unavailable("Virtuoso is not installed (apt-get install virtuoso-opensource; .ci/run does)")
    if shutil.which("isql-vt") is None:
        raise Unavailable("Virtuoso's isql-vt is missing (it grants the SPARQL user update rights)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=http_port,
                                                             vsp=VIRTUOSO_VSP))
    base = f"http://127.0.0.1:{http_port}/sparql"
    server = Server("Virtuoso", f"sparql+{base}", base,
                    [binary, "-c", str(folder / "virtuoso.ini"), "+foreground"], folder)
    server.sql_port = sql_port  # type: ignore[attr-defined]
    return server


def grant_sparql_update(server: Server) -> None:
    """Let Virtuoso's anonymous ``SPARQL`` user update over /sparql (a fresh database's dba is dba/dba).

    Why this and not /sparql-auth with digest: the tests need no password handling then; a real
    deployment keeps the grant off and points newsgraph at /sparql-auth (see the README).
    """
    result = subprocess.run(["isql-vt", str(server.sql_port), "dba", "dba",  # type: ignore[attr-defined]
                             "exec=GRANT SPARQL_UPDATE TO \"SPARQL\";"], capture_output=True, text=True, timeout=60)
    if result.returncode != 0 or "Error" in result.stdout:
        raise Unavailable(f"could not grant SPARQL_UPDATE in Virtuoso: {result.stdout} {result.stderr}")


def start(kind: str, folder: Path) -> Server:
    """A started server of ``kind`` (``oxigraph`` or ``virtuoso``) in ``folder``, ready for writes."""
    server = oxigraph_server(folder) if kind == "oxigraph" else virtuoso_server(folder)
    server.start()
    if kind == "virtuoso":
        try:
            grant_sparql_update(server)
        except Unavailable:
            server.kill()
            raise
    return server
