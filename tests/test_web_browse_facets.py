"""The people list facets by role type and by the year of the articles, beside status and
country; each facet counts what the other chosen facets leave. On the made-up Ruritania archive:
120 envoys (role ambassador) reported in January and February 2024, and Ana Example (head of
mission)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from newsgraph.web import create_app, shutdown
from ruritania import PEOPLE, fill_ruritania

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    app: Flask = create_app(fill_ruritania(tmp_path_factory.mktemp("ruritania") / "store"), {"TESTING": True})
    yield app.test_client()
    shutdown(app)


def count(client: FlaskClient, query: str) -> int:
    return int(json.loads(client.get(f"/id/person/?{query}&format=json").data)["count"])


def facet_links(html: str, facet: str) -> dict[str, str]:
    block = re.search(rf'<p class="facets" data-facet="{facet}">(.*?)</p>', html, re.S)
    assert block is not None, facet
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', block.group(1))
    return {text: href.replace("&amp;", "&") for href, text in links}


def test_role_and_year_facets_with_counts(client: FlaskClient) -> None:
    html = client.get("/id/person/", headers=HTML).get_data(as_text=True)
    assert facet_links(html, "role") == {"ambassador (120)": "/id/person/?role=ambassador",
                                         "head of mission (1)": "/id/person/?role=head-of-mission"}
    assert facet_links(html, "year") == {"2024 (121)": "/id/person/?year=2024"}
    assert count(client, "role=ambassador") == PEOPLE and count(client, "role=head-of-mission") == 1
    assert count(client, "year=2024") == PEOPLE + 1 and count(client, "year=2023") == 0
    assert count(client, "role=ambassador&status=former&country=ruritania") == PEOPLE // 2


def test_a_facet_counts_what_the_other_chosen_facets_leave(client: FlaskClient) -> None:
    html = client.get("/id/person/?role=head-of-mission", headers=HTML).get_data(as_text=True)
    assert "People with a post as head of mission" in html and "1 result" in html
    # Ana's post is former (the latest article says so) but was reported current too: both statuses
    assert facet_links(html, "status") == {"current (1)": "/id/person/?status=current&role=head-of-mission",
                                           "former (1)": "/id/person/?status=former&role=head-of-mission"}
    assert facet_links(html, "role")["all"] == "/id/person/"
    for href in [h for facet in ("status", "country", "role", "year") for h in facet_links(html, facet).values()]:
        assert client.get(href, headers=HTML).status_code == 200, href


def test_exports_carry_roles_and_years_and_bad_values_are_refused(client: FlaskClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/id/person/?role=head-of-mission&format=csv")
                                           .get_data(as_text=True))))
    assert [(r["label"], r["roles"], r["years"]) for r in rows] == [
        ("Ana Example", "https://w3id.org/newsgraph/roles/head-of-mission", "2024")]
    assert client.get("/id/person/?year=last", headers=HTML).status_code == 400

