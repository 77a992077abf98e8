"""The gazetteer as the extraction rules and the offline linker see it: the same answers, each name
looked up once per process. It lives beside the gazetteer (not in ``newsgraph.extract``) because both
stages use it and data flows from extract to link, never back.

Why: the entity, post and membership rules ask the gazetteer about the same few strings again and
again (every capitalized run, every country word, in every rule that reads it: ``country("Turkish")``
is asked dozens of times per article), and each answer costs a normalization, an acronym key and
two index probes. The gazetteer is read-only once loaded, so each look-up is a pure function of its
text: :class:`LookupCache` keeps the answers of the name look-ups the rules use and hands every
other attribute through to the gazetteer. The answers are the gazetteer's own objects; the lists it
hands back are shared between callers, which only read them (none in ``newsgraph.extract`` or
:func:`newsgraph.link.offline.link`, which uses the same cache for its look-ups, sorts, appends or
pops).

Memory stays bounded: each table is emptied when it reaches :data:`MAX_ENTRIES` names (a few MB),
which a corpus of wire copy reaches only after many thousands of articles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from newsgraph.link.gazetteer import Gazetteer

#: Names kept per look-up before its table is emptied and filled again.
MAX_ENTRIES = 50_000

#: The look-ups the rules and the offline linker make by text (a name, a QID), whose answers depend
#: on nothing else.
CACHED = ("country", "place", "organization", "persons_named", "persons_by_surname", "known_bodies",
          "bodies_named", "is_country_word", "holders", "person")


class LookupCache:
    """A read-only gazetteer that remembers its answers to :data:`CACHED` look-ups."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gazetteer = gaz
        for name in CACHED:
            setattr(self, name, _memo(getattr(gaz, name)))

    def __getattr__(self, name: str) -> Any:  # everything else is the gazetteer's own
        value = getattr(self.gazetteer, name)
        if callable(value):  # a method (``position``, ``by_code``...): found here directly next time
            setattr(self, name, value)
        return value


def _memo(lookup: Callable[[str], Any]) -> Callable[[str], Any]:
    """``lookup`` with its answers kept by text (the table emptied at :data:`MAX_ENTRIES`)."""
    table: dict[str, Any] = {}
    missing = object()

    def cached(text: str) -> Any:
        found = table.get(text, missing)
        if found is missing:
            if len(table) >= MAX_ENTRIES:
                table.clear()
            found = table[text] = lookup(text)
        return found

    return cached


_CACHES: dict[int, tuple[Gazetteer, LookupCache]] = {}


def cached(gaz: Gazetteer) -> Gazetteer:
    """The one :class:`LookupCache` of ``gaz`` in this process (typed as the gazetteer it stands for).

    Only a :class:`Gazetteer` (one per file, loaded once per process) gets a cache that lives as long
    as the process. Anything else standing for one, such as the online linker's overlay of one
    article's Wikidata answers (:class:`newsgraph.link.reconcile.Overlay`), gets a cache of its own
    that lives as long as the caller keeps it: kept here, every article's overlay would stay in
    memory for the rest of the run."""
    if isinstance(gaz, LookupCache):
        return gaz  # type: ignore[unreachable]
    if not isinstance(gaz, Gazetteer):
        return LookupCache(gaz)  # type: ignore[return-value]
    entry = _CACHES.get(id(gaz))
    if entry is None or entry[0] is not gaz:
        entry = _CACHES[id(gaz)] = (gaz, LookupCache(gaz))
    return entry[1]  # type: ignore[return-value]
