"""The SPARQL 1.1 Protocol endpoint, ``/sparql``: queries, and updates when the server allows them.

Requests follow https://www.w3.org/TR/sparql11-protocol/ (GET ``?query=``, POST form-encoded,
POST ``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri``; for updates POST
``update=`` or ``application/sparql-update`` with ``using-graph-uri`` / ``using-named-graph-uri``).
The result format comes from the ``format`` parameter if given, else from ``Accept`` (with
q-values); a browser that prefers HTML gets a table. GET with no query describes the service
(SPARQL 1.1 Service Description plus VoID statistics) to RDF clients.

Every query and update runs in a worker process (:mod:`.workers`) under ``QUERY_TIMEOUT``; a query
that runs out of time is killed, not merely abandoned, and the client gets a 503 saying so. The
exception is the small lookup (constant subjects, a basic graph pattern, see :mod:`.fastpath`):
its work is bounded before it runs and it cannot reach the network, so the request thread answers
it itself, without the round trip to a worker. When every worker is busy, requests wait in a
bounded queue (``QUERY_QUEUE`` at most, for ``QUERY_QUEUE_WAIT`` seconds) before a 503.

The dataset: without a protocol dataset the default graph is the union of the article graphs —
unless the query names its own with ``FROM`` / ``FROM NAMED``, which then wins, as SPARQL says.
``DEFAULT_GRAPH = "auto"`` (the default) keeps the union only while the store's own default graph
is empty, as a newsgraph store's is: a store loaded with plain RDF (the W3C test datasets) gets
standard SPARQL semantics, where the default graph is the stored one.

Updates are refused (403) unless the app has an ``UPDATE_TOKEN`` (then ``Authorization: Bearer
TOKEN`` is required) or ``ALLOW_ANONYMOUS_UPDATE``. Why they run as they do: the server holds only
read-only snapshots, and ``newsgraph ingest`` in another process may hold the store's single write
lock; so an update opens the store read-write for its own duration (in a worker, under the
timeout), answers 503 with ``Retry-After`` when an ingest holds the lock, and closes it again.
Updates are serialized within the server; afterwards the snapshot is reopened at once, so the
client's next query sees its write.

Updates and other origins: a browser lets any web page POST a form to any site, so with anonymous
updates allowed any page the user visits could change the data. An update is therefore refused
(403) when the browser says it comes from another origin (``Origin`` not this host, or
``Sec-Fetch-Site`` cross-site/same-site), and update responses never carry CORS headers.

Network: the engine reaches no host unless ``ALLOW_SERVICE`` (queries) / ``ALLOW_LOAD`` (updates)
say so; the worker processes are sandboxed (:mod:`.workers`, :mod:`.sandbox`). The 403 for a plain
``SERVICE`` or ``LOAD`` below is a courtesy that says why before the engine is asked.
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import pickle
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MIMEAccept

from newsgraph.store import OPAQUE, has_keyword
from newsgraph.vocab import PREFIXES
from newsgraph.web import external_url, get_pool, get_provider, get_update_pool, plain_error
from newsgraph.web import processes as _processes
from newsgraph.web.conneg import accept, without_wildcard
from newsgraph.web.guards import courtesy_refusal, nesting_error
from newsgraph.web.workers import END, HEAD, ROWS, EngineError, StreamedAnswer, split_head

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
HTML = "text/html"

UPDATE_REFUSED = ("SPARQL Update is not allowed on this endpoint: it serves the store read-only. "
                  "Change the data with `newsgraph ingest` / `newsgraph load`, or start the server with "
                  "an update token (`newsgraph serve --update-token`).")

R = ox.QueryResultsFormat
G = ox.RdfFormat

#: Result formats by the names the ``format`` parameter takes, and pyoxigraph's attribute names.
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {"json": R.JSON, "xml": R.XML, "csv": R.CSV, "tsv": R.TSV}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": G.TURTLE, "ntriples": G.N_TRIPLES, "rdfxml": G.RDF_XML, "jsonld": G.JSON_LD}
_ATTRIBUTE = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV", "turtle": "TURTLE",
              "ntriples": "N_TRIPLES", "rdfxml": "RDF_XML", "jsonld": "JSON_LD"}
#: Other spellings clients send (SPARQLWrapper sends ``n3``, ``rdf+xml``, ``json-ld`` and media types).
FORMAT_ALIASES: dict[str, str] = {
    "ttl": "turtle", "n3": "turtle", "nt": "ntriples", "n-triples": "ntriples", "rdf": "rdfxml",
    "rdf+xml": "rdfxml", "rdf/xml": "rdfxml", "json-ld": "jsonld",
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv", "text/turtle": "turtle",
    "application/x-turtle": "turtle", "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml", "application/ld+json": "jsonld", "text/html": "html",
}
#: For graph results, the names that mean a result format (``xml``, ``json``) map to their RDF kin.
GRAPH_EQUIVALENT = {"xml": "rdfxml", "json": "jsonld"}
KNOWN_FORMATS = sorted({*RESULT_FORMATS, *GRAPH_FORMATS, "html", *FORMAT_ALIASES} - {
    a for a in FORMAT_ALIASES if "/" in a})

#: What ``Accept`` can pick, defaults first: with ``*/*`` the first one wins.
RESULT_OFFERS: list[tuple[str, str]] = [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
    ("application/json", "json"), ("application/xml", "xml"), ("text/xml", "xml")]
GRAPH_OFFERS: list[tuple[str, str]] = [
    ("text/turtle", "turtle"), ("application/n-triples", "ntriples"),
    ("application/rdf+xml", "rdfxml"), ("application/ld+json", "jsonld"),
    ("application/x-turtle", "turtle"), ("application/xml", "rdfxml"), ("application/json", "jsonld")]

SD = "http://www.w3.org/ns/sparql-service-description#"


class ProtocolError(EngineError):
    """A request the protocol rejects before any engine sees it: an HTTP status and a message for
    the client, as an :class:`EngineError` carries them."""


def content_type(fmt: ox.QueryResultsFormat | ox.RdfFormat) -> str:
    """The media type to answer with: always the canonical one, whatever alias was asked for."""
    media = fmt.media_type
    if media.startswith("text/") and "charset" not in media:
        media += "; charset=utf-8"
    return media


def _canonical_format(values: Iterable[str]) -> str | None:
    """The first recognised ``format`` value (SPARQLWrapper sends a name and a media type)."""
    given = [v.strip() for v in values if v.strip()]
    for value in given:
        name = value.lower()
        name = FORMAT_ALIASES.get(name, FORMAT_ALIASES.get(name.split(";")[0].strip(), name))
        if name in RESULT_FORMATS or name in GRAPH_FORMATS or name == "html":
            return name
    if given:
        raise ProtocolError(400, f"unknown format {given[0]!r}; use one of: {', '.join(KNOWN_FORMATS)}")
    return None


@dataclass(frozen=True)
class Negotiation:
    """The client's wishes; the worker applies them once it knows the query form."""

    format_name: str | None
    accept: MIMEAccept = field(default_factory=MIMEAccept)

    def wants_html(self) -> bool:
        """HTML only when asked for by name or preferred explicitly (never through ``*/*``)."""
        if self.format_name is not None:
            return self.format_name == "html"
        offers = [m for m, _ in RESULT_OFFERS] + [m for m, _ in GRAPH_OFFERS] + [HTML]
        return without_wildcard(self.accept).best_match(offers) == HTML

    def results_format(self) -> str:
        if self.format_name is not None:
            if self.format_name not in RESULT_FORMATS:
                raise ProtocolError(400, f"format {self.format_name!r} is for graphs (CONSTRUCT/DESCRIBE); "
                                         f"SELECT and ASK results come as {', '.join(RESULT_FORMATS)}")
            return self.format_name
        best = self.accept.best_match([m for m, _ in RESULT_OFFERS])
        return dict(RESULT_OFFERS).get(best or "", "json")

    def graph_format(self) -> str:
        if self.format_name is not None:
            name = GRAPH_EQUIVALENT.get(self.format_name, self.format_name)
            if name not in GRAPH_FORMATS:
                raise ProtocolError(400, f"format {self.format_name!r} is for SELECT/ASK results; "
                                         f"graphs come as {', '.join(GRAPH_FORMATS)}")
            return name
        best = self.accept.best_match([m for m, _ in GRAPH_OFFERS])
        return dict(GRAPH_OFFERS).get(best or "", "turtle")

    def choices(self) -> dict[str, tuple[str, str] | str]:
        """Both possible answers for the worker: (pyoxigraph format name, media type) or an error."""
        out: dict[str, tuple[str, str] | str] = {}
        for key, pick, table in (("results_format", self.results_format, RESULT_FORMATS),
                                 ("graph_format", self.graph_format, GRAPH_FORMATS)):
            try:
                name = pick()
            except ProtocolError as exc:
                out[key] = exc.message
            else:
                out[key] = (_ATTRIBUTE[name], content_type(table[name]))  # type: ignore[index]
        return out


