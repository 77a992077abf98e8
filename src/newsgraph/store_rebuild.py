"""Rewriting a store's tables compressed: every quad through the engine's bulk loader, crash-safe.

Why a rebuild rather than a compaction: pyoxigraph 0.5 opens RocksDB with
``optimize_level_style_compaction(512 MiB)``, which sets ``compression_per_level`` to none, none,
then LZ4, and (RocksDB's default now) ``level_compaction_dynamic_level_bytes``. With dynamic levels
the compression of a level is picked relative to the *base* level, the one level-0 files are merged
into: the base level gets the second entry, none. Under about 512 MiB per index the base level is
the last level, so every table a compaction writes (RocksDB's background ones, and
:meth:`pyoxigraph.Store.optimize`) is uncompressed, whatever we do; no option is reachable from
Python (read off oxigraph's ``storage/rocksdb_wrapper.rs`` at v0.5.9, and measured on 0.5.13).
Only the bulk loader's table writer compresses (it takes the last entry, LZ4), and its tables stay
compressed only as long as no compaction rewrites them: ingested into an *empty* store, they land
in the last level where nothing overlaps them. Writing new articles through the bulk path as they
come does not last either: the next batch's tables overlap the stored ones (index keys are term
hashes, so every batch spans the whole key space), go to level 0, and the next compaction merges
them and every table they overlap into uncompressed ones (measured: a bulk-loaded 200k-quad store
went from 35 to 74 MB after two runs of 20 articles).

So :func:`rebuild` copies the quads to a file in the store's folder, clears the store, compacts the
deletions away (the indexes are then empty) and bulk-loads the copy: the same quads, 1.07× the
bytes of ``oxigraph load`` at 200k news quads, 1.27× at 1.3M with 300 articles stored again after
it (``bench/bench_store.py``), instead of 1.72×. What is not rewritten is the string table:
pyoxigraph's ``clear`` keeps it, so it is there twice (its old table uncompressed, the loaded one
compressed) until a compaction merges them, uncompressed; 7 % of a 200k-quad news store, more for
synthetic data where strings dominate.

Crash safety: the copy is a redo log. It is written and synced *before* anything is cleared, and
only then marked ready (a file written and synced last). A crash before the mark leaves the store
untouched and an unfinished copy, which the next writer deletes. A crash after it leaves the store
in any state between full and empty, and the next writer (:func:`resume`, called when
:class:`~newsgraph.store.GraphStore` opens a store for writing) clears and loads the copy again
before anything else: clearing then loading is idempotent, and the bulk load adds its tables in one
step or not at all. The copy records the store's generation token; should the store have been
written since by something that does not resume (another program), the copy is not loaded over
those writes but kept aside, and the error says where.

Readers meanwhile: a reader that opens the store between the clear and the end of the load sees it
empty or partly loaded, for the seconds the load takes; :func:`rebuilding` tells a reader to keep
its older snapshot until the copy is gone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

log = logging.getLogger(__name__)

#: The folder, inside the store's, that holds a rebuild's copy of the data while it runs.
REBUILD_DIR = "newsgraph-rebuild"
_QUADS = "quads.nq"
_EMPTY_GRAPHS = "empty-graphs.txt"
#: Written last: the copy is complete, and from here on the store's content is the copy's.
_READY = "ready"


class RebuildError(Exception):
    """An interrupted rebuild could not be finished safely (the message says what to do)."""


def rebuilding(path: str | os.PathLike[str]) -> bool:
    """Whether the store at ``path`` is being rebuilt (or a rebuild was interrupted): a reader
    opening it now may see it empty or partly loaded, and should keep the snapshot it has."""
    return (Path(path) / REBUILD_DIR / _READY).exists()


def rebuild(store: ox.Store, path: Path, generation: str | None) -> None:
    """Rewrite every table of ``store`` (the read-write store at ``path``) through the bulk loader.

    ``generation`` is the store's current token (see :func:`newsgraph.store.new_generation`),
    recorded with the copy so that :func:`resume` can tell whether anything wrote in between.
    Needs free space for an N-Quads copy of the store (about 200 bytes a quad) and its new tables.
    An error while copying leaves the store as it was and no copy (and is raised); an error after
    that is raised too, and the next writer finishes the rebuild.
    """
    work = path / REBUILD_DIR
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        store.flush()
        store.dump(str(work / _QUADS), ox.RdfFormat.N_QUADS)
        # N-Quads cannot say that a graph exists empty; RDF datasets (and pyoxigraph) can.
        empty = [g for g in store.named_graphs()
                 if next(iter(store.quads_for_pattern(None, None, None, g)), None) is None]
        (work / _EMPTY_GRAPHS).write_text("".join(f"{g}\n" for g in empty), encoding="utf-8")
        for name in (_QUADS, _EMPTY_GRAPHS):
            _fsync(work / name)
        (work / _READY).write_text((generation or "") + "\n", encoding="ascii")
        _fsync(work / _READY)
        _fsync(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _reload(store, work)


def resume(store: ox.Store, path: Path, generation: str | None) -> bool:
    """Finish a rebuild of the store at ``path`` that a crash interrupted; ``True`` if there was one.

    Called right after a read-write open, before any write. An unfinished copy (no ready mark) is
    deleted: the store was not touched yet. A ready copy is loaded again, unless the store's token
    ``generation`` differs from the one the copy recorded: something wrote since, and loading the
    copy would undo it, so the copy is moved aside and :class:`RebuildError` says where.
    """
    work = path / REBUILD_DIR
    if not work.exists():
        return False
    ready = work / _READY
    if not ready.exists():
        shutil.rmtree(work, ignore_errors=True)
        return False
    recorded = ready.read_text(encoding="ascii").strip() or None
    if recorded != generation:
        aside = path / f"{REBUILD_DIR}-copy-{int(time.time())}"  # a folder RocksDB ignores
        work.rename(aside)
        raise RebuildError(f"{path}: a compaction was interrupted and the store was written since by "
                           f"another program; its data before that write is in {aside / _QUADS} "
                           f"(check the store, then `newsgraph load` what is missing)")
    log.warning("%s: finishing a compaction that was interrupted", path)
    _reload(store, work)
    return True


def _reload(store: ox.Store, work: Path) -> None:
    """Replace the store's content with the ready copy in ``work``, then delete the copy."""
    store.clear()
    # Compacting the range deletions away empties every index, so the loaded tables go to the
    # last level, compressed, instead of level 0 (whence a compaction would rewrite them).
    store.optimize()
    copy = work / _QUADS
    if _mentions_blank_nodes(copy):
        # bulk_load gives blank nodes new labels; bulk_extend over a parse keeps them (20 % slower).
        store.bulk_extend(ox.parse(path=str(copy), format=ox.RdfFormat.N_QUADS, lenient=True))
    else:
        store.bulk_load(path=str(copy), format=ox.RdfFormat.N_QUADS, lenient=True)  # parses on every core
    for line in (work / _EMPTY_GRAPHS).read_text(encoding="utf-8").splitlines():
        if line:
            store.add_graph(ox.NamedNode(line[1:-1]) if line.startswith("<") else ox.BlankNode(line[2:]))
    store.flush()
    (work / _READY).unlink()
    _fsync(work)
    shutil.rmtree(work, ignore_errors=True)


def _mentions_blank_nodes(copy: Path) -> bool:
    """Whether the N-Quads ``copy`` may hold a blank node: ``_:`` anywhere (in a literal too)."""
    import mmap

    if copy.stat().st_size == 0:
        return False
    with copy.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"_:") >= 0


def _fsync(path: Path) -> None:
    """Make ``path`` (a file, or a folder's entries) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):  # some file systems refuse fsync on folders
            os.fsync(fd)
    finally:
        os.close(fd)
