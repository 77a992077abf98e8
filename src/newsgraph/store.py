"""The Oxigraph store: one named graph per article, the union as the default graph.

Why a thin class rather than pyoxigraph directly: the rules that keep the data honest live here
in one place — an article's graph is replaced in a single transaction (so a failed ingest never
leaves half an article, and re-ingesting never grows the store), deleting an article drops exactly
its graph, and every read sees the union of the article graphs as its default graph.

It also keeps the store's folder compact (see :meth:`GraphStore.flush`): pyoxigraph opens RocksDB
with options a Python caller cannot change, and left alone those options leave a store several
times the size of the same quads bulk-loaded.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox

DEFAULT_STORE = "newsgraph-data"

_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_NEWS_ARTICLE = ox.NamedNode("https://schema.org/NewsArticle")

#: File extensions and the RDF formats pyoxigraph reads and writes for them.
FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "n3": ox.RdfFormat.N3,
}


# Strings, IRIs, comments, and escapes in local names (``ex:a\'b``: that quote opens no string),
# whose content must not be mistaken for keywords. The web layer masks query text with it too.
OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
    r"|\\.",
    re.DOTALL,
)


def _masked(query: str) -> str:
    return OPAQUE.sub(" ", query)


def has_keyword(query: str, keyword: str) -> bool:
    """Whether ``keyword`` occurs as a keyword: not in a string, IRI, comment, variable or name."""
    pattern = rf"(?<![\w?$:@-]){keyword}(?![\w:-])"
    return re.search(pattern, _masked(query), re.IGNORECASE) is not None


# Oxigraph's parser is recursive: a query nested a few thousand brackets deep overflows its stack
# and kills the process (5,000 `{` segfault, 2,000 parse). Every caller (the CLI, the server) checks
# first; real queries nest a handful of levels.
#: Deepest nesting of ``{``, ``(`` and ``[`` together that a query or update may have.
MAX_NESTING = 256

_OPENING, _CLOSING = "{([", "})]"


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets in ``text``, not counting those in strings, IRIs or comments."""
    masked = _masked(text)
    depth = deepest = 0
    for ch in masked:
        if ch in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in _CLOSING and depth > 0:
            depth -= 1
    return deepest


def nesting_error(text: str, what: str) -> str | None:
    """A message for the client if ``text`` nests too deeply, else ``None``."""
    if len(text) < MAX_NESTING:
        return None  # cannot be that deep
    depth = nesting_depth(text)
    if depth <= MAX_NESTING:
        return None
    return (f"The {what} is nested {depth} brackets deep; newsgraph accepts at most {MAX_NESTING} "
            "levels of { }, ( ) and [ ] together. Flatten it.")


def has_stored_default_graph(store: ox.Store) -> bool:
    """Whether the store's own default graph holds any triple (ingest never writes there; ``load`` may)."""
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def dataset_options(sparql: str, *, default_graphs: list[str] | None = None,
                    named_graphs: list[str] | None = None, union: bool = True) -> dict[str, object]:
    """pyoxigraph query options for the dataset a query runs on, by precedence.

    A protocol dataset (``default-graph-uri`` / ``named-graph-uri``) replaces everything; else the
    query's own ``FROM`` / ``FROM NAMED`` defines it; else the default graph is the union of all
    graphs when ``union``, the stored default graph otherwise. The CLI, ``GraphStore.query`` and
    the server's query workers all choose the dataset here, so they agree.
    """
    if default_graphs is not None or named_graphs is not None:
        return {"default_graph": [ox.NamedNode(g) for g in default_graphs or []],
                "named_graphs": [ox.NamedNode(g) for g in named_graphs or []]}
    if union and not has_keyword(sparql, "FROM"):
        return {"use_default_graph_as_union": True}
    return {}


#: Above this many quads a store's union is not copied into memory to merge it (a copy costs about
#: 130 bytes and 17 µs per quad); queries then see pyoxigraph's own union, which may count a triple
#: once per graph that states it. ``$NEWSGRAPH_MERGE_MAX_QUADS`` overrides it.
MERGE_MAX_QUADS = 5_000_000


def merge_limit() -> int:
    """The size up to which :func:`merged_union` copies a store (see :data:`MERGE_MAX_QUADS`)."""
    try:
        return int(os.environ.get("NEWSGRAPH_MERGE_MAX_QUADS") or MERGE_MAX_QUADS)
    except ValueError:
        return MERGE_MAX_QUADS


