"""The gazetteer's persons and bodies, and their indexes: in RAM, or compiled once into SQLite.

Why: the shipped gazetteer holds about 80,000 persons and 65,000 bodies. Parsing them and indexing
their names took more than a second of CPU and about 150 MiB of RAM in every process that looked up
one person, which was most of the cost of ingesting one article into a large store. The first load
of a gazetteer file now compiles its persons and bodies, with the indexes :class:`MemoryRecords`
builds, into an SQLite file in the user's cache folder, named by the SHA-256 of the gazetteer file
and :data:`COMPILED_VERSION`; later loads open that file and read only the records a look-up
touches (:class:`SQLiteRecords`). The answers are the same by construction: the compiled tables
are the in-RAM indexes written out row by row, in the same order.

Why SQLite (the standard library's ``sqlite3``): keyed reads in microseconds, nothing to
install, a file that many processes read at once. The compiled file is written under a temporary
name and renamed into place, so concurrent first loads never see half a file; deleting it is
always safe (the next load compiles it again).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["COMPILED_VERSION", "MemoryRecords", "SQLiteRecords", "compile_records", "compiled_path", "gc_paused"]

#: Bumped whenever the compiled tables, or what :class:`MemoryRecords` indexes, change.
COMPILED_VERSION = "1"

Keys = Callable[[Mapping[str, Any]], Iterable[str]]
AcronymKey = Callable[[str], "str | None"]
Normalize = Callable[[str], str]

_RANK_NAME, _RANK_ALIAS = 0, 1


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while the gazetteer is parsed or indexed.

    Those steps make a few million objects that live as long as the process, none of them garbage;
    the collector would walk all of them again and again as they pile up (half of the load time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class MemoryRecords:
    """Persons and bodies as the gazetteer document lists them, indexed in RAM on first use."""

    def __init__(self, persons: list[Mapping[str, Any]], bodies: list[Mapping[str, Any]], keys: Keys,
                 acronym_key: AcronymKey, normalize: Normalize) -> None:
        self.persons = persons
        self.bodies = bodies
        self._keys = keys
        self._acronym_key = acronym_key
        self._normalize = normalize
        self._pindex: dict[str, list[tuple[int, int]]] | None = None
        self._surnames: dict[str, list[int]] = {}
        self._qids: dict[str, int] | None = None
        self._holders: dict[str, list[int]] | None = None
        self._bindex: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None
        self._teams: list[tuple[str, int]] | None = None

    # -- persons -------------------------------------------------------------------------------

    def person_count(self) -> int:
        return len(self.persons)

    def person(self, pos: int) -> Mapping[str, Any]:
        return self.persons[pos]

    def _persons_index(self) -> dict[str, list[tuple[int, int]]]:
        if self._pindex is None:
            with gc_paused():
                self._pindex = self._build_persons_index()
        return self._pindex

    def _build_persons_index(self) -> dict[str, list[tuple[int, int]]]:
        index: dict[str, list[tuple[int, int]]] = {}
        for i, r in enumerate(self.persons):
            for n, key in enumerate(self._keys(r)):
                rank = _RANK_NAME if n == 0 else _RANK_ALIAS
                if not key:
                    continue
                refs = index.setdefault(key, [])
                if (rank, i) not in refs and (_RANK_NAME, i) not in refs:
                    refs.append((rank, i))
                if " " in key:
                    sur = self._surnames.setdefault(key.rsplit(" ", 1)[1], [])
                    if not sur or sur[-1] != i:
                        sur.append(i)
        return index

    def person_refs(self, key: str) -> list[tuple[int, int]]:
        """(rank, position) of the persons whose name or alias has the index key ``key``."""
        return list(self._persons_index().get(key, ()))

    def surname(self, key: str) -> list[int]:
        """Positions of the persons one of whose keys ends in the word ``key``, in order."""
        self._persons_index()
        return list(self._surnames.get(key, ()))

    def person_pos(self, qid: str) -> int | None:
        if self._qids is None:
            self._qids = {r["qid"]: i for i, r in enumerate(self.persons)}
        return self._qids.get(qid)

    def holders(self, position: str) -> list[int]:
        if self._holders is None:
            index: dict[str, list[int]] = {}
            with gc_paused():
                for i, r in enumerate(self.persons):
                    for t in r.get("held", ()):
                        refs = index.setdefault(t[0], [])
                        if not refs or refs[-1] != i:
                            refs.append(i)
            self._holders = index
        return list(self._holders.get(position, ()))

    # -- bodies --------------------------------------------------------------------------------

    def body_count(self) -> int:
        return len(self.bodies)

    def body(self, pos: int) -> Mapping[str, Any]:
        return self.bodies[pos]

    def _bodies_index(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        if self._bindex is None:
            names: dict[str, list[int]] = {}
            acronyms: dict[str, list[int]] = {}
            with gc_paused():
                for i, r in enumerate(self.bodies):
                    for key in self._keys(r):
                        if key and i not in (refs := names.setdefault(key, [])):
                            refs.append(i)
                    for text in r.get("acronyms", ()):
                        if (akey := self._acronym_key(text)) and i not in (refs := acronyms.setdefault(akey, [])):
                            refs.append(i)
            self._bindex = names, acronyms
        return self._bindex

    def body_names(self, key: str) -> list[int]:
        return list(self._bodies_index()[0].get(key, ()))

    def body_acronyms(self, akey: str) -> list[int]:
        return list(self._bodies_index()[1].get(akey, ()))

    def teams(self) -> list[tuple[str, int]]:
        """(folded name, position) of every sports team, in order."""
        if self._teams is None:
            self._teams = [(self._normalize(r["name"]), i) for i, r in enumerate(self.bodies)
                           if r.get("type") == "sports-team"]
        return self._teams


_TABLES = """
CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE persons(pos INTEGER PRIMARY KEY, qid TEXT, data TEXT NOT NULL);
CREATE TABLE person_keys(key TEXT, seq INTEGER, rank INTEGER, pos INTEGER, PRIMARY KEY(key, seq)) WITHOUT ROWID;
CREATE TABLE surnames(key TEXT, seq INTEGER, pos INTEGER, PRIMARY KEY(key, seq)) WITHOUT ROWID;
CREATE TABLE holders(position TEXT, seq INTEGER, pos INTEGER, PRIMARY KEY(position, seq)) WITHOUT ROWID;
CREATE TABLE bodies(pos INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE body_keys(key TEXT, seq INTEGER, pos INTEGER, PRIMARY KEY(key, seq)) WITHOUT ROWID;
CREATE TABLE body_acronyms(key TEXT, seq INTEGER, pos INTEGER, PRIMARY KEY(key, seq)) WITHOUT ROWID;
CREATE TABLE teams(seq INTEGER PRIMARY KEY, name TEXT, pos INTEGER);
"""


def _record_json(r: Mapping[str, Any]) -> str:
    """A record as stored: its index keys (``k``) are in the index tables, not in the record."""
    return json.dumps({k: v for k, v in r.items() if k != "k"}, ensure_ascii=False, separators=(",", ":"))


def compile_records(records: MemoryRecords, small: Mapping[str, Any], target: Path) -> None:
    """Write ``records`` (every index built) and the document's other sections ``small`` into the
    SQLite file ``target``, atomically (a temporary file renamed into place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.executescript(_TABLES)
        pindex = records._persons_index()
        db.executemany("INSERT INTO persons VALUES (?, ?, ?)",
                       ((i, r["qid"], _record_json(r)) for i, r in enumerate(records.persons)))
        db.executemany("INSERT INTO person_keys VALUES (?, ?, ?, ?)",
                       ((key, n, rank, pos) for key, refs in pindex.items() for n, (rank, pos) in enumerate(refs)))
        db.executemany("INSERT INTO surnames VALUES (?, ?, ?)",
                       ((key, n, pos) for key, refs in records._surnames.items() for n, pos in enumerate(refs)))
        records.holders("")
        db.executemany("INSERT INTO holders VALUES (?, ?, ?)",
                       ((key, n, pos) for key, refs in (records._holders or {}).items() for n, pos in enumerate(refs)))
        names, acronyms = records._bodies_index()
        db.executemany("INSERT INTO bodies VALUES (?, ?)", ((i, _record_json(r)) for i, r in enumerate(records.bodies)))
        db.executemany("INSERT INTO body_keys VALUES (?, ?, ?)",
                       ((key, n, pos) for key, refs in names.items() for n, pos in enumerate(refs)))
        db.executemany("INSERT INTO body_acronyms VALUES (?, ?, ?)",
                       ((key, n, pos) for key, refs in acronyms.items() for n, pos in enumerate(refs)))
        db.executemany("INSERT INTO teams VALUES (?, ?, ?)",
                       ((n, name, pos) for n, (name, pos) in enumerate(records.teams())))
        db.execute("CREATE INDEX persons_qid ON persons(qid)")
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("version", COMPILED_VERSION), ("persons", str(len(records.persons))),
            ("bodies", str(len(records.bodies))), ("small", json.dumps(small, ensure_ascii=False))])
        db.commit()
        db.close()
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    _prune(target)


