"""The gazetteer's ``persons`` and ``positions`` records, in the one format both their producers write.

Two producers make these records: the offline build (``tools/gazetteer/officeholders.py``, from the
EveryPolitician scrapers' CSV exports) and ``newsgraph gazetteer refresh`` (:mod:`newsgraph.link.refresh`,
from the Wikidata Query Service). The build is a maintainer's task and is not installed; refresh runs
on users' machines. So the merging rule lives here, in the runtime package, and the build imports it.
"""

from __future__ import annotations

from typing import Any

from newsgraph.roles import role_type


class Collector:
    """Accumulates persons and positions keyed by QID, merging what several files say of one item."""

    def __init__(self, country_iso: dict[str, str]) -> None:
        self.country_iso = country_iso  # country QID -> ISO alpha-2
        self.persons: dict[str, dict[str, Any]] = {}
        self.positions: dict[str, dict[str, Any]] = {}

    def position(self, qid: str, name: str, country: str | None, *aliases: str) -> None:
        rec = self.positions.setdefault(qid, {"qid": qid, "name": name, "country": country, "aliases": []})
        if country and not rec.get("country"):
            rec["country"] = country
        for a in (name, *aliases):
            if a and a != rec["name"] and a not in rec["aliases"]:
                rec["aliases"].append(a)

    def person(self, qid: str, name: str, country: str | None, *aliases: str) -> dict[str, Any]:
        rec = self.persons.setdefault(qid, {"qid": qid, "name": name, "country": country, "aliases": [],
                                            "held": []})
        if country and not rec.get("country"):
            rec["country"] = country
        for a in aliases:
            if a and a != rec["name"] and a not in rec["aliases"]:
                rec["aliases"].append(a)
        return rec

    def held(self, person: str, name: str, country: str | None, position: str, start: str, end: str) -> None:
        rec = self.person(person, name, country)
        tenure = [position, start, end]
        if tenure not in rec["held"]:
            rec["held"].append(tenure)

    def records(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        positions = []
        for rec in sorted(self.positions.values(), key=lambda r: int(r["qid"][1:])):
            names = [rec["name"], *rec["aliases"]]
            rtype = next((t for n in names if (t := role_type(n))), None)
            out = {"qid": rec["qid"], "name": rec["name"], "country": rec.get("country"), "role": rtype,
                   "aliases": rec["aliases"]}
            positions.append({k: v for k, v in out.items() if v})
        persons = []
        for rec in sorted(self.persons.values(), key=lambda r: int(r["qid"][1:])):
            held = sorted(rec["held"], key=lambda t: (t[1] or "9999", t[0]))
            if not rec.get("country"):  # "world" repositories: the country of the positions held
                rec["country"] = next((c for t in held if (c := self.positions.get(t[0], {}).get("country"))), None)
            out = {"qid": rec["qid"], "name": rec["name"], "country": rec.get("country"),
                   "aliases": rec["aliases"], "held": held}
            persons.append({k: v for k, v in out.items() if v})
        return persons, positions