def merged_union(store: ox.Store, max_quads: int | None = None) -> ox.Store | None:
    """An in-memory copy of ``store`` whose default graph is the RDF merge of all its graphs.

    Why: SPARQL's default graph is an RDF graph, a *set* of triples, so a triple that several
    article graphs state is one triple of their union. pyoxigraph 0.5 evaluates
    ``use_default_graph_as_union`` (and a default graph of several ``FROM`` graphs, and
    ``default_graph=[...]``: all measured) as a bag, yielding the triple once per graph, so
    ``COUNT(*)`` overcounts and the simplest label query repeats labels (oxigraph#1919). No option
    of 0.5.13 merges, and rewriting queries is not correct in general (aggregates, paths, OPTIONAL
    all see multiplicities), so the union is materialised instead: the copy holds every named graph
    as it is plus, in its default graph, each distinct triple once (a store is a set of quads, so
    inserting the triples dedupes them). A query run on the copy without a dataset option then has
    exactly the standard semantics, for every query form, and ``GRAPH ?g`` still sees the article
    graphs. Built once per store version (about 0.2 s for 16k quads; 18 s for a million on a busy
    machine), so a query costs what it did. ``None`` when the store holds more than ``max_quads``
    quads (see :data:`MERGE_MAX_QUADS`); the caller then falls back to pyoxigraph's union.
    """
    limit = merge_limit() if max_quads is None else max_quads
    if len(store) > limit:
        return None
    copy = ox.Store()
    copy.bulk_extend(store)
    copy.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                     for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
    return copy


#: Where :func:`shared_merged_union` keeps its on-disk merged copies (one folder per store, one
#: sub-folder per store version); ``$NEWSGRAPH_MERGE_CACHE`` overrides it.
def merge_cache_root() -> Path:
    import tempfile

    return Path(os.environ.get("NEWSGRAPH_MERGE_CACHE") or Path(tempfile.gettempdir()) / "newsgraph-merged")


#: How many store versions :func:`shared_merged_union` keeps on disk per store (the newest).
MERGE_VERSIONS_KEPT = 2


def shared_merged_union(store: ox.Store, path: str | os.PathLike[str], version: str,
                        max_quads: int | None = None) -> ox.Store | None:
    """The merged union of :func:`merged_union`, built once per store version on disk and shared.

    Why: every query process used to build its own in-memory copy after each write (about 17 µs
    and 130 bytes per quad, so 2 workers × 18 s × 230 MB per million quads), and at a few hundred
    thousand quads on a busy machine the build alone outlasted the query timeout, so union
    queries never got an answer. Here the first process that needs version ``version`` of the
    store at ``path`` builds the copy with the engine's bulk loader into
    ``merge_cache_root()/<store>/<version>`` while holding a lock file; the others wait on the
    lock and then open the same copy read-only, so the build runs once per version and the copy's
    pages are shared through the OS page cache instead of held once per process. The copy is
    marked complete only after its last write, so a build that was interrupted (its process
    killed) is discarded and redone by the next one. The oldest versions beyond
    :data:`MERGE_VERSIONS_KEPT` are removed. ``None`` above ``max_quads``, as for
    :func:`merged_union`; an error (no space, no writable temporary folder) is raised, and the
    caller may fall back to :func:`merged_union`.
    """
    import fcntl
    import hashlib
    import shutil

    limit = merge_limit() if max_quads is None else max_quads
    if len(store) > limit:
        return None
    folder = merge_cache_root() / hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", version) or "v"
    target = folder / safe
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "newsgraph-merged-complete").exists():
            shutil.rmtree(target, ignore_errors=True)
            copy = ox.Store(str(target))
            dump = target / "newsgraph-dump.part"
            store.dump(str(dump), ox.RdfFormat.N_QUADS)
            # The bulk loader gives blank nodes new identifiers (per load), which would split a
            # blank node between the graphs and the merged default graph; with any blank node in
            # the store, the quads are re-read keeping their identifiers (slower, still Rust-side).
            blank = bool(store.query("ASK { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } "
                                     "FILTER(isBlank(?s) || isBlank(?o)) }"))
            if blank:
                copy.bulk_extend(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
            else:
                copy.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
            triples.serialize(str(dump), ox.RdfFormat.N_TRIPLES)  # type: ignore[union-attr]
            if blank:
                copy.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                                 for t in ox.parse(path=str(dump), format=ox.RdfFormat.N_TRIPLES))
            else:
                copy.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
            dump.unlink()
            copy.flush()
            del copy
            (target / "newsgraph-merged-complete").write_text(version + "\n", encoding="utf-8")
            done = sorted((d for d in folder.iterdir() if (d / "newsgraph-merged-complete").exists()),
                          key=lambda d: (d / "newsgraph-merged-complete").stat().st_mtime)
            for old in done[:-MERGE_VERSIONS_KEPT]:
                if old != target:
                    shutil.rmtree(old, ignore_errors=True)
        return ox.Store.read_only(str(target))