@functools.lru_cache(maxsize=256)
def _negotiation(format_name: str | None, accept_header: str) -> Negotiation:
    """The negotiation for a ``format`` and an ``Accept`` header, decided once per distinct pair.

    Why cached: matching ``Accept`` against every offer (werkzeug's ``best_match``, three times
    per request) cost more than a small lookup itself, and clients send the same few headers.
    """
    del accept_header  # the cache key; accept() reads the same header from the request
    return _Decided(format_name, accept())


@dataclass(frozen=True)
class _Decided(Negotiation):
    """A :class:`Negotiation` whose answers are worked out once (it is shared through the cache)."""

    @functools.cached_property
    def _html(self) -> bool:
        return super().wants_html()

    @functools.cached_property
    def _choices(self) -> dict[str, tuple[str, str] | str]:
        return super().choices()

    def wants_html(self) -> bool:
        return self._html

    def choices(self) -> dict[str, tuple[str, str] | str]:
        return dict(self._choices)


@dataclass
class Operation:
    """One protocol request, read and checked."""

    query: str | None
    update: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    using_graphs: list[str]
    using_named_graphs: list[str]
    formats: list[str]


def read_operation() -> Operation:
    """Read the operation, dataset and format from the request, enforcing the protocol's rules."""
    args = request.args
    form: list[tuple[str, str]] = []
    body_query: str | None = None
    body_update: str | None = None
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype not in (FORM, SPARQL_QUERY, SPARQL_UPDATE):
            raise ProtocolError(415, f"POST a query as {FORM} (query=...) or as {SPARQL_QUERY}, and an "
                                     f"update as {FORM} (update=...) or as {SPARQL_UPDATE}; "
                                     f"not as {mimetype or 'a body without Content-Type'}")
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8", "us-ascii"):
            raise ProtocolError(400, f"the request body must be UTF-8, not {charset}")
        try:
            text = request.get_data(cache=True).decode("utf-8")
            if mimetype == FORM:
                form = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
            elif mimetype == SPARQL_QUERY:
                body_query = text
            else:
                body_update = text
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, f"the request body is not valid UTF-8: {exc}") from exc

    def values(name: str) -> list[str]:
        return args.getlist(name) + [v for k, v in form if k == name]

    queries = values("query") + ([body_query] if body_query is not None else [])
    # An update in the URL of a POST counts too (and is refused below: updates travel in the body).
    updates = values("update") + ([body_update] if body_update is not None else [])
    if queries and updates:
        raise ProtocolError(400, "a request carries either a query or an update, not both")
    if len(queries) > 1:
        raise ProtocolError(400, f"a request carries one query; this one has {len(queries)}")
    if len(updates) > 1:
        raise ProtocolError(400, f"a request carries one update string; this one has {len(updates)} "
                                 "(separate operations with ';' inside one)")
    if updates and (request.method != "POST" or args.getlist("update")):
        raise ProtocolError(400, "SPARQL Update must be sent with POST, in the body "
                                 f"(update=... as {FORM}, or as {SPARQL_UPDATE})")
    op = Operation(query=queries[0] if queries else None, update=updates[0] if updates else None,
                   default_graphs=values("default-graph-uri"), named_graphs=values("named-graph-uri"),
                   using_graphs=values("using-graph-uri"), using_named_graphs=values("using-named-graph-uri"),
                   formats=values("format"))
    if op.update is not None and (op.default_graphs or op.named_graphs):
        raise ProtocolError(400, "an update takes using-graph-uri / using-named-graph-uri, "
                                 "not default-graph-uri / named-graph-uri")
    if op.update is None and (op.using_graphs or op.using_named_graphs):
        raise ProtocolError(400, "a query takes default-graph-uri / named-graph-uri, "
                                 "not using-graph-uri / using-named-graph-uri")
    return op