#: Compiled files kept in the cache folder (the newest; a refreshed gazetteer makes a new one).
KEEP = 4


def _prune(target: Path) -> None:
    """Remove all but the :data:`KEEP` newest compiled files (a process still reading one keeps
    its open file: removing it only frees the name)."""
    found = sorted(target.parent.glob("gazetteer-*-v*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in found[KEEP:]:
        if old != target:
            old.unlink(missing_ok=True)


class SQLiteRecords:
    """Persons and bodies read from a compiled file, one look-up at a time.

    Safe across threads (one connection, a lock) and across ``fork`` (a process that did not open
    the connection opens its own: SQLite connections must not cross a fork)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._pid = -1
        self._db: sqlite3.Connection | None = None
        self._teams: list[tuple[str, int]] | None = None
        meta = dict(self._all("SELECT k, v FROM meta WHERE k IN ('version', 'persons', 'bodies')", ()))
        if meta.get("version") != COMPILED_VERSION:
            raise sqlite3.DatabaseError(f"compiled gazetteer of version {meta.get('version')}")
        self._counts = int(meta["persons"]), int(meta["bodies"])

    def __getstate__(self) -> dict[str, Any]:
        """Picklable (sent to another process): the connection and lock are made again there."""
        return {"path": self.path, "_teams": self._teams, "_counts": self._counts}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._pid = -1
        self._db = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def _all(self, sql: str, args: tuple[object, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn().execute(sql, args).fetchall()

    def small(self) -> dict[str, Any]:
        """The document's sections other than persons and bodies."""
        return json.loads(self._all("SELECT v FROM meta WHERE k='small'", ())[0][0])  # type: ignore[no-any-return]

    def person_count(self) -> int:
        return self._counts[0]

    def person(self, pos: int) -> Mapping[str, Any]:
        return json.loads(self._all("SELECT data FROM persons WHERE pos=?", (pos,))[0][0])  # type: ignore[no-any-return]

    def person_refs(self, key: str) -> list[tuple[int, int]]:
        return [(r, p) for r, p in self._all("SELECT rank, pos FROM person_keys WHERE key=? ORDER BY seq", (key,))]

    def surname(self, key: str) -> list[int]:
        return [p for (p,) in self._all("SELECT pos FROM surnames WHERE key=? ORDER BY seq", (key,))]

    def person_pos(self, qid: str) -> int | None:
        rows = self._all("SELECT MAX(pos) FROM persons WHERE qid=?", (qid,))
        return rows[0][0] if rows else None

    def holders(self, position: str) -> list[int]:
        return [p for (p,) in self._all("SELECT pos FROM holders WHERE position=? ORDER BY seq", (position,))]

    def body_count(self) -> int:
        return self._counts[1]

    def body(self, pos: int) -> Mapping[str, Any]:
        return json.loads(self._all("SELECT data FROM bodies WHERE pos=?", (pos,))[0][0])  # type: ignore[no-any-return]

    def body_names(self, key: str) -> list[int]:
        return [p for (p,) in self._all("SELECT pos FROM body_keys WHERE key=? ORDER BY seq", (key,))]

    def body_acronyms(self, akey: str) -> list[int]:
        return [p for (p,) in self._all("SELECT pos FROM body_acronyms WHERE key=? ORDER BY seq", (akey,))]

    def teams(self) -> list[tuple[str, int]]:
        if self._teams is None:
            self._teams = [(n, p) for n, p in self._all("SELECT name, pos FROM teams ORDER BY seq", ())]
        return self._teams


def compiled_path(raw: bytes, cache_dir: Path) -> Path:
    """Where the compiled form of the gazetteer file with bytes ``raw`` lives."""
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return cache_dir / f"gazetteer-{digest}-v{COMPILED_VERSION}.sqlite"
