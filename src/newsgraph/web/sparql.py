"""The SPARQL 1.1 Protocol endpoint, ``/sparql``: queries only; updates are refused.

Requests follow https://www.w3.org/TR/sparql11-protocol/ (GET ``?query=``, POST form-encoded,
POST ``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri``). The result format
comes from the ``format`` parameter if given, else from ``Accept`` (with q-values); a browser that
prefers HTML gets a table. Everything is serialized by pyoxigraph and streamed.

Without a protocol dataset, the default graph is the union of the article graphs
(:meth:`GraphStore.query`) — unless the query names its own dataset with ``FROM`` / ``FROM NAMED``,
which then wins, as SPARQL says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MIMEAccept

from newsgraph.store import has_keyword
from newsgraph.vocab import PREFIXES
from newsgraph.web import get_store, plain_error, streamed_response

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
HTML = "text/html"

UPDATE_REFUSED = ("SPARQL Update is not allowed on this endpoint: it serves the store read-only. "
                  "Change the data with `newsgraph ingest` / `newsgraph load`.")

R = ox.QueryResultsFormat
G = ox.RdfFormat

#: Result formats by the names the ``format`` parameter takes (plus their media types).
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {"json": R.JSON, "xml": R.XML, "csv": R.CSV, "tsv": R.TSV}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": G.TURTLE, "ntriples": G.N_TRIPLES, "rdfxml": G.RDF_XML, "jsonld": G.JSON_LD}
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
RESULT_OFFERS: list[tuple[str, ox.QueryResultsFormat]] = [
    ("application/sparql-results+json", R.JSON), ("application/sparql-results+xml", R.XML),
    ("text/csv", R.CSV), ("text/tab-separated-values", R.TSV),
    ("application/json", R.JSON), ("application/xml", R.XML), ("text/xml", R.XML)]
GRAPH_OFFERS: list[tuple[str, ox.RdfFormat]] = [
    ("text/turtle", G.TURTLE), ("application/n-triples", G.N_TRIPLES),
    ("application/rdf+xml", G.RDF_XML), ("application/ld+json", G.JSON_LD),
    ("application/x-turtle", G.TURTLE), ("application/xml", G.RDF_XML), ("application/json", G.JSON_LD)]

SD = "http://www.w3.org/ns/sparql-service-description#"


class ProtocolError(Exception):
    """A request the protocol rejects: an HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


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


def _without_wildcard(accept: MIMEAccept) -> MIMEAccept:
    return MIMEAccept([(value, quality) for value, quality in accept if value != "*/*"])


@dataclass(frozen=True)
class Negotiation:
    """The client's wishes as plain data, so the worker thread can decide once it knows the form."""

    format_name: str | None
    accept: MIMEAccept = field(default_factory=MIMEAccept)

    def wants_html(self) -> bool:
        """HTML only when asked for by name or preferred explicitly (never through ``*/*``)."""
        if self.format_name is not None:
            return self.format_name == "html"
        offers = [m for m, _ in RESULT_OFFERS] + [m for m, _ in GRAPH_OFFERS] + [HTML]
        return _without_wildcard(self.accept).best_match(offers) == HTML

    def results_format(self) -> ox.QueryResultsFormat:
        if self.format_name is not None:
            if self.format_name not in RESULT_FORMATS:
                raise ProtocolError(400, f"format {self.format_name!r} is for graphs (CONSTRUCT/DESCRIBE); "
                                         f"SELECT and ASK results come as {', '.join(RESULT_FORMATS)}")
            return RESULT_FORMATS[self.format_name]
        best = self.accept.best_match([m for m, _ in RESULT_OFFERS])
        return dict(RESULT_OFFERS).get(best or "", R.JSON)

    def graph_format(self) -> ox.RdfFormat:
        if self.format_name is not None:
            name = GRAPH_EQUIVALENT.get(self.format_name, self.format_name)
            if name not in GRAPH_FORMATS:
                raise ProtocolError(400, f"format {self.format_name!r} is for SELECT/ASK results; "
                                         f"graphs come as {', '.join(GRAPH_FORMATS)}")
            return GRAPH_FORMATS[name]
        best = self.accept.best_match([m for m, _ in GRAPH_OFFERS])
        return dict(GRAPH_OFFERS).get(best or "", G.TURTLE)


@dataclass
class Operation:
    """One protocol request, read and checked."""

    query: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    formats: list[str]


