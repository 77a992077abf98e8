"""Paging of the long lists on entity pages (a country's people, an organization's posts, the
articles that mention something, each group of "Referenced by").

Why one page can hold several pagers: a country page has a list of people, one of organizations
and one of articles, and each pages on its own query parameter (``?people=2&articles=3``), so
paging one list keeps the others where they were, and every page has a plain URL (links work
without JavaScript, and the page cache keys on the URL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import abort, request, url_for

T = TypeVar("T")

#: Rows of one list shown at a time.
PAGE_SIZE = 25


@dataclass
class Paged(Generic[T]):
    """One page of a list: its rows, where it is, and the links to the pages beside it."""

    name: str  # the query parameter that pages this list
    rows: Sequence[T]
    page: int
    pages: int
    total: int
    first: int  # 1-based number of the first row shown

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    def url(self, page: int) -> str:
        """This page's URL with this list at ``page`` (other lists keep their pages), to this list's heading."""
        args = {k: v for k, v in request.args.items() if k != self.name}
        if page > 1:
            args[self.name] = str(page)
        return url_for(request.endpoint or "pages.index", **(request.view_args or {}), **args) + f"#{self.name}"

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return self.total > 0


def page_number(name: str) -> int:
    """The page of list ``name`` the request asks for (1 if none); 400 for one that is not a number."""
    given = request.args.get(name, "1")
    try:
        page = int(given)
    except ValueError:
        abort(400, f"{name} must be a page number, not {given!r}")
    if page < 1:
        abort(400, f"{name} must be 1 or more")
    return page


def paged(items: Sequence[T], name: str, size: int = PAGE_SIZE) -> Paged[T]:
    """The page of ``items`` that parameter ``name`` asks for; past the end gives the last page."""
    pages = max(1, -(-len(items) // size))
    page = min(page_number(name), pages)
    start = (page - 1) * size
    return Paged(name=name, rows=items[start:start + size], page=page, pages=pages, total=len(items),
                 first=start + 1)


def window(name: str, total: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    """``(page, offset)`` for a list of ``total`` rows fetched one page at a time (LIMIT/OFFSET)."""
    pages = max(1, -(-total // size))
    page = min(page_number(name), pages)
    return page, (page - 1) * size
