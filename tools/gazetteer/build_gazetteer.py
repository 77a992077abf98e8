"""Build ``gazetteer.json.gz`` (countries, places, organizations) from public sources. Stdlib only.

Why a script: the shipped gazetteer must be reproducible and auditable. Every QID in it comes from a
public source file read here (Natural Earth's WIKIDATAID columns, the SupraVerden list of
international organisations), never typed by hand; names, demonyms and capitals come from
mledoze/countries. What is curated here by hand is small, marked, and explained: a few canonical
names news uses, aliases the sources lack ("Britain", "Turk", "Gaza"), and the member lists of blocs,
which are public facts compiled from the organizations' published lists (see ``README.md`` here).

Run it against the snapshots that the search tool's ``fetch`` puts under ``/work/.mirror``::

    python tools/gazetteer/build_gazetteer.py --mirror-dir /work/.mirror

or give each input file explicitly (``--mledoze``, ``--ne-countries``, ``--ne-places``,
``--supraverden``). It writes ``src/newsgraph/data/gazetteer.json.gz``, the file the installed
package ships; this folder is a maintainer tool and is never installed or imported at runtime.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import struct
import subprocess
import sys
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from newsgraph.link.gazetteer import Gazetteer, normalize

OUT_DEFAULT = Path(__file__).resolve().parents[2] / "src" / "newsgraph" / "data" / "gazetteer.json.gz"
#: The date the hand-compiled member lists below describe.
MEMBERS_AS_OF = "2025-10"


@dataclass(frozen=True)
class Source:
    """A public input file: where the mirror keeps it and under what terms it may be reused."""

    key: str
    repo: str  # owner/name on GitHub, as fetched into <mirror>/<owner>+<name>/repo
    path: str
    licence: str
    what: str


SOURCES = {
    s.key: s
    for s in (
        Source("mledoze", "mledoze/countries", "countries.json", "ODbL-1.0",
               "country names, official names, alt spellings, demonyms, capitals, ISO codes, UN membership"),
        Source("ne_countries", "gtitov/geojson-leaflet-map", "geojson/ne_50m_admin_0_countries.zip",
               "Public domain (Natural Earth)", "Natural Earth 1:50m admin-0 countries: WIKIDATAID, names"),
        Source("ne_places", "gtitov/geojson-leaflet-map", "geojson/ne_50m_populated_places.zip",
               "Public domain (Natural Earth)",
               "Natural Earth 1:50m populated places: WIKIDATAID, POP_MAX, capital flags"),
        Source("supraverden", "confirmordeny/supraverden", "data/general_list.yaml",
               "CC BY-SA 4.0 (only Wikidata QIDs are taken: CC0 facts)",
               "Wikidata QIDs, names and abbreviations of international organisations"),
    )
}

# --------------------------------------------------------------------------------------------------
# Hand curation. Each table says why it exists; none of them carries a QID.
# --------------------------------------------------------------------------------------------------

#: Canonical names where mledoze's "common" name is not the short form news and the eval gold use.
CANONICAL_NAMES = {
    "CD": "Democratic Republic of the Congo",  # mledoze: "DR Congo"
    "CG": "Republic of the Congo",  # mledoze: "Congo", which news also uses for the DRC
    "CI": "Côte d'Ivoire",  # mledoze: "Ivory Coast"
}

#: Names wire copy uses that the sources lack. "Congo" is given to both Congos on purpose, so the
#: bare word stays ambiguous instead of silently picking one.
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("America", "United States of America", "U.S.A."),
    "GB": ("Britain", "Great Britain", "U.K."),
    "TR": ("Turkey", "Turkiye", "Republic of Turkey"),
    "RU": ("Russian Federation",),
    "AE": ("Emirates",),
    "CN": ("Mainland China", "People's Republic of China"),
    "CD": ("Congo", "DR Congo", "Democratic Republic of Congo", "Congo-Kinshasa", "Congo Kinshasa"),
    "CG": ("Congo", "Republic of Congo", "Congo-Brazzaville", "Congo Brazzaville"),
    "CI": ("Ivory Coast", "Cote d'Ivoire"),
    "CZ": ("Czech Republic",),
    "PS": ("Gaza", "Gaza Strip", "West Bank", "Palestinian territories", "occupied Palestinian territories",
           "Palestinian Territory"),
    "SA": ("Saudi",),
    "VA": ("Holy See",),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia",),
    "MM": ("Burma",),
    "VN": ("Viet Nam",),
    "LA": ("Lao PDR",),
    "BA": ("Bosnia", "Bosnia-Herzegovina"),
    "CV": ("Cabo Verde",),
    "TL": ("East Timor",),
    "HK": ("Hong Kong SAR",),
    "MO": ("Macao", "Macau SAR"),
    "EH": ("Sahrawi Arab Democratic Republic",),
    "XK": ("Republic of Kosovo",),
    "KR": ("Republic of Korea",),
    "KP": ("Democratic People's Republic of Korea",),
    "SY": ("Syrian Arab Republic",),
    "IR": ("Islamic Republic of Iran",),
    "TT": ("Trinidad-Tobago", "Trinidad"),
}

#: Acronyms matched case-exactly (see ``acronym_key``); "U.S." reaches "US" by dropping dots.
EXTRA_ACRONYMS: dict[str, tuple[str, ...]] = {
    "US": ("US", "USA"),
    "GB": ("UK",),
    "AE": ("UAE",),
    "CD": ("DRC",),
    "KP": ("DPRK",),
    "KR": ("ROK",),
    "CN": ("PRC",),
    "SA": ("KSA",),
    "EH": ("SADR",),
}

#: Demonyms and adjectives the sources lack (mledoze has one per country).
EXTRA_DEMONYMS: dict[str, tuple[str, ...]] = {
    "TR": ("Turk", "Turks"),
    "GB": ("Briton", "Britons", "Brit", "Brits"),
    "US": ("Americans",),
    "PH": ("Filipino", "Filipinos"),
    "KP": ("North Koreans",),
    "KR": ("South Koreans",),
    "SA": ("Saudis",),
    "NL": ("Netherlands",),
    "KZ": ("Kazakh", "Kazakhs"),
    "UZ": ("Uzbek", "Uzbeks"),
    "KG": ("Kyrgyz",),
    "TJ": ("Tajik", "Tajiks"),
    "AZ": ("Azeri", "Azeris"),
    "BA": ("Bosnian", "Bosnians"),
    "IS": ("Icelandic",),
    "SI": ("Slovenian", "Slovenians"),
    "AR": ("Argentinian", "Argentinians"),
    "NP": ("Nepali", "Nepalis"),
}

#: Demonyms dropped from an entry because another country owns the word in news use: "Dominican"
#: is the Dominican Republic; Dominica's own word would only make it ambiguous.
DROP_DEMONYMS = {("DM", "Dominican")}

#: Lower-case forms that are ordinary English (or French) words: acronyms spelling them are
#: matched case-exactly only, so "us", "who", "it" never become countries or organizations.
WORD_ACRONYMS = {"us", "who", "un", "au", "cis", "it", "in", "is", "am", "me", "no", "so", "to", "or",
                 "id", "as", "at", "be", "by", "do", "go", "he", "if", "of", "on", "up", "we", "ma"}

#: Holy See: mledoze flags it a UN member; it is a permanent observer state.
UN_OBSERVERS = ("PS", "VA")

#: English names of cities that Natural Earth's labels miss, keyed by its NAME ("in Mecca").
EXTRA_PLACE_ALIASES: dict[str, tuple[str, ...]] = {
    "Makkah": ("Mecca",),
    "Rio de Janeiro": ("Rio",),
    "Bern": ("Berne",),
    "Mumbai": ("Bombay",),
    "Ho Chi Minh City": ("Saigon",),
}

#: Natural Earth ADM0_A3 codes of entities mledoze has no row for, mapped to the country whose
#: territory they are de jure (places in Somaliland are in Somalia for our purposes).
NE_ADM0_FALLBACK = {"SOL": "SO", "CYN": "CY", "KAS": "IN"}


@dataclass(frozen=True)
class OrgSpec:
    """One organization: identity, names, and (optionally) its members.

    ``members`` maps a year of joining (None: not recorded) to space-separated ISO 3166-1 alpha-2
    codes; ``extra`` adds records that are not plain current memberships, as
    ``(iso2 or name, since, until, status, note)``. ``members=None`` means not enumerated.
    """

    id: str
    name: str
    short: str
    type: str
    supraverden: str | None = None  # key of the entry in SupraVerden's general_list.yaml
    acronyms: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    founded: int | None = None
    members: dict[int | None, str] | None = field(default=None)
    extra: tuple[tuple[str, int | None, int | None, str, str | None], ...] = ()
    note: str | None = None
    #: QID for an organization SupraVerden lacks, with the public file that states it (``cited``).
    wikidata: str | None = None
    cited: str | None = None


_AU = ("DZ AO BJ BW BF BI CM CV CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR "
       "MU MZ NA NE NG RW ST SN SC SL SO ZA SD TZ TG TN UG ZM ZW EH")
_OIC = ("AF AL DZ AZ BH BD BJ BN BF CM TD KM CI DJ EG GA GM GN GW GY ID IR IQ JO KZ KW KG LB LY MY MV ML MR "
        "MA MZ NE NG OM PK PS QA SA SN SL SO SD SR SY TJ TG TN TR TM UG AE UZ YE")
_COMMONWEALTH = ("AG AU BS BD BB BZ BW BN CA CY DM SZ FJ GM GH GD GY IN JM KE KI LS MW MY MV MT MU NA NR "
                 "NZ NG PK PG KN LC VC WS SC SL SG SB ZA LK TZ TO TT TV UG GB VU ZM")
_COE = ("AL AD AM AT AZ BE BA BG HR CY CZ DK EE FI FR GE DE GR HU IS IE IT LV LI LT LU MT MD MC ME NL MK "
        "NO PL PT RO SM RS SK SI ES SE CH TR UA GB")
_OSCE = ("AL AD AM AT AZ BY BE BA BG CA HR CY CZ DK EE FI FR GE DE GR VA HU IS IE IT KZ KG LV LI LT LU MT "
         "MD MC MN ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH TJ TR TM UA GB US UZ")

ORGS: tuple[OrgSpec, ...] = (
    OrgSpec("UN", "United Nations", "UN", "igo", "United Nations", ("UN",), ("United Nations Organization",),
            1945, note="members from mledoze unMember; Palestine and the Holy See are observer states"),
    OrgSpec("UNSC", "United Nations Security Council", "UN Security Council", "igo",
            "United Nations Security Council", ("UNSC",), ("UN Security Council", "Security Council"), 1945,
            {1945: "CN FR RU GB US"},
            note="permanent members only (the ten elected seats rotate); Russia holds the Soviet seat "
                 "since 1991, the PRC the China seat since 1971"),
    OrgSpec("EU", "European Union", "EU", "bloc", "European Union", ("EU",), (), 1993,
            {1958: "BE FR DE IT LU NL", 1973: "DK IE", 1981: "GR", 1986: "PT ES", 1995: "AT FI SE",
             2004: "CY CZ EE HU LV LT MT PL SK SI", 2007: "BG RO", 2013: "HR"},
            (("GB", 1973, 2020, "former", None),), note="since = accession to the EEC/EC/EU"),
    OrgSpec("NATO", "North Atlantic Treaty Organization", "NATO", "alliance",
            "North Atlantic Treaty Organisation", ("NATO", "OTAN"),
            ("North Atlantic Treaty Organisation", "North Atlantic Alliance", "Atlantic Alliance"), 1949,
            {1949: "BE CA DK FR IS IT LU NL NO PT GB US", 1952: "GR TR", 1955: "DE", 1982: "ES",
             1999: "CZ HU PL", 2004: "BG EE LV LT RO SK SI", 2009: "AL HR", 2017: "ME", 2020: "MK",
             2023: "FI", 2024: "SE"}),
    OrgSpec("BRICS", "BRICS", "BRICS", "bloc", None, ("BRICS",), ("BRICS Plus", "BRICS+"), 2009,
            {2009: "BR RU IN CN", 2010: "ZA", 2024: "EG ET IR AE", 2025: "ID"},
            (("SA", None, None, "invited", "invited in 2023; has not formally taken up membership"),
             ("BY", 2025, None, "partner", None), ("BO", 2025, None, "partner", None),
             ("KZ", 2025, None, "partner", None), ("CU", 2025, None, "partner", None),
             ("MY", 2025, None, "partner", None), ("TH", 2025, None, "partner", None),
             ("UG", 2025, None, "partner", None), ("UZ", 2025, None, "partner", None),
             ("NG", 2025, None, "partner", None), ("VN", 2025, None, "partner", None)),
            note="BRIC summits from 2009, South Africa 2010",
            wikidata="Q243630",
            cited="SpocWiki/_Standards@096a9ba26271398c9ed1cd1cb9441dc31c6a3486 "
                  "Earth/Continent/Europe/Europe~East/Russia.md ('WD~BRICS,243630'); two other public files "
                  "found by the search tool state the same pair ('item: \"Q243630\", en: \"BRICS\"')"),
    OrgSpec("G7", "Group of Seven", "G7", "bloc", None, ("G7",), ("Group of 7",), 1975,
            {1975: "FR DE IT JP GB US", 1976: "CA"},
            (("European Union", 1977, None, "member", "non-enumerated member"),
             ("RU", 1997, 2014, "former", "G8, suspended 2014")),
            note="no Wikidata QID found in the sources used"),
    OrgSpec("G20", "Group of Twenty", "G20", "bloc", None, ("G20",), ("Group of 20",), 1999,
            {1999: "AR AU BR CA CN FR DE IN ID IT JP MX RU SA ZA KR TR GB US"},
            (("European Union", 1999, None, "member", None), ("African Union", 2023, None, "member", None)),
            note="no Wikidata QID found in the sources used"),
    OrgSpec("ASEAN", "Association of Southeast Asian Nations", "ASEAN", "bloc",
            "Association of Southeast Asian Nations", ("ASEAN",),
            ("Association of South-East Asian Nations",), 1967,
            {1967: "ID MY PH SG TH", 1984: "BN", 1995: "VN", 1997: "LA MM", 1999: "KH", 2025: "TL"}),
    OrgSpec("AU", "African Union", "African Union", "bloc", "African Union", ("AU",), (), 2002,
            {2002: _AU, 2011: "SS", 2017: "MA"},
            note="since = membership of the AU (2002) or later accession; Western Sahara sits as the SADR; "
                 "several members are suspended from time to time after coups"),
    OrgSpec("ARAB_LEAGUE", "Arab League", "Arab League", "bloc", "Arab League", ("LAS",),
            ("League of Arab States",), 1945,
            {1945: "EG IQ JO LB SA SY YE", 1953: "LY", 1956: "SD", 1958: "MA TN", 1961: "KW", 1962: "DZ",
             1971: "BH OM QA AE", 1973: "MR", 1974: "SO", 1976: "PS", 1977: "DJ", 1993: "KM"},
            note="Syria was suspended 2011-2023"),
    OrgSpec("OPEC", "Organization of the Petroleum Exporting Countries", "OPEC", "bloc",
            "Organization of the Petroleum Exporting Countries", ("OPEC",),
            ("Organisation of the Petroleum Exporting Countries",), 1960,
            {1960: "IR IQ KW SA VE", 1962: "LY", 1967: "AE", 1969: "DZ", 1971: "NG", 2016: "GA", 2017: "GQ",
             2018: "CG"},
            (("AO", 2007, 2024, "former", None), ("QA", 1961, 2019, "former", None),
             ("EC", 2007, 2020, "former", "also a member 1973-1992")),
            note="Gabon: member 1975-1995 and again since 2016"),
    OrgSpec("OPEC_PLUS", "OPEC+", "OPEC+", "bloc", None, ("OPEC+",), ("OPEC Plus",), 2016,
            {2016: "AZ BH BN KZ MY MX OM RU SS SD"},
            note="OPEC members plus the Declaration of Cooperation signatories listed; OPEC's current "
                 "members are added by the build (since = max(2016, OPEC accession)); no QID found"),
    OrgSpec("SCO", "Shanghai Cooperation Organisation", "SCO", "bloc", "Shanghai Cooperation Organisation",
            ("SCO",), ("Shanghai Cooperation Organization",), 2001,
            {2001: "CN KZ KG RU TJ UZ", 2017: "IN PK", 2023: "IR", 2024: "BY"},
            (("AF", None, None, "observer", None), ("MN", None, None, "observer", None))),
    OrgSpec("CIS", "Commonwealth of Independent States", "CIS", "bloc", "Commonwealth of Independent States",
            ("CIS",), (), 1991, {1991: "AM AZ BY KZ KG MD RU TJ UZ"},
            (("TM", 2005, None, "associate", None), ("GE", 1993, 2009, "former", None),
             ("UA", 1991, 2018, "former", "never ratified the charter; ended participation 2018")),
            note="Moldova has been withdrawing from CIS agreements since 2023"),
    OrgSpec("CSTO", "Collective Security Treaty Organization", "CSTO", "alliance",
            "Collective Security Treaty Organization", ("CSTO",),
            ("Collective Security Treaty Organisation",), 1992, {1992: "AM KZ KG RU TJ", 1993: "BY"},
            (("UZ", 1992, 2012, "former", "also out 1999-2006"), ("AZ", 1993, 1999, "former", None),
             ("GE", 1993, 1999, "former", None)),
            note="since = treaty accession; Armenia froze its participation in 2024"),
    OrgSpec("EAEU", "Eurasian Economic Union", "EAEU", "bloc", "Eurasian Economic Union", ("EAEU", "EEU"), (),
            2015, {2015: "AM BY KZ KG RU"},
            (("MD", 2018, None, "observer", None), ("UZ", 2020, None, "observer", None),
             ("CU", 2020, None, "observer", None))),
    OrgSpec("GCC", "Gulf Cooperation Council", "GCC", "bloc",
            "Cooperation Council for the Arab States of the Gulf", ("GCC",),
            ("Cooperation Council for the Arab States of the Gulf",), 1981, {1981: "BH KW OM QA SA AE"}),
    OrgSpec("COMMONWEALTH", "Commonwealth of Nations", "Commonwealth", "bloc", None, (), ("Commonwealth",),
            1949, {None: _COMMONWEALTH, 1995: "CM MZ", 2009: "RW", 2022: "GA TG"},
            note="no Wikidata QID found in the sources used (SupraVerden lists only its Secretariat)"),
    OrgSpec("OECD", "Organisation for Economic Co-operation and Development", "OECD", "igo",
            "Organisation for Economic Co-operation and Development", ("OECD",),
            ("Organization for Economic Cooperation and Development",), 1961,
            {1961: "AT BE CA DK FR DE GR IS IE LU NL NO PT ES SE CH TR GB US", 1962: "IT", 1964: "JP",
             1969: "FI", 1971: "AU", 1973: "NZ", 1994: "MX", 1995: "CZ", 1996: "HU PL KR", 2000: "SK",
             2010: "CL SI IL EE", 2016: "LV", 2018: "LT", 2020: "CO", 2021: "CR"}),
    OrgSpec("OIC", "Organisation of Islamic Cooperation", "OIC", "bloc",
            "Organisation of Islamic Cooperation", ("OIC",),
            ("Organization of Islamic Cooperation", "Organisation of the Islamic Conference",
             "Organization of the Islamic Conference"), 1969, {None: _OIC}),
    OrgSpec("MERCOSUR", "Mercosur", "Mercosur", "bloc", "Mercosur", ("MERCOSUR",),
            ("Southern Common Market", "Mercosul"), 1991, {1991: "AR BR PY UY", 2024: "BO"},
            (("VE", 2012, None, "suspended", "suspended since 2016"),)),
    OrgSpec("ECOWAS", "Economic Community of West African States", "ECOWAS", "bloc",
            "Economic Community of West African States", ("ECOWAS", "CEDEAO"), (), 1975,
            {1975: "BJ CI GM GH GN GW LR NG SN SL TG", 1977: "CV"},
            (("BF", 1975, 2025, "former", None), ("ML", 1975, 2025, "former", None),
             ("NE", 1975, 2025, "former", None), ("MR", 1975, 2000, "former", None))),
    OrgSpec("QUAD", "Quadrilateral Security Dialogue", "Quad", "alliance", None, ("QUAD",), ("Quad",), 2007,
            {2007: "AU IN JP US"}, note="no Wikidata QID found in the sources used; revived 2017"),
    OrgSpec("AUKUS", "AUKUS", "AUKUS", "alliance", None, ("AUKUS",), (), 2021, {2021: "AU GB US"},
            note="no Wikidata QID found in the sources used"),
    OrgSpec("FIVE_EYES", "Five Eyes", "Five Eyes", "alliance", None, ("FVEY",), ("UKUSA",), 1946,
            {1946: "GB US", None: "AU CA NZ"}, note="no Wikidata QID found in the sources used"),
    OrgSpec("COE", "Council of Europe", "Council of Europe", "igo", "Council of Europe", ("CoE", "COE"), (),
            1949, {1949: "BE DK FR IE IT LU NL NO SE GB GR TR", None: _COE},
            (("RU", 1996, 2022, "former", "expelled 2022"),)),
    OrgSpec("OSCE", "Organization for Security and Co-operation in Europe", "OSCE", "igo",
            "Organization for Security and Co-operation in Europe", ("OSCE",),
            ("Organisation for Security and Co-operation in Europe",
             "Organization for Security and Cooperation in Europe"), 1975, {None: _OSCE}),
    OrgSpec("OTS", "Organization of Turkic States", "Organization of Turkic States", "bloc",
            "Organization of Turkic States", ("OTS",),
            ("Organisation of Turkic States", "Turkic Council", "Council of Turkic States",
             "Cooperation Council of Turkic Speaking States"), 2009,
            {2009: "AZ KZ KG TR", 2019: "UZ"},
            (("HU", 2018, None, "observer", None), ("TM", 2021, None, "observer", None),
             ("Northern Cyprus", 2022, None, "observer", None))),
    OrgSpec("IAEA", "International Atomic Energy Agency", "IAEA", "igo", "International Atomic Energy Agency",
            ("IAEA",), (), 1957, note="near-universal membership; not enumerated"),
    OrgSpec("WHO", "World Health Organization", "WHO", "igo", "World Health Organization", ("WHO",),
            ("World Health Organisation",), 1948, note="near-universal membership; not enumerated"),
    OrgSpec("IMF", "International Monetary Fund", "IMF", "igo", "International Monetary Fund", ("IMF",), (),
            1944, note="near-universal membership; not enumerated"),
    OrgSpec("WORLD_BANK", "World Bank", "World Bank", "igo", "World Bank", ("WB",), ("The World Bank",), 1944,
            note="near-universal membership; not enumerated"),
    OrgSpec("WTO", "World Trade Organization", "WTO", "igo", "World Trade Organization", ("WTO",),
            ("World Trade Organisation",), 1995, note="near-universal membership; not enumerated"),
    OrgSpec("INTERPOL", "International Criminal Police Organization", "Interpol", "igo",
            "International Criminal Police Organization", ("INTERPOL", "ICPO"),
            ("Interpol", "International Criminal Police Organisation"), 1923,
            note="near-universal membership; not enumerated"),
    OrgSpec("ICC", "International Criminal Court", "ICC", "igo", "International Criminal Court", ("ICC",), (),
            2002, note="about 125 states parties; not enumerated. 'ICC' is also the cricket council"),
)

# --------------------------------------------------------------------------------------------------
# Reading inputs
# --------------------------------------------------------------------------------------------------


def read_from_mirror(mirror: Path, src: Source) -> tuple[bytes, str]:
    """Bytes of ``src`` at HEAD of its fetched snapshot, and that commit (read-only git calls)."""
    git_dir = mirror / src.repo.replace("/", "+") / "repo"
    if not git_dir.exists():
        raise SystemExit(f"missing snapshot {git_dir}: fetch github:{src.repo} first")

    def git(*args: str) -> bytes:
        return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True).stdout

    return git("show", f"HEAD:{src.path}"), git("rev-parse", "HEAD").decode().strip()


def read_dbf(data: bytes) -> list[dict[str, str]]:
    """Rows of a dBase III table as strings (Natural Earth ships its attributes this way)."""
    n_records = struct.unpack("<I", data[4:8])[0]
    header_len, record_len = struct.unpack("<HH", data[8:12])
    fields: list[tuple[str, int]] = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(n_records):
        rec = data[header_len + i * record_len: header_len + (i + 1) * record_len]
        if rec[:1] == b"*":  # deleted
            continue
        row, p = {}, 1
        for name, length in fields:
            row[name] = rec[p:p + length].decode("utf-8", "replace").replace("\x00", "").strip()
            p += length
        rows.append(row)
    return rows


def read_ne_zip(data: bytes) -> tuple[list[dict[str, str]], str]:
    """Rows of the single .dbf inside a Natural Earth shapefile zip, and its VERSION."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        dbf = next(n for n in names if n.endswith(".dbf"))
        version = next((z.read(n).decode().strip() for n in names if n.endswith("VERSION.txt")), "?")
        return read_dbf(z.read(dbf)), version


