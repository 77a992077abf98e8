"""Whole-dataset downloads under ``/dumps/``, streamed straight from the store, and their description.

* ``newsgraph.ttl`` (``.ttl.gz``), ``newsgraph.nt``: the union of the article graphs — what the
  SPARQL endpoint's default graph holds — for tools that want one graph.
* ``newsgraph.nq`` (``.nq.gz``), ``newsgraph.trig.gz``: every graph as it is stored, so each fact
  keeps the article graph it came from, with that article's provenance (re-ingest and delete work
  per graph, and the ingest run and evidence live there).
* ``void.ttl``: a VoID + DCAT description of the dataset and of each file (size, statements,
  licence, last update, the SPARQL endpoint); also at ``/.well-known/void``.

Every file is written by pyoxigraph into a pipe to the client (gzip on the fly), so memory stays
constant whatever the store's size. Each response carries an ``ETag`` (store version + file) and
``Last-Modified`` (the newest store file), answers conditional requests with 304, and ``HEAD``
without writing anything; the ``Content-Length`` is sent once a complete download of that version
has measured it. ``write_dumps`` writes the same files into a folder (for ``newsgraph dump``).

Duplicates: entities' labels and types are repeated in every article graph that mentions them.
The union is written from a ``CONSTRUCT``, and Oxigraph's ``CONSTRUCT`` drops triples it already
emitted, remembering up to 2^20 of them (then it forgets and starts again, which bounds memory).
So a dump of up to about a million distinct triples has no duplicates, and a bigger one may repeat
a few; that is harmless, since an RDF graph is a set and every parser collapses them.
"""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for

from newsgraph.store import GraphStore, has_stored_default_graph
from newsgraph.vocab import PREFIXES
from newsgraph.web import external_url, get_provider, streamed_response
from newsgraph.web.conneg import accept, choose, not_acceptable_message, without_wildcard

bp = Blueprint("dumps", __name__, url_prefix="/dumps")

GZIP = "application/gzip"


@dataclass(frozen=True)
class Dump:
    format: ox.RdfFormat
    media_type: str  # of the RDF inside
    gzip: bool
    what: str

    @property
    def content_type(self) -> str:
        return GZIP if self.gzip else self.media_type


