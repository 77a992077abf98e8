"""Score newsgraph's published facts against gold annotations, the way users see them.

``newsgraph eval GOLD_DIR ARTICLES_DIR`` ingests the articles into a throw-away in-memory store,
reads the facts back through the contract queries (``sparql/contract/*.rq``: what a SPARQL
client gets) and compares them with one gold JSON file per article (the format of the shared
evaluation: ``persons``, ``organizations``, ``posts``, ``meetings``, ``memberships``,
``not_facts``, each item optionally ``"optional": true``).

The rows and their definitions are those of the project's shared scorer, so that a user's figures
on their own annotated articles compare with the published ones. Matching rules, chosen to forgive
wording but not substance:

* names match after case, accent and punctuation folding on the gold name or any alias, or on
  the same surname with the same first initial ("S. Shoygu");
* a second entity for one gold person is a false positive (resolve "Fidan" to "Hakan Fidan");
* ``person_wikidata``: of the published persons that are gold persons with a QID, how many carry it;
* a post matches on holder and role (token overlap ≥ 0.6 with the gold role or an alternative,
  after folding synonyms such as defence/defense, chief/head, Turkish/Türkiye); the full match also
  needs the organization (or, where the gold names none or the row gives none, the country) and
  the status;
* ``meeting_pairs`` compares unordered pairs of participants; ``meetings`` compares meetings as
  wholes: a published meeting finds the gold meeting with which it shares two or more participants
  (the largest overlap first), one that finds none is extra, and a second published meeting for
  the same gold meeting is a split (extra);
* memberships are (member, body) pairs, the member by country name, the body by gold name/alias;
* optional gold items count neither when found nor when missed.

``--verbose`` lists each error under its kind (a post with the wrong role, one with the wrong
organization or country, a split meeting, a membership the gold says the text denies ...), so
that a user sees what the extractor gets wrong and not only how often.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from newsgraph.resources import sparql_dir

_STOP = {"of", "the", "for", "and", "s", "a", "an", "to", "on", "in"}
_ROLE_SYNONYMS = {
    "defence": "defense", "chief": "head", "director": "head", "leader": "head", "affairs": "",
    "ministry": "minister", "secretarygeneral": "secretary general",
    # a role worded with its country's name or adjective ("Turkish Foreign Minister")
    "turkey": "turkiye", "turkish": "turkiye", "russian": "russia", "american": "united states",
    "us": "united states", "usa": "united states", "uk": "united kingdom", "britain": "united kingdom",
    "british": "united kingdom", "uae": "united arab emirates", "emirati": "united arab emirates",
}
_COUNTRY_SYNONYMS = {
    "turkey": "turkiye", "republic of turkiye": "turkiye", "russian federation": "russia",
    "united states of america": "united states", "us": "united states", "usa": "united states",
    "u s": "united states", "uk": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
    "uae": "united arab emirates", "prc": "china", "people s republic of china": "china",
    "islamic republic of iran": "iran", "republic of korea": "south korea", "rok": "south korea",
    "korea": "south korea", "dprk": "north korea", "democratic people s republic of korea": "north korea",
    "czech republic": "czechia", "ivory coast": "cote d ivoire", "burma": "myanmar",
    "drc": "democratic republic of the congo", "dr congo": "democratic republic of the congo",
    "democratic republic of congo": "democratic republic of the congo",
    "congo kinshasa": "democratic republic of the congo",
}
METRICS = ("persons", "organizations", "posts_holder_role", "posts_full", "meeting_pairs", "meetings",
           "memberships", "person_wikidata")


def fold(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("ı", "i").replace("’", "'").replace("'s ", " ").replace("'", "")
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


def qid(value: str | None) -> str | None:
    """The bare QID of a Wikidata IRI or QID, else None."""
    if not value:
        return None
    tail = str(value).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail if tail[:1] == "Q" and tail[1:].isdigit() else None


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
            g = fold(e.get("name")).split()
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


class Miss(NamedTuple):
    """One error, under its kind: ``what`` says which way it is wrong ("wrong role", "split meeting")."""

    article: str
    kind: str
    what: str
    detail: str


#: The order in which ``--verbose`` shows the kinds of error, most telling first within each row.
_WHAT_ORDER = ("missed", "no post at all", "wrong role", "wrong org or country", "wrong status", "duplicate",
               "extra", "denied by the text", "missed meeting", "missing participant", "extra participant",
               "split meeting", "extra meeting", "wrong organization")


@dataclass
class Report:
    scores: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in METRICS})
    misses: list[Miss] = field(default_factory=list)
    articles: int = 0

    def table(self) -> str:
        lines = [f"{'metric':<20}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
        for name, s in self.scores.items():
            lines.append(f"{name:<20}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
        return "\n".join(lines)

    def grouped(self) -> dict[tuple[str, str], list[Miss]]:
        """The errors by (kind, what), kinds in row order and whats in :data:`_WHAT_ORDER`."""
        kinds = ["persons", "organizations", "posts", "meetings", "memberships"]
        out: dict[tuple[str, str], list[Miss]] = defaultdict(list)
        for m in self.misses:
            out[(m.kind, m.what)].append(m)

        def rank(key: tuple[str, str]) -> tuple[int, int, str]:
            kind, what = key
            return (kinds.index(kind) if kind in kinds else len(kinds),
                    _WHAT_ORDER.index(what) if what in _WHAT_ORDER else len(_WHAT_ORDER), what)

        return {k: out[k] for k in sorted(out, key=rank)}

    def misses_text(self) -> str:
        lines = []
        for (kind, what), ms in self.grouped().items():
            lines.append(f"{kind} — {what} ({len(ms)})")
            lines += [f"   {m.article} | {m.detail}" for m in ms]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: {"p": round(s.precision, 3), "r": round(s.recall, 3), "f1": round(s.f1, 3),
                                      "tp": s.tp, "fp": s.fp, "fn": s.fn} for name, s in self.scores.items()}
        out["articles"] = self.articles
        out["errors"] = {f"{kind}: {what}": len(ms) for (kind, what), ms in self.grouped().items()}
        return out


def score(gold: dict[str, dict[str, Any]], rows: dict[str, dict[str, list[dict[str, Any]]]]) -> Report:
    """Compare gold files (by article id) with contract-query rows (query name → article → rows)."""
    report = Report(articles=len(gold))
    for article, g in gold.items():
        people, orgs = Names(g.get("persons", [])), Names(g.get("organizations", []))
        denied = g.get("not_facts", [])
        _entities(report, "persons", article, people, rows["persons"].get(article, []), denied)
        _entities(report, "organizations", article, orgs, rows["organizations"].get(article, []), denied)
        _wikidata(report, people, rows["persons"].get(article, []))
        _posts(report, article, g.get("posts", []), people, orgs, rows["posts"].get(article, []), denied)
        _meetings(report, article, g.get("meetings", []), people, rows["meetings"].get(article, []))
        _memberships(report, article, g.get("memberships", []), orgs, rows["memberships"].get(article, []),
                     denied)
    return report


def _by_label(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per folded label, in order of first appearance (the last row of each is kept)."""
    return list({fold(r.get("label")): r for r in rows}.values())