def read_supraverden(text: str) -> dict[str, dict[str, str]]:
    """The flat two-level mapping of SupraVerden's general_list.yaml (enough YAML for that file)."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            current = out.setdefault(line.rstrip()[:-1].strip("'\""), {})
            continue
        m = re.match(r"  (\w+): (.*)$", line)
        if m and current is not None:
            current[m.group(1)] = m.group(2).strip().strip("'\"")
    return out


# --------------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------------


def _latin(text: str) -> bool:
    """True if ``text`` is Latin script once accents go: other scripts are no use on English news."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return all(ord(c) < 0x250 or c in "’‘ʻ" for c in folded)


def _uniq(items: Iterable[str | None], *exclude: str | None) -> list[str]:
    """Distinct non-empty items, by normalized key, skipping any whose key is in ``exclude``."""
    seen = {normalize(x) for x in exclude if x}
    out = []
    for x in items:
        if not x or x == "-99":
            continue
        k = normalize(x)
        if k and k not in seen:
            seen.add(k)
            out.append(x)
    return out


def _split_acronyms(candidates: Iterable[str], codes: set[str]) -> tuple[list[str], list[str]]:
    """Sort alt spellings into (aliases, acronyms); bare ISO codes are dropped ("IN", "CAN")."""
    aliases, acronyms = [], []
    for s in candidates:
        if not s or s == "-99":
            continue
        if re.fullmatch(r"[A-Z][A-Z0-9.]{1,6}", s):
            if s.replace(".", "") not in codes:
                acronyms.append(s)
        else:
            aliases.append(s)
    return aliases, acronyms


