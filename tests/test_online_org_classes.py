"""Online reconciliation of organizations whose class (P31) is a subclass of a known one.

A ministry item is often an instance of a narrower class than "ministry" (a foreign-affairs ministry
class, say). The client asks the query service, once per batch of new classes, which known classes
each is a subclass of (``P279*``) and caches the answer. These tests give the recorded ministry item
the stand-in class Q4115189 (see tests/data/wikidata/README.md) and serve the recorded subclass
answer from the same 127.0.0.1 server, in the query service's JSON shape.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newsgraph.extract import Extractor
from newsgraph.facts import ArticleFacts
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.reconcile import Reconciler, body_kind
from newsgraph.link.wikidata_api import USER_AGENT, Cache, WikidataClient
from test_online_linking import FIDAN, MINISTRY, VISIT
from wikidata_server import DATA, RecordedWikidata

STAND_IN_CLASS = "Q4115189"  # "Wikidata Sandbox": stands for a class below ministry (Q192350)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _data(tmp_path: Path, *extra_supers: str) -> Path:
    """The recorded answers with the ministry made an instance of the stand-in class, and the
    recorded subclass answer given ``extra_supers`` as further known superclasses of that class."""
    data = tmp_path / "wikidata"
    shutil.copytree(DATA, data)
    item_path = data / "entities" / f"{MINISTRY}.json"
    item = json.loads(item_path.read_text(encoding="utf-8"))
    value = item["claims"]["P31"][0]["mainsnak"]["datavalue"]["value"]
    value.update({"id": STAND_IN_CLASS, "numeric-id": int(STAND_IN_CLASS[1:])})
    item_path.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
    answer_path = data / "sparql" / "subclasses.json"
    answer = json.loads(answer_path.read_text(encoding="utf-8"))
    for sup in extra_supers:
        answer["results"]["bindings"].append({
            "class": {"type": "uri", "value": f"http://www.wikidata.org/entity/{STAND_IN_CLASS}"},
            "known": {"type": "uri", "value": f"http://www.wikidata.org/entity/{sup}"}})
    answer_path.write_text(json.dumps(answer), encoding="utf-8")
    return data


def _run(extractor: Extractor, client: WikidataClient, notices: list[str] | None = None) -> dict[str, str | None]:
    facts: ArticleFacts = extractor.extract(VISIT)
    Reconciler(client, on_notice=notices.append if notices is not None else None).link(facts, Gazetteer.load())
    return {e.name: e.wikidata for e in facts.entities.values() if e.kind in ("person", "organization")}


def test_subclass_of_ministry_links_with_one_cached_query(extractor: Extractor, tmp_path: Path) -> None:
    cache = tmp_path / "wikidata-cache.sqlite"
    with RecordedWikidata(_data(tmp_path)) as wd:
        links = _run(extractor, WikidataClient(Cache(cache), wd.api, sparql=wd.sparql, min_interval=0))
        queries = [r for r in wd.log if r["_path"] == "/sparql"]
        assert links["Foreign Ministry"] == MINISTRY and links["Hakan Fidan"] == FIDAN
        assert len(queries) == 1 and queries[0]["_ua"] == USER_AGENT  # one batched query, our User-Agent
        assert f"wd:{STAND_IN_CLASS}" in queries[0]["query"] and "wdt:P279*" in queries[0]["query"]
        assert "maxlag" not in queries[0]  # an action-API parameter, not the query service's
        wd.log.clear()
        again = WikidataClient(Cache(cache), wd.api, sparql=wd.sparql, min_interval=0)
        assert _run(extractor, again) == links
        assert again.requests == 0 and wd.log == []  # the class's answer comes from the cache


def test_without_a_query_service_only_direct_classes_count(extractor: Extractor, tmp_path: Path) -> None:
    """A custom API with no query service named: the ministry's class is unknown, so no link (fewer
    links, never a wrong one); the person still links."""
    with RecordedWikidata(_data(tmp_path)) as wd:
        client = WikidataClient(Cache(tmp_path / "c.sqlite"), wd.api, min_interval=0)
        assert client.sparql is None
        links = _run(extractor, client)
        assert all(r["_path"] != "/sparql" for r in wd.log)
    assert links["Foreign Ministry"] is None and links["Hakan Fidan"] == FIDAN


def test_class_that_is_also_a_settlement_is_no_body(extractor: Extractor, tmp_path: Path) -> None:
    """A class below ministry that is also below human settlement (Q486972) is taken as a place."""
    with RecordedWikidata(_data(tmp_path, "Q486972")) as wd:
        links = _run(extractor, WikidataClient(Cache(tmp_path / "c.sqlite"), wd.api, sparql=wd.sparql,
                                               min_interval=0))
    assert links["Foreign Ministry"] is None and links["Hakan Fidan"] == FIDAN


def test_query_service_failure_is_one_line_and_keeps_the_api(extractor: Extractor, tmp_path: Path) -> None:
    notices: list[str] = []
    with RecordedWikidata(_data(tmp_path)) as wd:
        wd.sparql_fail = [500]
        client = WikidataClient(Cache(tmp_path / "c.sqlite"), wd.api, sparql=wd.sparql, min_interval=0)
        links = _run(extractor, client, notices)
    assert links["Foreign Ministry"] is None and links["Hakan Fidan"] == FIDAN
    assert client.down is None and client.sparql_down == "Wikidata answered HTTP 500"
    assert len(notices) == 1 and notices[0].startswith("Wikidata query service not used")
    # a failed look-up is not cached: the next run asks again and links
    with RecordedWikidata(_data(tmp_path / "again")) as wd:
        retry = WikidataClient(Cache(tmp_path / "c.sqlite"), wd.api, sparql=wd.sparql, min_interval=0)
        assert _run(extractor, retry)["Foreign Ministry"] == MINISTRY


def test_body_kind_prefers_direct_then_most_specific() -> None:
    assert body_kind(["Q192350"]) == "government"  # ministry itself: no look-up needed
    assert body_kind([STAND_IN_CLASS]) is None  # unknown class, nothing looked up
    assert body_kind([STAND_IN_CLASS], {STAND_IN_CLASS: ["Q192350"]}) == "government"
    assert body_kind([STAND_IN_CLASS], {STAND_IN_CLASS: ["Q4830453", "Q476028"]}) == "sports-team"  # club over business
    assert body_kind([STAND_IN_CLASS], {STAND_IN_CLASS: ["Q192350", "Q56061"]}) is None  # also a territorial unit


def test_cli_asks_the_query_service_named_by_wikidata_sparql(tmp_path: Path) -> None:
    """``ingest --online --wikidata-sparql URL``: the subclass question goes to that service, so the
    ministry (an instance of a class below ministry) links from the command line too."""
    from click.testing import CliRunner

    from newsgraph.cli import main

    art = tmp_path / "visit.json"
    art.write_text(json.dumps({"id": VISIT.id, "title": VISIT.title, "text": VISIT.text,
                               "published": VISIT.published.isoformat()}), encoding="utf-8")  # type: ignore[union-attr]
    store = tmp_path / "store"
    runner = CliRunner()
    with RecordedWikidata(_data(tmp_path)) as wd:
        res = runner.invoke(main, ["ingest", str(art), "--store", str(store), "-q", "--online",
                                   "--wikidata-api", wd.api, "--wikidata-sparql", wd.sparql])
        assert res.exit_code == 0, res.output
        assert [r["_path"] for r in wd.log].count("/sparql") == 1
    query = ("SELECT DISTINCT ?q WHERE { ?s <http://www.w3.org/2002/07/owl#sameAs> ?q "
             f"FILTER(STR(?q) = 'http://www.wikidata.org/entity/{MINISTRY}') }}")
    out = runner.invoke(main, ["query", query, "--store", str(store), "--format", "json"])
    assert MINISTRY in out.output
