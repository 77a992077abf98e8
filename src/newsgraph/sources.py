"""Readers: turn files and folders of news articles into :class:`~newsgraph.facts.Article`.

Formats, chosen by file extension (case-insensitive):

``.txt``
    One article; ``id`` is the file name without extension and ``text`` the whole file, so evidence
    offsets point into the file as a user sees it. A short first line (under 150 characters, no
    final period) followed by a blank line is also taken as the ``title``. Front matter
    (``---`` / ``date: 2024-06-10`` / ``---``) or a date line at the top dates the article
    (:mod:`newsgraph.article_dates`).
``.json``
    One article object, a list of them, or ``{"articles": [...]}``.
``.jsonl`` / ``.ndjson``
    One article object per line; blank lines are skipped. A feed is streamed, one line in memory
    at a time, so its size is not limited (each record's text is).
``.html`` / ``.htm``
    The main text and metadata (title, date, canonical URL) of one page, found by trafilatura.

Errors are values, not exceptions. A file can hold good and bad records (line 7 of a JSON Lines
file is truncated, the rest is fine), and a user ingesting a folder wants every good article plus
one clear line per problem, not a crash at the first bad byte. So :func:`read_file` returns the
articles and :class:`ReadError` values of one file in file order, and :func:`iter_articles`
streams them for a whole set of inputs. ``ReadError`` is still an ``Exception``: a strict caller
can ``raise`` the first one it sees.
"""

from __future__ import annotations

import codecs
import email.utils
import errno
import itertools
import json
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from newsgraph.article_dates import dateline_date, read_txt_header
from newsgraph.facts import Article

__all__ = [
    "MAX_ARTICLE_BYTES",
    "SUFFIXES",
    "ReadError",
    "Skipped",
    "count_inputs",
    "find_inputs",
    "iter_articles",
    "parse_date",
    "read_file",
]

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson", ".html", ".htm")

# Accepted field names, first match wins. Matching ignores case, so "Title" and "articlebody" work.
ID_KEYS = ("id", "article_id", "guid")
TEXT_KEYS = ("text", "body", "content", "articleBody")
TITLE_KEYS = ("title", "headline")
URL_KEYS = ("url", "link")
DATE_KEYS = ("published", "date", "published_at", "datePublished")

TITLE_MAX_CHARS = 150
#: Largest article (its text, or a ``.txt`` / ``.html`` / ``.json`` file) read by default: 20 MiB,
#: hundreds of times a long feature. Long texts are extracted in bounded chunks, so this limit is
#: not about the extractor's memory but about a file that is not an article (a log, a dump) being
#: read whole and taking an hour of CPU. ``newsgraph ingest --max-article-mb`` changes it.
MAX_ARTICLE_BYTES = 20 * 2**20
#: Longest article id: an id names the article's IRIs and is stored as its dcterms:identifier.
MAX_ID_CHARS = 500
# trafilatura falls back to whatever text a page has ("Home", a menu); an article has at least one
# line of running text this long.
HTML_MIN_WORDS = 8


