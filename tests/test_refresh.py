"""``newsgraph gazetteer refresh`` against a recorded Wikidata Query Service answer served on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from newsgraph.cli import main
from newsgraph.link.gazetteer import Gazetteer

WD = "http://www.wikidata.org/entity/"


def _b(**kv: str) -> dict[str, dict[str, str]]:
    return {k: {"type": "uri" if v.startswith("http") else "literal", "value": v} for k, v in kv.items()}


#: A recorded answer (shape of WDQS's SPARQL JSON), with invented people and positions.
RECORDED = {"head": {"vars": ["person", "personLabel", "alias", "position", "positionLabel", "country", "start",
                              "end"]},
            "results": {"bindings": [
                _b(person=WD + "Q8001", personLabel="Kerem Yalin", alias="K. Yalin", position=WD + "Q9001",
                   positionLabel="Minister of Foreign Affairs of Turkey", country=WD + "Q43",
                   start="2023-06-04T00:00:00Z"),
                _b(person=WD + "Q8002", personLabel="Ali Demir", position=WD + "Q9002",
                   positionLabel="Minister of National Defence", country=WD + "Q43", start="2018-07-10T00:00:00Z",
                   end="2023-06-04T00:00:00Z"),
                _b(person=WD + "Q8003", personLabel="Q8003", position=WD + "Q9002",  # no English label: skipped
                   positionLabel="Minister of National Defence", country=WD + "Q43"),
            ]}}


#: Recorded answers of the notables queries, by a class each query names (invented items).
NOTABLES = {
    "wd:Q5 ": {"results": {"bindings": [
        _b(item=WD + "Q7001", itemLabel="Mira Solberg", itemDescription="Norwegian singer-songwriter",
           alias="Mira S.", country=WD + "Q43", sitelinks="85"),
        _b(item=WD + "Q7001", itemLabel="Mira Solberg", alias="M. Solberg", sitelinks="85"),
        _b(item=WD + "Q8002", itemLabel="Ali Demir", itemDescription="Turkish politician", sitelinks="41"),
    ]}},
    "wd:Q4830453": {"results": {"bindings": [
        _b(item=WD + "Q7101", itemLabel="Kestrel Analytics", itemDescription="software company", alias="KAX",
           country=WD + "Q43", sitelinks="22"),
        _b(item=WD + "Q7101", itemLabel="Kestrel Analytics", alias="Kestrel Analytics Inc.", sitelinks="22"),
    ]}},
}


@contextmanager
def recorded_wdqs(fail: Callable[[str], tuple[int, str] | None] = lambda _q: None) -> Iterator[tuple[str, list[str]]]:
    """A Wikidata Query Service stand-in on 127.0.0.1 answering with the recorded bindings; ``fail``
    may turn a query into an HTTP error. Yields the endpoint URL and the queries it received."""
    queries: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlparse(self.path).query).get("query", [""])[0]
            queries.append(query)
            if (error := fail(query)) is not None:
                self.send_error(*error)
                return
            answer = RECORDED if "P39" in query else next((a for k, a in NOTABLES.items() if k in query),
                                                          {"results": {"bindings": []}})
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", queries
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[str]]]:
    # one kind's query fails: its shipped entries must stay
    with recorded_wdqs(lambda q: (504, "query timeout") if "wd:Q327333" in q else None) as served:
        yield served


@pytest.fixture
def small_gazetteer(tmp_path: Path) -> Path:
    path = tmp_path / "gazetteer.json"
    path.write_text(json.dumps({"meta": {"sources": []},
                                "countries": [{"name": "Türkiye", "iso2": "TR", "qid": "Q43", "aliases": ["Turkey"]}],
                                "persons": [{"qid": "Q1", "name": "Old Person", "held": [["Q9", "2001", "2004"]]},
                                            {"qid": "Q2", "name": "Kept Notable", "held": [], "famous": True}],
                                "bodies": [{"qid": "Q3", "name": "Party of Old", "type": "party"},
                                           {"qid": "Q4", "name": "Office of Kept Things", "type": "government"}]}),
                     encoding="utf-8")
    return path


def test_refresh_rebuilds_persons_and_positions_from_the_endpoint(endpoint: tuple[str, list[str]],
                                                                  small_gazetteer: Path) -> None:
    url, queries = endpoint
    result = CliRunner().invoke(main, ["gazetteer", "refresh", "--endpoint", url, "--file", str(small_gazetteer)])
    assert result.exit_code == 0, result.output
    assert "P39" in queries[0] and "P580" in queries[0]
    gaz = Gazetteer(json.loads(small_gazetteer.read_bytes()))
    [yalin] = gaz.persons_named("K. Yalin")
    assert (yalin.qid, yalin.country, yalin.held[0].position, yalin.held[0].start) == (
        "Q8001", "TR", "Q9001", "2023-06-04")
    assert gaz.persons_named("Old Person") == [] and gaz.person("Q8003") is None
    [demir] = gaz.persons_named("Ali Demir")
    assert demir.held[0].end == "2023-06-04" and not demir.held[0].covers("2024-01-01")
    assert gaz.position("Q9002").role == "defence-minister"
    assert gaz.country("Turkey").iso2 == "TR"  # the rest of the file is kept
    assert "4 persons (2 notable), 2 positions, 1 notable organizations" in result.output


def test_refresh_merges_notable_people_and_organizations(endpoint: tuple[str, list[str]],
                                                         small_gazetteer: Path) -> None:
    url, queries = endpoint
    result = CliRunner().invoke(main, ["gazetteer", "refresh", "--endpoint", url, "--file", str(small_gazetteer)])
    assert result.exit_code == 0, result.output
    assert "notable government not refreshed" in result.output  # the failing kind is reported...
    assert any("wd:Q5 " in q and "sitelinks >= 40" in q for q in queries)
    gaz = Gazetteer(json.loads(small_gazetteer.read_bytes()))
    [mira] = gaz.persons_named("M. Solberg")
    assert (mira.qid, mira.famous, mira.pop, mira.desc, mira.country, mira.held) == (
        "Q7001", True, 85, "Norwegian singer-songwriter", "TR", ())
    [demir] = gaz.persons_named("Ali Demir")  # an office holder who is also notable: one record
    assert demir.held and demir.famous and demir.desc == "Turkish politician"
    [(kestrel, by_acronym)] = gaz.bodies_named("Kestrel Analytics Inc.")
    assert (kestrel.qid, kestrel.type, kestrel.countries, kestrel.pop, by_acronym) == (
        "Q7101", "company", ("TR",), 22, False)
    assert [(b.qid, a) for b, a in gaz.bodies_named("KAX")] == [("Q7101", True)]
    assert [b.qid for b, _ in gaz.bodies_named("Party of Old")] == ["Q3"]  # parties are kept
    assert [b.qid for b, _ in gaz.bodies_named("Office of Kept Things")] == ["Q4"]  # ...and so is its kind
    assert [p.qid for p in gaz.persons_named("Kept Notable")] == ["Q2"]
    assert gaz.persons_named("Old Person") == []  # office holders are replaced


def test_refresh_refuses_an_empty_answer(tmp_path: Path, small_gazetteer: Path) -> None:
    from newsgraph.link import refresh

    before = small_gazetteer.read_bytes()
    with pytest.raises(ValueError, match="no office holders"):
        refresh.refresh(small_gazetteer, results={"results": {"bindings": []}})
    assert small_gazetteer.read_bytes() == before
