"""Readers: every format, every kind of bad input, and the bundled samples.

Inputs are written into ``tmp_path`` by each test, so what a test reads is visible next to what it
asserts. Texts are made up for the tests.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

import newsgraph
from newsgraph.facts import Article
from newsgraph.sources import (
    ReadError,
    count_inputs,
    find_inputs,
    iter_articles,
    parse_date,
    read_file,
)

SAMPLES = Path(newsgraph.__file__).parent / "samples"

STORY = "Foreign Minister Ana Example met her counterpart Ben Sample in Vienna on Monday."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def articles(results: Iterable[Article | ReadError]) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def errors(results: Iterable[Article | ReadError]) -> list[ReadError]:
    return [r for r in results if isinstance(r, ReadError)]


# ---------------------------------------------------------------------------------------------
# .txt


def test_txt_reads_whole_file_with_id_from_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "vienna-talks.txt", STORY + "\n")
    [article] = read_file(path)
    assert article == Article(id="vienna-talks", text=STORY + "\n", source=str(path))


def test_txt_short_first_line_before_blank_line_is_title_and_stays_in_text(tmp_path: Path) -> None:
    content = f"Ministers meet in Vienna\n\n{STORY}\n"
    [article] = read_file(write(tmp_path / "a.txt", content))
    assert article.title == "Ministers meet in Vienna"
    assert article.text == content  # offsets stay offsets into the file
    assert article.text.index("Ben Sample") == content.index("Ben Sample")


@pytest.mark.parametrize(
    "content",
    [
        f"{STORY}\n\nA second paragraph.\n",  # first line ends with a period: a lead sentence
        f"{'Very long first line ' * 10}\n\n{STORY}\n",  # too long for a headline
        f"Ministers meet in Vienna\n{STORY}\n",  # no blank line after it
        "Ministers meet in Vienna\n\n",  # nothing after it
    ],
)
def test_txt_first_line_that_is_not_a_headline_gives_no_title(tmp_path: Path, content: str) -> None:
    [article] = read_file(write(tmp_path / "a.txt", content))
    assert isinstance(article, Article)
    assert article.title is None


def test_txt_in_windows_1252_is_decoded(tmp_path: Path) -> None:
    text = "Minister José Pérez said “talks went well” – and left.\n"
    path = write(tmp_path / "cp.txt", text.encode("cp1252"))
    [article] = read_file(path)
    assert article.text == text


def test_txt_utf8_bom_is_dropped(tmp_path: Path) -> None:
    [article] = read_file(write(tmp_path / "bom.txt", "\ufeff".encode() + STORY.encode()))
    assert article.text == STORY


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    [error] = read_file(write(tmp_path / "empty.txt", " \n\n"))
    assert isinstance(error, ReadError)
    assert str(error) == f"{tmp_path / 'empty.txt'}: empty file"


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "image.txt", bytes(range(256)) * 4)
    [error] = read_file(path)
    assert isinstance(error, ReadError)
    assert error.path == path
    assert "binary" in error.reason


def test_binary_file_without_nul_bytes_is_an_error(tmp_path: Path) -> None:
    [error] = read_file(write(tmp_path / "noise.txt", bytes(range(1, 32)) * 20))
    assert isinstance(error, ReadError)
    assert "binary" in error.reason


def test_bytes_that_are_neither_utf8_nor_cp1252_are_an_error(tmp_path: Path) -> None:
    [error] = read_file(write(tmp_path / "odd.txt", b"caf\xc3 \x81 \x8d"))  # 0x81, 0x8d: undefined
    assert isinstance(error, ReadError)
    assert "UTF-8" in error.reason


# ---------------------------------------------------------------------------------------------
# .json


def test_json_single_object_with_all_fields(tmp_path: Path) -> None:
    record = {
        "id": "x-1",
        "title": " Talks ",
        "text": STORY,
        "url": "https://example.com/x",
        "published": "2024-06-10",
    }
    path = write(tmp_path / "one.json", json.dumps(record))
    assert read_file(path) == [
        Article(
            id="x-1",
            text=STORY,
            title="Talks",
            url="https://example.com/x",
            published=date(2024, 6, 10),
            source=str(path),
        )
    ]


def test_json_alternative_field_names(tmp_path: Path) -> None:
    record = {
        "guid": 42,
        "Headline": "Talks",
        "articleBody": STORY,
        "link": "https://e.x/",
        "datePublished": "10 June 2024",
    }
    [article] = read_file(write(tmp_path / "alt.json", json.dumps(record)))
    assert (article.id, article.title, article.text, article.url, article.published) == (
        "42",
        "Talks",
        STORY,
        "https://e.x/",
        date(2024, 6, 10),
    )


def test_json_without_id_uses_file_name(tmp_path: Path) -> None:
    [article] = read_file(write(tmp_path / "no-id.json", json.dumps({"body": STORY})))
    assert article.id == "no-id"


def test_json_list_derives_stable_ids_and_keeps_good_records(tmp_path: Path) -> None:
    doc = [{"text": "First story."}, {"title": "no text here"}, {"id": "named", "text": "Third."}]
    path = write(tmp_path / "batch.json", json.dumps(doc))
    results = read_file(path)
    assert [a.id for a in articles(results)] == ["batch-1", "named"]
    [error] = errors(results)
    assert str(error).startswith(f"{path}: record 2: no text")
    assert [a.id for a in articles(read_file(path))] == ["batch-1", "named"]  # same again


def test_json_articles_wrapper_object(tmp_path: Path) -> None:
    doc = {"source": "feed", "articles": [{"id": "a", "content": "One."}, {"id": "b", "content": "Two."}]}
    results = read_file(write(tmp_path / "feed.json", json.dumps(doc)))
    assert [(a.id, a.text) for a in articles(results)] == [("a", "One."), ("b", "Two.")]


def test_json_malformed_is_one_error_with_position(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", '{"id": "x",\n "text": "unterminated}\n')
    [error] = read_file(path)
    assert isinstance(error, ReadError)
    assert error.reason.startswith("invalid JSON at line 2")


def test_json_without_text_is_an_error(tmp_path: Path) -> None:
    [error] = read_file(write(tmp_path / "notext.json", json.dumps({"id": "x", "title": "Only a title"})))
    assert isinstance(error, ReadError)
    assert error.reason.startswith("no text")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("published", "03/04/2024", "unrecognised date"),
        ("published", 1718000000, "date must be a string"),
        ("id", ["x"], "id must be a string or an integer"),
        ("title", 7, "title must be a string"),
    ],
)
def test_json_bad_field_values_are_errors(tmp_path: Path, field: str, value: object, reason: str) -> None:
    [error] = read_file(write(tmp_path / "f.json", json.dumps({"text": STORY, field: value})))
    assert isinstance(error, ReadError)
    assert reason in error.reason


def test_json_in_windows_1252_is_decoded(tmp_path: Path) -> None:
    raw = '{"id": "cp", "text": "Außenministerin sagte: „Ja“."}'.encode("cp1252")
    [article] = read_file(write(tmp_path / "cp.json", raw))
    assert article.text == "Außenministerin sagte: „Ja“."


# ---------------------------------------------------------------------------------------------
# .jsonl / .ndjson


def test_jsonl_bad_line_is_reported_and_good_lines_kept(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "First."}),
        "",
        '{"id": "b", "text": "trunc',
        json.dumps({"text": "Fourth, no id."}),
        json.dumps(["not", "an", "object"]),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    results = read_file(path)
    assert [type(r).__name__ for r in results] == ["Article", "ReadError", "Article", "ReadError"]
    assert [a.id for a in articles(results)] == ["a", "feed-4"]  # derived id = line number
    assert [e.reason.split(":")[0] for e in errors(results)] == ["line 3", "line 5"]
    assert "invalid JSON" in errors(results)[0].reason


def test_ndjson_extension_is_json_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "x.NDJSON", json.dumps({"id": "n", "text": "One."}) + "\n")
    assert [a.id for a in articles(read_file(path))] == ["n"]


# ---------------------------------------------------------------------------------------------
# .html


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Ministers meet in Vienna | Test Wire</title>
<link rel="canonical" href="https://example.com/vienna">
<meta property="article:published_time" content="2024-06-10T08:00:00+02:00">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Ministers meet in Vienna</h1>
<p>VIENNA - Foreign Minister Ana Example met her counterpart Ben Sample in Vienna on Monday to discuss
trade, energy and the security of the region, officials from both sides said after the talks.</p>
<p>Example said the two governments would meet again in the autumn, and Sample said he expected an
agreement on gas transit to be ready by then, provided the technical teams finished their work.</p>
</article>
<footer>Copyright Test Wire. Subscribe to our newsletter for more stories.</footer>
</body></html>"""


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    path = write(tmp_path / "vienna.html", PAGE)
    [article] = read_file(path)
    assert isinstance(article, Article)
    assert article.id == "vienna"
    assert article.title == "Ministers meet in Vienna"
    assert article.url == "https://example.com/vienna"
    assert article.published == date(2024, 6, 10)
    assert "met her counterpart Ben Sample in Vienna" in article.text
    assert "Subscribe to our newsletter" not in article.text
    assert "Sport" not in article.text


