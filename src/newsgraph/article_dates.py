"""Publication dates carried in an article's text: a ``.txt`` file's header and a wire dateline.

Why this matters: relative dates ("on Monday", "yesterday") resolve against the publication date,
and a person's timeline orders claims by it. JSON and HTML carry the date as metadata; a plain
text file can carry it only in its text, so a ``.txt`` may start with

* front matter, as static-site generators write it::

      ---
      title: Ministers meet in Vienna
      date: 2024-06-10
      url: https://example.org/story
      ---

* or a date line: its first non-blank line, or the one below a title, that is a date and nothing else
  (``10 June 2024``, ``2024-06-10``, ``Published: June 10, 2024 09:30``), above or below a title.

The header is blanked in the text (every character but line breaks becomes a space), not cut out,
so evidence offsets stay offsets into the file and the extractor does not read metadata as news.

A wire dateline (``MOSCOW, June 10, 2024 (Reuters) -``) gives a date only when it names the year:
``LONDON, June 10 (Reuters)`` would need a year guessed, and a wrong date shifts every relative date
in the article, which is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["TxtHeader", "dateline_date", "read_txt_header"]

#: Front-matter keys, lower-case, by what they give.
TITLE_KEYS = ("title", "headline")
DATE_KEYS = ("published", "date", "published_at", "datepublished", "pubdate")
URL_KEYS = ("url", "link")
#: How far down a file the closing fence of front matter may be.
FRONT_MATTER_MAX_LINES = 60
DATE_LINE_MAX_CHARS = 60
TITLE_MAX_CHARS = 150  # as sources.TITLE_MAX_CHARS: a longer first line is the story, not a title

_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_DATE_PREFIX = re.compile(r"^(?:published|date|dated|posted)\s*(?:on)?\s*[:\-–—]?\s*", re.IGNORECASE)
_TRAILING_TIME = re.compile(r"\s*(?:,|\bat\b|\||·|-|–)?\s*\d{1,2}[:.]\d{2}\b.*$", re.IGNORECASE)
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.'’ -]{1,30})?,\s+"
    r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"\s*(?:\([^)\n]{1,40}\)|/[^/\n]{1,40}/)?\s*(?:--?|–|—|:)\s")


@dataclass(frozen=True)
class TxtHeader:
    """What the top of a ``.txt`` file says about it, and its text with that header blanked."""

    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    blanked: bool = False  # whether a header was found (the title is then looked for below it)


def _parse(value: str) -> date | None:
    from newsgraph.sources import parse_date  # sources imports this module

    return parse_date(value)


def _blank(text: str, end: int) -> str:
    """``text`` with its first ``end`` characters turned to spaces, line breaks kept."""
    return re.sub(r"[^\n\r]", " ", text[:end]) + text[end:]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def read_txt_header(text: str) -> TxtHeader:
    """The header of a ``.txt`` article, if it has one; ``ValueError`` for a date it cannot read.

    A date the file states but that does not parse is an error rather than ignored: the user meant
    to date the article, and silently leaving it undated would hide that.
    """
    front = _front_matter(text)
    if front is not None:
        return front
    return _date_line(text)


def _front_matter(text: str) -> TxtHeader | None:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    fields: dict[str, str] = {}
    end = len(lines[0])
    for line in lines[1:FRONT_MATTER_MAX_LINES]:
        end += len(line)
        if line.strip() in ("---", "..."):
            break
        if (m := _KEY_VALUE.match(line.strip())) is not None:
            fields.setdefault(m.group(1).lower(), _unquote(m.group(2)))
    else:
        return None  # no closing fence: a rule line, not front matter

    def first(keys: tuple[str, ...]) -> str | None:
        return next((fields[k] for k in keys if fields.get(k)), None)

    published = None
    if (when := first(DATE_KEYS)) is not None:
        published = _date_of_line(when)
        if published is None:
            raise ValueError(f"front matter date {when!r} is not a date (use ISO 8601 such as 2024-06-10)")
    return TxtHeader(text=_blank(text, end), title=first(TITLE_KEYS), url=first(URL_KEYS), published=published,
                     blanked=True)


def _date_of_line(line: str) -> date | None:
    """The date a line states and nothing else (a time after it is allowed), else ``None``."""
    value = _DATE_PREFIX.sub("", line.strip())
    if not value or len(value) > DATE_LINE_MAX_CHARS:
        return None
    for candidate in (value, _TRAILING_TIME.sub("", value)):
        try:
            found = _parse(candidate)
        except ValueError:
            continue
        if found is not None:
            return found
    return None


def _date_line(text: str) -> TxtHeader:
    offset = 0
    seen = 0
    for line in text.splitlines(keepends=True)[:6]:
        if line.strip():
            seen += 1
            if (found := _date_of_line(line)) is not None:
                blanked = text[:offset] + _blank(line, len(line.rstrip("\r\n"))) + text[offset + len(line):]
                return TxtHeader(text=blanked, published=found, blanked=True)
            if seen == 2 or len(line.strip()) > TITLE_MAX_CHARS or line.strip().endswith("."):
                break  # the date line is first, or second below a title, never inside the story
        offset += len(line)
    return TxtHeader(text=text)


def dateline_date(text: str) -> date | None:
    """The date of a wire dateline that opens ``text`` and names the year (``MOSCOW, June 10, 2024 -``)."""
    for line in [line for line in text[:2000].splitlines() if line.strip()][:2]:  # below a title, too
        if (m := _DATELINE.match(line[:200])) is not None:
            try:
                return _parse(m.group("date").replace(".", ""))
            except ValueError:
                return None
    return None
