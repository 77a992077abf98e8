"""A polite, cached client for Wikidata's action API (``wbsearchentities``, ``wbgetentities``) and,
for one question the action API cannot answer (which classes are subclasses of which), its query service.

Why this exists: the offline gazetteer's office holders stop around 2019, so today's officials
(Hakan Fidan, foreign minister since 2023) are not in it. When a user opts in (``newsgraph ingest
--online``), :mod:`newsgraph.link.reconcile` asks Wikidata about the names the gazetteer cannot resolve;
this module only fetches and remembers the answers.

* **Cache.** Every answer is kept in a SQLite file (stdlib ``sqlite3``) with the date it was
  retrieved: in the store's folder (``STORE/wikidata-cache.sqlite``), else in the user cache
  directory, never in the installed package. A cached answer is used without asking again, so a
  re-run gives the same links with the network gone; ``refresh_older_than`` (days) renews stale
  entries (and keeps the stale one when the renewal fails).
* **Etiquette** (https://www.mediawiki.org/wiki/API:Etiquette): a descriptive User-Agent (project,
  version, URL), ``maxlag=5``, entities fetched 50 to a request, requests one at a time and at
  least ``min_interval`` seconds apart, retries with exponential backoff on 429/503 and on a
  ``maxlag`` error, honouring ``Retry-After`` up to ``max_wait`` seconds, a per-request timeout.
* **Subclasses.** An organization's P31 is often a narrow class ("ministry of foreign affairs",
  "public broadcaster") below the classes the linker knows. :meth:`WikidataClient.superclasses` asks the
  query service once per batch of new classes (``?class wdt:P279* ?known``), and caches each class's
  answer, so a class is asked about once per cache. Without a query service (a custom ``api`` and no
  ``sparql``), or when it fails, only direct classes count: fewer links, never a wrong one.
* **Failure.** A network that cannot be reached (no route, DNS failure, timeout, retries used up,
  the run's ``budget`` of seconds on the network spent) turns the client off for the rest of the
  run: :attr:`down` says why, every later call answers from the cache only, and nothing raises.
  The caller prints one line and links offline.

Only the fields the linker reads are stored (labels, aliases and description in English; the
claims P31, P39, P106, P27, P17, P576 with the qualifiers P580, P582, P642; the sitelink count), so
the cache stays small; the shapes are Wikidata's own.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from newsgraph import __version__

DEFAULT_API = "https://www.wikidata.org/w/api.php"
API_ENV = "NEWSGRAPH_WIKIDATA_API"
DEFAULT_SPARQL = "https://query.wikidata.org/sparql"
SPARQL_ENV = "NEWSGRAPH_WIKIDATA_SPARQL"
USER_AGENT = f"newsgraph/{__version__} (https://github.com/newsgraph/newsgraph; linked-data publisher for news)"
CACHE_NAME = "wikidata-cache.sqlite"
#: Claims the linker reads, and the qualifiers of P39 it reads.
KEPT_CLAIMS = ("P31", "P39", "P106", "P27", "P17", "P576")
KEPT_QUALIFIERS = ("P580", "P582", "P642")
BATCH = 50  # wbgetentities takes at most 50 ids per request
SEARCH_LIMIT = 10  # hits per search: exact matches come first, so a full page of them means more namesakes
CLASS_BATCH = 40  # classes per subclass query: the query stays a short GET and well inside the 60 s limit

SUBCLASS_QUERY = """SELECT ?class ?known WHERE {{
  VALUES ?class {{ {classes} }}
  VALUES ?known {{ {known} }}
  ?class wdt:P279* ?known .
}}"""


class Unreachable(Exception):
    """The service cannot be reached (or will not answer in time): link offline for the rest of the run."""


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/newsgraph`` (``~/.cache/newsgraph``): where the cache goes without a store folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsgraph"


class Cache:
    """Answers by key ("search:...", "entity:Q42"), each with its retrieval time (UTC, ISO 8601)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path))
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, fetched TEXT NOT NULL, "
                         "body TEXT NOT NULL)")
        self._db.commit()

    @classmethod
    def for_store(cls, store_path: Path | None) -> Cache:
        """The cache of a store folder, or the user's when the store is in memory."""
        return cls((store_path if store_path is not None else user_cache_dir()) / CACHE_NAME)

    def get(self, key: str) -> tuple[Any, datetime] | None:
        row = self._db.execute("SELECT body, fetched FROM answers WHERE key = ?", (key,)).fetchone()
        return (json.loads(row[0]), datetime.fromisoformat(row[1])) if row else None

    def put(self, key: str, value: Any, fetched: datetime | None = None) -> None:
        when = (fetched or datetime.now(UTC)).isoformat(timespec="seconds")
        self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                         (key, when, json.dumps(value, ensure_ascii=False, separators=(",", ":"))))
        self._db.commit()

    def size(self) -> int:
        """Bytes of the stored answers (keys, dates and bodies), for the benchmark."""
        row = self._db.execute("SELECT COALESCE(SUM(LENGTH(key) + LENGTH(fetched) + LENGTH(CAST(body AS BLOB))), 0) "
                               "FROM answers").fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()