def test_html_without_article_text_is_an_error(tmp_path: Path) -> None:
    page = "<html><head><title>Index</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    [error] = read_file(write(tmp_path / "index.htm", page))
    assert isinstance(error, ReadError)
    assert error.reason == "no article text found in the HTML page"


def test_html_binary_is_an_error(tmp_path: Path) -> None:
    [error] = read_file(write(tmp_path / "x.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert isinstance(error, ReadError)
    assert "binary" in error.reason


# ---------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    "text",
    [
        "2024-06-10",
        "20240610",
        "2024-06-10T23:30:00-05:00",  # the date as written, not shifted to UTC
        "2024-06-10 09:30",
        "2024-06-10T09:30:00Z",
        "Mon, 10 Jun 2024 09:30:00 GMT",
        "10 June 2024",
        "10 Jun 2024",
        "June 10, 2024",
        "Monday, 10th June 2024",
        "2024/06/10",
    ],
)
def test_parse_date_accepts_common_forms(text: str) -> None:
    assert parse_date(text) == date(2024, 6, 10)


@pytest.mark.parametrize("text", ["03/04/2024", "June 2024", "yesterday", "2024"])
def test_parse_date_refuses_ambiguous_or_partial_dates(text: str) -> None:
    with pytest.raises(ValueError, match="unrecognised date"):
        parse_date(text)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_date_absent_is_none(value: str | None) -> None:
    assert parse_date(value) is None


# ---------------------------------------------------------------------------------------------
# Several inputs


def test_folder_recursion_is_sorted_and_skips_hidden_and_unknown_files(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "B story.")
    write(tmp_path / "a.json", json.dumps({"text": "A story."}))
    write(tmp_path / "sub" / "c.TXT", "C story.")
    write(tmp_path / "sub" / "deeper" / "d.jsonl", json.dumps({"id": "d", "text": "D."}) + "\n")
    write(tmp_path / "README.md", "not an article")
    write(tmp_path / "notes.pdf", b"%PDF-1.4")
    write(tmp_path / ".hidden.txt", "hidden")
    write(tmp_path / ".git" / "e.txt", "hidden folder")
    results = list(iter_articles([tmp_path]))
    assert [a.id for a in articles(results)] == ["a", "b", "c", "d"]
    assert errors(results) == []
    assert count_inputs([tmp_path]) == 4


def test_unknown_extension_named_explicitly_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "story.pdf", b"%PDF-1.4")
    [error] = list(iter_articles([path]))
    assert isinstance(error, ReadError)
    assert error.reason.startswith("unsupported file type '.pdf'")


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    [error] = list(iter_articles([tmp_path / "nope"]))
    assert str(error) == f"{tmp_path / 'nope'}: no such file or folder"


