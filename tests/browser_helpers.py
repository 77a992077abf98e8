"""Headless Chromium for the browser tests: Debian's ``chromium`` + ``chromium-driver`` via Selenium.

Nothing is downloaded: Selenium is pointed at the installed driver and browser, and Selenium
Manager is told to stay offline. Tests that use :func:`chromium` carry :data:`pytestmark`, so
they are skipped, saying why, where Chromium is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                       reason="headless browser tests need Debian's chromium and chromium-driver "
                              "(apt-get install chromium chromium-driver; .ci/run does it)"),
]


@contextmanager
def chromium(*, console_log: bool = False) -> Iterator[object]:
    """A headless Chromium WebDriver; with ``console_log`` the browser's console is kept for reading
    back (Chromium reports every CSP violation there)."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never fetch a driver or browser
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                 "--window-size=1280,1000"):
        options.add_argument(flag)
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def page_through(browser, on_page=None) -> tuple[int, set[str]]:  # type: ignore[no-untyped-def]
    """Follow a list's ``rel=next`` links to the end, as a reader would.

    Returns how many pages were shown and the links of the first column on all of them;
    ``on_page`` is called on each page before moving on (to collect its links, say).
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import WebDriverWait

    seen: set[str] = set()
    pages = 0
    while True:
        pages += 1
        cells = browser.find_elements(By.CSS_SELECTOR, "tbody td:first-child a")
        seen |= {a.get_attribute("href") for a in cells}
        if on_page is not None:
            on_page()
        following = browser.find_elements(By.CSS_SELECTOR, "a[rel=next]")
        if not following:
            return pages, seen
        following[0].click()
        WebDriverWait(browser, 20).until(staleness_of(cells[0]))  # the next page has loaded