def _iris(values: list[str], parameter: str) -> list[str]:
    for iri in values:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise ProtocolError(400, f"bad graph IRI in {parameter}: {exc}") from exc
    return values


# -- the endpoint ---------------------------------------------------------------------------------

@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer one SPARQL protocol request."""
    try:
        op = read_operation()
        if op.update is not None:
            g.sparql_update = True  # no CORS headers on this response
            return _update(op)
        negotiation = _negotiation(_canonical_format(op.formats), request.headers.get("Accept", ""))
        if op.query is None:
            return _no_query(negotiation)
        _check_text(op.query, update=False)
        return run_query(op, negotiation)
    except ProtocolError as exc:
        return plain_error(exc.status, exc.message, exc.headers)
    except EngineError as exc:
        if exc.status >= 500 and exc.status != 503:
            current_app.logger.warning("query failed: %s", exc.message)
        return plain_error(exc.status, exc.message, exc.headers)


def _check_text(text: str, *, update: bool) -> None:
    """Refuse, before any engine sees it, a text nested too deeply, or an obvious network reach."""
    problem = nesting_error(text, "update" if update else "query")
    if problem:
        raise ProtocolError(400, problem)
    config = current_app.config
    refusal = courtesy_refusal(text, update=update, allow_service=bool(config["ALLOW_SERVICE"]),
                               allow_load=bool(config.get("ALLOW_LOAD")))
    if refusal:
        raise ProtocolError(403, refusal)


def _queue_wait() -> float | None:
    value = current_app.config.get("QUERY_QUEUE_WAIT")
    return float(value) if value else _timeout()


def _timeout() -> float | None:
    value = current_app.config["QUERY_TIMEOUT"]
    return float(value) if value else None


def run_query(op: Operation, negotiation: Negotiation) -> Response:
    """Evaluate in a worker and answer: a table for a browser, else the negotiated format, streamed."""
    assert op.query is not None
    snapshot, token = get_provider().snapshot()
    html = negotiation.wants_html()
    if not html and not (op.default_graphs or op.named_graphs):
        fast = _fast_answer(op.query, negotiation, snapshot, token)
        if fast is not None:
            return Response(fast[1], content_type=fast[0], headers={"Vary": "Accept"})
    job_request: dict[str, Any] = {
        "op": "query", "query": op.query, "token": token,
        # Relative IRIs in a query resolve against the endpoint, as the protocol suggests.
        "base_iri": request.base_url,
        "default_graph_mode": current_app.config["DEFAULT_GRAPH"],
        "merge": current_app.config.get("MERGED_UNION") or "shared",
        "max_bytes": current_app.config["MAX_RESULT_BYTES"] or None,
        "prefixes": PREFIXES,
        "html_limit": int(current_app.config["HTML_MAX_ROWS"]) if html else None,
        **negotiation.choices(),
    }
    if op.default_graphs or op.named_graphs:
        # A protocol dataset replaces everything else: the default graph is the merge of the
        # default-graph-uri graphs (empty if none), the named graphs exactly the named-graph-uri ones.
        job_request["default_graph"] = _iris(op.default_graphs, "default-graph-uri")
        job_request["named_graphs"] = _iris(op.named_graphs, "named-graph-uri")
    job = get_pool().run(job_request, timeout=_timeout(), wait=_queue_wait())
    tag, payload = job.first()
    if tag == ROWS:
        return _html_results(pickle.loads(payload), op)
    assert tag == HEAD, tag
    media_type, tag, first = split_head(payload)
    headers = {"Vary": "Accept"}
    if tag == END:
        return Response(first, content_type=media_type, headers=headers)
    return Response(StreamedAnswer(job, first), content_type=media_type, headers=headers,
                    direct_passthrough=True)


def _fast_answer(query: str, negotiation: Negotiation, snapshot: Any, token: str,
                 app: Any = None) -> tuple[str, bytes] | None:
    """A small lookup answered in this process (see :mod:`.fastpath`), or ``None``: ask a worker."""
    from newsgraph.web.fastpath import cached_plan, run_planned

    app = app or current_app
    lane = app.extensions.get("newsgraph.fast")
    if lane is None or not lane.enabled:
        return None
    planned = cached_plan(query)
    if planned is None:
        return None
    choice = negotiation.choices()["results_format"]
    if isinstance(choice, str):
        return None  # the worker words the error
    union = _union_default(snapshot, token, app.config["DEFAULT_GRAPH"])
    store = snapshot.raw
    seconds = float(app.config.get("FAST_PATH_SECONDS") or 0.5)
    max_bytes = app.config["MAX_RESULT_BYTES"] or None
    return lane.answer(lambda: run_planned(store, planned, union=union, results_format=choice,
                                           max_bytes=max_bytes, seconds=seconds))


class DirectLookups:
    """WSGI middleware: ``GET /sparql?query=LOOKUP`` answered before Flask, every other request passed on.

    Why: once a lookup no longer goes to a worker, Flask's request handling (context, routing,
    the app's before/after hooks) is most of what it costs. Only the plainest request is taken:
    a GET of ``/sparql`` whose query string is exactly one ``query`` parameter, a client that does
    not prefer HTML, CORS off or for every origin, and a query :mod:`.fastpath` plans and answers;
    anything else, and any lookup the fast path declines, goes through Flask as before. The answer
    carries the headers the Flask route gives it (``Vary``, the security headers of
    :func:`~newsgraph.web.security_headers`, CORS as :func:`~newsgraph.web._cors` sets it for
    any origin); a test compares the two responses header by header.
    """

    _made = threading.local()  # an answer made before the call (see ``answered``)

    def __init__(self, app: Any, inner: Any) -> None:
        self.app = app
        self.inner = inner

    @classmethod
    @contextlib.contextmanager
    def answered(cls, answer: tuple[bytes, list[tuple[str, str]]]) -> Iterator[None]:
        """Within this block, this thread's next call is answered with ``answer`` (made by :meth:`answer`).

        Why: the server makes the answer on its loop thread before waitress runs the request
        there (:class:`~.server.SandboxedDispatcher`), so that only answers already made are
        written on the loop.
        """
        cls._made.answer = answer
        try:
            yield
        finally:
            cls._made.answer = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        made = getattr(self._made, "answer", None)
        if made is not None:
            self._made.answer = None
            start_response("200 OK", made[1])
            return [made[0]]
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == "/sparql":
            answer = self.answer(environ)
            if answer is not None:
                start_response("200 OK", answer[1])
                return [answer[0]]
        return self.inner(environ, start_response)

    def answer(self, environ: dict[str, Any]) -> tuple[bytes, list[tuple[str, str]]] | None:
        """The body and headers of a plain lookup's answer, or ``None``: Flask answers the request."""
        try:
            return self._answer(environ)
        except Exception:  # anything unexpected: Flask answers, and reports it as usual
            return None

    def _answer(self, environ: dict[str, Any]) -> tuple[bytes, list[tuple[str, str]]] | None:
        config = self.app.config
        cors = config["CORS"]
        if not config.get("FAST_PATH_DIRECT", True) or cors not in (True, False, None, "*"):
            return None
        query = _only_query(environ.get("QUERY_STRING", ""))
        if query is None:
            return None
        negotiation = _header_negotiation(environ.get("HTTP_ACCEPT", ""))
        if negotiation.wants_html():
            return None
        snapshot, token = self.app.extensions["newsgraph.store"].snapshot()
        fast = _fast_answer(query, negotiation, snapshot, token, self.app)
        if fast is None:
            return None
        media_type, body = fast
        headers = [("Content-Type", media_type), ("Content-Length", str(len(body))), ("Vary", "Accept"),
                   ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "strict-origin-when-cross-origin"),
                   ("X-Frame-Options", "DENY")]
        if cors:
            headers += [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers",
                                                               "Content-Disposition, ETag, Last-Modified, Retry-After")]
        return body, headers