def _denial(denied: list[dict[str, Any]], kind: str, **fields: str | None) -> str | None:
    """The gold's reason why the text does not state this, if the gold lists it among ``not_facts``."""
    for nf in denied:
        if nf.get("kind") != kind:
            continue
        if all(k not in nf or (country_key(nf[k]) == country_key(v) if k in {"member", "country"}
                               else fold(nf[k]) == fold(v)) for k, v in fields.items()):
            return str(nf.get("why") or "")
    return None


def _entities(report: Report, kind: str, article: str, gold: Names, rows: list[dict[str, Any]],
              denied: list[dict[str, Any]]) -> None:
    stat = report.scores[kind]
    found: set[int] = set()
    optional = {i for i, e in enumerate(gold.entries) if e.get("optional")}
    for r in _by_label(rows):
        label = r.get("label")
        i = gold.find(label)
        if i is None or i in found:
            stat.fp += 1
            why = _denial(denied, kind.removesuffix("s"), name=label) if i is None else None
            what = "duplicate" if i is not None else "denied by the text" if why is not None else "extra"
            report.misses.append(Miss(article, kind, what, str(label) + (f" — gold: {why}" if why else "")))
        else:
            found.add(i)
    stat.tp += len(found - optional)
    for i, e in enumerate(gold.entries):
        if i not in found and i not in optional:
            stat.fn += 1
            report.misses.append(Miss(article, kind, "missed", e["name"]))


def _wikidata(report: Report, people: Names, rows: list[dict[str, Any]]) -> None:
    """Of the published persons that are gold persons with a QID, whether each carries that QID."""
    stat = report.scores["person_wikidata"]
    for r in _by_label(rows):
        i = people.find(r.get("label"))
        wanted = people.entries[i].get("wikidata") if i is not None else None
        if wanted:
            got = qid(r.get("wikidata"))
            stat.tp += int(got == wanted)
            stat.fp += int(got is not None and got != wanted)
            stat.fn += int(got != wanted)


