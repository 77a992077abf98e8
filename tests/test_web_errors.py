"""Errors: a friendly HTML page with a way back for a browser, the one-line text for API clients,
and the security headers on both."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from newsgraph.web import create_app, shutdown

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def _is_friendly_page(response, status: int) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f"Error {status}" in html
    assert 'href="/"' in html and "Go to the home page" in html  # a way back
    assert 'href="/query"' in html
    assert "Traceback" not in html
    # the hardening stays: the same security headers as any page
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Accept" in response.headers["Vary"]
    return html


def test_404_page_for_a_browser(client: FlaskClient) -> None:
    html = _is_friendly_page(client.get("/id/person/nobody-at-all", headers={"Accept": BROWSER}), 404)
    assert "nothing is known about" in html
    html = _is_friendly_page(client.get("/no/such/page", headers={"Accept": BROWSER}), 404)
    assert "Nothing here" in html


def test_the_message_is_escaped_not_markup(client: FlaskClient) -> None:
    response = client.get("/id/person/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers={"Accept": BROWSER})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("accept", [None, "*/*", "application/sparql-results+json", "text/turtle",
                                    "text/plain"])
def test_404_for_api_clients_stays_one_line_of_text(client: FlaskClient, accept: str | None) -> None:
    response = client.get("/no/such/page", headers={"Accept": accept} if accept else {})
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).count("\n") == 1
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_400_for_a_broken_query_typed_in_a_browser(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT WHERE nonsense"}, headers={"Accept": BROWSER})
    html = _is_friendly_page(response, 400)
    assert "could not be understood" in html
    api = client.get("/sparql", query_string={"query": "SELECT WHERE nonsense"})
    assert api.status_code == 400 and api.mimetype == "text/plain"


def test_405_keeps_the_allow_header(client: FlaskClient) -> None:
    response = client.delete("/", headers={"Accept": BROWSER})
    _is_friendly_page(response, 405)
    assert "GET" in response.headers["Allow"]


def test_413_for_a_too_large_form(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": "ASK {}" + " " * (2 * 1024 * 1024)},
                           headers={"Accept": BROWSER})
    _is_friendly_page(response, 413)


def test_503_when_busy_keeps_retry_after(store_path: Path) -> None:
    app = create_app(store_path, {"TESTING": True, "PAGE_CONCURRENCY": 1, "PAGE_QUEUE": 0,
                                  "PAGE_CACHE_ENTRIES": 0})
    try:
        gate = app.extensions["newsgraph.gate"]
        assert gate.enter()  # someone else is rendering a page
        client = app.test_client()
        response = client.get("/", headers={"Accept": BROWSER})
        html = _is_friendly_page(response, 503)
        assert "busy" in html and response.headers["Retry-After"] == "2"
        api = client.get("/")
        assert api.status_code == 503 and api.mimetype == "text/plain"
        gate.leave()
        assert client.get("/", headers={"Accept": BROWSER}).status_code == 200
    finally:
        shutdown(app)
