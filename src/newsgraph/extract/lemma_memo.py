"""spaCy's rule lemmatizer with every answer kept: the same lemmas, each worked out once per process.

Why: the English lemmatizer keeps the lemmas it derives by rule, but not those of base forms (a
singular noun, an infinitive, a positive adjective: most words of a news story) nor those of words
whose tag has no rules, so for each of those every token runs ``is_base_form`` again, which builds
the token's morphology as a dict. A rule lemma depends on nothing but the word, its coarse tag and
its morphology (and the model's tables, fixed once loaded), so :func:`install` gives the
lemmatizer a ``lemmatize`` that keeps every answer under that key: spaCy's own ``__call__`` still
sets the lemmas, with the answers spaCy gives. Tokens without a coarse tag are not kept (spaCy warns
about them, and a warning should come as often as it did).

Only spaCy's own rule lemmatizers (``Lemmatizer`` and the English one) in ``rule`` mode are taken
over; any other keeps its method. The table is emptied at :data:`MAX_KEPT` keys (RSS stays flat).
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Token

#: Answers kept before the table is emptied and filled again (a few tens of MB at most).
MAX_KEPT = 200_000


def memoized(lemmatize: Callable[[Token], list[str]]) -> Callable[[Token], list[str]]:
    """``lemmatize`` with its answers kept by (word, coarse tag, morphology)."""
    table: dict[tuple[int, int, int], list[str]] = {}

    def kept(token: Token) -> list[str]:
        key = (token.orth, token.pos, token.morph.key)
        got = table.get(key)
        if got is None:
            got = lemmatize(token)
            if token.pos:  # no coarse tag: spaCy warns each time; leave it to spaCy
                if len(table) >= MAX_KEPT:
                    table.clear()
                table[key] = got
        return got

    return kept


def install(nlp: Language) -> bool:
    """Give ``nlp``'s lemmatizer the kept answers; ``False`` (left as it is) when it has none or it
    is not one of spaCy's own rule lemmatizers."""
    if "lemmatizer" not in nlp.pipe_names:
        return False
    lemmatizer = nlp.get_pipe("lemmatizer")
    if type(lemmatizer) not in (Lemmatizer, EnglishLemmatizer) or lemmatizer.mode != "rule":
        return False
    lemmatizer.lemmatize = memoized(lemmatizer.rule_lemmatize)
    return True
