"""The real ingest (spaCy model, extractor, linker, mapper, Oxigraph store) read through the contract
queries: the facts of the bundled samples and of the seed article, re-ingest and delete, bad inputs,
SHACL conformance and evidence offsets.

Expected facts come from ``src/newsgraph/samples/README.md``. A fact the README lists but the
extractor does not get right is a strict ``xfail`` naming the miss, so it flags once fixed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

import newsgraph
from newsgraph import ingest
from newsgraph.extract import Extractor
from newsgraph.resources import ontology_path, sparql_dir
from newsgraph.sources import iter_articles
from newsgraph.store import GraphStore

SAMPLES = Path(newsgraph.__file__).parent / "samples"
SEED = Path("/work/shared/seed/000_cb871da6658fd24f.txt")
SEED_ID = "000_cb871da6658fd24f"
NATO, WEIMAR, SCO = "sample-nato-brussels", "sample-weimar-triangle", "sample-sco-astana"
BEIJING, PACTS = "sample-blinken-beijing", "sample-ukraine-security-pacts"
SAMPLE_IDS = (NATO, WEIMAR, SCO, BEIJING, PACTS)

Row = dict[str, str | None]


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"extractor miss: {reason}")


def fold(name: str | None) -> str:
    """Case, accents, apostrophes and Turkey/Türkiye folded, as the evaluation's scorer does."""
    text = unicodedata.normalize("NFKD", (name or "").replace("’", "'"))
    text = " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())
    return {"turkey": "turkiye"}.get(text, text)


def contract(store: GraphStore, name: str, article: str | None = None) -> list[Row]:
    """Rows of ``sparql/contract/{name}.rq`` on the store (what the evaluation sees)."""
    result = store.query((sparql_dir() / "contract" / f"{name}.rq").read_text(encoding="utf-8"))
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    rows = [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]  # type: ignore[union-attr]
    return [r for r in rows if article is None or r["article"] == article]


def persons(store: GraphStore, article: str) -> set[str]:
    return {r["label"] for r in contract(store, "persons", article)}  # type: ignore[misc]


def meetings(store: GraphStore, article: str) -> dict[str, dict[str, object]]:
    """Meetings of an article by claim IRI: participants (folded), place and date."""
    out: dict[str, dict[str, object]] = {}
    for r in contract(store, "meetings", article):
        m = out.setdefault(r["meeting"], {"who": set(), "place": r["place"], "date": r["date"]})  # type: ignore[arg-type]
        m["who"].add(fold(r["participant"]))  # type: ignore[attr-defined]
    return out


def meetings_of(store: GraphStore, article: str, *who: str) -> list[dict[str, object]]:
    """The meetings in which all of ``who`` took part."""
    want = {fold(w) for w in who}
    return [m for m in meetings(store, article).values() if want <= m["who"]]  # type: ignore[operator]


def members(store: GraphStore, article: str, organization: str) -> set[str]:
    return {fold(r["member"]) for r in contract(store, "memberships", article)
            if fold(r["organization"]) == fold(organization)}


def has_post(rows: list[Row], person: str, role: str, status: str, *, country: str | None = None,
             organization: str | None = None) -> bool:
    """A contract row for ``person`` with this role wording (defence/defense folded), status and,
    when given, country and organization."""
    def same_role(a: str | None) -> bool:
        return fold(a).replace("defense", "defence") == fold(role).replace("defense", "defence")

    return any(fold(r["person"]) == fold(person) and same_role(r["role"]) and r["status"] == status
               and (country is None or fold(r["country"]) == fold(country))
               and (organization is None or fold(r["organization"]) == fold(organization))
               for r in rows)


