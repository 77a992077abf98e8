"""Notable organizations and persons for the gazetteer, from public Wikidata-keyed lists. Stdlib only.

Why: the linker could name office holders and parties only; news is as much about companies, media,
universities, agencies, clubs, famous people and athletes. Each source below is a public table that
already pairs a name with a Wikidata QID, so every QID here is read from a file, never typed by hand:

* ``villmow/datasets_knowledge_embedding`` ``FB15k-237/entity2wikidata.json`` (MIT; labels,
  aliases and descriptions are Wikidata's, CC0): 14,500 well-known entities. Persons are told apart
  from organizations and from films, places and concepts by ``tsafavi/codex``
  ``data/types/entity2types.json`` (MIT; Wikidata types, read by their English labels: "human") where
  it has the item, else by the head of the description ("American actor", "British public service
  broadcaster");
* ``ror-community/ror-records`` (ROR data CC0): research organizations, universities, hospitals,
  agencies and companies, per release; the latest version of each active record with a QID;
* ``govdirectory/website`` (CC0), branch ``gh-pages``: the government agencies of each country;
* ``osmlab/name-suggestion-index`` (BSD-3-Clause): brands, operators and transit networks;
* ``hearvox/wiki-media-cred`` (CC0) ``data/wikipedia-us-newspapers.tsv``: US newspapers;
* ``searxng/searxng`` (AGPL code; only facts are taken): the ``about`` QID and website of each
  search engine, named where the engine's name is the site's own;
* ``tom-james-watson/wikitrivia`` (MIT; rows are Wikidata query results, CC0): famous people, office
  holders and companies, media, clubs with their Wikidata sitelinks;
* ``withqwerty/reep`` (CC0) ``data/teams.csv``: football clubs;
* ``chadwickbureau/register`` (ODC-By 1.0: attribution required) ``data/people-*.csv``: baseball
  people with a QID.

A wrong name-QID pair makes a wrong link, so names are filtered rather than multiplied: labels that
are a bare QID, a single letter, a country's name or one plain English word ("Target", "The Star",
"Union", see :data:`GENERIC_WORDS`) are not kept as names from the registries (a famous list's own
label is kept: it is what the name usually means); an alias has to be a plausible name of its
entity (see :func:`plausible_alias`: not a nickname like "Big Blue") and one that no other entity
of the section also claims. Bodies that are already parties (Party Facts), blocs, countries or
places are left to those sections.

The result is two sections. ``bodies`` gets one record per QID: ``qid``, ``name``, ``type``
("company", "media", "government", "education", "research", "nonprofit", "health", "sports-team",
"other"), ``countries`` (ISO alpha-2), ``aliases``, ``acronyms`` (case-exact), ``until``, ``pop``
(Wikidata sitelinks where a source gives them), ``src`` (source tags) and ``desc``; what several
sources say of one QID is merged (the most common clean label is the name). ``persons`` gets
``qid``, ``name``, ``country``, ``aliases``, ``held`` ([]), ``desc``, ``domain`` (the field of a
one-field registry: "baseball"), ``famous`` (from a general notability list) and ``pop``; an office
holder already there gets ``desc``, ``famous``, ``pop`` and ``domain`` added instead of a twin. As in
the file's other records, a field that is null, empty or false is left out (see :func:`compact`).
"""

from __future__ import annotations

import ast
import csv
import hashlib
import html
import io
import json
import re
import subprocess
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from newsgraph.link.gazetteer import Gazetteer, acronym_key, normalize
from newsgraph.link.gazetteer import core_name as core
from officeholders import Mirror

#: Body types the ``bodies`` section knows besides "party".
BODY_TYPES = ("company", "media", "government", "education", "research", "nonprofit", "health", "sports-team",
              "other")

# --------------------------------------------------------------------------------------------------
# Small hand-made word lists. None carries a QID; each says why it exists.
# --------------------------------------------------------------------------------------------------

#: Plain English words that registries use as whole names ("Target", "Next", "The Times", "Union"):
#: as the only name of a brand, paper or club they would link ordinary words, and a small paper
#: called "The Star" would take every mention of another. A one-word name that is one of these
#: ("the" aside) is dropped when a registry gives it; a famous list's own label is kept. Longer
#: names are kept: "Home Office" and "Capital One" are specific although each word is plain.
GENERIC_WORDS = frozenset("""
new old big little great grand good best better first second third one two three four five six seven ten
north south east west northern southern eastern western central national international global world
united union federal royal general public private free independent liberal social popular people peoples
city town county state country village metro metropolitan urban rural local regional community district
daily weekly evening morning sunday saturday monday times post news herald tribune journal star stars sun
record press gazette courier chronicle standard observer guardian mirror express mail telegraph globe
sentinel examiner register leader citizen republic republican democrat review advocate enterprise reporter
bulletin dispatch monitor echo argus pilot eagle banner beacon ledger messenger progress voice today
telegram inquirer enquirer week weekend spirit signal clarion item appeal shopper current reminder recorder
transcript advertiser mercury
target next shell apple subway total boots gap coach guess orange fossil gallery office depot
home house land hall garden park lake river bay beach sea ocean island islands mountain valley field forest
energy power oil gas water light fire air sky cloud rain snow wind sound music media film pictures games
bank trust capital credit finance money fund savings insurance
market shop store mart stores supermarket pharmacy bakery coffee cafe bar pub grill kitchen pizza burger
food foods fresh farm market organic health care medical clinic hospital doctor dental vision
sport sports athletic athletics club fc team united rovers wanderers rangers city academy
school college university institute center centre library museum church
auto cars car motors motor bus transit rail train metro taxi cab express
tech technology systems solutions services service group holdings company corporation partners
global alliance network networks link connect net web online digital mobile phone
red blue green black white yellow gold golden silver orange pink purple brown grey gray
life love hope faith joy peace victory freedom liberty justice unity harmony glory pride
king queen prince princess crown empire kingdom crown lord lady
family friends kids baby children mother father brothers sisters
time times day night spring summer autumn fall winter
element elements nature natural pure simple smart quick fast easy direct prime plus max pro one
""".split())

#: Demonyms and names of the United Kingdom's home nations, which the gazetteer (rightly) does not
#: make countries of: an "English actor" or a club of "England" is of the United Kingdom.
HOME_NATIONS = {"english": "United Kingdom", "scottish": "United Kingdom", "welsh": "United Kingdom",
                "northern irish": "United Kingdom", "england": "United Kingdom", "scotland": "United Kingdom",
                "wales": "United Kingdom", "northern ireland": "United Kingdom"}

#: Country names that descriptions also use for a US state ("university in Atlanta, Georgia"): a
#: description ending in one says nothing certain about the country.
US_STATE_COUNTRIES = frozenset({"georgia"})

#: Words of a corporate or institutional form, ignored when checking that an alias shares a word
#: with its label ("Microsoft Corporation" for "Microsoft" shares "microsoft", not "corporation").
FORM_WORDS = frozenset("""
the of and a an inc incorporated corp corporation co company ltd limited plc llc lp ag sa se nv bv gmbh
group holdings holding university college school institute club football fc afc cf sc ac team
""".split())

# --------------------------------------------------------------------------------------------------
# Snapshot access
# --------------------------------------------------------------------------------------------------


