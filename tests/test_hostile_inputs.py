"""Hostile and broken inputs: each is one line naming the file, the run goes on, and what was
already stored is unchanged (quad count and a digest of the sorted N-Quads, before and after).

The fixtures are made at test time in a temporary folder (random bytes from a seeded generator,
symbolic link loops, a named pipe, JSON nested 50,000 deep...), never checked in. The CLI cases
assert one clear line, a non-zero exit and no traceback. Real spaCy, real Oxigraph store on disk.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from newsgraph import ingest
from newsgraph.cli import main
from newsgraph.extract import Extractor
from newsgraph.facts import ArticleFacts, Meeting
from newsgraph.ingest import DEFAULT_BASE_URI as BASE
from newsgraph.mapping import article_graph
from newsgraph.store import GraphStore

# Our own sentences; the names are public facts.
KEPT_TEXT = ("Norwegian Foreign Minister Espen Barth Eide met Finnish Foreign Minister Elina Valtonen in Oslo "
             "on Monday to discuss Arctic security.")
GOOD = {
    "good-one.txt": "Polish Prime Minister Donald Tusk spoke by phone with German Chancellor Olaf Scholz on "
                    "Tuesday about border controls.",
    "good-two.json": json.dumps({"id": "good-two", "text": "Indian Foreign Minister Subrahmanyam Jaishankar met "
                                 "Chinese Foreign Minister Wang Yi in Beijing on Wednesday to discuss trade."}),
    "good-three.jsonl": json.dumps({"id": "good-three", "text": "Turkish Foreign Minister Hakan Fidan met "
                                    "Russian Foreign Minister Sergei Lavrov in Ankara on Friday."}) + "\n",
}
GOOD_IDS = {"good-one", "good-two", "good-three"}


def digest(store: GraphStore) -> tuple[int, str]:
    """Quad count and SHA-256 of the sorted N-Quads."""
    lines = sorted(str(q) for q in store.raw)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def digest_at(path: Path) -> tuple[int, str]:
    store = GraphStore(path, read_only=True)
    try:
        return digest(store)
    finally:
        del store
        gc.collect()


def random_bytes(n: int = 20_000, seed: int = 14) -> bytes:
    return random.Random(seed).randbytes(n)


# -- the bad inputs: (file name, how to make it, what the one line says) ---------------------------

def _write(content: bytes | str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return make


def _symlink_loop(path: Path) -> None:
    path.symlink_to(path.name)  # a link to itself


def _broken_link(path: Path) -> None:
    path.symlink_to("nowhere.txt")


def _fifo(path: Path) -> None:
    os.mkfifo(path)  # reading it would block the run forever


DEEP = "[" * 50_000 + "]" * 50_000
HIGH_RANDOM = bytes(b if b >= 0x20 else b + 0x60 for b in random_bytes())  # no control bytes at all

BAD: dict[str, tuple[Callable[[Path], None], str]] = {
    "deep.json": (_write(DEEP), "JSON nested too deeply"),
    "deep-line.jsonl": (_write(DEEP + "\n"), "line 1: JSON nested too deeply"),
    "loop.txt": (_symlink_loop, "symbolic link loop"),
    "gone.txt": (_broken_link, "broken symbolic link"),
    "pipe.txt": (_fifo, "not a regular file"),
    "noise.txt": (_write(random_bytes()), "binary file, not text"),
    "noise-high.txt": (_write(HIGH_RANDOM), "binary file, not text"),
    "noise.json": (_write(random_bytes(seed=15)), "binary file, not text"),
    "noise.html": (_write(random_bytes(seed=16)), "binary file, not HTML"),
    "noise-no-nul.html": (_write(random_bytes(seed=17).replace(b"\x00", b"\x01")), "binary file, not HTML"),
    "surrogate.json": (_write('{"id": "s", "text": "Talks \\ud800 ended."}'), "unpaired UTF-16 surrogate"),
    "long-id.json": (_write(json.dumps({"id": "x" * 600, "text": KEPT_TEXT})), "id longer than 500"),
    "truncated.json": (_write('{"id": "t", "text": "Foreign Minister'), "invalid JSON"),
    "empty.txt": (_write("  \n\n"), "empty file"),
}


@dataclass
class Outcome:
    report: ingest.IngestReport
    lines: list[str]
    before: tuple[int, str]
    after: tuple[int, str]
    kept_graph_before: set[ox.Quad]
    kept_graph_after: set[ox.Quad]


@pytest.fixture(scope="module")
def template(extractor: Extractor, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed store holding one article, 'kept', copied for each test."""
    folder = tmp_path_factory.mktemp("template")
    (folder / "kept.txt").write_text(KEPT_TEXT, encoding="utf-8")
    store = GraphStore(folder / "store")
    assert ingest.run([folder / "kept.txt"], store, extractor=extractor).articles == 1
    del store
    gc.collect()
    return folder / "store"