class ReadError(Exception):
    """An input (a file, or one record of it) that could not be read as an article.

    ``str(error)`` is ``"PATH: reason"``, a single line fit for a CLI message. The location inside
    the file ("line 7", "record 3") starts the reason. The arguments are kept in ``args`` so the
    error survives pickling across worker processes.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(Path(path), reason)
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class Skipped:
    """A file inside a folder that is not read because of its type (``notes.pdf``, ``README.md``).

    Not an error: folders hold such files and the run is fine without them. But not silence either,
    so the user sees that ``report.docx`` was not ingested. ``str()`` is ``"PATH: skipped: ..."``.
    """

    __slots__ = ("path", "reason")

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: skipped: {self.reason}"

    def __repr__(self) -> str:
        return f"Skipped({str(self.path)!r}, {self.reason!r})"


# --------------------------------------------------------------------------------------------
# Finding inputs


def find_inputs(paths: Iterable[Path | str]) -> Iterator[Path | ReadError | Skipped]:
    """The files that :func:`iter_articles` reads, in the order it reads them.

    Folders are walked recursively with names sorted by code point, so the order (and which of two
    duplicate ids wins) does not depend on the file system. Inside folders, hidden files and
    folders are skipped silently, and a file with an unknown extension (a README, a PDF) gives a
    :class:`Skipped` notice. A path named explicitly is different: the user asked for it, so a
    missing path or an unknown extension is a :class:`ReadError`, and a hidden file is read.
    Symbolic links to folders are not followed (no loops); a link that loops or leads nowhere, or
    anything that is not a regular file (a named pipe would block the run forever), is a
    ``ReadError``; the same file reached twice is read once.
    """
    seen: set[Path] = set()

    def check(file: Path) -> Path | ReadError | None:
        """The file if it is to be read, a ReadError if it cannot be, None if already read."""
        try:
            if not stat.S_ISREG(file.stat().st_mode):
                return ReadError(file, "not a regular file")
            key = file.resolve()
        except RuntimeError:  # Path.resolve() on a symbolic link loop (Python 3.11/3.12)
            return ReadError(file, "symbolic link loop")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return ReadError(file, "symbolic link loop")
            if exc.errno == errno.ENOENT and file.is_symlink():
                return ReadError(file, "broken symbolic link (its target does not exist)")
            return ReadError(file, exc.strerror or str(exc))
        if key in seen:
            return None
        seen.add(key)
        return file

    for given in paths:
        path = Path(given)
        if path.is_dir():
            unreadable: list[OSError] = []
            for root, dirs, files in os.walk(path, onerror=unreadable.append):
                while unreadable:  # a sub-folder we may not list: say so rather than skip it quietly
                    exc = unreadable.pop(0)
                    yield ReadError(exc.filename or root, exc.strerror or str(exc))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    file = Path(root, name)
                    if file.suffix.lower() not in SUFFIXES:
                        yield Skipped(file, f"unsupported type {file.suffix or '(no extension)'!r}")
                    elif (found := check(file)) is not None:
                        yield found
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                yield ReadError(
                    path, f"unsupported file type {path.suffix or '(none)'!r}; expected {', '.join(SUFFIXES)}"
                )
            elif (found := check(path)) is not None:
                yield found
        elif path.is_symlink() or path.exists():
            found = check(path)
            yield found if isinstance(found, ReadError) else ReadError(path, "not a regular file or folder")
        else:
            yield ReadError(path, "no such file or folder")


def count_inputs(paths: Iterable[Path | str]) -> int:
    """How many files :func:`iter_articles` will open: a cheap total for a progress bar.

    It walks folders but parses nothing, so it counts files, not articles (a JSON Lines file is
    one). Pair it with ``iter_articles(..., on_file=lambda path: bar.update())``.
    """
    return sum(1 for item in find_inputs(paths) if isinstance(item, Path))


def iter_articles(
    paths: Iterable[Path | str], on_file: Callable[[Path], None] | None = None, *,
    max_bytes: int = MAX_ARTICLE_BYTES, notices: bool = False, published: date | None = None,
) -> Iterator[Article | ReadError | Skipped]:
    """Every article in ``paths`` (files or folders), with a :class:`ReadError` for each problem,
    and with ``notices`` a :class:`Skipped` for each file of an unsupported type inside a folder
    (off by default, so that a caller expecting articles and errors only gets just those).

    Article ids must be unique within one run, since an id names the article's graph and a second
    article with the same id would silently replace the first. The first article read keeps the
    id; each later one is skipped and reported as a ``ReadError`` naming both files, so the user
    learns about the clash instead of losing an article unnoticed. (Re-ingesting an id in a later
    run still replaces it: that is an update, not a clash.)

    ``on_file`` is called with each file's path after its records have been yielded;
    ``max_bytes`` is the largest article (see :data:`MAX_ARTICLE_BYTES`). ``published`` dates the
    articles that give no date of their own (``ingest --published``: a batch from one day).
    """
    first_seen: dict[str, str] = {}
    for item in find_inputs(paths):
        if not isinstance(item, Path):
            if notices or not isinstance(item, Skipped):
                yield item
            continue
        for result in _iter_dated(item, max_bytes):
            if isinstance(result, Article):
                if result.id in first_seen:
                    yield ReadError(
                        item,
                        f"duplicate article id {result.id!r}: skipped; the article read first, "
                        f"from {first_seen[result.id]}, is kept",
                    )
                    continue
                first_seen[result.id] = str(item)
                if result.published is None and published is not None:
                    result = replace(result, published=published)
            yield result
        if on_file is not None:
            on_file(item)


# --------------------------------------------------------------------------------------------
# Reading one file


def read_file(path: Path | str, *, max_bytes: int = MAX_ARTICLE_BYTES) -> list[Article | ReadError]:
    """The articles of one file and the errors met on the way, in file order.

    An article whose file or record gives no date is dated by its wire dateline when that names
    the year (:func:`~newsgraph.article_dates.dateline_date`).

    Never raises for bad input: an unreadable, empty, binary, oversized or malformed file gives a
    single ``ReadError``; a JSON list or JSON Lines file gives one per bad record next to its good
    ones. A ``.txt``, ``.html`` or ``.json`` file bigger than ``max_bytes`` is refused before it is
    read; a JSON Lines file may be bigger (it is a feed), but each record's text is held to it.
    """
    return list(_iter_dated(Path(path), max_bytes))


def _iter_dated(path: Path, max_bytes: int) -> Iterator[Article | ReadError]:
    """The articles and errors of one file as they are read: a JSON Lines feed is streamed line
    by line (:func:`_stream_jsonl`), so a feed of any size is read in the memory of one record."""
    suffix = path.suffix.lower()
    items = (_stream_jsonl(path, max_bytes) if suffix in (".jsonl", ".ndjson")
             else _read_file(path, max_bytes))
    for item in items:
        yield _dated(item)


#: How many bytes of JSON one line of a feed may take, per byte of the article limit: JSON's
#: ``\u00e9`` escapes take up to 6 bytes for one byte of UTF-8 text, so a line longer than this
#: cannot hold a text within the limit and is refused unread, keeping memory bounded.
JSONL_LINE_FACTOR = 6
#: Room on a feed line for the metadata next to the text (id, title, url, date).
JSONL_LINE_SLACK = 64 * 1024


def _stream_jsonl(path: Path, max_bytes: int) -> Iterator[Article | ReadError]:
    """One record per line, read one line at a time. A derived id uses the line number, like the
    error messages, so ``news-7`` and "line 7" point at the same place.

    Lines are split on the newline byte only (not on U+2028, which JSON allows unescaped inside a
    string). Each line is decoded on its own: UTF-8, else Windows-1252 (see :func:`_decode`), so
    one badly encoded record does not change how the others read. A line too long to hold an
    article within ``max_bytes`` is skipped unread with an error; a binary line ends the file.
    """
    cap = JSONL_LINE_FACTOR * max_bytes + JSONL_LINE_SLACK
    seen_any = False
    warned = False
    try:
        with path.open("rb") as f:
            if f.peek(2)[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                # Windows' "Unicode" text cannot be split on newline bytes: read whole instead
                yield from _read_file(path, max_bytes)
                return
            for n in itertools.count(1):
                raw = f.readline(cap + 1)
                if not raw:
                    break
                if len(raw) > cap and not raw.endswith(b"\n"):
                    while (rest := f.readline(2**20)) and not rest.endswith(b"\n"):
                        pass  # skip the rest of the line without holding it
                    seen_any = True
                    yield ReadError(path, f"line {n}: longer than {_size(cap)}: no article within the "
                                          f"{_size(max_bytes)} limit of one article (--max-article-mb) is that long")
                    continue
                if n == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                if not raw.strip():
                    continue
                seen_any = True
                try:
                    line, fell_back = _decode_line(path, raw)
                except ReadError as error:
                    yield ReadError(path, f"line {n}: {error.reason}")
                    return
                if fell_back and not warned:
                    log.warning("%s: line %d is not valid UTF-8, read as Windows-1252", path, n)
                    warned = True
                yield _sized(_jsonl_record(path, line, n), max_bytes)
    except OSError as exc:
        yield ReadError(path, exc.strerror or str(exc))
        return
    if not seen_any:
        yield ReadError(path, "empty file")


def _decode_line(path: Path, raw: bytes) -> tuple[str, bool]:
    """One feed line's bytes as text, and whether it fell back to Windows-1252; raises ReadError
    for binary bytes, as :func:`_decode` does for a whole file."""
    if b"\x00" in raw:
        raise ReadError(path, "binary file, not text (contains NUL bytes)")
    try:
        return _check_not_binary(path, raw.decode("utf-8")), False
    except UnicodeDecodeError:
        return _decode_cp1252(path, raw), True


def _dated(item: Article | ReadError) -> Article | ReadError:
    if isinstance(item, ReadError) or item.published is not None:
        return item
    found = dateline_date(item.text)
    return item if found is None else replace(item, published=found)


def _read_file(path: Path, max_bytes: int) -> list[Article | ReadError]:
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > max_bytes and suffix not in (".jsonl", ".ndjson"):
            return [ReadError(path, f"too large: {_size(size)}, over the {_size(max_bytes)} limit "
                                    "of one article (--max-article-mb)")]
        data = path.read_bytes()
    except OSError as exc:
        return [ReadError(path, exc.strerror or str(exc))]
    if not data.strip():
        return [ReadError(path, "empty file")]
    try:
        if suffix in (".html", ".htm"):
            return [_sized(_read_html(path, data), max_bytes)]
        text = _decode(path, data)
        del data
        if suffix == ".txt":
            return [_sized(_read_txt(path, text), max_bytes)]
        if suffix == ".json":
            return [_sized(r, max_bytes) for r in _read_json(path, text)]
        if suffix in (".jsonl", ".ndjson"):
            return [_sized(r, max_bytes) for r in _read_jsonl(path, text)]
    except ReadError as error:
        return [error]
    return [ReadError(path, f"unsupported file type {suffix or '(none)'!r}; expected {', '.join(SUFFIXES)}")]


def _size(n: int) -> str:
    """``20 MiB``, ``5.2 MiB``, ``1,000 bytes``: sizes as the messages and ``--max-article-mb`` say them."""
    return f"{n / 2**20:.3g} MiB" if n >= 2**20 else f"{n:,} bytes"


def _sized(item: Article | ReadError, max_bytes: int) -> Article | ReadError:
    """The article, or a ReadError if its text is longer than ``max_bytes`` in UTF-8."""
    if isinstance(item, ReadError) or len(item.text) * 4 <= max_bytes:
        return item
    size = len(item.text.encode("utf-8"))
    if size <= max_bytes:
        return item
    where = f"article {item.id!r}: " if item.source and Path(item.source).stem != item.id else ""
    return ReadError(item.source or item.id, f"{where}too large: {_size(size)} of text, over the "
                                             f"{_size(max_bytes)} limit of one article (--max-article-mb)")


def _decode(path: Path, data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), else Windows-1252, else an error.

    UTF-8 is what nearly every tool writes today, and the BOM is dropped so it never becomes part
    of the text. The fallback is Windows-1252, not Latin-1 or a statistical guess: it is what
    older Windows tools ("Save as text" in Word or Excel) produce for Western news text, it maps
    curly quotes and dashes (bytes 0x91-0x97) to the right characters where Latin-1 would give
    control codes, and a fixed choice reads the same file the same way every time. Texts in other
    legacy encodings should be converted to UTF-8 first. UTF-16 with a BOM is accepted because
    Windows editors write it as "Unicode".
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _check_not_binary(path, data.decode("utf-16"))
        except UnicodeDecodeError:
            raise ReadError(path, "not valid UTF-16 text despite its byte order mark") from None
    if b"\x00" in data:
        raise ReadError(path, "binary file, not text (contains NUL bytes)")
    try:
        return _check_not_binary(path, data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    text = _decode_cp1252(path, data)
    log.warning("%s: not valid UTF-8 (byte %d), read as Windows-1252", path, bad_at)
    return text


def _decode_cp1252(path: Path, data: bytes) -> str:
    """Bytes that are not UTF-8 as Windows-1252 text, unless they look binary (see :func:`_decode`)."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if high > len(data) * HIGH_BYTES_MAX_SHARE:
        raise ReadError(path, f"binary file, not text (not UTF-8, and {100 * high // len(data)}% of its bytes are "
                              "above 0x7F: too many for Windows-1252 text; convert a text to UTF-8)")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ReadError(path, "neither UTF-8 nor Windows-1252 text; convert it to UTF-8") from None
    return _check_not_binary(path, text)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