def read_operation() -> Operation:
    """Read the query, dataset and format from the request, enforcing the protocol's rules."""
    args = request.args
    form: list[tuple[str, str]] = []
    body_query: str | None = None
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == SPARQL_UPDATE:
            raise ProtocolError(403, UPDATE_REFUSED)
        if mimetype not in (FORM, SPARQL_QUERY):
            raise ProtocolError(415, f"POST a query as {FORM} (query=...) or as {SPARQL_QUERY}, "
                                     f"not as {mimetype or 'a body without Content-Type'}")
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8", "us-ascii"):
            raise ProtocolError(400, f"the request body must be UTF-8, not {charset}")
        try:
            text = request.get_data(cache=True).decode("utf-8")
            if mimetype == FORM:
                form = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
            else:
                body_query = text
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, f"the request body is not valid UTF-8: {exc}") from exc

    def values(name: str) -> list[str]:
        return args.getlist(name) + [v for k, v in form if k == name]

    if values("update"):
        raise ProtocolError(403, UPDATE_REFUSED)
    queries = values("query") + ([body_query] if body_query is not None else [])
    if len(queries) > 1:
        raise ProtocolError(400, f"a request carries one query; this one has {len(queries)}")
    return Operation(query=queries[0] if queries else None,
                     default_graphs=values("default-graph-uri"),
                     named_graphs=values("named-graph-uri"),
                     formats=values("format"))


# -- textual checks on the query ------------------------------------------------------------------

# -- the endpoint ---------------------------------------------------------------------------------

