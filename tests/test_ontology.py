"""The ontology, role scheme, shapes, example and contract queries agree with each other and
with what the mapper publishes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from newsgraph import roles
from newsgraph.facts import (
    Article,
    ArticleFacts,
    BlocMembership,
    Entity,
    Evidence,
    Kind,
    Meeting,
    PostClaim,
    Status,
)
from newsgraph.mapping import article_graph, to_quads
from newsgraph.resources import ontology_path, sparql_dir
from newsgraph.vocab import PREFIXES

NG = rdflib.Namespace(PREFIXES["ng"])
NGR = rdflib.Namespace(PREFIXES["ngr"])
EXAMPLE_BASE = "http://localhost:8080/"

# --- the seed article's facts, as in ontology/examples/seed-article.ttl --------------------------
# The article's text is its publisher's, so evidence quotes are sentence references; the offsets
# are the real ones.

SEED_ID = "000_cb871da6658fd24f"
SEED_RUN_AT = datetime(2024, 6, 11, 9, 0, tzinfo=UTC)
SENTENCES = {1: (0, 159), 2: (161, 435), 3: (437, 814), 9: (1371, 1533), 12: (1701, 1869), 13: (1871, 2064)}


def _ev(n: int) -> Evidence:
    return Evidence(f"[sentence {n} of the article]", *SENTENCES[n])


def seed_facts() -> ArticleFacts:
    def person(name: str, *aliases: str) -> Entity:
        return Entity(f"person:{name}", Kind.PERSON, name, aliases=set(aliases))

    def country(name: str, qid: str | None = None) -> Entity:
        return Entity(f"country:{name}", Kind.COUNTRY, name, wikidata=qid)

    def org(name: str, country_name: str | None, org_type: str, *aliases: str) -> Entity:
        return Entity(f"organization:{name}", Kind.ORGANIZATION, name, aliases=set(aliases),
                      country=f"country:{country_name}" if country_name else None, org_type=org_type)

    founders = ["Brazil", "Russia", "India", "China", "South Africa"]
    joined = ["Egypt", "Ethiopia", "Iran", "United Arab Emirates"]
    entities = [
        person("Hakan Fidan", "Fidan"), person("Sergey Shoygu", "Shoygu"), person("Ibrahim Kalin", "Kalin"),
        person("Yasar Guler", "Guler"), person("Seyfullah Hacimuftuoglu", "Hacimuftuoglu"),
        person("Sergey Naryshkin", "Naryshkin"),
        country("Türkiye"), country("Russia", "Q159"),
        *(country(c) for c in ["Brazil", "India", "China", "South Africa", *joined,
                               "Azerbaijan", "Armenia", "Ukraine", "Syria"]),
        org("Ministry of Foreign Affairs", "Türkiye", "government", "Foreign Ministry"),
        org("Security Council of Russia", "Russia", "government", "Security Council"),
        org("National Intelligence Organization", "Türkiye", "government", "MIT"),
        org("National Security Council", "Türkiye", "government"),
        org("Federal Security Service", "Russia", "government", "FSB"),
        org("Russian-Turkish Businessmen's Association", None, "association"),
        org("BRICS", None, "bloc"),
        Entity("place:Moscow", Kind.PLACE, "Moscow", country="country:Russia"),
    ]
    posts = [
        PostClaim("person:Hakan Fidan", "Foreign Minister", _ev(1), role_type="foreign-minister",
                  organization="organization:Ministry of Foreign Affairs", country="country:Türkiye",
                  confidence=0.9),
        PostClaim("person:Sergey Shoygu", "secretary", _ev(1), role_type="secretary",
                  organization="organization:Security Council of Russia", country="country:Russia",
                  confidence=0.85),
        PostClaim("person:Sergey Shoygu", "defense minister", _ev(2), role_type="defence-minister",
                  country="country:Russia", status=Status.FORMER, confidence=0.75),
        PostClaim("person:Ibrahim Kalin", "head", _ev(3), role_type="head-of-agency",
                  organization="organization:National Intelligence Organization", country="country:Türkiye",
                  confidence=0.85),
        PostClaim("person:Yasar Guler", "National Defense Minister", _ev(3), role_type="defence-minister",
                  country="country:Türkiye", confidence=0.8),
        PostClaim("person:Seyfullah Hacimuftuoglu", "Secretary General", _ev(3),
                  role_type="secretary-general", organization="organization:National Security Council",
                  country="country:Türkiye", confidence=0.8),
        PostClaim("person:Sergey Naryshkin", "head", _ev(9), role_type="head-of-agency",
                  organization="organization:Federal Security Service", country="country:Russia",
                  confidence=0.85),
    ]
    meetings = [
        Meeting(["person:Hakan Fidan", "person:Sergey Shoygu"], _ev(1), place="place:Moscow",
                date_text="Monday", topics=["Gaza", "Syria", "Azerbaijan-Armenia peace agreement", "Ukraine"],
                confidence=0.9),
        Meeting(["person:Hakan Fidan", "person:Sergey Naryshkin"], _ev(9), confidence=0.8),
    ]
    memberships = [BlocMembership(f"country:{c}", "organization:BRICS", _ev(12), confidence=0.8)
                   for c in founders]
    memberships += [BlocMembership(f"country:{c}", "organization:BRICS", _ev(13), confidence=0.85)
                    for c in joined]
    return ArticleFacts(Article(id=SEED_ID, text=""), {e.key: e for e in entities}, posts, meetings,
                        memberships, extractor="newsgraph 0.1.0 / written by hand")


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_path("newsgraph.ttl"))


@pytest.fixture(scope="module")
def scheme() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_path("roles.ttl"))


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_path("shapes.ttl"))


@pytest.fixture(scope="module")
def example() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_path("examples/seed-article.ttl"))


def _to_rdflib(quads: list[ox.Quad]) -> rdflib.Graph:
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


@pytest.fixture(scope="module")
def seed_quads() -> list[ox.Quad]:
    return to_quads(seed_facts(), EXAMPLE_BASE, generated_at=SEED_RUN_AT)


@pytest.fixture(scope="module")
def seed_store(seed_quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(seed_quads)
    return store


# --- ontology -------------------------------------------------------------------------------------


def test_ontology_header(ontology: rdflib.Graph) -> None:
    onto = rdflib.URIRef("https://w3id.org/newsgraph/ns")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionInfo) is not None
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    for p in (dct.title, dct.description, dct.license):
        assert ontology.value(onto, p) is not None, p


def test_every_ng_term_has_label_and_comment(ontology: rdflib.Graph) -> None:
    terms = {s for s in ontology.subjects() if isinstance(s, rdflib.URIRef) and s.startswith(str(NG))}
    assert {NG.Person, NG.Country, NG.PostHolding, NG.BlocMembership, NG.Meeting, NG.Status, NG.Current,
            NG.Former, NG.status, NG.roleLabel, NG.country, NG.confidence, NG.evidence, NG.dateText,
            NG.topic, NG.extractor, NG.organizationType} <= terms
    for term in terms:
        assert ontology.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
        assert ontology.value(term, RDFS.comment) is not None, f"{term} has no rdfs:comment"


def test_properties_are_typed_owl(ontology: rdflib.Graph) -> None:
    object_props = {NG.status, NG.country, NG.evidence}
    data_props = {NG.roleLabel, NG.confidence, NG.dateText, NG.topic, NG.extractor, NG.organizationType}
    assert all((p, RDF.type, OWL.ObjectProperty) in ontology for p in object_props)
    assert all((p, RDF.type, OWL.DatatypeProperty) in ontology for p in data_props)
    assert (NG.PostHolding, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/org#Membership")) in ontology
    assert (NG.country, OWL.equivalentProperty, None) not in ontology  # aligned with P17, not equated


def test_every_ng_term_the_mapper_uses_is_defined(ontology: rdflib.Graph, seed_quads: list[ox.Quad]) -> None:
    used = set()
    for q in seed_quads:
        for term in (q.predicate, q.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(str(NG)):
                used.add(rdflib.URIRef(term.value))
    assert used
    undefined = {t for t in used if (t, RDFS.label, None) not in ontology}
    assert not undefined, f"mapper uses undeclared terms {undefined}"


# --- role scheme --------------------------------------------------------------------------------------


def test_every_role_concept_has_pref_label_definition_and_scheme(scheme: rdflib.Graph) -> None:
    concepts = set(scheme.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 30
    for c in concepts:
        assert c.startswith(str(NGR))
        assert (c, SKOS.inScheme, NGR[""]) in scheme, c
        assert len(list(scheme.objects(c, SKOS.prefLabel))) == 1, c
        assert scheme.value(c, SKOS.definition) is not None, c
    assert set(roles.concepts()) == {c.removeprefix(str(NGR)) for c in concepts}


def test_role_scheme_covers_the_briefed_roles() -> None:
    needed = {"head-of-state", "head-of-government", "deputy-head-of-government", "foreign-minister",
              "defence-minister", "finance-minister", "interior-minister", "justice-minister",
              "trade-minister", "economy-minister", "energy-minister", "health-minister",
              "education-minister", "minister", "deputy-minister", "secretary-general", "secretary",
              "spokesperson", "head-of-agency", "ambassador", "party-leader", "chief-executive", "chair",
              "president-of-organization", "governor", "economist", "analyst", "member-of-parliament",
              "mayor", "military-chief", "judge", "envoy"}
    assert needed <= set(roles.concepts())


def test_wikidata_matches_are_item_iris(scheme: rdflib.Graph) -> None:
    kinds = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
    matches = [o for p in kinds for o in scheme.objects(None, p)]
    assert matches
    assert all(re.fullmatch(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*", str(o)) for o in matches)


def test_no_two_concepts_share_a_folded_label(scheme: rdflib.Graph) -> None:
    owner: dict[tuple[str, ...], rdflib.term.Node] = {}
    for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
        for c, label in scheme.subject_objects(p):
            key = roles.normalize(str(label))
            assert owner.setdefault(key, c) == c, f"{label!r} used by {owner[key]} and {c}"


@pytest.mark.parametrize(("wording", "concept"), [
    ("Foreign Minister", "foreign-minister"),
    ("Turkish Foreign Minister", "foreign-minister"),
    ("Minister of Foreign Affairs", "foreign-minister"),
    ("Secretary of State", "foreign-minister"),
    ("U.S. Secretary of State", "foreign-minister"),
    ("Foreign Secretary", "foreign-minister"),
    ("top diplomat", "foreign-minister"),
    ("National Defense Minister", "defence-minister"),
    ("Minister of National Defence", "defence-minister"),
    ("Defence Secretary", "defence-minister"),
    ("Secretary of Defense", "defence-minister"),
    ("defense ministers", "defence-minister"),
    ("former defense minister", "defence-minister"),
    ("Chancellor of the Exchequer", "finance-minister"),
    ("Treasury Secretary", "finance-minister"),
    ("Minister of Finance", "finance-minister"),
    ("Home Secretary", "interior-minister"),
    ("Secretary of State for the Home Department", "interior-minister"),
    ("Minister of Energy and Mines", "energy-minister"),
    ("Secretary of State for Health", "health-minister"),
    ("Acting Prime Minister", "head-of-government"),
    ("PM", "head-of-government"),
    ("Chancellor", "head-of-government"),
    ("Deputy Prime Minister", "deputy-head-of-government"),
    ("deputy foreign minister", "deputy-minister"),
    ("Assistant Secretary of Energy", "deputy-minister"),
    ("Minister of State for Trade", "deputy-minister"),
    ("President", "head-of-state"),
    ("president-elect", "head-of-state"),
    ("King of Jordan", "head-of-state"),
    ("vice-president", "deputy-head-of-state"),
    ("Secretary General", "secretary-general"),
    ("secretary", "secretary"),
    ("Secretary of the Security Council", "secretary"),
    ("head", "head-of-agency"),
    ("Head of the National Intelligence Organization", "head-of-agency"),
    ("director", "head-of-agency"),
    ("boss", "chief-executive"),
    ("Chairman and Chief Executive", "chief-executive"),
    ("CEO's", "chief-executive"),
    ("co-chairman", "chair"),
    ("Bank of England governor", "governor"),
    ("chief economist", "economist"),
    ("MPs", "member-of-parliament"),
    ("lawmaker", "member-of-parliament"),
    ("senator", "member-of-parliament"),
    ("Tory leader", "party-leader"),
    ("foreign ministry spokesman", "spokesperson"),
    ("ambassador to the United Nations", "ambassador"),
    ("special envoy", "envoy"),
    ("chief of staff", "military-chief"),
    ("Mayor", "mayor"),
    ("Chief Justice", "judge"),
    ("Minister of Tourism", "minister"),
    ("Prime Minister Jacques Chirac", "head-of-government"),
])
def test_role_type_maps_wordings(wording: str, concept: str) -> None:
    assert roles.role_type(wording) == concept


@pytest.mark.parametrize("wording", ["shadow chancellor", "deputy director", "vice chairman", "nanny",
                                     "election supremo", "Chief Whisperer", "", "   "])
def test_role_type_leaves_unknown_or_different_roles_unmapped(wording: str) -> None:
    assert roles.role_type(wording) is None


def test_role_label_and_iri() -> None:
    assert roles.role_label("foreign-minister") == "Foreign minister"
    assert roles.role_label("no-such-role") is None
    assert roles.role_iri("mayor").value == "https://w3id.org/newsgraph/roles/mayor"
    with pytest.raises(ValueError):
        roles.role_iri("no-such-role")
    assert roles.is_minister("energy-minister") and not roles.is_minister("mayor")


# --- shapes and the hand-written example -----------------------------------------------------------


def _validate(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology)
    return bool(conforms), text


def test_example_validates_against_shapes(example: rdflib.Graph, shapes: rdflib.Graph,
                                          ontology: rdflib.Graph) -> None:
    conforms, text = _validate(example, shapes, ontology)
    assert conforms, text


def test_shapes_reject_a_claim_without_status_and_a_person_with_two_labels(
        example: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
    broken = rdflib.Graph() + example
    claim = rdflib.URIRef(f"{EXAMPLE_BASE}id/claim/000_cb871da6658fd24f/post-1")
    broken.remove((claim, NG.status, None))
    fidan = rdflib.URIRef(f"{EXAMPLE_BASE}id/person/hakan-fidan")
    broken.add((fidan, RDFS.label, rdflib.Literal("H. Fidan")))
    conforms, text = _validate(broken, shapes, ontology)
    assert not conforms
    assert "ng:status" in text and "rdfs:label" in text


def test_mapper_output_for_the_seed_facts_is_the_example(example: rdflib.Graph,
                                                          seed_quads: list[ox.Quad]) -> None:
    mapped = _to_rdflib(seed_quads)
    if not isomorphic(mapped, example):
        _, only_mapped, only_example = graph_diff(to_isomorphic(mapped), to_isomorphic(example))
        pytest.fail(f"mapper only: {sorted(only_mapped)[:5]}\nexample only: {sorted(only_example)[:5]}")
    assert {q.graph_name for q in seed_quads} == {article_graph(EXAMPLE_BASE, SEED_ID)}


def test_mapper_output_validates_graph_by_graph(shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
    """Two articles naming the same person differently: each graph conforms on its own."""
    def one(article_id: str, name: str) -> ArticleFacts:
        kalin = Entity("person:k", Kind.PERSON, name)
        mit = Entity("organization:mit", Kind.ORGANIZATION, "MIT", org_type="government")
        return ArticleFacts(Article(article_id, ""), {"person:k": kalin, "organization:mit": mit},
                            posts=[PostClaim("person:k", "head", Evidence("[s1]", 0, 10),
                                             organization="organization:mit")])
    for facts in (one("x1", "İbrahim Kalın"), one("x2", "Ibrahim Kalin")):
        conforms, text = _validate(_to_rdflib(to_quads(facts, EXAMPLE_BASE)), shapes, ontology)
        assert conforms, text


# --- contract and example queries ------------------------------------------------------------------

CONTRACT_VARIABLES = {
    "persons": ["article", "label", "wikidata"],
    "organizations": ["article", "label", "country", "wikidata"],
    "posts": ["article", "person", "role", "organization", "country", "status"],
    "meetings": ["article", "meeting", "participant", "place", "date"],
    "memberships": ["article", "member", "organization"],
}


def _rows(store: ox.Store, name: str) -> tuple[list[str], list[tuple[str | None, ...]]]:
    query = (sparql_dir() / "contract" / f"{name}.rq").read_text(encoding="utf-8")
    result = store.query(query, use_default_graph_as_union=True)
    variables = [v.value for v in result.variables]
    rows = [tuple(None if s[v] is None else s[v].value for v in variables) for s in result]
    return variables, rows


@pytest.mark.parametrize("name", sorted(CONTRACT_VARIABLES))
def test_contract_query_has_comment_and_exact_variables(seed_store: ox.Store, name: str) -> None:
    text = (sparql_dir() / "contract" / f"{name}.rq").read_text(encoding="utf-8")
    assert text.startswith("# ") and len(text.splitlines()[0]) > 10
    variables, _ = _rows(seed_store, name)
    assert variables == CONTRACT_VARIABLES[name]


def test_contract_persons_and_organizations(seed_store: ox.Store) -> None:
    _, persons = _rows(seed_store, "persons")
    assert sorted(r[1] for r in persons) == ["Hakan Fidan", "Ibrahim Kalin", "Sergey Naryshkin",
                                            "Sergey Shoygu", "Seyfullah Hacimuftuoglu", "Yasar Guler"]
    assert {r[0] for r in persons} == {SEED_ID}
    assert all(r[2] is None for r in persons)
    _, orgs = _rows(seed_store, "organizations")
    assert sorted((r[1], r[2]) for r in orgs) == sorted([
        ("BRICS", None), ("Federal Security Service", "Russia"), ("Ministry of Foreign Affairs", "Türkiye"),
        ("National Intelligence Organization", "Türkiye"), ("National Security Council", "Türkiye"),
        ("Russian-Turkish Businessmen's Association", None), ("Security Council of Russia", "Russia")],
        key=lambda t: t[0])


def test_contract_posts(seed_store: ox.Store) -> None:
    _, rows = _rows(seed_store, "posts")
    assert sorted(rows, key=lambda r: (r[1], r[2])) == [
        (SEED_ID, "Hakan Fidan", "Foreign Minister", "Ministry of Foreign Affairs", "Türkiye", "current"),
        (SEED_ID, "Ibrahim Kalin", "head", "National Intelligence Organization", "Türkiye", "current"),
        (SEED_ID, "Sergey Naryshkin", "head", "Federal Security Service", "Russia", "current"),
        (SEED_ID, "Sergey Shoygu", "defense minister", None, "Russia", "former"),
        (SEED_ID, "Sergey Shoygu", "secretary", "Security Council of Russia", "Russia", "current"),
        (SEED_ID, "Seyfullah Hacimuftuoglu", "Secretary General", "National Security Council", "Türkiye",
         "current"),
        (SEED_ID, "Yasar Guler", "National Defense Minister", None, "Türkiye", "current"),
    ]


def test_contract_meetings_and_memberships(seed_store: ox.Store) -> None:
    _, rows = _rows(seed_store, "meetings")
    meeting1 = f"{EXAMPLE_BASE}id/claim/000_cb871da6658fd24f/meeting-1"
    meeting2 = f"{EXAMPLE_BASE}id/claim/000_cb871da6658fd24f/meeting-2"
    assert rows == [
        (SEED_ID, meeting1, "Hakan Fidan", "Moscow", "Monday"),
        (SEED_ID, meeting1, "Sergey Shoygu", "Moscow", "Monday"),
        (SEED_ID, meeting2, "Hakan Fidan", None, None),
        (SEED_ID, meeting2, "Sergey Naryshkin", None, None),
    ]
    _, rows = _rows(seed_store, "memberships")
    assert {r[2] for r in rows} == {"BRICS"}
    assert sorted(r[1] for r in rows) == sorted(["Brazil", "Russia", "India", "China", "South Africa",
                                                "Egypt", "Ethiopia", "Iran", "United Arab Emirates"])


def test_contract_labels_come_from_each_articles_own_graph() -> None:
    store = ox.Store()
    for article_id, name in (("x1", "İbrahim Kalın"), ("x2", "Ibrahim Kalin")):
        kalin = Entity("person:k", Kind.PERSON, name, wikidata="Q1" if article_id == "x1" else None)
        store.extend(to_quads(ArticleFacts(Article(article_id, ""), {"person:k": kalin}), EXAMPLE_BASE))
    _, rows = _rows(store, "persons")
    assert sorted(rows) == [("x1", "İbrahim Kalın", "http://www.wikidata.org/entity/Q1"),
                            ("x2", "Ibrahim Kalin", None)]


def test_meeting_date_prefers_the_resolved_date() -> None:
    store = ox.Store()
    a, b = Entity("person:a", Kind.PERSON, "Ana Lopes"), Entity("person:b", Kind.PERSON, "Ben Ruiz")
    meeting = Meeting(["person:a", "person:b"], Evidence("[s1]", 0, 5), date=datetime(2024, 3, 4).date(),
                      date_text="on Monday")
    store.extend(to_quads(ArticleFacts(Article("d1", ""), {"person:a": a, "person:b": b}, meetings=[meeting]),
                          EXAMPLE_BASE))
    _, rows = _rows(store, "meetings")
    assert {r[4] for r in rows} == {"2024-03-04"}


def test_former_bloc_members_are_not_listed() -> None:
    store = ox.Store()
    eu = Entity("organization:eu", Kind.ORGANIZATION, "European Union", org_type="bloc")
    ents = {"country:uk": Entity("country:uk", Kind.COUNTRY, "United Kingdom"), "organization:eu": eu}
    mem = BlocMembership("country:uk", "organization:eu", Evidence("[s1]", 0, 5), status=Status.FORMER)
    store.extend(to_quads(ArticleFacts(Article("m1", ""), ents, memberships=[mem]), EXAMPLE_BASE))
    assert _rows(store, "memberships")[1] == []


EXAMPLE_QUERIES = ["who-holds-which-post", "who-met-whom", "bloc-members", "article-facts-with-evidence",
                   "former-posts"]


@pytest.mark.parametrize("name", EXAMPLE_QUERIES)
def test_example_queries_are_titled_and_run(seed_store: ox.Store, name: str) -> None:
    path: Path = sparql_dir() / f"{name}.rq"
    first, second = path.read_text(encoding="utf-8").splitlines()[:2]
    assert first.startswith("# title: ") and second.startswith("# ") and not second.startswith("# title")
    rows = list(seed_store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True))
    assert rows, f"{name} returned nothing on the seed article"


def test_evidence_query_returns_offsets_for_every_claim(seed_store: ox.Store) -> None:
    query = (sparql_dir() / "article-facts-with-evidence.rq").read_text(encoding="utf-8")
    rows = list(seed_store.query(query, use_default_graph_as_union=True))
    assert len(rows) == 7 + 2 + 9
    naryshkin = [r for r in rows if r["claim"].value.endswith("/post-7")]
    assert [(r["start"].value, r["end"].value) for r in naryshkin] == [("1371", "1533")]


def test_resources_find_ontology_and_sparql() -> None:
    assert ontology_path("roles.ttl").name == "roles.ttl"
    assert (sparql_dir() / "contract" / "posts.rq").is_file()
    with pytest.raises(FileNotFoundError):
        ontology_path("missing.ttl")
