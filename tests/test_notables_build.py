"""The notables builder's parsers and merging, on small invented inputs.

Every fixture here is written for the test (invented names and QIDs in each source's own format), so
what is checked is the parsing and merging rule, not what the mirrored sources happen to hold.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import notables as nb
from newsgraph.link.gazetteer import Gazetteer

COUNTRIES = [
    {"name": "United States", "iso2": "US", "iso3": "USA", "qid": "Q30", "aliases": ["America"],
     "demonyms": ["American"]},
    {"name": "United Kingdom", "iso2": "GB", "iso3": "GBR", "qid": "Q145", "aliases": ["Britain"],
     "demonyms": ["British"]},
    {"name": "France", "iso2": "FR", "iso3": "FRA", "qid": "Q142", "demonyms": ["French"]},
    {"name": "Norway", "iso2": "NO", "iso3": "NOR", "qid": "Q20", "demonyms": ["Norwegian"]},
    {"name": "Germany", "iso2": "DE", "iso3": "DEU", "qid": "Q183", "demonyms": ["German"]},
]


@pytest.fixture(scope="module")
def countries() -> nb.Countries:
    return nb.Countries(COUNTRIES)


# -- names, aliases, acronyms -------------------------------------------------------------------------

def test_acronyms_are_mostly_capitals() -> None:
    assert [a for a in ("BBC", "AfD", "USyd", "NYT", "3M", "T-Mobile", "Gore-Tex", "Nasa", "X") if nb.is_acronym(a)] \
        == ["BBC", "AfD", "USyd", "NYT"]


def test_unusable_names() -> None:
    assert not nb.usable_name("Q123456")  # a label that is only the item's id
    assert not nb.usable_name("X") and not nb.usable_name("Ab")
    assert nb.usable_name("BP") and nb.usable_name("Kvarn Ltd")
    assert not nb.usable_name("東京電力")  # no help to an English linker


def test_org_aliases_must_be_plausible_names() -> None:
    label = "Ostrander Business Machines"
    assert nb.plausible_alias("Ostrander", label, person=False)  # a word of the label
    assert nb.plausible_alias("Ostrander Business Machines Corp.", label, person=False)
    assert not nb.plausible_alias("Big Grey", label, person=False)  # a nickname
    assert not nb.plausible_alias("ostrander", label, person=False)  # lower case: a word, not a name
    assert nb.plausible_alias("Ostrander Business Machines", "OBM", person=False)  # the acronym spelled out
    assert not nb.plausible_alias("Machines", label, person=False)  # one plain word


def test_person_aliases_must_be_full_names_with_the_surname() -> None:
    label = "Tobias Quennell"
    assert nb.plausible_alias("Tobias Arvid Quennell", label, person=True)
    assert not nb.plausible_alias("Quennell", label, person=True)  # one word
    assert not nb.plausible_alias("Tobias Marsh", label, person=True)  # a birth name: another man's name
    assert not nb.plausible_alias("The Voice of Bergen", label, person=True)  # an epithet
    assert nb.plausible_alias("Harold Voss Jr.", "Harry Voss, Jr.", person=True)


def test_generic_one_word_names(countries: nb.Countries) -> None:
    assert nb.generic("The Star") and nb.generic("Union") and nb.generic("Target")
    assert not nb.generic("Home Office") and not nb.generic("Kvarnby")
    assert countries.is_word("America") and countries.is_word("Scottish") and not countries.is_word("Kvarnby")


def test_demonyms_and_trailing_countries(countries: nb.Countries) -> None:
    assert countries.leading("American actor") == "US"
    assert countries.leading("professional French football club") == "FR"
    assert countries.leading("English footballer") == "GB"  # a home nation is the United Kingdom
    assert countries.leading("German-American writer") is None
    assert countries.leading("Norwegian and French singer") is None
    assert countries.leading("British German actor") is None
    assert countries.trailing("association football club in Lyon, France") == "FR"
    assert countries.trailing("university in Atlanta, Georgia") is None


# -- FB15k: classification, aliases, countries --------------------------------------------------------

FB15K = {
    "/m/001": {"label": "Tobias Quennell", "description": "Norwegian actor and singer", "wikidata_id": "Q9100001",
               "alternatives": ["Tobias Arvid Quennell", "Quennell", "The Voice of Bergen"], "wikipedia": ""},
    "/m/002": {"label": "Marrow", "description": "American singer", "wikidata_id": "Q9100002",
               "alternatives": ["Marla Row"], "wikipedia": ""},
    "/m/003": {"label": "Ostrander Business Machines", "wikidata_id": "Q9100003",
               "description": "American multinational technology corporation",
               "alternatives": ["OBM", "Big Grey", "Ostrander", "ostrander", "Ostrander Business Machines Corp."],
               "wikipedia": ""},
    "/m/004": {"label": "Kvarn Broadcasting", "description": "British public service broadcaster",
               "wikidata_id": "Q9100004", "alternatives": ["KBC", "The Grey"], "wikipedia": ""},
    "/m/005": {"label": "Grey Harbour", "description": "1993 comedy film", "wikidata_id": "Q9100005",
               "alternatives": [], "wikipedia": ""},
    "/m/006": {"label": "Lyon Rovers F.C.", "description": "association football club in Lyon, France",
               "wikidata_id": "Q9100006", "alternatives": ["The Grey"], "wikipedia": ""},
    "/m/007": {"label": "Progress Alliance Party", "description": "political party in Norway",
               "wikidata_id": "Q9100007", "alternatives": [], "wikipedia": ""},
    "/m/008": {"label": "Q9100008", "description": "American actor", "wikidata_id": "Q9100008",
               "alternatives": [], "wikipedia": ""},
}


def test_fb15k_classifies_persons_organizations_and_skips_the_rest(countries: nb.Countries) -> None:
    types = {"Q9100002": ["Q5"]}  # CoDEx: a one-word stage name is a person only with the type "human"
    bodies, persons = nb.read_fb15k(json.dumps(FB15K), types, {"Q5": "human"}, countries)
    assert {p["qid"]: (p["name"], p["country"], p["famous"]) for p in persons} == {
        "Q9100001": ("Tobias Quennell", "NO", True), "Q9100002": ("Marrow", "US", True)}
    assert {b["qid"]: (b["type"], b["countries"]) for b in bodies} == {
        "Q9100003": ("company", ["US"]), "Q9100004": ("media", ["GB"]), "Q9100006": ("sports-team", ["FR"])}
    # the film, the party (parties are Party Facts' section) and the label that is an id are skipped


def test_fb15k_keeps_only_plausible_unshared_aliases(countries: nb.Countries) -> None:
    bodies, persons = nb.read_fb15k(json.dumps(FB15K), {}, {}, countries)
    [tobias] = [p for p in persons if p["qid"] == "Q9100001"]
    assert tobias["aliases"] == ["Tobias Arvid Quennell"]
    by_qid = {b["qid"]: b for b in bodies}
    obm = by_qid["Q9100003"]
    assert obm["aliases"] == ["Ostrander", "Ostrander Business Machines Corp."] and obm["acronyms"] == ["OBM"]
    assert by_qid["Q9100004"]["aliases"] == []  # "The Grey" is claimed by two entities: dropped from both
    assert by_qid["Q9100006"]["aliases"] == ["Lyon Rovers"]  # the label without its club form


# -- ROR ------------------------------------------------------------------------------------------------

def _ror_v2(rid: str, qid: str | None, types: list[str], names: list[tuple[str, list[str], str | None]],
            country: str = "FR", status: str = "active") -> dict:
    ext = [{"type": "wikidata", "all": [qid], "preferred": None}] if qid else []
    return {"id": f"https://ror.org/{rid}", "status": status, "types": types, "external_ids": ext,
            "names": [{"value": v, "types": t, "lang": lang} for v, t, lang in names],
            "locations": [{"geonames_details": {"country_code": country}}]}


def test_ror_types_names_acronyms_and_country_notes(countries: nb.Countries) -> None:
    uni = nb.read_ror(_ror_v2("01", "Q9200001", ["education", "funder"], [
        ("Université de Kvarn", ["ror_display", "label"], "fr"), ("University of Kvarn", ["label"], "en"),
        ("Kvarn Uni", ["alias"], "en"), ("Kvarnuniversitetet", ["alias"], "sv"), ("UKV", ["acronym"], None)]),
        countries)
    assert uni is not None
    assert (uni["name"], uni["type"], uni["countries"], uni["acronyms"]) == (
        "University of Kvarn", "education", ["FR"], ["UKV"])
    assert "Kvarn Uni" in uni["aliases"] and "Kvarnuniversitetet" not in uni["aliases"]  # English aliases only
    company = nb.read_ror(_ror_v2("02", "Q9200002", ["company"], [("Ostrel (France)", ["ror_display"], None)]),
                          countries)
    assert company is not None and (company["name"], company["full"]) == ("Ostrel", "Ostrel (France)")
    v1 = {"id": "https://ror.org/03", "name": "Kvarn General Hospital", "status": "active", "types": ["Healthcare"],
          "aliases": [], "acronyms": [], "labels": [], "country": {"country_code": "NO"},
          "external_ids": {"Wikidata": {"preferred": None, "all": ["Q9200003"]}}}
    hospital = nb.read_ror(v1, countries)
    assert hospital is not None and (hospital["type"], hospital["countries"]) == ("health", ["NO"])
    assert nb.read_ror(_ror_v2("04", "Q9200004", ["nonprofit"], [("Gone", ["label"], "en")], status="inactive"),
                       countries) is None
    assert nb.read_ror(_ror_v2("05", None, ["facility"], [("No Item Lab", ["label"], "en")]), countries) is None


def test_ror_latest_release_wins() -> None:
    paths = ["v1.9/0abc.json", "v1.10/0abc.json", "v1.54/v1/0abc.json", "v1.54/0abc.json", "v1.2/0def.json",
             "v1.17.1/0def.json", "README.md"]
    assert nb.latest_ror(paths) == {"0abc": "v1.54/0abc.json", "0def": "v1.17.1/0def.json"}


# -- the other sources ---------------------------------------------------------------------------------

GOV_PAGE = """<table><tbody id="mainOrgTable"><tr>
        <td lang="en"><a href="Q9300001/">Kvarn Province</a></td>
        <td><ul><li>+1</li></ul></td>
        <td lang="en">province of Norway</td>
      </tr><tr>
        <td lang="en"><a href="Q9300002/">Norwegian Directorate of Tides</a></td>
        <td><ul></ul></td>
        <td lang="en">directorate in Norway</td>
      </tr><tr>
        <td lang="nb"><a href="Q9300003/">Tidevannsdirektoratet</a></td>
        <td><ul></ul></td>
        <td lang="en">directorate in Norway</td>
      </tr></tbody></table>"""


def test_govdirectory_keeps_agencies_not_territories() -> None:
    [rec] = nb.read_govdirectory(GOV_PAGE, "NO")
    assert (rec["qid"], rec["name"], rec["type"], rec["countries"], rec["desc"]) == (
        "Q9300002", "Norwegian Directorate of Tides", "government", ["NO"], "directorate in Norway")


NSI_FILE = json.dumps({"items": [
    {"displayName": "Kvarnmart", "locationSet": {"include": ["no"]}, "matchNames": ["kvarnmart express", "kvm"],
     "tags": {"brand": "Kvarnmart", "brand:wikidata": "Q9400001", "name": "Kvarnmart"}},
    {"displayName": "Orbis", "locationSet": {"include": ["001"]}, "tags": {"brand": "Orbis"}},  # no QID
]})


def test_nsi_types_by_category_and_public_names(countries: nb.Countries) -> None:
    [brand] = nb.read_nsi(NSI_FILE, "brands/shop/supermarket", countries)
    assert (brand["type"], brand["countries"], brand["aliases"]) == ("company", ["NO"], ["kvarnmart express"])
    ops = json.dumps({"items": [
        {"displayName": "City of Kvarnby", "locationSet": {"include": ["us-ny.geojson"]},
         "tags": {"operator": "City of Kvarnby", "operator:wikidata": "Q9400002"}},
        {"displayName": "Kvarnby North District", "locationSet": {"include": ["us"]},
         "tags": {"operator": "Kvarnby North District", "operator:wikidata": "Q9400003"}},
        {"displayName": "Kvarnby School District", "locationSet": {"include": ["us"]},
         "tags": {"operator": "Kvarnby School District", "operator:wikidata": "Q9400004",
                  "operator:short": "KSD"}}]})
    assert [(r["name"], r["type"], r["countries"]) for r in nb.read_nsi(ops, "operators/amenity/parking", countries)
            ][:1] == [("City of Kvarnby", "government", ["US"])]
    schools = nb.read_nsi(ops, "operators/amenity/school", countries)  # a school operator has to read as one
    assert [(r["name"], r["type"], r["acronyms"]) for r in schools] == [
        ("Kvarnby School District", "education", ["KSD"])]


def test_us_newspapers_titles_lose_their_disambiguation_note() -> None:
    tsv = ("WP-title\tstate\tpageid\tpath\tqid\n"
           "The Kvarn Courier (Ohio)\tOhio\t1\t/wiki/x\tQ9500001\n"
           "Tom&#39;s Weekly\tOhio\t2\t/wiki/y\tQ9500002\n"
           "Unlinked Gazette\tOhio\t\t\t\n")
    assert [(r["qid"], r["name"], r["type"], r["countries"]) for r in nb.read_us_newspapers(tsv)] == [
        ("Q9500001", "The Kvarn Courier", "media", ["US"]), ("Q9500002", "Tom's Weekly", "media", ["US"])]


def _engine(doc: str, qid: str, site: str, categories: str = '["general"]') -> str:
    return f'"""{doc}"""\n\ncategories = {categories}\n\nabout = {{\n    "website": "{site}",\n' \
           f'    "wikidata_id": "{qid}",\n    "results": "HTML",\n}}\n'


def test_searxng_takes_engines_named_like_their_site() -> None:
    modules = [_engine("Kvarnews_ (news) is a wire service.\n\n.. _Kvarnews: https://kvarnews.example",
                       "Q9600001", "https://www.kvarnews.example", '["news"]'),
               _engine("Instant answers of the Kvarn API", "Q9600002", "https://api.kvarn.example"),
               _engine("Pkgfind (packages)", "Q9600003", "https://pkgfind.example", '["it", "packages"]'),
               _engine("Seekso (general)", "Q9600004", "https://seekso.example"),
               _engine("Findso (general)", "Q9600004", "https://findso.example")]  # one QID, two sites
    assert [(r["qid"], r["name"], r["type"]) for r in nb.read_searxng(modules)] == [("Q9600001", "Kvarnews", "media")]


def test_wikitrivia_decks(countries: nb.Countries) -> None:
    assert nb.wikitrivia_kind("famous-painters-death-year") == "person"
    assert nb.wikitrivia_kind("uk-prime-ministers-taking-office") == "person"
    assert nb.wikitrivia_kind("airlines-founding-year") == "company"
    assert nb.wikitrivia_kind("films-release-year") is None
    rows = json.dumps([{"item": "http://www.wikidata.org/entity/Q9700001", "itemLabel": "Ada Vinter", "year": "1990",
                        "sitelinks": "88", "description": "French painter", "nationalityLabel": "French||French"},
                       {"item": "http://www.wikidata.org/entity/Q9700002", "itemLabel": "Q9700002", "sitelinks": "9"}])
    _, [ada] = nb.read_wikitrivia("famous-painters-death-year", rows, countries)
    assert (ada["name"], ada["country"], ada["famous"], ada["pop"], ada["desc"]) == (
        "Ada Vinter", "FR", True, 88, "French painter")
    office = json.dumps([{"item": "http://www.wikidata.org/entity/Q9700003", "itemLabel": "Olav Strand",
                          "sitelinks": "40"}])
    _, [olav] = nb.read_wikitrivia("norwegian-prime-ministers-taking-office", office, countries)
    assert olav["country"] == "NO"


def test_reep_keeps_covered_clubs_and_chadwick_names() -> None:
    countries = nb.Countries(COUNTRIES)
    teams = ("reep_id,key_wikidata,name,country,key_transfermarkt,key_fbref\n"
             "r1,Q9800001,Kvarnby IF,Norway,123,\n"
             "r2,Q9800002,Kvarnby Youth,Norway,,\n"
             "r3,Q9800003,Q9800003,Norway,5,\n")
    assert [(r["qid"], r["type"], r["countries"]) for r in nb.read_reep(teams, countries)] == [
        ("Q9800001", "sports-team", ["NO"])]
    people = ("key_person,key_wikidata,name_last,name_first,name_given,name_suffix\n"
              "a1,Q9900001,Voss,Harry,Harold Edwin,Jr.\n"
              "a2,,Nobody,Ned,Ned,\n")
    [voss] = nb.read_chadwick(people)
    assert (voss["name"], voss["aliases"], voss["domain"], voss["famous"]) == (
        "Harry Voss Jr.", ["Harold Edwin Voss Jr."], "baseball", False)


# -- merging ------------------------------------------------------------------------------------------

def test_one_record_per_qid_merged_from_several_sources(countries: nb.Countries) -> None:
    cands = [
        nb.body("Q9000001", "Kvarn Broadcasting", "media", "fb15k", aliases=["Kvarn Broadcasting Corp."],
                countries=["GB"], desc="British broadcaster"),
        nb.body("Q9000001", "Kvarn Broadcasting Corporation", "government", "ror", acronyms=["KBC"],
                countries=["GB"]),
        nb.body("Q9000001", "Kvarn Broadcasting", "other", "wikitrivia", pop=61),
        nb.body("Q9000001", "Kvarn Broadcasting", "company", "nsi", countries=["NO", "FR"]),
    ]
    [rec] = nb.merge_bodies(cands, countries)
    assert rec == {"qid": "Q9000001", "name": "Kvarn Broadcasting", "type": "media", "countries": ["GB"],
                   "aliases": ["Kvarn Broadcasting Corp.", "Kvarn Broadcasting Corporation"], "acronyms": ["KBC"],
                   "pop": 61, "src": ["wikitrivia", "fb15k", "ror", "nsi"], "desc": "British broadcaster"}


def test_merge_drops_generic_registry_names_shared_aliases_and_taken_items(countries: nb.Countries) -> None:
    cands = [
        nb.body("Q9000010", "Target", "company", "nsi", countries=["US"]),  # a plain word from a registry
        nb.body("Q9000011", "The Star", "media", "fb15k", countries=["GB"]),  # a famous list's own label
        nb.body("Q9000012", "Kvarn Daily", "media", "wmc", aliases=["Daily Kvarn"], countries=["US"]),
        nb.body("Q9000013", "Kvarn Weekly", "media", "wmc", aliases=["Daily Kvarn"], countries=["US"]),
        nb.body("Q9000014", "Norway", "company", "nsi"),  # a country's name
        nb.body("Q9000015", "Progress Party", "other", "fb15k"),  # already a party
        nb.body("Q9000016", "Kvarn Labour", "company", "nsi", aliases=["Labour Party"]),
    ]
    out = nb.merge_bodies(cands, countries, taken={"Q9000015"}, taken_names=["Labour Party"])
    assert [(r["qid"], r["name"], r.get("aliases", [])) for r in out] == [
        ("Q9000011", "The Star", []), ("Q9000012", "Kvarn Daily", []), ("Q9000013", "Kvarn Weekly", []),
        ("Q9000016", "Kvarn Labour", [])]


def test_nsi_countries_only_as_a_fallback(countries: nb.Countries) -> None:
    cands = [nb.body("Q9000020", "Kvarnmotors", "company", "nsi", countries=["NO"]),
             nb.body("Q9000020", "Kvarnmotors", "company", "nsi", countries=["FR"]),
             nb.body("Q9000021", "Orbisco", "company", "nsi", countries=["DE"]),
             nb.body("Q9000022", "Tideco", "company", "nsi", countries=["DE"]),
             nb.body("Q9000022", "Tideco", "company", "fb15k", countries=["US"])]
    assert {r["qid"]: r.get("countries", []) for r in nb.merge_bodies(cands, countries)} == {
        "Q9000020": [], "Q9000021": ["DE"], "Q9000022": ["US"]}


def test_a_branch_keeps_its_country_note_when_the_parent_has_the_plain_name(countries: nb.Countries) -> None:
    parent = nb.body("Q9000030", "Ostrel", "company", "fb15k", countries=["FR"])
    branch = nb.read_ror(_ror_v2("06", "Q9000031", ["company"], [("Ostrel (Germany)", ["ror_display"], None)],
                                 country="DE"), countries)
    alone = nb.read_ror(_ror_v2("07", "Q9000032", ["company"], [("Kvarnol (Germany)", ["ror_display"], None)],
                                country="DE"), countries)
    assert branch is not None and alone is not None
    names = {r["qid"]: r["name"] for r in nb.merge_bodies([parent, branch, alone], countries)}
    assert names == {"Q9000030": "Ostrel", "Q9000031": "Ostrel (Germany)", "Q9000032": "Kvarnol"}


def test_notable_persons_merge_into_office_holders_or_are_added(countries: nb.Countries) -> None:
    holders = [{"qid": "Q9000040", "name": "Olav Strand", "country": "NO", "held": [["Q9000099", "2001", ""]]}]
    cands = [nb.person("Q9000040", "Olav Strand", "wikitrivia", famous=True, pop=40, desc="Norwegian politician"),
             nb.person("Q9000041", "Ada Vinter", "fb15k", aliases=["Ada Marie Vinter", "Olav Strand"], famous=True,
                       desc="French painter", country="FR"),
             nb.person("Q9000041", "Ada Vinter", "wikitrivia", famous=True, pop=88),
             nb.person("Q9000042", "Harry Voss", "chadwick", aliases=["Harold Voss"], domain="baseball")]
    out = nb.merge_persons(cands, holders, countries)
    assert out == [
        {"qid": "Q9000040", "name": "Olav Strand", "country": "NO", "held": [["Q9000099", "2001", ""]],
         "desc": "Norwegian politician", "famous": True, "pop": 40},
        {"qid": "Q9000041", "name": "Ada Vinter", "country": "FR", "aliases": ["Ada Marie Vinter"],
         "desc": "French painter", "famous": True, "pop": 88},
        {"qid": "Q9000042", "name": "Harry Voss", "aliases": ["Harold Voss"], "domain": "baseball"}]
    gaz = Gazetteer({"countries": COUNTRIES, "persons": out})
    assert [p.qid for p in gaz.persons_named("Olav Strand")] == ["Q9000040"]  # no twin of the holder


# -- the build, on snapshots made here ------------------------------------------------------------------

def _snapshot(mirror: Path, repo: str, files: dict[str, str]) -> None:
    """A git snapshot like those ``fetch`` leaves (a clone with its work tree), holding ``files``."""
    root = mirror / repo.replace("/", "+") / "repo"
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], check=True)


def test_build_merges_sources_and_records_them(tmp_path: Path) -> None:
    _snapshot(tmp_path, nb.WMC, {"data/wikipedia-us-newspapers.tsv":
                                 "WP-title\tstate\tpageid\tpath\tqid\nThe Kvarn Courier\tOhio\t1\t/wiki/x\tQ9500001\n"})
    _snapshot(tmp_path, nb.CHADWICK, {"data/people-0.csv": "key_person,key_wikidata,name_last,name_first,name_given,"
                                                           "name_suffix\na1,Q9000040,Strand,Olav,Olav,\n"
                                                           "a2,Q9900001,Voss,Harry,Harold,\n"})
    party = {"qid": "Q9000050", "name": "Progress Party", "type": "party", "countries": ["NO"]}
    holder = {"qid": "Q9000040", "name": "Olav Strand", "country": "NO", "held": [["Q9000099", "2001", ""]]}
    doc = {"countries": COUNTRIES, "bodies": [party], "persons": [holder]}
    bodies, persons, sources = nb.build(tmp_path, doc)
    assert bodies == [{"qid": "Q9000050", "name": "Progress Party", "type": "party", "countries": ["NO"]},
                      {"qid": "Q9500001", "name": "The Kvarn Courier", "type": "media", "countries": ["US"],
                       "src": ["wmc"]}]
    assert persons == [{**holder, "domain": "baseball"},
                       {"qid": "Q9900001", "name": "Harry Voss", "aliases": ["Harold Voss"], "domain": "baseball"}]
    assert [(s["key"], s["repo"], len(s["commit"]), s["path"]) for s in sources] == [
        ("wmc", nb.WMC, 40, "data/wikipedia-us-newspapers.tsv"), ("chadwick", nb.CHADWICK, 40, "data/people-0.csv")]
    assert all(s["licence"] and len(s["sha256"]) == 64 for s in sources)
