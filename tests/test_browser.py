"""The pages in a real browser: headless Chromium (Debian's ``chromium`` + ``chromium-driver``) via Selenium.

Nothing is downloaded: Selenium is pointed at /usr/bin/chromedriver and /usr/bin/chromium, and
Selenium Manager is told to stay offline. Skipped, saying why, where Chromium is not installed
(``.ci/run`` installs it). Screenshots go to ``$NEWSGRAPH_SCREENSHOTS`` (default:
``tests/artifacts/screenshots/``, which git ignores), named after what they show.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_helpers import chromium, pytestmark  # noqa: F401  (the skip rule)
from conftest import QUOTE_A1, QUOTE_A2_MEETING, LiveServer


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def screenshots() -> Path:
    folder = Path(os.environ.get("NEWSGRAPH_SCREENSHOTS") or Path(__file__).parent / "artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _wait(driver: object, condition, seconds: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def test_query_page_runs_an_example_in_yasgui(browser, live_server: LiveServer, screenshots: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_server.url + "query?example=who-met-whom")
    _wait(browser, lambda d: "yasgui-ready" in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
    editor_text = browser.execute_script("return window.newsgraphYasgui.getTab().getQuery()")
    assert "sem:hasActor" in editor_text  # the example is in the editor, and shown
    editor = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .CodeMirror")
    _wait(browser, lambda _d: "# title: Who met whom" in editor.text)
    tab_names = [e.text.splitlines()[0] for e in browser.find_elements(By.CSS_SELECTOR, ".tabsList .tab a")]
    assert "Who met whom" in tab_names and len(tab_names) >= 3  # one tab per example
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    rows = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr"))
    table = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr table").text
    assert "Hakan Fidan" in table and "Sergey Lavrov" in table and "Moscow" in table
    assert len(rows) >= 1
    browser.save_screenshot(str(screenshots / "query-page-who-met-whom.png"))


def test_person_page_shows_posts_with_sources(browser, live_server: LiveServer, screenshots: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_server.url + "id/person/hakan-fidan")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Hakan Fidan"
    posts = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "li.holding")]
    assert posts[0].startswith("CURRENT") and "Foreign Minister (Türkiye)" in posts[0]
    assert "Fidan named foreign minister" in posts[0] and QUOTE_A1 in posts[0]
    assert any(p.startswith("FORMER") and "National Intelligence Organization" in p for p in posts)
    meetings = browser.find_element(By.CSS_SELECTOR, "li.meeting").text
    assert "Sergey Lavrov" in meetings and QUOTE_A2_MEETING in meetings
    link = browser.find_element(By.CSS_SELECTOR, "a.wikidata")
    assert link.get_attribute("href") == "https://www.wikidata.org/wiki/Q1000001"
    browser.save_screenshot(str(screenshots / "person-hakan-fidan.png"))
    browser.find_element(By.LINK_TEXT, "Sergey Lavrov").click()  # links stay on this server
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Sergey Lavrov")
