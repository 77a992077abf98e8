"""Look-ups against the shipped gazetteer: the facts the extractor leans on must hold.

These read the real ``newsgraph/data/gazetteer.json.gz`` (no fixture) on purpose: a rebuild that loses
"Turkish" or puts Türkiye into BRICS should fail here, before it reaches an extraction run.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsgraph.link.gazetteer import Country, Gazetteer, Org, Place, acronym_key, normalize


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _iso(c: Country | None) -> str | None:
    return c.iso2 if c else None


@pytest.mark.parametrize(
    ("text", "iso2"),
    [
        ("Turkish", "TR"), ("Turk", "TR"), ("Türkiye", "TR"), ("Turkiye", "TR"), ("Turkey", "TR"),
        ("Republic of Türkiye", "TR"), ("Türkiye’s", "TR"), ("TURKEY", "TR"),
        ("Russian", "RU"), ("Russia's", "RU"), ("Russia’s", "RU"), ("Russian Federation", "RU"),
        ("US", "US"), ("U.S.", "US"), ("the U.S.", "US"), ("U.S.'s", "US"), ("USA", "US"), ("America", "US"),
        ("American", "US"), ("United States of America", "US"), ("the United States", "US"),
        ("UK", "GB"), ("U.K.", "GB"), ("Britain", "GB"), ("Britain's", "GB"), ("British", "GB"),
        ("Great Britain", "GB"), ("Emirati", "AE"), ("UAE", "AE"), ("United Arab Emirates", "AE"),
        ("Czech Republic", "CZ"), ("Ivory Coast", "CI"), ("Cote d'Ivoire", "CI"), ("DRC", "CD"),
        ("Gaza", "PS"), ("Gaza Strip", "PS"), ("Palestinian", "PS"), ("Taiwan", "TW"), ("Kosovo", "XK"),
        ("Hong Kong", "HK"), ("Western Sahara", "EH"), ("Burma", "MM"), ("Iranian", "IR"), ("Chinese", "CN"),
        ("the Gambia", "GM"), ("Trinidad & Tobago", "TT"), ("Dominican", "DO"),
    ],
)
def test_country_names_aliases_demonyms(gaz: Gazetteer, text: str, iso2: str) -> None:
    assert _iso(gaz.country(text)) == iso2


def test_canonical_names_and_qids_come_from_the_data(gaz: Gazetteer) -> None:
    tr = gaz.country("Turkish")
    assert tr is not None and tr.name == "Türkiye" and tr.qid == "Q43" and tr.iso3 == "TUR"
    assert tr.capital == "Ankara"
    expected = {"RU": "Russia", "US": "United States", "GB": "United Kingdom", "CN": "China", "IR": "Iran",
                "KR": "South Korea", "KP": "North Korea", "CD": "Democratic Republic of the Congo",
                "CZ": "Czechia", "CI": "Côte d'Ivoire", "SY": "Syria", "VN": "Vietnam"}
    for iso2, name in expected.items():
        c = gaz.by_code(iso2)
        assert c is not None and c.name == name
    assert _iso(gaz.by_code("tur")) == "TR"


def test_words_that_are_not_countries(gaz: Gazetteer) -> None:
    for text in ("us", "Us", "who", "in", "IN", "it", "can", "Atlantis", "", "   ", "Korea", "Korean"):
        assert gaz.country(text) is None, text
    assert not gaz.is_country_word("Atlantis")


def test_shared_names_are_ambiguous_not_guessed(gaz: Gazetteer) -> None:
    # "Congo" and "Congolese" fit both Congos: answer None, but say it is a country word.
    assert gaz.country("Congo") is None and gaz.country("Congolese") is None
    assert gaz.is_country_word("Congolese")
    assert {c.iso2 for c in gaz.candidates("Congo") if isinstance(c, Country)} == {"CD", "CG"}


def test_georgia_is_the_country(gaz: Gazetteer) -> None:
    # Note: the US state is not in the gazetteer; context has to rule it out upstream.
    assert _iso(gaz.country("Georgia")) == "GE" and _iso(gaz.country("Georgian")) == "GE"


def test_un_status_of_states_observers_and_territories(gaz: Gazetteer) -> None:
    assert gaz.by_code("TR").status == "un_member"  # type: ignore[union-attr]
    assert gaz.by_code("PS").status == "un_observer"  # type: ignore[union-attr]
    assert gaz.by_code("VA").status == "un_observer"  # type: ignore[union-attr]
    assert gaz.by_code("TW").status == "other"  # type: ignore[union-attr]
    assert len(gaz.members("UN")) == 193


def test_places_capitals_and_cities(gaz: Gazetteer) -> None:
    moscow = gaz.place("Moscow")
    assert isinstance(moscow, Place) and moscow.country == "RU" and moscow.capital
    assert moscow.country_name == "Russia" and moscow.qid
    geneva = gaz.place("in Geneva".removeprefix("in "))
    assert geneva is not None and geneva.country_name == "Switzerland" and not geneva.capital
    kyiv = gaz.place("Kiev")
    assert kyiv is not None and kyiv.name == "Kyiv" and kyiv.capital
    assert _place_iso(gaz, "Washington") == "US"
    assert _place_iso(gaz, "Gaza") == "PS"
    assert _place_iso(gaz, "Kingston") == "JM"  # Jamaica's capital, not Norfolk Island's
    assert gaz.place("Atlantis") is None
    capitals = {p.country for p in gaz.places if p.capital}
    assert all(c.iso2 in capitals for c in gaz.countries if c.capital)


def _place_iso(gaz: Gazetteer, text: str) -> str | None:
    p = gaz.place(text)
    return p.country if p else None


def test_organizations_by_name_and_acronym(gaz: Gazetteer) -> None:
    nato = gaz.organization("NATO")
    assert isinstance(nato, Org) and nato.type == "alliance" and nato.qid
    for text in ("Nato", "NATO's", "North Atlantic Treaty Organization", "the North Atlantic Alliance"):
        assert gaz.organization(text) is nato, text
    assert gaz.organization("G-7") is gaz.organization("Group of Seven") is not None
    assert gaz.organization("OPEC+") is not gaz.organization("OPEC")
    assert gaz.organization("WHO") is not None and gaz.organization("who") is None
    assert gaz.organization("UN") is not None and gaz.organization("un") is None
    assert gaz.organization("the Quad") is gaz.organization("Quad") is not None
    assert gaz.organization("Acme Corp") is None


def test_brics_members(gaz: Gazetteer) -> None:
    members = {m.iso2 for m in gaz.members("BRICS")}
    assert {"BR", "RU", "IN", "CN", "ZA", "EG", "ET", "IR", "AE", "ID"} <= members
    assert "TR" not in members and "SA" not in members  # Saudi Arabia is recorded as invited
    assert gaz.is_member("Egypt", "BRICS") is True and gaz.is_member("Türkiye", "BRICS") is False
    assert gaz.is_member("Egypt", "BRICS", year=2023) is False
    assert "VN" in {m.iso2 for m in gaz.members("BRICS", status="partner")}


def test_nato_members_include_finland_and_sweden(gaz: Gazetteer) -> None:
    nato = {m.iso2: m for m in gaz.members("NATO")}
    assert len(nato) == 32 and nato["FI"].since == 2023 and nato["SE"].since == 2024
    assert "SE" not in {m.iso2 for m in gaz.members("NATO", year=2023)}
    assert nato["TR"].name == "Türkiye" and nato["TR"].qid == "Q43"


def test_former_members_and_unenumerated_orgs(gaz: Gazetteer) -> None:
    assert "GB" not in {m.iso2 for m in gaz.members("EU")}
    assert "GB" in {m.iso2 for m in gaz.members("EU", year=2010)}
    assert gaz.is_member("Angola", "OPEC") is False
    who = gaz.organization("WHO")
    assert who is not None and who.members is None and gaz.members(who) == []
    assert gaz.is_member("Türkiye", "WHO") is None
    assert {m.iso2 for m in gaz.members("UNSC")} == {"CN", "FR", "RU", "GB", "US"}


def test_normalization() -> None:
    assert normalize("Russia’s") == normalize("RUSSIA") == "russia"
    assert normalize("the U.S.") == "us" and normalize("OPEC+") == "opec plus"
    assert acronym_key("U.S.") == "US" and acronym_key("G-7") == "G7" and acronym_key("New York") is None


def test_load_is_cached_and_reads_gzip(tmp_path: Path) -> None:
    assert Gazetteer.load() is Gazetteer.load()
    src = Gazetteer.load()
    doc = {"countries": [{"name": "Testland", "iso2": "TL", "qid": None, "demonyms": ["Testish"]}]}
    path = tmp_path / "g.json.gz"
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    small = Gazetteer.load(path)
    assert small is not src and _iso(small.country("Testish")) == "TL"


def test_stored_index_keys_give_the_same_look_ups_and_stale_ones_are_ignored() -> None:
    from newsgraph.link.gazetteer import KEY_VERSION, add_keys

    def doc() -> dict:
        return {"persons": [{"qid": "Q1", "name": "Štefan Füle", "aliases": ["Stefan Fule"]},
                            {"qid": "Q2", "name": "Ann Lee", "aliases": ["A. Lee"]}],
                "bodies": [{"qid": "Q3", "name": "The Daily Planet", "type": "media"},
                           {"qid": "Q4", "name": "Acme Widgets", "type": "company"}]}

    keyed = add_keys(doc())
    assert keyed["meta"]["key_version"] == KEY_VERSION
    assert [r.get("k") for r in keyed["persons"]] == [["stefan fule"], ["ann lee", "a lee"]]
    assert [r.get("k") for r in keyed["bodies"]] == [["daily planet"], None]  # plain lower-case: not stored
    for gaz in (Gazetteer(keyed), Gazetteer(doc())):
        assert [p.qid for p in gaz.persons_named("Stefan Füle")] == ["Q1"]
        assert [p.qid for p in gaz.persons_named("A. Lee")] == ["Q2"]
        assert [b.qid for b, _ in gaz.bodies_named("the Daily Planet")] == ["Q3"]
        assert [b.qid for b, _ in gaz.bodies_named("ACME widgets")] == ["Q4"]
    stale = add_keys(doc())
    stale["meta"]["key_version"] = KEY_VERSION - 1
    stale["persons"][0]["k"] = ["wrong key"]
    assert [p.qid for p in Gazetteer(stale).persons_named("Stefan Fule")] == ["Q1"]


def test_known_bodies_match_a_name_as_written_but_for_case_and_punctuation_between_words() -> None:
    gaz = Gazetteer({"bodies": [{"qid": "Q1", "name": "WXQR-FM", "type": "media"},
                                {"qid": "Q2", "name": "Vidtube", "type": "media", "acronyms": ["VTB"]},
                                {"qid": "Q3", "name": "Greens", "type": "party"}]})
    assert [b.qid for b in gaz.known_bodies("WXQR FM")] == ["Q1"]
    assert [b.qid for b in gaz.known_bodies("VidTube")] == ["Q2"]  # case may differ in a single word...
    assert gaz.known_bodies("vidtube") == []  # ...but it must start with a capital
    assert [b.qid for b in gaz.known_bodies("VTB")] == ["Q2"] and gaz.known_bodies("Vtb") == []
    assert gaz.known_bodies("Greens") == []  # parties are the party rules' business
