"""The pages under their Content-Security-Policy in a real browser: nothing they need is blocked.

Headless Chromium as in ``test_browser.py`` (skipped, saying why, where it is not installed), with
the browser's console log read back: Chromium reports every CSP violation there.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browser_helpers import chromium, pytestmark  # noqa: F401  (the skip rule)
from conftest import LiveServer
from test_browser import _wait


@pytest.fixture(scope="module")
def logging_browser() -> Iterator[object]:
    with chromium(console_log=True) as driver:
        yield driver


def _violations(driver: object) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")  # type: ignore[attr-defined]
            if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]


def test_query_page_runs_under_its_csp(logging_browser, live_server: LiveServer) -> None:
    from selenium.webdriver.common.by import By

    browser = logging_browser
    browser.get(live_server.url + "query?example=who-met-whom")
    _wait(browser, lambda d: "yasgui-ready" in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr"))
    assert "Hakan Fidan" in browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr table").text
    assert _violations(browser) == []


@pytest.mark.parametrize("path", ["", "id/person/hakan-fidan", "id/article/a2", "ns"])
def test_pages_show_no_csp_violation(logging_browser, live_server: LiveServer, path: str) -> None:
    from selenium.webdriver.common.by import By

    logging_browser.get(live_server.url + path)
    assert logging_browser.find_element(By.TAG_NAME, "h1").text
    assert _violations(logging_browser) == []
