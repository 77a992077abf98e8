"""Serving a store kept in a SPARQL 1.1 server: the pages and dumps read it, ``/sparql`` is a proxy.

Why a proxy rather than pointing clients at the server: the site keeps one address (its pages,
dumps, ``/id/`` IRIs and ``/sparql`` together, as with the embedded store), the server's
credentials never leave this process, and the triple store can stay on a private network behind
newsgraph's limits, CORS rules and security headers. The proxy forwards read queries only, and
only to the one query URL the store was opened with: no client-supplied URL is ever fetched.

The no-network-for-strangers guarantee, kept: the embedded store's sandbox cannot reach into
another server, so without ``--allow-service`` a query is refused if its text mentions
``SERVICE`` anywhere (in any case, after SPARQL's ``\\u`` escapes are decoded): a spelling that
the server's parser accepts and a keyword pattern misses (``0SERVICE``) is refused too; so is a
Virtuoso ``DEFINE`` pragma (``define get:soft`` fetches URLs). Updates are refused: they go to
the store's own update endpoint, with its credentials.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator

import httpx
from flask import Blueprint, Response, current_app, redirect, request, url_for

from newsgraph.remote_store import Endpoints, RemoteStore
from newsgraph.store import OPAQUE, StoreError, nesting_error

bp = Blueprint("sparql", __name__)

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Request headers passed on to the server (content negotiation); nothing else of the client's.
_FORWARDED_HEADERS = ("accept",)
#: Response headers passed back.
_RETURNED_HEADERS = ("content-type", "content-disposition")


class RemoteProvider:
    """:class:`~newsgraph.web.StoreProvider`'s interface for a remote store.

    The version token (keying the page cache and the dumps) is the server's quad count and graph
    count, asked at most every ``check_interval`` seconds, so an ingest into the server shows up
    without a restart, as with the embedded store.
    """

    def __init__(self, spec: str, *, check_interval: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = RemoteStore(Endpoints.parse(spec))
        self.path = None
        self.check_interval = check_interval
        self._clock = clock
        self._lock = threading.Lock()
        if (problem := self.store.union_check()) is not None:
            raise StoreError(problem)
        self._version, self._modified = self._fingerprint(), time.time()
        self._checked_at = clock()

    def _fingerprint(self) -> str:
        try:
            return str(len(self.store))
        except StoreError as exc:
            raise StoreError(f"cannot read the store at {self.store.location}: {exc}") from exc

    def snapshot(self) -> tuple[RemoteStore, str]:
        if self._clock() - self._checked_at >= self.check_interval:
            self.refresh()
        return self.store, self._version

    def current(self) -> RemoteStore:
        return self.snapshot()[0]

    def modified(self) -> float:
        return self._modified

    def refresh(self, *, wait: bool = False) -> bool:
        if not self._lock.acquire(blocking=wait):
            return False
        try:
            self._checked_at = self._clock()
            try:
                version = self._fingerprint()
            except StoreError:
                return False  # the server is away: keep serving what we have (pages will say so)
            if version == self._version:
                return False
            self._version, self._modified = version, time.time()
            return True
        finally:
            self._lock.release()


def mentions_service(text: str) -> bool:
    """Whether ``text`` contains ``SERVICE`` in any case, also spelled with SPARQL's ``\\u`` escapes."""
    return "service" in _decoded(text).lower()


def has_pragma(text: str) -> bool:
    """Whether ``text`` has a Virtuoso ``DEFINE`` pragma outside strings and IRIs (``define get:soft``
    makes Virtuoso fetch the IRIs a query names)."""
    return re.search(r"(?<![\w$?])define\b", OPAQUE.sub(" ", _decoded(text)), re.IGNORECASE) is not None


def _decoded(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _store() -> RemoteStore:
    return current_app.extensions["newsgraph.store"].store


def _refuse(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    from newsgraph.web import plain_error

    return plain_error(status, message, headers)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Forward a SPARQL query to the store's server and stream its answer back."""
    form = request.args if request.method == "GET" else request.form
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        query: str | None = request.get_data(as_text=True)
    else:
        query = form.get("query")
    if request.method == "POST" and (request.mimetype == "application/sparql-update" or "update" in request.form):
        return _refuse(403, "This server publishes a SPARQL store read-only; send updates to the store itself")
    if not query:
        if "text/html" in request.headers.get("Accept", ""):
            return redirect(url_for("pages.query_page"), code=303)  # type: ignore[return-value]
        return _refuse(400, "No query: send ?query=... (GET) or a form or application/sparql-query body (POST)")
    if (too_deep := nesting_error(query, "query")) is not None:
        return _refuse(400, too_deep)
    if mentions_service(query) and not current_app.config.get("ALLOW_SERVICE"):
        return _refuse(403, "SERVICE (federated query) is not allowed on this server")
    if has_pragma(query):
        return _refuse(403, "Server-specific pragmas (DEFINE ...) are not forwarded: standard SPARQL 1.1 only")
    params: list[tuple[str, str]] = [("query", query)]
    params += [("default-graph-uri", g) for g in form.getlist("default-graph-uri")]
    params += [("named-graph-uri", g) for g in form.getlist("named-graph-uri")]
    store = _store()
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    headers.update({k: v for k, v in request.headers.items() if k.lower() in _FORWARDED_HEADERS})
    timeout = current_app.config.get("QUERY_TIMEOUT")
    from urllib.parse import urlencode

    try:
        upstream = store.client.send(
            store.client.build_request("POST", store.endpoints.query, content=urlencode(params).encode("ascii"),
                                       headers=headers, timeout=httpx.Timeout(timeout or None, connect=10.0)),
            stream=True)
    except httpx.TimeoutException:
        return _refuse(503, f"The store did not answer within {timeout:g} s", {"Retry-After": "5"})
    except httpx.TransportError as exc:
        return _refuse(503, f"The store is not answering ({type(exc).__name__}); try again shortly",
                       {"Retry-After": "5"})
    limit = current_app.config.get("MAX_RESULT_BYTES")
    status = upstream.status_code
    if status >= 400:
        text = upstream.read().decode("utf-8", "replace").strip()[:2000]
        upstream.close()
        return _refuse(400 if status < 500 else 502, f"The store refused the query ({status}): {text}")
    out_headers = {k: v for k, v in upstream.headers.items() if k.lower() in _RETURNED_HEADERS}

    def body() -> Iterator[bytes]:
        sent = 0
        try:
            for chunk in upstream.iter_bytes(65536):
                sent += len(chunk)
                if limit and sent > limit:
                    raise RuntimeError(f"result over {limit} bytes: response cut off")
                yield chunk
        finally:
            upstream.close()
    return Response(body(), status=status, headers=out_headers, direct_passthrough=True)

