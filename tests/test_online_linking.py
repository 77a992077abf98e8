"""Online reconciliation against recorded Wikidata answers served on 127.0.0.1 (tests/wikidata_server.py).

Real spaCy extraction, the real linker, a real HTTP server and the real client: the seed-like article
links Hakan Fidan and Türkiye's foreign ministry through Wikidata, a namesake with no context does
not link, the cache answers when the server is gone, a 429 is retried after its Retry-After, and
with no network the run says so in one line and links offline. The articles are our own sentences.
"""

from __future__ import annotations

import copy
import json
import socket
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsgraph.cli import main
from newsgraph.extract import Extractor
from newsgraph.facts import Article, ArticleFacts
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.reconcile import Reconciler
from newsgraph.link.wikidata_api import USER_AGENT, Cache, WikidataClient, reduce_item
from wikidata_server import DATA, RecordedWikidata

FIDAN = json.loads((DATA / "search" / "00.json").read_text(encoding="utf-8"))["search"][0]["id"]
MINISTRY = json.loads((DATA / "search" / "02.json").read_text(encoding="utf-8"))["search"][0]["id"]

VISIT = Article("visit", title="Fidan receives Hungarian minister", published=date(2024, 3, 12), text=(
    "Turkish Foreign Minister Hakan Fidan held talks in Ankara on Tuesday with his Hungarian counterpart. "
    "Turkey's Foreign Ministry said the two ministers discussed trade, energy and the war in Ukraine. "
    "Fidan told reporters that both governments wanted closer ties."))
BAKERY = Article("bakery", title="New bakery opens", published=date(2024, 3, 12), text=(
    "Hakan Fidan opened a bakery on the harbour road last week. Customers queued for warm bread and "
    "pastries, and Fidan said the ovens would stay on all night."))


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _link(extractor: Extractor, article: Article, client: WikidataClient,
          notices: list[str] | None = None) -> ArticleFacts:
    facts = extractor.extract(article)
    Reconciler(client, on_notice=(notices.append if notices is not None else None)).link(facts, Gazetteer.load())
    return facts


def _links(facts: ArticleFacts) -> dict[str, str | None]:
    return {e.name: e.wikidata for e in facts.entities.values() if e.kind in ("person", "organization")}


def _client(tmp_path: Path, api: str, **kw: object) -> WikidataClient:
    return WikidataClient(Cache(tmp_path / "wikidata-cache.sqlite"), api, min_interval=0, **kw)  # type: ignore[arg-type]


def test_gazetteer_alone_links_neither(extractor: Extractor) -> None:
    """The premise: offline, today's foreign minister and his ministry have no QID."""
    from newsgraph.link.offline import link

    facts = link(extractor.extract(VISIT), Gazetteer.load())
    assert _links(facts)["Hakan Fidan"] is None
    assert _links(facts)["Foreign Ministry"] is None


def test_online_links_minister_and_ministry(extractor: Extractor, tmp_path: Path) -> None:
    with RecordedWikidata() as wd:
        client = _client(tmp_path, wd.api)
        facts = _link(extractor, VISIT, client)
    links = _links(facts)
    assert links["Hakan Fidan"] == FIDAN
    assert links["Foreign Ministry"] == MINISTRY
    fidan = next(e for e in facts.entities.values() if e.name == "Hakan Fidan")
    assert fidan.link_confidence == 0.97  # the post the article gives, held at its date
    # politeness: our User-Agent and maxlag on every request, one batched wbgetentities
    assert all(r["_ua"] == USER_AGENT and r["maxlag"] == "5" for r in wd.log)
    gets = [r for r in wd.log if r["action"] == "wbgetentities"]
    assert len(gets) == 1 and set(gets[0]["ids"].split("|")) == {FIDAN, MINISTRY}
    assert all(r["action"] != "wbsearchentities" or r["search"] != "Fidan" for r in wd.log)  # never a bare surname


def test_namesake_without_context_is_not_linked(extractor: Extractor, tmp_path: Path) -> None:
    with RecordedWikidata() as wd:
        facts = _link(extractor, BAKERY, _client(tmp_path, wd.api))
        assert any(r.get("search") == "Hakan Fidan" for r in wd.log)  # the candidate was seen...
    assert _links(facts)["Hakan Fidan"] is None  # ...and a baker is not the foreign minister


