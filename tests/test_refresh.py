"""``newsgraph gazetteer refresh`` against a recorded Wikidata Query Service answer served on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from newsgraph.cli import main
from newsgraph.gazetteer import Gazetteer

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


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[str]]]:
    queries: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            queries.extend(parse_qs(urlparse(self.path).query).get("query", []))
            body = json.dumps(RECORDED).encode()
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
def small_gazetteer(tmp_path: Path) -> Path:
    path = tmp_path / "gazetteer.json"
    path.write_text(json.dumps({"meta": {"sources": []},
                                "countries": [{"name": "Türkiye", "iso2": "TR", "qid": "Q43", "aliases": ["Turkey"]}],
                                "persons": [{"qid": "Q1", "name": "Old Person", "held": []}]}), encoding="utf-8")
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


def test_refresh_refuses_an_empty_answer(tmp_path: Path, small_gazetteer: Path) -> None:
    from newsgraph import refresh

    before = small_gazetteer.read_bytes()
    with pytest.raises(ValueError, match="no office holders"):
        refresh.refresh(small_gazetteer, results={"results": {"bindings": []}})
    assert small_gazetteer.read_bytes() == before
