"""Extraction on a Dask cluster (``newsgraph ingest --cluster local:2``): a local cluster of two worker
processes stores the same quads as an ingest in one process, and the CLI runs it end to end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed", reason="the [cluster] extra (Dask distributed) is not installed")

from newsgraph import ingest
from newsgraph.cli import main
from newsgraph.distributed import ClusterError, ClusterExtractor
from newsgraph.extract import ExtractionError, Extractor
from newsgraph.facts import Article
from newsgraph.store import GraphStore
from test_ingest_workers import ARTICLES, articles, sorted_nquads, write_articles


@pytest.fixture(scope="module")
def cluster() -> Iterator[ClusterExtractor]:
    with ClusterExtractor("local:2", batch_size=2) as extractor:
        yield extractor


def test_cluster_stores_the_same_quads_as_one_process(tmp_path: Path, extractor: Extractor,
                                                      cluster: ClusterExtractor) -> None:
    assert len(cluster.client.nthreads()) == 2  # two worker processes
    feed = write_articles(tmp_path)
    one = GraphStore(tmp_path / "one")
    assert ingest.run([feed], one, extractor=extractor).errors == []
    many = GraphStore(tmp_path / "many")
    report = ingest.run([feed], many, extractor=cluster)
    assert report.errors == [] and report.articles == len(ARTICLES)
    quads = sorted_nquads(one)
    assert len(quads) > 500
    assert quads == sorted_nquads(many)


def test_cluster_results_in_order_and_errors_per_article(extractor: Extractor, cluster: ClusterExtractor) -> None:
    items = articles()
    bad = Article("w-bad", items[0].text, published="last Monday")  # type: ignore[arg-type]  # not a date
    got = list(cluster.extract_many([*items[:3], bad, *items[3:]]))
    assert [r.article.id for r in got] == [a.id for a in items[:3]] + ["w-bad"] + [a.id for a in items[3:]]  # type: ignore[union-attr]
    assert isinstance(got[3], ExtractionError) and "newsgraph_meetings" in str(got[3])
    assert got[:3] + got[4:] == list(extractor.extract_many(items))


def test_cli_cluster_option(tmp_path: Path) -> None:
    feed = write_articles(tmp_path)
    result = CliRunner().invoke(main, ["ingest", str(feed), "--store", str(tmp_path / "s"), "--cluster", "local:2",
                                       "-q"])
    assert result.exit_code == 0, result.output
    assert f"{len(ARTICLES)} articles ingested" in result.output
    wrong = CliRunner().invoke(main, ["ingest", str(feed), "--store", str(tmp_path / "s"), "--cluster", "local:x"])
    assert wrong.exit_code != 0 and "local:2" in wrong.output
    both = CliRunner().invoke(main, ["ingest", str(feed), "--cluster", "local:2", "--workers", "2"])
    assert both.exit_code != 0 and "do not go together" in both.output


def test_unreachable_scheduler_is_one_clear_error() -> None:
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        ClusterExtractor("tcp://127.0.0.1:9", connect_timeout=2)
