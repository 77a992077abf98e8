"""What the rest of the article says about a post once it has been read off its title.

A title gives the role; whether the post is still held and which country it belongs to often
stand elsewhere:

* the holder **died** ("Former prime minister X has died"): every post they held is past;
* the holder was **dismissed or replaced** ("Y fired Defense Minister X", "Y replaced Foreign
  Minister X"): the post the title names is past;
* the post is dated to a **period that ended** ("was chief of the air force from 2018 to 2021",
  "As foreign secretary in the early 1970s", "was appointed environment minister in 2016"):
  past, measured against the article's date (or, undated, the latest year the article names);
* the **country**, when the article gives none, is the one of the Wikidata position of that role
  the offline gazetteer says the holder held: wire copy leaves out "U.S." before "President Donald
  Trump", and the article's "home country" guess is then wrong for a foreign leader.

Two claims of one holder that the role scheme reads as one role (“Prime Minister” and “Premier”)
are one post: the better-anchored one is kept.
"""

from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Doc, Token

from newsgraph.extract.doc_cache import doc_text, lemma_lowers
from newsgraph.extract.entities import EntityIndex
from newsgraph.facts import Kind, PostClaim, Status
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.roles import is_minister, role_type

#: Verbs whose subject has died: all their posts are past.
_DIE = {"die", "pass"}
#: Verbs whose object loses the post its title names ("fired Defense Minister X").
_DISMISS = {"fire", "sack", "dismiss", "oust", "remove", "replace", "depose", "topple", "unseat", "axe", "sideline"}
#: Nouns that make their possessor the former holder ("X's successor", "Leyva's replacement").
_SUCCESSOR_NOUNS = {"replacement", "successor"}
#: Verbs that date the start of a post, not its end.
_STARTS = {"become", "appoint", "elect", "name", "nominate", "swear", "choose", "select", "designate", "succeed",
           "replace", "take", "assume", "install", "promote", "reappoint", "re-elect", "confirm"}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")


def reference_year(doc: Doc, published: date | str | None) -> int | None:
    """The year the article speaks from: its date, else the latest year it names."""
    if isinstance(published, date):
        return published.year
    if published and str(published)[:4].isdigit():
        return int(str(published)[:4])
    years = [int(y) for y in _YEAR.findall(doc_text(doc))]
    return max(years) if years else None


def _ended_before(tokens: list[Token], year: int | None) -> bool:
    """Whether a time expression among ``tokens`` ends before ``year`` ("from 2009 to 2018")."""
    if year is None:
        return False
    found = [t for t in tokens if t.ent_type_ == "DATE"]
    if not found:
        return False
    text = " ".join(t.text for t in found)
    if re.search(r"\b(since|until|till|present|now|current|this|next)\b", text.lower()):
        return False
    years = [int(y) for y in _YEAR.findall(text)]
    if not years or max(years) >= year:
        return False
    # A period, not a point: "from 2018 to 2021", "2005-2015", "in the 1970s". "President during
    # the 2014 crisis" says nothing of whether the post has ended.
    words = {t.lower_ for t in tokens}
    return bool(words & {"from", "to", "until", "till", "between", "-", "–"}) or bool(re.search(r"\d0s\b", text))


def _date_tokens(verb: Token) -> list[Token]:
    """The time expressions a verb carries: "in 2016", "from 2018 to 2021" (not "since 2005")."""
    out: list[Token] = []
    for c in verb.children:
        if c.lower_ in {"since", "until", "till"}:
            continue
        if c.dep_ in {"prep", "npadvmod", "advmod", "pobj"} or c.ent_type_ == "DATE":
            out += [t for t in c.subtree]
    return out


def past_by_date(verb: Token | None, role_tokens: list[Token], year: int | None) -> bool:
    """A post dated to a period that ended before the article's year."""
    if year is None:
        return False
    if any(t.lower_ in {"since", "until", "till"} for t in role_tokens):
        return False
    toks = list(role_tokens)
    if verb is not None:
        if verb.lemma_ in _STARTS:
            return False  # "became prime minister in 2021" dates the start, not the end
        if any(c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ in {"VBZ", "VBP"} for c in verb.children):
            return False  # "has been minister since 2005": present perfect reaches the present
        toks += _date_tokens(verb)
    return _ended_before(toks, year)


