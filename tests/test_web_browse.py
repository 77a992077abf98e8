"""Search and list pages: any name, any case or accents; lists with counts and paging; CSV/JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from conftest import BASE
from newsgraph.store import GraphStore
from newsgraph.web import create_app, shutdown
from newsgraph.web.browse import PAGE_SIZE, fold

HTML = {"Accept": "text/html"}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PERSON = ox.NamedNode("http://xmlns.com/foaf/0.1/Person")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
PEOPLE = 130
NG = "https://w3id.org/newsgraph/ns#"
ORG = "http://www.w3.org/ns/org#"
IN_ALAND = sum(1 for i in range(PEOPLE) if i % 10)  # 117


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert fold("Türkiye") == fold("TURKIYE") == "turkiye"
    assert fold("Abdel Fattah el-Sisi") == "abdel fattah el sisi"
    assert fold("Radosław Sikorski") == "radoslaw sikorski"
    assert fold("Hacımüftüoğlu") == "hacimuftuoglu"


def test_search_finds_by_any_case_and_accents(client: FlaskClient) -> None:
    for q in ("fidan", "FIDAN", "hakan fi", "Fidan"):
        data = json.loads(client.get("/search", query_string={"q": q, "format": "json"}).data)
        assert [r["label"] for r in data["results"]][:1] == ["Hakan Fidan"], q
        assert data["results"][0]["page"] == "/id/person/hakan-fidan"
    turkiye = json.loads(client.get("/search", query_string={"q": "turkiye"},
                                    headers={"Accept": "application/json"}).data)
    labels = [r["label"] for r in turkiye["results"]]
    assert labels[0] == "Türkiye"  # the whole name first, then the post that names it
    assert "Foreign Minister (Türkiye)" in labels
    assert json.loads(client.get("/search?q=nobody-at-all&format=json").data)["count"] == 0


def test_search_page_has_facets_by_type_and_links_that_answer(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": "turkiye"}, headers=HTML).get_data(as_text=True)
    assert "Countries (1)" in html and "Posts (1)" in html
    only = client.get("/search", query_string={"q": "turkiye", "type": "country"}, headers=HTML).get_data(as_text=True)
    links = re.findall(r'<td><a href="([^"]+)"', only)
    assert links == ["/id/country/turkiye"]
    assert client.get(links[0], headers=HTML).status_code == 200
    assert client.get("/search?q=x&type=spaceship").status_code == 400


@pytest.mark.parametrize("path", ["/", "/id/person/hakan-fidan", "/query", "/id/person/", "/search?q=fidan"])
def test_every_page_has_the_search_box(client: FlaskClient, path: str) -> None:
    html = client.get(path, headers=HTML).get_data(as_text=True)
    assert 'role="search" action="/search"' in html and 'name="q"' in html
    assert "/static/search.js" in html


def test_error_page_offers_the_search(client: FlaskClient) -> None:
    html = client.get("/id/person/nobody", headers=HTML).get_data(as_text=True)
    assert 'id="error-search"' in html


def test_id_lists_the_kinds_with_counts(client: FlaskClient) -> None:
    html = client.get("/id/", headers=HTML).get_data(as_text=True)
    assert re.search(r'href="/id/person/">People</a> <span class="muted">\(2\)', html)
    assert json.loads(client.get("/id/?format=json").data)[0] == {"type": "person", "count": 2, "list": "/id/person/"}


def _many_people(path: Path) -> Path:
    store = GraphStore(path)
    for article in range(3):
        graph = ox.NamedNode(f"{BASE}graph/article/many-{article}")
        quads = []
        for i in range(PEOPLE):
            if i % 3 != article and i % 7:  # everyone in at least one article; some in two or three
                continue
            person = ox.NamedNode(f"{BASE}id/person/person-{i:03d}")
            quads += [ox.Quad(person, RDF_TYPE, PERSON, graph),
                      ox.Quad(person, LABEL, ox.Literal(f"Person {i:03d}"), graph)]
            if i == 42:
                quads.append(ox.Quad(person, ALT, ox.Literal("Zoë Quarante-Deux"), graph))
            # a post in a ministry of Åland (everyone but each tenth, who serves Ruritania), current
            # for the even, former for the odd
            country = "ruritania" if i % 10 == 0 else "aland"
            org = ox.NamedNode(f"{BASE}id/org/{country}-ministry")
            claim = ox.NamedNode(f"{BASE}id/claim/many-{article}/post-{i}")
            status = ox.NamedNode(NG + ("Current" if i % 2 == 0 else "Former"))
            quads += [ox.Quad(claim, RDF_TYPE, ox.NamedNode(NG + "PostHolding"), graph),
                      ox.Quad(claim, ox.NamedNode(ORG + "member"), person, graph),
                      ox.Quad(claim, ox.NamedNode(ORG + "organization"), org, graph),
                      ox.Quad(claim, ox.NamedNode(NG + "status"), status, graph),
                      ox.Quad(org, ox.NamedNode(NG + "country"), ox.NamedNode(f"{BASE}id/country/{country}"), graph)]
        for country, label in (("aland", "Åland"), ("ruritania", "Ruritania")):
            iri = ox.NamedNode(f"{BASE}id/country/{country}")
            quads += [ox.Quad(iri, RDF_TYPE, ox.NamedNode(NG + "Country"), graph),
                      ox.Quad(iri, LABEL, ox.Literal(label), graph)]
        store.replace_graph(graph, quads)
    store.flush()
    del store
    return path


@pytest.fixture
def many(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(_many_people(tmp_path / "many"), {"TESTING": True})
    yield app
    shutdown(app)


def test_person_list_pages_through_more_than_a_hundred(many: Flask) -> None:
    client = many.test_client()
    first = client.get("/id/person/", headers=HTML).get_data(as_text=True)
    assert f"{PEOPLE} results" in first and "1–50 shown" in first
    assert len(re.findall(r'<td><a href="/id/person/person-', first)) == PAGE_SIZE
    seen = set()
    url: str | None = "/id/person/"
    pages = 0
    while url:
        response = client.get(url, headers=HTML)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        seen |= set(re.findall(r'<td><a href="(/id/person/person-\d+)"', html))
        pages += 1
        match = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert pages == 3 and len(seen) == PEOPLE
    assert client.get("/id/person/?page=4").status_code == 404
    assert client.get("/id/person/?page=zero").status_code == 400
    for link in sorted(seen)[:3]:
        assert client.get(link, headers=HTML).status_code == 200


def test_person_list_exports_every_row_as_csv_and_json(many: Flask) -> None:
    client = many.test_client()
    rows = list(csv.DictReader(io.StringIO(client.get("/id/person/?format=csv").get_data(as_text=True))))
    assert len(rows) == PEOPLE
    by_label = {r["label"]: r for r in rows}
    assert by_label["Person 000"]["articles"] == "3"  # stated by all three articles, counted once each
    assert by_label["Person 001"]["articles"] == "1"
    data = json.loads(client.get("/id/person/", headers={"Accept": "application/json"}).data)
    assert data["count"] == PEOPLE and len(data["results"]) == PEOPLE
    assert client.get("/id/person/", headers={"Accept": "image/png"}).status_code == 406


def test_search_by_an_alternative_name_with_accents(many: Flask) -> None:
    data = json.loads(many.test_client().get("/search?q=zoe%20quarante&format=json").data)
    assert [r["iri"] for r in data["results"]] == [f"{BASE}id/person/person-042"]


def _follow_pages(client: FlaskClient, url: str) -> tuple[int, set[str]]:
    seen: set[str] = set()
    pages = 0
    next_url: str | None = url
    while next_url:
        response = client.get(next_url, headers=HTML)
        assert response.status_code == 200, next_url
        html = response.get_data(as_text=True)
        seen |= set(re.findall(r'<td><a href="(/id/person/person-\d+)"', html))
        pages += 1
        match = re.search(r'<a href="([^"]+)" rel="next">', html)
        next_url = match.group(1).replace("&amp;", "&") if match else None
    return pages, seen


def test_people_faceted_by_country_page_through_more_than_a_hundred(many: Flask) -> None:
    client = many.test_client()
    html = client.get("/id/person/", headers=HTML).get_data(as_text=True)
    facet = re.search(r'<a href="(/id/person/\?country=aland)">Åland \((\d+)\)</a>', html)
    assert facet and int(facet.group(2)) == IN_ALAND > 100
    assert "Ruritania (13)" in html
    pages, seen = _follow_pages(client, facet.group(1))
    assert pages == 3 and len(seen) == IN_ALAND
    assert all(int(link.rsplit("-", 1)[1]) % 10 for link in seen)  # nobody from Ruritania
    first = client.get(facet.group(1), headers=HTML).get_data(as_text=True)
    assert "People in Åland" in first and f"{IN_ALAND} results" in first
    text = client.get("/id/person/?country=aland&format=csv").get_data(as_text=True)
    exported = list(csv.DictReader(io.StringIO(text)))
    assert len(exported) == IN_ALAND and all(r["countries"].endswith("/id/country/aland") for r in exported)


def test_people_faceted_by_current_or_former_posts(many: Flask) -> None:
    client = many.test_client()
    current = json.loads(client.get("/id/person/?status=current&format=json").data)
    assert current["count"] == PEOPLE // 2
    both = json.loads(client.get("/id/person/?status=former&country=ruritania&format=json").data)
    assert both["count"] == 0  # Ruritania's are every tenth: all even, all current
    assert client.get("/id/person/?status=sometimes").status_code == 400