def test_same_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", STORY)
    assert list(find_inputs([path, tmp_path, str(path)])) == [path]
    assert [a.id for a in articles(iter_articles([path, tmp_path]))] == ["a"]
    assert count_inputs([path, tmp_path]) == 1


def test_duplicate_id_keeps_first_and_reports_both_files(tmp_path: Path) -> None:
    first = write(tmp_path / "1.json", json.dumps({"id": "dup", "text": "First."}))
    second = write(tmp_path / "2.jsonl", json.dumps({"id": "dup", "text": "Second."}) + "\n")
    results = list(iter_articles([tmp_path]))
    assert [a.text for a in articles(results)] == ["First."]
    [error] = errors(results)
    assert error.path == second
    assert "duplicate article id 'dup'" in error.reason
    assert str(first) in error.reason


def test_on_file_is_called_once_per_file_in_order(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "A.")
    write(tmp_path / "b.jsonl", '{"text": "B1."}\n{"text": "B2."}\n')
    done: list[str] = []
    results = list(iter_articles([tmp_path], on_file=lambda p: done.append(p.name)))
    assert len(results) == 3
    assert done == ["a.txt", "b.jsonl"]


def test_read_error_message_and_pickling() -> None:
    error = ReadError(Path("x/y.jsonl"), "line 3: invalid JSON")
    assert str(error) == "x/y.jsonl: line 3: invalid JSON"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason) == (error.path, error.reason)


# ---------------------------------------------------------------------------------------------
# Bundled samples


def test_bundled_samples_read_without_errors() -> None:
    results = list(iter_articles([SAMPLES]))
    assert errors(results) == []
    got = {a.id: (a.published, Path(a.source or "").suffix) for a in articles(results)}
    assert got == {
        "sample-blinken-beijing": (None, ".txt"),
        "sample-nato-brussels": (date(2024, 4, 4), ".json"),
        "sample-ukraine-security-pacts": (date(2024, 2, 16), ".html"),
        "sample-weimar-triangle": (date(2024, 2, 12), ".jsonl"),
        "sample-sco-astana": (date(2024, 7, 4), ".jsonl"),
    }


def test_bundled_samples_carry_titles_urls_and_key_phrases() -> None:
    by_id = {a.id: a for a in articles(list(iter_articles([SAMPLES])))}
    assert all(a.title for a in by_id.values())
    assert by_id["sample-blinken-beijing"].url is None
    assert (
        by_id["sample-ukraine-security-pacts"].url
        == "https://example.com/newsgraph-samples/ukraine-security-pacts"
    )
    assert "Jens Stoltenberg, the secretary general of NATO," in by_id["sample-nato-brussels"].text
    assert "Turkish Foreign Minister Hakan Fidan" in by_id["sample-nato-brussels"].text
    assert "Turkey's top diplomat Fidan" in by_id["sample-sco-astana"].text
    assert "France's Ministry of the Armed Forces" in by_id["sample-ukraine-security-pacts"].text
    assert "Related stories" not in by_id["sample-ukraine-security-pacts"].text
