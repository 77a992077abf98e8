"""The matching step of spaCy's ``attribute_ruler``, done with dictionaries instead of spaCy's Matcher:
the same matches, in the same order, for a tenth of the CPU.

Why: the English pipelines' attribute ruler (it maps fine-grained tags to coarse ones and fixes the
pronouns' morphology and lemmas, which the lemmatizer and the rules read) holds about 180 patterns,
and spaCy's :class:`~spacy.matcher.Matcher` tries every pattern at every token, and every set or
regex predicate at every token (in Python). That was 28 ms per 1,000 words, some 8% of a one-worker
ingest and a tenth of spaCy's own time, for a few matches per sentence. Here each pattern is filed
under what its first token must equal (its tag, lower-case form or dependency label), so each token
is checked only against the handful of patterns it can start; the few with no such constraint are
tried everywhere, as before.

Only patterns this module fully understands are taken over: each token a dict of ``TAG``, ``LOWER``,
``DEP`` (a string, or ``{"IN": [...]}``, ``{"NOT_IN": [...]}``, ``{"REGEX": "..."}``) and ``IS_SPACE``
(a bool), no operators. A ruler with any other pattern keeps spaCy's matcher (:func:`install`
returns ``False``). The semantics are the Matcher's: strings compare as spaCy compares their hashes
(an unset tag or label is the empty string), a regex is searched (``re.search``), matches are unique
per (pattern key, start, end), and :meth:`~spacy.pipeline.AttributeRuler.match`'s order (by key,
then position) is kept, so ``set_annotations`` applies them exactly as before. The tests compare
both matchers token for token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from newsgraph.extract.doc_cache import strings_of

#: The token attributes understood, in the order of the per-doc value lists.
_ATTRS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
#: A check on one token: (attribute number, operator, value); operators "=", "in", "not in", "re".
Check = tuple[int, str, Any]
#: A compiled pattern: (attribute-rule number, match id, the checks of each of its tokens).
Compiled = tuple[int, int, tuple[tuple[Check, ...], ...]]


def _token_checks(spec: object) -> tuple[Check, ...] | None:
    """The checks of one token dict, or None for anything not understood."""
    if not isinstance(spec, dict) or not spec:
        return None
    checks: list[Check] = []
    for name, value in spec.items():
        attr = _ATTRS.get(name)
        if attr is None:
            return None
        if name == "IS_SPACE":
            if not isinstance(value, bool):
                return None
            checks.append((attr, "=", value))
        elif isinstance(value, str):
            checks.append((attr, "=", value))
        elif isinstance(value, dict) and len(value) == 1:
            (op, arg), = value.items()
            if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
                checks.append((attr, "in" if op == "IN" else "not in", frozenset(arg)))
            elif op == "REGEX" and isinstance(arg, str):
                checks.append((attr, "re", re.compile(arg)))
            else:
                return None
        else:
            return None
    return tuple(checks)


def _holds(check: Check, values: tuple[list[Any], ...], i: int) -> bool:
    attr, op, arg = check
    value = values[attr][i]
    if op == "=":
        return bool(value == arg)
    if op == "in":
        return value in arg
    if op == "not in":
        return value not in arg
    return arg.search(value) is not None


class FastAttributeMatch:
    """``AttributeRuler.match`` for one ruler's patterns (see the module's docstring)."""

    def __init__(self, patterns: list[Compiled]) -> None:
        self.patterns = patterns
        # Patterns by an equality their first token needs (a set of values files it under each),
        # each filed with the checks left once that equality holds; the others are tried at every
        # token. A filed pattern of one token with nothing left to check matches at once.
        self.by_value: tuple[dict[Any, list[_Filed]], ...] = ({}, {}, {})
        self.anywhere: list[_Filed] = []
        self._searched: dict[str, dict[str, bool]] = {}  # per regex: its answer for each string met
        for rule, match_id, tokens in patterns:
            first = tokens[0]
            # the lower-case form first (the most selective: "DT" + "the"), then the tag, then the label
            keyed = min(((a, op, v) for a, op, v in first if a < 3 and op in ("=", "in")),
                        key=lambda c: _KEY_ORDER[c[0]], default=None)
            if keyed is None:
                self.anywhere.append((rule, match_id, first, tokens[1:]))
                continue
            attr, op, value = keyed
            rest = tuple(c for c in first if c is not keyed)
            for v in ([value] if op == "=" else sorted(value)):
                self.by_value[attr].setdefault(v, []).append((rule, match_id, rest, tokens[1:]))

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        n = len(doc)
        if not n:
            return []
        # read fresh (not the rules' per-Doc lists): the ruler itself may set tags and labels
        values = (strings_of(doc, TAG), strings_of(doc, LOWER), strings_of(doc, DEP),
                  [v == 1 for v in doc.to_array(IS_SPACE).tolist()])
        found: set[tuple[int, int, int, int]] = set()
        for attr, table in enumerate(self.by_value):
            for i, value in enumerate(values[attr]):
                filed = table.get(value)
                if filed is not None:
                    _try(filed, values, i, n, found)
        for filed in self.anywhere:  # its first check over the whole column, then the rest where it holds
            check = filed[2][0]
            column = values[check[0]]
            if check[1] == "re":
                seen = self._searched.setdefault(check[2].pattern, {})
                if len(seen) > MAX_SEARCHED:
                    seen.clear()
                starts = [i for i, v in enumerate(column) if _search(seen, check[2], v)]
            else:
                starts = [i for i, v in enumerate(column) if _holds(check, values, i)]
            for i in starts:
                _try([filed], values, i, n, found)
        return sorted(found)


#: The order in which a first token's equalities are preferred for filing: LOWER, TAG, DEP.
_KEY_ORDER = {1: 0, 0: 1, 2: 2}
#: Strings whose regex answer is kept, per regex, before the table is emptied (RSS stays flat).
MAX_SEARCHED = 50_000


def _search(seen: dict[str, bool], regex: re.Pattern[str], value: str) -> bool:
    """``regex.search(value)``, answered once per string."""
    hit = seen.get(value)
    if hit is None:
        hit = seen[value] = regex.search(value) is not None
    return hit


#: A pattern as filed: (attribute-rule number, match id, the first token's checks left, the checks
#: of each later token).
_Filed = tuple[int, int, tuple[Check, ...], tuple[tuple[Check, ...], ...]]


def _try(filed: list[_Filed], values: tuple[list[Any], ...], i: int, n: int,
         found: set[tuple[int, int, int, int]]) -> None:
    """Add the matches of ``filed`` starting at token ``i`` to ``found``."""
    for rule, match_id, first, later in filed:
        end = i + 1 + len(later)
        if end > n:
            continue
        if first and not all(_holds(c, values, i) for c in first):
            continue
        if later and not all(_holds(c, values, i + 1 + k) for k, checks in enumerate(later) for c in checks):
            continue
        found.add((rule, match_id, i, end))


def compile_ruler(ruler: AttributeRuler) -> FastAttributeMatch | None:
    """A fast matcher for ``ruler``'s patterns, or None when one of them is not understood."""
    compiled: list[Compiled] = []
    strings = ruler.vocab.strings
    for rule, entry in enumerate(ruler.patterns):
        if entry.get("index", 0) != ruler.indices[rule]:
            return None  # not the layout AttributeRuler.patterns is documented to give
        match_id = strings[str(rule)]
        for pattern in entry["patterns"]:
            if not isinstance(pattern, list) or not pattern:
                return None
            tokens = [_token_checks(spec) for spec in pattern]
            if any(t is None for t in tokens):
                return None
            compiled.append((rule, match_id, tuple(t for t in tokens if t is not None)))
    return FastAttributeMatch(compiled)


def install(nlp: Language) -> bool:
    """Give ``nlp``'s attribute ruler the fast matcher; ``False`` (spaCy's kept) when it has no
    ruler or a pattern is not understood. Patterns added to the ruler afterwards would not be seen:
    call this once the pipeline is complete (:func:`newsgraph.extract.build_pipeline` does)."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    if not isinstance(ruler, AttributeRuler):
        return False
    fast = compile_ruler(ruler)
    if fast is None:
        return False
    match: Callable[[Doc], list[tuple[int, int, int, int]]] = fast
    ruler.match = match  # type: ignore[method-assign]  # AttributeRuler.__call__ calls self.match
    return True