#: Share of bytes above 0x7F beyond which a file that is not UTF-8 is not taken for Windows-1252:
#: Western text in it has a few accented letters and curly quotes (a few percent), while random
#: or compressed bytes have half their bytes there.
HIGH_BYTES_MAX_SHARE = 0.2
_HIGH_BYTES = bytes(range(0x80, 0x100))
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
#: A lone UTF-16 surrogate (``"\ud800"`` in JSON) is not a character, and no RDF store holds one.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_not_binary(path: Path, text: str) -> str:
    """Reject decoded text that is mostly control characters: a binary file that happened to
    decode. A few stray controls (a DOS end-of-file mark, a form feed) are tolerated."""
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise ReadError(path, "binary file, not text (too many control characters)")
    return text


def _read_txt(path: Path, text: str) -> Article:
    """A ``.txt`` article, with the title, date and URL its header gives (front matter or a date
    line, blanked in the text: see :mod:`newsgraph.article_dates`)."""
    try:
        header = read_txt_header(text)
    except ValueError as exc:
        raise ReadError(path, str(exc)) from None
    if not header.text.strip():
        raise ReadError(path, "no text")
    title = header.title or _txt_title(header.text, skip_blank=header.blanked)
    return Article(id=path.stem, text=header.text, title=title, url=header.url, published=header.published,
                   source=str(path))