def _demonym_plurals(words: Iterable[str]) -> list[str]:
    """"Russian" -> "Russians", "Emirati" -> "Emiratis"; "British", "Chinese" have none."""
    return [w + "s" for w in words if w.endswith(("an", "i", "er", "on", "ar")) and " " not in w]


def build_countries(mledoze: list[dict[str, Any]], ne: list[dict[str, str]]) -> list[dict[str, Any]]:
    """One record per mledoze entry (UN members, observers, territories), QIDs from Natural Earth."""
    # Natural Earth gives a dependency its sovereign's ISO_A2_EH ("Ashmore and Cartier Is." is AU): the
    # row whose own ISO_A2 is the code wins, or Australia would get the islands' QID.
    ne_by_iso: dict[str, dict[str, str]] = {}
    for r in ne:
        code = r["ISO_A2_EH"]
        if code not in ("", "-99") and (code not in ne_by_iso or (r["ISO_A2"] == code
                                                                   and ne_by_iso[code]["ISO_A2"] != code)):
            ne_by_iso[code] = r
    out = []
    for c in sorted(mledoze, key=lambda c: c["cca2"]):
        iso2, iso3 = c["cca2"], c["cca3"]
        n = ne_by_iso.get(iso2, {})
        name = CANONICAL_NAMES.get(iso2, c["name"]["common"])
        official = c["name"]["official"]
        codes = {iso2, iso3}
        alts = [s for s in c.get("altSpellings", []) if _latin(s)]
        ne_names = [n.get(k) for k in ("NAME", "NAME_LONG", "ADMIN", "FORMAL_EN", "NAME_EN", "BRK_NAME")]
        alias_src, acronyms = _split_acronyms([c["name"]["common"], *alts, *ne_names], codes)
        aliases = _uniq([*alias_src, *EXTRA_ALIASES.get(iso2, ())], name, official)
        acronyms = _uniq([*acronyms, *EXTRA_ACRONYMS.get(iso2, ())])
        # Acronyms that are not everyday words also go in the folded index ("Uae" in a headline).
        aliases += [a for a in acronyms if normalize(a) not in WORD_ACRONYMS and normalize(a) not in
                    {normalize(x) for x in aliases}]
        dem = (c.get("demonyms") or {}).get("eng") or {}
        demonyms = [d.strip() for v in (dem.get("m"), dem.get("f")) if v for d in v.split(" or ")]
        demonyms = [d for d in demonyms if (iso2, d) not in DROP_DEMONYMS]
        demonyms = _uniq(demonyms, name, official, *aliases)
        demonyms = _uniq([*demonyms, *_demonym_plurals(demonyms), *EXTRA_DEMONYMS.get(iso2, ())],
                         name, official, *aliases)
        status = "un_observer" if iso2 in UN_OBSERVERS else ("un_member" if c.get("unMember") else "other")
        rec: dict[str, Any] = {
            "name": name, "iso2": iso2, "iso3": iso3, "qid": n.get("WIKIDATAID") or None,
            "official": official if normalize(official) != normalize(name) else None,
            "capital": (c.get("capital") or [None])[0], "status": status, "sovereign": c.get("independent"),
            "aliases": aliases, "acronyms": acronyms, "demonyms": demonyms,
        }
        out.append({k: v for k, v in rec.items() if v not in (None, [], "")})
    _yield_demonyms_to_states(out)
    return out


