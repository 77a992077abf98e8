"""``newsgraph gazetteer refresh``: rebuild the gazetteer's persons, positions and notable entities
from the Wikidata Query Service.

The shipped gazetteer is built offline (``tools/gazetteer/build_gazetteer.py``); this brings it up to
date when a network is there. One SPARQL query asks for people holding (P39) a position of a
country's government or legislature, or heading a state, government or agency, with the
statement's start (P580) and end (P582); the answer becomes the same ``persons`` and ``positions``
records the offline build writes; it is asked a dozen countries at a time (each page well under
the service's 60-second limit), and every page is kept until the file is written, so an
interrupted refresh resumes where it stopped. Then one query per kind of notable entity (famous people,
companies, media, government agencies, universities, non-profits, sports teams) asks for the items
of that kind with at least a given number of Wikipedia sitelinks, with English label, aliases,
description and country: they become ``persons`` (``famous``) and ``bodies`` records, the
sitelinks their ``pop``. Everything is merged over the current file (countries, places, blocs and
parties are kept; a notable kind whose query fails keeps its shipped entries). Standard library
only, so that it runs wherever newsgraph does.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from newsgraph.link.gazetteer import add_keys, decode, encode
from newsgraph.link.records import Collector

WDQS = "https://query.wikidata.org/sparql"
USER_AGENT = "newsgraph-gazetteer-refresh/0.1 (https://w3id.org/newsgraph)"

#: Office holders since 2000: positions that are a head of state or government (P1906/P1313 of a
#: country), a cabinet post (part of a cabinet, P361), a ministerial office (subclass of Q83307), or
#: a seat in a national legislature (P2670 of a country's parliament); with the country (P17 or
#: P1001) and the person's English label and aliases.
QUERY = """
SELECT ?person ?personLabel ?alias ?position ?positionLabel ?country ?start ?end WHERE {
  ?person wdt:P31 wd:Q5 ; p:P39 ?st .
  ?st ps:P39 ?position .
  OPTIONAL { ?st pq:P580 ?start }
  OPTIONAL { ?st pq:P582 ?end }
  FILTER(!BOUND(?end) || ?end >= "2000-01-01T00:00:00Z"^^xsd:dateTime)
  { ?country wdt:P31 wd:Q6256 . { ?country wdt:P1906|wdt:P1313 ?position }
    UNION { ?position wdt:P31/wdt:P279* wd:Q83307 ; wdt:P1001|wdt:P17 ?country }
    UNION { ?position wdt:P361 ?body . ?body wdt:P31/wdt:P279* wd:Q640506 ; wdt:P1001|wdt:P17 ?country } }
  MINUS { ?st wikibase:rank wikibase:DeprecatedRank }
  OPTIONAL { ?person skos:altLabel ?alias FILTER(LANG(?alias) = "en") }
  SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }
}
"""


#: Classes (P31, direct) of each notable kind. Their QIDs were checked against the English type
#: labels of tsafavi/codex (``data/types/en/types.json``): human, business, company, public company,
#: enterprise, newspaper, television station, radio station, television channel, news agency,
#: broadcaster, online newspaper, periodical, government agency, government organization,
#: university, public university, private university, nonprofit organization, trade union,
#: association football club, sports club, American football team, basketball team.
NOTABLE_CLASSES: dict[str, tuple[str, ...]] = {
    "person": ("Q5",),
    "company": ("Q4830453", "Q783794", "Q891723", "Q6881511"),
    "media": ("Q11032", "Q1616075", "Q14350", "Q2001305", "Q192283", "Q15265344", "Q1153191", "Q1002697"),
    "government": ("Q327333", "Q2659904"),
    "education": ("Q3918", "Q875538", "Q902104"),
    "nonprofit": ("Q163740", "Q178790"),
    "sports-team": ("Q476028", "Q847017", "Q17156793", "Q13393265"),
}
#: Fewest sitelinks for an item of each kind: famous enough that its name in the news is likely it.
MIN_SITELINKS = {"person": 40}
DEFAULT_MIN_SITELINKS = 15

NOTABLES_QUERY = """
SELECT ?item ?itemLabel ?itemDescription ?alias ?country ?sitelinks WHERE {{
  VALUES ?class {{ {classes} }}
  ?item wdt:P31 ?class ; wikibase:sitelinks ?sitelinks .
  FILTER(?sitelinks >= {min_sitelinks})
  OPTIONAL {{ ?item wdt:{country_property} ?country }}
  OPTIONAL {{ ?item skos:altLabel ?alias FILTER(LANG(?alias) = "en") }}
  SERVICE wikibase:label {{ bd:serviceParam wikibase:language "en". }}
}}
"""


def notables_query(kind: str) -> str:
    """The SPARQL query for the notable items of ``kind`` (a key of :data:`NOTABLE_CLASSES`)."""
    return NOTABLES_QUERY.format(classes=" ".join(f"wd:{q}" for q in NOTABLE_CLASSES[kind]),
                                 min_sitelinks=MIN_SITELINKS.get(kind, DEFAULT_MIN_SITELINKS),
                                 country_property="P27" if kind == "person" else "P17")


def fetch(endpoint: str = WDQS, query: str = QUERY, timeout: float = 300.0) -> dict[str, Any]:
    """The SPARQL JSON results of ``query`` at ``endpoint`` (GET, as WDQS asks of clients)."""
    url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json",
                                               "User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.load(resp)


#: Countries per office-holder query: one query for the whole world runs past the Query Service's
#: 60-second limit; a dozen countries' office holders since 2000 answer in a few seconds.
PAGE_COUNTRIES = 12


def paged_query(country_qids: list[str]) -> str:
    """:data:`QUERY` for the office holders of these countries only (a ``VALUES`` block on ``?country``)."""
    values = "  VALUES ?country { " + " ".join(f"wd:{q}" for q in country_qids) + " }\n"
    head, brace, rest = QUERY.partition("WHERE {\n")
    return head + brace + values + rest


def state_dir(endpoint: str, target: Path) -> Path:
    """Where a refresh of ``target`` keeps the pages it has so far, so that a rerun after an
    interruption asks only for the rest: a hidden folder beside the target, one per endpoint and
    query text, removed once the file is written."""
    key = hashlib.sha1("\n".join([endpoint, QUERY, NOTABLES_QUERY]).encode()).hexdigest()[:12]
    return target.with_name(f".{target.name}.refresh-{key}")


def _fetch_kept(path: Path | None, endpoint: str, query: str) -> dict[str, Any]:
    """The answer saved at ``path`` by an earlier, interrupted run, else fetched (and saved)."""
    if path is not None and path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    answer = fetch(endpoint, query)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(answer), encoding="utf-8")
        tmp.replace(path)
    return answer


def fetch_holders(endpoint: str, countries: list[Mapping[str, Any]], *, state: Path | None = None,
                  page: int = PAGE_COUNTRIES, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The office holders of every country with a QID, one query per ``page`` countries, as one
    SPARQL JSON answer. Pages already in ``state`` are not asked again; ``progress(done, total)``."""
    qids = sorted({c["qid"] for c in countries if c.get("qid")}, key=lambda q: int(q[1:]))
    pages = [qids[i:i + page] for i in range(0, len(qids), page)]
    bindings: list[Any] = []
    for n, chunk in enumerate(pages):
        answer = _fetch_kept(state / f"holders-{n:03d}.json" if state else None, endpoint, paged_query(chunk))
        bindings.extend(answer.get("results", {}).get("bindings", ()))
        if progress is not None:
            progress(n + 1, len(pages))
    return {"results": {"bindings": bindings}}


