"""Article ids to IRIs, one to one: no article can replace another, within a run or across runs.

Ids that ``slugify`` used to merge (``A B``, ``a/b``, ``a-b``; every Cyrillic or Chinese id became
``x``) are stored apart, a graph holding another article is never overwritten (the store guard),
stores written under the old scheme still read, delete and migrate, and the web pages dereference
the new IRIs. Real spaCy, real Oxigraph store on disk, real Flask app.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from newsgraph import ingest, mapping
from newsgraph.extract import Extractor
from newsgraph.ingest import DEFAULT_BASE_URI as BASE
from newsgraph.link.identity import local_key
from newsgraph.mapping import article_graph, article_iri, article_key, claim_iri, conflict_iri, run_iri
from newsgraph.store import ArticleClash, GraphStore
from newsgraph.vocab import DCTERMS, RDF, SCHEMA

# Our own sentences; the names are public facts.
STORIES = [
    "Norwegian Foreign Minister Espen Barth Eide met Finnish Foreign Minister Elina Valtonen in Oslo "
    "on Monday to discuss Arctic security.",
    "Polish Prime Minister Donald Tusk spoke by phone with German Chancellor Olaf Scholz on Tuesday "
    "about border controls.",
    "Indian Foreign Minister Subrahmanyam Jaishankar met Chinese Foreign Minister Wang Yi in Beijing "
    "on Wednesday to discuss trade.",
    "French President Emmanuel Macron received Ukrainian President Volodymyr Zelensky in Paris "
    "on Thursday to discuss air defence.",
    "Turkish Foreign Minister Hakan Fidan met Russian Foreign Minister Sergei Lavrov in Ankara "
    "on Friday to discuss grain exports.",
    "Spanish Prime Minister Pedro Sanchez met Italian Prime Minister Giorgia Meloni in Rome "
    "on Saturday to discuss migration.",
    "Greek Foreign Minister Giorgos Gerapetritis met Cypriot Foreign Minister Constantinos Kombos "
    "in Athens on Sunday to discuss energy.",
]
#: Ids that all slugged to ``a-b`` or ``x`` under the old scheme.
CLASHING = ["A B", "a/b", "a-b", "политика", "статья", "新闻", "中文"]
KEY = re.compile(r"[A-Za-z0-9._~-]+")


def digest(store: GraphStore) -> tuple[int, str]:
    """Quad count and SHA-256 of the sorted N-Quads: equal before and after means nothing changed."""
    lines = sorted(str(q) for q in store.raw)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def stored_ids(store: GraphStore) -> dict[str, str]:
    """identifier -> graph of every stored article."""
    out: dict[str, str] = {}
    for q in store.raw.quads_for_pattern(None, DCTERMS.identifier, None, None):
        out[q.object.value] = q.graph_name.value  # type: ignore[union-attr]
    return out


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    s = GraphStore(tmp_path / "store")
    yield s
    del s
    gc.collect()


def run(paths: list[Path], store: GraphStore, extractor: Extractor) -> tuple[ingest.IngestReport, list[str]]:
    lines: list[str] = []
    report = ingest.run(paths, store, extractor=extractor, on_error=lines.append)
    return report, lines


# -- the key ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("article_id", ["000_cb871da6658fd24f", "sample-nato-brussels", "A.B_c-9", "x" * 100])
def test_an_id_of_unreserved_characters_is_its_own_key(article_id: str) -> None:
    assert article_key(article_id) == article_id
    assert article_iri(BASE, article_id).value == f"{BASE}id/article/{article_id}"


@pytest.mark.parametrize("article_id", [*(i for i in CLASHING if i != "a-b"), ".", "..", "a~b", "x" * 101, "a%20b", "",
                                        "a\nb", "ÉTÉ"])
def test_any_other_id_gets_a_readable_slug_and_a_hash_of_the_exact_id(article_id: str) -> None:
    key = article_key(article_id)
    slug, digest_part = key.split("~")
    assert KEY.fullmatch(key) and key.count("~") == 1
    assert digest_part == hashlib.sha256(article_id.encode()).hexdigest()[:12]
    assert 1 <= len(slug) <= 60 and not slug.startswith("-") and not slug.endswith("-")
    assert article_key(article_id) == key  # stable


def test_ids_that_slugged_alike_get_distinct_keys_and_every_iri_shares_the_key() -> None:
    ids = [*CLASHING, "A-B", "a_b", "a.b", "a~b", "a b", "a  b"]
    keys = [article_key(i) for i in ids]
    assert len(set(keys)) == len(ids)
    assert article_key("ÉTÉ").startswith("ete~")  # readable where the slug can be
    for i, key in zip(ids, keys, strict=True):
        iris = [article_iri(BASE, i), article_graph(BASE, i), run_iri(BASE, i),
                claim_iri(BASE, i, "post", 1), conflict_iri(BASE, i, 1)]
        assert [iri.value for iri in iris] == [f"{BASE}id/article/{key}", f"{BASE}graph/article/{key}",
                                               f"{BASE}id/run/{key}", f"{BASE}id/claim/{key}/post-1",
                                               f"{BASE}id/conflict/{key}/1"]
    assert local_key("Fidan", "политика") != local_key("Fidan", "статья")  # article-local people apart


# -- within a run and across runs ------------------------------------------------------------------

def test_ids_that_used_to_collide_are_all_stored_and_deleted_one_by_one(
        store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                            for i, t in zip(CLASHING, STORIES, strict=True)), encoding="utf-8")
    report, lines = run([feed], store, extractor)
    assert (report.articles, lines) == (len(CLASHING), [])
    ids = stored_ids(store)
    assert set(ids) == set(CLASHING)
    assert len(set(ids.values())) == len(CLASHING)  # one graph each
    assert all(g == article_graph(BASE, i).value for i, g in ids.items())
    assert ingest.delete(store, "политика")
    assert set(stored_ids(store)) == set(CLASHING) - {"политика"}


def test_a_later_run_never_replaces_another_article(store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    first = tmp_path / "politika" / "политика.txt"
    first.parent.mkdir()
    first.write_text(STORIES[0], encoding="utf-8")
    second = tmp_path / "statya" / "статья.txt"
    second.parent.mkdir()
    second.write_text(STORIES[1], encoding="utf-8")
    assert run([first], store, extractor)[0].articles == 1
    report, lines = run([second], store, extractor)
    assert (report.articles, lines) == (1, [])
    assert set(stored_ids(store)) == {"политика", "статья"}
    assert ingest.delete(store, "политика")
    assert set(stored_ids(store)) == {"статья"}


def test_reingesting_an_id_replaces_only_that_article(store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    path = tmp_path / "политика.txt"
    path.write_text(STORIES[0], encoding="utf-8")
    other = tmp_path / "other" / "a b.txt"
    other.parent.mkdir()
    other.write_text(STORIES[2], encoding="utf-8")
    run([path, other], store, extractor)
    path.write_text(STORIES[3], encoding="utf-8")
    report, lines = run([path], store, extractor)
    assert (report.articles, lines) == (1, [])
    assert set(stored_ids(store)) == {"политика", "a b"}
    labels = {q.object.value for q in store.raw.quads_for_pattern(None, None, None, article_graph(BASE, "политика"))
              if isinstance(q.object, ox.Literal)}
    assert "Emmanuel Macron" in labels and "Espen Barth Eide" not in labels


# -- the store guard -------------------------------------------------------------------------------

def article_quads(graph: ox.NamedNode, subject: str, identifier: str) -> list[ox.Quad]:
    node = ox.NamedNode(subject)
    return [ox.Quad(node, RDF.type, SCHEMA.NewsArticle, graph),
            ox.Quad(node, DCTERMS.identifier, ox.Literal(identifier), graph)]


def test_the_guard_refuses_a_graph_that_holds_another_article(
        store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    # What the old scheme left: 'A B' stored in the graph that is now the key of 'a-b'.
    graph = article_graph(BASE, "a-b")
    store.replace_graph(graph, article_quads(graph, f"{BASE}id/article/a-b", "A B"))
    before = digest(store)
    path = tmp_path / "a-b.txt"
    path.write_text(STORIES[0], encoding="utf-8")
    report, lines = run([path], store, extractor)
    assert report.articles == 0 and report.quads == 0
    [line] = lines
    assert line.startswith(f"{path}: ") and "already holds article 'A B'" in line and "'a-b' not stored" in line
    assert digest(store) == before
    assert report.summary().startswith("0 articles ingested") and report.summary().endswith("; 1 problem")


def test_the_guard_refuses_a_graph_of_loaded_data(store: GraphStore) -> None:
    graph = article_graph(BASE, "loaded")
    store.replace_graph(graph, [ox.Quad(ox.NamedNode("http://example.org/s"), RDF.type,
                                        ox.NamedNode("http://example.org/T"), graph)])
    before = digest(store)
    with pytest.raises(ArticleClash, match="data that is not an article"):
        store.replace_article(graph, "loaded", article_quads(graph, f"{BASE}id/article/loaded", "loaded"))
    assert digest(store) == before


def test_the_guard_lets_an_article_replace_itself(store: GraphStore) -> None:
    graph = article_graph(BASE, "same")
    quads = article_quads(graph, f"{BASE}id/article/same", "same")
    assert store.replace_article(graph, "same", quads) == (2, [])
    assert store.replace_article(graph, "same", quads) == (2, [])
    assert len(store) == 2


# -- stores written by the old scheme -------------------------------------------------------------

def test_an_old_scheme_store_reads_deletes_and_migrates_on_reingest(
        store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    old_graph = ox.NamedNode(f"{BASE}graph/article/x")  # slugify('политика') was 'x'
    store.replace_graph(old_graph, article_quads(old_graph, f"{BASE}id/article/x", "политика"))
    assert ingest.article_graphs(store, "политика") == [old_graph.value]
    path = tmp_path / "политика.txt"
    path.write_text(STORIES[4], encoding="utf-8")
    report, lines = run([path], store, extractor)
    assert (report.articles, lines) == (1, [])
    # Stored once, at its new IRI: the old graph went in the same transaction.
    assert ingest.article_graphs(store, "политика") == [article_graph(BASE, "политика").value]
    assert not store.raw.contains_named_graph(old_graph)
    assert ingest.delete(store, "политика")
    assert len(store) == 0


def test_delete_finds_an_article_stored_under_the_old_scheme(store: GraphStore) -> None:
    old_graph = ox.NamedNode(f"{BASE}graph/article/000-cb871da6658fd24f")
    store.replace_graph(old_graph, article_quads(old_graph, f"{BASE}id/article/000-cb871da6658fd24f",
                                                 "000_cb871da6658fd24f"))
    assert ingest.delete(store, "000_cb871da6658fd24f")
    assert len(store) == 0


def test_two_inputs_with_one_id_in_a_run_store_it_once_and_say_which_won(
        store: GraphStore, extractor: Extractor, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    (inputs / "a").mkdir(parents=True)
    (inputs / "b").mkdir()
    first, second = inputs / "a" / "dup.txt", inputs / "b" / "dup.txt"
    first.write_text(STORIES[0], encoding="utf-8")
    second.write_text(STORIES[1], encoding="utf-8")
    report, lines = run([inputs], store, extractor)
    assert report.articles == 1
    [line] = lines
    assert line.startswith(f"{second}: duplicate article id 'dup'") and f"from {first}, is kept" in line
    assert set(stored_ids(store)) == {"dup"}


# -- the web pages find articles by their new IRIs -------------------------------------------------

def test_pages_dereference_the_new_article_iris(extractor: Extractor, tmp_path: Path) -> None:
    from newsgraph.web import create_app, shutdown

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "политика", "title": "Talks in Oslo", "text": STORIES[0]},
                               ensure_ascii=False) + "\n"
                    + json.dumps({"id": "000_cb871da6658fd24f", "title": "Talks in Beijing", "text": STORIES[2]})
                    + "\n", encoding="utf-8")
    store = GraphStore(tmp_path / "store")
    assert run([feed], store, extractor)[0].articles == 2
    del store
    gc.collect()
    app = create_app(tmp_path / "store", {"TESTING": True, "STORE_CHECK_INTERVAL": 0.0})
    try:
        client = app.test_client()
        for article_id, title in [("политика", "Talks in Oslo"), ("000_cb871da6658fd24f", "Talks in Beijing")]:
            key = mapping.article_key(article_id)
            page = client.get(f"/id/article/{key}", headers={"Accept": "text/html"})
            assert page.status_code == 200 and title in page.get_data(as_text=True)
            graph = client.get(f"/graph/article/{key}", headers={"Accept": "text/html"})
            assert graph.status_code == 303 and graph.headers["Location"].endswith(f"/id/article/{key}")
        assert client.get("/id/article/000_cb871da6658fd24f").status_code == 200
    finally:
        shutdown(app)


def test_articles_listing_ids_are_the_url_ids(extractor: Extractor, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsgraph.cli import main

    path = tmp_path / "000_cb871da6658fd24f.txt"
    path.write_text(STORIES[5], encoding="utf-8")
    store = GraphStore(tmp_path / "store")
    run([path], store, extractor)
    del store
    gc.collect()
    result = CliRunner().invoke(main, ["articles", "--store", str(tmp_path / "store")])
    [row] = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["graph"] == f"{BASE}graph/article/{row['id']}"
    shutil.rmtree(tmp_path / "store")


def test_storing_an_article_records_the_base_and_refreshes_what_queries_see(tmp_path: Path,
                                                                            extractor: Extractor) -> None:
    """replace_article is the ingest's write: it must leave the store's minting base on record (for
    ``serve`` on any host) and drop the merged union that ``query`` answers from, like every write."""
    store = GraphStore(tmp_path / "store")
    path = tmp_path / "story.txt"
    path.write_text(STORIES[0], encoding="utf-8")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(next(iter(store.query(count)))["n"].value) == 0  # builds (and caches) the merged union
    ingest.run([path], store, extractor=extractor, base_uri="https://news.example.org/")
    assert int(next(iter(store.query(count)))["n"].value) > 0
    assert store.base_uri() == "https://news.example.org/"
