"""A store backend for any SPARQL 1.1 server: the article graphs kept in Virtuoso, Oxigraph server, Fuseki...

Why: the embedded Oxigraph store is the right default, but an archive of millions of articles
belongs in the triple store its users already run. :class:`RemoteStore` offers the interface
:class:`~newsgraph.store.GraphStore` offers to ingest, identity, the CLI and the server, over the
SPARQL 1.1 Protocol only (query and update), so it works with any conforming server:

* An article's graph is replaced as a whole by one ``DROP SILENT GRAPH`` + ``INSERT DATA`` pair,
  and many articles go in one update request (up to :data:`BATCH_QUADS` quads), which the server
  runs as one transaction. Replacing is idempotent: re-ingesting, or re-sending a request whose
  answer was lost, stores each article once.
* The guard of :meth:`GraphStore.replace_article` (never replace a graph holding another
  article) is one SELECT per article, answered from the server plus the writes not sent yet.
* Connection errors and 502/503/504 answers are retried with exponential backoff; a batch that
  still fails raises :class:`StoreUnavailable` naming every article it held, which the server
  never saw in part. Nothing else is lost: the articles before it were acknowledged.
* Every read first sends the pending writes, so a reader (identity resolution rewriting an
  earlier article) always sees what was written before.

The server must make its default graph the union of the named graphs (Virtuoso and GraphDB do by
default; ``oxigraph serve --union-default-graph``; Fuseki ``tdb2:unionDefaultGraph``): pages and
clients query the union, as with the embedded store. :func:`open_store` checks it.

Why httpx: a maintained client with explicit timeouts on every phase, a bounded connection pool
(``httpx.Limits``), keep-alive, and digest authentication built in (Virtuoso's ``/sparql-auth``);
``requests`` has no default timeout and needs an add-on for pool limits per host.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from newsgraph.store import OPAQUE, ArticleClash, GraphStore, StoreError, detect_base_uri, format_for

log = logging.getLogger(__name__)

#: Store arguments naming a SPARQL server rather than a folder.
SCHEMES = ("sparql+http://", "sparql+https://")
#: Environment variables with the credentials for the server (never on the command line).
USER_ENV, PASSWORD_ENV, AUTH_ENV = "NEWSGRAPH_SPARQL_USER", "NEWSGRAPH_SPARQL_PASSWORD", "NEWSGRAPH_SPARQL_AUTH"
#: Quads per update request: big enough that a request costs little per article, small enough for
#: servers that turn an update into one SQL statement (Virtuoso) and for a retry to be cheap.
BATCH_QUADS = 5_000
#: Attempts for one request on a connection error (waits 0.5, 1, 2, 4 ... s between them).
ATTEMPTS = 6
#: Graphs some servers keep for themselves (Virtuoso's quad-map schemas and sample data), left out
#: of the store's graphs, its size and its dumps.
SYSTEM_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                 "http://localuriqaserver/sparql", "http://www.w3.org/2002/07/owl#")
#: Named graphs per dump query (each query reads those graphs' quads).
DUMP_GRAPHS_PER_QUERY = 200

_IDENTIFIER = "<http://purl.org/dc/terms/identifier>"
_NEWS_ARTICLE = "<https://schema.org/NewsArticle>"
_RETRY_STATUS = {502, 503, 504}
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def is_remote(spec: str | os.PathLike[str] | None) -> bool:
    """Whether a ``--store`` argument names a SPARQL server (``sparql+http://...``)."""
    return isinstance(spec, str) and spec.lower().startswith(SCHEMES)


def open_store(spec: str | os.PathLike[str], *, read_only: bool = False) -> GraphStore | RemoteStore:
    """The store a ``--store`` argument names: a folder (embedded Oxigraph) or a SPARQL server."""
    if is_remote(spec):
        return RemoteStore(Endpoints.parse(str(spec)))
    return GraphStore(spec, read_only=read_only)


@dataclass(frozen=True)
class Endpoints:
    """Where a server answers queries and updates, and how to sign in (from the environment).

    Spec: ``sparql+http://host:port/path[?update=URL&gsp=URL&auth=digest&batch=N&graphs=PREFIX]``:
    the query URL is ``http://host:port/path``; ``update`` (absolute or relative to it) defaults to
    the same URL; ``gsp``, a Graph Store Protocol endpoint, lets ``load`` send each graph as
    N-Triples in one request (no SPARQL text to build or parse: the fastest bulk path).
    ``$NEWSGRAPH_SPARQL_USER`` / ``$NEWSGRAPH_SPARQL_PASSWORD`` sign all in (``auth``:
    ``basic``, the default, or ``digest``, or ``$NEWSGRAPH_SPARQL_AUTH``). ``graphs`` limits the
    store to the named graphs whose IRI starts with it.
    """

    query: str
    update: str
    spec: str
    gsp: str | None = None
    auth: str | None = None
    batch_quads: int = BATCH_QUADS
    graphs: str | None = None
    attempts: int = ATTEMPTS
    timeout: float = 60.0
    options: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, spec: str) -> Endpoints:
        parts = urlsplit(spec)
        scheme = parts.scheme.lower().removeprefix("sparql+")
        if scheme not in ("http", "https") or not parts.netloc:
            raise StoreError(f"{spec!r}: a SPARQL store is sparql+http://HOST:PORT/PATH")
        options = dict(parse_qsl(parts.query))
        query = urlunsplit((scheme, parts.netloc, parts.path or "/", "", ""))
        update = urljoin(query, options.pop("update", query))
        gsp = urljoin(query, options["gsp"]) if "gsp" in options else None
        options.pop("gsp", None)
        auth = options.pop("auth", None) or os.environ.get(AUTH_ENV) or None
        try:
            batch = int(options.pop("batch", BATCH_QUADS))
            attempts = int(options.pop("attempts", ATTEMPTS))
            timeout = float(options.pop("timeout", 60))
        except ValueError as exc:
            raise StoreError(f"{spec!r}: {exc}") from None
        graphs = options.pop("graphs", None)
        if options:
            raise StoreError(f"{spec!r}: unknown option(s) {', '.join(sorted(options))} "
                             "(known: update, gsp, auth, batch, graphs, attempts, timeout)")
        if auth not in (None, "basic", "digest"):
            raise StoreError(f"{spec!r}: auth must be basic or digest, not {auth!r}")
        return cls(query=query, update=update, spec=spec, gsp=gsp, auth=auth, batch_quads=max(1, batch),
                   graphs=graphs, attempts=max(1, attempts), timeout=timeout)

    def client(self) -> httpx.Client:
        """An HTTP client with timeouts, a bounded pool and the credentials from the environment."""
        user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
        auth: httpx.Auth | None = None
        if user is not None:
            auth = (httpx.DigestAuth if self.auth == "digest" else httpx.BasicAuth)(user, password or "")
        return httpx.Client(auth=auth, timeout=httpx.Timeout(self.timeout, connect=10.0),
                            limits=httpx.Limits(max_connections=8, max_keepalive_connections=4),
                            headers={"User-Agent": "newsgraph"}, follow_redirects=False)