def graph_quads(store: GraphStore, article: str) -> set[ox.Quad]:
    [graph] = ingest.article_graphs(store, article)
    return set(store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


# -- fixtures --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def samples(extractor: Extractor, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The bundled samples ingested once into an on-disk store."""
    store = GraphStore(tmp_path_factory.mktemp("samples") / "store")
    report = ingest.run([SAMPLES], store, extractor=extractor)
    assert report.errors == []
    assert report.articles == len(SAMPLE_IDS)
    yield store


@pytest.fixture(scope="module")
def seed(extractor: Extractor, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The seed article ingested into its own store (skipped where the file is absent)."""
    if not SEED.is_file():
        pytest.skip(f"seed article not available at {SEED}")
    store = GraphStore(tmp_path_factory.mktemp("seed") / "store")
    report = ingest.run([SEED], store, extractor=extractor)
    assert report.errors == []
    assert report.articles == 1
    yield store


@pytest.fixture
def store(tmp_path: Path) -> GraphStore:
    return GraphStore(tmp_path / "store")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# Short stories of our own for the update/delete tests; the extractor reads them fully.
TAJANI = ("Italian Foreign Minister Antonio Tajani met Greek Foreign Minister Giorgos Gerapetritis "
          "in Athens on Tuesday to discuss migration.")
ALBARES = ("Spanish Foreign Minister José Manuel Albares met Portuguese Foreign Minister Paulo Rangel "
           "in Lisbon on Tuesday to discuss energy links.")
OSLO = ("Norwegian Prime Minister Jonas Gahr Store met Danish Prime Minister Mette Frederiksen "
        "in Oslo on Friday.")


# -- samples: articles --------------------------------------------------------------------------------

@pytest.mark.parametrize(("article", "title", "url", "issued"), [
    (NATO, "NATO ministers weigh long-term Ukraine fund as alliance turns 75",
     "https://example.com/newsgraph-samples/nato-ministers-brussels", "2024-04-04"),
    (WEIMAR, "Weimar Triangle ministers pledge to keep Ukraine aid flowing",
     "https://example.com/newsgraph-samples/weimar-triangle", "2024-02-12"),
    (SCO, "Belarus joins Shanghai Cooperation Organisation at Astana summit",
     "https://example.com/newsgraph-samples/sco-astana", "2024-07-04"),
    (BEIJING, "Blinken meets Xi in Beijing, presses China over support for Russia's arms industry",
     None, None),
    (PACTS, "Ukraine signs security pacts with France and Germany",
     "https://example.com/newsgraph-samples/ukraine-security-pacts", "2024-02-16"),
])
def test_sample_article_is_stored_with_its_metadata_in_its_own_graph(
        samples: GraphStore, article: str, title: str, url: str | None, issued: str | None) -> None:
    assert ingest.article_graphs(samples, article) == [f"{ingest.DEFAULT_BASE_URI}graph/article/{article}"]
    [row] = samples.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> "
        "SELECT ?title ?url ?issued WHERE { ?a a schema:NewsArticle ; dcterms:identifier ?id . "
        "OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a schema:url ?url } "
        "OPTIONAL { ?a dcterms:issued ?issued } FILTER(STR(?id) = " + str(ox.Literal(article)) + ") }")
    assert (row["title"].value, row["url"] and row["url"].value, row["issued"] and row["issued"].value) == (
        title, url, issued)


# -- samples: persons ------------------------------------------------------------------------------------

SAMPLE_PERSONS = {
    NATO: ["Jens Stoltenberg", "Annalena Baerbock", "Hakan Fidan", "Antony Blinken", "David Cameron",
           "Dmytro Kuleba"],
    WEIMAR: ["Stéphane Séjourné", "Annalena Baerbock", "Radoslaw Sikorski"],
    SCO: ["Alexander Lukashenko", "Kassym-Jomart Tokayev", "Subrahmanyam Jaishankar", "Vladimir Putin",
          "Recep Tayyip Erdogan", "Xi Jinping", "Fidan"],
    BEIJING: ["Antony Blinken", "Xi Jinping", "Wang Yi"],
    PACTS: ["Volodymyr Zelensky", "Emmanuel Macron", "Olaf Scholz", "Sébastien Lecornu"],
}
PERSON_MISSES: dict[tuple[str, str], str] = {}
# Other labels a person may fairly get: "Fidan" alone in sco-astana is Hakan Fidan.
ALSO = {(SCO, "Fidan"): {"Hakan Fidan"}}


@pytest.mark.parametrize(("article", "person"), [
    pytest.param(a, p, marks=[xfail(PERSON_MISSES[a, p])] if (a, p) in PERSON_MISSES else [])
    for a, names in SAMPLE_PERSONS.items() for p in names])
def test_sample_person_is_found(samples: GraphStore, article: str, person: str) -> None:
    assert {person, *ALSO.get((article, person), ())} & persons(samples, article)


@pytest.mark.parametrize("article", SAMPLE_IDS)
def test_sample_has_no_person_beyond_those_it_names(samples: GraphStore, article: str) -> None:
    allowed = {n for p in SAMPLE_PERSONS[article] for n in {p, *ALSO.get((article, p), ())}}
    assert persons(samples, article) <= allowed


@pytest.mark.parametrize("article", SAMPLE_IDS)
def test_short_mentions_resolve_to_the_full_name(samples: GraphStore, article: str) -> None:
    """"Baerbock", "Fidan", "Sikorski", "Wang", "Putin" are not persons of their own when the
    article gives the full name."""
    labels = persons(samples, article)
    assert not {a for a in labels for b in labels if a != b and fold(b).endswith(" " + fold(a))}


def test_surname_only_fidan_is_hakan_fidan(samples: GraphStore) -> None:
    assert "Hakan Fidan" in persons(samples, SCO) or "Fidan" in persons(samples, SCO)
    assert _articles_mentioning(samples, "hakan-fidan") == {NATO, SCO}


def _articles_mentioning(store: GraphStore, person_slug: str) -> set[str]:
    iri = f"<{ingest.DEFAULT_BASE_URI}id/person/{person_slug}>"
    rows = store.query("PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> "
                       "SELECT DISTINCT ?id WHERE { GRAPH ?g { ?a dcterms:identifier ?id ; schema:mentions "
                       + iri + " } }")
    return {r["id"].value for r in rows}  # type: ignore[union-attr, index]


@pytest.mark.parametrize(("slug", "articles"), [
    ("annalena-baerbock", {NATO, WEIMAR}),
    ("antony-blinken", {NATO, BEIJING}),
    ("xi-jinping", {SCO, BEIJING}),
])
def test_same_person_in_two_articles_is_one_resource(samples: GraphStore, slug: str,
                                                     articles: set[str]) -> None:
    assert _articles_mentioning(samples, slug) == articles


@pytest.mark.parametrize(("article", "name"), [
    (BEIJING, "Wang"),
    (SCO, "Kazakh"),
    (SCO, "Kazakh President Kassym-Jomart Tokayev"),
])
def test_people_and_nationalities_are_not_organizations(samples: GraphStore, article: str, name: str) -> None:
    assert name not in {r["label"] for r in contract(samples, "organizations", article)}


def test_possessive_names_the_country_of_an_organization(samples: GraphStore) -> None:
    rows = contract(samples, "organizations", PACTS)
    assert {"label": "Ministry of the Armed Forces", "country": "France"} in [
        {"label": r["label"], "country": r["country"]} for r in rows]


# -- samples: posts ----------------------------------------------------------------------------------------

# (article, person, role, status, country, organization); None: not checked.
SAMPLE_POSTS = [
    (NATO, "Jens Stoltenberg", "secretary general", "current", None, "NATO", None),
    (NATO, "Annalena Baerbock", "Foreign Minister", "current", "Germany", None, None),
    (NATO, "Hakan Fidan", "Foreign Minister", "current", "Türkiye", None, None),
    (NATO, "Antony Blinken", "Secretary of State", "current", "United States", None, None),
    (NATO, "David Cameron", "Foreign Secretary", "current", "United Kingdom", None, None),
    (NATO, "David Cameron", "prime minister", "former", "United Kingdom", None, None),
    (NATO, "Dmytro Kuleba", "Foreign Minister", "current", "Ukraine", None, None),
    (WEIMAR, "Stéphane Séjourné", "Foreign Minister", "current", "France", None, None),
    (WEIMAR, "Annalena Baerbock", "Foreign Minister", "current", "Germany", None, None),
    (WEIMAR, "Radoslaw Sikorski", "Foreign Minister", "current", "Poland", None, None),
    (WEIMAR, "Radoslaw Sikorski", "defence minister", "former", "Poland", None, None),
    (SCO, "Alexander Lukashenko", "President", "current", "Belarus", None, None),
    (SCO, "Kassym-Jomart Tokayev", "President", "current", "Kazakhstan", None, None),
    (SCO, "Subrahmanyam Jaishankar", "External Affairs Minister", "current", "India", None, None),
    (SCO, "Vladimir Putin", "President", "current", "Russia", None, None),
    (SCO, "Recep Tayyip Erdogan", "President", "current", "Türkiye", None, None),
    (SCO, "Xi Jinping", "President", "current", "China", None, None),
    (SCO, "Fidan", "top diplomat", "current", "Türkiye", None, None),
    (BEIJING, "Antony Blinken", "Secretary of State", "current", "United States", None, None),
    (BEIJING, "Xi Jinping", "President", "current", "China", None, None),
    (BEIJING, "Wang Yi", "Foreign Minister", "current", "China", None, None),
    (BEIJING, "Wang Yi", "ambassador to Japan", "former", "China", None,
     "'Wang, an ex-ambassador to Japan': the former post is not extracted"),
    (PACTS, "Volodymyr Zelensky", "President", "current", "Ukraine", None, None),
    (PACTS, "Emmanuel Macron", "President", "current", "France", None, None),
    (PACTS, "Olaf Scholz", "Chancellor", "current", "Germany", None, None),
    (PACTS, "Sébastien Lecornu", "Armed Forces Minister", "current", "France", None, None),
    (PACTS, "Sébastien Lecornu", "Armed Forces Minister", "current", "France", "Ministry of the Armed Forces",
     "the post is not tied to 'France's Ministry of the Armed Forces' named in the same sentence"),
]


@pytest.mark.parametrize(("article", "person", "role", "status", "country", "organization"), [
    pytest.param(*p[:6], marks=[xfail(p[6])] if p[6] else [], id="-".join(x for x in (*p[:4], p[5]) if x))
    for p in SAMPLE_POSTS])
def test_sample_post_is_found(samples: GraphStore, article: str, person: str, role: str, status: str,
                              country: str | None, organization: str | None) -> None:
    rows = contract(samples, "posts", article)
    assert has_post(rows, person, role, status, country=country, organization=organization), rows


# -- samples: meetings ------------------------------------------------------------------------------------

SAMPLE_MEETINGS = [  # (article, participants, place, date or date words, miss of the place, of the date)
    (NATO, ("Annalena Baerbock", "Hakan Fidan"), "Brussels", "2024-04-03", None, None),
    (NATO, ("Annalena Baerbock", "Antony Blinken"), "Brussels", None, None, None),
    (WEIMAR, ("Stéphane Séjourné", "Annalena Baerbock", "Radoslaw Sikorski"), "La Celle-Saint-Cloud",
     "2024-02-12", None, None),
    (SCO, ("Vladimir Putin", "Recep Tayyip Erdogan"), "Astana", "2024-07-03", None, None),
    (SCO, ("Vladimir Putin", "Xi Jinping"), "Astana", None, None, None),
    (BEIJING, ("Antony Blinken", "Xi Jinping"), "Beijing", "Friday", None, None),
    (BEIJING, ("Antony Blinken", "Wang Yi"), "Beijing", "earlier in the day", None, None),
]
PAIR_MISSES: dict[tuple[str, str, str], str] = {}


def _names(who: tuple[str, ...]) -> str:
    return "+".join(w.split()[-1] for w in who)


def _pairs() -> list[object]:
    """Meetings are scored as pairs of participants, as the evaluation does."""
    out = []
    meetings_ = [(m[0], m[1]) for m in SAMPLE_MEETINGS] + [
        (PACTS, ("Volodymyr Zelensky", "Emmanuel Macron")), (PACTS, ("Volodymyr Zelensky", "Olaf Scholz"))]
    for article, who in meetings_:
        for pair in combinations(who, 2):
            miss = PAIR_MISSES.get((article, *pair))
            out.append(pytest.param(article, pair, marks=[xfail(miss)] if miss else [],
                                    id=f"{article}-{_names(pair)}"))
    return out


@pytest.mark.parametrize(("article", "pair"), _pairs())
def test_sample_meeting_pair_is_found(samples: GraphStore, article: str, pair: tuple[str, str]) -> None:
    assert meetings_of(samples, article, *pair), meetings(samples, article)


@pytest.mark.parametrize(("article", "who", "place"), [
    pytest.param(m[0], m[1][:2], m[2], marks=[xfail(m[4])] if m[4] else [], id=f"{m[0]}-{_names(m[1])}")
    for m in SAMPLE_MEETINGS])
def test_sample_meeting_has_its_place(samples: GraphStore, article: str, who: tuple[str, ...],
                                      place: str) -> None:
    assert place in {m["place"] for m in meetings_of(samples, article, *who)}, meetings(samples, article)


@pytest.mark.parametrize(("article", "who", "when"), [
    pytest.param(m[0], m[1][:2], m[3], marks=[xfail(m[5])] if m[5] else [], id=f"{m[0]}-{_names(m[1])}")
    for m in SAMPLE_MEETINGS if m[3]])
def test_sample_meeting_has_its_date(samples: GraphStore, article: str, who: tuple[str, ...],
                                     when: str) -> None:
    """A resolved xsd:date where the article has a published date, else the article's words."""
    assert when in {m["date"] for m in meetings_of(samples, article, *who)}, meetings(samples, article)


def test_meeting_without_date_words_has_no_date(samples: GraphStore) -> None:
    [m] = meetings_of(samples, NATO, "Annalena Baerbock", "Antony Blinken")
    assert m["date"] is None


# -- samples: memberships ----------------------------------------------------------------------------------

SCO_NAME = "Shanghai Cooperation Organisation"
SCO_FOUNDERS = ["China", "Russia", "India", "Pakistan", "Iran", "Kazakhstan", "Kyrgyzstan", "Tajikistan",
                "Uzbekistan"]


@pytest.mark.parametrize(("article", "member", "organization"), [
    (NATO, "Sweden", "NATO"),
    (SCO, "Belarus", SCO_NAME),  # joined, "with the addition of"
    *[(SCO, c, SCO_NAME) for c in SCO_FOUNDERS],  # "The bloc, which groups A, B, ... and C"
    (SCO, "Türkiye", "NATO"),  # "Turkey, a NATO member"
])
def test_sample_membership_is_found(samples: GraphStore, article: str, member: str,
                                    organization: str) -> None:
    assert fold(member) in members(samples, article, organization)


@pytest.mark.parametrize(("article", "country", "organization"), [
    (NATO, "Ukraine", "NATO"),  # a partner
    (SCO, "Türkiye", SCO_NAME),  # a dialogue partner
    (SCO, "Mongolia", SCO_NAME),  # an observer
])
def test_partner_or_observer_is_not_a_member(samples: GraphStore, article: str, country: str,
                                             organization: str) -> None:
    assert fold(country) not in members(samples, article, organization)


def test_default_graph_is_the_union_with_each_triple_once(samples: GraphStore) -> None:
    """Every read sees the union of the article graphs as an RDF graph: a triple stated by two
    articles (Baerbock's types and label) is one triple, not one per article."""
    distinct = len({q.triple for q in samples.raw})
    assert distinct < len(samples)  # the articles do share triples
    [row] = samples.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # type: ignore[misc]
    # pyoxigraph 0.5's union is a bag (oxigraph#1919); GraphStore.query runs on a merged copy.
    assert int(row["n"].value) == distinct


# -- the seed article --------------------------------------------------------------------------------------

SEED_PERSONS = {"Hakan Fidan", "Sergey Shoygu", "Ibrahim Kalin", "Yasar Guler", "Seyfullah Hacimuftuoglu",
                "Sergey Naryshkin"}
BRICS = {"Brazil", "Russia", "India", "China", "South Africa", "Egypt", "Ethiopia", "Iran",
         "United Arab Emirates"}


def test_seed_names_exactly_its_six_persons(seed: GraphStore) -> None:
    assert persons(seed, SEED_ID) == SEED_PERSONS


def test_seed_fidan_is_turkiye_foreign_minister(seed: GraphStore) -> None:
    assert has_post(contract(seed, "posts", SEED_ID), "Hakan Fidan", "Foreign Minister", "current",
                    country="Türkiye")


def test_seed_shoygu_is_security_council_secretary_and_former_defence_minister(seed: GraphStore) -> None:
    rows = contract(seed, "posts", SEED_ID)
    shoygu = [r for r in rows if r["person"] == "Sergey Shoygu"]
    assert any(fold(r["role"]) == "secretary" and r["status"] == "current"
               and "security council" in fold(r["organization"]) and r["country"] == "Russia" for r in shoygu)
    assert has_post(rows, "Sergey Shoygu", "defence minister", "former")
    assert not has_post(rows, "Sergey Shoygu", "defence minister", "current")


def test_seed_meetings_fidan_shoygu_in_moscow_and_fidan_naryshkin(seed: GraphStore) -> None:
    assert "Moscow" in {m["place"] for m in meetings_of(seed, SEED_ID, "Hakan Fidan", "Sergey Shoygu")}
    assert meetings_of(seed, SEED_ID, "Hakan Fidan", "Sergey Naryshkin")
    pairs = {frozenset(m["who"]) for m in meetings(seed, SEED_ID).values()}  # type: ignore[arg-type]
    assert pairs == {frozenset({fold("Hakan Fidan"), fold("Sergey Shoygu")}),
                     frozenset({fold("Hakan Fidan"), fold("Sergey Naryshkin")})}


def test_seed_brics_has_nine_members_and_not_turkiye(seed: GraphStore) -> None:
    brics = members(seed, SEED_ID, "BRICS")
    assert brics == {fold(c) for c in BRICS}
    assert fold("Türkiye") not in brics  # only invited


def test_seed_ahiska_turks_are_not_an_organization(seed: GraphStore) -> None:
    assert not [r for r in contract(seed, "organizations", SEED_ID) if "ahiska" in fold(r["label"])]


# -- re-ingest, update, delete -------------------------------------------------------------------------

def test_reingest_replaces_article_graph_without_growing(extractor: Extractor, store: GraphStore) -> None:
    path = SAMPLES / f"{BEIJING}.txt"
    first = ingest.run([path], store, extractor=extractor)
    before, quads_before = len(store), graph_quads(store, BEIJING)
    second = ingest.run([path], store, extractor=extractor)
    assert first.quads == second.quads == before == len(store)
    assert [g.value for g in store.named_graphs()] == ingest.article_graphs(store, BEIJING)
    after = graph_quads(store, BEIJING)
    ended = ox.NamedNode("http://www.w3.org/ns/prov#endedAtTime")
    assert {q for q in after if q.predicate != ended} == {q for q in quads_before if q.predicate != ended}
    assert len([q for q in after if q.predicate == ended]) == 1  # the new run's stamp replaced the old one


def test_changed_text_replaces_the_article_facts(extractor: Extractor, store: GraphStore,
                                                 tmp_path: Path) -> None:
    path = write(tmp_path, "talks.txt", TAJANI)
    ingest.run([path], store, extractor=extractor)
    assert persons(store, "talks") == {"Antonio Tajani", "Giorgos Gerapetritis"}
    write(tmp_path, "talks.txt", ALBARES)
    report = ingest.run([path], store, extractor=extractor)
    assert persons(store, "talks") == {"José Manuel Albares", "Paulo Rangel"}
    assert {(r["person"], r["country"]) for r in contract(store, "posts", "talks")} == {
        ("José Manuel Albares", "Spain"), ("Paulo Rangel", "Portugal")}
    assert len(meetings(store, "talks")) == 1
    assert len(store) == report.quads
    assert "Tajani" not in "".join(str(q) for q in store.raw)


def test_delete_removes_exactly_that_article(extractor: Extractor, store: GraphStore, tmp_path: Path) -> None:
    ingest.run([write(tmp_path, "athens.txt", TAJANI), write(tmp_path, "lisbon.txt", ALBARES)], store,
               extractor=extractor)
    kept = graph_quads(store, "lisbon")
    assert ingest.delete(store, "athens") is True
    assert ingest.article_graphs(store, "athens") == []
    assert set(store.raw) == kept
    assert ingest.delete(store, "athens") is False  # nothing left to delete


# -- bad inputs --------------------------------------------------------------------------------------------

def test_bad_files_are_reported_and_the_rest_is_stored(extractor: Extractor, store: GraphStore,
                                                       tmp_path: Path) -> None:
    ingest.run([write(tmp_path, "before.txt", TAJANI)], store, extractor=extractor)
    stored_before = set(store.raw)
    batch = tmp_path / "batch"
    batch.mkdir()
    write(batch, "broken.json", '{"id": "broken", "text": "Foreign Minister')
    (batch / "garbage.txt").write_bytes(bytes(range(256)) * 8)
    write(batch, "oslo.txt", OSLO)
    errors: list[str] = []
    report = ingest.run([batch], store, extractor=extractor, on_error=errors.append)
    assert report.articles == 1
    assert len(report.errors) == 2
    assert errors == report.errors
    assert any("broken.json" in e and "invalid JSON" in e for e in report.errors)
    assert any("garbage.txt" in e and "binary" in e for e in report.errors)
    assert persons(store, "oslo") == {"Jonas Gahr Store", "Mette Frederiksen"}
    assert ingest.article_graphs(store, "broken") == [] and ingest.article_graphs(store, "garbage") == []
    assert stored_before <= set(store.raw)  # the article stored before is untouched
    assert graph_quads(store, "before") == stored_before


# -- SHACL ---------------------------------------------------------------------------------------------------

Shapes = tuple[rdflib.Graph, rdflib.Graph]  # shapes graph, ontology graph


@pytest.fixture(scope="module")
def shapes() -> Shapes:
    return (rdflib.Graph().parse(ontology_path("shapes.ttl")),
            rdflib.Graph().parse(ontology_path("newsgraph.ttl")))


def to_rdflib(triples: object) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def assert_conforms(data: rdflib.Graph, shapes: Shapes) -> None:
    """pyshacl with newsgraph.ttl as the ontology graph; the text report is the failure message."""
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes[0], ont_graph=shapes[1])
    if not conforms:
        pytest.fail(text, pytrace=False)


@pytest.mark.parametrize("article", SAMPLE_IDS)
def test_article_graph_conforms_to_shapes(samples: GraphStore, shapes: Shapes, article: str) -> None:
    assert_conforms(to_rdflib(q.triple for q in graph_quads(samples, article)), shapes)


def test_seed_article_graph_conforms_to_shapes(seed: GraphStore, shapes: Shapes) -> None:
    assert_conforms(to_rdflib(q.triple for q in graph_quads(seed, SEED_ID)), shapes)


def test_union_graph_holds_each_articles_own_label(samples: GraphStore) -> None:
    """The shapes are per article graph (ontology/shapes.ttl): across articles one person may carry
    each article's wording ("Hakan Fidan", "Fidan"), so the union is checked for exactly that."""
    rows = samples.query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
        "SELECT ?p (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(DISTINCT ?l) AS ?labels) "
        "WHERE { GRAPH ?g { ?p a foaf:Person ; rdfs:label ?l } } GROUP BY ?p")
    for row in rows:
        assert int(row["labels"].value) <= int(row["graphs"].value), row["p"]