@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer one SPARQL protocol request."""
    try:
        op = read_operation()
        negotiation = Negotiation(_canonical_format(op.formats), request.accept_mimetypes)
        if op.query is None:
            return _no_query(negotiation)
        options = _query_options(op)
    except ProtocolError as exc:
        return plain_error(exc.status, exc.message)

    if not current_app.config["ALLOW_SERVICE"] and has_keyword(op.query, "SERVICE"):
        return plain_error(403, "SERVICE (federated query) is disabled on this endpoint: "
                                "it would make the server fetch URLs for its clients")
    store = get_store()
    try:
        if negotiation.wants_html():
            return _html_results(store.query(op.query, **options), op)
        return streamed_response(_producer(store, op.query, options, negotiation),
                                 headers={"Vary": "Accept"})
    except ProtocolError as exc:
        return plain_error(exc.status, exc.message)
    except SyntaxError as exc:
        return plain_error(400, f"Malformed query: {exc}")
    except (OSError, RuntimeError, ValueError) as exc:
        current_app.logger.warning("query failed: %s", exc)
        return plain_error(500, f"Query evaluation failed: {exc}")


def _query_options(op: Operation) -> dict[str, Any]:
    """Keyword arguments for :meth:`GraphStore.query`: the base IRI and the dataset."""
    assert op.query is not None
    # Relative IRIs in a query resolve against the endpoint, as the protocol suggests.
    options: dict[str, Any] = {"base_iri": request.base_url}
    if op.default_graphs or op.named_graphs:
        # A protocol dataset replaces everything else: the default graph is the merge of the
        # default-graph-uri graphs (empty if none), the named graphs exactly the named-graph-uri ones.
        try:
            options["default_graph"] = [ox.NamedNode(iri) for iri in op.default_graphs]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in op.named_graphs]
        except ValueError as exc:
            raise ProtocolError(400, f"bad graph IRI in default-graph-uri/named-graph-uri: {exc}") from exc
    return options  # without a protocol dataset, GraphStore.query honours the query's own FROM


def _producer(store: Any, query: str, options: dict[str, Any],
              negotiation: Negotiation) -> Callable[[Callable[[str], Any]], None]:
    """The work done in the streaming thread: evaluate, pick the format, serialize."""

    def produce(open_output: Callable[[str], Any]) -> None:
        result = store.query(query, **options)
        if isinstance(result, ox.QueryTriples):
            fmt = negotiation.graph_format()
            out = open_output(content_type(fmt))
            prefixes = PREFIXES if fmt == G.TURTLE else None
            ox.serialize(result, out, fmt, prefixes=prefixes)
        else:
            rfmt = negotiation.results_format()
            out = open_output(content_type(rfmt))
            result.serialize(out, rfmt)

    return produce


def _no_query(negotiation: Negotiation) -> Response:
    """GET without a query: the query page for a browser, a service description for RDF clients."""
    if request.method == "GET":
        if negotiation.wants_html():
            return redirect(url_for("pages.query_page"), code=303)
        explicit = _without_wildcard(request.accept_mimetypes)
        best = explicit.best_match([m for m, _ in GRAPH_OFFERS])
        if negotiation.format_name is not None or best is not None:
            fmt = negotiation.graph_format()
            body = ox.serialize(service_description(request.base_url), format=fmt,
                                prefixes={"sd": SD} if fmt == G.TURTLE else None)
            return Response(body, content_type=content_type(fmt), headers={"Vary": "Accept"})
    return plain_error(400, "missing query: send ?query=... (GET), query=... (POST form) or the "
                            f"query as the {SPARQL_QUERY} body; GET with Accept: text/turtle "
                            "describes this service")


def service_description(endpoint_url: str) -> list[ox.Triple]:
    """A minimal SPARQL 1.1 Service Description of this endpoint."""
    sd = {name: ox.NamedNode(SD + name) for name in (
        "Service", "endpoint", "supportedLanguage", "SPARQL11Query", "resultFormat", "feature",
        "UnionDefaultGraph", "BasicFederatedQuery")}
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = ox.BlankNode("service")
    triples = [
        ox.Triple(service, rdf_type, sd["Service"]),
        ox.Triple(service, sd["endpoint"], ox.NamedNode(endpoint_url)),
        ox.Triple(service, sd["supportedLanguage"], sd["SPARQL11Query"]),
        ox.Triple(service, sd["feature"], sd["UnionDefaultGraph"]),
    ]
    if current_app.config["ALLOW_SERVICE"]:
        triples.append(ox.Triple(service, sd["feature"], sd["BasicFederatedQuery"]))
    formats: list[ox.QueryResultsFormat | ox.RdfFormat] = [*RESULT_FORMATS.values(), *GRAPH_FORMATS.values()]
    triples += [ox.Triple(service, sd["resultFormat"], ox.NamedNode(f.iri)) for f in formats]
    return triples


# -- HTML ---------------------------------------------------------------------------------------

def _html_results(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, op: Operation) -> Response:
    """A result as an HTML table, at most ``HTML_MAX_ROWS`` rows (evaluated in this thread)."""
    limit = int(current_app.config["HTML_MAX_ROWS"])
    boolean: bool | None = None
    columns: list[str] = []
    rows: list[list[Any]] = []
    truncated = False
    if isinstance(result, ox.QueryBoolean):
        boolean = bool(result)
    else:
        if isinstance(result, ox.QueryTriples):
            columns = ["subject", "predicate", "object"]
            items: Iterable[list[Any]] = ([t.subject, t.predicate, t.object] for t in result)
        else:
            columns = [v.value for v in result.variables]
            items = ([solution[name] for name in columns] for solution in result)
        for row in items:
            if len(rows) >= limit:
                truncated = True
                break
            rows.append([describe_term(term) for term in row])
    html = render_template("results.html", query=op.query, boolean=boolean, columns=columns, rows=rows,
                           truncated=truncated, limit=limit)
    return Response(html, mimetype="text/html", headers={"Vary": "Accept"})


def describe_term(term: Any) -> dict[str, str] | None:
    """How the HTML table shows a term: short text, a link for IRIs, the datatype as a hint."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        # Only web IRIs become links: a query can mint any IRI, and a ``javascript:`` link in a
        # shared results URL would run script on this site.
        href = term.value if term.value.startswith(("http://", "https://")) else ""
        return {"kind": "iri", "text": shorten(term.value), "href": href, "title": term.value}
    if isinstance(term, ox.BlankNode):
        return {"kind": "bnode", "text": f"_:{term.value}", "title": "blank node"}
    if isinstance(term, ox.Literal):
        hint = f"@{term.language}" if term.language else shorten(term.datatype.value)
        return {"kind": "literal", "text": term.value, "title": hint,
                "hint": "" if hint == "xsd:string" else hint}
    return {"kind": "other", "text": str(term), "title": ""}


def shorten(iri: str) -> str:
    """``ng:Meeting`` for ``https://w3id.org/newsgraph/ns#Meeting``, using the data model's prefixes."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace):]
            if re.fullmatch(r"[\w.-]+", local):
                return f"{prefix}:{local}"
    return iri