class Snapshot(Mirror):
    """A :class:`Mirror` that also reads snapshots fetched as clones (``repo/.git``), another branch
    (govdirectory publishes on ``gh-pages``), and thousands of files per git call (ROR has 100,000)."""

    def __init__(self, mirror: Path, repo: str, ref: str = "HEAD") -> None:
        super().__init__(mirror, repo)
        if (self.git_dir / ".git").is_dir():
            self.git_dir = self.git_dir / ".git"
        self.ref = ref
        self.missing: list[str] = []

    def commit(self) -> str:
        return self._git("rev-parse", self.ref).decode().strip()

    def files(self, prefix: str) -> list[str]:
        """Paths of the files under ``prefix`` at ``ref``, sorted."""
        out = self._git("ls-tree", "-r", "--name-only", self.ref, "--", prefix).decode("utf-8")
        return sorted(p for p in out.splitlines() if p)

    def text(self, path: str) -> str | None:
        return self.texts([path]).get(path)

    def texts(self, paths: Iterable[str]) -> dict[str, str]:
        """Path -> text for every path that the snapshot holds (a file too large for the snapshot
        is listed but absent: it is recorded in ``missing``, not an error)."""
        paths = list(paths)
        if not paths:
            return {}
        query = "".join(f"{self.ref}:{p}\n" for p in paths).encode("utf-8")
        raw = subprocess.run(["git", f"--git-dir={self.git_dir}", "cat-file", "--batch"], input=query,
                             check=True, capture_output=True).stdout
        out: dict[str, str] = {}
        pos = 0
        for path in paths:
            end = raw.index(b"\n", pos)
            header = raw[pos:end].split()
            pos = end + 1
            if header[-1] == b"missing":
                self.missing.append(path)
                continue
            size = int(header[2])
            blob = raw[pos:pos + size]
            pos += size + 1
            self.hashes[path] = hashlib.sha256(blob).hexdigest()
            out[path] = blob.decode("utf-8")
        return out

    def source(self, key: str, licence: str, what: str, path: str | None = None) -> dict[str, Any]:
        """The ``meta.sources`` record: commit, and one SHA-256 over the hashes of every file read."""
        digest = hashlib.sha256("".join(f"{p}:{h}\n" for p, h in sorted(self.hashes.items())).encode()).hexdigest()
        rec = {"key": key, "repo": self.repo, "path": path or ", ".join(sorted(self.hashes)), "commit": self.commit(),
               "sha256": digest, "licence": licence, "what": what}
        if self.ref != "HEAD":
            rec["ref"] = self.ref
        if self.missing:
            rec["missing"] = sorted(self.missing)
        return rec


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------

_QID = re.compile(r"Q[1-9][0-9]*")
_ACRONYM = re.compile(r"[A-Z0-9][A-Za-z0-9&.\-]{1,9}")
_YEARS = re.compile(r"\(\s*(?:c\.\s*)?\d{3,4}\s*[–-]\s*(?:c\.\s*)?\d{0,4}\s*\)|\bborn \d{4}|\(b\.\s*\d{4}\)")
_PAREN_TAIL = re.compile(r"\s*\(([^()]*)\)\s*$")


def qid_of(value: str | None) -> str | None:
    """The QID in a bare id or an entity URI ("http://www.wikidata.org/entity/Q42"), else None."""
    v = (value or "").strip().rstrip("/").rsplit("/", 1)[-1]
    return v if _QID.fullmatch(v) else None


