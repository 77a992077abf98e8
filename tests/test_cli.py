"""The ``newsgraph`` command line, as users run it: the installed console script in a real process,
and every command through click's ``CliRunner`` on a store filled by the real ingest."""

from __future__ import annotations

import csv
import gc
import gzip
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner, Result

import newsgraph
from newsgraph.cli import main
from newsgraph.resources import sparql_dir
from newsgraph.store import GraphStore

SAMPLES = Path(newsgraph.__file__).parent / "samples"
SAMPLE_IDS = ["sample-blinken-beijing", "sample-nato-brussels", "sample-sco-astana",
              "sample-ukraine-security-pacts", "sample-weimar-triangle"]
BASE = "http://localhost:8080/"
# A story of our own, ingested next to a bad file into the store that already holds the samples.
EXTRA_ID = "athens-talks"
EXTRA_TEXT = ("Italian Foreign Minister Antonio Tajani met Greek Foreign Minister Giorgos Gerapetritis "
              "in Athens on Tuesday to discuss migration.")
# Nouns agree with their number ("1 problem"); a folder's README is reported as skipped, not an error.
SUMMARY = re.compile(r"^(\d+) articles? ingested: \d+ persons?, \d+ posts?, \d+ meetings?, \d+ memberships?, "
                     r"(\d+) quads?(; (\d+) problems?)?(?:; \d+ dropped facts?)?(?:; \d+ skipped)? → (.+)$")
PERSONS_RQ = sparql_dir() / "contract" / "persons.rq"


def newsgraph_script() -> Path:
    """The installed console script, next to the interpreter running the tests."""
    script = Path(sys.executable).parent / "newsgraph"
    assert script.is_file(), f"console script not installed at {script}"
    return script