_POST_FIELDS = ("person", "role", "organization", "country", "status")


def _post_text(post: dict[str, Any]) -> str:
    return " | ".join(str(post.get(k)) for k in _POST_FIELDS)


def _posts(report: Report, article: str, gold: list[dict[str, Any]], people: Names, orgs: Names,
           rows: list[dict[str, Any]], denied: list[dict[str, Any]]) -> None:
    hit_role: set[int] = set()
    hit_full: set[int] = set()
    optional = {j for j, gp in enumerate(gold) if gp.get("optional")}
    wrong: list[dict[str, Any]] = []  # published rows that match no gold post in full
    for r in rows:
        holder = people.find(r.get("person"))
        overlap = {j: role_overlap(r.get("role"), [gp["role"], *gp.get("role_alts", [])]) for j, gp in enumerate(gold)
                   if holder is not None and people.find(gp["person"]) == holder}
        candidates = sorted((j for j, o in overlap.items() if o >= 0.6), key=lambda j: (j in hit_role, -overlap[j]))
        role_match = next((j for j in candidates if j not in hit_role), None)
        full_match = next((j for j in candidates if j not in hit_full and _anchored(r, gold[j], orgs)), None)
        if role_match is None:
            report.scores["posts_holder_role"].fp += 1
        else:
            hit_role.add(role_match)
        if full_match is None:
            report.scores["posts_full"].fp += 1
            wrong.append(r)
        else:
            hit_full.add(full_match)
    for name, hits in (("posts_holder_role", hit_role), ("posts_full", hit_full)):
        report.scores[name].tp += len(hits - optional)
        report.scores[name].fn += len(set(range(len(gold))) - hits - optional)
    # Errors by kind: each missed gold post is shown with the holder's closest wrong row, if any.
    for j, gp in enumerate(gold):
        if j in hit_full or j in optional:
            continue
        holder = people.find(gp["person"])
        mine = [r for r in wrong if holder is not None and people.find(r.get("person")) == holder]
        if not mine:
            report.misses.append(Miss(article, "posts", "no post at all", f"gold: {_post_text(gp)}"))
            continue
        roles = [gp["role"], *gp.get("role_alts", [])]
        best = max(mine, key=lambda r: role_overlap(r.get("role"), roles))
        wrong.remove(best)
        report.misses.append(Miss(article, "posts", _post_error(best, gp, orgs),
                                  f"published: {_post_text(best)} — gold: {_post_text(gp)}"))
    for r in wrong:
        holder = people.find(r.get("person"))
        theirs = [gp for gp in gold if holder is not None and people.find(gp["person"]) == holder]
        why = _denial(denied, "post", person=r.get("person"), role=r.get("role"))
        if why is not None:
            what, note = "denied by the text", f" — gold: {why}"
        elif not theirs:
            what, note = "extra", " (the gold gives this person no post)"
        else:
            roles = [x for gp in theirs for x in (gp["role"], *gp.get("role_alts", []))]
            what = "duplicate" if role_overlap(r.get("role"), roles) >= 0.6 else "wrong role"
            note = ""
        report.misses.append(Miss(article, "posts", what, f"published: {_post_text(r)}{note}"))


def _post_error(row: dict[str, Any], gp: dict[str, Any], orgs: Names) -> str:
    """What is wrong with ``row`` as a statement of gold post ``gp``: role, anchor or status."""
    if role_overlap(row.get("role"), [gp["role"], *gp.get("role_alts", [])]) < 0.6:
        return "wrong role"
    if not _anchored({**row, "status": gp.get("status", "current")}, gp, orgs):
        return "wrong org or country"
    return "wrong status"


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


def _pairs(groups: Iterable[Iterable[str | None]]) -> set[tuple[str, str]]:
    out = set()
    for group in groups:
        members = sorted({p for p in group if p is not None})
        out |= {(a, b) for i, a in enumerate(members) for b in members[i + 1:]}
    return out