def test_name_with_more_namesakes_than_a_page_is_not_fetched(extractor: Extractor, tmp_path: Path) -> None:
    """Ten exact "John Smith" hits and more to come: the post the article gives could be weighed only
    against the namesakes we see, so none is taken (and none is fetched)."""
    smith = Article("smith", published=date(2024, 3, 12), text=(
        "Turkish Foreign Minister John Smith met officials in Ankara on Tuesday to discuss trade."))
    with RecordedWikidata() as wd:
        facts = _link(extractor, smith, _client(tmp_path, wd.api))
        assert any(r.get("search") == "John Smith" for r in wd.log)
        assert not any("Q99900" in r.get("ids", "") for r in wd.log)
    assert _links(facts)["John Smith"] is None


def test_cache_gives_same_links_with_server_gone(extractor: Extractor, tmp_path: Path) -> None:
    with RecordedWikidata() as wd:
        first = _links(_link(extractor, VISIT, _client(tmp_path, wd.api)))
        api = wd.api
    notices: list[str] = []
    client = _client(tmp_path, api)
    second = _links(_link(extractor, VISIT, client, notices))
    assert second == first and second["Hakan Fidan"] == FIDAN
    assert client.requests == 0 and notices == []  # all from the cache: the network is not even tried


def test_stale_cache_is_renewed_and_kept_when_renewal_fails(extractor: Extractor, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "wikidata-cache.sqlite")
    with RecordedWikidata() as wd:
        _link(extractor, VISIT, WikidataClient(cache, wd.api, min_interval=0))
        old = datetime.now(UTC) - timedelta(days=40)
        for key in [row[0] for row in cache._db.execute("SELECT key FROM answers")]:
            value, _ = cache.get(key)  # type: ignore[misc]
            cache.put(key, value, fetched=old)
        wd.log.clear()
        renewed = WikidataClient(cache, wd.api, min_interval=0, refresh_older_than=30)
        assert _links(_link(extractor, VISIT, renewed))["Hakan Fidan"] == FIDAN
        assert renewed.requests > 0 and cache.get(f"entity:{FIDAN}")[1] > old  # type: ignore[index]
        api = wd.api
    for key in [row[0] for row in cache._db.execute("SELECT key FROM answers")]:
        value, _ = cache.get(key)  # type: ignore[misc]
        cache.put(key, value, fetched=old)
    offline = WikidataClient(cache, api, min_interval=0, refresh_older_than=30)
    assert _links(_link(extractor, VISIT, offline))["Hakan Fidan"] == FIDAN  # stale beats nothing


def test_429_is_retried_after_retry_after(extractor: Extractor, tmp_path: Path) -> None:
    waits: list[float] = []
    with RecordedWikidata() as wd:
        wd.fail_next = [(429, "2"), (503, None)]
        client = _client(tmp_path, wd.api, sleep=waits.append)
        facts = _link(extractor, VISIT, client)
        assert wd.log[0]["search"] == wd.log[1]["search"] == wd.log[2]["search"]  # the same request, thrice
    assert waits[:2] == [2.0, 2.0]  # Retry-After honoured; without one, backoff 1, 2, 4 s by attempt (here the 2nd)
    assert client.down is None and _links(facts)["Hakan Fidan"] == FIDAN


def test_retries_are_bounded(tmp_path: Path) -> None:
    waits: list[float] = []
    with RecordedWikidata() as wd:
        wd.fail_next = [(429, "3600")] * 10
        client = _client(tmp_path, wd.api, sleep=waits.append, retries=2, max_wait=5)
        assert client.search("Hakan Fidan")["hits"] == []
    assert client.down and len(wd.log) == 3 and waits == [5.0, 5.0]  # capped wait, 1 + 2 tries, then given up
    assert client.search("Hakan Fidan")["hits"] == [] and len(wd.log) == 3  # down: no more requests this run


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_network_one_line_and_offline_links(extractor: Extractor, tmp_path: Path) -> None:
    notices: list[str] = []
    client = _client(tmp_path, f"http://127.0.0.1:{_closed_port()}/w/api.php", timeout=2)
    run = Reconciler(client, on_notice=notices.append)  # one run, two articles
    facts = run.link(extractor.extract(VISIT), Gazetteer.load())
    facts2 = run.link(extractor.extract(BAKERY), Gazetteer.load())
    assert len(notices) == 1 and "linking offline" in notices[0]
    assert client.requests == 1  # tried once, then not again this run
    assert _links(facts)["Hakan Fidan"] is None and _links(facts2)["Hakan Fidan"] is None
    countries = {e.name: e.wikidata for e in facts.entities.values() if e.kind == "country"}
    assert countries.get("Ukraine") == "Q212"  # the offline gazetteer still links