class WikidataClient:
    """Searches and entity look-ups, cache first; see the module docstring for the rules it keeps."""

    def __init__(self, cache: Cache, api: str | None = None, *, sparql: str | None = None,
                 refresh_older_than: float | None = None, timeout: float = 10.0, min_interval: float = 0.2,
                 retries: int = 3, max_wait: float = 30.0, budget: float = 120.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.cache = cache
        self.api = api or os.environ.get(API_ENV) or DEFAULT_API
        # Wikidata's query service goes with Wikidata's API; another API (a mirror, the tests' recorded
        # server) has no known query service unless one is named.
        self.sparql = sparql or os.environ.get(SPARQL_ENV) or (DEFAULT_SPARQL if self.api == DEFAULT_API else None)
        self.sparql_down: str | None = None  # why subclass look-ups were given up for this run
        self.stale_after = timedelta(days=refresh_older_than) if refresh_older_than is not None else None
        self.timeout, self.min_interval, self.retries, self.max_wait = timeout, min_interval, retries, max_wait
        self.budget = budget
        self.sleep = sleep
        self.down: str | None = None  # why the network was given up, once it was
        self.requests = 0  # HTTP requests made (retries included)
        self._spent = 0.0
        self._last = 0.0
        self._resolved: set[str] = set()

    # -- public look-ups ----------------------------------------------------------------------------

    def search(self, name: str, limit: int = SEARCH_LIMIT) -> dict[str, Any]:
        """What ``wbsearchentities`` finds for ``name`` (English, items): ``{"hits": [{"id", "label",
        "text"}], "more": bool}``, best first; ``text`` is the label or alias that matched, ``more``
        whether the service has more than one page of hits. Empty when it cannot be asked."""
        key = f"search:en:{limit}:{name}"
        cached = self._cached(key)
        if cached is not None:
            return dict(cached)
        answer = self._call({"action": "wbsearchentities", "search": name, "language": "en", "uselang": "en",
                             "type": "item", "limit": str(limit), "format": "json"})
        if answer is None:
            stale = self.cache.get(key)
            return dict(stale[0]) if stale else {"hits": [], "more": False}
        hits = [{"id": h["id"], "label": h.get("label", ""), "text": (h.get("match") or {}).get("text", "")}
                for h in answer.get("search", ()) if isinstance(h, dict) and "id" in h]
        found = {"hits": hits, "more": "search-continue" in answer}
        self.cache.put(key, found)
        return found

    def entities(self, qids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The items with these QIDs, reduced to what the linker reads; those not cached are fetched
        ``BATCH`` to a request. Items the service does not have (or that cannot be fetched) are left out."""
        out: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        for qid in dict.fromkeys(qids):
            cached = self._cached(f"entity:{qid}")
            if cached is not None:
                if cached:
                    out[qid] = cached
            else:
                missing.append(qid)
        for i in range(0, len(missing), BATCH):
            chunk = missing[i:i + BATCH]
            answer = self._call({"action": "wbgetentities", "ids": "|".join(chunk), "languages": "en",
                                 "props": "labels|aliases|descriptions|claims|sitelinks", "format": "json"})
            for qid in chunk:
                item = (answer or {}).get("entities", {}).get(qid) if answer is not None else None
                if answer is not None:
                    reduced = reduce_item(item) if item and "missing" not in item else {}
                    self.cache.put(f"entity:{qid}", reduced)
                    if reduced:
                        out[qid] = reduced
                elif (stale := self.cache.get(f"entity:{qid}")) and stale[0]:
                    out[qid] = stale[0]
        return out

    def superclasses(self, classes: Iterable[str], known: Iterable[str]) -> dict[str, list[str]]:
        """For each of ``classes``, those of ``known`` it is (P279*, itself included) a subclass of.

        One query-service request per :data:`CLASS_BATCH` classes not cached; each class's answer is
        cached under a key that names the ``known`` set, so changing that set asks again. A class the
        service cannot be asked about is left out (the caller then counts direct classes only)."""
        known = sorted(set(known))
        tag = hashlib.sha1(" ".join(known).encode()).hexdigest()[:10]
        out: dict[str, list[str]] = {}
        missing: list[str] = []
        for cls in dict.fromkeys(classes):
            cached = self._cached(f"subclass:{tag}:{cls}")
            if cached is not None:
                out[cls] = list(cached)
            else:
                missing.append(cls)
        for i in range(0, len(missing), CLASS_BATCH):
            chunk = missing[i:i + CLASS_BATCH]
            answer = self._query(SUBCLASS_QUERY.format(classes=" ".join(f"wd:{c}" for c in chunk),
                                                       known=" ".join(f"wd:{k}" for k in known)))
            if answer is None:
                for cls in chunk:
                    if (stale := self.cache.get(f"subclass:{tag}:{cls}")) is not None:
                        out[cls] = list(stale[0])
                continue
            found: dict[str, list[str]] = {cls: [] for cls in chunk}
            for row in answer.get("results", {}).get("bindings", ()):
                cls = _entity_id(row.get("class", {}).get("value", ""))
                sup = _entity_id(row.get("known", {}).get("value", ""))
                if cls in found and sup and sup not in found[cls]:
                    found[cls].append(sup)
            for cls, sups in found.items():
                self.cache.put(f"subclass:{tag}:{cls}", sups)
                out[cls] = sups
        return out

    # -- HTTP -----------------------------------------------------------------------------------------

    def _cached(self, key: str) -> Any:
        """A cached answer that is fresh enough, else None (then the caller asks the service)."""
        hit = self.cache.get(key)
        if hit is None:
            return None
        value, fetched = hit
        if self.stale_after is not None and self.down is None and datetime.now(UTC) - fetched > self.stale_after:
            return None
        return value

    def _call(self, params: dict[str, str]) -> dict[str, Any] | None:
        """One API answer, or None once the network is down (then :attr:`down` says why)."""
        if self.down is not None:
            return None
        try:
            return self._request({**params, "maxlag": "5"})
        except Unreachable as exc:
            self.down = str(exc)
            return None

    def _query(self, query: str) -> dict[str, Any] | None:
        """A query-service answer (SPARQL JSON), or None without one. Its failure does not turn the
        action API off (the query service times out on its own), only further queries this run."""
        if self.sparql is None or self.down is not None or self.sparql_down is not None:
            return None
        try:
            return self._request({"query": query, "format": "json"}, self.sparql)
        except Unreachable as exc:
            self.sparql_down = str(exc)
            return None

    def _resolve(self, base: str) -> None:
        """Look a host up once, in a thread we stop waiting for after ``timeout`` seconds:
        the socket timeout does not bound name resolution, and a dead resolver must not hang a run."""
        host = urllib.parse.urlsplit(base).hostname or ""
        if host in self._resolved:
            return
        outcome: list[BaseException | None] = []

        def lookup() -> None:
            try:
                socket.getaddrinfo(host, None)
                outcome.append(None)
            except OSError as exc:
                outcome.append(exc)

        worker = threading.Thread(target=lookup, daemon=True)
        worker.start()
        worker.join(min(self.timeout, max(0.1, self.budget - self._spent)))
        if not outcome:
            raise Unreachable(f"cannot reach {host} (name lookup did not answer in {self.timeout:.0f} s)")
        if outcome[0] is not None:
            raise Unreachable(f"cannot reach {host} ({outcome[0]})")
        self._resolved.add(host)

    def _request(self, params: dict[str, str], base: str | None = None) -> dict[str, Any]:
        base = base or self.api
        self._resolve(base)
        url = f"{base}?{urllib.parse.urlencode(params)}"
        for attempt in range(self.retries + 1):
            self._pace()
            started = time.monotonic()
            accept = "application/sparql-results+json" if base == self.sparql else "application/json"
            req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
            wait: float | None = None
            try:
                self.requests += 1
                with urllib.request.urlopen(req, timeout=self._timeout()) as resp:
                    body = json.loads(resp.read().decode("utf-8"))
                    if isinstance(body, dict) and body.get("error", {}).get("code") == "maxlag":
                        wait = _retry_after(resp.headers.get("Retry-After"), attempt)
                    elif isinstance(body, dict) and "error" in body:
                        raise Unreachable(f"Wikidata refused the request: {body['error'].get('info', body['error'])}")
                    else:
                        return body if isinstance(body, dict) else {}
            except urllib.error.HTTPError as exc:
                if exc.code not in (429, 503):
                    raise Unreachable(f"Wikidata answered HTTP {exc.code}") from exc
                wait = _retry_after(exc.headers.get("Retry-After") if exc.headers else None, attempt)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                reason = getattr(exc, "reason", exc)
                raise Unreachable(f"cannot reach {urllib.parse.urlsplit(base).netloc} ({reason})") from exc
            finally:
                self._spent += time.monotonic() - started
            if attempt == self.retries:
                break
            wait = min(wait if wait is not None else 1.0, self.max_wait)
            if self._spent + wait > self.budget:
                raise Unreachable(f"Wikidata busy beyond this run's {self.budget:.0f} s budget")
            self._spent += wait
            self.sleep(wait)
        raise Unreachable(f"Wikidata still busy after {self.retries} retries")

    def _timeout(self) -> float:
        left = self.budget - self._spent
        if left <= 0:
            raise Unreachable(f"Wikidata took this run's {self.budget:.0f} s budget")
        return max(0.1, min(self.timeout, left))

    def _pace(self) -> None:
        """At most one request every ``min_interval`` seconds (the rate limit)."""
        gap = time.monotonic() - self._last
        if gap < self.min_interval:
            self.sleep(self.min_interval - gap)
        self._last = time.monotonic()


def _entity_id(uri: str) -> str | None:
    """"Q42" from "http://www.wikidata.org/entity/Q42"; None for anything else."""
    q = uri.rsplit("/", 1)[-1]
    return q if q[:1] == "Q" and q[1:].isdigit() else None


def _retry_after(header: str | None, attempt: int) -> float:
    """Seconds to wait: the server's ``Retry-After`` (seconds or an HTTP date), else 1, 2, 4... s."""
    if header:
        header = header.strip()
        if header.isdigit():
            return float(header)
        try:
            return max(0.0, (parsedate_to_datetime(header) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            pass
    return float(2 ** attempt)


def reduce_item(item: dict[str, Any]) -> dict[str, Any]:
    """The parts of a ``wbgetentities`` item the linker reads, in Wikidata's own shape."""
    claims = {}
    for prop in KEPT_CLAIMS:
        kept = []
        for st in item.get("claims", {}).get(prop, ()):
            if st.get("rank") == "deprecated":
                continue
            small = {"mainsnak": st.get("mainsnak", {}), "rank": st.get("rank", "normal")}
            quals = {q: st["qualifiers"][q] for q in KEPT_QUALIFIERS if q in st.get("qualifiers", {})}
            if quals and prop == "P39":
                small["qualifiers"] = quals
            kept.append(small)
        if kept:
            claims[prop] = kept
    return {
        "id": item.get("id"),
        "labels": {k: v for k, v in item.get("labels", {}).items() if k == "en"},
        "aliases": {k: v for k, v in item.get("aliases", {}).items() if k == "en"},
        "descriptions": {k: v for k, v in item.get("descriptions", {}).items() if k == "en"},
        "claims": claims,
        "sitelinks": len(item.get("sitelinks", {})),
    }