def _txt_title(text: str, *, skip_blank: bool = False) -> str | None:
    """The first line, if it looks like a headline rather than the first paragraph.

    A headline is short, does not end in a period, and is set off from the body by a blank line;
    wire stories that open straight with a long lead sentence get no title.
    """
    lines = text.splitlines()
    if skip_blank:  # below a blanked header
        while lines and not lines[0].strip():
            lines.pop(0)
    if len(lines) < 3:
        return None
    first = lines[0].strip()
    if (
        not first
        or len(first) >= TITLE_MAX_CHARS
        or first.endswith(".")
        or lines[1].strip()
        or not any(line.strip() for line in lines[2:])
    ):
        return None
    return first


def _read_json(path: Path, text: str) -> list[Article | ReadError]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ReadError(path, "JSON nested too deeply to be an article") from None
    if isinstance(doc, dict) and isinstance(_get(doc, ("articles",)), list):
        doc = _get(doc, ("articles",))
    if isinstance(doc, dict):
        return [_record(path, doc, default_id=path.stem, where=None)]
    if isinstance(doc, list):
        if not doc:
            raise ReadError(path, "no articles (empty list)")
        return [
            _record(path, rec, default_id=f"{path.stem}-{n}", where=f"record {n}")
            for n, rec in enumerate(doc, start=1)
        ]
    raise ReadError(path, 'expected an article object, a list of them, or {"articles": [...]}')