@functools.lru_cache(maxsize=1024)
def _only_query(query_string: str) -> str | None:
    """The ``query`` of a query string that has exactly that one parameter, else ``None``.

    Remembered for the last 1,024 query strings, as the plans are (:func:`.fastpath.cached_plan`):
    percent-decoding in Python costs a fifth of a small lookup. Longer strings are not decoded
    here (the Flask route takes them).
    """
    if len(query_string) > 8192:
        return None
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, strict_parsing=True, encoding="utf-8",
                          errors="strict")
    except (ValueError, UnicodeDecodeError):
        return None
    if len(pairs) != 1 or pairs[0][0] != "query":
        return None
    return pairs[0][1]


@functools.lru_cache(maxsize=256)
def _header_negotiation(accept_header: str) -> Negotiation:
    """:func:`_negotiation` without a request: from the raw ``Accept`` header (no ``format``)."""
    from werkzeug.http import parse_accept_header

    return _Decided(None, accept(parse_accept_header(accept_header or None, MIMEAccept)))


_union_cache: dict[str, bool] = {}


def _union_default(snapshot: Any, token: str, mode: str) -> bool:
    """Whether queries see the union of the graphs as their default graph (``DEFAULT_GRAPH``), per snapshot."""
    from newsgraph.store import has_stored_default_graph

    if mode != "auto":
        return bool(mode == "union")
    key = f"{snapshot.path}:{token}"
    if key not in _union_cache:
        if len(_union_cache) > 64:
            _union_cache.clear()
        _union_cache[key] = not has_stored_default_graph(snapshot.raw)
    return _union_cache[key]


