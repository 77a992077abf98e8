"""JSON Lines feeds are streamed: one record in memory at a time, split on newline bytes only,
each line decoded on its own, and a line too long for any article skipped unread."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from newsgraph.facts import Article
from newsgraph.sources import JSONL_LINE_SLACK, ReadError, iter_articles, read_file


def test_a_feed_is_read_one_record_at_a_time(tmp_path: Path) -> None:
    record = "The minister met her counterpart in the capital on Monday. " * 330  # ~20 KB
    feed = tmp_path / "big.jsonl"
    with feed.open("w", encoding="utf-8") as f:
        for n in range(1000):
            f.write(json.dumps({"id": f"a{n}", "text": record}) + "\n")
    assert feed.stat().st_size > 18 * 2**20
    tracemalloc.start()
    try:
        count = sum(1 for item in iter_articles([feed]) if isinstance(item, Article))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 1000
    assert peak < 2 * 2**20  # a few records' worth, not the 18 MiB feed


def test_a_line_separator_inside_a_string_does_not_split_the_record(tmp_path: Path) -> None:
    feed = tmp_path / "ls.jsonl"
    text = "First paragraph.\u2028Second paragraph."
    feed.write_text(json.dumps({"id": "x", "text": text}, ensure_ascii=False) + "\n"
                    + json.dumps({"id": "y", "text": "Another."}) + "\n", encoding="utf-8")
    results = read_file(feed)
    assert [type(r).__name__ for r in results] == ["Article", "Article"]
    assert results[0].text == text


def test_a_line_too_long_for_any_article_is_skipped_and_the_next_is_read(tmp_path: Path) -> None:
    feed = tmp_path / "long.jsonl"
    max_bytes = 1000
    huge = "word " * (JSONL_LINE_SLACK // 2)  # over 6 × 1000 + the slack
    feed.write_text(json.dumps({"id": "a", "text": "Short."}) + "\n"
                    + json.dumps({"id": "b", "text": huge}) + "\n"
                    + json.dumps({"id": "c", "text": "Also short."}) + "\n", encoding="utf-8")
    results = list(iter_articles([feed], max_bytes=max_bytes))
    assert [r.id for r in results if isinstance(r, Article)] == ["a", "c"]
    [error] = [r for r in results if isinstance(r, ReadError)]
    assert error.reason.startswith("line 2: longer than") and "--max-article-mb" in error.reason


def test_each_line_is_decoded_on_its_own(tmp_path: Path) -> None:
    feed = tmp_path / "mixed.jsonl"
    utf8 = json.dumps({"id": "u", "text": "Außenministerin „Ja“."}, ensure_ascii=False).encode("utf-8")
    legacy = json.dumps({"id": "w", "text": "Außenministerin „Ja“."}, ensure_ascii=False).encode("cp1252")
    feed.write_bytes(b"\xef\xbb\xbf" + utf8 + b"\n" + legacy + b"\r\n")
    results = read_file(feed)
    assert [(r.id, r.text) for r in results if isinstance(r, Article)] == [
        ("u", "Außenministerin „Ja“."), ("w", "Außenministerin „Ja“.")]


def test_a_binary_line_ends_the_feed_with_one_error(tmp_path: Path) -> None:
    feed = tmp_path / "bin.jsonl"
    feed.write_bytes(json.dumps({"id": "a", "text": "Fine."}).encode() + b"\n\x00\x01\x02\n\x00\x00\n")
    results = read_file(feed)
    assert [type(r).__name__ for r in results] == ["Article", "ReadError"]
    assert results[1].reason == "line 2: binary file, not text (contains NUL bytes)"


def test_a_blank_feed_is_an_empty_file(tmp_path: Path) -> None:
    feed = tmp_path / "blank.jsonl"
    feed.write_text("\n  \n\n")
    [error] = read_file(feed)
    assert error.reason == "empty file"


def test_a_utf16_feed_is_read_whole(tmp_path: Path) -> None:
    """Windows' "Unicode" text (UTF-16 with a byte order mark) has NUL bytes between letters: it is
    decoded whole rather than split on newline bytes."""
    feed = tmp_path / "unicode.jsonl"
    lines = [json.dumps({"id": "a", "text": "Außenministerin „Ja“."}, ensure_ascii=False),
             json.dumps({"id": "b", "text": "Second."})]
    feed.write_bytes("\n".join(lines).encode("utf-16"))
    assert [(r.id, r.text) for r in read_file(feed) if isinstance(r, Article)] == [
        ("a", "Außenministerin „Ja“."), ("b", "Second.")]
