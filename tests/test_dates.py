"""``newsgraph.extract.dates.resolve``: relative and partial dates made absolute against the dateline."""

from __future__ import annotations

from datetime import date

import pytest

from newsgraph.extract.dates import resolve

#: A Wednesday.
PUBLISHED = date(2024, 6, 5)


def test_past_weekday_is_latest_before_published() -> None:
    assert resolve("Monday", PUBLISHED) == date(2024, 6, 3)


def test_future_weekday_is_next_after_published() -> None:
    assert resolve("Monday", PUBLISHED, future=True) == date(2024, 6, 10)


def test_past_weekday_of_publication_day_is_that_day() -> None:
    assert resolve("Wednesday", PUBLISHED) == PUBLISHED


def test_future_weekday_of_publication_day_is_a_week_later() -> None:
    assert resolve("Wednesday", PUBLISHED, future=True) == date(2024, 6, 12)


def test_weekday_with_on_and_any_case() -> None:
    assert resolve("on TUESDAY", PUBLISHED) == date(2024, 6, 4)


def test_weekday_across_month_boundary() -> None:
    assert resolve("Friday", date(2024, 6, 3)) == date(2024, 5, 31)


def test_yesterday_is_day_before() -> None:
    assert resolve("yesterday", PUBLISHED) == date(2024, 6, 4)


def test_today_is_published() -> None:
    assert resolve("today", PUBLISHED) == PUBLISHED


def test_tomorrow_is_day_after() -> None:
    assert resolve("tomorrow", PUBLISHED) == date(2024, 6, 6)


def test_day_and_month_take_published_year() -> None:
    assert resolve("9 January", PUBLISHED) == date(2024, 1, 9)


def test_day_and_month_without_published_is_unknown() -> None:
    assert resolve("9 January", None) is None


def test_full_date_without_published() -> None:
    assert resolve("9 January 2023", None) == date(2023, 1, 9)


@pytest.mark.parametrize("text", ["Monday", "yesterday", "today"])
def test_relative_words_without_published_are_unknown(text: str) -> None:
    assert resolve(text, None) is None


@pytest.mark.parametrize("text", ["recently", "next spring", "the coming weeks", "", "at some point in 99 ways"])
def test_unknown_text_is_none(text: str) -> None:
    assert resolve(text, PUBLISHED) is None