_UNION = "the union of all article graphs"
_GRAPHS = "every article graph, with its provenance"
#: File name → what it is, for every dump offered.
DUMPS: dict[str, Dump] = {
    "newsgraph.ttl": Dump(ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8", False, f"Turtle: {_UNION}"),
    "newsgraph.ttl.gz": Dump(ox.RdfFormat.TURTLE, "text/turtle", True, f"Turtle, gzipped: {_UNION}"),
    "newsgraph.nt": Dump(ox.RdfFormat.N_TRIPLES, "application/n-triples", False,
                         f"N-Triples: {_UNION}, one triple per line"),
    "newsgraph.nq": Dump(ox.RdfFormat.N_QUADS, "application/n-quads", False, f"N-Quads: {_GRAPHS}"),
    "newsgraph.nq.gz": Dump(ox.RdfFormat.N_QUADS, "application/n-quads", True, f"N-Quads, gzipped: {_GRAPHS}"),
    "newsgraph.trig.gz": Dump(ox.RdfFormat.TRIG, "application/trig", True, f"TriG, gzipped: {_GRAPHS}"),
}


class _Gzip:
    """A file object that gzips what pyoxigraph writes into another one (no timestamp: stable bytes)."""

    def __init__(self, out: IO[bytes] | Any) -> None:
        self.out = out
        self.z = zlib.compressobj(6, zlib.DEFLATED, 31)

    def write(self, data: bytes) -> int:
        compressed = self.z.compress(data)
        if compressed:
            self.out.write(compressed)
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes at the end; a zlib flush there would only cost compression."""

    def close(self) -> None:
        self.out.write(self.z.flush())


class _Counter:
    """Counts bytes passing through (or, without ``out``, only counts them)."""

    def __init__(self, out: Any = None) -> None:
        self.out = out
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.out is not None:
            self.out.write(data)
        return len(data)

    def flush(self) -> None:
        pass


def write_dump(store: GraphStore, name: str, out: IO[bytes] | Any, *, gzip: bool | None = None) -> None:
    """Write dump ``name`` (a key of :data:`DUMPS`) into the binary file object ``out``.

    ``gzip=False`` writes a gzipped dump's RDF uncompressed (for a client that asked for the RDF).
    """
    dump = DUMPS[name]
    sink = _Gzip(out) if (dump.gzip if gzip is None else gzip) else out
    prefixes = PREFIXES if dump.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    store.dump(sink, dump.format, prefixes=prefixes)
    if isinstance(sink, _Gzip):
        sink.close()


def write_dumps(store: GraphStore, folder: str | os.PathLike[str], *, base_url: str,
                title: str = "newsgraph", license: str | None = None, base_uri: str | None = None) -> list[Path]:
    """Write every dump and ``void.ttl`` into ``folder`` (each via a ``.part`` file, then renamed).

    ``base_url`` is where the files will be published (``https://example.org/``): the VoID
    description links the files and the SPARQL endpoint under it.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, sizes = [], {}
    for name in DUMPS:
        path = folder / name
        tmp = path.with_name(name + ".part")
        with tmp.open("wb") as fh:
            counter = _Counter(fh)
            write_dump(store, name, counter)
        tmp.replace(path)
        sizes[name] = counter.size
        written.append(path)
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    urls = Urls(dumps=base_url + "dumps/", sparql=base_url + "sparql", void=base_url + "dumps/void.ttl")
    stats = compute_stats(store)
    triples = void_triples(urls, stats, sizes, modified=datetime.now(UTC), title=title, license=license,
                           base_uri=base_uri or base_url)
    path = folder / "void.ttl"
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=VOID_PREFIXES))
    written.append(path)
    return written


# -- HTTP -----------------------------------------------------------------------------------------

def _sizes() -> dict[tuple[str, str], int]:
    return current_app.extensions.setdefault("newsgraph.dump_sizes", {})


def _http_date(timestamp: float) -> datetime:
    return datetime.fromtimestamp(int(timestamp), UTC)


@bp.route("/<name>", methods=["GET"])
def dump(name: str) -> Response:
    """Stream one dump, with an ETag and Last-Modified that change whenever the store does."""
    if name == "void.ttl":
        return void()
    if name not in DUMPS:
        abort(404, f"no dump called {name!r}; there are {', '.join([*DUMPS, 'void.ttl'])}")
    entry = DUMPS[name]
    representation, content_type, filename = _representation(name, entry)
    provider = get_provider()
    store, version = provider.snapshot()
    modified = _http_date(provider.modified())
    tag = f"{version}-{name}{representation}"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "ETag": f'"{tag}"',
        "Last-Modified": _format_http_date(modified),
        "Cache-Control": "no-cache",  # revalidate: the store changes under us
    }
    if entry.gzip:
        headers["Vary"] = "Accept, Accept-Encoding"
        if representation == "-rdf-gzip":
            headers["Content-Encoding"] = "gzip"
    if _not_modified(tag, modified):
        return Response(status=304, headers=headers)
    sizes = _sizes()
    size = sizes.get((version, name + representation))
    if request.method == "HEAD":  # never write the dump for a HEAD
        response = Response(status=200, content_type=content_type, headers=headers)
        if size is not None:
            response.headers["Content-Length"] = str(size)
        else:
            response.automatically_set_content_length = False
        return response

    def produce(open_output: Callable[[str], Any]) -> None:
        counter = _Counter(open_output(content_type))
        write_dump(store, name, counter, gzip=entry.gzip and representation != "-rdf")
        sizes[(version, name + representation)] = counter.size  # measured: HEAD and void.ttl say it from now on

    response = streamed_response(produce, headers=headers)
    if size is not None and "Content-Length" not in response.headers:
        response.headers["Content-Length"] = str(size)
    return response


