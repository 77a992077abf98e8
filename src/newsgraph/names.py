"""Person names as identity sees them: titles off, folded to ASCII tokens, compared across spellings.

Wire copy names one person many ways: "Gen Pervez Musharraf", "Pervez Musharraf", "Gen Musharraf";
"Kassym-Jomart Tokayev" and "Kassym-Jomart Toqaev"; "Tayyip Erdogan" and "Recep Tayyip Erdoğan";
"Faisal bin Farhan" and "Faisal bin Farhan Al Saud". :mod:`newsgraph.link.identity` decides which of them
are one person; this module only says what a name is made of and how two names relate, so that
the rules stay readable and the same forms reach both the IRI (:func:`core_name`) and the index.

Titles are a closed list of general English honorifics and ranks of the genre (civil, military,
royal, religious), never a name seen in one story. A title is dropped only at the start of a name
and only while a name word is left ("General" alone stays a name).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from anyascii import anyascii

#: Words that open a name without being part of it ("Gen Musharraf", "Sergeant Keith McDonald").
TITLES = frozenset("""
mr mrs ms miss mx dr prof professor sir dame madam mister pm
president vice prime premier chancellor minister secretary senator sen rep representative congressman
congresswoman governor gov mayor ambassador envoy speaker chairman chairwoman chair judge justice
deputy acting former ex late foreign defence defense interior finance
king queen prince princess crown emperor empress emir sheikh sheik sultan shah
pope cardinal archbishop bishop rev reverend father imam ayatollah rabbi
gen general lt lieut lieutenant col colonel maj major capt captain cpt sgt sergeant cpl corporal
pte private pvt adm admiral brig brigadier cmdr commander cdr marshal commodore commandant
insp inspector supt superintendent det detective constable pc officer chief
""".split())

#: Name particles: kept in a name, but not what tells two names apart ("bin", "al", "van").
PARTICLES = frozenset("al el ad as ash bin ibn bint ben abu de da di do dos du van von der den la le".split())

_SPLIT = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouyhw]")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """ASCII, lower case, apostrophes dropped: "Erdoğan" -> "erdogan", "Путин" -> "putin"."""
    return anyascii(text).lower().replace("'", "").replace("’", "")


@lru_cache(maxsize=65536)
def tokens(text: str) -> list[str]:
    """The folded words of a name: "Abdel-Fattah el-Sissi" -> abdel fattah el sissi."""
    return [t for t in _SPLIT.split(fold(text)) if t]


@lru_cache(maxsize=65536)
def core_name(name: str) -> str:
    """``name`` without the titles it opens with, in its own spelling: "Gen. Pervez Musharraf" ->
    "Pervez Musharraf". The IRI and the preferred label are made from this form."""
    words = name.split()
    while len(words) > 1 and (tokens(words[0]) or [""])[0] in TITLES and len(tokens(words[0])) == 1:
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=65536)
def significant(name: str) -> tuple[str, ...]:
    """The folded words of the core name that tell names apart (particles dropped)."""
    return tuple(t for t in tokens(core_name(name)) if t not in PARTICLES)


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A folded word's consonants, spelling-blind: "tokayev" and "toqaev" -> "tkv"."""
    w = word.replace("q", "k").replace("c", "k").replace("x", "ks")
    if not w:
        return ""
    rest = _VOWELS.sub("", w[1:])
    out = w[0]
    for ch in rest:
        if ch != out[-1]:
            out += ch
    return out


@lru_cache(maxsize=65536)
def similar(a: str, b: str) -> bool:
    """Two spellings of one name word: "mirziyoyev"/"mirziyoev", "tokayev"/"toqaev", "shoigu"/"shoygu".
    Short words must be equal ("li" and "lu" are two names), and a feminine form is another person
    ("lavrova", "zelenska"); "hassan" and "hussein" are two names."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or _gendered(a, b) or _gendered(b, a):
        return False
    ratio = SequenceMatcher(None, a, b).ratio()
    if ratio >= 0.8:
        return True
    return ratio >= 0.7 and min(len(a), len(b)) >= 5 and a[0] == b[0] and skeleton(a) == skeleton(b) \
        and abs(len(a) - len(b)) <= 2


def _gendered(a: str, b: str) -> bool:
    """``b`` is the feminine form of ``a`` (Lavrov/Lavrova, Zelensky/Zelenska): a relative, not a spelling."""
    return b == a + "a" or (a[-3:] in ("sky", "ski", "kiy", "kyi") and b[:-3] == a[:-3] and b[-3:] == "ska")


@lru_cache(maxsize=65536)
def relation(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """How two full names (significant words, two or more each) relate: "exact"; "variant" (same
    words, one spelt differently: "Shavkat Mirziyoev"); "part" (one is the other with words left out,
    keeping its first or its last: "Tayyip Erdogan", "Faisal bin Farhan"); else None."""
    if len(a) < 2 or len(b) < 2:
        return None
    if a == b:
        return "exact"
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return "variant" if len(diff) == 1 and similar(*diff[0]) and diff[0] != (a[0], b[0]) else None
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if short[-1] != long[-1] and short[0] != long[0]:
        return None
    it = iter(long)
    if all(any(w == x for x in it) for w in short):  # a subsequence of the longer name
        return "part"
    return None
