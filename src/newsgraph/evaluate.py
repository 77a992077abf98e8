"""Score newsgraph's published facts against gold annotations, the way users see them.

``newsgraph eval GOLD_DIR ARTICLES_DIR`` ingests the articles into a throw-away in-memory store,
reads the facts back through the contract queries (``sparql/contract/*.rq``: what a SPARQL
client gets) and compares them with one gold JSON file per article (the format of the shared
evaluation: ``persons``, ``organizations``, ``posts``, ``meetings``, ``memberships``, each item
optionally ``"optional": true``).

Matching rules, chosen to forgive wording but not substance:

* names match after case, accent and punctuation folding on the gold name or any alias, or on
  the same surname with the same first initial ("S. Shoygu");
* a second entity for one gold person is a false positive (resolve "Fidan" to "Hakan Fidan");
* a post matches on holder and role (token overlap ≥ 0.6 with the gold role or an alternative,
  after folding synonyms such as defence/defense, chief/head); the full match also needs the
  organization (or, where the gold or the prediction names none, the country) and the status;
* meetings are compared as unordered pairs of participants; memberships as (member, body) pairs;
* optional gold items count neither when found nor when missed.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.resources import sparql_dir

_STOP = {"of", "the", "for", "and", "s", "a", "an", "to", "on", "in"}
_ROLE_SYNONYMS = {
    "defence": "defense", "chief": "head", "director": "head", "leader": "head", "affairs": "",
    "ministry": "minister", "secretarygeneral": "secretary general",
}
_COUNTRY_SYNONYMS = {
    "turkey": "turkiye", "russian federation": "russia", "united states of america": "united states",
    "us": "united states", "usa": "united states", "u s": "united states", "america": "united states",
    "uk": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
    "uae": "united arab emirates", "prc": "china", "people s republic of china": "china",
    "islamic republic of iran": "iran", "republic of korea": "south korea", "korea": "south korea",
    "dprk": "north korea", "czech republic": "czechia", "ivory coast": "cote d ivoire", "burma": "myanmar",
    "drc": "democratic republic of the congo", "dr congo": "democratic republic of the congo",
    "trinidad tobago": "trinidad and tobago",
}
METRICS = ("persons", "organizations", "posts_holder_role", "posts_full", "meeting_pairs", "memberships")


def fold(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", str(text).replace("ı", "i"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("’", "'").replace("'s ", " ").replace("'", "")
    for ch in "-.,()\"":
        text = text.replace(ch, " ")
    text = " ".join(text.split())
    return text.removeprefix("the ")


def country_key(text: str | None) -> str:
    key = fold(text)
    return _COUNTRY_SYNONYMS.get(key, key)


def role_tokens(text: str | None) -> set[str]:
    out: set[str] = set()
    for tok in fold(text).split():
        for t in _ROLE_SYNONYMS.get(tok, tok).split():
            if t and t not in _STOP:
                out.add(t)
    return out


def role_overlap(predicted: str | None, gold: Iterable[str]) -> float:
    p = role_tokens(predicted)
    return max((len(p & g) / len(p | g) for g in map(role_tokens, gold) if p and g), default=0.0)


class Names:
    """Gold entities of one kind, found by name, alias or surname-plus-initial."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.entries = entries
        self.keys = [{fold(e["name"]), *(fold(a) for a in e.get("aliases", []))} for e in entries]

    def find(self, label: str | None) -> int | None:
        key = fold(label)
        if not key:
            return None
        for i, keys in enumerate(self.keys):
            if key in keys:
                return i
        toks = key.split()
        for i, e in enumerate(self.entries):
            g = fold(e["name"]).split()
            if len(toks) >= 2 and g and toks[-1] == g[-1] and toks[0][:1] == g[0][:1]:
                return i
        return None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    scores: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in METRICS})
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)  # (article, kind, what, detail)
    articles: int = 0

    def table(self) -> str:
        lines = [f"{'metric':<20}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
        for name, s in self.scores.items():
            lines.append(f"{name:<20}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: {"p": round(s.precision, 3), "r": round(s.recall, 3), "f1": round(s.f1, 3),
                                      "tp": s.tp, "fp": s.fp, "fn": s.fn} for name, s in self.scores.items()}
        out["articles"] = self.articles
        return out