def _representation(name: str, entry: Dump) -> tuple[str, str, str]:
    """(ETag suffix, Content-Type, file name) of the answer this request gets; 406 if none fits.

    A ``.gz`` dump is a gzip file (``application/gzip``) for browsers, curl and download tools,
    whose ``*/*`` takes it as it is. An RDF client that names the RDF type and not gzip (rdflib's
    ``Graph().parse(url)`` sends the media types of its parsers, ``format="trig"`` sends
    ``application/trig``) gets the RDF with that type: gzip-encoded (``Content-Encoding: gzip``,
    the same bytes) when it sends ``Accept-Encoding: gzip``, else plain, since neither urllib nor
    rdflib undo a Content-Encoding and a gzip body would not parse.
    """
    media = entry.media_type.split(";", 1)[0].strip()
    offers = [GZIP, "application/x-gzip", media] if entry.gzip else [media]
    if choose(offers) is None:
        abort(Response(not_acceptable_message([entry.content_type]), status=406, mimetype="text/plain"))
    if not entry.gzip:
        return "", entry.content_type, name
    if without_wildcard(accept()).best_match(offers) != media:
        return "", GZIP, name
    content_type = media + ("; charset=utf-8" if media.startswith("text/") else "")
    if "gzip" in request.accept_encodings:
        return "-rdf-gzip", content_type, name
    return "-rdf", content_type, name.removesuffix(".gz")


def _format_http_date(value: datetime) -> str:
    from werkzeug.http import http_date

    return http_date(value)


def _not_modified(tag: str, modified: datetime) -> bool:
    """Whether the client's copy is current (``If-None-Match`` wins over ``If-Modified-Since``)."""
    if request.if_none_match:
        return request.if_none_match.contains(tag)
    since = request.if_modified_since
    return since is not None and modified <= since


# -- VoID + DCAT ----------------------------------------------------------------------------------

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = PREFIXES["dcterms"]
IANA = "http://www.iana.org/assignments/media-types/"
VOID_PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCT, "xsd": PREFIXES["xsd"], "rdfs": PREFIXES["rdfs"],
                 "foaf": PREFIXES["foaf"], "sd": "http://www.w3.org/ns/sparql-service-description#"}

#: The classes whose instance counts the description gives (VoID class partitions).
PARTITION_CLASSES = [
    PREFIXES["schema"] + "NewsArticle", PREFIXES["foaf"] + "Person", PREFIXES["org"] + "Organization",
    PREFIXES["org"] + "Post", PREFIXES["ng"] + "PostHolding", PREFIXES["ng"] + "Meeting",
    PREFIXES["ng"] + "BlocMembership", PREFIXES["ng"] + "Country", PREFIXES["schema"] + "Place",
]
#: Vocabularies the data uses (void:vocabulary).
VOCABULARIES = ["ng", "org", "opengov", "foaf", "schema", "sem", "prov", "oa", "skos", "dcterms", "owl"]


@dataclass(frozen=True)
class Urls:
    dumps: str  # folder URL, ending in /
    sparql: str
    void: str


@dataclass(frozen=True)
class Stats:
    statements: int
    graphs: int
    classes: dict[str, int]
    has_default_graph: bool
    example: str | None
    # Distinct triples of the default graph queries see: the union's, each triple once (RDF merge).
    default_graph_triples: int = 0


