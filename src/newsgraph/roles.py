"""Role types: map an article's wording of a role to a concept of ``ontology/roles.ttl``.

Why the scheme drives this rather than a table in code: the labels a person reads in the role
scheme (prefLabel, altLabel, hiddenLabel) are exactly the wordings that map, so adding a wording is
a one-line change in Turtle, and the published vocabulary never disagrees with the extractor.

Callers pass the role without nationality or organization when they can ("Foreign Minister", not
"Turkish Foreign Minister"), but :func:`role_type` also copes with the usual extra words:

* case, accents, punctuation, hyphens, possessives, "defense"/"defence", plural endings;
* qualifiers that do not change the role: acting, interim, former, then-, -elect, -designate ...
  (any leading word that is not itself part of a known wording is dropped, one at a time);
* "deputy / vice / assistant / under" + a minister or head of government → the deputy concept
  (a deputy of anything else is not that thing, so it maps to nothing);
* "Minister of X" / "Secretary of State for X" → "X minister"; "Head of the Y" → "head";
* "shadow ..." (an opposition spokesperson, not the office) maps to nothing;
* as a last resort, the longest known wording of two or more words that the text starts with
  ("Prime Minister Jacques Chirac").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import pyoxigraph as ox

from newsgraph.resources import ontology_path
from newsgraph.vocab import NGR, RDF, SKOS

#: Leading words after which the rest is the deputy of a role, not the role.
_DEPUTY = frozenset({"deputy", "vice", "assistant", "under", "sub"})
#: Roles whose deputies have a concept of their own; every minister's deputy is a deputy minister.
_DEPUTY_OF = {
    "head-of-government": "deputy-head-of-government",
    "head-of-state": "deputy-head-of-state",
    "minister": "deputy-minister",
    "deputy-minister": "deputy-minister",
}
#: Leading words that mean the person does not hold the office at all.
_NOT_THE_OFFICE = frozenset({"shadow"})
#: Trailing words that leave the role as it is ("president-elect", "minister-designate").
_TRAILING = frozenset({"elect", "designate", "nominee"})
_PREPOSITIONS = frozenset({"of", "for", "to", "at", "in", "on"})
_DROP = frozenset({"the"})


@dataclass(frozen=True, slots=True)
class RoleConcept:
    """One concept of the role scheme, as read from ``roles.ttl``."""

    id: str
    label: str
    labels: tuple[str, ...]  # every prefLabel, altLabel and hiddenLabel
    broader: tuple[str, ...]


def _singular(token: str) -> str:
    """A crude English singular, applied alike to labels and wordings so both fold the same way."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if len(token) > 2 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def normalize(wording: str) -> tuple[str, ...]:
    """Fold a role wording to the tokens role lookup compares (also used on the scheme's labels)."""
    text = unicodedata.normalize("NFKD", wording.replace("ı", "i"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("’", "'").replace("‘", "'").replace("&", " and ")
    text = re.sub(r"'s\b", "", text).replace("'", "")
    tokens = []
    for raw in re.split(r"[^a-z0-9]+", text):
        if not raw or raw in _DROP:
            continue
        tok = _singular(raw)
        tokens.append("defence" if tok == "defense" else tok)
    while tokens and tokens[0] in {"a", "an"}:
        tokens.pop(0)
    return tuple(tokens)


@cache
def _scheme() -> tuple[dict[str, RoleConcept], dict[tuple[str, ...], str]]:
    """Parse ``roles.ttl`` once: the concepts by id, and the folded-label index.

    Two concepts claiming the same folded label would make lookups depend on file order, so that
    is refused here (and by the tests) rather than resolved silently.
    """
    path = ontology_path("roles.ttl")
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    ids = {
        NGR.local(t.subject)
        for t in triples
        if t.predicate == RDF.type and t.object == SKOS.Concept and isinstance(t.subject, ox.NamedNode)
        and t.subject in NGR
    }
    pref: dict[str, str] = {}
    labels: dict[str, list[str]] = {i: [] for i in ids}
    broader: dict[str, list[str]] = {i: [] for i in ids}
    label_predicates = {SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel}
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode) or t.subject not in NGR:
            continue
        cid = NGR.local(t.subject)
        if cid not in ids:
            continue
        if t.predicate in label_predicates and isinstance(t.object, ox.Literal):
            labels[cid].append(t.object.value)
            if t.predicate == SKOS.prefLabel and t.object.language in (None, "en"):
                pref[cid] = t.object.value
        elif t.predicate == SKOS.broader and isinstance(t.object, ox.NamedNode) and t.object in NGR:
            broader[cid].append(NGR.local(t.object))
    concepts = {
        cid: RoleConcept(cid, pref.get(cid, cid), tuple(labels[cid]), tuple(broader[cid]))
        for cid in sorted(ids)
    }
    index: dict[tuple[str, ...], str] = {}
    for concept in concepts.values():
        for label in concept.labels:
            key = normalize(label)
            other = index.setdefault(key, concept.id)
            if other != concept.id:
                raise ValueError(f"{path}: label {label!r} folds to {' '.join(key)!r}, "
                                 f"claimed by both ngr:{other} and ngr:{concept.id}")
    return concepts, index


def concepts() -> dict[str, RoleConcept]:
    """Every concept of the role scheme, by id (``"foreign-minister"``)."""
    return dict(_scheme()[0])


def role_label(concept_id: str) -> str | None:
    """The English preferred label of a role concept, or ``None`` for an unknown id."""
    concept = _scheme()[0].get(concept_id)
    return concept.label if concept else None


def role_iri(concept_id: str) -> ox.NamedNode:
    """The concept's IRI (``ngr:{id}``); ``ValueError`` if the scheme has no such concept."""
    if concept_id not in _scheme()[0]:
        raise ValueError(f"no role concept {concept_id!r} in roles.ttl")
    return NGR[concept_id]


def is_minister(concept_id: str) -> bool:
    """Whether a concept is ``minister`` or one of its narrower portfolios."""
    seen: set[str] = set()
    todo = [concept_id]
    while todo:
        cid = todo.pop()
        if cid == "minister":
            return True
        if cid in seen or cid not in _scheme()[0]:
            continue
        seen.add(cid)
        todo.extend(_scheme()[0][cid].broader)
    return False


@lru_cache(maxsize=4096)
def role_type(wording: str) -> str | None:
    """The role concept id for an article's wording of a role, or ``None`` if none fits.

    >>> role_type("National Defense Minister"), role_type("Minister of Foreign Affairs")
    ('defence-minister', 'foreign-minister')
    """
    tokens = normalize(wording)
    if not tokens:
        return None
    hit = _resolve(tokens)
    if hit is None and tokens[0] not in _NOT_THE_OFFICE | _DEPUTY:
        # Last resort for trailing noise ("Prime Minister Jacques Chirac"): a known wording of two
        # or more words that the text starts with (one word, "Chief ...", says too little).
        hit = next((h for i in range(len(tokens) - 1, 1, -1) if (h := _exact(tokens[:i]))), None)
    return hit


def _exact(tokens: tuple[str, ...] | list[str]) -> str | None:
    return _scheme()[1].get(tuple(tokens))


def _resolve(tokens: tuple[str, ...]) -> str | None:
    if not tokens:
        return None
    hit = _exact(tokens)
    if hit:
        return hit
    if tokens[0] in _NOT_THE_OFFICE:
        return None
    if tokens[-1] in _TRAILING:
        return _resolve(tokens[:-1])
    if tokens[0] in _DEPUTY and len(tokens) > 1:
        inner = _resolve(tokens[1:])
        if inner is None:
            return None
        return _DEPUTY_OF.get(inner) or ("deputy-minister" if is_minister(inner) else None)
    portfolio = _portfolio(tokens)
    if portfolio:
        return portfolio
    prefix = _longest_prefix(tokens)
    if prefix:
        return prefix
    if "and" in tokens[1:-1]:
        conj = _conjunction(tokens)
        if conj:
            return conj
    if tokens[0] == "minister" and len(tokens) > 2 and tokens[1] in {"of", "for"}:
        # "Minister of Tourism": no portfolio concept, but still a minister.
        return _resolve((*tokens[2:], "minister"))
    return _resolve(tokens[1:])


def _portfolio(tokens: tuple[str, ...]) -> str | None:
    """"Minister of X", "Secretary of X", "Secretary of State for X" → the "X minister" concept."""
    if tokens[:4] == ("secretary", "of", "state", "for"):
        rest = tokens[4:]
    elif len(tokens) > 2 and tokens[0] in {"minister", "secretary"} and tokens[1] in {"of", "for"}:
        rest = tokens[2:]
    else:
        return None
    if not rest:
        return None
    heads = ("minister", "secretary")
    for candidate in (rest, rest[:1], rest[:2]):
        if "and" in candidate:
            candidate = candidate[:candidate.index("and")]
        for head in heads:
            hit = _exact((*candidate, head))
            if hit:
                return hit
    return None


def _longest_prefix(tokens: tuple[str, ...]) -> str | None:
    """The longest known wording that ends just before a preposition ("Head | of the FSB")."""
    for i in range(len(tokens) - 1, 0, -1):
        if tokens[i] in _PREPOSITIONS:
            hit = _exact(tokens[:i])
            if hit:
                return hit
    return None


def _conjunction(tokens: tuple[str, ...]) -> str | None:
    """"Energy and Mines Minister" → energy minister; "Chairman and Chief Executive" → CEO."""
    i = tokens.index("and", 1)
    left, right = tokens[:i], tokens[i + 1:]
    for candidate in ((*left, right[-1]), right, left):
        hit = _exact(candidate)
        if hit:
            return hit
    return _resolve(right)
