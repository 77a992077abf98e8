"""The mapper turns hand-built facts into exactly the data model of ontology/README.md."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyoxigraph as ox
import pytest

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
from newsgraph.mapping import article_graph, article_iri, confidence_literal, entity_iri, to_quads
from newsgraph.store import GraphStore
from newsgraph.vocab import (
    DCTERMS,
    FOAF,
    NG,
    NGR,
    OA,
    OPENGOV,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    WD,
    XSD,
)

BASE = "http://example.org/"
RUN_AT = datetime(2024, 6, 10, 12, 0, tzinfo=UTC)
# Example text of our own; offsets below index into it.
TEXT = ("Foreign Minister Ayla Demir met Defence Minister Jonas Berg in Oslo on Tuesday. "
        "Berg, a former finance minister, said Norway remains a NATO member.")
SENT1 = Evidence(TEXT[:79], 0, 79)
SENT2 = Evidence(TEXT[80:], 80, len(TEXT))


def person(name: str, *aliases: str, qid: str | None = None) -> Entity:
    return Entity(f"person:{name}", Kind.PERSON, name, aliases=set(aliases), wikidata=qid)


def country(name: str) -> Entity:
    return Entity(f"country:{name}", Kind.COUNTRY, name)


def org(name: str, country_name: str | None = None, org_type: str | None = "government") -> Entity:
    return Entity(f"organization:{name}", Kind.ORGANIZATION, name,
                  country=f"country:{country_name}" if country_name else None, org_type=org_type)


def facts(article_id: str = "a1", *, entities: list[Entity], posts: list[PostClaim] = (),
          meetings: list[Meeting] = (), memberships: list[BlocMembership] = ()) -> ArticleFacts:
    return ArticleFacts(Article(article_id, TEXT, title="Talks in Oslo", url="https://news.example/a1",
                                published=date(2024, 6, 11)),
                        {e.key: e for e in entities}, list(posts), list(meetings), list(memberships),
                        extractor="newsgraph test")


@pytest.fixture
def oslo() -> ArticleFacts:
    return facts(
        entities=[person("Ayla Demir", "Demir"), person("Jonas Berg", "Berg", qid="Q4242"),
                  country("Norway"), org("Ministry of Defence", "Norway"), org("NATO", None, "bloc"),
                  Entity("place:Oslo", Kind.PLACE, "Oslo", country="country:Norway")],
        posts=[PostClaim("person:Ayla Demir", "Foreign Minister", SENT1, role_type="foreign-minister",
                         country="country:Norway", confidence=0.876),
               PostClaim("person:Jonas Berg", "Defence Minister", SENT1,
                         organization="organization:Ministry of Defence"),
               PostClaim("person:Jonas Berg", "finance minister", SENT2, country="country:Norway",
                         status=Status.FORMER)],
        meetings=[Meeting(["person:Ayla Demir", "person:Jonas Berg"], SENT1, place="place:Oslo",
                          date=date(2024, 6, 11), date_text="on Tuesday", topics=["defence spending"])],
        memberships=[BlocMembership("country:Norway", "organization:NATO", SENT2)],
    )


def triples(quads: list[ox.Quad]) -> set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]]:
    return {(q.subject, q.predicate, q.object) for q in quads}


def objects(quads: list[ox.Quad], s: ox.NamedNode, p: ox.NamedNode) -> set[object]:
    return {q.object for q in quads if q.subject == s and q.predicate == p}


def subjects_of_type(quads: list[ox.Quad], cls: ox.NamedNode) -> list[ox.NamedNode]:
    return sorted((q.subject for q in quads if q.predicate == RDF.type and q.object == cls), key=str)


def test_everything_lands_in_the_article_graph(oslo: ArticleFacts) -> None:
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    assert {q.graph_name for q in quads} == {ox.NamedNode("http://example.org/graph/article/a1")}
    assert article_graph(BASE, "a1") == ox.NamedNode("http://example.org/graph/article/a1")
    assert len(quads) == len(set(quads)), "no duplicate quads"


def test_article_resource_carries_identifier_title_url_and_date(oslo: ArticleFacts) -> None:
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    art = article_iri(BASE, "a1")
    assert art == ox.NamedNode("http://example.org/id/article/a1")
    assert objects(quads, art, RDF.type) == {SCHEMA.NewsArticle}
    assert objects(quads, art, DCTERMS.identifier) == {ox.Literal("a1")}
    assert objects(quads, art, DCTERMS.title) == {ox.Literal("Talks in Oslo")}
    assert objects(quads, art, SCHEMA.url) == {ox.NamedNode("https://news.example/a1")}
    assert objects(quads, art, DCTERMS.issued) == {ox.Literal("2024-06-11", datatype=XSD.date)}
    run = ox.NamedNode("http://example.org/id/run/a1")
    assert objects(quads, run, PROV.used) == {art}
    assert objects(quads, run, NG.extractor) == {ox.Literal("newsgraph test")}
    assert objects(quads, run, PROV.endedAtTime) == {
        ox.Literal("2024-06-10T12:00:00+00:00", datatype=XSD.dateTime)}


def test_entities_get_kind_iris_types_labels_and_aliases(oslo: ArticleFacts) -> None:
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    berg = ox.NamedNode("http://example.org/id/person/jonas-berg")
    assert objects(quads, berg, RDF.type) == {NG.Person, FOAF.Person, SCHEMA.Person}
    assert objects(quads, berg, RDFS.label) == {ox.Literal("Jonas Berg")}
    assert objects(quads, berg, OWL.sameAs) == {WD.Q4242}
    norway = ox.NamedNode("http://example.org/id/country/norway")
    assert objects(quads, norway, RDF.type) == {NG.Country, SCHEMA.Country}
    nato = ox.NamedNode("http://example.org/id/org/nato")
    assert ORG.OrganizationalCollaboration in objects(quads, nato, RDF.type)
    assert objects(quads, nato, NG.organizationType) == {ox.Literal("bloc")}
    mod = ox.NamedNode("http://example.org/id/org/norway-ministry-of-defence")
    assert objects(quads, mod, RDF.type) == {ORG.Organization, ORG.FormalOrganization}
    assert objects(quads, mod, NG.country) == {norway}
    oslo_place = ox.NamedNode("http://example.org/id/place/oslo")
    assert objects(quads, oslo_place, NG.country) == {norway}
    mentioned = objects(quads, article_iri(BASE, "a1"), SCHEMA.mentions)
    assert {berg, norway, nato, mod, oslo_place} <= mentioned


def test_labels_are_plain_strings(oslo: ArticleFacts) -> None:
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    labels = [q.object for q in quads if q.predicate in (RDFS.label, NG.roleLabel)]
    assert labels
    assert all(isinstance(lit, ox.Literal) and lit.datatype == XSD.string and lit.language is None
               for lit in labels)


def test_current_and_former_posts(oslo: ArticleFacts) -> None:
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    claims = subjects_of_type(quads, NG.PostHolding)
    assert [c.value for c in claims] == [f"http://example.org/id/claim/a1/post-{n}" for n in (1, 2, 3)]
    demir, defence, former = claims
    assert objects(quads, demir, NG.status) == {NG.Current}
    assert objects(quads, former, NG.status) == {NG.Former}
    assert objects(quads, former, NG.roleLabel) == {ox.Literal("finance minister")}
    # role type from the claim, or from the wording when the extractor left it out
    assert objects(quads, demir, ORG.role) == {NGR["foreign-minister"]}
    assert objects(quads, defence, ORG.role) == {NGR["defence-minister"]}
    assert objects(quads, former, ORG.role) == {NGR["finance-minister"]}
    # posts: org + role type when tied to an organization, else country + role type
    defence_post = ox.NamedNode("http://example.org/id/post/norway-ministry-of-defence/defence-minister")
    finance_post = ox.NamedNode("http://example.org/id/post/norway/finance-minister")
    assert objects(quads, defence, OPENGOV.post) == {defence_post}
    assert objects(quads, former, OPENGOV.post) == {finance_post}
    ministry = ox.NamedNode("http://example.org/id/org/norway-ministry-of-defence")
    assert objects(quads, defence_post, ORG.postIn) == {ministry}
    assert objects(quads, defence_post, RDFS.label) == {
        ox.Literal("Defence minister (Ministry of Defence, Norway)")}
    # the organization's country becomes the claim's country
    assert objects(quads, defence, NG.country) == {ox.NamedNode("http://example.org/id/country/norway")}
    # org:holds only for what is held now
    berg = ox.NamedNode("http://example.org/id/person/jonas-berg")
    assert objects(quads, berg, ORG.holds) == {defence_post}
    assert objects(quads, demir, ORG.member) == {ox.NamedNode("http://example.org/id/person/ayla-demir")}


def test_post_without_role_type_or_anchor_uses_slug_and_holder() -> None:
    f = facts(entities=[person("Kari Nord")],
              posts=[PostClaim("person:Kari Nord", "Chief Whisperer", SENT1)])
    quads = to_quads(f, BASE, generated_at=RUN_AT)
    claim = ox.NamedNode("http://example.org/id/claim/a1/post-1")
    assert objects(quads, claim, ORG.role) == set()
    post = ox.NamedNode("http://example.org/id/post/person-kari-nord/chief-whisperer")
    assert objects(quads, claim, OPENGOV.post) == {post}
    assert objects(quads, post, RDFS.label) == {ox.Literal("Chief Whisperer (Kari Nord)")}


def test_evidence_annotation_has_quote_and_offsets(oslo: ArticleFacts) -> None:
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    claim = ox.NamedNode("http://example.org/id/claim/a1/membership-1")
    note = ox.NamedNode(claim.value + "#evidence")
    target = ox.NamedNode(claim.value + "#target")
    quote = ox.NamedNode(claim.value + "#quote")
    position = ox.NamedNode(claim.value + "#position")
    t = triples(quads)
    assert (claim, NG.evidence, note) in t
    assert (claim, PROV.wasDerivedFrom, article_iri(BASE, "a1")) in t
    assert (note, OA.hasBody, claim) in t and (note, OA.hasTarget, target) in t
    assert (target, OA.hasSource, article_iri(BASE, "a1")) in t
    assert objects(quads, target, OA.hasSelector) == {quote, position}
    assert objects(quads, quote, OA.exact) == {ox.Literal(TEXT[80:])}
    assert objects(quads, position, OA.start) == {ox.Literal("80", datatype=XSD.integer)}
    assert objects(quads, position, OA.end) == {ox.Literal(str(len(TEXT)), datatype=XSD.integer)}
    assert TEXT[80:len(TEXT)] == SENT2.quote


def test_confidence_is_a_two_place_decimal_in_unit_range(oslo: ArticleFacts) -> None:
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    demir = ox.NamedNode("http://example.org/id/claim/a1/post-1")
    assert objects(quads, demir, NG.confidence) == {ox.Literal("0.88", datatype=XSD.decimal)}
    assert confidence_literal(0.125).value == "0.13"  # half-up, not banker's rounding
    assert confidence_literal(1.7).value == "1.00"
    assert confidence_literal(-0.2).value == "0.00"


def test_meeting_actors_place_date_and_topics(oslo: ArticleFacts) -> None:
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    meeting = ox.NamedNode("http://example.org/id/claim/a1/meeting-1")
    people = {ox.NamedNode("http://example.org/id/person/ayla-demir"),
              ox.NamedNode("http://example.org/id/person/jonas-berg")}
    assert objects(quads, meeting, RDF.type) == {NG.Meeting, SEM.Event, SCHEMA.Event}
    assert objects(quads, meeting, SEM.hasActor) == people == objects(quads, meeting, SCHEMA.attendee)
    assert objects(quads, meeting, SEM.hasPlace) == {ox.NamedNode("http://example.org/id/place/oslo")}
    assert objects(quads, meeting, SCHEMA.startDate) == {ox.Literal("2024-06-11", datatype=XSD.date)}
    assert objects(quads, meeting, NG.dateText) == {ox.Literal("on Tuesday")}
    assert objects(quads, meeting, NG.topic) == {ox.Literal("defence spending")}


def test_bloc_membership(oslo: ArticleFacts) -> None:
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    claim = ox.NamedNode("http://example.org/id/claim/a1/membership-1")
    assert objects(quads, claim, RDF.type) == {ORG.Membership, NG.BlocMembership}
    assert objects(quads, claim, ORG.member) == {ox.NamedNode("http://example.org/id/country/norway")}
    assert objects(quads, claim, ORG.organization) == {ox.NamedNode("http://example.org/id/org/nato")}
    assert objects(quads, claim, NG.status) == {NG.Current}


def test_same_person_in_two_articles_gets_one_iri() -> None:
    a = facts("a1", entities=[person("Ayla Demir")])
    b = facts("b2", entities=[person("Ayla Demir", "Demir")])
    qa, qb = to_quads(a, BASE, generated_at=RUN_AT), to_quads(b, BASE, generated_at=RUN_AT)
    people_a = set(subjects_of_type(qa, FOAF.Person))
    people_b = set(subjects_of_type(qb, FOAF.Person))
    assert people_a == people_b == {ox.NamedNode("http://example.org/id/person/ayla-demir")}
    assert {q.graph_name for q in qa} != {q.graph_name for q in qb}


def test_two_countries_ministries_of_the_same_name_stay_apart() -> None:
    entities = [country("Norway"), country("Sweden"), org("Ministry of Foreign Affairs", "Norway"),
                Entity("organization:mfa-se", Kind.ORGANIZATION, "Ministry of Foreign Affairs",
                       country="country:Sweden", org_type="government")]
    by_key = {e.key: e for e in entities}
    iris = {entity_iri(BASE, e, by_key) for e in entities if e.kind is Kind.ORGANIZATION}
    assert iris == {ox.NamedNode("http://example.org/id/org/norway-ministry-of-foreign-affairs"),
                    ox.NamedNode("http://example.org/id/org/sweden-ministry-of-foreign-affairs")}


def test_blocs_companies_and_self_naming_bodies_keep_their_plain_slug() -> None:
    entities = [country("Russia"), org("BRICS", "Russia", "bloc"), org("Gazprom", "Russia", "company"),
                org("Security Council of Russia", "Russia")]
    by_key = {e.key: e for e in entities}
    assert [entity_iri(BASE, e, by_key).value for e in entities[1:]] == [
        "http://example.org/id/org/brics", "http://example.org/id/org/gazprom",
        "http://example.org/id/org/security-council-of-russia"]


def test_second_name_for_the_same_iri_becomes_an_alt_label() -> None:
    f = facts(entities=[country("Türkiye"), Entity("country:tr", Kind.COUNTRY, "Turkiye")])
    quads = to_quads(f, BASE, generated_at=RUN_AT)
    tr = ox.NamedNode("http://example.org/id/country/turkiye")
    assert objects(quads, tr, RDFS.label) == {ox.Literal("Türkiye")}
    assert ox.Literal("Turkiye") in {q.object for q in quads if q.subject == tr}


def test_post_claim_with_unknown_holder_is_a_bug() -> None:
    f = facts(entities=[person("Ayla Demir")], posts=[PostClaim("person:nobody", "Minister", SENT1)])
    with pytest.raises(ValueError, match=r"'person:nobody'.*not in the article's entities"):
        to_quads(f, BASE)


def test_post_claim_held_by_a_country_is_a_bug() -> None:
    f = facts(entities=[country("Norway")], posts=[PostClaim("country:Norway", "Minister", SENT1)])
    with pytest.raises(ValueError, match="not a person"):
        to_quads(f, BASE)


def test_malformed_wikidata_id_is_refused() -> None:
    with pytest.raises(ValueError, match="Wikidata"):
        to_quads(facts(entities=[person("Ayla Demir", qid="42")]), BASE)
    quads = to_quads(facts(entities=[person("Ayla Demir", qid="http://www.wikidata.org/entity/Q7")]), BASE)
    assert WD.Q7 in {q.object for q in quads if q.predicate == OWL.sameAs}


def test_mapping_is_deterministic_and_base_slash_is_optional(oslo: ArticleFacts) -> None:
    first = to_quads(oslo, "http://example.org", generated_at=RUN_AT)
    assert first == to_quads(oslo, BASE, generated_at=RUN_AT)


def test_store_replaces_the_article_graph_with_the_mapped_quads(oslo: ArticleFacts) -> None:
    store = GraphStore(None)
    graph = article_graph(BASE, "a1")
    quads = to_quads(oslo, BASE, generated_at=RUN_AT)
    assert store.replace_graph(graph, quads) == len(quads)
    assert store.replace_graph(graph, quads) == len(quads)
    assert len(store) == len(quads)
    rows = list(store.query(
        "PREFIX ng: <https://w3id.org/newsgraph/ns#> "
        "SELECT ?c WHERE { GRAPH ?g { ?c ng:status ng:Former } }"))
    assert [r["c"].value for r in rows] == ["http://example.org/id/claim/a1/post-3"]