# -- updates --------------------------------------------------------------------------------------

_update_lock = threading.Lock()


def _authorize_update() -> None:
    """Raise unless this request may change the store (see the module docstring)."""
    config = current_app.config
    token = config.get("UPDATE_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        scheme, _, credentials = given.partition(" ")
        if scheme.lower() != "bearer" or not credentials:
            raise ProtocolError(401, "SPARQL Update needs a token here: send 'Authorization: Bearer TOKEN'",
                                {"WWW-Authenticate": 'Bearer realm="newsgraph"'})
        if not hmac.compare_digest(credentials.strip().encode(), str(token).encode()):
            raise ProtocolError(401, "the update token is not valid",
                                {"WWW-Authenticate": 'Bearer realm="newsgraph", error="invalid_token"'})
        return
    if not config.get("ALLOW_ANONYMOUS_UPDATE"):
        raise ProtocolError(403, UPDATE_REFUSED)


def _check_same_origin() -> None:
    """Refuse an update that a browser says comes from a page of another origin (cross-site POST).

    Browsers send ``Origin`` with every POST (and ``Sec-Fetch-Site``); other clients send neither,
    and are not affected. Only the host (with port) is compared, so a TLS-terminating proxy in
    front (``https`` outside, ``http`` here) does not matter.
    """
    site = request.headers.get("Sec-Fetch-Site", "").lower()
    if site in ("cross-site", "same-site"):
        raise ProtocolError(403, "SPARQL Update is not accepted from pages of other sites")
    origin = request.headers.get("Origin")
    if origin is None:
        return
    scheme, _, rest = origin.partition("://")
    if scheme.lower() not in ("http", "https") or rest.lower().rstrip("/") != request.host.lower():
        raise ProtocolError(403, f"SPARQL Update is not accepted from pages of other origins ({origin[:100]})")


def _update(op: Operation) -> Response:
    assert op.update is not None
    _authorize_update()
    _check_same_origin()
    _check_text(op.update, update=True)
    text = op.update
    if op.using_graphs or op.using_named_graphs:
        text = with_using(text, _iris(op.using_graphs, "using-graph-uri"),
                          _iris(op.using_named_graphs, "using-named-graph-uri"))
    timeout = _timeout()
    started = time.monotonic()
    if not _update_lock.acquire(timeout=timeout if timeout is not None else -1):
        raise ProtocolError(503, "another update is still running; try again", {"Retry-After": "2"})
    try:
        left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
        # One update at a time across the server processes too (see .processes).
        with _processes.update_lock(get_provider().path, left) as locked:
            if not locked:
                raise ProtocolError(503, "another update is still running; try again", {"Retry-After": "2"})
            try:
                job = get_update_pool().run({"op": "update", "update": text, "base_iri": request.base_url},
                                            timeout=timeout)
                job.first()
            finally:
                # Even after a failure or a timeout (the write was rolled back, but a flush may have
                # landed): this process reopens now, the others before their next answer.
                get_provider().refresh(wait=True)
                if _processes.shared_writes is not None:
                    _processes.shared_writes.bump()
    finally:
        _update_lock.release()
    return Response(status=204)


def _masked_same_length(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out, keeping every offset."""
    return OPAQUE.sub(lambda m: " " * len(m.group()), text)


def with_using(update: str, graphs: list[str], named: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to every operation.

    pyoxigraph's ``update`` takes no dataset, so the parameters become ``USING`` clauses in front
    of each top-level ``WHERE`` (``DELETE WHERE {P}`` is spelled out as ``DELETE {P} USING ...
    WHERE {P}``, its meaning). An update that has its own ``USING`` or ``WITH`` conflicts (400).
    """
    if has_keyword(update, "USING") or has_keyword(update, "WITH"):
        raise ProtocolError(400, "using-graph-uri / using-named-graph-uri cannot be combined with "
                                 "USING or WITH in the update itself")
    clause = " ".join([f"USING <{g}>" for g in graphs] + [f"USING NAMED <{g}>" for g in named]) + " "
    masked = _masked_same_length(update)
    depth = 0
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    keyword = re.compile(r"(?<![\w?$:@-])(DELETE\s+WHERE|WHERE)(?![\w:-])", re.IGNORECASE)
    pos = 0
    while pos < len(masked):
        ch = masked[pos]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch in "dDwW":
            match = keyword.match(masked, pos)
            if match:
                if match.group(1).upper().startswith("DELETE"):
                    block_end = _block_end(masked, match.end())
                    block = update[match.end():block_end].strip()
                    edits.append((pos, block_end, f"DELETE {block} {clause}WHERE {block}"))
                    pos = block_end
                    continue
                edits.append((pos, pos, clause))
                pos = match.end()
                continue
        pos += 1
    for start, end, replacement in reversed(edits):
        update = update[:start] + replacement + update[end:]
    return update


def _block_end(masked: str, start: int) -> int:
    """The offset just past the ``{...}`` block that starts at or after ``start``."""
    open_at = masked.find("{", start)
    if open_at < 0:
        return len(masked)
    depth = 0
    for i in range(open_at, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(masked)


# -- service description --------------------------------------------------------------------------

def _no_query(negotiation: Negotiation) -> Response:
    """GET without a query: the query page for a browser, a service description for RDF clients."""
    if request.method == "GET":
        if negotiation.wants_html():
            return redirect(url_for("pages.query_page"), code=303)
        explicit = without_wildcard(accept())
        best = explicit.best_match([m for m, _ in GRAPH_OFFERS])
        if negotiation.format_name is not None or best is not None:
            fmt = GRAPH_FORMATS[negotiation.graph_format()]
            body = ox.serialize(service_description(external_url("sparql.endpoint")), format=fmt,
                                prefixes=_SD_PREFIXES if fmt == G.TURTLE else None)
            return Response(body, content_type=content_type(fmt), headers={"Vary": "Accept"})
    return plain_error(400, "missing query: send ?query=... (GET), query=... (POST form) or the "
                            f"query as the {SPARQL_QUERY} body; GET with Accept: text/turtle "
                            "describes this service")


_SD_PREFIXES = {"sd": SD, "void": "http://rdfs.org/ns/void#", "dcterms": "http://purl.org/dc/terms/",
                "dcat": "http://www.w3.org/ns/dcat#", "xsd": PREFIXES["xsd"], "rdfs": PREFIXES["rdfs"]}


def updates_enabled() -> bool:
    return bool(current_app.config.get("UPDATE_TOKEN") or current_app.config.get("ALLOW_ANONYMOUS_UPDATE"))


def service_description(endpoint_url: str) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of this endpoint, with the dataset's VoID statistics."""
    from newsgraph.web.dumps import dataset_description, union_default_graph

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    service = ox.BlankNode("service")
    endpoint = ox.NamedNode(endpoint_url)
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), endpoint),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("defaultEntailmentRegime"),
                  ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, sd("feature"), sd("EmptyGraphs")),
    ]
    if updates_enabled():
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    if union_default_graph():
        triples.append(ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")))
    if current_app.config["ALLOW_SERVICE"]:
        triples.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    formats: list[ox.QueryResultsFormat | ox.RdfFormat] = [*RESULT_FORMATS.values(), *GRAPH_FORMATS.values()]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(f.iri)) for f in formats]
    dataset, description = dataset_description(endpoint_url)
    triples.append(ox.Triple(service, sd("defaultDataset"), dataset))
    triples.append(ox.Triple(dataset, rdf_type, sd("Dataset")))
    default_graph = ox.BlankNode("defaultGraph")
    triples.append(ox.Triple(dataset, sd("defaultGraph"), default_graph))
    triples.append(ox.Triple(default_graph, rdf_type, sd("Graph")))
    # The default graph's size is its distinct triples (what COUNT(*) on it answers), not the
    # dataset's quads: a triple several articles state is one triple of the union.
    from newsgraph.web.dumps import snapshot_stats

    count = ox.Literal(str(snapshot_stats().default_graph_triples), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))
    triples.append(ox.Triple(default_graph, ox.NamedNode("http://rdfs.org/ns/void#triples"), count))
    return triples + description