class StoreUnavailable(StoreError):
    """The server did not answer after every retry; ``articles`` were not written (nor in part)."""

    def __init__(self, message: str, articles: list[str]) -> None:
        super().__init__(message)
        self.articles = articles


@dataclass
class _Write:
    """One article (or graph) waiting to be sent: its graph, the graphs it supersedes, its quads."""

    graph: str
    article_id: str | None
    body: str
    count: int
    drops: list[str]


def _term(node: ox.NamedNode | str) -> str:
    return str(node) if isinstance(node, ox.NamedNode) else f"<{node}>"


def query_form(sparql: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first such keyword outside strings and IRIs."""
    match = _FORM.search(OPAQUE.sub(" ", sparql))
    if match is None:
        raise SyntaxError("not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")
    return match.group(1).upper()


class RemoteRaw:
    """The part of ``pyoxigraph.Store``'s API that newsgraph's readers use, answered by the server.

    Why an adapter: identity resolution, the pages and the dumps read ``store.raw`` (queries,
    ``quads_for_pattern``, ``contains_named_graph``); with this they run unchanged against a remote
    store. Query results are pyoxigraph's own objects (parsed from SPARQL JSON results, N-Triples).
    The server's default graph is the union of its graphs, so ``use_default_graph_as_union`` is
    what it does anyway; a remote store has no separate stored default graph.
    """

    def __init__(self, store: RemoteStore) -> None:
        self._store = store

    def query(self, sparql: str, *, use_default_graph_as_union: bool = False,
              default_graph: Any = None, named_graphs: Any = None, **_options: Any) -> Any:
        self._store.flush()
        params: list[tuple[str, str]] = [("query", sparql)]
        if default_graph is not None:
            graphs = default_graph if isinstance(default_graph, list) else [default_graph]
            params += [("default-graph-uri", g.value) for g in graphs if isinstance(g, ox.NamedNode)]
        for g in named_graphs or []:
            params.append(("named-graph-uri", g.value))
        form = query_form(sparql)
        if form in ("SELECT", "ASK"):
            response = self._store.request("query", params, accept="application/sparql-results+json")
            body = response.content
            if b"nodeID://" in body:  # Virtuoso's blank node labels are not valid labels
                body = body.replace(b'"nodeID://', b'"')
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        response = self._store.request("query", params,
                                       accept="application/n-triples, text/plain;q=0.9, text/turtle;q=0.8")
        media = response.headers.get("content-type", "").split(";")[0].strip()
        fmt = ox.RdfFormat.TURTLE if media == "text/turtle" else ox.RdfFormat.N_TRIPLES
        return [q.triple for q in ox.parse(response.content, format=fmt)]

    def quads_for_pattern(self, subject: Any, predicate: Any, obj: Any, graph: Any = None) -> Iterator[ox.Quad]:
        if isinstance(graph, ox.DefaultGraph):
            return iter(())  # the default graph is the union: nothing stored there on its own
        terms = {"s": subject, "p": predicate, "o": obj, "g": graph}
        bound = {k: str(v) for k, v in terms.items() if v is not None}
        s, p, o, g = (bound.get(k, f"?{k}") for k in "spog")
        scope = "" if graph is not None else self._store.scope_filter("?g")
        rows = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH {g} {{ {s} {p} {o} }} {scope} }}")
        return (ox.Quad(terms["s"] or r["s"], terms["p"] or r["p"], terms["o"] or r["o"], terms["g"] or r["g"])
                for r in rows)

    # SELECT ... LIMIT 1 rather than ASK: Virtuoso 7 answers ASK { GRAPH <g> { ?s ?p ?o } } true
    # for a graph whose triples were all dropped.
    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return _any(self.query(f"SELECT ?s WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT 1"))

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return self._store.named_graphs()

    def __len__(self) -> int:
        return len(self._store)

    def __iter__(self) -> Iterator[ox.Quad]:
        return self._store.quads()

    def __contains__(self, quad: ox.Quad) -> bool:
        q = quad
        return _any(self.query(f"SELECT * WHERE {{ GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }} }} "
                               "LIMIT 1"))

    def update(self, sparql: str) -> None:
        self._store.flush()
        self._store.request("update", [("update", sparql)])

    def flush(self) -> None:
        self._store.flush()


class RemoteStore:
    """Article graphs in a SPARQL 1.1 server: :class:`~newsgraph.store.GraphStore`'s interface, remotely."""

    path = None  # no folder: nothing is recorded next to the data (the base is read off the graphs)

    def __init__(self, endpoints: Endpoints, *, client: httpx.Client | None = None) -> None:
        self.endpoints = endpoints
        self.location = endpoints.spec
        self._client = client or endpoints.client()
        self._pending: list[_Write] = []
        self._pending_quads = 0
        self._raw = RemoteRaw(self)
        self.requests = 0  # update requests sent (for the benchmark and the tests)

    def __str__(self) -> str:
        return self.location

    @property
    def client(self) -> httpx.Client:
        """The HTTP client (bounded pool, timeouts, credentials); the server's proxy shares it."""
        return self._client

    # -- HTTP ------------------------------------------------------------------------------------

    def request(self, kind: str, params: list[tuple[str, str]], *, accept: str | None = None) -> httpx.Response:
        """POST a query or update form, retrying connection errors and 502/503/504 with backoff.

        Retrying an update is safe: every write newsgraph sends replaces whole graphs, so sending
        it twice leaves what sending it once does.
        """
        url = self.endpoints.query if kind == "query" else self.endpoints.update
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        if accept:
            headers["Accept"] = accept
        body = urlencode(params).encode("ascii")  # repeated keys (named-graph-uri) kept
        return self.send("POST", url, body, headers)

    def send(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """One HTTP request, retried on connection errors and 502/503/504 (see :meth:`request`)."""
        delay, problem = 0.5, ""
        for attempt in range(self.endpoints.attempts):
            if attempt:
                time.sleep(delay)
                delay = min(delay * 2, 8.0)
            try:
                response = self._client.request(method, url, content=body, headers=headers)
            except httpx.TransportError as exc:  # refused, reset, timed out: the server may come back
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                log.info("%s: %s (attempt %d)", url, problem, attempt + 1)
                continue
            if response.status_code in _RETRY_STATUS:
                problem = f"HTTP {response.status_code}"
                response.close()
                continue
            if response.status_code >= 400:
                text = response.text.strip().replace("\n", " ")[:500]
                raise StoreError(f"{url} answered {response.status_code}: {text}")
            return response
        raise StoreUnavailable(f"{url} did not answer after {self.endpoints.attempts} attempts ({problem})", [])

    # -- writing ---------------------------------------------------------------------------------

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> int:
        """Replace ``graph``'s content with ``quads`` (sent with the next batch; one transaction)."""
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        count = body.count("\n") + 1 if body else 0
        self._queue(_Write(graph.value, None, body, count, []))
        return count

    def replace_article(self, graph: ox.NamedNode, article_id: str, quads: Iterable[ox.Quad], *,
                        supersede_prefix: str | None = None) -> tuple[int, list[str]]:
        """Store one article's graph, never at the cost of another article; return (quads, superseded).

        The same guard as :meth:`GraphStore.replace_article`, asked of the server in one SELECT
        and corrected by the writes not sent yet: ``graph`` must be absent or hold this article
        only (else :class:`ArticleClash`, nothing queued), and graphs under ``supersede_prefix``
        holding the same identifier are dropped in the same request as the new graph is written.
        """
        literal = ox.Literal(article_id)
        try:
            held, holders, exists = self._who_holds(graph, literal)
        except StoreError as exc:  # the server went away: name this article and the unsent ones
            names = [w.article_id or w.graph for w in self._pending] + [article_id]
            self._pending, self._pending_quads = [], 0
            raise StoreUnavailable(f"{exc}; not stored: {_listed(names)}", names) from None
        if exists and held != {article_id}:
            others = sorted(held - {article_id})
            what = f"article {others[0]!r}" if others else "data that is not an article"
            raise ArticleClash(f"its graph <{graph.value}> already holds {what}; "
                               f"article {article_id!r} not stored (delete the other one first)")
        superseded = sorted(g for g in holders if g != graph.value and supersede_prefix is not None
                            and g.startswith(supersede_prefix))
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        count = body.count("\n") + 1 if body else 0
        self._queue(_Write(graph.value, article_id, body, count, superseded))
        return count, superseded

    def _who_holds(self, graph: ox.NamedNode, literal: ox.Literal) -> tuple[set[str], set[str], bool]:
        """(ids of the articles in ``graph``, graphs holding the article ``literal``, whether ``graph`` exists).

        The server's answer, with the pending writes laid over it: a pending write decides what
        its graph holds, and a pending drop empties a graph.
        """
        rows = self._raw_select(
            f"SELECT ?g ?id ?any WHERE {{ {{ GRAPH ?g {{ ?a {_IDENTIFIER} ?id ; a {_NEWS_ARTICLE} }} "
            f"VALUES ?g {{ {graph} }} }} UNION {{ GRAPH ?g {{ ?a {_IDENTIFIER} {literal} ; a {_NEWS_ARTICLE} }} "
            f"BIND({literal} AS ?id) }} UNION {{ SELECT ?any WHERE {{ GRAPH {graph} {{ ?any ?p ?o }} }} LIMIT 1 }} }}")
        held: set[str] = set()
        holders: set[str] = set()
        exists = False
        for row in rows:
            if row["any"] is not None:
                exists = True
                continue
            if row["g"] is None or row["id"] is None:
                continue
            g, ident = row["g"].value, row["id"].value
            if g == graph.value:
                held.add(ident)
                exists = True
            if ident == literal.value:
                holders.add(g)
        for write in self._pending:  # later writes win over what the server says
            for dropped in write.drops:
                holders.discard(dropped)
                if dropped == graph.value:
                    held, exists = set(), False
            if write.graph == graph.value:
                exists = True
                held = {write.article_id} if write.article_id is not None else held
            if write.article_id == literal.value:
                holders.add(write.graph)
            elif write.graph in holders and write.article_id is not None:
                holders.discard(write.graph)
        return held, holders, exists

    def _raw_select(self, sparql: str) -> Any:
        """A SELECT on the server as it is now, without sending the pending writes first."""
        response = self.request("query", [("query", sparql)], accept="application/sparql-results+json")
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)

    def _queue(self, write: _Write) -> None:
        if self._pending and self._pending_quads + write.count > self.endpoints.batch_quads:
            self.flush()
        self._pending.append(write)
        self._pending_quads += write.count
        if self._pending_quads >= self.endpoints.batch_quads:
            self.flush()

    def flush(self) -> None:
        """Send the pending writes in one update request (one transaction on the server).

        On failure the writes are forgotten and :class:`StoreUnavailable` (server gone) or
        :class:`StoreError` (the server refused them) names the articles not stored.
        """
        if not self._pending:
            return
        pending, self._pending, self._pending_quads = self._pending, [], 0
        parts: list[str] = []
        for w in pending:
            parts += [f"DROP SILENT GRAPH <{g}>" for g in w.drops]
            parts.append(f"DROP SILENT GRAPH <{w.graph}>")
            if w.body:
                parts.append(f"INSERT DATA {{ GRAPH <{w.graph}> {{\n{w.body}\n}} }}")
        names = [w.article_id or w.graph for w in pending]
        try:
            self.request("update", [("update", " ;\n".join(parts))])
        except StoreError as exc:  # gone after the retries, or refused (StoreUnavailable is one too)
            raise StoreUnavailable(f"{exc}; not stored: {_listed(names)}", names) from None
        self.requests += 1

    def drop_graph(self, graph: ox.NamedNode) -> bool:
        """Remove a named graph; ``False`` if there was none."""
        if not self._raw.contains_named_graph(graph):
            return False
        self._raw.update(f"DROP SILENT GRAPH {graph}")
        return True

    def load(self, source: str | os.PathLike[str], fmt: ox.RdfFormat | None = None,
             graph: ox.NamedNode | None = None) -> None:
        """Load an RDF file as it is: parsed here first (a file with a syntax error adds nothing),
        then sent in batches. Triples with no graph go to ``graph``; without one they are refused,
        as a remote store's default graph is the union of its named graphs."""
        from pathlib import Path

        path = Path(source)
        fmt = fmt or format_for(path.name)
        try:
            quads = list(ox.parse(path=str(path), format=fmt))
        except SyntaxError as exc:
            raise StoreError(f"{path}: not valid {fmt.name}: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: {exc}") from exc
        by_graph: dict[str, list[ox.Quad]] = {}
        for q in quads:
            g = q.graph_name if isinstance(q.graph_name, ox.NamedNode) else graph
            if g is None:
                raise StoreError(f"{path}: triples outside a named graph: name one with --graph "
                                 "(a SPARQL store's default graph is the union of its graphs)")
            by_graph.setdefault(g.value, []).append(q)
        self.flush()
        for g, graph_quads in by_graph.items():
            if self.endpoints.gsp:  # Graph Store Protocol: POST adds the triples to the graph, in one request
                body = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in graph_quads).encode()
                self.send("POST", f"{self.endpoints.gsp}?{urlencode({'graph': g})}", body,
                          {"Content-Type": "application/n-triples"})
                continue
            for start in range(0, len(graph_quads), self.endpoints.batch_quads):
                chunk = graph_quads[start:start + self.endpoints.batch_quads]
                body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in chunk)
                self.request("update", [("update", f"INSERT DATA {{ GRAPH <{g}> {{\n{body}\n}} }}")])

    def changed(self) -> None:
        """Nothing cached here to forget (the server answers every read)."""

    def merged(self) -> None:
        return None

    def remember_base_uri(self, base_uri: str) -> None:
        """Nothing to record: the base is read off the article graphs (:meth:`base_uri`)."""

    def base_uri(self) -> str | None:
        """The base of the article graphs' IRIs (``{base}graph/article/ID``), the most common one."""
        rows = self._raw.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?a a {_NEWS_ARTICLE} }} }} LIMIT 1000")
        return detect_base_uri(_Graphs([r["g"] for r in rows]))  # type: ignore[arg-type]

    def close(self) -> None:
        self.flush()
        self._client.close()

    # -- reading ---------------------------------------------------------------------------------

    @property
    def raw(self) -> RemoteRaw:
        return self._raw

    def query(self, sparql: str, *, union: bool | None = None, **options: Any) -> Any:
        """Run a query on the server (its default graph: the union of the article graphs)."""
        return self._raw.query(sparql, **options)

    def scope_filter(self, var: str) -> str:
        """A FILTER keeping ``var`` to the store's graphs (not the server's own, see :data:`SYSTEM_GRAPHS`)."""
        if self.endpoints.graphs:
            return f"FILTER(STRSTARTS(STR({var}), {ox.Literal(self.endpoints.graphs)}))"
        return "FILTER(" + " && ".join(f"!STRSTARTS(STR({var}), {ox.Literal(g)})" for g in SYSTEM_GRAPHS) + ")"

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The store's named graphs, paged by IRI so no server row limit cuts the list short."""
        self.flush()
        last = ""
        while True:
            after = f"FILTER(STR(?g) > {ox.Literal(last)})" if last else ""
            rows = self._raw_select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self.scope_filter('?g')} "
                                    f"{after} }} ORDER BY STR(?g) LIMIT 5000")
            page = [r["g"] for r in rows if isinstance(r["g"], ox.NamedNode)]
            yield from page
            if len(page) < 5000:
                return
            last = page[-1].value

    def __len__(self) -> int:
        self.flush()
        [row] = list(self._raw_select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                      f"{self.scope_filter('?g')} }}"))
        return int(row["n"].value)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the store's graphs, a few hundred graphs per query."""
        graphs = list(self.named_graphs())
        for start in range(0, len(graphs), DUMP_GRAPHS_PER_QUERY):
            values = " ".join(str(g) for g in graphs[start:start + DUMP_GRAPHS_PER_QUERY])
            rows = self._raw_select(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
            for r in rows:
                yield ox.Quad(r["s"], r["p"], r["o"], r["g"])

    def dump(self, output: IO[bytes] | str | os.PathLike[str], fmt: ox.RdfFormat,
             prefixes: dict[str, str] | None = None) -> None:
        """Write the data: quad formats keep every graph; triple formats get the union, each triple once."""
        if fmt.supports_datasets:
            ox.serialize(self.quads(), output, fmt, prefixes=prefixes)
            return
        seen: set[ox.Triple] = set()

        def triples() -> Iterator[ox.Triple]:
            for q in self.quads():
                t = q.triple
                if t not in seen:
                    seen.add(t)
                    yield t
        ox.serialize(triples(), output, fmt, prefixes=prefixes)

    def union_check(self) -> str | None:
        """A message if the server's default graph is not the union of its named graphs, else ``None``."""
        rows = list(self._raw_select(f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                     f"{self.scope_filter('?g')} }} LIMIT 1"))
        if not rows:
            return None
        r = rows[0]
        if _any(self._raw_select(f"SELECT * WHERE {{ {r['s']} {r['p']} {r['o']} }} LIMIT 1")):
            return None
        return (f"{self.location}: the server's default graph is not the union of its named graphs, so queries "
                "would see nothing; configure it so (oxigraph serve --union-default-graph; Fuseki "
                "tdb2:unionDefaultGraph; Virtuoso and GraphDB do by default)")


class _Graphs:
    """Just enough of a store for :func:`~newsgraph.store.detect_base_uri`: its named graphs."""

    def __init__(self, graphs: list[ox.NamedNode]) -> None:
        self._graphs = graphs

    def named_graphs(self) -> list[ox.NamedNode]:
        return self._graphs


def _any(solutions: Any) -> bool:
    """Whether a SELECT has a row."""
    return next(iter(solutions), None) is not None


def _listed(names: list[str], shown: int = 10) -> str:
    head = ", ".join(repr(n) for n in names[:shown])
    return head + (f" and {len(names) - shown} more" if len(names) > shown else "")