def union_query(store: ox.Store, sparql: str, options: dict[str, object],
                merged: Callable[[], ox.Store | None]) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run ``sparql`` with ``options`` (from :func:`dataset_options`), merging a union default graph.

    When the options ask for the union of all graphs as the default graph, the query runs on the
    merged copy ``merged()`` gives (see :func:`merged_union`), without the union option; otherwise
    on ``store`` as asked.
    """
    if options.get("use_default_graph_as_union"):
        copy = merged()
        if copy is not None:
            rest = {k: v for k, v in options.items() if k != "use_default_graph_as_union"}
            return copy.query(sparql, **rest)  # type: ignore[arg-type]
    return store.query(sparql, **options)  # type: ignore[arg-type]


#: The file, inside the store's folder, that records what the store was made with (JSON). RocksDB
#: ignores files it did not write; the server reads this one when it starts.
STORE_INFO = "newsgraph-store.json"
_ARTICLE_GRAPH = re.compile(r"^(.+/)graph/article/[^/]+$")


def read_store_info(path: str | os.PathLike[str]) -> dict[str, object]:
    """The recorded facts about the store at ``path`` (``{}`` when none were recorded or unreadable)."""
    import json

    try:
        data = json.loads((Path(path) / STORE_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember_base_uri(path: str | os.PathLike[str], base_uri: str) -> None:
    """Record at ``path`` the base the store's IRIs are minted under (``ingest`` calls this).

    Why: every minted IRI starts with the base, and the server must answer ``/id/...`` for exactly
    that base, wherever it listens; guessing it from the command line made a server started with
    another ``--base-uri`` (or port) 404 on every page. Written atomically (a temporary file renamed).
    """
    import json

    folder = Path(path)
    info = read_store_info(folder) | {"base_uri": base_uri}
    tmp = folder / (STORE_INFO + ".part")
    tmp.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    tmp.replace(folder / STORE_INFO)


def detect_base_uri(store: ox.Store) -> str | None:
    """The base of a store's minted IRIs, read off its article graphs (``{base}graph/article/ID``).

    The fallback for stores ingested before the base was recorded; ``None`` for a store with no
    article graph (RDF ``load``ed as it is). The most common base wins, should there be several.
    """
    counts: dict[str, int] = {}
    for graph in store.named_graphs():
        if isinstance(graph, ox.NamedNode) and (match := _ARTICLE_GRAPH.match(graph.value)):
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return max(counts, key=lambda base: counts[base]) if counts else None


def stored_base_uri(path: str | os.PathLike[str], store: ox.Store | None = None) -> str | None:
    """The base the store at ``path`` was minted under: as recorded, else as its article graphs show."""
    recorded = read_store_info(path).get("base_uri")
    if isinstance(recorded, str) and recorded:
        return recorded
    if store is None:
        try:
            store = ox.Store.read_only(str(path))
        except (OSError, RuntimeError):
            return None
    return detect_base_uri(store)


#: The file in the store folder holding the token of the last write (see :func:`new_generation`).
GENERATION_FILE = "newsgraph-generation"


def new_generation(path: Path | None) -> str:
    """Record a new random token for the store at ``path`` (before a write; in memory: just made).

    Why a random token, written *before* each write: whatever records the token it is consistent
    with (the identity index) sees a different one after any write it did not follow, including
    one that crashed half-way, and a token can never come back by chance after a file is lost.
    """
    import uuid

    token = uuid.uuid4().hex
    if path is not None:
        # os-level calls, no fsync: a token lost with a power cut leaves the index's one (older or
        # newer) unequal anyway; a token is always 32 characters, so it overwrites in place
        fd = os.open(path / GENERATION_FILE, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.pwrite(fd, (token + "\n").encode("ascii"), 0)
        finally:
            os.close(fd)
    return token


def read_generation(path: str | os.PathLike[str]) -> str | None:
    """The token of the store at ``path`` (None when it has none: written before tokens existed)."""
    try:
        return (Path(path) / GENERATION_FILE).read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


class StoreError(Exception):
    """A user-facing problem with the store (locked, missing, bad input)."""


class ArticleClash(StoreError):
    """Storing an article would replace a different article (or other data): refused, nothing written."""


def default_store_path() -> Path:
    """``$NEWSGRAPH_STORE`` if set, else ``./newsgraph-data``."""
    return Path(os.environ.get("NEWSGRAPH_STORE") or DEFAULT_STORE)


def format_for(name_or_path: str) -> ox.RdfFormat:
    """An RDF format from a name (``turtle``) or a file name (``x.ttl``, ``x.nq``)."""
    key = name_or_path.lower().removeprefix(".")
    if key in FORMATS:
        return FORMATS[key]
    fmt = ox.RdfFormat.from_extension(Path(key).suffix.lstrip(".") or key)
    if fmt is None:
        raise StoreError(f"unknown RDF format or file extension: {name_or_path!r}")
    return fmt


#: Quads written (added or removed) after which :class:`GraphStore` flushes RocksDB's memtables,
#: at the least. Why: pyoxigraph's RocksDB fills memtables of 128 MiB per column family before it
#: flushes one, and keeps a write-ahead log of everything not flushed, so an ingest run's memory
#: grew with the run (0.8 KiB a quad: 1 GiB at 1.3M quads) and it wrote 265 MB logs.
#:
#: The interval is the knob between memory and CPU, and pyoxigraph exposes no RocksDB option that
#: would loosen it: each flush's tables overlap the whole store (index keys are term hashes), so the
#: compactions that merge them rewrite an amount of data that grows with the store, per flush.
#: Held at 50,000 quads, memory stays flat but the post-extraction CPU per article grew +10% at
#: 1,000 articles and +31% at 5,000 against an interval of an eighth of the store
#: (bench/bench_identity.py); grown without bound, the memtables grow with the store (peak RSS
#: 205 / 385 MiB at 200 / 5,000 replayed articles, and an 800 MiB cap before). So the interval is an
#: eighth of the store, between these two bounds: up to about 2M quads (6,000 wire stories) the
#: compactions rewrite about as much per article at any size, and past it memory stays at most
#: :data:`FLUSH_MAX_QUADS` quads of memtables (about 250 MiB) and the compaction CPU grows instead.
#:
#: Measured (bench/bench_identity.py, 5,000 replayed articles, 1.3M quads): the memtables take about
#: 1 KiB per quad written since the last flush, and they are most of what a run's peak RSS grows by:
#: the peak comes at a flush (364 MiB, of which 161 MiB memtables), RSS right after one is 199 MiB.
#: pyoxigraph 0.5.13 opens RocksDB with fixed options (``Store(path)`` takes no other argument;
#: the store's ``OPTIONS-*`` file: ``level0_file_num_compaction_trigger=2``, uncompressed base level),
#: so every second flush merges level 0 into the whole base level of every index: the compaction
#: thread spent 21 s over those 5,000 articles with this interval and 35 s with a constant 50,000
#: (peak 268 MiB). A run that must stay small sets ``$NEWSGRAPH_FLUSH_MAX_QUADS`` (see
#: :func:`flush_limit`) and pays that CPU.
FLUSH_EVERY_QUADS = 50_000
#: The largest flush interval, in quads (see :data:`FLUSH_EVERY_QUADS`); ``$NEWSGRAPH_FLUSH_MAX_QUADS``
#: overrides it (:func:`flush_limit`).
FLUSH_MAX_QUADS = 250_000


def flush_limit() -> int:
    """The largest flush interval in quads: ``$NEWSGRAPH_FLUSH_MAX_QUADS``, else :data:`FLUSH_MAX_QUADS`.

    Why a setting: the interval trades memory for CPU (see :data:`FLUSH_EVERY_QUADS`), and which one
    a machine is short of is the user's to say. At :data:`FLUSH_EVERY_QUADS` or below it holds the
    interval constant whatever the store's size. ``NEWSGRAPH_FLUSH_MAX_QUADS=50000`` (memtables of
    about 50 MiB at most), 5,000 replayed articles: peak RSS 274 MiB instead of 372 (1.41x the
    200-article run's instead of 1.91x), post-extraction CPU per article +7% at 1,000 articles and
    +35% at 5,000 (bench/bench_identity.py). A value that is not a positive integer is not used, and
    the log says so once: a mistyped setting must not stop an ingest, nor pass unnoticed.
    """
    raw = os.environ.get("NEWSGRAPH_FLUSH_MAX_QUADS", "").strip()
    if not raw:
        return FLUSH_MAX_QUADS
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if limit > 0:
        return limit
    _ignored_setting("NEWSGRAPH_FLUSH_MAX_QUADS", raw, FLUSH_MAX_QUADS)
    return FLUSH_MAX_QUADS


@functools.cache
def _ignored_setting(name: str, value: str, used: int) -> None:
    """Log once per value that the setting ``name`` was not a positive integer (cached: the flush
    interval is worked out again after every flush)."""
    logging.getLogger(__name__).warning("$%s=%r is not a positive number of quads; using %s", name, value, used)

#: A run that wrote at least this share of the store's data ends with a full compaction
#: (:meth:`pyoxigraph.Store.optimize`: one sorted run per index, deleted and replaced quads gone);
#: smaller runs leave the merging to RocksDB's background compactions, so adding one article to a
#: large store stays cheap.
OPTIMIZE_SHARE = 0.25

#: Bytes a quad takes in the sorted tables that transactions leave (300 for news quads; see
#: :meth:`GraphStore.flush` on why they are not compressed), to guess a store's size in quads from
#: its files without reading it.
_SST_BYTES_PER_QUAD = 300

#: Bytes of write-ahead logs RocksDB may keep for reuse after a flush before :meth:`GraphStore.flush`
#: closes and reopens the store to have RocksDB delete them (they are dead: everything is flushed).
_STALE_LOG_BYTES = 4 * 2**20

#: RocksDB renames its info log to ``LOG.old.<time>`` at every read-write open and keeps 1,000 of
#: them; newsgraph keeps this many (they hold only the options and warnings of earlier opens).
KEEP_INFO_LOGS = 2


class GraphStore:
    """An on-disk (or, with ``path=None``, in-memory) Oxigraph store of article graphs."""

    def __init__(self, path: str | os.PathLike[str] | None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self._read_only = read_only
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError(f"no store at {self.path} (ingest or load something first)")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = self._open_writable()
        except (OSError, RuntimeError) as exc:  # RuntimeError: a read-only open racing a compaction
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        # The merged union for queries (see :func:`merged_union`), dropped by every write made
        # through this class. Writes through ``raw`` must call :meth:`changed`.
        self._merged: ox.Store | None = None
        self._merged_built = False
        self._recorded_base: object = None  # the base recorded in STORE_INFO, once read
        self._unflushed = 0  # quads written since RocksDB's memtables were last flushed
        self._written = 0  # quads written by transactions since the last full compaction
        self._flush_every = self._flush_interval()
        self._reopen_pending = False  # flush() could not reopen read-write (see _reopen)
        self._generation: str | None = None  # see generation()

    def changed(self) -> None:
        """Forget the merged union: the data changed (called by every write method, before it writes).

        Also records a new generation token (:meth:`generation`): an index kept beside the store
        (the identity index) that recorded an older one knows the store changed behind its back.
        """
        self._merged, self._merged_built = None, False
        self._generation = new_generation(self.path)

    def generation(self) -> str | None:
        """The token of the store's last write made through this class (see :func:`new_generation`);
        a writable store that has none yet gets one. None for a read-only store without one."""
        if self._generation is None and self.path is not None:
            self._generation = read_generation(self.path)
            if self._generation is None and not self._read_only:
                self._generation = new_generation(self.path)
        return self._generation

    def merged(self) -> ox.Store | None:
        """The store's union as an RDF merge (built on first use; see :func:`merged_union`)."""
        if not self._merged_built:
            self._merged, self._merged_built = merged_union(self._store), True
        return self._merged

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph store, for callers that need its full API."""
        return self._store

    # -- writing ---------------------------------------------------------------------------

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> int:
        """Atomically replace the content of ``graph`` with ``quads``; return the quad count.

        Readers see either the old graph or the new one, and a failure (or a crash) leaves the old
        one in place: see :meth:`_write_graph` for how each case stays one transaction.
        """
        self._writable()
        self.changed()
        self._note_base(graph)
        return self._write_graph(graph, quads)

    def replace_article(self, graph: ox.NamedNode, article_id: str, quads: Iterable[ox.Quad], *,
                        supersede_prefix: str | None = None) -> tuple[int, list[str]]:
        """Store one article's graph, never at the cost of another article; return (quads, superseded).

        The guard: ``graph`` must not exist yet, or hold the article with this same identifier
        (``dcterms:identifier`` of its ``schema:NewsArticle``) and nothing else. Anything else in
        it (another article, whose id mapped to the same IRI under an older naming scheme or by a
        hash collision; data ``load``ed there) raises :class:`ArticleClash` and nothing is written.

        Graphs starting with ``supersede_prefix`` (the ingest's ``{base}graph/article/``) that hold
        the same identifier under another IRI, as a store written by an older naming scheme does,
        are dropped in the same transaction: an article is stored once, whatever its IRI was before.
        """
        literal = ox.Literal(article_id)
        self._writable()
        if self._store.contains_named_graph(graph):
            held = {q.subject: q.object for q in self._store.quads_for_pattern(None, _IDENTIFIER, None, graph)
                    if ox.Quad(q.subject, _TYPE, _NEWS_ARTICLE, graph) in self._store}
            if set(held.values()) != {literal}:
                others = sorted(str(o.value) for o in held.values() if o != literal)
                what = (f"article {others[0]!r}" if others else "data that is not an article")
                raise ArticleClash(f"its graph <{graph.value}> already holds {what}; "
                                   f"article {article_id!r} not stored (delete the other one first)")
        self.changed()
        self._note_base(graph)
        superseded: list[str] = []
        if supersede_prefix is not None:
            for q in self._store.quads_for_pattern(None, _IDENTIFIER, literal, None):
                g = q.graph_name
                if (isinstance(g, ox.NamedNode) and g != graph and g.value.startswith(supersede_prefix)
                        and ox.Quad(q.subject, _TYPE, _NEWS_ARTICLE, g) in self._store and g.value not in superseded):
                    superseded.append(g.value)
        return self._write_graph(graph, quads, superseded), superseded

    def _write_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad], drop: Sequence[str] = ()) -> int:
        """Make ``graph`` hold exactly ``quads`` and drop the graphs named in ``drop``, in one transaction.

        pyoxigraph 0.5 has no transaction a caller can open: each of ``extend``, ``remove_graph``
        and ``update`` is one transaction, and only ``update`` (SPARQL text) both removes and adds.
        So the write is the difference between what the graph holds and ``quads``, made with the
        one call that covers it: nothing to remove (a new article, the common case) is one native
        ``extend``; nothing to add is one ``remove_graph``; otherwise one SPARQL update deleting
        and inserting just the quads that differ (re-ingesting an article changes one timestamp; a
        rewrite by identity, the renamed IRIs), instead of the whole graph as text twice. Quads
        with blank nodes, which ``DELETE DATA`` cannot name, fall back to dropping and inserting
        the whole graph in one update.
        """
        new = [q if q.graph_name == graph else ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]
        count = len(new)
        wanted = dict.fromkeys(new)
        held = set(self._store.quads_for_pattern(None, None, None, graph)) \
            if self._store.contains_named_graph(graph) else set()
        removed = [q for q in held if q not in wanted]
        added = [q for q in wanted if q not in held]
        if not drop and not removed:
            if added:
                self._store.extend(added)
        elif not drop and not added and not wanted:
            self._store.remove_graph(graph)
        elif any(_has_blank_node(q) for q in removed):
            self._store.update("".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in drop)
                               + f"DROP SILENT GRAPH {graph} ;\n" + _data("INSERT", graph, list(wanted)))
            removed, added = list(held), list(wanted)
        else:
            parts = [f"DROP SILENT GRAPH <{g}>" for g in drop]
            if removed:
                parts.append(_data("DELETE", graph, removed))
            if added:
                parts.append(_data("INSERT", graph, added))
            self._store.update(" ;\n".join(parts))
        self._wrote(len(removed) + len(added))
        return count

    def drop_graph(self, graph: ox.NamedNode) -> bool:
        """Remove a named graph (one transaction); ``False`` if there was none."""
        self._writable()
        if not self._store.contains_named_graph(graph):
            return False
        self.changed()
        self._store.remove_graph(graph)
        self._wrote(1)  # a handful of tombstones per quad, whatever the size: count the call
        return True

    def load(self, source: str | os.PathLike[str], fmt: ox.RdfFormat | None = None,
             graph: ox.NamedNode | None = None) -> None:
        """Load an RDF file as it is (quads keep their graphs; triples go to ``graph`` or default).

        With pyoxigraph's bulk loader (:meth:`pyoxigraph.Store.bulk_load`): it parses on every
        core into sorted table files written beside the store, in bounded memory, and adds them
        all in one RocksDB ingestion when the whole file has been read. So a file with a syntax
        error (or a crash while loading) adds nothing, as a transaction would, without holding the
        file in memory as :meth:`pyoxigraph.Store.load` does (2 GiB for a million quads). The
        table files of a load that crashed are removed the next time the store is opened for
        writing. The loader does not go through the write-ahead log; :meth:`flush` after loading.
        """
        path = Path(source)
        fmt = fmt or format_for(path.name)
        self._writable()
        self.changed()
        try:
            self._store.bulk_load(path=str(path), format=fmt, to_graph=graph)
        except SyntaxError as exc:
            raise StoreError(f"{path}: not valid {fmt.name}: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: {exc}") from exc
        # Not counted towards compact() at flush(): the loader's tables are compressed already.

    def _wrote(self, quads: int) -> None:
        """Count ``quads`` written; flush the memtables when they hold :meth:`_flush_interval` quads."""
        self._written += quads
        self._unflushed += quads
        if self.path is not None and self._unflushed >= self._flush_every:
            self._store.flush()
            self._unflushed = 0
            _release_freed_memory()
            self._flush_every = self._flush_interval()

    def _flush_interval(self) -> int:
        """Quads to write between memtable flushes: an eighth of the store, at least
        :data:`FLUSH_EVERY_QUADS` and at most :func:`flush_limit` (see :data:`FLUSH_EVERY_QUADS` why)."""
        limit = flush_limit()
        if self.path is None:
            return min(limit, FLUSH_EVERY_QUADS)
        stored = _stored_bytes(self.path) // _SST_BYTES_PER_QUAD
        return min(limit, max(FLUSH_EVERY_QUADS, stored // 8))

    def flush(self) -> None:
        """Write everything to disk and leave the store's folder compact; call it after a run.

        ``ingest``, ``load`` and ``delete`` end with it. Beyond RocksDB's flush, it removes what
        pyoxigraph's RocksDB options leave behind, each the way RocksDB itself would:

        - *Dead write-ahead logs.* RocksDB keeps up to ten logs whose content is already in the
          sorted tables, to reuse their files (``recycle_log_file_num``), and deletes them only
          when the store is next opened for writing: 972 MB of a 1.31M-quad store. When they come
          to more than a few MiB, the store is closed and reopened here, so RocksDB deletes them.
        - *Level-0 tables.* A run that wrote at least :data:`OPTIMIZE_SHARE` of the store's quads
          ends with a full compaction (:meth:`pyoxigraph.Store.optimize`); smaller runs leave the
          merging to RocksDB's background compactions, so one article into a large store stays
          cheap.
        - *Info logs* of earlier opens (``LOG.old.*``): all but the newest :data:`KEEP_INFO_LOGS`.

        Every step is RocksDB's own (flush, compaction, a clean close and open) or deletes a file
        RocksDB never reads again, so a crash at any point leaves a consistent store. A read-only
        or in-memory store has nothing to flush.

        What is left: tables written through transactions are not compressed while a store is
        under about 512 MB per index (see :mod:`newsgraph.store_rebuild` for why), so an ingested
        store takes about 1.7× the bytes of the same quads bulk-loaded, until :meth:`compact`
        (``newsgraph compact``, ``ingest --compact``) rewrites it. That is not done here, at the end
        of every large run, because its bulk load holds up to about 1M quads per core in memory
        (0.8 KiB a quad, no limit a Python caller can set): 1.2 GiB on two cores, five times what
        an ingest run needs otherwise, which a small machine should not meet unasked.
        """
        if self._read_only:
            return
        self._writable().flush()
        self._unflushed = 0
        if self.path is None:
            return
        if self._written and self._written >= OPTIMIZE_SHARE * _stored_bytes(self.path) / _SST_BYTES_PER_QUAD:
            self._store.optimize()
            self._written = 0
        if _stale_log_bytes(self.path) > _STALE_LOG_BYTES:
            self._reopen()
        _prune_info_logs(self.path)

    def compact(self) -> None:
        """Rewrite every table compressed: the store then takes the bytes of ``oxigraph load``.

        ``newsgraph compact`` and ``ingest --compact`` call it (see :meth:`flush` on why it is not
        automatic). It dumps the
        quads to a copy in the store's folder, clears the store and bulk-loads the copy (see
        :mod:`newsgraph.store_rebuild`, which says why a compaction cannot do it, and how a crash
        half-way is finished at the next open for writing). The data and the generation token are
        unchanged; it costs about a dump and a bulk load of the store, and free space for an
        N-Quads copy. A failure while copying (a full disk) leaves the store as it was, logged as
        a warning. A read-only or in-memory store is left alone.
        """
        if self._read_only or self.path is None:
            return
        from newsgraph.store_rebuild import rebuild

        try:
            rebuild(self._writable(), self.path, self.generation())
        except OSError as exc:
            from newsgraph.store_rebuild import rebuilding

            if rebuilding(self.path):
                raise
            logging.getLogger(__name__).warning("%s: not compacted, the store is as it was: %s", self.path, exc)
        else:
            # The active write-ahead log is now a recycled file as long as the logs it replaced
            # (70 MB at 200k quads) and dead, everything being in the tables: a reopen drops it.
            self._reopen()
        self._written = 0

    def _reopen(self) -> None:
        """Close RocksDB and open it again, so that it deletes its dead write-ahead logs.

        A query result or iterator still alive elsewhere keeps the old handle open, and RocksDB
        then refuses a second read-write open in this process: the store is opened read-only
        meanwhile (reads go on) and read-write again by the next write (:meth:`_writable`).
        """
        assert self.path is not None
        self._store = None  # type: ignore[assignment]  # our reference was the last: RocksDB closes
        try:
            self._store = self._open_writable()
        except OSError:
            self._store = ox.Store.read_only(str(self.path))
            self._reopen_pending = True

    def _open_writable(self) -> ox.Store:
        """A read-write handle on the store's folder, once no other handle in this process holds it."""
        assert self.path is not None
        try:
            store = ox.Store(str(self.path))
        except OSError:
            import gc

            gc.collect()  # an iterator or result caught in a reference cycle still holds the old one
            store = ox.Store(str(self.path))
        _remove_orphaned_bulk_files(self.path)
        from newsgraph.store_rebuild import RebuildError, resume

        try:
            resume(store, self.path, read_generation(self.path))
        except RebuildError as exc:
            raise StoreError(str(exc)) from exc
        return store

    def _writable(self) -> ox.Store:
        """The store to write to: reopened read-write first if :meth:`_reopen` could not."""
        if self._reopen_pending:
            try:
                self._store = self._open_writable()
            except OSError as exc:
                raise StoreError(f"cannot write to {self.path}: a query result or iterator from before "
                                 f"the last flush still holds it ({exc})") from exc
            self._reopen_pending = False
        return self._store

    def _note_base(self, graph: ox.NamedNode) -> None:
        """Record the base of an article graph being written (``{base}graph/article/ID``), if new.

        So every store written through :meth:`replace_graph` (as ``ingest`` does) remembers its
        base without the caller doing anything; the file is written only when the base changes.
        """
        match = _ARTICLE_GRAPH.match(graph.value)
        if self.path is None or match is None:
            return
        if self._recorded_base is None:
            self._recorded_base = read_store_info(self.path).get("base_uri")
        if match.group(1) != self._recorded_base:
            self.remember_base_uri(match.group(1))

    def remember_base_uri(self, base_uri: str) -> None:
        """Record the base this store's IRIs are minted under (see :func:`remember_base_uri`)."""
        if self.path is not None:
            remember_base_uri(self.path, base_uri)
            self._recorded_base = base_uri

    def base_uri(self) -> str | None:
        """The base this store's IRIs were minted under (see :func:`stored_base_uri`)."""
        if self.path is None:
            return detect_base_uri(self._store)
        return stored_base_uri(self.path, self._store)

    # -- reading ---------------------------------------------------------------------------

    def query(self, sparql: str, *, union: bool | None = None,
              **options: object) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query on the dataset :func:`dataset_options` chooses.

        ``union=None`` ("auto", as ``newsgraph serve`` does by default): the union of all graphs
        while the stored default graph is empty — a newsgraph store keeps everything in article
        graphs — else the stored default graph, as standard SPARQL has it (RDF ``load``ed as is).
        Explicit ``default_graph`` / ``named_graphs`` options are passed through unchanged.
        """
        if "default_graph" not in options and "named_graphs" not in options:
            if union is None:
                union = not has_stored_default_graph(self._store)
            options.update(dataset_options(sparql, union=union))
        return union_query(self._store, sparql, options, self.merged)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        for g in self._store.named_graphs():
            if isinstance(g, ox.NamedNode):
                yield g

    def __len__(self) -> int:
        return len(self._store)

    def dump(self, output: IO[bytes] | str | os.PathLike[str], fmt: ox.RdfFormat,
             prefixes: dict[str, str] | None = None) -> None:
        """Write the data: quad formats keep every graph; triple formats get the union.

        Triple formats are streamed from a CONSTRUCT over the union graph, so a dump never holds
        the whole dataset in memory.
        """
        if fmt.supports_datasets:
            self._store.dump(output, fmt, prefixes=prefixes)
            return
        # A CONSTRUCT's output is a set already: no merged copy needed.
        construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        union = not has_stored_default_graph(self._store)
        triples = self._store.query(construct, **dataset_options(construct, union=union))  # type: ignore[arg-type]
        ox.serialize(triples, output, fmt, prefixes=prefixes)  # type: ignore[arg-type]


# -- keeping the folder compact (see GraphStore.flush) -----------------------------------------

def _data(verb: str, graph: ox.NamedNode, quads: list[ox.Quad]) -> str:
    """A SPARQL ``INSERT DATA`` / ``DELETE DATA`` operation on ``quads``, all in ``graph``."""
    body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    return f"{verb} DATA {{ GRAPH {graph} {{\n{body}\n}} }}"


def _has_blank_node(quad: ox.Quad | ox.Triple) -> bool:
    """Whether a blank node occurs in ``quad`` (also inside a quoted triple)."""
    return any(isinstance(t, ox.BlankNode) or (isinstance(t, ox.Triple) and _has_blank_node(t))
               for t in (quad.subject, quad.object))


def _files(folder: Path, suffix: str) -> list[os.DirEntry[str]]:
    """The files in ``folder`` whose names end with ``suffix`` (one vanishing meanwhile is left out)."""
    with os.scandir(folder) as it:
        return [e for e in it if e.name.endswith(suffix) and e.is_file()]


def _size(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat().st_size
    except FileNotFoundError:  # deleted by a background compaction while we looked
        return 0


def _release_freed_memory() -> None:
    """Hand the memory freed since the last call back to the system (glibc's ``malloc_trim``; a
    no-op elsewhere). Why: a flushed memtable's arena blocks are freed into the C heap, which glibc
    keeps; pages scattered among live blocks stay resident, and an ingest run's RSS crept up with
    the store (223 -> 265 MiB from 2,000 to 4,500 replayed articles while Python's objects stayed
    the same). Called after each memtable flush (every 50,000 to 250,000 quads): a few milliseconds."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, looked up once; ``None`` where the C library has none."""
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc
        return None


def _stored_bytes(folder: Path) -> int:
    """Bytes of the store's sorted tables (``*.sst``): its data, as RocksDB keeps it."""
    return sum(_size(e) for e in _files(folder, ".sst"))


def _stale_log_bytes(folder: Path) -> int:
    """Bytes of write-ahead logs but the newest: dead once everything is flushed."""
    logs = sorted(_files(folder, ".log"), key=lambda e: e.name)
    return sum(_size(e) for e in logs[:-1])


def _prune_info_logs(folder: Path) -> None:
    """Delete RocksDB's info logs of earlier opens (``LOG.old.<microseconds>``) but the newest few."""
    with os.scandir(folder) as it:
        old = sorted((e.name for e in it if e.name.startswith("LOG.old.")),
                     key=lambda name: (len(name), name))
    for name in old[:-KEEP_INFO_LOGS] if KEEP_INFO_LOGS else old:
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()


def _remove_orphaned_bulk_files(folder: Path) -> None:
    """Delete the table files a bulk load killed before it finished left beside the store.

    pyoxigraph's bulk loader writes ``bulk-<random>.sst`` into the store's folder and removes
    them once ingested or on an error, but not when the process is killed. Called just after a
    read-write open: RocksDB's lock then guarantees that no load is running on this folder.
    """
    for entry in _files(folder, ".sst"):
        if entry.name.startswith("bulk-"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
