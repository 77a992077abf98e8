"""Identity across articles: a bare surname joins the one published person its post claim fits,
namesakes in other countries stay apart, an acronym joins its full name; whatever the order of
ingestion, through re-ingest and deletion, one graph per article.

The articles are written here for these tests (invented people, so that the gazetteer links none of
them and only the store can tell who is who) and go through the real pipeline: ``ingest.run`` into
an on-disk store.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from identity_helpers import write_articles
from newsgraph import ingest
from newsgraph.extract import Extractor
from newsgraph.facts import Article, ArticleFacts, Entity, Evidence, Kind, PostClaim
from newsgraph.link.identity import IdentityIndex, is_acronym, local_key
from newsgraph.link.offline import link
from newsgraph.mapping import article_graph, to_quads
from newsgraph.store import GraphStore

BASE = ingest.DEFAULT_BASE_URI
PERSON = f"{BASE}id/person/"
ORG_NS = f"{BASE}id/org/"

ARTICLES = {
    "id-a1": ("2025-03-04", "Ankara hosts shipping talks",
              "Turkish Foreign Minister Leyla Korkmazer hosted shipping officials in Ankara on Monday to discuss "
              "Black Sea routes. Korkmazer said a joint trade office would open in the spring. The Kurdistan "
              "Workers' Party (PKK) was not on the agenda, officials said."),
    "id-a2": ("2025-03-20", "Grain corridor talks resume",
              "Turkey's top diplomat Korkmazer travelled to Geneva on Thursday for talks on the grain corridor. "
              "Estonia's foreign minister Rannaste joined the talks by video link. Ankara blamed the PKK for an "
              "attack near the border."),
    "id-n1": ("2025-05-02", "Rabat trade push",
              "Moroccan Trade Minister Omar Haddadi announced new export credits for farmers on Friday. "
              "Haddadi said the scheme would start in June."),
    "id-n2": ("2025-05-06", "Amman budget vote",
              "Jordanian Finance Minister Omar Haddadi presented the budget to parliament on Tuesday. "
              "Haddadi said spending on water projects would rise."),
}

KORKMAZER = PERSON + "leyla-korkmazer"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("identity-articles")
    return write_articles(folder, ARTICLES)


def _ingest(store: GraphStore, extractor: Extractor, paths: Iterable[Path]) -> None:
    for path in paths:  # one run per file: what a later run knows comes from the store alone
        report = ingest.run([path], store, extractor=extractor)
        assert report.errors == [] and report.articles == 1


def _mentions(store: GraphStore, kind: str) -> dict[str, set[str]]:
    """IRI -> ids of the articles whose graph mentions it, for persons or organizations."""
    cls = "foaf:Person" if kind == "person" else "org:Organization"
    rows = store.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> "
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX org: <http://www.w3.org/ns/org#> "
        f"SELECT ?id ?x WHERE {{ GRAPH ?g {{ ?a dcterms:identifier ?id ; schema:mentions ?x . ?x a {cls} }} }}")
    out: dict[str, set[str]] = {}
    for r in rows:  # type: ignore[union-attr]
        out.setdefault(r["x"].value, set()).add(r["id"].value)
    return out


def _claims_of(store: GraphStore, iri: str) -> set[str]:
    """Graphs holding a post claim whose member is ``iri``."""
    rows = store.query(f"PREFIX org: <http://www.w3.org/ns/org#> SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ "
                       f"?c org:member <{iri}> }} }}")
    return {r["g"].value.rsplit("/", 1)[-1] for r in rows}  # type: ignore[union-attr, index]


def _labels(store: GraphStore, iri: str, article: str) -> set[str]:
    g = article_graph(BASE, article)
    return {q.object.value for q in store.raw.quads_for_pattern(ox.NamedNode(iri), None, None, g)
            if q.predicate.value.endswith(("#label", "#altLabel"))}


@pytest.mark.parametrize("order", [("id-a1", "id-a2"), ("id-a2", "id-a1")], ids=["full-first", "surname-first"])
def test_surname_joins_the_published_full_name_in_either_order(
        tmp_path: Path, extractor: Extractor, files: dict[str, Path], order: tuple[str, str]) -> None:
    store = GraphStore(tmp_path / "store")
    _ingest(store, extractor, (files[a] for a in order))
    persons = _mentions(store, "person")
    assert persons[KORKMAZER] == {"id-a1", "id-a2"}
    assert _claims_of(store, KORKMAZER) == {"id-a1", "id-a2"}
    assert not any(iri.endswith("/korkmazer") or "/korkmazer--" in iri for iri in persons)
    assert _labels(store, KORKMAZER, "id-a2") == {"Korkmazer"}  # each article's own wording
    # Rannaste has no full name anywhere: a person of that article only, joined to nobody.
    assert persons[PERSON + local_key("Rannaste", "id-a2")] == {"id-a2"}


@pytest.mark.parametrize("order", [("id-a1", "id-a2"), ("id-a2", "id-a1")], ids=["full-first", "acronym-first"])
def test_acronym_joins_the_published_full_name_in_either_order(
        tmp_path: Path, extractor: Extractor, files: dict[str, Path], order: tuple[str, str]) -> None:
    store = GraphStore(tmp_path / "store")
    _ingest(store, extractor, (files[a] for a in order))
    orgs = _mentions(store, "org")
    assert orgs[ORG_NS + "kurdistan-workers-party"] == {"id-a1", "id-a2"}
    assert ORG_NS + "pkk" not in orgs
    assert _labels(store, ORG_NS + "kurdistan-workers-party", "id-a2") == {"PKK"}


def test_namesakes_in_other_countries_stay_apart(tmp_path: Path, extractor: Extractor,
                                                 files: dict[str, Path]) -> None:
    store = GraphStore(tmp_path / "store")
    _ingest(store, extractor, (files["id-n1"], files["id-n2"]))
    persons = _mentions(store, "person")
    assert persons[PERSON + "omar-haddadi"] == {"id-n1"}
    assert persons[PERSON + "omar-haddadi--jordan"] == {"id-n2"}
    assert _claims_of(store, PERSON + "omar-haddadi") == {"id-n1"}
    assert _claims_of(store, PERSON + "omar-haddadi--jordan") == {"id-n2"}


def test_reingest_keeps_iris_and_delete_stays_per_article(tmp_path: Path, extractor: Extractor,
                                                          files: dict[str, Path]) -> None:
    store = GraphStore(tmp_path / "store")
    _ingest(store, extractor, (files[a] for a in ("id-a1", "id-a2", "id-n1", "id-n2")))
    before = _mentions(store, "person"), _mentions(store, "org"), len(store)
    _ingest(store, extractor, (files[a] for a in ("id-n2", "id-a2", "id-n1", "id-a1")))
    assert (_mentions(store, "person"), _mentions(store, "org"), len(store)) == before
    # Deleting the article that gave the full name retracts only its own claims.
    assert ingest.delete(store, "id-a1")
    assert _mentions(store, "person")[KORKMAZER] == {"id-a2"}
    assert _claims_of(store, KORKMAZER) == {"id-a2"}
    assert ingest.delete(store, "id-n1")
    assert _mentions(store, "person")[PERSON + "omar-haddadi--jordan"] == {"id-n2"}
    assert PERSON + "omar-haddadi" not in _mentions(store, "person")


# -- the rules, on hand-made facts -------------------------------------------------------------------

def _facts(aid: str, name: str, role: str | None = None, country: str | None = None,
           role_type: str | None = None) -> ArticleFacts:
    ents: dict[str, Entity] = {}
    posts = []
    person = Entity("person:x", Kind.PERSON, name)
    ents[person.key] = person
    if country:
        ents[f"country:{country.lower()}"] = Entity(f"country:{country.lower()}", Kind.COUNTRY, country)
    if role:
        posts.append(PostClaim(person.key, role, Evidence(name, 0, len(name)), role_type=role_type,
                               country=f"country:{country.lower()}" if country else None))
    return ArticleFacts(Article(aid, name), ents, posts)


def _publish(index: IdentityIndex, facts: ArticleFacts) -> ArticleFacts:
    index.resolve(facts)
    index.learn(article_graph(BASE, facts.article.id), to_quads(facts, BASE))
    return facts


def test_two_fitting_people_leave_the_surname_local() -> None:
    index = IdentityIndex(BASE)
    _publish(index, _facts("p1", "Mira Valden", "Foreign Minister", "Norway"))
    _publish(index, _facts("p2", "Jon Valden", "Foreign Minister", "Norway"))
    bare = _publish(index, _facts("p3", "Valden", "Foreign Minister", "Norway"))
    assert bare.entities["person:x"].identity == local_key("Valden", "p3")


def test_surname_needs_an_agreeing_post_claim() -> None:
    index = IdentityIndex(BASE)
    _publish(index, _facts("p1", "Mira Valden", "Foreign Minister", "Norway"))
    for facts in (_facts("p2", "Valden"),  # no post: cannot tell
                  _facts("p3", "Valden", "Foreign Minister", "Sweden"),  # another country
                  _facts("p4", "Valden", "Defence Minister", "Norway")):  # another role
        assert _publish(index, facts).entities["person:x"].identity == local_key("Valden", facts.article.id)
    joined = _publish(index, _facts("p5", "Valden", "top diplomat", "Norway", role_type="foreign-minister"))
    assert joined.entities["person:x"].identity == "mira-valden"


def test_surname_joins_a_linked_person_without_claiming_the_link() -> None:
    # the bare surname shares the linked person's IRI (the union holds the Wikidata item there); its
    # own graph states no link of its own, so no later decision feeds on an earlier one's output
    index = IdentityIndex(BASE)
    full = _facts("p1", "Mira Valden", "Foreign Minister", "Norway")
    full.entities["person:x"].wikidata = "Q99999991"
    full.entities["person:x"].identity = "mira-valden"
    _publish(index, full)
    bare = _publish(index, _facts("p2", "Valden", "Foreign Minister", "Norway")).entities["person:x"]
    assert (bare.identity, bare.wikidata, bare.pref_label) == ("mira-valden", None, "Mira Valden")


def test_a_full_name_without_posts_keeps_the_name_iri() -> None:
    index = IdentityIndex(BASE)
    _publish(index, _facts("p1", "Mira Valden", "Foreign Minister", "Norway"))
    assert _publish(index, _facts("p2", "Mira Valden")).entities["person:x"].identity is None
    other = _publish(index, _facts("p3", "Mira Valden", "Health Minister", "Chile")).entities["person:x"]
    assert other.identity == "mira-valden--chile"
    again = _publish(index, _facts("p4", "Mira Valden", "Health Minister", "Chile")).entities["person:x"]
    assert again.identity == "mira-valden--chile"


def test_link_resolves_identity_when_given_an_index() -> None:
    index = IdentityIndex(BASE)
    _publish(index, _facts("p1", "Mira Valden", "Foreign Minister", "Norway"))
    from newsgraph.link.gazetteer import Gazetteer

    gaz = Gazetteer({"countries": [{"name": "Norway", "iso2": "NO", "qid": "Q20"}]})
    facts = link(_facts("p2", "Valden", "Foreign Minister", "Norway"), gaz, index)
    assert facts.entities["person:x"].identity == "mira-valden"


@pytest.mark.parametrize(("text", "expected"), [("PKK", True), ("U.S.", True), ("NATO", True), ("Nato", False),
                                                ("G7", True), ("Labour", False), ("A", False)])
def test_is_acronym(text: str, expected: bool) -> None:
    assert is_acronym(text) is expected


def _conflicts(facts: Iterable[ArticleFacts]) -> list[str]:
    from newsgraph.resources import sparql_dir

    store = ox.Store()
    for f in facts:
        store.extend(to_quads(f, BASE))
    query = (sparql_dir() / "conflicts.rq").read_text(encoding="utf-8")
    return [r["note"].value for r in store.query(query, use_default_graph_as_union=True)
            if r["kind"].value == "article"]


def test_conflicts_skip_two_names_of_one_person_but_keep_two_people() -> None:
    from datetime import date

    def dated(facts: ArticleFacts, identity: str | None = None, qid: str | None = None) -> ArticleFacts:
        facts.article = Article(facts.article.id, facts.article.text, published=date(2025, 1, 6))
        facts.entities["person:x"].identity = identity
        facts.entities["person:x"].wikidata = qid
        return facts

    full = dated(_facts("c1", "Mira Valden", "Foreign Minister", "Norway"))
    bare = dated(_facts("c2", "Valden", "Foreign Minister", "Norway"), identity=local_key("Valden", "c2"))
    other = dated(_facts("c3", "Jon Berg", "Foreign Minister", "Norway"))
    assert _conflicts([full, bare]) == []
    assert len(_conflicts([full, other])) == 2  # one row from each side
    same = dated(_facts("c4", "M. Valden-Ruud", "Foreign Minister", "Norway"), qid="Q99999992")
    again = dated(_facts("c5", "Mira Valden", "Foreign Minister", "Norway"), identity="mira-valden-x",
                  qid="Q99999992")
    assert _conflicts([same, again]) == []