def score(gold: dict[str, dict[str, Any]], rows: dict[str, dict[str, list[dict[str, Any]]]]) -> Report:
    """Compare gold files (by article id) with contract-query rows (query name → article → rows)."""
    report = Report(articles=len(gold))
    for article, g in gold.items():
        people, orgs = Names(g.get("persons", [])), Names(g.get("organizations", []))
        _entities(report, "persons", article, people, rows["persons"].get(article, []))
        _entities(report, "organizations", article, orgs, rows["organizations"].get(article, []))
        _posts(report, article, g.get("posts", []), people, orgs, rows["posts"].get(article, []))
        _meetings(report, article, g.get("meetings", []), people, rows["meetings"].get(article, []))
        _memberships(report, article, g.get("memberships", []), orgs, rows["memberships"].get(article, []))
    return report


def _entities(report: Report, kind: str, article: str, gold: Names, rows: list[dict[str, Any]]) -> None:
    stat = report.scores[kind]
    found: set[int] = set()
    optional = {i for i, e in enumerate(gold.entries) if e.get("optional")}
    for label in {fold(r.get("label")): r.get("label") for r in rows}.values():  # first spelling of each
        i = gold.find(label)
        if i is None or i in found:
            stat.fp += 1
            report.misses.append((article, kind, "extra" if i is None else "duplicate", str(label)))
        else:
            found.add(i)
    stat.tp += len(found - optional)
    for i, e in enumerate(gold.entries):
        if i not in found and i not in optional:
            stat.fn += 1
            report.misses.append((article, kind, "missed", e["name"]))


def _posts(report: Report, article: str, gold: list[dict[str, Any]], people: Names, orgs: Names,
           rows: list[dict[str, Any]]) -> None:
    hit_role: set[int] = set()
    hit_full: set[int] = set()
    optional = {j for j, gp in enumerate(gold) if gp.get("optional")}
    for r in rows:
        holder = people.find(r.get("person"))
        overlap = {j: role_overlap(r.get("role"), [gp["role"], *gp.get("role_alts", [])]) for j, gp in enumerate(gold)
                   if holder is not None and people.find(gp["person"]) == holder}
        candidates = sorted((j for j, o in overlap.items() if o >= 0.6), key=lambda j: (j in hit_role, -overlap[j]))
        role_match = next((j for j in candidates if j not in hit_role), None)
        full_match = next((j for j in candidates if j not in hit_full and _anchored(r, gold[j], orgs)), None)
        detail = " | ".join(str(r.get(k)) for k in ("person", "role", "organization", "country", "status"))
        if role_match is None:
            report.scores["posts_holder_role"].fp += 1
            report.misses.append((article, "post", "extra", detail))
        else:
            hit_role.add(role_match)
        if full_match is None:
            report.scores["posts_full"].fp += 1
        else:
            hit_full.add(full_match)
    for name, hits in (("posts_holder_role", hit_role), ("posts_full", hit_full)):
        report.scores[name].tp += len(hits - optional)
        report.scores[name].fn += len(set(range(len(gold))) - hits - optional)
    for j, gp in enumerate(gold):
        if j not in hit_full and j not in optional:
            report.misses.append((article, "post", "missed", " | ".join(
                str(gp.get(k)) for k in ("person", "role", "organization", "country", "status"))))


def _anchored(row: dict[str, Any], gold: dict[str, Any], orgs: Names) -> bool:
    if (row.get("status") or "current") != gold.get("status", "current"):
        return False
    if gold.get("organization"):
        wanted = orgs.find(gold["organization"])
        if wanted is not None and orgs.find(row.get("organization")) == wanted:
            return True
        return not row.get("organization") and bool(gold.get("country")) \
            and country_key(row.get("country")) == country_key(gold["country"])
    if gold.get("country"):
        return country_key(row.get("country")) == country_key(gold["country"])
    return True


def _pairs(groups: Iterable[Iterable[Any]]) -> set[tuple[str, str]]:
    out = set()
    for group in groups:
        members = sorted({str(p) for p in group if p is not None})
        out |= {(a, b) for i, a in enumerate(members) for b in members[i + 1:]}
    return out


