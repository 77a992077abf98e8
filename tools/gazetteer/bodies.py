"""National bodies for the gazetteer: political parties with Wikidata QIDs, from Party Facts. Stdlib only.

`Party Facts <https://partyfacts.herokuapp.com>`_ links the parties of political-science datasets
and, for its core parties, their English Wikipedia article and Wikidata item.
``hdigital/partyfactsdata`` publishes them as ``import/wikipedia/wikidata.csv`` (country ISO
alpha-3, Party Facts id, QID, English name, short name, native name) and
``import/wikipedia/wikipedia.csv`` (founding and dissolution years by Party Facts id). Every QID,
name and year here is read from those two files; nothing is typed by hand.

The records are the gazetteer's ``bodies`` section: ``qid``, ``name``, ``type`` ("party"),
``countries`` (ISO alpha-2), ``aliases`` (other names, folded by the loader), ``acronyms`` (matched
case-exactly), ``until`` (year dissolved). Party Facts' short names use "/" for spaces and
"/or/" between alternatives ("CPI/M/or/CPIM/or/CPM"); only the alternatives that read as acronyms
are kept ("CPIM", "CPM"), and short names that are words ("Con", "Lab", "Respect") are dropped,
since "Lab" or "Respect" in running text is not a party.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsgraph.link.gazetteer import normalize
from officeholders import Mirror

REPO = "hdigital/partyfactsdata"
WIKIDATA_CSV = "import/wikipedia/wikidata.csv"
WIKIPEDIA_CSV = "import/wikipedia/wikipedia.csv"
LICENCE = "MIT (Party Facts data import); QIDs are Wikidata's (CC0 1.0), names English Wikipedia titles"

#: Party Facts country codes that are not ISO 3166 alpha-3 (historical or partly recognised states), mapped
#: to the ISO alpha-2 of the country that covers them today; "EUN" (European Parliament groups) has none.
HISTORICAL_COUNTRIES = {"DDR": "DE", "YMD": "YE", "VNR": "VN", "ZZB": "TZ", "SML": "SO", "PMR": "MD",
                        "XKX": "XK", "PSG": "PS"}

_ACRONYM = re.compile(r"[A-ZÄÖÜÇŞİĞ][A-Za-zÄÖÜÇŞİĞäöüçşığé0-9&-]{1,9}")
_QID = re.compile(r"Q[1-9][0-9]*")
_TRAILING_NOTE = re.compile(r"\s*\(([^()]*)\)$")


def _acronyms(short: str) -> list[str]:
    """The acronyms in a Party Facts short name: "CPI/M/or/CPIM/or/CPM" -> CPIM, CPM; "AfD" -> AfD."""
    out = []
    for alt in short.split("/or/"):
        alt = alt.strip()
        if alt.endswith("/English"):
            alt = alt[: -len("/English")]
        if "/" in alt:  # "CDU/CSU" is a name; "JD/S", "Lib/Dems" are spellings of something else
            parts = alt.split("/")
            if not all(len(p) >= 2 and p.isupper() for p in parts):
                continue
        elif not _ACRONYM.fullmatch(alt) or sum(ch.isupper() for ch in alt) < 2:
            continue
        out.append(alt)
    return out


def _aliases(name: str, native: str) -> list[str]:
    """Other names: the native name, and the English name without a trailing "(1973)"-style note."""
    out = [native.strip()] if native.strip() else []
    m = _TRAILING_NOTE.search(name)
    if m and re.search(r"\d{4}", m.group(1)):
        out.append(name[: m.start()].strip())
    return [a for a in out if a and normalize(a) != normalize(name) and len(normalize(a)) >= 3]


def read_parties(wikidata_csv: str, wikipedia_csv: str, iso3_to_iso2: dict[str, str]) -> list[dict[str, Any]]:
    """Party records from the two Party Facts files; one record per QID."""
    years: dict[str, tuple[str, str]] = {}
    for r in csv.DictReader(io.StringIO(wikipedia_csv)):
        years[(r.get("partyfacts_id") or "").strip()] = ((r.get("year_founded") or "").strip(),
                                                         (r.get("year_dissolved") or "").strip())
    merged: dict[str, dict[str, Any]] = {}
    for r in csv.DictReader(io.StringIO(wikidata_csv)):
        qid = (r.get("wikidata_id") or "").strip()
        name = (r.get("name") or "").strip()
        if not _QID.fullmatch(qid) or not name:
            continue
        iso3 = (r.get("country") or "").strip()
        rec = merged.setdefault(qid, {"qid": qid, "names": Counter(), "countries": Counter(), "aliases": [],
                                      "acronyms": [], "until": []})
        rec["names"][name] += 1
        if iso3 in iso3_to_iso2:
            rec["countries"][iso3_to_iso2[iso3]] += 1
        for a in _aliases(name, r.get("name_native") or ""):
            if a not in rec["aliases"]:
                rec["aliases"].append(a)
        for a in _acronyms(r.get("name_short") or ""):
            if a not in rec["acronyms"]:
                rec["acronyms"].append(a)
        _founded, dissolved = years.get((r.get("partyfacts_id") or "").strip(), ("", ""))
        rec["until"].append(int(dissolved) if dissolved.isdigit() else None)
    out = []
    for rec in sorted(merged.values(), key=lambda x: int(x["qid"][1:])):
        name = sorted(rec["names"].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        aliases = [n for n in sorted(rec["names"]) if n != name] + rec["aliases"]
        aliases = [a for i, a in enumerate(aliases) if normalize(a) != normalize(name)
                   and normalize(a) not in {normalize(b) for b in aliases[:i]}]
        until = None if any(u is None for u in rec["until"]) else max(rec["until"])
        body = {"qid": rec["qid"], "name": name, "type": "party",
                "countries": [c for c, _ in sorted(rec["countries"].items(), key=lambda kv: (-kv[1], kv[0]))],
                "aliases": aliases, "acronyms": rec["acronyms"], "until": until}
        out.append({k: v for k, v in body.items() if v not in (None, [])})
    return out


def build(mirror: Path, countries: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(bodies, source records) from the Party Facts snapshot under ``mirror``; nothing if it is absent."""
    m = Mirror(mirror, REPO)
    if not m.exists():
        return [], []
    iso = {**HISTORICAL_COUNTRIES, **{c["iso3"]: c["iso2"] for c in countries if c.get("iso3")}}
    wikidata, wikipedia = m.text(WIKIDATA_CSV), m.text(WIKIPEDIA_CSV)
    if not wikidata or not wikipedia:
        raise SystemExit(f"{REPO}: {WIKIDATA_CSV} or {WIKIPEDIA_CSV} missing")
    bodies = read_parties(wikidata, wikipedia, iso)
    digest = hashlib.sha256("".join(f"{p}:{h}\n" for p, h in sorted(m.hashes.items())).encode()).hexdigest()
    source = {"key": "partyfacts", "repo": REPO, "path": ", ".join(sorted(m.hashes)), "commit": m.commit(),
              "sha256": digest, "licence": LICENCE,
              "what": "political parties: Wikidata QID, English and native names, short names, country, "
                      "year dissolved"}
    return bodies, [source]