def _yield_demonyms_to_states(countries: list[dict[str, Any]]) -> None:
    """Drop a territory's demonym that a UN member also uses: "American" is the United States,
    not the Northern Mariana Islands; "French" is France, not its Southern Territories."""
    owners: dict[str, set[str]] = defaultdict(set)
    for c in countries:
        if c["status"] == "un_member":
            owners.update({normalize(d): owners[normalize(d)] | {c["iso2"]} for d in c.get("demonyms", ())})
    for c in countries:
        if c["status"] != "un_member" and c.get("demonyms"):
            c["demonyms"] = [d for d in c["demonyms"] if not owners.get(normalize(d))]
            if not c["demonyms"]:
                del c["demonyms"]


def _similar(a: str, b: str) -> bool:
    """Whether Natural Earth's English label ``b`` is a spelling of its local name ``a``.

    NAME_EN is a Wikidata label and mostly right ("Kiev" -> "Kyiv"), but a few rows carry another
    city's label (Maradi -> "Niamey") or a stale one (Astana -> "Nur-Sultan"); those would misname
    or misplace a city, so dissimilar ones are dropped (0.6 keeps København -> "Copenhagen").
    """
    x, y = normalize(a), normalize(b)
    if not x or not y:
        return False
    if min(len(x), len(y)) >= 4 and (x in y or y in x):  # "Gaza" / "Gaza City", not "K" / "Kobenhavn"
        return True
    return SequenceMatcher(None, x, y).ratio() >= 0.6