def compute_stats(store: GraphStore) -> Stats:
    """Counts for the description: statements, graphs, instances of the main classes."""
    values = " ".join(f"<{c}>" for c in PARTITION_CLASSES)
    rows = store.raw.query(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {values} }} "
                           "GRAPH ?g { ?s a ?c } } GROUP BY ?c")
    classes = {row["c"].value: int(row["n"].value) for row in rows}  # type: ignore[union-attr]
    example = next(iter(store.raw.query(  # type: ignore[arg-type]
        f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s a <{PREFIXES['foaf']}Person> }} }} LIMIT 1")), None)
    has_default = has_stored_default_graph(store.raw)
    if has_default:  # the stored default graph (a set already)
        default_triples = sum(1 for _ in store.raw.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    else:  # the union of the article graphs, each triple once
        [row] = store.raw.query(  # type: ignore[misc]
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
        default_triples = int(row["n"].value)
    return Stats(statements=len(store), graphs=sum(1 for _ in store.named_graphs()), classes=classes,
                 has_default_graph=has_default, example=example["s"].value if example else None,
                 default_graph_triples=default_triples)


def snapshot_stats() -> Stats:
    """:func:`compute_stats` of the current snapshot, computed once per store version."""
    store, version = get_provider().snapshot()
    cache: dict[str, Stats] = current_app.extensions.setdefault("newsgraph.void_stats", {})
    if version not in cache:
        stats = compute_stats(store)
        cache.clear()
        cache[version] = stats
    return cache[version]


def union_default_graph() -> bool:
    """Whether queries without FROM / a protocol dataset see the union of all graphs."""
    mode = current_app.config["DEFAULT_GRAPH"]
    if mode in ("union", "stored"):
        return mode == "union"
    return not snapshot_stats().has_default_graph


_measure_lock = threading.Lock()


def _known_sizes(store: GraphStore, version: str) -> dict[str, int]:
    """Sizes of the dumps of ``version``: measured by writing them (constant memory) when the store is
    small enough (``VOID_MEASURE_MAX_STATEMENTS``), else those a complete download already measured."""
    sizes = _sizes()
    limit = int(current_app.config.get("VOID_MEASURE_MAX_STATEMENTS", 2_000_000))
    if len(store) <= limit:
        with _measure_lock:
            for name in DUMPS:
                if (version, name) not in sizes:
                    counter = _Counter()
                    write_dump(store, name, counter)
                    sizes[(version, name)] = counter.size
    for key in [k for k in sizes if k[0] != version]:
        sizes.pop(key, None)  # forget older versions
    return {name: sizes[(version, name)] for name in DUMPS if (version, name) in sizes}


def dataset_description(endpoint_url: str) -> tuple[ox.NamedNode, list[ox.Triple]]:
    """The VoID/DCAT description of the served dataset, for the current request's URLs."""
    store, version = get_provider().snapshot()
    urls = Urls(dumps=external_url("dumps.dump", name="x")[:-1], sparql=endpoint_url,
                void=external_url("dumps.dump", name="void.ttl"))
    config = current_app.config
    triples = void_triples(urls, snapshot_stats(), _known_sizes(store, version),
                           modified=_http_date(get_provider().modified()), title=config["TITLE"],
                           license=config.get("LICENSE"), base_uri=config["BASE_URI"])
    return ox.NamedNode(urls.void + "#dataset"), triples


def void_triples(urls: Urls, stats: Stats, sizes: dict[str, int], *, modified: datetime, title: str,
                 license: str | None, base_uri: str) -> list[ox.Triple]:
    """VoID + DCAT triples describing the dataset at ``urls``."""
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")

    def v(name: str) -> ox.NamedNode:
        return ox.NamedNode(VOID + name)

    def d(name: str) -> ox.NamedNode:
        return ox.NamedNode(DCAT + name)

    def t(name: str) -> ox.NamedNode:
        return ox.NamedNode(DCT + name)

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))

    stamp = ox.Literal(modified.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                       datatype=ox.NamedNode(PREFIXES["xsd"] + "dateTime"))
    doc = ox.NamedNode(urls.void)
    dataset = ox.NamedNode(urls.void + "#dataset")
    endpoint = ox.NamedNode(urls.sparql)
    out = [
        ox.Triple(doc, rdf_type, v("DatasetDescription")),
        ox.Triple(doc, ox.NamedNode(PREFIXES["foaf"] + "primaryTopic"), dataset),
        ox.Triple(dataset, rdf_type, v("Dataset")),
        ox.Triple(dataset, rdf_type, d("Dataset")),
        ox.Triple(dataset, t("title"), ox.Literal(title)),
        ox.Triple(dataset, t("description"), ox.Literal(
            "What news articles claim about officials, their posts (current and former), organizations, "
            "meetings and bloc memberships; one named graph per article, with the quoted sentence as "
            "evidence for every claim.")),
        ox.Triple(dataset, t("modified"), stamp),
        ox.Triple(dataset, v("triples"), integer(stats.statements)),
        ox.Triple(dataset, v("uriSpace"), ox.Literal(base_uri + "id/")),
        ox.Triple(dataset, v("sparqlEndpoint"), endpoint),
    ]
    if license:
        out.append(ox.Triple(dataset, t("license"), ox.NamedNode(license)))
    if stats.example:
        out.append(ox.Triple(dataset, v("exampleResource"), ox.NamedNode(stats.example)))
    for prefix in VOCABULARIES:
        vocabulary = PREFIXES[prefix].rstrip("#")
        out.append(ox.Triple(dataset, v("vocabulary"), ox.NamedNode(vocabulary)))
    for n, cls in enumerate(PARTITION_CLASSES):
        partition = ox.NamedNode(f"{urls.void}#class-{n}")
        out += [ox.Triple(dataset, v("classPartition"), partition),
                ox.Triple(partition, v("class"), ox.NamedNode(cls)),
                ox.Triple(partition, v("entities"), integer(stats.classes.get(cls, 0)))]
    service = ox.NamedNode(urls.void + "#sparql")
    out += [ox.Triple(dataset, d("accessService"), service),
            ox.Triple(service, rdf_type, d("DataService")),
            ox.Triple(service, d("endpointURL"), endpoint),
            ox.Triple(service, d("endpointDescription"), endpoint),
            ox.Triple(service, t("conformsTo"), ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")),
            ox.Triple(service, d("servesDataset"), dataset)]
    for name, entry in DUMPS.items():
        url = ox.NamedNode(urls.dumps + name)
        media = entry.media_type.split(";")[0]
        out += [ox.Triple(dataset, v("dataDump"), url),
                ox.Triple(dataset, d("distribution"), url),
                ox.Triple(url, rdf_type, d("Distribution")),
                ox.Triple(url, t("title"), ox.Literal(name)),
                ox.Triple(url, t("description"), ox.Literal(entry.what)),
                ox.Triple(url, d("downloadURL"), url),
                ox.Triple(url, d("accessURL"), url),
                ox.Triple(url, d("mediaType"), ox.NamedNode(IANA + media)),
                ox.Triple(url, t("modified"), stamp)]
        if entry.gzip:
            out.append(ox.Triple(url, d("compressFormat"), ox.NamedNode(IANA + GZIP)))
        if name in sizes:
            out.append(ox.Triple(url, d("byteSize"), ox.Literal(
                str(sizes[name]), datatype=ox.NamedNode(PREFIXES["xsd"] + "nonNegativeInteger"))))
        if license:
            out.append(ox.Triple(url, t("license"), ox.NamedNode(license)))
    return out


def void() -> Response:
    """``/dumps/void.ttl``: the VoID + DCAT description (Turtle)."""
    _, triples = dataset_description(external_url("sparql.endpoint"))
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=VOID_PREFIXES)
    provider = get_provider()
    modified = _http_date(provider.modified())
    response = Response(body, content_type="text/turtle; charset=utf-8",
                        headers={"Last-Modified": _format_http_date(modified), "Cache-Control": "no-cache"})
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/")
def listing() -> Response:
    return redirect(url_for("pages.index", _anchor="dumps"), code=303)