def dead_holders(doc: Doc, idx: EntityIndex) -> set[str]:
    """Persons the article reports dead ("X has died", "X, who died in 2020")."""
    out: set[str] = set()
    lemmas = lemma_lowers(doc)
    for i in range(len(doc)):
        if lemmas[i] not in _DIE:
            continue  # (a lemma in _DIE is lower-case already)
        verb = doc[i]
        if verb.lemma_ not in _DIE or verb.pos_ != "VERB":
            continue
        if verb.lemma_ == "pass" and not any(c.lower_ == "away" for c in verb.children):
            continue
        for c in verb.children:
            if c.dep_ != "nsubj":
                continue
            m = idx.at(c.i)
            if m is not None and m.kind is Kind.PERSON and m.key:
                out.add(m.key)
            elif c.lower_ == "who" and verb.dep_ == "relcl":
                head = idx.at(verb.head.i)
                if head is not None and head.kind is Kind.PERSON and head.key:
                    out.add(head.key)
            elif c.lower_ in {"he", "she"}:
                key = idx.resolve_pronoun(c)
                if key:
                    out.add(key)
    return out


def dismissed(doc: Doc, start: int, end: int) -> bool:
    """Whether the name at ``doc[start:end]`` is the object of a dismissal that has happened
    ("Netanyahu fired Defense Minister Gallant", "Petro has replaced Foreign Minister Leyva")."""
    root = doc[start:end].root
    head = root.head
    if root.dep_ in {"compound", "appos"} and head.i != root.i:  # "Foreign Minister [Leyva]" parses either way
        root, head = head, head.head
    if root.dep_ == "poss" and head.lemma_ in _SUCCESSOR_NOUNS:
        return True  # "Leyva's permanent replacement"
    if root.dep_ not in {"dobj", "nsubjpass"} or head.lemma_ not in _DISMISS:
        return False
    if any(c.dep_ == "aux" and c.lower_ in {"will", "would", "could", "may", "might", "to", "should"}
           for c in head.children) or head.dep_ == "xcomp":
        return False  # "will replace", "wants to sack": not done yet
    return not any(c.dep_ == "neg" for c in head.children)


def _one_seat(concept: str) -> bool:
    """Roles a person holds once at a time: a head of state, a foreign minister — not "a minister"
    or "a deputy minister", of which one person can be several."""
    if concept in {"minister", "deputy-minister"}:
        return False
    return concept in {"head-of-state", "head-of-government", "deputy-head-of-state", "deputy-head-of-government",
                       "secretary-general", "party-leader"} or is_minister(concept)


def british_chancellors(posts: list[PostClaim], idx: EntityIndex) -> None:
    """A bare "Chancellor" in a British post is the Chancellor of the Exchequer, not the head of
    government (who is the Prime Minister)."""
    for p in posts:
        if " ".join(p.role.lower().split()) != "chancellor" or not p.country:
            continue
        country = idx.entities.get(p.country)
        if country is not None and country.name == "United Kingdom":
            p.role_type = "finance-minister"


def dedupe_by_concept(posts: list[PostClaim]) -> list[PostClaim]:
    """One claim per holder, role concept and status: "Prime Minister" and "Premier" are one post."""
    best: dict[tuple, int] = {}
    keep = [True] * len(posts)
    for i, p in enumerate(posts):
        concept = p.role_type or role_type(p.role)
        if concept is None or not _one_seat(concept):
            continue
        key = (p.holder, concept, p.status, p.organization)
        j = best.get(key)
        if j is None:
            best[key] = i
            continue
        if _rank(p) > _rank(posts[j]):
            keep[j] = False
            best[key] = i
        else:
            keep[i] = False
    return [p for p, k in zip(posts, keep, strict=True) if k]


def _rank(p: PostClaim) -> tuple:
    return (p.organization is not None or p.country is not None, p.confidence, -len(p.role))


_KNOWN: dict[tuple[int, str, str], tuple[str, ...]] = {}


def _countries_for(gaz: Gazetteer, name: str, concept: str) -> tuple[str, ...]:
    """Countries of the positions of role ``concept`` held by the gazetteer's persons called ``name``."""
    key = (id(gaz), name, concept)
    if key not in _KNOWN:
        people = gaz.persons_named(name)
        if not people and " " not in name.strip():
            people = gaz.persons_by_surname(name)
        found: set[str] = set()
        for person in people:
            for tenure in person.held:
                pos = gaz.position(tenure.position)
                if pos is not None and pos.country and pos.role == concept:
                    found.add(pos.country)
        if len(_KNOWN) > 20000:
            _KNOWN.clear()
        _KNOWN[key] = tuple(sorted(found))
    return _KNOWN[key]


def known_country(gaz: Gazetteer, name: str, role: str) -> str | None:
    """The one country whose position of this role the gazetteer says ``name`` held, if one."""
    concept = role_type(role)
    if concept is None or concept in {"minister", "politician", "member-of-parliament"}:
        return None  # too general to say whose
    codes = _countries_for(gaz, name, concept)
    if len(codes) != 1:
        return None
    country = gaz.by_code(codes[0])
    return country.name if country else None


def mark_past(posts: list[PostClaim], keys: set[str]) -> None:
    """Every post of these holders is past."""
    for p in posts:
        if p.holder in keys:
            p.status = Status.FORMER