def _latin(text: str) -> bool:
    """Whether every letter of ``text`` is Latin: other scripts are no help to an English linker."""
    if text.isascii():  # most names, and a third of the build's time if checked letter by letter
        return any(ch.isalpha() for ch in text)
    return any(ch.isalpha() for ch in text) and all(
        not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def is_acronym(text: str) -> bool:
    """A short form matched case-exactly: one token of at least two capitals and no more lower-case
    letters than capitals ("BBC", "AfD", "USyd"; not "3M", "T-Mobile", "Gore-Tex")."""
    t = text.strip()
    if not _ACRONYM.fullmatch(t):
        return False
    upper, lower = sum(ch.isupper() for ch in t), sum(ch.islower() for ch in t)
    return upper >= 2 and lower <= upper and acronym_key(t) is not None


def generic(text: str) -> bool:
    """Whether ``text`` is one of :data:`GENERIC_WORDS`, "the" aside ("The Star", "Union", "Target")."""
    words = [w for w in normalize(text).split() if w not in ("the", "a", "an")]
    return len(words) <= 1 and (not words or words[0] in GENERIC_WORDS)


def usable_name(text: str | None) -> bool:
    """A label worth indexing: not empty, not a bare QID, Latin script, at least three characters
    (two if all capitals: "BP", "3M")."""
    t = (text or "").strip()
    if not t or _QID.fullmatch(t) or not _latin(t):
        return False
    key = normalize(t)
    return len(key) >= 3 or (len(key) == 2 and t.upper() == t and any(ch.isalpha() for ch in t))


def _tokens(text: str) -> set[str]:
    return {w for w in normalize(text).split() if w not in FORM_WORDS and len(w) >= 2}


def surname(label: str) -> str:
    """The last word of a person's label that is not a suffix: "Harry Connick, Jr." -> "connick"."""
    words = [w for w in normalize(label).split() if w not in ("jr", "sr", "ii", "iii", "iv")]
    return words[-1] if words else ""


def _initials(text: str) -> str:
    return "".join(w[0] for w in normalize(text).split() if w not in ("of", "and", "the", "for", "de"))


def plausible_alias(alias: str, label: str, *, person: bool) -> bool:
    """Whether ``alias`` reads as another name of the entity labelled ``label``.

    Kept: a longer or shorter form sharing a word with the label, or its leading word alone ("Harvard"
    for "Harvard University", not "University"), or the spelled-out form of an acronym label
    ("International Business Machines" for "IBM"); for a person, a full name with the label's surname
    ("William Jefferson Clinton"). Dropped: nicknames and epithets ("Big Blue", "The King of Pop",
    "Slowhand"), lower-case words ("apple"), a person's other names ("David Jones" for David Bowie:
    another man's name far more often than his) and one-word forms (the linker wants a full name;
    "Obama" alone is the surname index's job).
    """
    a = alias.strip()
    if not usable_name(a) or a == a.lower() or normalize(a) == normalize(label):
        return False
    words = normalize(a).split()
    if person:
        return len(words) >= 2 and surname(label) in words
    if generic(a):
        return False
    if len(words) == 1:  # the label's leading word only: "Harvard", "Barcelona"; not "Machines"
        lead = [w for w in normalize(label).split() if w not in FORM_WORDS]
        return bool(lead) and words[0] == lead[0]
    if _tokens(a) & _tokens(label):
        return True
    compact = normalize(label).replace(" ", "")
    return len(words) >= 2 and _initials(a) == compact


def strip_note(name: str, drop: Callable[[str], bool]) -> str:
    """``name`` without a trailing parenthesised note that ``drop`` accepts ("L'Oréal (France)")."""
    m = _PAREN_TAIL.search(name)
    if m and drop(m.group(1)):
        return name[: m.start()].strip()
    return name.strip()


class Countries:
    """Country look-ups through the gazetteer being built: names and demonyms to ISO alpha-2."""

    def __init__(self, countries: Iterable[Mapping[str, Any]]) -> None:
        self.gaz = Gazetteer({"countries": list(countries)})
        self.iso = {c.iso2 for c in self.gaz.countries}

    def __call__(self, text: str | None) -> str | None:
        """The country ``text`` names ("American", "United Kingdom", "England"), None if none or several."""
        t = (text or "").strip()
        if not t:
            return None
        t = HOME_NATIONS.get(normalize(t), t)
        c = self.gaz.country(t)
        return c.iso2 if c else None

    def is_word(self, text: str) -> bool:
        """Whether ``text`` names or qualifies some country: not a name for a body or person."""
        return self.gaz.is_country_word(text) or normalize(text) in HOME_NATIONS

    def leading(self, desc: str | None) -> str | None:
        """The country of the demonym among a description's first words, when there is exactly one:
        "American actor", "professional Italian football club" -> US, IT; "Hungarian-born British
        producer", "German-American writer", "Mexican and American musician" -> None.

        A run of capitalised words counts as one phrase ("South African", "New Zealand"); a run that
        is no country counts only if each of its words is one ("British Indian": two countries, None),
        so "New Jersey" never becomes Jersey."""
        words = re.sub(r"\([^)]*\)", " ", desc or "").replace(",", " , ").split()[:5]
        if any("-" in w and w[:1].isupper() for w in words):  # "German-American", "Hungarian-born"
            return None
        found: set[str] = set()
        run: list[str] = []
        for w in [*words, ""]:
            if w[:1].isupper():
                run.append(w)
                continue
            if run:
                whole = self(" ".join(run))
                each = [self(x) for x in run] if whole is None and len(run) > 1 else []
                if whole:
                    found.add(whole)
                elif each and None not in each:
                    found.update(c for c in each if c)
                run = []
        return next(iter(found)) if len(found) == 1 else None

    def trailing(self, desc: str | None) -> str | None:
        """The country a description ends with: "football club in Barcelona, Catalonia, Spain" -> ES."""
        d = re.sub(r"\([^)]*\)", "", desc or "").strip().rstrip(".")
        if not d:
            return None
        last = re.split(r",| in | of | from ", d)[-1].strip()
        if not last[:1].isupper() or normalize(last) in US_STATE_COUNTRIES:
            return None
        return self(last)

    def code(self, text: str) -> str | None:
        """ISO alpha-2 from a two-letter code or a subdivision code ("us", "gb-eng", "us-ny.geojson")."""
        head = text.strip().lower().split(".", 1)[0].split("-", 1)[0].upper()
        return head if len(head) == 2 and head in self.iso else None


# --------------------------------------------------------------------------------------------------
# Candidates: what one source says of one QID. Merged per QID by :func:`merge_bodies`.
# --------------------------------------------------------------------------------------------------


def body(qid: str, name: str, type_: str, src: str, *, aliases: Iterable[str] = (), acronyms: Iterable[str] = (),
         countries: Iterable[str] = (), pop: int | None = None, desc: str | None = None,
         until: int | None = None) -> dict[str, Any]:
    """One source's candidate for the ``bodies`` section."""
    assert type_ in BODY_TYPES, type_
    return {"qid": qid, "name": name.strip(), "type": type_, "src": src, "aliases": [a.strip() for a in aliases],
            "acronyms": [a.strip() for a in acronyms], "countries": [c for c in countries if c], "pop": pop,
            "desc": desc or None, "until": until}


def person(qid: str, name: str, src: str, *, aliases: Iterable[str] = (), country: str | None = None,
           desc: str | None = None, domain: str | None = None, famous: bool = False,
           pop: int | None = None) -> dict[str, Any]:
    """One source's candidate for the ``persons`` section."""
    return {"qid": qid, "name": name.strip(), "src": src, "aliases": [a.strip() for a in aliases],
            "country": country, "desc": desc or None, "domain": domain, "famous": famous, "pop": pop}


def _int(value: Any) -> int | None:
    s = str(value or "").strip()
    return int(s) if s.isdigit() else None


# -- FB15k-237 ---------------------------------------------------------------------------------------

#: Wikidata type QIDs that CoDEx gives, as read from its ``types.json`` labels (never typed as QIDs):
#: a type whose English label is one of these classifies the entity.
CODEX_LABELS = {
    "human": "person",
    "university": "education", "public university": "education", "private university": "education",
    "research university": "education", "public research university": "education",
    "higher education institution": "education", "college": "education", "liberal arts college": "education",
    "law school": "education", "land-grant university": "education",
    "private not-for-profit educational institution": "education",
    "public educational institution of the United States": "education",
    "association football club": "sports-team", "sports club": "sports-team",
    "national association football team": "sports-team", "sports team": "sports-team",
    "record label": "company", "business": "company", "enterprise": "company", "company": "company",
    "public company": "company", "airline": "company", "video game developer": "company",
    "video game publisher": "company", "film production company": "company", "publisher": "media",
    "newspaper": "media", "television channel": "media", "television network": "media",
    "radio station": "media", "broadcaster": "media", "magazine": "media", "news agency": "media",
    "musical group": "other", "band": "other", "rock band": "other",
    "political party": "party",
}

#: Head nouns of a description that make an entity a person ("American actor", "English footballer").
PERSON_HEADS = frozenset("""
actor actress singer songwriter singer-songwriter musician composer producer director writer author novelist
poet playwright screenwriter comedian comedienne politician statesman stateswoman footballer player athlete
cinematographer editor designer engineer artist painter sculptor photographer journalist businessman
businesswoman entrepreneur executive lawyer judge jurist scientist physicist chemist biologist mathematician
economist philosopher historian model dancer rapper guitarist pianist drummer bassist violinist cellist
conductor lyricist librettist filmmaker animator cartoonist illustrator presenter host personality activist
coach boxer wrestler golfer cyclist swimmer skater sprinter officer general admiral soldier astronaut inventor
architect critic dj vocalist frontman socialite chef choreographer stuntman decorator monarch emperor empress
pope bishop priest rabbi theologian explorer diplomat novelist essayist anchor newscaster commentator
broadcaster-journalist impressionist ventriloquist magician illusionist tenor soprano baritone mezzo-soprano
""".split())

#: Words of an organization's label that a person's never has ("Sony Pictures", "Def Jam Records").
ORG_LABEL_WORDS = frozenset("records studios entertainment pictures films media band orchestra games software "
                            "network channel airlines bank".split())

#: Description phrases that classify an organization, tried in order (the first match wins).
ORG_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((t, re.compile(p)) for t, p in (
    ("party", r"\bpolitical party\b"),
    ("skip", r"\b(film|movie|series|sitcom|album|song|single|novel|book|award|prize|ceremony|edition|genre|"
             r"game show|talk show|soap opera|programme|program|episode|festival|tournament|championship|"
             r"season|conference|stadium|arena|building|museum|church|cathedral|position|title|"
             r"character|brand of|product|model|software|website|video game|media franchise)\b"),
    ("sports-team", r"\b(football club|soccer club|sports club|rugby (union |league )?club|cricket club|"
                    r"(football|soccer|basketball|baseball|hockey|rugby|cricket|volleyball) team|"
                    r"(league|nfl|nba|nhl|mlb|sports|football|basketball|baseball|hockey) franchise|"
                    r"racing team|national team|association football club)\b"),
    ("media", r"\b(newspaper|magazine|news agency|broadcaster|broadcasting (company|corporation)|"
              r"(television|tv|radio|cable|news) (network|channel|station)|media (company|conglomerate|group)|"
              r"publishing house|book publisher|comic book publisher|manga publisher|news website)\b"),
    ("education", r"\b(university|college|school|academy|conservatory|seminary|polytechnic)\b"),
    ("health", r"\b(hospital|medical cent(er|re)|clinic)\b"),
    ("research", r"\b(laboratory|observatory|research (cent(er|re)|institute|organi[sz]ation)|think tank)\b"),
    ("government", r"\b(government (agency|department|body|organi[sz]ation)|federal agency|intelligence "
                   r"(agency|service)|space agency|ministry|armed forces|army|navy|air force|police|"
                   r"law enforcement|executive department|legislature|parliament)\b"),
    ("nonprofit", r"\b(non-?profit|charity|charitable|foundation|non-governmental|ngo|trade union|labor union|"
                  r"labour union|governing body|professional association|learned society)\b"),
    ("company", r"\b(company|corporation|conglomerate|manufacturer|automaker|airline|bank|retailer|"
                r"restaurant chain|chain|record label|film studio|studio|firm|enterprise|distributor|carrier|"
                r"holding|business|video game (developer|publisher)|game developer|brewery|publisher)\b"),
    ("other", r"\b(band|musical group|music group|duo|trio|quartet|orchestra|choir|girl group|boy band)\b"),
))


def _head_segment(desc: str) -> str:
    """The first item of a description's list, without its qualifiers: "American pianist, composer and
    producer" -> "American pianist"; "president of the United States from 1981" -> "president"."""
    d = _YEARS.sub("", desc).strip()
    d = re.split(r",|;| and | & ", d, maxsplit=1)[0]
    return re.split(r" (?:of|in|from|for|at|with|based|known|who|best|born|during|on) ", d, maxsplit=1)[0].strip()


def classify_fb15k(label: str, desc: str, types: Iterable[str]) -> str | None:
    """"person", a body type, "party", or None (films, places, works, concepts: skipped).

    ``types`` are the English labels of the entity's CoDEx (Wikidata) types. A person needs the type
    "human", or a description whose first item ends in an occupation and a label of two words or
    more; organizations are classified by their description, then by their types.
    """
    kinds = [CODEX_LABELS[t] for t in types if t in CODEX_LABELS]
    if "person" in kinds:
        return "person"
    d = (desc or "").strip()
    low = d.lower()
    if "fictional" in low:
        return None
    if d and not kinds:
        head = _head_segment(low)
        words = label.split()
        if head and head.split()[-1] in PERSON_HEADS and not any(p.search(head) for _, p in ORG_PATTERNS) \
                and len(words) >= 2 and all(w[:1].isupper() for w in words if len(w) > 3) \
                and not {normalize(w) for w in words} & (FORM_WORDS | ORG_LABEL_WORDS):
            return "person"
    if not label[:1].isupper() and not label[:1].isdigit():
        return None  # "investment bank", "independent school (UK)": concepts, not names
    for t, p in ORG_PATTERNS:
        if p.search(_head_segment(low)) or (t != "skip" and p.search(low.split(" in ")[0].split(" based")[0])):
            return None if t == "skip" else t
    return next((k for k in kinds if k != "person"), None)


def read_fb15k(text: str, types: Mapping[str, list[str]], type_labels: Mapping[str, str],
               countries: Countries) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(body candidates, person candidates) from ``entity2wikidata.json``.

    ``types`` is CoDEx's QID -> type QIDs and ``type_labels`` its type QID -> English label. Aliases
    that several entities share ("Red Devils", "The Boss") are dropped here, before merging.
    """
    data = json.loads(text)
    owners: dict[str, set[str]] = defaultdict(set)
    for rec in data.values():
        q = qid_of(rec.get("wikidata_id"))
        for a in [rec.get("label") or "", *(rec.get("alternatives") or ())]:
            if q and a:
                owners[normalize(a)].add(q)
    bodies: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    for fb in sorted(data):
        rec = data[fb]
        qid, label = qid_of(rec.get("wikidata_id")), (rec.get("label") or "").strip()
        if not qid or not usable_name(label):
            continue
        desc = (rec.get("description") or "").strip() or None
        kind = classify_fb15k(label, desc or "", [type_labels.get(t, "") for t in types.get(qid, ())])
        if kind is None or kind == "party":
            continue
        alts = [a for a in dict.fromkeys(rec.get("alternatives") or ()) if a and owners[normalize(a)] == {qid}]
        if kind == "person":
            aliases = [a for a in alts if plausible_alias(a, label, person=True)]
            persons.append(person(qid, label, "fb15k", aliases=aliases, country=countries.leading(desc), desc=desc,
                                  famous=True))
            continue
        acronyms = [a for a in alts if is_acronym(a)]
        acronyms += [label] if is_acronym(label) else []
        aliases = [a for a in alts if not is_acronym(a) and plausible_alias(a, label, person=False)]
        aliases += [c] if (c := core(label)) else []
        iso = countries.leading(desc) or countries.trailing(desc)
        bodies.append(body(qid, label, kind, "fb15k", aliases=aliases, acronyms=acronyms,
                           countries=[iso] if iso else [], desc=desc))
    return bodies, persons


# -- ROR -----------------------------------------------------------------------------------------------

#: ROR organization types, best first: an organization typed ["education", "funder"] is a university.
ROR_TYPES = (("education", "education"), ("healthcare", "health"), ("government", "government"),
             ("company", "company"), ("nonprofit", "nonprofit"), ("facility", "research"), ("archive", "other"),
             ("funder", "nonprofit"), ("other", "other"))


def ror_release(path: str) -> tuple[tuple[int, ...], int]:
    """Sort key of a record file: release number, then the v2 file over the release's ``v1/`` copy."""
    parts = path.split("/")
    version = tuple(int(x) for x in parts[0].lstrip("v").split(".") if x.isdigit())
    return version, 0 if len(parts) > 2 else 1


def latest_ror(paths: Iterable[str]) -> dict[str, str]:
    """ROR id -> path of its latest record among release folders ``vX.Y[/v1]/<id>.json``."""
    best: dict[str, str] = {}
    for p in paths:
        if not p.endswith(".json") or not p.startswith("v"):
            continue
        rid = p.rsplit("/", 1)[-1][:-5]
        if rid not in best or ror_release(p) > ror_release(best[rid]):
            best[rid] = p
    return best


def _ror_wikidata(rec: Mapping[str, Any]) -> str | None:
    ext = rec.get("external_ids") or ()
    if isinstance(ext, Mapping):  # schema v1: {"Wikidata": {"preferred": ..., "all": [...]}}
        wd = next((v for k, v in ext.items() if k.lower() == "wikidata"), None)
    else:  # schema v2: [{"type": "wikidata", "preferred": ..., "all": [...]}]
        wd = next((e for e in ext if (e.get("type") or "").lower() == "wikidata"), None)
    if not wd:
        return None
    allq = wd.get("all") or []
    allq = [allq] if isinstance(allq, str) else allq
    if wd.get("preferred"):
        return qid_of(wd["preferred"])
    return qid_of(allq[0]) if len(allq) == 1 else None


def read_ror(rec: Mapping[str, Any], countries: Countries) -> dict[str, Any] | None:
    """A body candidate from one ROR record (schema v1 or v2), or None: inactive, no single QID, or
    no usable name. " (Country)" notes that ROR adds to company names are stripped."""
    if rec.get("status") != "active":
        return None
    qid = _ror_wikidata(rec)
    if not qid:
        return None
    rtypes = {str(t).lower() for t in rec.get("types") or ()}
    type_ = next((t for k, t in ROR_TYPES if k in rtypes), "other")
    if isinstance(rec.get("names"), list):  # v2
        names = rec["names"]
        display = next((n["value"] for n in names if "ror_display" in n.get("types", ())), "")
        en = next((n["value"] for n in names if "label" in n.get("types", ()) and n.get("lang") == "en"), None)
        name = en or display
        others = [n["value"] for n in names if "label" in n.get("types", ()) or "ror_display" in n.get("types", ())]
        others += [n["value"] for n in names if "alias" in n.get("types", ()) and n.get("lang") in ("en", None)]
        acronyms = [n["value"] for n in names if "acronym" in n.get("types", ())]
        iso = [(loc.get("geonames_details") or {}).get("country_code") for loc in rec.get("locations") or ()]
    else:  # v1
        name = rec.get("name") or ""
        others = [*(lab.get("label", "") for lab in rec.get("labels") or ()), *(rec.get("aliases") or ())]
        acronyms = list(rec.get("acronyms") or ())
        iso = [(rec.get("country") or {}).get("country_code")]
    codes = sorted({c.upper() for c in iso if c and c.upper() in countries.iso})
    full = name.strip()
    name = strip_note(full, lambda note: countries(note) is not None)
    if not usable_name(name):
        return None
    aliases = [strip_note(a, lambda note: countries(note) is not None) for a in others]
    rec = body(qid, name, type_, "ror", aliases=aliases, acronyms=[a for a in acronyms if is_acronym(a)],
               countries=codes)
    if full != name:
        rec["full"] = full  # "IBM (Germany)": taken back if another item is plain "IBM" (see merge_bodies)
    return rec


# -- Government directory ------------------------------------------------------------------------------

_GOV_ROW = re.compile(r'<tr>(.*?)</tr>', re.S)
_GOV_CELL = re.compile(r'<td(?: lang="([\w-]+)")?>(.*?)</td>', re.S)
_GOV_LINK = re.compile(r'^<a href="(Q\d+)/">(.*?)</a>$', re.S)

#: Row kinds of a country page that are territories, not agencies: the QID is the municipality, state
#: or district itself ("Bavaria", "municipality of Austria"), a place rather than a body.
GOV_TERRITORIES = re.compile(
    r"\b(municipalit(y|ies)|kmetstvo|suco|regency|district(?! court)|province|region|state of|federated state|"
    r"canton|oblast|prefecture|county|city|cities|town(?! council)|village|commune|inkhundla|"
    r"administrative post|territorial authority|emergency zone|department of (peru|uruguay)|"
    r"administrative structure|administrative division|local administration|island|parish|barangay|"
    r"autonomous community|voivodeship|governorate|emirate|territory)\b", re.I)


def read_govdirectory(page: str, iso2: str | None) -> list[dict[str, Any]]:
    """Government body candidates from one country page (``<country>/index.html``): each table row's
    English (or multilingual) label and QID; territorial units are skipped."""
    out = []
    for row in _GOV_ROW.findall(page):
        cells = _GOV_CELL.findall(row)
        link = _GOV_LINK.match(cells[0][1].strip()) if len(cells) == 3 else None
        if link is None:
            continue
        lang, (qid, raw_name), raw_kind = cells[0][0], link.groups(), cells[2][1]
        name, kind = html.unescape(raw_name).strip(), html.unescape(raw_kind).strip()
        if lang not in ("en", "mul") or "<" in name or "<" in kind or GOV_TERRITORIES.search(kind):
            continue
        out.append(body(qid, name, "government", "govdir", countries=[iso2] if iso2 else [], desc=kind or None))
    return out


# -- Name Suggestion Index -----------------------------------------------------------------------------

#: NSI category (file path under ``data/``, without ``.json``) prefixes -> body type; longest wins.
NSI_TYPES = {
    "brands": "company",
    "brands/amenity/university": "education", "brands/amenity/college": "education",
    "operators": "other",
    "operators/office/government": "government", "operators/amenity/police": "government",
    "operators/amenity/courthouse": "government", "operators/amenity/townhall": "government",
    "operators/amenity/fire_station": "government", "operators/amenity/prison": "government",
    "operators/boundary": "government",
    "operators/amenity/university": "education", "operators/amenity/college": "education",
    "operators/amenity/school": "education", "operators/amenity/kindergarten": "education",
    "operators/amenity/hospital": "health", "operators/amenity/clinic": "health", "operators/healthcare": "health",
    "operators/power": "company", "operators/telecom": "company", "operators/pipeline": "company",
    "operators/advertising": "company", "operators/shop": "company", "operators/amenity/fuel": "company",
    "operators/amenity/bank": "company", "operators/amenity/charging_station": "company",
    "operators/amenity/post_office": "company", "operators/amenity/vending_machine": "company",
    "transit": "company",
}


#: An operator named like a public authority is one, whatever it operates ("City of Rancho
#: Cucamonga" runs parks, "Texas Department of Transportation" roads, "Ville de Pau" car parks).
NSI_PUBLIC = re.compile(
    r"^(City|Town|Township|County|Borough|Village|Municipality|District|Province|State|Commonwealth|"
    r"Government|Ville|Commune|Comune|Gemeinde|Stadt|Landkreis|Kommune|Municipio|Municipalidad|Prefeitura|"
    r"Ayuntamiento|Concello|Gmina|Miasto|Mairie|Provincia|Regione|Region) (of |de |di |du |do |da )?|"
    r"\b(Department|Ministry|Ministerio|Ministère|Ministério|Agency|Authority|Police|Politie|Polizei|Policía|"
    r"Bundesamt|Council|Government|Gobierno|Directorate|Commission)\b")


#: Words that a school operator's name has when it is a school board or trust ("Coppell Independent
#: School District", "Outwood Grange Academies Trust"); without one it is a town's or a diocese's name
#: ("Silago District", "Archdiocese of Chicago"), which would link the place or the church.
NSI_SCHOOL_WORDS = re.compile(r"\b(schools?|academ(y|ies)|education(al)?|colleges?|board|trust|learning|ISD|USD)\b",
                              re.I)


def _nsi_type(category: str, name: str = "") -> str:
    """The body type of an NSI item: by its category, an operator's by its name when public."""
    if category.startswith("operators/") and NSI_PUBLIC.search(name):
        return "government"
    keys = [k for k in NSI_TYPES if category == k or category.startswith(k + "/")]
    return NSI_TYPES[max(keys, key=len)] if keys else "company"


def read_nsi(text: str, category: str, countries: Countries) -> list[dict[str, Any]]:
    """Body candidates from one NSI file: for each ``brand``, ``operator`` or ``network`` with a
    ``*:wikidata`` tag, its name (and English name, short form, alternative name); the item's display
    name and match names belong to its main tag. Countries are the ``locationSet`` codes."""
    out = []
    for item in json.loads(text).get("items", ()):
        tags = item.get("tags") or {}
        keys = [k for k in ("brand", "operator", "network") if qid_of(tags.get(f"{k}:wikidata"))]
        if not keys:
            continue
        display = (item.get("displayName") or "").strip()
        main = next((k for k in keys if tags.get(k) == display), keys[0])
        loc = (item.get("locationSet") or {}).get("include") or ()
        codes = sorted({c for x in loc if isinstance(x, str) and (c := countries.code(x))})
        for k in keys:
            qid = qid_of(tags[f"{k}:wikidata"])
            assert qid is not None
            names = [tags.get(f"{k}:en", ""), tags.get(k, "")]
            if k == main:
                names += [display, tags.get("name:en", "") if tags.get("name") == tags.get(k) else ""]
                names += [tags.get("official_name:en", ""), tags.get("alt_name", "")]
                names += [m for m in item.get("matchNames") or () if len(m.split()) >= 2]
            names = [n.strip() for n in names if n and n.strip()]
            name = next((n for n in names if usable_name(n)), None)
            if name is None or (category.startswith(("operators/amenity/school", "operators/amenity/kindergarten"))
                                and not NSI_SCHOOL_WORDS.search(name)):
                continue
            shorts = [s for s in (tags.get(f"{k}:short", ""), *(n for n in names if is_acronym(n))) if is_acronym(s)]
            out.append(body(qid, name, _nsi_type(category, name), "nsi", aliases=[n for n in names if n != name],
                            acronyms=shorts, countries=codes))
    return out


# -- US newspapers (Wiki Media Cred) -------------------------------------------------------------------


def read_us_newspapers(text: str) -> list[dict[str, Any]]:
    """Media candidates from ``wikipedia-us-newspapers.tsv`` (Wikipedia title, state, page id, path,
    QID): the title without its "(Arizona)"-style disambiguation note."""
    out = []
    for r in csv.DictReader(io.StringIO(text), delimiter="\t"):
        qid = qid_of(r.get("qid"))
        title = html.unescape(r.get("WP-title") or "").strip()
        if not qid or not title:
            continue
        out.append(body(qid, strip_note(title, lambda _note: True), "media", "wmc", countries=["US"]))
    return out


# -- SearXNG engines -----------------------------------------------------------------------------------

_ABOUT = re.compile(r"^about\s*=\s*(\{.*?^\})", re.S | re.M)
_TARGET = re.compile(r"^\.\. _([^:`]+):\s*(\S+)", re.M)
_CATEGORIES = re.compile(r"^categories\s*=\s*(\[[^\]]*\])", re.M)


def _site(url: str) -> str:
    """A website's own name in its host: "https://www.reuters.com" -> "reuters"."""
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/", 1)[0].split(":", 1)[0]
    parts = [p for p in host.split(".") if p not in ("www", "m")]
    return parts[-2] if len(parts) >= 2 else ""


#: Engine categories of software and developer services: their QIDs are programs and package
#: indexes (Alpine Linux, metacpan), not organizations.
SEARXNG_SKIP = frozenset({"it", "packages", "repos", "software wikis", "code", "cargo", "q&a", "apps"})
#: Engine categories whose sites publish content: media rather than companies.
SEARXNG_MEDIA = frozenset({"news", "social media", "videos", "music", "images"})


def _engine_facts(text: str) -> tuple[str, str, str, list[str]] | None:
    """(QID, site, docstring, categories) of an engine module with an ``about`` QID and website."""
    m = _ABOUT.search(text)
    if not m:
        return None
    try:
        about = ast.literal_eval(m.group(1))
        doc = ast.get_docstring(ast.parse(text)) or ""
        cats = ast.literal_eval(c.group(1)) if (c := _CATEGORIES.search(text)) else []
    except (ValueError, SyntaxError):
        return None
    qid, site = qid_of(about.get("wikidata_id")), _site(about.get("website") or "")
    if not qid or not site:
        return None
    return qid, site, doc, [str(x).lower() for x in cats]


def read_searxng(modules: Iterable[str]) -> list[dict[str, Any]]:
    """Body candidates from the engine modules' ``about`` dicts: a QID named by the module docstring's
    first words or a link target when they spell the website's own name ("Reuters_ (news)" for
    reuters.com, "Flickr (Images)" for flickr.com). Generic engines (no such name), software indexes,
    and QIDs that engines of different websites claim (one of them is wrong) are skipped."""
    facts = [f for text in modules if (f := _engine_facts(text))]
    sites: dict[str, set[str]] = defaultdict(set)
    for qid, site, _doc, _cats in facts:
        sites[qid].add(site)
    out = []
    for qid, site, doc, cats in facts:
        if len(sites[qid]) > 1 or SEARXNG_SKIP & set(cats):
            continue
        first = doc.strip().split("\n", 1)[0]
        lead = re.split(r"[_(:]| is | - ", first, maxsplit=1)[0].strip().strip("`").strip()
        names = [t.strip() for t, _url in _TARGET.findall(doc)] + [lead]
        name = next((n for n in names if n and normalize(n).replace(" ", "") == site and usable_name(n)
                     and n != n.lower()), None)
        if name is not None:
            out.append(body(qid, name, "media" if SEARXNG_MEDIA & set(cats) else "company", "searxng"))
    return out


# -- Wikitrivia ----------------------------------------------------------------------------------------

#: Wikitrivia decks of organizations -> body type. Products, works, buildings and events are not taken.
#: Websites are "other": the deck holds encyclopaedias and shops (Amazon) as well as media.
WIKITRIVIA_BODIES = {
    "airlines-founding-year": "company", "brands-and-companies-founding-year": "company",
    "restaurant-chains-founding-year": "company", "websites-launch-year": "other",
    "social-networking-services-launch-year": "media", "online-communities-launch-year": "media",
    "tv-channels-launch-year": "media", "radio-stations-launch-year": "media", "newspapers-launch-year": "media",
    "f1-teams-founding-year": "sports-team", "football-clubs-founding-year": "sports-team",
    "rugby-clubs-founding-year": "sports-team", "mlb-franchises-founding-year": "sports-team",
    "nba-franchises-founding-year": "sports-team", "nfl-franchises-founding-year": "sports-team",
    "nhl-franchises-founding-year": "sports-team",
}


def wikitrivia_kind(deck: str) -> str | None:
    """"person" for decks of people (famous-*-death-year, *-taking-office, Nobel laureates), the body
    type for decks of organizations, None otherwise."""
    if deck.startswith("famous-") or deck.endswith("-taking-office") or deck == "nobel-laureates-award-year":
        return "person"
    return WIKITRIVIA_BODIES.get(deck)


_OFFICE_DECK = re.compile(r"(.+)-(presidents|prime-ministers|chancellors)-taking-office")


def deck_country(deck: str, countries: Countries) -> str | None:
    """The country of a deck of a modern national office ("uk-prime-ministers-taking-office" -> GB);
    None for monarchs and emperors, whose realms are not today's countries."""
    m = _OFFICE_DECK.fullmatch(deck)
    if not m:
        return None
    words = m.group(1).replace("-", " ")
    return countries(words) or (countries(words.upper()) if len(words) <= 3 else None)


def read_wikitrivia(deck: str, text: str, countries: Countries) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(body candidates, person candidates) from one deck's ``rows.json``; ``pop`` is the sitelinks.
    A person's country is their one nationality, else the office's country, else the description's."""
    kind = wikitrivia_kind(deck)
    office = deck_country(deck, countries)
    bodies: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    if kind is None:
        return bodies, persons
    for r in json.loads(text):
        qid, label = qid_of(r.get("item")), (r.get("itemLabel") or "").strip()
        if not qid or not usable_name(label):
            continue
        desc = (r.get("description") or "").strip() or None
        pop = _int(r.get("sitelinks"))
        if kind == "person":
            nats = {c for n in (r.get("nationalityLabel") or "").split("||") if (c := countries(n))}
            country = next(iter(nats)) if len(nats) == 1 else office or countries.leading(desc)
            persons.append(person(qid, label, "wikitrivia", country=country, desc=desc, famous=True, pop=pop))
        else:
            iso = countries.leading(desc) or countries.trailing(desc)
            bodies.append(body(qid, label, kind, "wikitrivia", acronyms=[label] if is_acronym(label) else [],
                               aliases=[c] if (c := core(label)) else [], countries=[iso] if iso else [], pop=pop,
                               desc=desc))
    return bodies, persons


# -- reep (football clubs) -----------------------------------------------------------------------------


def read_reep(text: str, countries: Countries) -> list[dict[str, Any]]:
    """Sports-team candidates from ``teams.csv``: clubs that at least one football data provider
    covers (a ``key_*`` column besides Wikidata), which leaves out 38,000 amateur and youth sides."""
    out = []
    for r in csv.DictReader(io.StringIO(text)):
        qid, name = qid_of(r.get("key_wikidata")), (r.get("name") or "").strip()
        providers = [k for k, v in r.items() if k and k.startswith("key_") and k != "key_wikidata" and v]
        if not qid or not providers or not usable_name(name):
            continue
        iso = countries(r.get("country"))
        out.append(body(qid, name, "sports-team", "reep", countries=[iso] if iso else []))
    return out


# -- Chadwick register (baseball) ----------------------------------------------------------------------


def read_chadwick(text: str) -> list[dict[str, Any]]:
    """Person candidates from one ``people-*.csv`` shard: people with a QID, named first + last name
    (+ suffix: "Ken Griffey Jr."), the given names + last name as alias; ``domain`` "baseball"."""
    out = []
    for r in csv.DictReader(io.StringIO(text)):
        qid = qid_of(r.get("key_wikidata"))
        first, last = (r.get("name_first") or "").strip(), (r.get("name_last") or "").strip()
        suffix, given = (r.get("name_suffix") or "").strip(), (r.get("name_given") or "").strip()
        if not qid or not first or not last:
            continue
        name = " ".join(x for x in (first, last, suffix) if x)
        alias = " ".join(x for x in (given, last, suffix) if x) if given else ""
        out.append(person(qid, name, "chadwick", aliases=[alias] if alias and alias != name else [],
                          domain="baseball"))
    return out


# --------------------------------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------------------------------

#: The source whose types and countries are the weakest: a map category says what a brand or
#: operator runs, not what it is, and ``locationSet`` where it runs, not where it is from (Tesla's
#: chargers in Denmark). They count only when no other source knows.
WEAK_SOURCE = "nsi"
#: Body types, most specific first: where two sources disagree ("Uppsala University" is a government
#: agency to the directory and a university to ROR) the more specific kind is the one the linker needs.
TYPE_SPECIFICITY = ("sports-team", "media", "education", "health", "government", "research", "nonprofit",
                    "company", "other")
#: Source tags, most trusted label first: to break ties between equally common labels.
LABEL_ORDER = ("wikitrivia", "fb15k", "reep", "govdir", "wmc", "ror", "searxng", "nsi")
#: Sources whose own labels are kept even when generic: lists of the famous, where the label is what
#: the name usually means ("The Times", "Queen").
FAMOUS_SOURCES = frozenset({"fb15k", "wikitrivia"})
PERSON_ORDER = ("wikitrivia", "fb15k", "chadwick")


def _rank(order: tuple[str, ...], src: str) -> int:
    return order.index(src) if src in order else len(order)


def _ok_name(name: str, src: str, countries: Countries) -> bool:
    if not usable_name(name) or countries.is_word(name):
        return False
    return src in FAMOUS_SOURCES or not generic(name)


def merge_bodies(candidates: Iterable[Mapping[str, Any]], countries: Countries,
                 taken: Iterable[str] = (), taken_names: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One ``bodies`` record per QID from every source's candidates, sorted by QID.

    ``taken`` are QIDs other sections hold (parties, blocs, countries, places): not repeated here.
    ``taken_names`` are names of those (a party's): no notable body takes one as an alias. The name
    is the label most sources give (one without a parenthesised note first, ties to the Wikidata
    labels of :data:`LABEL_ORDER`); the type is the most specific one given (:func:`_body_type`),
    the countries those of :func:`_body_countries`; aliases, acronyms and sources are the union,
    ``pop`` the largest. An alias that another body also claims, as name or alias, is dropped.
    """
    skip = set(taken)
    by_qid: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for c in candidates:
        if c["qid"] not in skip:
            by_qid[c["qid"]].append(c)
    merged: dict[str, dict[str, Any]] = {}
    for qid, cands in by_qid.items():
        if any(c["src"] != "wmc" and c["type"] not in ("media", "company", "other") for c in cands):
            # a newspaper title that redirects to its university ("The Daily Campus" -> SMU) is no name
            cands = [c for c in cands if c["src"] != "wmc"]
        cands = sorted(cands, key=lambda c: (_rank(LABEL_ORDER, c["src"]), c["name"]))
        labels: Counter[str] = Counter()
        first: dict[str, int] = {}
        shown: dict[str, str] = {}
        for c in cands:
            if _ok_name(c["name"], c["src"], countries):
                key = normalize(c["name"])
                labels[key] += 1
                rank = _rank(LABEL_ORDER, c["src"])
                if key not in first or rank < first[key]:
                    first[key], shown[key] = rank, c["name"]
        if not labels:
            continue
        best = min(labels, key=lambda k: ("(" in shown[k], -labels[k], first[k], shown[k]))
        name = shown[best]
        aliases: list[str] = []
        for c in cands:
            for a in (c["name"], *c["aliases"]):
                own_label = c["src"] in FAMOUS_SOURCES and (a == c["name"] or a == core(c["name"]))
                if a != name and not is_acronym(a) and usable_name(a) and not countries.is_word(a) \
                        and (own_label or not generic(a)):
                    aliases.append(a)
        acronyms = [a for c in cands for a in c["acronyms"] if is_acronym(a)]
        acronyms += [a for c in cands for a in (c["name"], *c["aliases"]) if is_acronym(a)]
        pops = [c["pop"] for c in cands if c["pop"] is not None]
        untils = [c["until"] for c in cands]
        merged[qid] = {
            "qid": qid, "name": name, "type": _body_type(cands),
            "countries": _body_countries(cands),
            "aliases": _dedupe(aliases, name), "acronyms": list(dict.fromkeys(acronyms)),
            "until": max(untils) if untils and None not in untils else None,
            "pop": max(pops) if pops else None,
            "src": sorted({c["src"] for c in cands}, key=lambda s: _rank(LABEL_ORDER, s)),
            "desc": next((c["desc"] for c in cands if c["desc"]), None),
            "full": next((c["full"] for c in cands if c.get("full") and c["name"] == name), None)
            if all(c.get("full") for c in cands if normalize(c["name"]) == best) else None,
        }
    _take_back_notes(merged.values())
    _drop_shared_aliases(merged.values(), {normalize(n) for n in taken_names})
    return [compact(merged[q]) for q in sorted(merged, key=lambda q: int(q[1:]))]


def compact(rec: Mapping[str, Any]) -> dict[str, Any]:
    """``rec`` without its empty fields (None, [], False), as the file's other records are written: the
    loader reads an absent field as null, empty or false, and 80,000 records' empty fields add up."""
    return {k: v for k, v in rec.items() if v not in (None, [], False)}


def _body_type(cands: list[Mapping[str, Any]]) -> str:
    """The most specific type the sources give ("BBC": media, not ROR's government), NSI's last."""
    strong = [c["type"] for c in cands if c["src"] != WEAK_SOURCE] or [c["type"] for c in cands]
    return min(strong, key=TYPE_SPECIFICITY.index)


def _body_countries(cands: list[Mapping[str, Any]]) -> list[str]:
    """The countries the sources give, most often named first; NSI's only when no other source
    names one and its items agree on a single country (a local brand's home)."""
    count: Counter[str] = Counter(x for c in cands if c["src"] != WEAK_SOURCE for x in c["countries"])
    if not count:
        weak = {tuple(c["countries"]) for c in cands if c["src"] == WEAK_SOURCE}
        if len(weak) == 1 and len(next(iter(weak))) == 1:
            count = Counter(next(iter(weak)))
    return [x for x, _ in sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))]


def _dedupe(names: Iterable[str], name: str) -> list[str]:
    """``names`` without repeats and without ``name`` itself, as the loader folds them."""
    seen = {normalize(name)}
    out = []
    for n in names:
        k = normalize(n)
        if k and k not in seen:
            seen.add(k)
            out.append(n)
    return out


def _take_back_notes(records: Iterable[dict[str, Any]]) -> None:
    """Give back ROR's " (Country)" note to a body whose plain name another body has: "IBM (Germany)"
    is IBM's German branch, and "IBM" in a German story is more likely IBM itself."""
    records = list(records)
    names: Counter[str] = Counter(normalize(r["name"]) for r in records)
    for r in records:
        full = r.pop("full", None)
        if full and names[normalize(r["name"])] > 1:
            r["aliases"] = [a for a in r["aliases"] if normalize(a) != normalize(r["name"])]
            r["acronyms"] = [a for a in r["acronyms"] if a != r["name"]]
            r["name"] = full


def _drop_shared_aliases(records: Iterable[dict[str, Any]], names_elsewhere: set[str]) -> None:
    """Drop every alias that another record claims as a name or alias, or that names another section's
    entry: such an alias cannot pick one of them, and it would hide the one its name does pick."""
    records = list(records)
    claims: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for n in (r["name"], *r["aliases"]):
            claims[normalize(n)].add(r["qid"])
    for r in records:
        r["aliases"] = [a for a in r["aliases"] if claims[normalize(a)] == {r["qid"]}
                        and normalize(a) not in names_elsewhere]


def merge_persons(candidates: Iterable[Mapping[str, Any]], holders: list[dict[str, Any]],
                  countries: Countries) -> list[dict[str, Any]]:
    """The ``persons`` section: the office holders, each notable folded into its holder's record
    (``desc``, ``famous``, ``pop``, ``domain`` added) or added as a new record, sorted by QID."""
    by_qid: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for c in candidates:
        by_qid[c["qid"]].append(c)
    out = {r["qid"]: dict(r) for r in holders}
    new: dict[str, dict[str, Any]] = {}
    for qid, cands in by_qid.items():
        cands = sorted(cands, key=lambda c: (_rank(PERSON_ORDER, c["src"]), c["name"]))
        names = [c["name"] for c in cands if usable_name(c["name"]) and not countries.is_word(c["name"])]
        if not names:
            continue
        pops = [c["pop"] for c in cands if c["pop"] is not None]
        facts = {"desc": next((c["desc"] for c in cands if c["desc"]), None),
                 "domain": next((c["domain"] for c in cands if c["domain"]), None),
                 "famous": any(c["famous"] for c in cands), "pop": max(pops) if pops else None}
        if qid in out:
            holder = out[qid]
            for k, v in facts.items():
                if v not in (None, False) and holder.get(k) in (None, False):
                    holder[k] = v
            continue
        name = max(names, key=lambda n: (names.count(n), -names.index(n)))
        aliases = _dedupe([a for c in cands for a in (c["name"], *c["aliases"])
                           if usable_name(a) and len(normalize(a).split()) >= 2], name)
        country = next((c["country"] for c in cands if c["country"]), None)
        new[qid] = {"qid": qid, "name": name, "country": country, "aliases": aliases, "held": [], **facts}
    holder_names: dict[str, set[str]] = defaultdict(set)
    for r in out.values():
        holder_names[normalize(r["name"])].add(r["qid"])
    claims: dict[str, set[str]] = defaultdict(set)
    for r in new.values():
        for n in (r["name"], *r["aliases"]):
            claims[normalize(n)].add(r["qid"])
    for r in new.values():
        r["aliases"] = [a for a in r["aliases"] if claims[normalize(a)] == {r["qid"]}
                        and not holder_names.get(normalize(a))]
    out.update({q: compact(r) for q, r in new.items()})
    return [out[q] for q in sorted(out, key=lambda q: int(q[1:]))]


# --------------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------------

FB15K = "villmow/datasets_knowledge_embedding"
CODEX = "tsafavi/codex"
ROR = "ror-community/ror-records"
GOVDIR = "govdirectory/website"
NSI = "osmlab/name-suggestion-index"
WMC = "hearvox/wiki-media-cred"
SEARXNG = "searxng/searxng"
WIKITRIVIA = "tom-james-watson/wikitrivia"
REEP = "withqwerty/reep"
CHADWICK = "chadwickbureau/register"

LICENCES = {
    FB15K: "MIT (repository); labels, aliases and descriptions from Wikidata (CC0 1.0)",
    CODEX: "MIT; types from Wikidata (CC0 1.0)",
    ROR: "MIT (repository); ROR data CC0 1.0",
    GOVDIR: "CC0 1.0",
    NSI: "BSD-3-Clause, Copyright name-suggestion-index contributors",
    WMC: "CC0 1.0",
    SEARXNG: "AGPL-3.0 code, not used; only facts (QID, website, engine name) are taken",
    WIKITRIVIA: "MIT; rows are Wikidata query results (CC0 1.0)",
    REEP: "CC0 1.0 (derived from Wikidata)",
    CHADWICK: "ODC-By 1.0: Chadwick Baseball Bureau Persons Register, attribution required",
}


def _fb15k(mirror: Path, countries: Countries, sources: list[dict[str, Any]]
           ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    m = Snapshot(mirror, FB15K)
    if not m.exists():
        return [], []
    text = m.text("FB15k-237/entity2wikidata.json")
    if not text:
        raise SystemExit(f"{FB15K}: FB15k-237/entity2wikidata.json missing")
    codex = Snapshot(mirror, CODEX)
    types: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    if codex.exists():
        got = codex.texts(["data/types/entity2types.json", "data/types/en/types.json"])
        types = json.loads(got.get("data/types/entity2types.json") or "{}")
        labels = {q: (v.get("label") or "") for q, v in json.loads(got.get("data/types/en/types.json") or "{}").items()}
        sources.append(codex.source("codex", LICENCES[CODEX], "Wikidata types of FB15k entities (human or not)"))
    found = read_fb15k(text, types, labels, countries)
    sources.append(m.source("fb15k", LICENCES[FB15K],
                            "well-known entities: QID, English label, aliases, description; persons and "
                            "organizations kept, works, places and concepts skipped"))
    return found


def _ror(mirror: Path, countries: Countries, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    m = Snapshot(mirror, ROR)
    if not m.exists():
        return []
    latest = latest_ror(m.files("."))
    out = []
    for text in m.texts(sorted(latest.values())).values():
        rec = read_ror(json.loads(text), countries)
        if rec is not None:
            out.append(rec)
    sources.append(m.source("ror", LICENCES[ROR],
                            "research organizations, universities, hospitals, agencies, companies: QID, names, "
                            "acronyms, types, country; active records only",
                            path=f"vX.Y/<ror id>.json and vX.Y/v1/<ror id>.json, the latest release of each "
                                 f"of {len(latest):,} records"))
    return out


def _govdir(mirror: Path, countries: Countries, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    m = Snapshot(mirror, GOVDIR, ref="gh-pages")
    if not m.exists():
        return []
    pages = [p for p in m.files(".") if p.count("/") == 1 and p.endswith("/index.html")]
    out = []
    tables = 0
    for path, page in m.texts(pages).items():
        if 'id="mainOrgTable"' not in page:
            continue  # a topic or about page
        tables += 1
        folder = path.split("/", 1)[0]
        out += read_govdirectory(page, countries(folder.replace("-", " ")))
    sources.append(m.source("govdir", LICENCES[GOVDIR],
                            "government agencies by country: QID, English label, kind; territorial units skipped",
                            path=f"<country>/index.html ({tables} country pages of {len(pages)} pages read)"))
    return out


def _nsi(mirror: Path, countries: Countries, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    m = Snapshot(mirror, NSI)
    if not m.exists():
        return []
    kinds = ("brands", "operators", "transit")
    files = [p for p in m.files("data") if p.endswith(".json") and p.split("/")[1] in kinds]
    out = []
    for path, text in m.texts(files).items():
        out += read_nsi(text, path[len("data/"):-len(".json")], countries)
    sources.append(m.source("nsi", LICENCES[NSI], "brands, operators and transit networks: QID, names, short "
                            "names, countries of use", path=f"data/{{brands,operators,transit}}/**/*.json "
                                                            f"({len(m.hashes)} files)"))
    return out


def _wmc(mirror: Path, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    m = Snapshot(mirror, WMC)
    text = m.text("data/wikipedia-us-newspapers.tsv") if m.exists() else None
    if not text:
        return []
    sources.append(m.source("wmc", LICENCES[WMC], "US newspapers: English Wikipedia title and QID"))
    return read_us_newspapers(text)


def _searxng(mirror: Path, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    m = Snapshot(mirror, SEARXNG)
    if not m.exists():
        return []
    files = [p for p in m.files("searx/engines") if p.count("/") == 2 and p.endswith(".py")]
    out = read_searxng(m.texts(files).values())
    sources.append(m.source("searxng", LICENCES[SEARXNG], "websites: engine name, Wikidata QID, website",
                            path=f"searx/engines/*.py ({len(files)} modules)"))
    return out


def _wikitrivia(mirror: Path, countries: Countries, sources: list[dict[str, Any]]
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    m = Snapshot(mirror, WIKITRIVIA)
    if not m.exists():
        return [], []
    decks = sorted({p.split("/")[2] for p in m.files("content/queries") if p.endswith("/rows.json")})
    wanted = {f"content/queries/{d}/rows.json": d for d in decks if wikitrivia_kind(d)}
    bodies: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    for path, text in sorted(m.texts(sorted(wanted)).items()):
        b, p = read_wikitrivia(wanted[path], text, countries)
        bodies += b
        persons += p
    sources.append(m.source("wikitrivia", LICENCES[WIKITRIVIA],
                            "famous people, office holders, companies, media, clubs: QID, English label, "
                            "description, sitelinks", path=f"content/queries/<deck>/rows.json ({len(wanted)} decks)"))
    return bodies, persons


def _reep(mirror: Path, countries: Countries, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    m = Snapshot(mirror, REEP)
    text = m.text("data/teams.csv") if m.exists() else None
    if not text:
        return []
    sources.append(m.source("reep", LICENCES[REEP], "football clubs: QID, name, country, data-provider ids"))
    return read_reep(text, countries)


def _chadwick(mirror: Path, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    m = Snapshot(mirror, CHADWICK)
    if not m.exists():
        return []
    shards = [p for p in m.files("data") if re.fullmatch(r"data/people-[0-9a-f]\.csv", p)]
    out = []
    for text in m.texts(shards).values():
        out += read_chadwick(text)
    sources.append(m.source("chadwick", LICENCES[CHADWICK],
                            "baseball people with a QID: first, last, given names and suffix (Chadwick Baseball "
                            "Bureau Persons Register, https://github.com/chadwickbureau/register)"))
    return out


def build(mirror: Path, doc: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                                        list[dict[str, Any]]]:
    """(bodies, persons, source records): the document's bodies (parties, unchanged) and persons
    (office holders) with the notables of every source present under ``mirror`` merged in."""
    countries = Countries(doc["countries"])
    sources: list[dict[str, Any]] = []
    fb_bodies, fb_persons = _fb15k(mirror, countries, sources)
    wt_bodies, wt_persons = _wikitrivia(mirror, countries, sources)
    candidates = [*fb_bodies, *_ror(mirror, countries, sources), *_govdir(mirror, countries, sources),
                  *_nsi(mirror, countries, sources), *_wmc(mirror, sources), *_searxng(mirror, sources),
                  *wt_bodies, *_reep(mirror, countries, sources)]
    parties = list(doc.get("bodies", ()))
    taken = {r["qid"] for r in parties}
    taken |= {r["qid"] for key in ("countries", "places", "organizations") for r in doc.get(key, ()) if r.get("qid")}
    taken_names = [n for r in parties for n in (r["name"], *r.get("aliases", ()))]
    notables = merge_bodies(candidates, countries, taken, taken_names)
    bodies = sorted([*parties, *notables], key=lambda r: int(r["qid"][1:]))
    persons = merge_persons([*fb_persons, *wt_persons, *_chadwick(mirror, sources)], list(doc.get("persons", ())),
                            countries)
    return bodies, persons, sources
