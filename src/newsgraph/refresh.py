"""``newsgraph gazetteer refresh``: rebuild the gazetteer's persons and positions from the Wikidata Query Service.

The shipped gazetteer is built offline (``newsgraph.data.build_gazetteer``); this brings its office
holders up to date when a network is there. One SPARQL query asks for people holding (P39) a
position of a country's government or legislature, or heading a state, government or agency, with
the statement's start (P580) and end (P582); the answer becomes the same ``persons`` and
``positions`` records the offline build writes, merged over the current file (countries, places
and organizations are kept). Standard library only, so that it runs wherever newsgraph does.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsgraph.data.officeholders import Collector
from newsgraph.gazetteer import decode, encode

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


def fetch(endpoint: str = WDQS, query: str = QUERY, timeout: float = 300.0) -> dict[str, Any]:
    """The SPARQL JSON results of ``query`` at ``endpoint`` (GET, as WDQS asks of clients)."""
    url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json",
                                               "User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.load(resp)


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


def refresh(gazetteer: Path, *, endpoint: str = WDQS, out: Path | None = None,
            results: Mapping[str, Any] | None = None) -> dict[str, int]:
    """Replace the persons and positions of the gazetteer file with the query's answer; returns counts.

    Refuses (``ValueError``) an answer with no office holder at all, so that an empty or failed
    response never wipes the shipped data.
    """
    doc = decode(gazetteer.read_bytes())
    answer = results if results is not None else fetch(endpoint)
    persons, positions = records(answer, doc.get("countries", []))
    if not persons:
        raise ValueError(f"{endpoint}: the answer holds no office holders; {gazetteer} left as it was")
    doc["persons"], doc["positions"] = persons, positions
    meta = doc.setdefault("meta", {})
    meta["sources"] = [s for s in meta.get("sources", []) if not str(s.get("key", "")).startswith(("ep:", "wdqs"))]
    meta["sources"].append({"key": "wdqs", "repo": endpoint, "path": "QUERY in newsgraph/refresh.py",
                            "licence": "CC0 1.0 (Wikidata)", "what": "office holders (P39, P580, P582)"})
    target = out or gazetteer
    data = encode(doc, target)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return {"persons": len(persons), "positions": len(positions), "bytes": len(data)}