def build_places(ne_places: list[dict[str, str]], ne_countries: list[dict[str, str]],
                 countries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Natural Earth's populated places (capitals flagged), plus any mledoze capital it lacks."""
    known = {c["iso2"] for c in countries}
    adm0_to_iso = {r["ADM0_A3"]: r["ISO_A2_EH"] for r in ne_countries if r["ISO_A2_EH"] not in ("", "-99")}
    adm0_to_iso.update(NE_ADM0_FALLBACK)
    capitals = {c["iso2"]: normalize(c["capital"]) for c in countries if c.get("capital")}
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for r in ne_places:
        if r["FEATURECLA"] in ("Scientific station", "Historic place"):
            continue
        iso = r["ISO_A2"] if r["ISO_A2"] in known else adm0_to_iso.get(r["ADM0_A3"])
        if iso not in known:
            continue
        local = r["NAME"]
        english = r["NAME_EN"] if r["NAME_EN"] and _similar(local, r["NAME_EN"]) else None
        name = english or local
        alts = [local, r["NAMEASCII"], *r["NAMEALT"].split("|"), r["MEGANAME"], english]
        alts = [a for a in alts if a and len(normalize(a)) >= 3  # "Le": a truncated MEGANAME
                and not a.lower().startswith("formerly") and _similar(local, a)]
        aliases = _uniq([*alts, *EXTRA_PLACE_ALIASES.get(local, ())], name)
        keys = {normalize(name), *(normalize(a) for a in aliases)}
        capital = r["ADM0CAP"] == "1" or capitals.get(iso) in keys
        pop = int(float(r["POP_MAX"])) if r["POP_MAX"] not in ("", "-99") else None
        rec: dict[str, Any] = {"name": name, "qid": r["WIKIDATAID"] or None, "country": iso,
                               "capital": capital, "population": pop if pop and pop > 0 else None,
                               "aliases": aliases}
        out.append({k: v for k, v in rec.items() if v not in (None, [], False)})
        for k in keys:
            seen.setdefault((iso, k), out[-1])
    for c in countries:  # mledoze capitals: a spelling of a Natural Earth capital, or one it lacks
        cap = c.get("capital")
        if not cap or (c["iso2"], normalize(cap)) in seen:
            continue
        twin = next((p for p in out if p["country"] == c["iso2"] and p.get("capital")
                     and _similar(p["name"], cap)), None)
        if twin is not None:  # "Ulan Bator" is Natural Earth's "Ulaanbaatar"
            twin.setdefault("aliases", []).append(cap)
        else:
            out.append({"name": cap, "country": c["iso2"], "capital": True})
    return out


def build_orgs(countries: list[dict[str, Any]], supra: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Organizations with QIDs looked up in SupraVerden and the hand-compiled member lists."""
    iso = {c["iso2"] for c in countries}
    out: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for spec in ORGS:
        qid = None
        if spec.supraverden:
            entry = supra.get(spec.supraverden)
            if entry is None:
                raise SystemExit(f"SupraVerden has no entry {spec.supraverden!r} (for {spec.id})")
            code = entry.get("Wikidata_code", "")
            qid = code if re.fullmatch(r"Q\d+", code) else None
        if qid is None and spec.wikidata:
            qid = spec.wikidata
        members: list[dict[str, Any]] | None = None
        if spec.id == "UN":
            members = [{"iso": c["iso2"]} for c in countries if c.get("status") == "un_member"]
            members += [{"iso": c, "status": "observer"} for c in UN_OBSERVERS]
        elif spec.members is not None:
            members = []
            placed: dict[str, dict[str, Any]] = {}
            # explicit years first, so a None-year list only fills in countries not yet placed
            for year, codes in sorted(spec.members.items(), key=lambda kv: kv[0] is None):
                for code in codes.split():
                    if code not in iso:
                        raise SystemExit(f"{spec.id}: unknown country code {code}")
                    if code not in placed:
                        placed[code] = {"iso": code, "since": year} if year else {"iso": code}
                        members.append(placed[code])
            if spec.id == "OPEC_PLUS":
                for m in by_id["OPEC"]["members"]:
                    if m.get("status", "member") == "member" and "until" not in m and m["iso"] not in placed:
                        members.append({"iso": m["iso"], "since": max(2016, m.get("since") or 2016)})
        for who, since, until, status, note in spec.extra:
            assert members is not None, spec.id
            rec: dict[str, Any] = {"iso": who} if who in iso else {"name": who}
            dates = (("since", since), ("until", until), ("note", note))
            rec.update({k: v for k, v in dates if v is not None})
            if status != "member":
                rec["status"] = status
            members.append(rec)
        aliases = [*spec.aliases]
        aliases += [a for a in spec.acronyms if normalize(a) not in WORD_ACRONYMS]
        org: dict[str, Any] = {
            "id": spec.id, "name": spec.name, "short": spec.short, "qid": qid, "type": spec.type,
            "founded": spec.founded, "acronyms": list(spec.acronyms), "aliases": _uniq(aliases, spec.name),
            "members": members, "note": spec.note,
            "qid_source": spec.cited if qid is not None and qid == spec.wikidata else None,
        }
        org = {k: v for k, v in org.items() if v not in (None, []) or k == "members"}
        out.append(org)
        by_id[spec.id] = org
    return out


def build(inputs: dict[str, tuple[bytes, str]]) -> dict[str, Any]:
    """The gazetteer document from the raw bytes (and commit or hash) of each input."""
    mledoze = json.loads(inputs["mledoze"][0])
    ne_c, ne_c_version = read_ne_zip(inputs["ne_countries"][0])
    ne_p, ne_p_version = read_ne_zip(inputs["ne_places"][0])
    supra = read_supraverden(inputs["supraverden"][0].decode("utf-8"))
    countries = build_countries(mledoze, ne_c)
    places = build_places(ne_p, ne_c, countries)
    orgs = build_orgs(countries, supra)
    versions = {"ne_countries": f"Natural Earth {ne_c_version}", "ne_places": f"Natural Earth {ne_p_version}"}
    sources = [
        {"key": s.key, "repo": s.repo, "path": s.path, "commit": inputs[s.key][1],
         "sha256": hashlib.sha256(inputs[s.key][0]).hexdigest(), "licence": s.licence, "what": s.what,
         **({"version": versions[s.key]} if s.key in versions else {})}
        for s in SOURCES.values()
    ]
    meta = {
        "schema": 1,
        "licence": "ODbL-1.0 (derived from mledoze/countries); see newsgraph/data/LICENSE.md",
        "sources": sources,
        "curated": "canonical names, extra aliases and member lists in build_gazetteer.py, "
                   f"as of {MEMBERS_AS_OF}",
    }
    return {"meta": meta, "countries": countries, "places": places, "organizations": orgs}


def check(gaz: Gazetteer) -> list[str]:
    """Facts the extractor depends on; a build that breaks one must not ship."""
    problems = []
    expect_country = {"Turkish": "TR", "Türkiye's": "TR", "Turkey": "TR", "U.S.": "US", "America": "US",
                      "Britain's": "GB", "Emirati": "AE", "Russian Federation": "RU", "Gaza": "PS",
                      "Czechia": "CZ", "Ivory Coast": "CI", "DRC": "CD", "Kosovo": "XK", "Taiwan": "TW"}
    for text, code in expect_country.items():
        c = gaz.country(text)
        if c is None or c.iso2 != code:
            problems.append(f"country({text!r}) = {c and c.iso2}, expected {code}")
    for text in ("us", "who", "it", "in", "Congo", "Congolese"):
        if gaz.country(text) is not None:
            problems.append(f"country({text!r}) should be None")
    au = gaz.country("Australia")
    if au is None or any("Ashmore" in a for a in au.aliases):  # a dependency's row taken for the state
        problems.append(f"country('Australia') = {au}")
    p = gaz.place("Moscow")
    if p is None or p.country != "RU" or not p.capital:
        problems.append(f"place('Moscow') = {p}")
    brics = {m.iso2 for m in gaz.members("BRICS")}
    if "EG" not in brics or "TR" in brics:
        problems.append(f"BRICS members {sorted(x or '' for x in brics)}")
    counts = {"EU": 27, "NATO": 32, "UN": 193, "AU": 55, "ARAB_LEAGUE": 22, "OPEC": 12, "OPEC_PLUS": 22,
              "OECD": 38, "OIC": 57, "COMMONWEALTH": 56, "COE": 46, "OSCE": 57, "ASEAN": 11, "G20": 21}
    for org_id, n in counts.items():
        got = len(gaz.members(org_id))
        if got != n:
            problems.append(f"{org_id}: {got} members, expected {n}")
    return problems


def ambiguous_keys(gaz: Gazetteer) -> dict[str, list[str]]:
    """Country names shared by several countries at their best rank: reported, not an error."""
    found: dict[str, list[str]] = defaultdict(list)
    for c in gaz.countries:
        for text in (c.name, *c.aliases, *c.demonyms):
            if gaz.country(text) is None:
                found[normalize(text)].append(c.iso2)
    return {k: sorted(set(v)) for k, v in sorted(found.items())}


#: Words that join English words in a generic name ("Ministry of Defence", "Bank for Development").
_JOINERS = frozenset({"of", "the", "and", "for", "on", "in", "at", "to"})


def generic_names(bodies: list[dict[str, Any]], gaz: Gazetteer) -> list[str]:
    """The names of bodies made of English words only: one word ("Queen", "Eagles", "Duke", "GMT") or
    several ("Air Force", "Central Bank", "Ministry of Defence"). A name that names a country or
    place ("U.S. Food and Drug Administration", "Bank of England") is specific, not generic.

    Such a name in an article is more often the word, or another bearer, than the band, team or
    agency it names in the gazetteer: the linker and the extractor ask for more than the name for
    these (``Gazetteer.is_generic``). The word list is WordNet's, as shipped in the spaCy model's
    lemmatizer tables (``lemma_index``); a plural counts when its singular is listed.
    """
    import spacy

    from newsgraph.extract import DEFAULT_MODEL

    nlp = spacy.load(DEFAULT_MODEL, exclude=["parser", "ner", "tagger", "attribute_ruler", "tok2vec", "senter"])
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    english = {w for words in table.values() for w in words}

    def word(w: str) -> bool:
        return w in english or (w.endswith("s") and w[:-1] in english) or (w.endswith("es") and w[:-2] in english)

    out = set()
    for b in bodies:
        if b.get("type") == "party":
            continue
        for text in (b["name"], *b.get("aliases", ()), *b.get("acronyms", ())):
            key = normalize(text)
            words = key.split()
            if words and any(word(w) for w in words) and all(word(w) or w in _JOINERS for w in words) \
                    and not _names_a_place(words, gaz):
                out.add(key)
    return sorted(out)


def _names_a_place(words: list[str], gaz: Gazetteer) -> bool:
    """Whether some run of up to three of ``words`` is a country (name, alias or demonym) or place."""
    if len(words) < 2:
        return False
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            run = " ".join(words[i:i + n])
            if gaz.is_country_word(run) or gaz.place(run) is not None or (n == 1 and gaz.is_country_word(run.upper())):
                return True  # the last test for "U.S.", folded to "us"
    return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror-dir", type=Path, help="folder of fetched snapshots (<owner>+<name>/repo)")
    for key in SOURCES:
        ap.add_argument(f"--{key.replace('_', '-')}", type=Path, help=f"explicit path of {SOURCES[key].path}")
    ap.add_argument("--out", type=Path, default=OUT_DEFAULT)
    args = ap.parse_args(argv)

    inputs: dict[str, tuple[bytes, str]] = {}
    for key, src in SOURCES.items():
        explicit = getattr(args, key)
        if explicit is not None:
            inputs[key] = (explicit.read_bytes(), "local file")
        elif args.mirror_dir is not None:
            inputs[key] = read_from_mirror(args.mirror_dir, src)
        else:
            ap.error(f"give --mirror-dir or --{key.replace('_', '-')}")

    doc = build(inputs)
    if args.mirror_dir is not None:
        import officeholders

        persons, positions, people_sources = officeholders.build(args.mirror_dir, doc["countries"])
        doc["persons"], doc["positions"] = persons, positions
        doc["meta"]["sources"] += people_sources
        import bodies

        parties, body_sources = bodies.build(args.mirror_dir, doc["countries"])
        if parties:
            doc["bodies"] = parties
            doc["meta"]["sources"] += body_sources
        import notables

        doc["bodies"], doc["persons"], notable_sources = notables.build(args.mirror_dir, doc)
        doc["meta"]["sources"] += notable_sources
    gaz = Gazetteer(doc)
    if args.mirror_dir is not None:
        doc["generic"] = generic_names(doc["bodies"], gaz)  # the checks below do not read it
    problems = check(gaz)
    for k, v in ambiguous_keys(gaz).items():
        print(f"ambiguous: {k!r} -> {', '.join(v)}", file=sys.stderr)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    from newsgraph.link.gazetteer import add_keys, encode

    data = encode(add_keys(doc), args.out)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes): {gaz.stats()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
