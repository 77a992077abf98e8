"""Entity pages written for people: a person's timeline, meeting and country pages, labels rather
than IRIs, long lists paged, "Referenced by" grouped and paged, articles titled by their title.
On the made-up Ruritania archive (tests/ruritania.py): 121 holdings, 40 dated articles."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from newsgraph.web import create_app, shutdown
from newsgraph.web.paging import PAGE_SIZE
from ruritania import ARTICLES, PEOPLE, QUOTE_FORMER, fill_ruritania
from test_web_pages import text_of

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def ruritania_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(fill_ruritania(tmp_path_factory.mktemp("ruritania") / "store"), {"TESTING": True})
    yield app
    shutdown(app)


@pytest.fixture
def client(ruritania_app: Flask) -> FlaskClient:
    return ruritania_app.test_client()


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url, headers=HTML)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def hrefs(html: str) -> list[str]:
    main = html[html.index("<main>"):]
    return [html_lib.unescape(h) for h in re.findall(r'href="([^"]+)"', main)]


def test_person_timeline_orders_posts_and_meetings_by_date(client: FlaskClient) -> None:
    html = page(client, "/id/person/ana-example")
    rows = re.findall(r'<tr class="(post|meeting)">(.*?)</tr>', html, re.S)
    lines = [(kind, " ".join(re.sub(r"<[^>]+>", " ", body).split())) for kind, body in rows]
    assert lines == [
        ("post", "2024-01-03 – 2024-01-10 former Chief envoy (Ruritania) at Ministry of Foreign Affairs 2"),
        ("meeting", "2024-01-05 Met Ben Sample in Strelsau (Friday) 1"),
    ]
    assert 'href="/id/claim/rur-05/meeting-1"' in html  # the meeting has its page


def test_meeting_page_names_who_met_where_and_when(client: FlaskClient) -> None:
    html = page(client, "/id/claim/rur-05/meeting-1")
    assert "<title>Meeting of Ana Example and Ben Sample · " in html
    text = text_of(html)
    assert "Meeting of Ana Example and Ben Sample" in text
    assert "Who Ana Example Ben Sample Where Strelsau When 2024-01-05 (“Friday”) About trade" in text
    assert "Ana Example met Ben Sample in Strelsau on Friday." in text
    assert 'href="/id/person/ben-sample"' in html and 'href="/id/place/strelsau"' in html


def test_article_page_is_titled_with_the_articles_title(client: FlaskClient) -> None:
    html = page(client, "/id/article/rur-03")
    assert "<title>Ruritanian envoys named, part 4 · " in html
    assert "<h1>Ruritanian envoys named, part 4</h1>" in html


def test_country_page_pages_its_people_each_list_on_its_own(client: FlaskClient) -> None:
    holders: set[str] = set()
    url: str | None = "/id/country/ruritania"
    pages = 0
    while url:
        html = page(client, url)
        pages += 1
        people = html[html.index('id="people"'):html.index('data-list="people"')]
        holders |= set(re.findall(r'<tr class="holding"><td><a href="(/id/person/[^"]+)"', people))
        expected = PAGE_SIZE if pages < 5 else PEOPLE + 1 - 4 * PAGE_SIZE
        assert len(re.findall(r'<tr class="holding">', people)) == expected
        pager = re.search(r'<p class="pager" data-list="people">(.*?)</p>', html, re.S)
        assert pager is not None
        following = re.search(r'<a href="([^"]+)" rel="next"', pager.group(1))
        url = html_lib.unescape(following.group(1)).split("#")[0] if following else None
        if url:
            assert url == f"/id/country/ruritania?people={pages + 1}"
    assert pages == 5 and len(holders) == PEOPLE + 1  # 120 citizens and Ana Example
    second = page(client, "/id/country/ruritania?people=2&articles=2")  # each list pages on its own
    assert f"26–50 of {PEOPLE + 1}" in second and f"26–{ARTICLES} of {ARTICLES}" in second


def test_referenced_by_is_grouped_labelled_and_paged(client: FlaskClient) -> None:
    html = page(client, "/id/country/ruritania")
    refs = html[html.index('id="references"'):]
    assert 'id="ref-schema-mentions"' in refs and f"Mentioned in <span class=\"muted\">({ARTICLES}" in refs
    assert ">Ruritanian envoys named, part 1</a>" in refs  # articles by title, not IRI
    assert ">Ministry of Foreign Affairs</a>" in refs
    assert "http://ruritania.example/id/" not in re.sub(r'title="[^"]*"', "", refs)  # no raw IRI shown
    second = page(client, "/id/country/ruritania?ref-schema-mentions=2")
    refs2 = second[second.index('id="ref-schema-mentions"'):]
    assert f"26–{ARTICLES} of {ARTICLES}" in refs2 and ">Ruritanian envoys named, part 40</a>" in refs2
    person = page(client, "/id/person/citizen-007")
    assert ">Post held · Ruritanian envoys named, part 3</a>" in person  # a claim: its kind and article


def test_a_page_number_that_is_not_one_is_refused_and_one_past_the_end_shows_the_last(client: FlaskClient) -> None:
    assert client.get("/id/country/ruritania?people=x", headers=HTML).status_code == 400
    assert client.get("/id/country/ruritania?people=0", headers=HTML).status_code == 400
    last = page(client, "/id/country/ruritania?people=99")
    assert f"101–{PEOPLE + 1} of {PEOPLE + 1}" in last


def test_organization_and_post_pages_page_their_holders(client: FlaskClient) -> None:
    org = page(client, "/id/org/ruritania-ministry-of-foreign-affairs")
    assert f"People and their posts here <span class=\"muted\">({PEOPLE + 1})" in org
    assert len(re.findall(r'<tr class="holding">', org)) == PAGE_SIZE
    post = page(client, "/id/post/ruritania/envoy-1")
    assert f"Holders <span class=\"muted\">({PEOPLE // 4})" in post and 'data-list="holders"' in post


@pytest.mark.parametrize("start", ["/id/person/ana-example", "/id/country/ruritania", "/id/claim/rur-05/meeting-1",
                                   "/id/org/ruritania-ministry-of-foreign-affairs", "/id/article/rur-05"])
def test_every_link_on_the_pages_answers(client: FlaskClient, start: str) -> None:
    local = sorted({h.split("#")[0] for h in hrefs(page(client, start)) if h.startswith("/")} - {""})
    assert len(local) >= 5
    for href in local:
        assert client.get(href, headers=HTML).status_code == 200, href


def test_claim_pages_say_who_holds_what_and_quote_the_sentence(client: FlaskClient) -> None:
    html = page(client, "/id/claim/rur-09/post-ana")
    assert "<title>Ana Example — Chief envoy (Ruritania) · " in html
    text = text_of(html)
    assert "Claim: a post held" in text
    assert ("Person Ana Example Post Chief envoy (Ruritania) Organization Ministry of Foreign Affairs "
            "Status former") in text
    assert QUOTE_FORMER in text and "Ruritanian envoys named, part 10" in text
    for href in {h.split("#")[0] for h in hrefs(html) if h.startswith("/")}:
        assert client.get(href, headers=HTML).status_code == 200, href
