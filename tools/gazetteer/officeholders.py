"""Persons and positions for the gazetteer, from the EveryPolitician scrapers' Wikidata exports. Stdlib only.

Each ``every-politician-scrapers/<country>`` repository publishes, as CSV generated from Wikidata
(P39 "position held" with P580/P582 qualifiers), the office holders of one country since about 2000:

* ``wikidata/wanted-positions.csv`` and ``wikidata/xtra-positions.csv``: position QID -> the short
  title the other tables use ("Minister of Defence");
* ``html/positions.csv``: position QID, English label, country QID;
* ``html/holders21.csv``: title, person label, person QID, start, end;
* ``html/legislators.csv``: members of the national legislature, same columns;
* ``html/bio.csv``: person QID, label, English Wikipedia title (an alias);
* ``meta.json``: the country (``jurisdiction.id``).

``every-politician-scrapers/world-leaders-2021`` adds heads of state and government of every country
(``data/wikidata.csv``: country, position and office-holder QIDs and labels, start and end years).
Every QID here is read from those files; nothing is typed by hand. The records this module returns
are the gazetteer's ``persons`` and ``positions`` sections; :mod:`newsgraph.link.refresh` produces the
same records from the Wikidata Query Service.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsgraph.link.records import Collector

#: The scraper repositories read, by default, when present in the mirror folder.
REPOS = (
    "australia-cabinet", "brazil-ministers", "canada-cabinet", "china-ministers", "france-cabinet",
    "india-ministers", "indonesia-ministers", "iran-ministers", "israel-ministers", "japan-ministers",
    "kenya", "mexico-ministers", "nigeria", "pakistan-ministers", "russia-cabinet", "south-africa-cabinet",
    "south-korea-ministers", "turkey-ministers", "ukraine-cabinet", "united-kingdom-cabinet", "us-cabinet",
    "world",
)
LEADERS_REPO = "world-leaders-2021"
OWNER = "every-politician-scrapers"
LICENCE = "data from Wikidata (CC0 1.0); scraper repositories' own code not used"


class Mirror:
    """Read-only access to one fetched snapshot (``<mirror>/<owner>+<name>/repo``)."""

    def __init__(self, mirror: Path, repo: str) -> None:
        self.repo = repo
        self.git_dir = mirror / repo.replace("/", "+") / "repo"
        self.hashes: dict[str, str] = {}

    def exists(self) -> bool:
        return self.git_dir.exists()

    def _git(self, *args: str) -> bytes:
        return subprocess.run(["git", f"--git-dir={self.git_dir}", *args], check=True,
                              capture_output=True).stdout

    def commit(self) -> str:
        return self._git("rev-parse", "HEAD").decode().strip()

    def text(self, path: str) -> str | None:
        try:
            raw = self._git("show", f"HEAD:{path}")
        except subprocess.CalledProcessError:
            return None
        self.hashes[path] = hashlib.sha256(raw).hexdigest()
        return raw.decode("utf-8")

    def rows(self, path: str) -> list[dict[str, str]]:
        text = self.text(path)
        return list(csv.DictReader(io.StringIO(text))) if text else []


def _qid(value: str | None) -> str | None:
    v = (value or "").strip().rsplit("/", 1)[-1]
    return v if v[:1] == "Q" and v[1:].isdigit() else None


def _day(value: str | None) -> str:
    """An ISO date or year, as given ("2012-11-06", "2017"); "" when unknown."""
    v = (value or "").strip()[:10]
    return v if v[:4].isdigit() else ""


def read_country_repo(m: Mirror, col: Collector) -> None:
    meta = json.loads(m.text("meta.json") or "{}")
    iso = col.country_iso.get(_qid((meta.get("jurisdiction") or {}).get("id")) or "")
    titles: dict[str, str] = {}
    for path in ("wikidata/wanted-positions.csv", "wikidata/xtra-positions.csv", "wikidata/legislative-positions.csv"):
        for r in m.rows(path):
            q = _qid(r.get("position"))
            if q and r.get("title"):
                titles.setdefault(r["title"].strip(), q)
    for r in m.rows("html/positions.csv"):
        q = _qid(r.get("id"))
        if not q:
            continue
        country = col.country_iso.get(_qid(r.get("country")) or "") or iso
        col.position(q, (r.get("position") or "").strip(), country, (r.get("enwiki") or "").strip())
    for title, q in titles.items():
        if q not in col.positions:
            col.position(q, title, iso)
        else:
            col.position(q, col.positions[q]["name"], None, title)
    bios = {q: r for r in m.rows("html/bio.csv") if (q := _qid(r.get("id")))}
    for path in ("html/holders21.csv", "html/legislators.csv"):
        for r in m.rows(path):
            person, title = _qid(r.get("personID")), (r.get("position") or "").strip()
            pos = titles.get(title)
            if not person or not pos:
                continue
            name = (r.get("person") or "").strip()
            if not name:
                continue
            col.held(person, name, iso, pos, _day(r.get("start")), _day(r.get("end")))
    for q, b in bios.items():
        if q in col.persons:
            col.person(q, col.persons[q]["name"], None, (b.get("name") or "").strip(),
                       (b.get("enwiki") or "").split(" (")[0].strip())


def read_leaders(m: Mirror, col: Collector) -> None:
    for r in m.rows("data/wikidata.csv"):
        person, pos = _qid(r.get("officeholder")), _qid(r.get("position"))
        if not person or not pos:
            continue
        iso = col.country_iso.get(_qid(r.get("countryid")) or "")
        col.position(pos, (r.get("positionLabel") or "").strip(), iso)
        col.held(person, (r.get("officeholderLabel") or "").strip(), iso, pos, _day(r.get("start_year")),
                 _day(r.get("end_year")))


def build(mirror: Path, countries: Iterable[dict[str, Any]],
          repos: Iterable[str] = REPOS) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(persons, positions, source records) from every scraper snapshot present under ``mirror``."""
    col = Collector({c["qid"]: c["iso2"] for c in countries if c.get("qid")})
    sources = []
    for name in (*repos, LEADERS_REPO):
        m = Mirror(mirror, f"{OWNER}/{name}")
        if not m.exists():
            continue
        (read_leaders if name == LEADERS_REPO else read_country_repo)(m, col)
        digest = hashlib.sha256("".join(f"{p}:{h}\n" for p, h in sorted(m.hashes.items())).encode()).hexdigest()
        sources.append({"key": f"ep:{name}", "repo": m.repo, "path": ", ".join(sorted(m.hashes)),
                        "commit": m.commit(), "sha256": digest, "licence": LICENCE,
                        "what": "office holders (P39 with start/end), positions, person labels"})
    persons, positions = col.records()
    return persons, positions, sources