def test_cli_online_stores_links_and_falls_back(tmp_path: Path) -> None:
    art = tmp_path / "visit.json"
    art.write_text(json.dumps({"id": VISIT.id, "title": VISIT.title, "text": VISIT.text,
                               "published": VISIT.published.isoformat()}), encoding="utf-8")  # type: ignore[union-attr]
    store = tmp_path / "store"
    query = ("SELECT DISTINCT ?q WHERE { ?s <http://www.w3.org/2002/07/owl#sameAs> ?q "
             f"FILTER(STR(?q) = 'http://www.wikidata.org/entity/{FIDAN}') }}")
    runner = CliRunner()
    with RecordedWikidata() as wd:
        res = runner.invoke(main, ["ingest", str(art), "--store", str(store), "-q", "--wikidata-api", wd.api],
                            env={"NEWSGRAPH_ONLINE": "1"})
        assert res.exit_code == 0, res.output
    assert (store / "wikidata-cache.sqlite").exists()
    out = runner.invoke(main, ["query", query, "--store", str(store), "--format", "json"])
    assert FIDAN in out.output
    dead = f"http://127.0.0.1:{_closed_port()}/w/api.php"
    res = runner.invoke(main, ["ingest", str(art), "--store", str(tmp_path / "s2"), "-q", "--online",
                               "--wikidata-api", dead])
    assert res.exit_code == 0
    lines = [ln for ln in res.stderr.splitlines() if "Wikidata" in ln]
    assert len(lines) == 1 and lines[0].startswith("newsgraph: Wikidata not used: cannot reach 127.0.0.1")


def test_answer_of_unexpected_shape_links_offline(extractor: Extractor, tmp_path: Path) -> None:
    """A cached answer that is not what the API returns (here a list where an item should be)
    must not stop the run: one line, offline links."""
    cache = Cache(tmp_path / "wikidata-cache.sqlite")
    cache.put("search:en:10:Hakan Fidan", {"hits": [{"id": FIDAN, "label": "Hakan Fidan", "text": ""}], "more": False})
    cache.put(f"entity:{FIDAN}", {"id": FIDAN, "labels": {"en": {"value": "Hakan Fidan"}}, "claims": {"P31": [[]]}})
    notices: list[str] = []
    with RecordedWikidata() as wd:  # the other names are asked of the server as usual
        client = WikidataClient(cache, wd.api, min_interval=0)
        facts = Reconciler(client, on_notice=notices.append).link(extractor.extract(VISIT), Gazetteer.load())
    assert len(notices) == 1 and "unusable answer" in notices[0]
    assert _links(facts)["Hakan Fidan"] is None
    assert {e.name: e.wikidata for e in facts.entities.values()}.get("Ukraine") == "Q212"


def test_item_becomes_the_gazetteers_record() -> None:
    """The recorded Fidan item read as the gazetteer's person record: country from P27, the
    foreign-minister tenure from P39/P580, occupations as field words, sitelinks; a tenure of a
    position the gazetteer does not know is dropped, as the gazetteer holds none."""
    from newsgraph.link.reconcile import person_record

    gaz = Gazetteer.load()
    item = json.loads((DATA / "entities" / f"{FIDAN}.json").read_text(encoding="utf-8"))
    extra = copy.deepcopy(item["claims"]["P39"][0])
    extra["mainsnak"]["datavalue"]["value"]["id"] = "Q1"  # not a position
    item["claims"]["P39"].append(extra)
    iso_of = {c.qid: c.iso2 for c in gaz.countries if c.qid}
    rec = person_record(reduce_item(item), iso_of, lambda q: gaz.position(q) is not None)
    assert rec is not None
    assert (rec["name"], rec["country"], rec["held"], rec["famous"]) == (
        "Hakan Fidan", "TR", [["Q20988486", "2023-06-04", ""]], True)
    assert "politician diplomat" in rec["desc"]


def test_unresolvable_host_is_one_quick_failure(tmp_path: Path) -> None:
    """A host name that does not resolve (no DNS, no network) gives up at once, with a reason."""
    client = _client(tmp_path, "http://wikidata.invalid/w/api.php", timeout=3)
    assert client.search("Hakan Fidan")["hits"] == []
    assert client.down and client.down.startswith("cannot reach wikidata.invalid")
    assert client.requests == 0  # no HTTP request was even attempted
