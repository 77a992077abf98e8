"""Word lists of the genre for gatherings of leaders and for saying who took part in them.

General words of wire copy about summits (used by :mod:`newsgraph.extract.summits`), kept apart from
:mod:`newsgraph.extract.lexicon` so the summit rules read their vocabulary in one place.
"""

from __future__ import annotations

from newsgraph.extract.lexicon import word_set

#: Nouns that name a gathering several leaders attend.
SUMMIT_NOUNS: frozenset[str] = word_set(
    "summit summits meeting session conference forum gathering retreat ceremony inauguration "
    "talks dialogue convention"
)
#: Verbs saying who took part in (or hosted, chaired) a gathering.
ATTENDANCE_VERBS: frozenset[str] = word_set("attend participate host chair co-chair co-host mediate")
#: Words that introduce the list of those present ("In attendance were", "present at the meeting
#: are", "the attending presidents include", "confirmed their participation").
ATTENDANCE_NOUNS: frozenset[str] = word_set(
    "attendance present attending attendees participants participation presence"
)
#: Openings of a sentence that only lists the people just announced ("These are ...").
LIST_OPENERS: frozenset[str] = frozenset(
    {"these are", "they are", "they include", "these include", "among them", "they were", "these were",
     "namely", "both"}
)
#: Verbs saying a gathering brings leaders together ("leaders gathered", "the summit convened").
GATHER_VERBS: frozenset[str] = word_set("gather convene assemble")
#: Gatherings of many ("summit", "conference"), as opposed to "meeting" or "talks", which may be
#: one-to-one.
SUMMIT_ONLY_NOUNS: frozenset[str] = word_set("summit conference session forum gathering retreat convention")
#: Verbs of a handover at a summit ("handed over the chairmanship to Y"): giver and receiver attend.
HANDOVER_VERBS: frozenset[str] = word_set("hand pass transfer")
#: Verbs of travelling to a gathering ("arrived in Arusha for the summit").
TRAVEL_VERBS: frozenset[str] = word_set("arrive travel fly come go head")
#: Verbs of speaking to (or opening) a gathering: "X told the summit", "X opened the conference".
ADDRESS_VERBS: frozenset[str] = word_set("tell address open close inaugurate welcome brief")
#: Nouns of a speech given at a gathering ("in his address to the summit").
SPEECH_NOUNS: frozenset[str] = word_set("address speech remarks statement")
