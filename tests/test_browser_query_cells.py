"""In Chromium: the query page's result cells show labels and short IRIs and plain numbers, and the
editor keeps the user's edits across a reload (localStorage), all under the pages' CSP."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_helpers import chromium, pytestmark  # noqa: F401  (the skip rule)
from conftest import LiveServer

COUNT = ("PREFIX schema: <https://schema.org/> PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
         "SELECT ?person (COUNT(?article) AS ?articles) WHERE { ?article schema:mentions ?person . "
         "?person a foaf:Person } GROUP BY ?person ORDER BY DESC(?articles)")


@pytest.fixture
def browser() -> Iterator[object]:
    with chromium(console_log=True) as driver:
        yield driver


def wait(driver, condition, seconds: float = 20):  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def ready(driver) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    wait(driver, lambda d: "yasgui-ready" in d.find_element(By.TAG_NAME, "body").get_attribute("class"))


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NEWSGRAPH_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_result_cells_show_labels_and_plain_numbers(  # type: ignore[no-untyped-def]
        browser, live_server: LiveServer, shots: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_server.url + "query?query=" + urllib.request.quote(COUNT))
    ready(browser)
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr"))

    def first_row(d):  # type: ignore[no-untyped-def]
        cells = d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr:first-child td")
        texts = [c.text for c in cells]
        return texts if "Hakan Fidan" in texts else None

    cells = wait(browser, first_row)
    assert cells[-2:] == ["Hakan Fidan", "2"]  # a label, not <http://localhost:8080/id/person/hakan-fidan>
    table = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr table").text
    assert "^^" not in table and "http://" not in table and "<" not in table
    link = browser.find_element(By.LINK_TEXT, "Hakan Fidan")
    assert link.get_attribute("href") == live_server.url + "id/person/hakan-fidan"
    assert "id/person/hakan-fidan" in link.get_attribute("title")  # the IRI is still there to read
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []  # nothing the CSP refused
    browser.save_screenshot(str(shots / "query-results-with-labels.png"))


def test_edits_are_kept_on_reload(browser, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    browser.get(live_server.url + "query")
    ready(browser)
    tabs_before = browser.execute_script("return window.newsgraphYasgui.persistentConfig.getTabs().length")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    edited = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 # my own question"
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .CodeMirror").click()  # typed, as a user would
    editor = browser.switch_to.active_element
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys(edited)
    wait(browser, lambda d: d.execute_script("return window.newsgraphYasgui.getTab().getQuery()") == edited)
    browser.refresh()  # at once: no blur, no pause
    ready(browser)
    wait(browser, lambda d: d.execute_script("return window.newsgraphYasgui.getTab().getQuery()") == edited)
    tabs_after = browser.execute_script("return window.newsgraphYasgui.persistentConfig.getTabs().length")
    assert tabs_after == tabs_before >= 3  # the examples are not added a second time
    # a link to an example opens that example's tab over the kept ones
    browser.get(live_server.url + "query?example=who-met-whom")
    ready(browser)
    wait(browser, lambda d: "sem:hasActor" in d.execute_script("return window.newsgraphYasgui.getTab().getQuery()"))
    assert browser.execute_script("return window.newsgraphYasgui.persistentConfig.getTabs().length") == tabs_before