# -- HTML ---------------------------------------------------------------------------------------

def _html_results(answer: dict[str, Any], op: Operation) -> Response:
    """A result as an HTML table, at most ``HTML_MAX_ROWS`` rows."""
    limit = int(current_app.config["HTML_MAX_ROWS"])
    rows = [[describe_term(term) for term in row] for row in answer["rows"]]
    html = render_template("results.html", query=op.query, boolean=answer["boolean"], columns=answer["columns"],
                           rows=rows, truncated=answer["truncated"], limit=limit)
    return Response(html, mimetype="text/html", headers={"Vary": "Accept"})


def describe_term(term: Any) -> dict[str, str] | None:
    """How the HTML table shows a term: short text, a link for IRIs, the datatype as a hint."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        # Only web IRIs become links: a query can mint any IRI, and a ``javascript:`` link in a
        # shared results URL would run script on this site.
        href = term.value if term.value.startswith(("http://", "https://")) else ""
        return {"kind": "iri", "text": shorten(term.value), "href": local_href(href), "title": term.value}
    if isinstance(term, ox.BlankNode):
        return {"kind": "bnode", "text": f"_:{term.value}", "title": "blank node"}
    if isinstance(term, ox.Literal):
        hint = f"@{term.language}" if term.language else shorten(term.datatype.value)
        return {"kind": "literal", "text": term.value, "title": hint,
                "hint": "" if hint == "xsd:string" else hint}
    return {"kind": "other", "text": str(term), "title": ""}


def local_href(iri: str) -> str:
    """A link for ``iri``: the page on this server for the IRIs it mints, else the IRI itself."""
    base = current_app.config["BASE_URI"]
    if iri.startswith(base) and iri[len(base):].startswith(("id/", "graph/")):
        return request.script_root + "/" + iri[len(base):]
    return iri


def shorten(iri: str) -> str:
    """``ng:Meeting`` for ``https://w3id.org/newsgraph/ns#Meeting``, using the data model's prefixes."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace):]
            if re.fullmatch(r"[\w.-]+", local):
                return f"{prefix}:{local}"
    return iri
