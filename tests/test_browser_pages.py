"""In Chromium, on the real server on a random port (never 8080): find Fidan by search, read his
timeline, follow a meeting to the other person; page through more than a hundred people of one
country; a country, an organization, a meeting and a 404 page. Every link on the pages visited
answers 200. Screenshots of each page go to ``$NEWSGRAPH_SCREENSHOTS`` or, by default, a folder
under the test run's tmp directory (its path is printed)."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from browser_helpers import chromium, page_through, pytestmark  # noqa: F401  (the skip rule)
from conftest import running
from newsgraph.web import create_app, shutdown
from ruritania import PEOPLE, fill_ruritania
from test_web_base import fill_news_store


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium(console_log=True) as driver:
        yield driver


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("NEWSGRAPH_SCREENSHOTS")
    folder = Path(given) if given else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


def shoot(driver, path: Path) -> None:  # type: ignore[no-untyped-def]
    """The whole page (up to 4,000 px tall), not just the window."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height) + 120, 4000)))
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)
    assert path.stat().st_size > 10_000


def wait(driver, condition, seconds: float = 20):  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def links_here(driver, server_url: str) -> set[str]:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    found = {a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a[href]")}
    return {h.split("#")[0] for h in found if h and h.startswith(server_url)}


def all_answer_200(urls: set[str]) -> None:
    for url in sorted(urls):
        request = urllib.request.Request(url, headers={"Accept": "text/html"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200, url
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{url}: {exc.code}") from None


def title(driver) -> str:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "h1").text


@pytest.fixture(scope="module")
def news_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(fill_news_store(tmp_path_factory.mktemp("news") / "store"), {"TESTING": True})
    yield app
    shutdown(app)


def test_search_fidan_read_his_timeline_and_follow_a_meeting_to_the_other_person(  # type: ignore[no-untyped-def]
        browser, news_app: Flask, shots: Path) -> None:
    from selenium.webdriver.common.by import By

    with running(news_app) as server:
        assert not server.url.endswith(":8080/")
        visited: set[str] = set()
        browser.get(server.url)
        box = browser.find_element(By.CSS_SELECTOR, "header form.search input[name=q]")
        box.send_keys("Fidan")
        box.submit()
        wait(browser, lambda d: "/search" in d.current_url)
        wait(browser, lambda d: "Hakan Fidan" in d.find_element(By.TAG_NAME, "main").text)
        visited |= links_here(browser, server.url)
        browser.find_element(By.LINK_TEXT, "Hakan Fidan").click()
        wait(browser, lambda d: title(d) == "Hakan Fidan")
        assert browser.current_url == server.url + "id/person/hakan-fidan"

        rows = browser.find_elements(By.CSS_SELECTOR, "table.timeline tbody tr")
        lines = [(r.get_attribute("class"), r.text) for r in rows]
        assert [kind for kind, _ in lines] == ["post", "post", "meeting"]
        assert lines[0][1].startswith("2023-06-03 – 2024-06-03") and "Foreign Minister (Türkiye)" in lines[0][1]
        assert "CURRENT" in lines[0][1]  # in office since 2023-06-03 (the article says), last reported 2024-06-03
        assert lines[1][1].startswith("before 2024-06-11 FORMER Head of agency (National Intelligence Organization)")
        assert lines[2][1].startswith("2024-06-11 Met Sergey Lavrov in Moscow")
        shoot(browser, shots / "person-hakan-fidan-timeline.png")
        visited |= links_here(browser, server.url)

        browser.find_element(By.CSS_SELECTOR, "table.timeline tr.meeting a").click()  # the meeting's page
        wait(browser, lambda d: title(d) == "Meeting of Hakan Fidan and Sergey Lavrov")
        assert "Moscow" in browser.find_element(By.TAG_NAME, "main").text
        shoot(browser, shots / "meeting-fidan-lavrov.png")
        visited |= links_here(browser, server.url)
        browser.find_element(By.CSS_SELECTOR, "td.actors").find_element(By.LINK_TEXT, "Sergey Lavrov").click()
        wait(browser, lambda d: title(d) == "Sergey Lavrov")
        assert browser.current_url == server.url + "id/person/sergey-lavrov"
        visited |= links_here(browser, server.url)

        browser.get(server.url + "id/org/turkiye-ministry-of-foreign-affairs")
        assert title(browser) == "Ministry of Foreign Affairs"
        shoot(browser, shots / "organization-turkiye-mfa.png")
        visited |= links_here(browser, server.url)
        assert len(visited) >= 15
        all_answer_200(visited)
        severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []  # no CSP violation, no script error


@pytest.fixture(scope="module")
def ruritania_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(fill_ruritania(tmp_path_factory.mktemp("ruritania") / "store"), {"TESTING": True})
    yield app
    shutdown(app)


def test_people_of_one_country_page_through_more_than_a_hundred(  # type: ignore[no-untyped-def]
        browser, ruritania_app: Flask, shots: Path) -> None:
    from selenium.webdriver.common.by import By

    with running(ruritania_app) as server:
        visited: set[str] = set()
        browser.get(server.url + "id/")
        browser.find_element(By.LINK_TEXT, "People").click()
        wait(browser, lambda d: title(d) == "People")
        browser.find_element(By.PARTIAL_LINK_TEXT, f"Ruritania ({PEOPLE + 1})").click()
        wait(browser, lambda d: title(d) == "People in Ruritania")
        shoot(browser, shots / "people-in-ruritania.png")
        pages, seen = page_through(browser, lambda: visited.update(links_here(browser, server.url)))
        assert pages == 3 and len(seen) == PEOPLE + 1 > 100
        assert all(h.startswith(server.url + "id/person/") for h in seen)

        browser.get(server.url + "id/country/ruritania")
        assert title(browser) == "Ruritania"
        shoot(browser, shots / "country-ruritania.png")
        first = browser.find_element(By.CSS_SELECTOR, "tr.holding a").text
        browser.find_element(By.CSS_SELECTOR, "p.pager[data-list=people] a[rel=next]").click()
        wait(browser, lambda d: "people=2" in d.current_url)
        assert browser.find_element(By.CSS_SELECTOR, "tr.holding a").text != first
        assert f"26–50 of {PEOPLE + 1}" in browser.find_element(By.CSS_SELECTOR, "p.pager[data-list=people]").text
        visited |= links_here(browser, server.url)

        browser.get(server.url + "id/person/ana-example")
        shoot(browser, shots / "person-ana-example-timeline.png")
        visited |= links_here(browser, server.url)
        browser.get(server.url + "id/org/ruritania-ministry-of-foreign-affairs")
        shoot(browser, shots / "organization-ruritania-mfa.png")
        visited |= links_here(browser, server.url)
        all_answer_200(visited)

        browser.get(server.url + "id/person/nobody-of-that-name")
        assert title(browser) == "Nothing here"
        shoot(browser, shots / "error-404.png")
        back = links_here(browser, server.url)
        assert server.url in back  # a way home
        all_answer_200(back)
