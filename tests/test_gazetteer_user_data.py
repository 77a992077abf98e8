"""``newsgraph gazetteer refresh`` writes the user's data directory, never the packaged file; the
loader prefers that copy; with no network the command says so in one readable line."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsgraph.cli import main
from newsgraph.link import gazetteer_cli
from newsgraph.link.gazetteer import Gazetteer, user_gazetteer_path
from test_refresh import endpoint, small_gazetteer  # noqa: F401  (fixtures: recorded WDQS on 127.0.0.1)


def _qids_in_query() -> int:
    from newsgraph.link.refresh import QUERY

    return QUERY.count("wd:Q")


QUERY_QIDS = _qids_in_query()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_refresh_writes_user_copy_and_leaves_packaged_file(endpoint: tuple[str, list[str]],  # noqa: F811
                                                          small_gazetteer: Path, data_home: Path,  # noqa: F811
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = gazetteer_cli._shipped()
    before = _digest(shipped)
    monkeypatch.setattr(gazetteer_cli, "_shipped", lambda: small_gazetteer)  # a small stand-in to read from
    stand_in = _digest(small_gazetteer)
    url, _ = endpoint
    result = CliRunner().invoke(main, ["gazetteer", "refresh", "--endpoint", url])
    assert result.exit_code == 0, result.output
    user = user_gazetteer_path()
    assert user == data_home / "newsgraph" / "gazetteer.json.gz" and user.is_file()
    assert str(user) in result.output
    assert _digest(small_gazetteer) == stand_in and _digest(shipped) == before  # read, never written
    # the loader prefers the user's copy
    assert [p.qid for p in Gazetteer.load().persons_named("K. Yalin")] == ["Q8001"]
    # a second refresh reads the user's copy: with no shipped file to read it still works
    monkeypatch.setattr(gazetteer_cli, "_shipped", lambda: small_gazetteer.with_name("absent.json"))
    result = CliRunner().invoke(main, ["gazetteer", "refresh", "--endpoint", url])
    assert result.exit_code == 0, result.output
    assert _digest(shipped) == before


def test_loader_uses_packaged_file_without_user_copy(data_home: Path) -> None:
    assert not user_gazetteer_path().exists()
    assert Gazetteer.load().stats()["persons"] > 10_000  # the shipped gazetteer


def test_refresh_offline_is_one_readable_line(data_home: Path, small_gazetteer: Path) -> None:  # noqa: F811
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = small_gazetteer.read_bytes()
    result = CliRunner().invoke(main, ["gazetteer", "refresh", "--endpoint", f"http://127.0.0.1:{port}/sparql",
                                       "--file", str(small_gazetteer)])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"Error: cannot reach 127.0.0.1:{port} (")
    assert "urlopen error" not in result.output and "left as it was" in lines[0]
    assert small_gazetteer.read_bytes() == before
    assert json.loads(before)["meta"] == {"sources": []}


def _many_countries(path: Path, n: int) -> Path:
    """A gazetteer file with ``n`` countries (invented QIDs Q100..), so the refresh has pages."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["countries"] = [{"name": "Türkiye", "iso2": "TR", "iso3": "TUR", "qid": "Q43", "status": "un_member",
                         "aliases": ["Turkey"]}]
    doc["countries"] += [{"name": f"Land {i}", "iso2": f"Z{i:02d}", "qid": f"Q{100 + i}",
                          "status": "other"} for i in range(n - 1)]
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_refresh_pages_and_resumes_after_an_interruption(small_gazetteer: Path) -> None:  # noqa: F811
    """30 countries at 12 a page are 3 office-holder queries; the 3rd fails the first time, the file
    is left as it was, and the rerun asks only for that page (and the notables), not the first two."""
    from newsgraph.link import refresh
    from test_refresh import recorded_wdqs

    assert refresh.PAGE_COUNTRIES == 12
    gaz = _many_countries(small_gazetteer, 30)
    fail = {"page3": True}

    def third_page_fails_once(query: str) -> tuple[int, str] | None:
        if "P39" in query and "wd:Q128" in query and fail["page3"]:  # pages: Q43 Q100-Q110, Q111-Q122, Q123-Q128
            fail["page3"] = False
            return 502, "bad gateway"
        return None

    with recorded_wdqs(third_page_fails_once) as (url, queries):
        before = gaz.read_bytes()
        first = CliRunner().invoke(main, ["gazetteer", "refresh", "--endpoint", url, "--file", str(gaz)])
        assert first.exit_code == 1 and gaz.read_bytes() == before
        assert "HTTP 502" in first.output and "2 answers kept: run it again to resume" in first.output
        holders = [q for q in queries if "P39" in q]
        assert len(holders) == 3 and all("VALUES ?country" in q for q in holders)
        assert holders[0].count("wd:Q") - QUERY_QIDS == 12  # a page is 12 countries
        queries.clear()
        second = CliRunner().invoke(main, ["gazetteer", "refresh", "--endpoint", url, "--file", str(gaz)])
        assert second.exit_code == 0, second.output
        assert "resuming: 2 answers kept" in second.output
        holders = [q for q in queries if "P39" in q]
        assert len(holders) == 1 and "wd:Q128" in holders[0]  # only the page that failed
        assert [p.qid for p in Gazetteer(json.loads(gaz.read_bytes())).persons_named("K. Yalin")] == ["Q8001"]
        assert not refresh.state_dir(url, gaz).exists()  # done: the kept pages are gone
