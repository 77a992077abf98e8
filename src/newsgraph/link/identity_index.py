"""The identity index on disk: what :mod:`newsgraph.link.identity` knows of the published graphs, kept in
SQLite next to the store, so that an ingest run reads only what its articles touch.

Why SQLite (the standard library's ``sqlite3``): the look-ups identity makes are small keyed reads
(the persons of a surname skeleton, the graphs of one IRI, one graph's contribution) that a B-tree
answers in microseconds whatever the archive's size; one transaction per stored article keeps the
index and its record of the store's generation together; nothing to install. RAM then holds only
bounded caches (see :class:`LRU`), not one entry per article.

**Consistency with the store.** :class:`~newsgraph.store.GraphStore` writes a new generation token
to the store folder before every write it makes (ingest, ``delete``, ``load``), and the index records
the token it is up to date with in the same transaction as the data. A run opens the index only when
the tokens agree and the index holds as many article graphs as the store; otherwise (no index yet, an
older store, a ``load``, a crash between a store write and the index write, a change made by another
program) it is rebuilt from the store with one query, and says so in one log line.

The tables hold strings and opaque blobs (pickled by :mod:`newsgraph.link.identity`); this module knows
nothing of names or posts.
"""

from __future__ import annotations

import os
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Generic, TypeVar

__all__ = ["INDEX_FILE", "LRU", "SCHEMA", "IndexDB"]

#: The index file in the store folder.
INDEX_FILE = "identity-index.sqlite"
#: Bumped whenever the tables or what the blobs hold change: an index of another schema is rebuilt.
SCHEMA = "4"

K = TypeVar("K")
V = TypeVar("V")