def quads_of(path: Path) -> set[ox.Quad]:
    """Every quad of the store at ``path`` (read-only, closed again at once)."""
    store = GraphStore(path, read_only=True)
    try:
        return set(store.raw)
    finally:
        del store


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def released(result: Result) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a run, with the exception dropped.

    A command that exits non-zero leaves its traceback (and so its open read-write store) in the
    result; in a real process exiting closes the store, here we let go of it by hand.
    """
    out = (result.exit_code, result.stdout, result.stderr)
    del result
    gc.collect()
    return out


@dataclass(frozen=True)
class Ingested:
    store: Path
    first: subprocess.CompletedProcess[str]  # the samples, by the console script
    before_bad: set[ox.Quad]  # the store after the first run
    bad: tuple[int, str, str]  # a bad file plus a good one, through CliRunner


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    """The samples ingested by ``newsgraph ingest`` in a subprocess, the store coming from
    ``$NEWSGRAPH_STORE``; then a second run with one malformed file and one good one."""
    work = tmp_path_factory.mktemp("cli")
    store = work / "store"
    env = {**os.environ, "NEWSGRAPH_STORE": str(store)}
    env.pop("NEWSGRAPH_BASE_URI", None)
    first = subprocess.run([str(newsgraph_script()), "ingest", str(SAMPLES), "-q"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    before = quads_of(store) if store.exists() else set()
    inputs = work / "more"
    inputs.mkdir()
    (inputs / "broken.json").write_text('{"id": "broken", "text": "Foreign Minister', encoding="utf-8")
    (inputs / f"{EXTRA_ID}.txt").write_text(EXTRA_TEXT, encoding="utf-8")
    bad = released(invoke("ingest", inputs / "broken.json", inputs / f"{EXTRA_ID}.txt", "--store", store,
                          "-q"))
    return Ingested(store, first, before, bad)


@pytest.fixture(scope="module")
def store(ingested: Ingested) -> Path:
    return ingested.store


def union_triples(path: Path) -> set[ox.Triple]:
    return {q.triple for q in quads_of(path)}


# -- ingest ---------------------------------------------------------------------------------------

def test_console_script_ingest_prints_summary_and_exits_0(ingested: Ingested) -> None:
    assert ingested.first.returncode == 0, ingested.first.stderr
    assert "Traceback" not in ingested.first.stderr
    [line] = ingested.first.stdout.splitlines()
    m = SUMMARY.match(line)
    assert m, line
    assert m[1] == str(len(SAMPLE_IDS)) and m[3] is None
    assert m[5] == str(ingested.store)  # the store came from $NEWSGRAPH_STORE
    assert int(m[2]) == len(ingested.before_bad) > 0
    assert {g.value for g in {q.graph_name for q in ingested.before_bad}} == {
        f"{BASE}graph/article/{a}" for a in SAMPLE_IDS}


def test_ingest_with_a_bad_file_names_it_and_exits_1(ingested: Ingested) -> None:
    code, out, err = ingested.bad
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith("newsgraph: ") and "broken.json" in line and "invalid JSON" in line
    m = SUMMARY.match(out.strip())
    assert m, out
    assert (m[1], m[4]) == ("1", "1")


def test_ingest_with_a_bad_file_keeps_what_was_stored_and_adds_the_good_one(ingested: Ingested) -> None:
    after = quads_of(ingested.store)
    assert ingested.before_bad <= after
    added = {q.graph_name.value for q in after - ingested.before_bad}
    assert added == {f"{BASE}graph/article/{EXTRA_ID}"}


# -- query ----------------------------------------------------------------------------------------

def test_query_prints_a_table_with_a_row_count(store: Path) -> None:
    result = invoke("query", f"@{PERSONS_RQ}", "--store", store)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["article", "label", "wikidata"]
    assert set(lines[1]) <= {"-", " "}
    rows = lines[2:-1]
    assert lines[-1] == f"({len(rows)} rows)"
    assert any(r.split()[:3] == ["sample-nato-brussels", "Hakan", "Fidan"] for r in rows)


def test_query_json_is_sparql_results_json(store: Path) -> None:
    result = invoke("query", "SELECT ?id WHERE { ?a <http://purl.org/dc/terms/identifier> ?id } ORDER BY ?id",
                    "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"] == ["id"]
    assert [b["id"]["value"] for b in doc["results"]["bindings"]] == sorted([*SAMPLE_IDS, EXTRA_ID])


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_query_csv_and_tsv_have_a_header_and_one_line_per_row(store: Path, fmt: str, delimiter: str) -> None:
    result = invoke("query", str(PERSONS_RQ), "--store", store, "--format", fmt)  # a .rq path as is
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter=delimiter))
    assert [c.lstrip("?") for c in rows[0]] == ["article", "label", "wikidata"]
    people = {(r[0].strip('"'), r[1].strip('"')) for r in rows[1:]}
    assert ("sample-weimar-triangle", "Annalena Baerbock") in people
    assert ("athens-talks", "Antonio Tajani") in people


def test_query_ask_and_construct(store: Path) -> None:
    ask = invoke("query", "ASK { ?p a <http://xmlns.com/foaf/0.1/Person> }", "--store", store)
    assert (ask.exit_code, ask.stdout) == (0, "true\n")
    construct = invoke("query", "CONSTRUCT { ?p a <http://xmlns.com/foaf/0.1/Person> } "
                       "WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }", "--store", store)
    assert construct.exit_code == 0
    people = {t.subject.value for t in ox.parse(construct.stdout_bytes, format=ox.RdfFormat.TURTLE)}
    assert f"{BASE}id/person/hakan-fidan" in people


def test_bad_query_is_one_clear_line_and_non_zero(store: Path) -> None:
    code, out, err = released(invoke("query", "SELEC ?x WHERE { ?x ?y ?z }", "--store", store))
    assert code != 0 and out == ""
    [line] = err.splitlines()
    assert line.startswith("Error: bad query: ")


def test_query_on_a_missing_store_says_so(tmp_path: Path) -> None:
    code, _, err = released(invoke("query", "ASK {}", "--store", tmp_path / "nowhere"))
    assert code != 0
    [line] = err.splitlines()
    assert "no store at" in line and "nowhere" in line


# -- dump -----------------------------------------------------------------------------------------

RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig"}
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
              "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_dump_triple_formats_give_the_union_once(store: Path, fmt: str) -> None:
    result = invoke("dump", "--store", store, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    expected = union_triples(store)
    parsed = [q.triple for q in ox.parse(result.stdout_bytes, format=OX_FORMATS[fmt])]
    assert len(parsed) == len(set(parsed)) == len(expected)
    assert set(parsed) == expected
    assert len(rdflib.Graph().parse(data=result.stdout_bytes, format=RDFLIB_FORMATS[fmt])) == len(expected)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib's own parsers use old names
def test_dump_quad_formats_keep_one_graph_per_article(store: Path, fmt: str) -> None:
    result = invoke("dump", "--store", store, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    expected = quads_of(store)
    parsed = list(ox.parse(result.stdout_bytes, format=OX_FORMATS[fmt]))
    assert len(parsed) == len(expected) and set(parsed) == expected
    graphs = {q.graph_name.value for q in parsed}
    assert graphs == {f"{BASE}graph/article/{a}" for a in [*SAMPLE_IDS, EXTRA_ID]}
    ds = rdflib.Dataset()
    ds.parse(data=result.stdout_bytes, format=RDFLIB_FORMATS[fmt])
    named = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    assert named == {g: sum(1 for q in parsed if q.graph_name.value == g) for g in graphs}


def test_dump_to_a_file_takes_the_format_from_its_extension(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.nq"
    result = invoke("dump", "--store", store, "-o", out)
    assert result.exit_code == 0
    assert result.stderr == f"wrote {out}\n"
    assert set(ox.parse(path=out, format=ox.RdfFormat.N_QUADS)) == quads_of(store)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.nq"]  # no .part file left


# -- load -----------------------------------------------------------------------------------------

def test_load_turtle_into_a_fresh_store(store: Path, tmp_path: Path) -> None:
    ttl = tmp_path / "all.ttl"
    assert invoke("dump", "--store", store, "-o", ttl).exit_code == 0
    fresh = tmp_path / "fresh"
    result = invoke("load", ttl, "--store", fresh)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"loaded {ttl}\n"
    loaded = quads_of(fresh)
    assert {q.graph_name for q in loaded} == {ox.DefaultGraph()}  # triples go to the default graph
    assert {q.triple for q in loaded} == union_triples(store)


def test_load_into_a_named_graph(tmp_path: Path) -> None:
    ttl = tmp_path / "one.ttl"
    ttl.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
                   encoding="utf-8")
    result = invoke("load", ttl, "--store", tmp_path / "s", "--graph", "http://example.org/g")
    assert result.exit_code == 0, result.stderr
    assert [q.graph_name.value for q in quads_of(tmp_path / "s")] == ["http://example.org/g"]


def test_load_of_a_file_with_a_syntax_error_adds_nothing(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "target"
    nq = tmp_path / "all.nq"
    assert invoke("dump", "--store", store, "-o", nq).exit_code == 0
    assert invoke("load", nq, "--store", target).exit_code == 0
    before = quads_of(target)
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:fine ex:triple ex:first .\n'
                   'ex:broken ex:p "open\n', encoding="utf-8")
    code, _, err = released(invoke("load", bad, "--store", target))
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith(f"newsgraph: {bad}: not valid Turtle")
    assert quads_of(target) == before  # the good first triple was not added either


# -- delete and articles -----------------------------------------------------------------------

@pytest.fixture
def copy_of_store(store: Path, tmp_path: Path) -> Path:
    """A writable copy of the ingested store, made with dump and load."""
    nq = tmp_path / "all.nq"
    assert invoke("dump", "--store", store, "-o", nq).exit_code == 0
    assert invoke("load", nq, "--store", tmp_path / "copy").exit_code == 0
    return tmp_path / "copy"


def test_delete_retracts_one_article_and_keeps_the_others(copy_of_store: Path) -> None:
    before = quads_of(copy_of_store)
    result = invoke("delete", "sample-sco-astana", "--store", copy_of_store)
    assert (result.exit_code, result.stdout) == (0, "deleted article sample-sco-astana\n")
    gone = ox.NamedNode(f"{BASE}graph/article/sample-sco-astana")
    assert quads_of(copy_of_store) == {q for q in before if q.graph_name != gone}
    articles = invoke("articles", "--store", copy_of_store)
    listed = [json.loads(line)["id"] for line in articles.stdout.splitlines()]
    assert listed == sorted({*SAMPLE_IDS, EXTRA_ID} - {"sample-sco-astana"})


def test_delete_of_an_unknown_article_is_a_clear_error(copy_of_store: Path) -> None:
    before = quads_of(copy_of_store)
    code, out, err = released(invoke("delete", "no-such-article", "--store", copy_of_store))
    assert code != 0 and out == ""
    [line] = err.splitlines()
    assert line.startswith("Error: no article 'no-such-article'")
    assert quads_of(copy_of_store) == before


def test_articles_lists_ids_titles_and_graphs(store: Path) -> None:
    result = invoke("articles", "--store", store)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == sorted([*SAMPLE_IDS, EXTRA_ID])
    by_id = {r["id"]: r for r in rows}
    assert by_id["sample-blinken-beijing"]["title"] == (
        "Blinken meets Xi in Beijing, presses China over support for Russia's arms industry")
    assert by_id[EXTRA_ID]["title"] is None
    assert all(r["graph"] == f"{BASE}graph/article/{r['id']}" for r in rows)


def test_store_defaults_to_the_environment_variable(store: Path, tmp_path: Path) -> None:
    with_env = invoke("articles", env={"NEWSGRAPH_STORE": str(store)})
    assert with_env.exit_code == 0
    assert len(with_env.stdout.splitlines()) == len(SAMPLE_IDS) + 1
    elsewhere = invoke("articles", env={"NEWSGRAPH_STORE": str(tmp_path / "empty")})
    assert elsewhere.exit_code != 0 and "empty" in elsewhere.stderr


def test_dump_dir_writes_the_servers_dump_set_with_void(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "dumps"
    code, _, err = released(invoke("dump", "--store", store, "--dir", out, "--base-url", "https://data.example/"))
    assert code == 0, err
    names = {p.name for p in out.iterdir()}
    assert {"newsgraph.ttl", "newsgraph.ttl.gz", "newsgraph.nq.gz", "newsgraph.trig.gz", "void.ttl"} <= names
    void = rdflib.Graph().parse(out / "void.ttl", format="turtle")
    # void:triples counts statements, one per article graph that makes it (the N-Quads dump)
    triples = [int(o) for o in void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#triples"))]
    assert triples == [len(quads_of(store))]
    endpoints = set(void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint")))
    assert rdflib.URIRef("https://data.example/sparql") in endpoints
    with gzip.open(out / "newsgraph.ttl.gz") as fh:  # the union, each triple once
        assert len(rdflib.Graph().parse(data=fh.read(), format="turtle")) == len(union_triples(store))