def _read_jsonl(path: Path, text: str) -> list[Article | ReadError]:
    """A JSON Lines feed already decoded whole (only a UTF-16 one: see :func:`_stream_jsonl`); other
    feeds are streamed by :func:`_stream_jsonl`."""
    results = [_jsonl_record(path, line, n) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    if not results:
        raise ReadError(path, "no text")
    return results


def _jsonl_record(path: Path, line: str, n: int) -> Article | ReadError:
    """The article on line ``n`` of a feed, or the error that says what is wrong with it."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return ReadError(path, f"line {n}: invalid JSON at column {exc.colno}: {exc.msg}")
    except RecursionError:
        return ReadError(path, f"line {n}: JSON nested too deeply to be an article")
    return _record(path, rec, default_id=f"{path.stem}-{n}", where=f"line {n}")


def _get(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The value of the first of ``keys`` present in ``record`` (case-insensitively), else None."""
    folded = {str(k).lower(): v for k, v in record.items()}
    for key in keys:
        value = folded.get(key.lower())
        if value is not None:
            return value
    return None


def _record(path: Path, rec: Any, default_id: str, where: str | None) -> Article | ReadError:
    """One JSON object to an article, or the reason it is not one.

    A record without text is an error, not an empty article: it would produce no facts and hide a
    field-name mismatch. A record without an id gets one from the file name and its position, so
    re-reading the same file gives the same ids.
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(rec, dict):
        return ReadError(path, f"{prefix}expected an article object, got {type(rec).__name__}")
    text = _get(rec, TEXT_KEYS)
    if not isinstance(text, str) or not text.strip():
        return ReadError(
            path, f"{prefix}no text (expected a non-empty string in one of {', '.join(TEXT_KEYS)})"
        )
    raw_id = _get(rec, ID_KEYS)
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | type(None)):
        return ReadError(path, f"{prefix}id must be a string or an integer, got {raw_id!r}")
    article_id = str(raw_id).strip() if raw_id is not None else ""
    if len(article_id) > MAX_ID_CHARS:
        return ReadError(path, f"{prefix}id longer than {MAX_ID_CHARS} characters")
    for name, value in (("text", text), ("id", article_id)):
        if _SURROGATE.search(value):
            return ReadError(path, f"{prefix}{name} holds an unpaired UTF-16 surrogate: not valid Unicode")
    try:
        title = _optional_str(_get(rec, TITLE_KEYS), "title")
        url = _optional_str(_get(rec, URL_KEYS), "url")
        published = parse_date(_get(rec, DATE_KEYS))
    except ValueError as exc:
        return ReadError(path, f"{prefix}{exc}")
    return Article(
        id=article_id or default_id,
        text=text,
        title=title,
        url=url,
        published=published,
        source=str(path),
    )


def _optional_str(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a string, got {value!r}")
    if _SURROGATE.search(value):
        raise ValueError(f"{field} holds an unpaired UTF-16 surrogate: not valid Unicode")
    return value.strip() or None


def _read_html(path: Path, data: bytes) -> Article:
    """The page's main text and metadata, by trafilatura.

    Boilerplate (navigation, footers, cookie banners, related links) is what separates a page from
    an article, and telling them apart is trafilatura's job, not a tag stripper's. trafilatura also
    decodes the bytes, honouring the page's declared charset. The date comes from the markup only
    (meta tags, ``<time>``, JSON-LD): its free-text date guessing is off, since a date mentioned
    in the story is not the publication date. The id is the file name, as for ``.txt``.
    """
    import trafilatura  # deferred: it pulls in lxml and friends, not needed for JSON or text

    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if b"\x00" in data:
            raise ReadError(path, "binary file, not HTML (contains NUL bytes)")
        controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
        if controls > max(2, len(data) // 100):  # random bytes have one in ten; markup next to none
            raise ReadError(path, "binary file, not HTML (too many control characters)")
    doc = trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,  # a section front's list of headlines is not an article
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not any(len(line.split()) >= HTML_MIN_WORDS for line in text.splitlines()):
        raise ReadError(path, "no article text found in the HTML page")
    try:
        published = parse_date(doc.date)
    except ValueError:
        published = None  # trafilatura normalizes dates it finds; anything else is not worth failing on
    return Article(
        id=path.stem,
        text=text,
        title=(doc.title or "").strip() or None,
        url=(doc.url or "").strip() or None,
        published=published,
        source=str(path),
    )


# --------------------------------------------------------------------------------------------
# Dates

_DATE_FORMATS = (
    "%d %B %Y",  # 10 June 2024
    "%d %b %Y",  # 10 Jun 2024
    "%B %d %Y",  # June 10 2024 (the comma is removed first)
    "%b %d %Y",  # Jun 10 2024
    "%Y/%m/%d",  # 2024/06/10
)
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)


def parse_date(value: Any) -> date | None:
    """A publication date from the forms feeds and exports use, or ``None`` when absent.

    Accepted: ISO dates and datetimes (``2024-06-10``, ``2024-06-10T09:30:00Z``), RFC 822 as in
    RSS (``Mon, 10 Jun 2024 09:30:00 GMT``), and day-month-year or month-day-year with the month
    spelt out (``10 June 2024``, ``June 10, 2024``, ``Monday, 10th June 2024``). A datetime gives
    the date as written, not converted to UTC: the day the publisher dated the story is the day
    "on Tuesday" is counted from. All-numeric forms other than ISO (``03/04/2024``) are refused
    because day and month cannot be told apart; so is anything unparsed, rather than guessed, since
    a wrong date silently shifts every relative date ("on Tuesday") in the article. The parser is
    written on the standard library instead of dateutil for the same reason: dateutil fills a
    missing day or month from today's date.
    """
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    if not isinstance(value, str):
        raise ValueError(f"date must be a string, got {value!r}")
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    simple = _ORDINAL.sub(r"\1", _WEEKDAY.sub("", text)).replace(",", " ")
    simple = " ".join(simple.split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(simple, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unrecognised date {value!r} (use ISO 8601 such as 2024-06-10)")