_TABLES = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
-- one row per article graph: its contribution (persons, organizations, countries, date), pickled,
-- and apart the names of the persons it names (what co-mention checks ask of a graph), pickled
CREATE TABLE IF NOT EXISTS graphs(g TEXT PRIMARY KEY, data BLOB NOT NULL, named BLOB) WITHOUT ROWID;
-- which graphs mention which resource, whether that graph's article links it to Wikidata, and (for
-- a person) what that graph says of them, pickled: a person's mentions are one index range to read,
-- not one whole graph each
CREATE TABLE IF NOT EXISTS mentions(iri TEXT, g TEXT, qid TEXT, m BLOB, PRIMARY KEY(iri, g)) WITHOUT ROWID;
-- how many graphs mention each resource, how many of them link it, and the items they link it to
-- (each with its number of graphs): what deciding whether a person comes as a whole asks, kept by
-- the triggers below in one row or a few, however many graphs name the person
CREATE TABLE IF NOT EXISTS mention_counts(iri TEXT PRIMARY KEY, n INTEGER NOT NULL, linked INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mention_qids(iri TEXT, qid TEXT, n INTEGER NOT NULL, PRIMARY KEY(iri, qid)) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS mention_added AFTER INSERT ON mentions BEGIN
    INSERT INTO mention_counts VALUES (NEW.iri, 1, NEW.qid IS NOT NULL)
        ON CONFLICT DO UPDATE SET n = n + 1, linked = linked + (NEW.qid IS NOT NULL);
    INSERT INTO mention_qids SELECT NEW.iri, NEW.qid, 1 WHERE NEW.qid IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS mention_dropped AFTER DELETE ON mentions BEGIN
    UPDATE mention_counts SET n = n - 1, linked = linked - (OLD.qid IS NOT NULL) WHERE iri = OLD.iri;
    DELETE FROM mention_counts WHERE iri = OLD.iri AND n <= 0;
    UPDATE mention_qids SET n = n - 1 WHERE iri = OLD.iri AND qid = OLD.qid;
    DELETE FROM mention_qids WHERE iri = OLD.iri AND qid = OLD.qid AND n <= 0;
END;
-- persons (not article-local) by surname skeleton; rows may outlive the IRI (look-ups re-check)
CREATE TABLE IF NOT EXISTS skeletons(skel TEXT, iri TEXT, PRIMARY KEY(skel, iri)) WITHOUT ROWID;
-- article-local persons (bare surnames) by skeleton and by what could still single them out
CREATE TABLE IF NOT EXISTS locals(skel TEXT, touch TEXT, iri TEXT, PRIMARY KEY(skel, touch, iri)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS locals_iri ON locals(iri);
CREATE TABLE IF NOT EXISTS acronyms(acronym TEXT, iri TEXT, PRIMARY KEY(acronym, iri)) WITHOUT ROWID;
-- what the graphs of an organization say of it together, kept up to date as graphs come and go (what
-- an acronym look-up asks, in a few rows however many graphs name the body): how many graphs name
-- it, each name with the number of graphs giving it, the country each graph gives it, and the graphs
-- that call it by acronyms only (what a full name published later may resolve)
CREATE TABLE IF NOT EXISTS org_graphs(iri TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS org_names(iri TEXT, name TEXT, n INTEGER NOT NULL, PRIMARY KEY(iri, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS org_countries(iri TEXT, g TEXT, country TEXT NOT NULL, PRIMARY KEY(iri, g)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS acronym_only(iri TEXT, g TEXT, PRIMARY KEY(iri, g)) WITHOUT ROWID;
-- a person decided as a whole (linked, or unlinked in many graphs): everything its graphs say, pickled
CREATE TABLE IF NOT EXISTS aggregates(iri TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
-- the dated evidence of each aggregate, which grows with the graphs that name the person: kind
-- (posts by role and place, current posts by role, co-named people, graphs), key, article day
-- ('' for none), graph, and how many times that graph says it
CREATE TABLE IF NOT EXISTS evidence(iri TEXT, what INTEGER, k TEXT, day TEXT, g TEXT, n INTEGER NOT NULL,
                                    PRIMARY KEY(iri, what, k, day, g)) WITHOUT ROWID;
"""


class LRU(Generic[K, V]):
    """A dictionary that keeps the ``size`` entries used last: what keeps RAM flat in archive size."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> list[tuple[K, V]]:
        """Store ``key``; returns the entries evicted to make room (for a write-back)."""
        self._data[key] = value
        self._data.move_to_end(key)
        out = []
        while len(self._data) > self.size:
            out.append(self._data.popitem(last=False))
        return out

    def pop(self, key: K) -> V | None:
        return self._data.pop(key, None)

    def items(self) -> list[tuple[K, V]]:
        return list(self._data.items())

    def clear(self) -> None:
        self._data.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)


class IndexDB:
    """The SQLite tables of the identity index (in memory with ``path=None``, for a store in memory)."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None
        self._db = sqlite3.connect(str(self.path) if self.path is not None else ":memory:", isolation_level="DEFERRED")
        if self.path is not None:
            # The index is derived data, rebuilt from the store whenever in doubt: no fsync. A commit
            # lost to a power cut leaves an older generation recorded (detected, rebuilt); a file
            # damaged by one fails to open and is started afresh (see open()).
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=OFF")
        # a row of mentions replaced (INSERT OR REPLACE) fires the delete trigger too: counts stay right
        self._db.execute("PRAGMA recursive_triggers=ON")
        self._db.executescript(_TABLES)
        self._db.commit()
        # RAM caches of the two look-ups identity makes most, dropped when a write touches them
        self._where: LRU[str, list[str]] = LRU(4096)
        self._persons: LRU[str, list[str]] = LRU(4096)
        # the touches under which each skeleton has article-local persons (see locals())
        self._touches: LRU[str, set[str]] = LRU(4096)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> IndexDB:
        """The index file at ``path``; one that SQLite cannot read is removed and started afresh."""
        try:
            db = cls(path)
            db.meta("schema")
            return db
        except sqlite3.DatabaseError:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return cls(path)

    # -- meta -----------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT v FROM meta WHERE k=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._db.execute("DELETE FROM meta WHERE k=?", (key,))
        else:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def commit(self) -> None:
        self._db.commit()

    def clear(self) -> None:
        """Empty every table (before a rebuild), in the current transaction."""
        self._where.clear()
        self._persons.clear()
        self._touches.clear()
        for table in ("meta", "graphs", "mentions", "skeletons", "locals", "acronyms", "aggregates", "evidence",
                      "org_graphs", "org_names", "org_countries", "acronym_only", "mention_counts", "mention_qids"):
            self._db.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        self._db.close()

    # -- graphs ---------------------------------------------------------------------------------

    def graph(self, g: str) -> bytes | None:
        row = self._db.execute("SELECT data FROM graphs WHERE g=?", (g,)).fetchone()
        return row[0] if row else None

    def has_graph(self, g: str) -> bool:
        return self._db.execute("SELECT 1 FROM graphs WHERE g=?", (g,)).fetchone() is not None

    def put_graph(self, g: str, data: bytes, named: bytes | None = None) -> None:
        self._db.execute("INSERT OR REPLACE INTO graphs VALUES (?, ?, ?)", (g, data, named))

    def named_many(self, gs: list[str]) -> dict[str, bytes]:
        """The ``named`` blobs of graphs ``gs``, in a few queries."""
        out: dict[str, bytes] = {}
        for i in range(0, len(gs), 500):
            chunk = gs[i:i + 500]
            out.update(self._db.execute(f"SELECT g, named FROM graphs WHERE g IN ({','.join('?' * len(chunk))}) "
                                        "AND named IS NOT NULL", chunk).fetchall())
        return out

    def named(self, g: str) -> bytes | None:
        """The ``named`` blob of graph ``g`` (see :meth:`put_graph`)."""
        row = self._db.execute("SELECT named FROM graphs WHERE g=?", (g,)).fetchone()
        return row[0] if row else None

    def drop_graph(self, g: str) -> None:
        self._db.execute("DELETE FROM graphs WHERE g=?", (g,))

    def graph_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM graphs").fetchone()[0])

    # -- resources ------------------------------------------------------------------------------

    def add_mention(self, iri: str, g: str, qid: str | None, data: bytes | None = None) -> None:
        self._where.pop(iri)
        self._db.execute("INSERT OR REPLACE INTO mentions VALUES (?, ?, ?, ?)", (iri, g, qid, data))

    def mention(self, iri: str, g: str) -> bytes | None:
        """The blob graph ``g`` keeps for ``iri`` (None for none, or for an organization)."""
        row = self._db.execute("SELECT m FROM mentions WHERE iri=? AND g=?", (iri, g)).fetchone()
        return row[0] if row else None

    def mentions_of(self, iri: str) -> list[tuple[str, str | None, bytes | None]]:
        """The graphs that mention ``iri``, sorted, with each one's Wikidata link and blob: one index
        range."""
        return self._db.execute("SELECT g, qid, m FROM mentions WHERE iri=? ORDER BY g", (iri,)).fetchall()

    def drop_mention(self, iri: str, g: str) -> None:
        self._where.pop(iri)
        self._db.execute("DELETE FROM mentions WHERE iri=? AND g=?", (iri, g))

    def where(self, iri: str) -> list[str]:
        """The graphs that mention ``iri``, sorted."""
        if (cached := self._where.get(iri)) is None:
            cached = [r[0] for r in self._db.execute("SELECT g FROM mentions WHERE iri=? ORDER BY g", (iri,))]
            self._where.put(iri, cached)
        return list(cached)

    def counts(self, iri: str) -> tuple[int, int]:
        """How many graphs mention ``iri``, and in how many of them the article links it: one row,
        kept by triggers (a person named in thousands of graphs is not counted for it)."""
        row = self._db.execute("SELECT n, linked FROM mention_counts WHERE iri=?", (iri,)).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def qids(self, iri: str) -> list[str]:
        """The Wikidata items the graphs of ``iri`` link it to, sorted (one row each, kept by triggers)."""
        return [r[0] for r in self._db.execute("SELECT qid FROM mention_qids WHERE iri=? ORDER BY qid", (iri,))]

    def resource_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM mention_counts").fetchone()[0])  # kept by triggers

    def add_skeletons(self, iri: str, skels: Iterable[str]) -> None:
        rows = [(s, iri) for s in skels]
        for s, _ in rows:
            if (cached := self._persons.get(s)) is not None and iri not in cached:
                self._persons.pop(s)
        self._db.executemany("INSERT OR IGNORE INTO skeletons VALUES (?, ?)", rows)

    def persons(self, skel: str) -> list[str]:
        """The (not article-local) persons filed under ``skel``, sorted; some may no longer be
        mentioned anywhere (check :meth:`counts`)."""
        if (cached := self._persons.get(skel)) is None:
            cached = [r[0] for r in self._db.execute("SELECT iri FROM skeletons WHERE skel=? ORDER BY iri", (skel,))]
            self._persons.put(skel, cached)
        return list(cached)

    def add_locals(self, iri: str, rows: Iterable[tuple[str, str]]) -> None:
        rows = list(rows)
        for s, t in rows:
            if (known := self._touches.get(s)) is not None:
                known.add(t)
        self._db.executemany("INSERT OR IGNORE INTO locals VALUES (?, ?, ?)", [(s, t, iri) for s, t in rows])

    def drop_locals(self, iri: str) -> None:
        self._db.execute("DELETE FROM locals WHERE iri=?", (iri,))

    def local_touches(self, skel: str) -> set[str]:
        """The touches under which ``skel`` has article-local persons (read once per skeleton, then
        kept up to date; it may keep touches whose locals were dropped since: asking for those finds
        nothing, so it only has to hold every touch that has rows). Do not change the set returned."""
        if (known := self._touches.get(skel)) is None:
            known = {r[0] for r in self._db.execute("SELECT DISTINCT touch FROM locals WHERE skel=?", (skel,))}
            self._touches.put(skel, known)
        return known

    def locals(self, skel: str, touches: Iterable[str]) -> list[str]:
        """The article-local persons of ``skel`` that one of ``touches`` (roles, co-named persons) may
        single out, sorted: one index range per touch, however many locals the skeleton has."""
        # Only the touches the skeleton has locals under are asked for: an article may bring
        # thousands (every name of every graph its persons come with), a skeleton has a few.
        known = self.local_touches(skel)
        touches = [t for t in touches if t in known]
        out: set[str] = set()
        for i in range(0, len(touches), 500):
            chunk = touches[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self._db.execute(
                f"SELECT iri FROM locals WHERE skel=? AND touch IN ({marks})", (skel, *chunk)))
        return sorted(out)

    def add_acronym(self, acronym: str, iri: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO acronyms VALUES (?, ?)", (acronym, iri))

    def acronym(self, acronym: str) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT iri FROM acronyms WHERE acronym=? ORDER BY iri", (acronym,))]

    # -- organizations as a whole ------------------------------------------------------------------

    def add_org(self, iri: str, g: str, names: Iterable[str], country: str | None, acronyms_only: bool) -> None:
        """Graph ``g`` names organization ``iri`` with ``names``, in ``country``; ``acronyms_only`` when
        every name it gives is an acronym."""
        self._db.execute("INSERT INTO org_graphs VALUES (?, 1) ON CONFLICT DO UPDATE SET n = n + 1", (iri,))
        self._db.executemany("INSERT INTO org_names VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1",
                             [(iri, name) for name in sorted(set(names))])
        if country:
            self._db.execute("INSERT OR REPLACE INTO org_countries VALUES (?, ?, ?)", (iri, g, country))
        if acronyms_only:
            self._db.execute("INSERT OR IGNORE INTO acronym_only VALUES (?, ?)", (iri, g))

    def drop_org(self, iri: str, g: str, names: Iterable[str]) -> None:
        """Take out what :meth:`add_org` put in for graph ``g`` (given the same ``names``)."""
        self._db.execute("UPDATE org_graphs SET n = n - 1 WHERE iri=?", (iri,))
        self._db.execute("DELETE FROM org_graphs WHERE iri=? AND n <= 0", (iri,))
        rows = [(iri, name) for name in sorted(set(names))]
        self._db.executemany("UPDATE org_names SET n = n - 1 WHERE iri=? AND name=?", rows)
        self._db.executemany("DELETE FROM org_names WHERE iri=? AND name=? AND n <= 0", rows)
        self._db.execute("DELETE FROM org_countries WHERE iri=? AND g=?", (iri, g))
        self._db.execute("DELETE FROM acronym_only WHERE iri=? AND g=?", (iri, g))

    def org_view(self, iri: str, exclude: str | None = None,
                 excluded_names: Iterable[str] | None = None) -> tuple[set[str], str | None] | None:
        """The names the graphs of organization ``iri`` give it and the country the first of them (by
        graph IRI) that gives one says, leaving out graph ``exclude`` (which names it with
        ``excluded_names``, None when it does not name it); None when no other graph names it. A
        few rows, however many graphs name the body."""
        row = self._db.execute("SELECT n FROM org_graphs WHERE iri=?", (iri,)).fetchone()
        left = (row[0] if row else 0) - (excluded_names is not None)
        if left <= 0:
            return None
        mine = set(excluded_names or ())
        names = {name for name, n in self._db.execute("SELECT name, n FROM org_names WHERE iri=?", (iri,))
                 if n - (name in mine) > 0}
        found = self._db.execute("SELECT country FROM org_countries WHERE iri=? AND g != ? ORDER BY g LIMIT 1",
                                 (iri, exclude if exclude is not None else "")).fetchone()
        return names, found[0] if found else None

    def acronym_only(self, iri: str) -> list[str]:
        """The graphs that call organization ``iri`` by acronyms only, sorted."""
        return [r[0] for r in self._db.execute("SELECT g FROM acronym_only WHERE iri=? ORDER BY g", (iri,))]

    # -- aggregates -----------------------------------------------------------------------------

    def aggregate(self, iri: str) -> bytes | None:
        row = self._db.execute("SELECT data FROM aggregates WHERE iri=?", (iri,)).fetchone()
        return row[0] if row else None

    def put_aggregate(self, iri: str, data: bytes) -> None:
        self._db.execute("INSERT OR REPLACE INTO aggregates VALUES (?, ?)", (iri, data))

    def drop_aggregate(self, iri: str) -> None:
        self._db.execute("DELETE FROM aggregates WHERE iri=?", (iri,))

    # -- the dated evidence of aggregates ---------------------------------------------------------

    def evidence_add(self, iri: str, what: int, key: str, day: date | None, g: str) -> None:
        self._db.execute("INSERT INTO evidence VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1",
                         (iri, what, key, day.isoformat() if day else "", g))

    def evidence_drop(self, iri: str, what: int, key: str, day: date | None, g: str) -> None:
        """One fewer of that row; ``KeyError`` if there is none (the caller then rebuilds)."""
        row = (iri, what, key, day.isoformat() if day else "", g)
        found = self._db.execute("SELECT n FROM evidence WHERE iri=? AND what=? AND k=? AND day=? AND g=?",
                                 row).fetchone()
        if found is None:
            raise KeyError(row)
        if found[0] > 1:
            self._db.execute("UPDATE evidence SET n = n - 1 WHERE iri=? AND what=? AND k=? AND day=? AND g=?", row)
        else:
            self._db.execute("DELETE FROM evidence WHERE iri=? AND what=? AND k=? AND day=? AND g=?", row)

    def evidence_near(self, iri: str, what: int, key: str, day: date | None, years: int, *,
                      undated: bool = True, other_than: str | None = None) -> bool:
        """A row of ``(iri, what, key)`` dated at most ``years`` (of 366 days) from ``day`` (any
        date when ``day`` is None; also an undated row, with ``undated``), in a graph other than
        ``other_than``: one index range, whatever the number of rows."""
        sql = "SELECT 1 FROM evidence WHERE iri=? AND what=? AND k=?"
        args: list[object] = [iri, what, key]
        if day is not None:
            span = timedelta(days=years * 366)
            lo = day - span if day - date.min > span else date.min
            hi = day + span if date.max - day > span else date.max
            sql += " AND (day BETWEEN ? AND ?" + (" OR day = '')" if undated else ")")
            args += [lo.isoformat(), hi.isoformat()]
        if other_than is not None:
            sql += " AND g != ?"
            args.append(other_than)
        return self._db.execute(sql + " LIMIT 1", args).fetchone() is not None

    def evidence_has(self, iri: str, what: int, key: str, g: str) -> bool:
        return self._db.execute("SELECT 1 FROM evidence WHERE iri=? AND what=? AND k=? AND day='' AND g=?",
                                (iri, what, key, g)).fetchone() is not None

    def evidence_rows(self, iri: str, what: int) -> list[tuple[str, str, str]]:
        """Every row of ``(iri, what)``, one per count (for tests and debugging)."""
        return [(k, d, g) for k, d, g, n in self._db.execute(
            "SELECT k, day, g, n FROM evidence WHERE iri=? AND what=?", (iri, what)) for _ in range(n)]

    def drop_evidence(self, iri: str) -> None:
        self._db.execute("DELETE FROM evidence WHERE iri=?", (iri,))
