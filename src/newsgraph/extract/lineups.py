"""Line-ups: one plural title shared by a list of names, each with its own country.

Summit and cabinet copy names several office holders under one title:

* a list with each country in brackets or after "from" — "Presidents A (Ghana), B (Liberia) and
  C from Togo", "The attending prime ministers include: • A (Fiji) • B (Samoa)";
* a respective list — "the presidents of Kazakhstan and Uzbekistan, A and B", "the foreign
  ministers of France and Germany, A and B respectively": the n-th name holds the post of the
  n-th country, and only when both lists are as long.

Each yields (holder key, role wording in the singular, country name, status) for the post rules
to turn into claims. Nothing is claimed when the title is not a role noun, when a verb other than
a listing one ("include", "are", "attend") stands between the title and the name, or when a name
has no country of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from newsgraph.extract.doc_cache import lowers
from newsgraph.extract.entities import EntityIndex, Mention
from newsgraph.extract.lexicon import FORMER_MARKERS, ROLE_MODIFIERS, ROLE_NOUNS
from newsgraph.extract.roles_text import country_of
from newsgraph.facts import Kind
from newsgraph.link.gazetteer import Gazetteer

#: Verbs that introduce a list without saying anything else about it.
_LISTING = {"include", "be", "comprise", "attend", "feature", "number"}
#: Tokens that may separate the items of a list.
_SEPARATORS = {",", "and", ";", "•", "-", "–", "—", ":", "as", "well", "also", "plus", "respectively", "the"}
_WINDOW = 80  # tokens a list may run after its title


@dataclass(frozen=True, slots=True)
class ListedPost:
    holder: str
    role: str
    country: str
    former: bool
    sentence_token: int  # a token of the sentence that states it (for the evidence)


def _singular(word: str) -> str:
    low = word.lower()
    if low.endswith("ies") and low[:-3] + "y" in ROLE_NOUNS:
        return word[:-3] + ("Y" if word.isupper() else "y")
    if low.endswith("s") and low[:-1] in ROLE_NOUNS:
        return word[:-1]
    return word


def _plural_title(tok: Token) -> bool:
    low = tok.lower_
    if tok.tag_ not in {"NNS", "NNPS"}:
        return False
    return (low.endswith("ies") and low[:-3] + "y" in ROLE_NOUNS) or (low.endswith("s") and low[:-1] in ROLE_NOUNS)


def _title_words(head: Token) -> tuple[str, bool]:
    """The singular wording of a plural title ("Prime Ministers" → "Prime Minister") and whether
    it is marked past ("former presidents")."""
    words = [_singular(head.text)]
    former = False
    i = head.i - 1
    while i >= 0 and head.i - i <= 3:
        t = head.doc[i]
        low = t.lower_
        if low in FORMER_MARKERS:
            former = True
            break
        if low in ROLE_MODIFIERS or (low in ROLE_NOUNS and t.dep_ == "compound"):
            words.insert(0, t.text)
            i -= 1
            continue
        break
    return " ".join(words), former


def _bracket_country(doc: Doc, m: Mention, idx: EntityIndex, gaz: Gazetteer) -> tuple[str | None, int]:
    """The country in "NAME (Ghana)" or "NAME from Ghana", and the token after it."""
    j = m.end
    if j < len(doc) and doc[j].text == "(":
        close = next((k for k in range(j + 1, min(j + 8, len(doc))) if doc[k].text == ")"), None)
        if close is None or close == j + 1:
            return None, j
        inner = doc[j + 1:close]
        other = idx.at(inner[0].i)
        if other is not None and other.kind is Kind.COUNTRY and other.key and other.end == close:
            return idx.entities[other.key].name, close + 1
        found = gaz.country(inner.text.strip())
        return (found.name if found else None), close + 1
    if j + 1 < len(doc) and doc[j].lower_ == "from":
        other = idx.at(j + 1)
        if other is not None and other.kind is Kind.COUNTRY and other.key:
            return idx.entities[other.key].name, other.end
    return None, j


def _title_before_list(doc: Doc, start: int, idx: EntityIndex) -> Token | None:
    """The plural title a list item at ``start`` hangs from: reading back over the list's other
    items, separators and a listing verb only."""
    i = start - 1
    lo = max(0, start - _WINDOW)
    while i >= lo:
        t = doc[i]
        if _plural_title(t):
            return t
        m = idx.at(i)
        if m is not None:
            i = m.start - 1
            continue
        if t.text in {".", "?", "!"} or (t.pos_ in {"VERB", "AUX"} and t.lemma_ not in _LISTING):
            return None
        if not (t.is_space or t.is_punct or t.lower_ in _SEPARATORS or t.pos_ in {"PROPN", "DET", "ADP", "NUM"}
                or t.lemma_ in _LISTING or t.text.startswith("•")):
            return None
        i -= 1
    return None


def bracket_lists(doc: Doc, idx: EntityIndex, gaz: Gazetteer) -> list[ListedPost]:
    """ "Presidents A (Ghana), B (Liberia) and C from Togo" → each name's post."""
    out: list[ListedPost] = []
    for m in idx.mentions:
        if m.kind is not Kind.PERSON or not m.key:
            continue
        country, _ = _bracket_country(doc, m, idx, gaz)
        if country is None:
            continue
        title = _title_before_list(doc, m.start, idx)
        if title is None:
            continue
        role, former = _title_words(title)
        out.append(ListedPost(m.key, role, country, former, m.start))
    return out


def respective_lists(doc: Doc, idx: EntityIndex, gaz: Gazetteer) -> list[ListedPost]:
    """ "the presidents of Kazakhstan and Uzbekistan, A and B": the n-th name, the n-th country."""
    out: list[ListedPost] = []
    low = lowers(doc)
    for i in range(len(doc)):
        if not low[i].endswith("s"):
            continue  # (no plural title)
        tok = doc[i]
        if not _plural_title(tok) or tok.i + 2 >= len(doc) or doc[tok.i + 1].lower_ != "of":
            continue
        countries: list[str] = []
        j = tok.i + 2
        while j < len(doc):
            m = idx.at(j)
            if m is not None and m.kind is Kind.COUNTRY and m.key:
                countries.append(idx.entities[m.key].name)
                j = m.end
            elif (c := country_of(doc[j], gaz)) is not None and m is None:
                countries.append(c)
                j += 1
            elif doc[j].lower_ in {",", "and", "the"}:
                j += 1
            else:
                break
        if len(countries) < 2:
            continue
        holders: list[tuple[str, int]] = []
        while j < len(doc):
            m = idx.at(j)
            if m is not None and m.kind is Kind.PERSON and m.key:
                holders.append((m.key, m.start))
                j = m.end
            elif doc[j].lower_ in {",", "and"}:
                j += 1
            else:
                break
        if len(holders) != len(countries) or len({h for h, _ in holders}) != len(holders):
            continue
        role, former = _title_words(tok)
        out += [ListedPost(h, role, c, former, start) for (h, start), c in zip(holders, countries, strict=True)]
    return out