# -- evidence ---------------------------------------------------------------------------------------------

EVIDENCE = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX ng: <https://w3id.org/newsgraph/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id ?claim ?kind ?exact ?start ?end WHERE { GRAPH ?g {
  ?claim a ?kind ; ng:evidence ?ev ; prov:wasDerivedFrom ?doc . ?doc dcterms:identifier ?id .
  VALUES ?kind { ng:PostHolding ng:Meeting ng:BlocMembership }
  ?ev oa:hasTarget ?t . ?t oa:hasSelector ?q, ?p .
  ?q a oa:TextQuoteSelector ; oa:exact ?exact . ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
} }"""


@pytest.mark.parametrize("which", ["samples", "seed"])
def test_evidence_offsets_slice_the_quote_from_the_article(request: pytest.FixtureRequest,
                                                           which: str) -> None:
    store: GraphStore = request.getfixturevalue(which)
    texts = {a.id: a.text for a in iter_articles([SAMPLES if which == "samples" else SEED])}
    rows = list(store.query(EVIDENCE))  # type: ignore[arg-type]
    kinds = {r["kind"].value.rsplit("#", 1)[1] for r in rows}
    assert "PostHolding" in kinds and "Meeting" in kinds
    def sliced(r: ox.QuerySolution) -> str:
        return texts[r["id"].value][int(r["start"].value):int(r["end"].value)]

    wrong = [(r["claim"].value, r["exact"].value) for r in rows if sliced(r) != r["exact"].value]
    assert wrong == []
    posts = {r["claim"].value for r in rows if r["kind"].value.endswith("#PostHolding")}
    assert len(posts) == len(contract(store, "posts"))  # every post claim has its evidence
