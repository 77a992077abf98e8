"""In Chromium, on a server whose store was minted under another base and that listens on a
random port: YASGUI's result links go to this server, and they answer."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from browser_helpers import chromium, page_through, pytestmark  # noqa: F401  (the skip rule)
from conftest import running
from newsgraph.web import create_app, shutdown
from test_web_base import NEWS, fill_news_store


@pytest.fixture
def browser() -> Iterator[object]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def news_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(fill_news_store(tmp_path / "news"), {"TESTING": True})
    yield app
    shutdown(app)


def test_yasgui_result_links_resolve_on_this_server(browser, news_app: Flask) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with running(news_app) as server:
        assert not server.url.endswith(":8080/")
        browser.get(server.url + "query?query=" + urllib.request.quote(
            "SELECT ?person WHERE { ?person a <http://xmlns.com/foaf/0.1/Person> }"))
        WebDriverWait(browser, 20).until(
            lambda d: "yasgui-ready" in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
        browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()

        def person_links(d):  # type: ignore[no-untyped-def]
            links = d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody a[href*='/id/person/']")
            return [a.get_attribute("href") for a in links] or None

        hrefs = WebDriverWait(browser, 20).until(person_links)
        assert hrefs and all(h.startswith(server.url + "id/person/") for h in hrefs), hrefs
        assert not any(h.startswith(NEWS) for h in hrefs)
        for href in hrefs:
            with urllib.request.urlopen(href, timeout=30) as response:
                assert response.status == 200


@pytest.fixture
def screenshots() -> Path:
    folder = Path(os.environ.get("NEWSGRAPH_SCREENSHOTS") or Path(__file__).parent / "artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_search_fidan_from_the_header_and_open_his_page(browser, news_app: Flask,  # type: ignore[no-untyped-def]
                                                        screenshots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with running(news_app) as server:
        browser.get(server.url)
        box = browser.find_element(By.CSS_SELECTOR, "header form.search input[name=q]")
        box.send_keys("fidan")
        box.submit()
        WebDriverWait(browser, 20).until(lambda d: "/search" in d.current_url)
        WebDriverWait(browser, 20).until(lambda d: "Hakan Fidan" in d.find_element(By.TAG_NAME, "main").text)
        browser.save_screenshot(str(screenshots / "search-fidan.png"))
        browser.find_element(By.LINK_TEXT, "Hakan Fidan").click()
        WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/id/person/hakan-fidan"))
        assert browser.current_url.startswith(server.url)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Hakan Fidan"
        hrefs = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "main a[href]")}
        here = sorted(h for h in hrefs if h.startswith(server.url))
        assert len(here) >= 4
        for href in here:  # every link on his page that leads to this server answers
            with urllib.request.urlopen(href.split("#")[0], timeout=30) as response:
                assert response.status == 200, href


def test_a_404_in_the_browser_is_a_page_with_a_way_back(browser, news_app: Flask,  # type: ignore[no-untyped-def]
                                                        screenshots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with running(news_app) as server:
        browser.get(server.url + "id/person/nobody-of-that-name")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Nothing here"
        browser.save_screenshot(str(screenshots / "error-404.png"))
        box = browser.find_element(By.ID, "error-search")
        box.send_keys("turkiye")
        box.submit()
        WebDriverWait(browser, 20).until(lambda d: "/search" in d.current_url)
        WebDriverWait(browser, 20).until(lambda d: "Türkiye" in d.find_element(By.TAG_NAME, "main").text)
        logs = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
                and "nobody-of-that-name" not in entry["message"]]  # the 404 itself is logged
        assert logs == []  # no CSP violation, no script error


def test_people_by_country_page_through_more_than_a_hundred_in_the_browser(  # type: ignore[no-untyped-def]
        browser, tmp_path: Path, screenshots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from test_web_browse import IN_ALAND, _many_people

    app = create_app(_many_people(tmp_path / "many"), {"TESTING": True})
    try:
        with running(app) as server:
            browser.get(server.url + "id/")
            browser.find_element(By.LINK_TEXT, "People").click()
            browser.find_element(By.PARTIAL_LINK_TEXT, "Åland (").click()
            WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "People in Åland")
            browser.save_screenshot(str(screenshots / "people-by-country.png"))
            pages, seen = page_through(browser)
            assert pages == 3 and len(seen) == IN_ALAND > 100
            assert all(h.startswith(server.url + "id/person/") for h in seen)
            for href in sorted(seen)[:5]:
                with urllib.request.urlopen(href, timeout=30) as response:
                    assert response.status == 200
    finally:
        shutdown(app)