def _value(binding: Mapping[str, Any], name: str) -> str:
    return str(binding.get(name, {}).get("value", "")).strip()


def _qid(value: str) -> str | None:
    q = value.rsplit("/", 1)[-1]
    return q if q[:1] == "Q" and q[1:].isdigit() else None


def records(results: Mapping[str, Any], countries: list[Mapping[str, Any]]
            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(persons, positions) in the gazetteer's format from SPARQL JSON ``results``."""
    col = Collector({c["qid"]: c["iso2"] for c in countries if c.get("qid")})
    for b in results.get("results", {}).get("bindings", ()):
        person, position = _qid(_value(b, "person")), _qid(_value(b, "position"))
        name, pos_name = _value(b, "personLabel"), _value(b, "positionLabel")
        if not person or not position or not name or _qid(name) or not pos_name or _qid(pos_name):
            continue  # an item without an English label is no help to an English-language linker
        iso = col.country_iso.get(_qid(_value(b, "country")) or "")
        col.position(position, pos_name, iso)
        col.held(person, name, iso, position, _value(b, "start")[:10], _value(b, "end")[:10])
        if alias := _value(b, "alias"):
            col.person(person, name, None, alias)
    return col.records()


def notable_records(kind: str, results: Mapping[str, Any], countries: list[Mapping[str, Any]]
                    ) -> list[dict[str, Any]]:
    """Gazetteer records (``persons`` for kind "person", else ``bodies`` of that type) from the SPARQL
    JSON answer of :func:`notables_query`; one record per item, aliases and countries gathered."""
    iso_of = {c["qid"]: c["iso2"] for c in countries if c.get("qid")}
    out: dict[str, dict[str, Any]] = {}
    for b in results.get("results", {}).get("bindings", ()):
        qid, name = _qid(_value(b, "item")), _value(b, "itemLabel")
        if not qid or not name or _qid(name):
            continue  # no English label: no help to an English-language linker
        rec = out.get(qid)
        if rec is None:
            sitelinks = _value(b, "sitelinks")
            rec = out[qid] = {"qid": qid, "name": name, "aliases": [], "desc": _value(b, "itemDescription") or None,
                              "pop": int(sitelinks) if sitelinks.isdigit() else None, "countries": []}
        iso = iso_of.get(_qid(_value(b, "country")) or "")
        if iso and iso not in rec["countries"]:
            rec["countries"].append(iso)
        alias = _value(b, "alias")
        if alias and alias != name and alias not in rec["aliases"]:
            rec["aliases"].append(alias)
    records_: list[dict[str, Any]] = []
    for qid in sorted(out, key=lambda q: int(q[1:])):
        rec = out[qid]
        if kind == "person":
            records_.append({"qid": qid, "name": rec["name"], "country": (rec["countries"] or [None])[0],
                             "aliases": rec["aliases"], "held": [], "desc": rec["desc"], "famous": True,
                             "pop": rec["pop"]})
        else:
            acronyms = [a for a in rec["aliases"] if 2 <= len(a) <= 8 and a.isupper() and a.isalpha()]
            records_.append({"qid": qid, "name": rec["name"], "type": kind, "countries": rec["countries"],
                             "aliases": [a for a in rec["aliases"] if a not in acronyms], "acronyms": acronyms,
                             "until": None, "pop": rec["pop"], "src": ["wdqs"], "desc": rec["desc"]})
    return records_


def _merge_persons(holders: list[dict[str, Any]], notables: list[dict[str, Any]],
                   old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Office holders as refreshed, each notable folded into its holder record or added, and the
    shipped notables that the refresh did not return (their kind's query failed) kept."""
    by_qid = {r["qid"]: r for r in holders}
    fresh = {r["qid"] for r in notables}
    for r in [*notables, *(r for r in old if not r.get("held") and r["qid"] not in fresh)]:
        if (mine := by_qid.get(r["qid"])) is not None:
            for key in ("desc", "famous", "pop", "domain"):
                if r.get(key) is not None and mine.get(key) is None:
                    mine[key] = r[key]
        else:
            by_qid[r["qid"]] = r
    return sorted(by_qid.values(), key=lambda r: int(r["qid"][1:]))


def refresh(gazetteer: Path, *, endpoint: str = WDQS, out: Path | None = None,
            results: Mapping[str, Any] | None = None,
            notables: Mapping[str, Mapping[str, Any]] | None = None,
            on_error: Callable[[str, Exception], None] | None = None, state: Path | None = None,
            page: int = PAGE_COUNTRIES, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Replace the persons and positions of the gazetteer file with the queries' answers, and merge
    in the notable entities; returns counts.

    ``results`` and ``notables`` (kind -> answer) stand in for the service, in tests. Refuses
    (``ValueError``) an answer with no office holder at all, so that an empty or failed response
    never wipes the shipped data; a notable kind whose query fails is reported to ``on_error`` and
    keeps what the file had.

    The office holders are asked for :data:`PAGE_COUNTRIES` (``page``) countries at a time, each
    query well under the Query Service's time limit. With ``state`` (a folder), every answer is kept
    there as it arrives, so a run that is interrupted (network gone, Ctrl-C, a timeout) and started
    again asks only for what it lacks; the folder is removed once the file is written.
    """
    doc = decode(gazetteer.read_bytes())
    countries = doc.get("countries", [])
    answer = results if results is not None else fetch_holders(endpoint, countries, state=state, page=page,
                                                                  progress=progress)
    persons, positions = records(answer, countries)
    if not persons:
        raise ValueError(f"{endpoint}: the answer holds no office holders; {gazetteer} left as it was")
    famous: list[dict[str, Any]] = []
    bodies = {r["qid"]: r for r in doc.get("bodies", [])}
    counts = {"notable persons": 0, "notable organizations": 0}
    for kind in NOTABLE_CLASSES:
        if notables is not None:
            got = notables.get(kind)
            if got is None:
                continue
        else:
            try:
                got = _fetch_kept(state / f"notable-{kind}.json" if state else None, endpoint, notables_query(kind))
            except (OSError, ValueError) as exc:  # a timeout on one kind must not lose the others
                if on_error is not None:
                    on_error(kind, exc)
                continue
        recs = notable_records(kind, got, countries)
        if kind == "person":
            famous.extend(recs)
            counts["notable persons"] += len(recs)
        else:
            for r in recs:
                if bodies.get(r["qid"], {}).get("type") != "party":
                    bodies[r["qid"]] = r
            counts["notable organizations"] += len(recs)
    doc["persons"] = _merge_persons(persons, famous, doc.get("persons", []))
    doc["positions"] = positions
    doc["bodies"] = sorted(bodies.values(), key=lambda r: int(r["qid"][1:]))
    meta = doc.setdefault("meta", {})
    meta["sources"] = [s for s in meta.get("sources", []) if not str(s.get("key", "")).startswith(("ep:", "wdqs"))]
    meta["sources"].append({"key": "wdqs", "repo": endpoint,
                            "path": "QUERY, NOTABLES_QUERY in newsgraph/link/refresh.py",
                            "licence": "CC0 1.0 (Wikidata)",
                            "what": "office holders (P39, P580, P582); notable persons and organizations by sitelinks"})
    target = out or gazetteer
    data = encode(add_keys(doc), target)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    if state is not None:
        shutil.rmtree(state, ignore_errors=True)  # done: a next refresh starts afresh
    return {"persons": len(doc["persons"]), "positions": len(positions), **counts, "bytes": len(data)}
