"""Dates for every input kind: a ``.txt`` header (front matter or a date line), a wire dateline that
names the year, and ``ingest --published`` for a batch; relative dates then resolve against them.

Texts are made up for the tests."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsgraph.cli import main
from newsgraph.extract import Extractor
from newsgraph.facts import Article
from newsgraph.ingest import run
from newsgraph.sources import ReadError, iter_articles, read_file
from newsgraph.store import GraphStore

STORY = "Foreign Minister Ana Example met her counterpart Ben Sample in Vienna on Monday."
BASE = "http://localhost:8080/"


def write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def one(path: Path) -> Article:
    [article] = read_file(path)
    assert isinstance(article, Article), article
    return article


def test_front_matter_gives_title_date_and_url_and_is_blanked_in_place(tmp_path: Path) -> None:
    content = ('---\ntitle: "Ministers meet in Vienna"\ndate: 2024-06-12\nurl: https://example.org/vienna\n'
               "tags: [diplomacy]\n---\n" + STORY + "\n")
    article = one(write(tmp_path / "a.txt", content))
    assert (article.title, article.published, article.url) == (
        "Ministers meet in Vienna", date(2024, 6, 12), "https://example.org/vienna")
    assert len(article.text) == len(content)  # offsets are still offsets into the file
    assert article.text.index("Ben Sample") == content.index("Ben Sample")
    assert "2024" not in article.text and "title" not in article.text  # the extractor reads no metadata


def test_front_matter_with_a_date_it_cannot_read_is_one_error(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "---\ndate: next week\n---\n" + STORY + "\n")
    [error] = read_file(path)
    assert isinstance(error, ReadError)
    assert str(error) == f"{path}: front matter date 'next week' is not a date (use ISO 8601 such as 2024-06-10)"


@pytest.mark.parametrize(("content", "title"), [
    ("Ministers meet in Vienna\n12 June 2024\n\n" + STORY + "\n", "Ministers meet in Vienna"),
    ("Ministers meet in Vienna\n\nPublished: June 12, 2024 09:30 GMT\n\n" + STORY + "\n", "Ministers meet in Vienna"),
    ("2024-06-12\nMinisters meet in Vienna\n\n" + STORY + "\n", "Ministers meet in Vienna"),
    ("Wednesday, 12th June 2024\n\n" + STORY + "\n", None),
])
def test_a_date_line_at_the_top_dates_the_article(tmp_path: Path, content: str, title: str | None) -> None:
    article = one(write(tmp_path / "a.txt", content))
    assert article.published == date(2024, 6, 12)
    assert article.title == title
    assert len(article.text) == len(content) and "2024" not in article.text


@pytest.mark.parametrize("content", [
    STORY + "\n\n12 June 2024\n",  # below the first paragraphs: part of the story, not a header
    "Ministers meet in Vienna\n\nJune 2024\n\n" + STORY + "\n",  # no day: not a date
    "Ministers meet in Vienna\n\n03/04/2024\n\n" + STORY + "\n",  # day and month cannot be told apart
])
def test_what_is_not_a_date_line_leaves_the_article_undated_and_unchanged(tmp_path: Path, content: str) -> None:
    article = one(write(tmp_path / "a.txt", content))
    assert article.published is None and article.text == content


@pytest.mark.parametrize(("opening", "expected"), [
    ("VIENNA, June 12, 2024 (Wire) - ", date(2024, 6, 12)),
    ("VIENNA, Austria, 12 June 2024 — ", date(2024, 6, 12)),
    ("VIENNA, Dec. 5, 2023 /Newswire/ -- ", date(2023, 12, 5)),
    ("VIENNA, June 12 (Wire) - ", None),  # no year: it would have to be guessed
    ("Vienna talks, June 12, 2024 - ", None),  # not a dateline: the place is not in capitals
])
def test_a_dateline_dates_the_article_only_with_its_year(tmp_path: Path, opening: str, expected: date | None) -> None:
    assert one(write(tmp_path / "a.txt", opening + STORY + "\n")).published == expected
    record = '{"id": "j", "text": "' + opening + STORY + '"}'
    assert one(write(tmp_path / "j.json", record)).published == expected


def test_the_articles_own_date_wins_over_its_dateline(tmp_path: Path) -> None:
    record = '{"id": "j", "published": "2024-06-13", "text": "VIENNA, June 12, 2024 (Wire) - ' + STORY + '"}'
    assert one(write(tmp_path / "j.json", record)).published == date(2024, 6, 13)


def test_published_dates_only_the_articles_without_a_date(tmp_path: Path) -> None:
    write(tmp_path / "in" / "plain.txt", STORY + "\n")
    write(tmp_path / "in" / "dated.txt", "2024-01-02\n\n" + STORY + "\n")
    found = {a.id: a.published for a in iter_articles([tmp_path / "in"], published=date(2024, 6, 12))
             if isinstance(a, Article)}
    assert found == {"plain": date(2024, 6, 12), "dated": date(2024, 1, 2)}


def _meeting_dates(store: GraphStore) -> set[str]:
    rows = store.query("PREFIX schema: <https://schema.org/> PREFIX ng: <https://w3id.org/newsgraph/ns#> "
                       "SELECT ?d WHERE { ?m a ng:Meeting ; schema:startDate ?d }")
    return {r["d"].value for r in rows}  # type: ignore[union-attr, index]


def test_relative_dates_resolve_against_a_date_line(extractor: Extractor, tmp_path: Path) -> None:
    write(tmp_path / "in" / "vienna.txt", "Ministers meet in Vienna\n2024-06-12\n\n"
          "Turkish Foreign Minister Hakan Fidan met Russian Foreign Minister Sergey Lavrov in Vienna on Monday.\n")
    store = GraphStore(tmp_path / "store")
    report = run([tmp_path / "in"], store, extractor=extractor, base_uri=BASE)
    assert report.articles == 1 and report.meetings == 1
    assert _meeting_dates(store) == {"2024-06-10"}  # the Monday before Wednesday 12 June 2024
    issued = store.query("PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?d WHERE { ?a dcterms:issued ?d }")
    assert [r["d"].value for r in issued] == ["2024-06-12"]  # type: ignore[union-attr, index]


def test_cli_published_dates_a_batch(tmp_path: Path) -> None:
    write(tmp_path / "in" / "vienna.txt",
          "Turkish Foreign Minister Hakan Fidan met Russian Foreign Minister Sergey Lavrov in Vienna on Monday.\n")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--store", str(tmp_path / "store"), "-q",
                                       "--published", "12 June 2024"])
    assert result.exit_code == 0, result.output
    del result
    gc.collect()
    store = GraphStore(tmp_path / "store", read_only=True)
    assert _meeting_dates(store) == {"2024-06-10"}


def test_cli_published_that_is_not_a_date_is_one_line(tmp_path: Path) -> None:
    write(tmp_path / "in" / "vienna.txt", STORY + "\n")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--store", str(tmp_path / "store"),
                                       "--published", "03/04/2024"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "'--published'" in result.stderr and "unrecognised date '03/04/2024'" in result.stderr
    assert not (tmp_path / "store").exists()