def _meetings(report: Report, article: str, gold: list[dict[str, Any]], people: Names,
              rows: list[dict[str, Any]]) -> None:
    def who(name: str | None) -> str:
        i = people.find(name)
        return f"#{i}" if i is not None else f"?{fold(name)}"

    required = _pairs([who(p) for p in m["participants"]] for m in gold if not m.get("optional"))
    optional = _pairs([who(p) for p in m["participants"]] for m in gold if m.get("optional")) - required
    grouped: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        grouped[str(r.get("meeting"))].append(who(r.get("participant")))
    predicted = _pairs(grouped.values()) - optional
    stat = report.scores["meeting_pairs"]
    stat.tp += len(predicted & required)
    stat.fp += len(predicted - required)
    stat.fn += len(required - predicted)
    def name(ref: str) -> str:
        return people.entries[int(ref[1:])]["name"] if ref.startswith("#") else ref[1:]

    for pair in sorted(predicted - required):
        report.misses.append((article, "meeting", "extra", " + ".join(map(name, pair))))
    for pair in sorted(required - predicted):
        report.misses.append((article, "meeting", "missed", " + ".join(map(name, pair))))


def _memberships(report: Report, article: str, gold: list[dict[str, Any]], orgs: Names,
                 rows: list[dict[str, Any]]) -> None:
    def key(member: str | None, body: str | None) -> tuple[str, str]:
        i = orgs.find(body)
        return country_key(member), f"#{i}" if i is not None else f"?{fold(body)}"

    required = {key(m["member"], m["organization"]) for m in gold if not m.get("optional")}
    optional = {key(m["member"], m["organization"]) for m in gold if m.get("optional")} - required
    predicted = {key(r.get("member"), r.get("organization")) for r in rows} - optional
    stat = report.scores["memberships"]
    stat.tp += len(predicted & required)
    stat.fp += len(predicted - required)
    stat.fn += len(required - predicted)
    for m in sorted(predicted - required):
        report.misses.append((article, "membership", "extra", " in ".join(m)))
    for m in sorted(required - predicted):
        report.misses.append((article, "membership", "missed", " in ".join(m)))


def contract_rows(store: Any) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Run every contract query on ``store`` and group the rows by ``?article``."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name in ("persons", "organizations", "posts", "meetings", "memberships"):
        query = (sparql_dir() / "contract" / f"{name}.rq").read_text(encoding="utf-8")
        solutions = store.query(query)
        variables = [v.value for v in solutions.variables]
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for sol in solutions:
            row = {v: (sol[v].value if sol[v] is not None else None) for v in variables}
            grouped[row.get("article") or ""].append(row)
        out[name] = dict(grouped)
    return out


def load_gold(gold_dir: Path) -> dict[str, dict[str, Any]]:
    gold = {}
    for path in sorted(gold_dir.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        gold[str(doc.get("id") or path.stem)] = doc
    if not gold:
        raise FileNotFoundError(f"no gold *.json files in {gold_dir}")
    return gold


def evaluate(gold_dir: Path, articles: Iterable[Path], *, model: str | None = None) -> tuple[Report, list[str]]:
    """Ingest ``articles`` into a temporary store and score it against ``gold_dir``.

    Returns the report and the ingest's problems (unreadable files), which a caller should show.
    """
    from newsgraph import ingest
    from newsgraph.store import GraphStore

    gold = load_gold(gold_dir)
    store = GraphStore(None)  # in memory: nothing to clean up, nothing left behind
    result = ingest.run(list(articles), store, model=model)
    return score(gold, contract_rows(store)), result.errors


def main(gold_dir: Path, articles: tuple[Path, ...], *, verbose: bool, json_out: Path | None,
         model: str | None) -> int:
    """What ``newsgraph eval`` does: evaluate, print the table (and misses), write JSON; exit code."""
    import sys

    report, problems = evaluate(gold_dir, articles, model=model)
    for p in problems:
        print(f"newsgraph: {p}", file=sys.stderr)
    print(report.table())
    if verbose:
        for miss in report.misses:
            print("  ", " | ".join(miss))
    if json_out is not None:
        json_out.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    return 1 if problems else 0