def _meetings(report: Report, article: str, gold: list[dict[str, Any]], people: Names,
              rows: list[dict[str, Any]]) -> None:
    def gold_ref(name: str | None) -> str | None:  # a gold participant not among the gold persons is left out
        i = people.find(name)
        return f"#{i}" if i is not None else None

    labels: dict[str, str] = {}

    def ref(name: str | None) -> str:  # a published participant that is no gold person stays itself
        out = gold_ref(name) or f"?{fold(name)}"
        labels.setdefault(out, str(name))
        return out

    def show(refs: Iterable[str]) -> str:
        return ", ".join(sorted(people.entries[int(x[1:])]["name"] if x.startswith("#") else labels.get(x, x[1:])
                                for x in refs))

    required = _pairs([gold_ref(p) for p in m["participants"]] for m in gold if not m.get("optional"))
    optional = _pairs([gold_ref(p) for p in m["participants"]] for m in gold if m.get("optional")) - required
    grouped: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        grouped[str(r.get("meeting"))].append(ref(r.get("participant")))
    predicted = _pairs(grouped.values()) - optional
    stat = report.scores["meeting_pairs"]
    stat.tp += len(predicted & required)
    stat.fp += len(predicted - required)
    stat.fn += len(required - predicted)

    # Meetings as wholes: each published meeting finds the gold meeting it shares most (two or more)
    # participants with; a second one for the same gold meeting is a split, one for none is extra.
    gsets = [({gold_ref(p) for p in m["participants"]} - {None}, bool(m.get("optional"))) for m in gold]
    found: dict[int, set[str]] = {}
    whole = report.scores["meetings"]
    for ps in map(set, grouped.values()):
        if len(ps) < 2:
            continue
        cands = sorted(((len(ps & gs), j) for j, (gs, _) in enumerate(gsets) if len(ps & gs) >= 2), reverse=True)
        fresh = [j for _, j in cands if j not in found and not gsets[j][1]]
        if fresh:
            j = fresh[0]
            found[j] = ps
            gs = gsets[j][0]
            if gs - ps:
                report.misses.append(Miss(article, "meetings", "missing participant",
                                          f"{show(gs - ps)} — of: {show(gs)}"))
            if ps - gs:
                report.misses.append(Miss(article, "meetings", "extra participant",
                                          f"{show(ps - gs)} — in: {show(ps)}"))
        elif not any(gsets[j][1] for _, j in cands):
            whole.fp += 1
            what = "split meeting" if cands else "extra meeting"
            report.misses.append(Miss(article, "meetings", what, show(ps)))
    required_j = [j for j, (_, opt) in enumerate(gsets) if not opt]
    whole.tp += len(found)
    whole.fn += len(required_j) - len(found)
    for j in required_j:
        if j not in found:
            report.misses.append(Miss(article, "meetings", "missed meeting", ", ".join(gold[j]["participants"])))


def _memberships(report: Report, article: str, gold: list[dict[str, Any]], orgs: Names,
                 rows: list[dict[str, Any]], denied: list[dict[str, Any]]) -> None:
    def key(member: str | None, body: str | None) -> tuple[str, int | None]:
        return country_key(member), orgs.find(body)  # a body the gold does not list is None, as one

    labels: dict[tuple[str, int | None], tuple[str, str]] = {}
    for m in gold:
        labels.setdefault(key(m["member"], m["organization"]), (m["member"], m["organization"]))
    for r in rows:
        labels.setdefault(key(r.get("member"), r.get("organization")),
                          (str(r.get("member")), str(r.get("organization"))))
    required = {key(m["member"], m["organization"]) for m in gold if not m.get("optional")}
    optional = {key(m["member"], m["organization"]) for m in gold if m.get("optional")} - required
    predicted = {key(r.get("member"), r.get("organization")) for r in rows} - optional
    stat = report.scores["memberships"]
    stat.tp += len(predicted & required)
    stat.fp += len(predicted - required)
    stat.fn += len(required - predicted)
    stated = {member for member, _ in required | optional}
    for k in sorted(predicted - required, key=str):
        member, body = labels[k]
        why = _denial(denied, "membership", member=member, organization=body)
        if why is not None:
            report.misses.append(Miss(article, "memberships", "denied by the text",
                                      f"{member} in {body} — gold: {why}"))
        elif k[0] in stated:
            report.misses.append(Miss(article, "memberships", "wrong organization", f"{member} in {body}"))
        else:
            report.misses.append(Miss(article, "memberships", "extra", f"{member} in {body}"))
    for k in sorted(required - predicted, key=str):
        member, body = labels[k]
        report.misses.append(Miss(article, "memberships", "missed", f"{member} in {body}"))


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
    if verbose and report.misses:
        print()
        print(report.misses_text())
    if json_out is not None:
        json_out.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    return 1 if problems else 0
