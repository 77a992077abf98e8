"""In Chromium, on a server whose store was minted under another base and that listens on a
random port: YASGUI's result links go to this server, and they answer."""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from conftest import running
from newsgraph.web import create_app, shutdown
from test_web_base import NEWS, fill_news_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = [pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                                 reason="needs Debian's chromium and chromium-driver")]


@pytest.fixture
def browser() -> Iterator[object]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


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
