"""The compiled gazetteer (persons and bodies in SQLite, made once per gazetteer file) answers every
look-up as the parsed one does, is used by later loads without parsing the file, and is made again
for a changed or damaged file."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest

from newsgraph.link import gazetteer as gz
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.gazetteer_records import MemoryRecords, SQLiteRecords


def _doc() -> dict[str, Any]:
    """A made-up gazetteer: namesakes, aliases with initials, accents, holders, bodies with acronyms, teams."""
    return {
        "meta": {"name": "made-up"},
        "countries": [{"name": "Norway", "iso2": "NO", "iso3": "NOR", "qid": "Q20", "demonyms": ["Norwegian"]},
                      {"name": "Sweden", "iso2": "SE", "iso3": "SWE", "qid": "Q34"}],
        "positions": [{"qid": "Q900", "name": "Minister of Foreign Affairs of Norway", "country": "NO",
                       "role": "foreign-minister"},
                      {"qid": "Q901", "name": "Prime Minister of Sweden", "country": "SE",
                       "role": "head-of-government"}],
        "persons": [
            {"qid": "Q1", "name": "Mira Valden", "country": "NO", "held": [["Q900", "2020", ""]]},
            {"qid": "Q2", "name": "Jon Valden", "country": "SE", "aliases": ["J. K. Valden"]},
            {"qid": "Q3", "name": "Petra Lund", "country": "SE", "held": [["Q901", "2019-01-01", "2023-05-01"],
                                                                    ["Q900", "2015", "2016"]]},
            {"qid": "Q4", "name": "Štefan Fülek", "aliases": ["Stefan Fulek"], "famous": True, "pop": 40},
            {"qid": "Q5", "name": "Mira Valden", "country": "SE", "desc": "Swedish singer"},
        ],
        "bodies": [
            {"qid": "Q50", "name": "Nordic Green Party", "type": "party", "countries": ["NO"], "acronyms": ["NGP"]},
            {"qid": "Q51", "name": "Lakeshore State Herons football", "type": "sports-team"},
            {"qid": "Q52", "name": "Lakeshore State Herons basketball", "type": "sports-team"},
            {"qid": "Q53", "name": "Herald Media Inc.", "type": "company", "aliases": ["Herald Media"],
             "acronyms": ["HMI"], "pop": 70, "src": ["wdqs"]},
            {"qid": "Q54", "name": "National Grid Partners", "type": "company", "acronyms": ["NGP"]},
        ],
    }


def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_bytes(gzip.compress(json.dumps(doc).encode(), mtime=0))
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NEWSGRAPH_GAZETTEER_CACHE", str(folder))
    gz._load_cached.cache_clear()
    yield folder
    gz._load_cached.cache_clear()


def _answers(g: Gazetteer) -> list[object]:
    out: list[object] = []
    for name in ("Mira Valden", "mira valden", "J. K. Valden", "JK Valden", "Stefan Fulek", "Štefan Fülek", "Nobody"):
        out.append([p.qid for p in g.persons_named(name)])
    for sur in ("Valden", "Lund", "Fulek", "Nobody"):
        out.append([p.qid for p in g.persons_by_surname(sur)])
    out += [g.person(q) for q in ("Q1", "Q3", "Q5", "Q99")]
    out += [[p.qid for p in g.holders(q)] for q in ("Q900", "Q901", "Q999")]
    for text in ("NGP", "Nordic Green Party", "Herald Media", "HMI", "ngp"):
        out.append([(b.qid, by) for b, by in g.bodies_named(text)])
        out.append([b.qid for b in g.known_bodies(text)])
    out.append([(b.qid, rest) for b, rest in g.teams_of("Lakeshore State")])
    out += [g.country("Norwegian"), [p.qid for p in g.positions_for("NO", "foreign-minister")], g.stats(), len(g)]
    return out


def test_the_compiled_form_answers_as_the_parsed_one_and_is_used_next_time(
        tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "g.json.gz", _doc())
    parsed = Gazetteer.load(path)  # parses, and compiles for the next process
    assert isinstance(parsed._records, MemoryRecords)
    assert len(list(cache.glob("gazetteer-*.sqlite"))) == 1
    gz._load_cached.cache_clear()
    monkeypatch.setattr(gz, "decode", lambda raw: pytest.fail("the compiled gazetteer parsed the file"))
    compiled = Gazetteer.load(path)
    assert isinstance(compiled._records, SQLiteRecords)
    assert _answers(compiled) == _answers(Gazetteer(_doc()))
    assert compiled.persons_named("Mira Valden")[0].held[0].position == "Q900"
    copied = pickle.loads(pickle.dumps(compiled))  # sent to another process: opens its own connection
    assert _answers(copied) == _answers(compiled) == _answers(pickle.loads(pickle.dumps(parsed)))


def test_a_changed_file_gets_its_own_compiled_form(tmp_path: Path, cache: Path) -> None:
    path = _write(tmp_path / "g.json.gz", _doc())
    Gazetteer.load(path)
    doc = _doc()
    doc["persons"].append({"qid": "Q6", "name": "Ola Valden", "country": "NO"})
    _write(path, doc)
    gz._load_cached.cache_clear()
    Gazetteer.load(path)  # parsed again (another hash), compiled again
    gz._load_cached.cache_clear()
    again = Gazetteer.load(path)
    assert isinstance(again._records, SQLiteRecords)
    assert [p.qid for p in again.persons_by_surname("Valden")] == ["Q1", "Q2", "Q5", "Q6"]
    assert len(list(cache.glob("gazetteer-*.sqlite"))) == 2


def test_a_damaged_compiled_file_is_made_again(tmp_path: Path, cache: Path) -> None:
    path = _write(tmp_path / "g.json.gz", _doc())
    Gazetteer.load(path)
    [compiled] = cache.glob("gazetteer-*.sqlite")
    compiled.write_bytes(b"not a database")
    gz._load_cached.cache_clear()
    assert [p.qid for p in Gazetteer.load(path).persons_named("Petra Lund")] == ["Q3"]  # parsed, recompiled
    gz._load_cached.cache_clear()
    again = Gazetteer.load(path)
    assert isinstance(again._records, SQLiteRecords) and again.person("Q3") is not None


def test_no_cache_folder_means_parsing_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_GAZETTEER_CACHE", "")
    gz._load_cached.cache_clear()
    try:
        g = Gazetteer.load(_write(tmp_path / "g.json.gz", _doc()))
        assert isinstance(g._records, MemoryRecords) and g.person("Q1") is not None
    finally:
        gz._load_cached.cache_clear()


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="fork")
def test_a_forked_process_reads_the_compiled_form_on_its_own_connection(tmp_path: Path, cache: Path) -> None:
    path = _write(tmp_path / "g.json.gz", _doc())
    Gazetteer.load(path)
    gz._load_cached.cache_clear()
    g = Gazetteer.load(path)
    assert g.person("Q1") is not None  # the parent's connection is open
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a look-up not made before, through a connection of its own
        os.close(read)
        ok = [p.qid for p in g.persons_named("Jon Valden")] == ["Q2"] and g._records._pid == os.getpid()
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)
    assert g._records._pid == os.getpid() and [p.qid for p in g.holders("Q901")] == ["Q3"]
