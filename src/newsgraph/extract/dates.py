"""Relative dates ("on Monday", "yesterday") made absolute against the article's date.

Wire copy dates events relative to its dateline. Past-tense reports ("met on Monday") point at the
latest such weekday on or before the publication date; future ones ("will meet on Monday") at the
next one. Without a publication date the words are kept and no date is invented.
"""

from __future__ import annotations

from datetime import date, timedelta

import dateutil.parser

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def resolve(text: str, published: date | None, *, future: bool = False) -> date | None:
    """An absolute date for a DATE entity's text, or ``None`` when it cannot be pinned down."""
    low = text.lower().strip().removeprefix("on ").removeprefix("last ").strip()
    if published is None:
        return _absolute(text, None)
    if low in {"today", "this morning", "this afternoon", "this evening", "tonight"}:
        return published
    if low in {"yesterday", "last night"}:
        return published - timedelta(days=1)
    if low == "tomorrow":
        return published + timedelta(days=1)
    for i, name in enumerate(WEEKDAYS):
        if low == name or low == name + "s":
            delta = (published.weekday() - i) % 7
            if future:
                ahead = (i - published.weekday()) % 7
                return published + timedelta(days=ahead or 7)
            return published - timedelta(days=delta)
    return _absolute(text, published)


def _absolute(text: str, published: date | None) -> date | None:
    """ "9 January", "June 10, 2024": a calendar date (year from the article when missing)."""
    if not any(c.isdigit() for c in text):
        return None
    default = published or date(1900, 1, 1)
    try:
        parsed = dateutil.parser.parse(text, default=_as_datetime(default), fuzzy=False)
    except (ValueError, OverflowError):
        return None
    if published is None and parsed.year == 1900:
        return None
    return parsed.date()


def _as_datetime(d: date):
    from datetime import datetime

    return datetime(d.year, d.month, d.day)