@pytest.fixture
def store_path(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "store"))


@pytest.fixture
def store(store_path: Path) -> Iterator[GraphStore]:
    s = GraphStore(store_path)
    yield s
    del s
    gc.collect()


def kept_graph(store: GraphStore) -> set[ox.Quad]:
    return set(store.raw.quads_for_pattern(None, None, None, article_graph(BASE, "kept")))


def ingest_into(store: GraphStore, extractor: Extractor, paths: list[Path], **kw: object) -> Outcome:
    lines: list[str] = []
    before, kept_before = digest(store), kept_graph(store)
    report = ingest.run(paths, store, extractor=extractor, on_error=lines.append, **kw)  # type: ignore[arg-type]
    return Outcome(report, lines, before, digest(store), kept_before, kept_graph(store))


def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir(exist_ok=True)
    return folder


# -- each bad input alone, inside a folder ---------------------------------------------------------

@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_file_is_one_line_naming_it_and_the_store_is_unchanged(
        name: str, store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    make, says = BAD[name]
    folder = inputs(tmp_path)
    make(folder / name)
    out = ingest_into(store, extractor, [folder])
    [line] = out.lines
    assert line.startswith(str(folder / name) + ": ") and says in line, line
    assert "\n" not in line and "Traceback" not in line
    assert out.report.articles == 0 and out.report.errors == [line]
    assert out.after == out.before


def test_an_unreadable_file_is_one_line(store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file; the broken link and named pipe cases cover unreadable files")
    path = inputs(tmp_path) / "locked.txt"
    path.write_text(KEPT_TEXT, encoding="utf-8")
    path.chmod(0)
    out = ingest_into(store, extractor, [path.parent])
    [line] = out.lines
    assert line == f"{path}: Permission denied"
    assert out.after == out.before


def test_an_unsupported_file_in_a_folder_is_skipped_with_one_line_not_an_error(
        store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    folder = inputs(tmp_path)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4\n" + random_bytes(2000))
    out = ingest_into(store, extractor, [folder])
    assert out.lines == [f"{folder / 'notes.pdf'}: skipped: unsupported type '.pdf'"]
    assert out.report.errors == [] and out.report.skipped == out.lines
    assert out.report.summary().endswith("; 1 skipped")
    assert out.after == out.before


def test_an_unsupported_file_named_explicitly_is_an_error(store: GraphStore, extractor: Extractor,
                                                          tmp_path: Path) -> None:
    path = inputs(tmp_path) / "notes.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    out = ingest_into(store, extractor, [path])
    [line] = out.report.errors
    assert line.startswith(f"{path}: unsupported file type '.pdf'")
    assert out.after == out.before


def test_an_article_over_the_size_limit_is_refused_before_it_is_read(
        store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    folder = inputs(tmp_path)
    (folder / "huge.txt").write_text(KEPT_TEXT + " More." * 400, encoding="utf-8")
    (folder / "feed.jsonl").write_text(json.dumps({"id": "big", "text": "Talks. " * 400}) + "\n"
                                       + json.dumps({"id": "small", "text": GOOD["good-one.txt"]}) + "\n",
                                       encoding="utf-8")
    out = ingest_into(store, extractor, [folder], max_article_bytes=1000)
    assert len(out.lines) == 2
    assert out.lines[0] == (f"{folder / 'feed.jsonl'}: article 'big': too large: 2,800 bytes of text, over the "
                            "1,000 bytes limit of one article (--max-article-mb)")
    assert out.lines[1].startswith(f"{folder / 'huge.txt'}: too large: 2,533 bytes, over the 1,000 bytes limit")
    assert all("limit of one article (--max-article-mb)" in line for line in out.lines)
    assert out.report.articles == 1  # the small record of the feed
    assert out.kept_graph_after == out.kept_graph_before


# -- a folder with one bad file of each kind -------------------------------------------------------

def test_a_folder_with_one_bad_file_of_each_kind_stores_all_the_good_ones(
        store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    folder = inputs(tmp_path)
    for name, (make, _) in BAD.items():
        make(folder / name)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "huge.txt").write_text("Talks. " * 40_000, encoding="utf-8")
    for name, content in GOOD.items():
        (folder / name).write_text(content, encoding="utf-8")
    out = ingest_into(store, extractor, [folder], max_article_bytes=200_000)
    assert out.report.articles == len(GOOD)
    stored = {q.object.value for q in store.raw.quads_for_pattern(
        None, ox.NamedNode("http://purl.org/dc/terms/identifier"), None, None)}
    assert stored == GOOD_IDS | {"kept"}
    assert len(out.report.errors) == len(BAD) + 1  # + huge.txt
    for name, (_, says) in BAD.items():
        [line] = [e for e in out.report.errors if e.startswith(f"{folder / name}: ")]
        assert says in line
    assert out.report.skipped == [f"{folder / 'notes.pdf'}: skipped: unsupported type '.pdf'"]
    assert out.kept_graph_after == out.kept_graph_before  # what was stored before is untouched
    assert out.report.summary().endswith(f"; {len(BAD) + 1} problems; 1 skipped")


# -- long texts ------------------------------------------------------------------------------------

def test_a_text_over_spacys_limit_is_stored_with_its_facts_and_offsets(
        store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    tail = ("Indian Foreign Minister Subrahmanyam Jaishankar met Chinese Foreign Minister Wang Yi in Beijing "
            "on Wednesday to discuss trade.")
    text = GOOD["good-one.txt"] + "\n\n" + "\n" * 1_000_000 + tail + "\n"
    assert len(text) > extractor.nlp.max_length
    path = inputs(tmp_path) / "very-long.txt"
    path.write_text(text, encoding="utf-8")
    kept: list[ArticleFacts] = []
    lines: list[str] = []
    report = ingest.run([path], store, extractor=extractor, on_error=lines.append, on_article=kept.append)
    assert (report.articles, lines) == (1, [])
    [facts] = kept
    names = {e.name for e in facts.entities.values()}
    assert {"Donald Tusk", "Subrahmanyam Jaishankar", "Wang Yi"} <= names
    evidence = [c.evidence for c in facts.posts] + [m.evidence for m in facts.meetings]
    assert any(ev.start > 1_000_000 for ev in evidence)  # facts from after the padding, offsets shifted
    assert all(text[ev.start:ev.end] == ev.quote for ev in evidence)


# -- a mapper inconsistency drops the fact, not the article ----------------------------------------

class FaultyExtractor(Extractor):
    """The real extractor, plus one injected meeting of a single participant per article: the kind
    of inconsistency ("meeting 157 has fewer than two participants") that used to drop the article."""

    def __init__(self, real: Extractor) -> None:  # share the loaded pipeline
        self.__dict__.update(real.__dict__)

    def extract_many(self, articles):  # type: ignore[no-untyped-def, override]
        for facts in super().extract_many(articles):
            if isinstance(facts, ArticleFacts) and facts.meetings:
                good = facts.meetings[0]
                facts.meetings.append(Meeting(participants=good.participants[:1], evidence=good.evidence))
            yield facts


def test_a_mapper_inconsistency_drops_the_fact_and_keeps_the_article(
        store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    path = inputs(tmp_path) / "good-one.txt"
    path.write_text(GOOD["good-one.txt"], encoding="utf-8")
    kept: list[ArticleFacts] = []
    lines: list[str] = []
    report = ingest.run([path], store, extractor=FaultyExtractor(extractor), on_error=lines.append,
                        on_article=kept.append)
    [facts] = kept
    n = len(facts.meetings)
    assert n >= 2
    assert lines == [f"{path}: warning: dropped meeting {n}: meeting {n} has fewer than two participants"]
    assert report.errors == [] and report.warnings == lines and report.articles == 1
    assert report.meetings == n - 1  # the summary counts what was stored
    graph = article_graph(BASE, "good-one")
    subjects = {q.subject.value for q in store.raw.quads_for_pattern(None, None, None, graph)}
    assert f"{BASE}id/claim/good-one/meeting-1" in subjects
    assert not any(s.startswith(f"{BASE}id/claim/good-one/meeting-{n}") for s in subjects)
    assert report.summary().endswith("; 1 dropped fact")


# -- the command line ------------------------------------------------------------------------------

def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result: Result, code: int | None = None) -> str:
    """The single stderr line of a failed command, checked for a clean exit without traceback."""
    assert result.exit_code != 0, result.output
    if code is not None:
        assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith(("Usage:", "Try "))]
    assert len(lines) == 1, result.stderr
    del result
    gc.collect()  # let go of a store the command opened
    return lines[0]


def test_cli_load_into_a_graph_that_is_not_an_iri(store_path: Path, tmp_path: Path) -> None:
    ttl = tmp_path / "x.ttl"
    ttl.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n", encoding="utf-8")
    before = digest_at(store_path)
    line = one_line_error(invoke("load", ttl, "--graph", "not an iri", "--store", store_path), 2)
    assert "'--graph'" in line and "'not an iri' is not an absolute IRI" in line
    assert digest_at(store_path) == before


def test_cli_ingest_with_a_base_uri_that_is_not_a_uri(store_path: Path, tmp_path: Path) -> None:
    path = inputs(tmp_path) / "a.txt"
    path.write_text(KEPT_TEXT, encoding="utf-8")
    before = digest_at(store_path)
    line = one_line_error(invoke("ingest", path, "--base-uri", "not a uri", "--store", store_path, "-q"), 2)
    assert "'--base-uri'" in line and "is not an absolute IRI" in line
    assert digest_at(store_path) == before


@pytest.mark.parametrize("option", [("--batch-size", "0"), ("--max-article-mb", "0")])
def test_cli_ingest_refuses_a_zero_batch_or_limit(store_path: Path, tmp_path: Path, option: tuple[str, str]) -> None:
    path = inputs(tmp_path) / "a.txt"
    path.write_text(KEPT_TEXT, encoding="utf-8")
    before = digest_at(store_path)
    line = one_line_error(invoke("ingest", path, *option, "--store", store_path, "-q"), 2)
    assert f"'{option[0]}'" in line and "0" in line
    assert digest_at(store_path) == before


def _binary(tmp_path: Path) -> Path:
    path = tmp_path / "binary.rq"
    path.write_bytes(random_bytes(2000))
    return path


def _folder(tmp_path: Path) -> Path:
    path = tmp_path / "queries.rq"
    path.mkdir()
    return path


@pytest.mark.parametrize(("make", "says"), [
    (lambda tmp: tmp / "missing.rq", "cannot read query file"),
    (_folder, "is a folder, not a query file"),
    (_binary, "not a UTF-8 text file"),
])
def test_cli_query_from_a_file_that_is_not_a_query(store_path: Path, tmp_path: Path,
                                                   make: Callable[[Path], Path], says: str) -> None:
    path = make(tmp_path)
    before = digest_at(store_path)
    line = one_line_error(invoke("query", f"@{path}", "--store", store_path), 1)
    assert line.startswith("Error: ") and str(path) in line and says in line
    assert digest_at(store_path) == before


def test_cli_query_nested_thousands_deep_is_refused_before_the_parser(store_path: Path) -> None:
    """Oxigraph's recursive parser overflows its stack on a query nested 5,000 braces deep (a segfault,
    which here would take the test run down with it): the CLI refuses it with one line first."""
    before = digest_at(store_path)
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    line = one_line_error(invoke("query", deep, "--store", store_path), 1)
    assert line.startswith("Error: The query is nested 5000 brackets deep") and "newsgraph accepts at most" in line
    assert digest_at(store_path) == before


def test_cli_dump_to_an_unknown_extension(store_path: Path, tmp_path: Path) -> None:
    before = digest_at(store_path)
    line = one_line_error(invoke("dump", "--store", store_path, "-o", tmp_path / "x.foo"), 2)
    assert "unknown RDF format or file extension: 'x.foo'" in line and "--format" in line
    assert not (tmp_path / "x.foo").exists() and not (tmp_path / "x.foo.part").exists()
    assert digest_at(store_path) == before


def test_cli_dump_into_a_missing_folder(store_path: Path, tmp_path: Path) -> None:
    line = one_line_error(invoke("dump", "--store", store_path, "-o", tmp_path / "no" / "x.ttl"), 1)
    assert line.startswith("Error: cannot write ") and "No such file or directory" in line


CONSTRUCT = "CONSTRUCT { ?p a <http://xmlns.com/foaf/0.1/Person> } WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }"


def test_cli_query_json_of_a_construct_is_json_ld(store_path: Path) -> None:
    result = invoke("query", CONSTRUCT, "--format", "json", "--store", store_path)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc  # real JSON, not Turtle
    people = {t.subject.value for t in ox.parse(result.stdout_bytes, format=ox.RdfFormat.JSON_LD)}
    assert f"{BASE}id/person/elina-valtonen" in people


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_cli_query_csv_of_a_construct_is_refused(store_path: Path, fmt: str) -> None:
    line = one_line_error(invoke("query", CONSTRUCT, "--format", fmt, "--store", store_path), 2)
    assert "CONSTRUCT or DESCRIBE query answers RDF" in line


def test_cli_query_json_of_an_ask_is_sparql_json(store_path: Path) -> None:
    result = invoke("query", "ASK { ?s ?p ?o }", "--format", "json", "--store", store_path)
    assert (result.exit_code, json.loads(result.stdout)) == (0, {"head": {}, "boolean": True})


def test_cli_gazetteer_refresh_without_network_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "gazetteer.json.gz"
    line = one_line_error(invoke("gazetteer", "refresh", "--endpoint", "http://127.0.0.1:1/sparql", "-o", out), 1)
    assert line.startswith("Error: cannot reach 127.0.0.1:1 (") and "Connection refused" in line
    assert line.endswith(f"{out} left as it was")
    assert not out.exists()


def test_cli_ingest_of_one_bad_file_says_1_problem(store_path: Path, tmp_path: Path) -> None:
    folder = inputs(tmp_path)
    (folder / "noise.txt").write_bytes(random_bytes())
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "good-one.txt").write_text(GOOD["good-one.txt"], encoding="utf-8")
    before = digest_at(store_path)
    result = invoke("ingest", folder, "--store", store_path, "-q")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"newsgraph: {folder / 'noise.txt'}: binary file, not text (contains NUL bytes)",
        f"newsgraph: {folder / 'notes.pdf'}: skipped: unsupported type '.pdf'",
    ]
    assert result.stdout.startswith("1 article ingested: ")
    assert result.stdout.rstrip().endswith(f"; 1 problem; 1 skipped → {store_path}")
    del result
    gc.collect()
    count, _ = digest_at(store_path)
    assert count > before[0]
