"""Linking beyond office holders: spelling variants through the post held, notable people by field of
work, and organizations that are not parties (companies, media, agencies, teams).

Every gazetteer here is made in the test, with invented names and QIDs, so that what is checked is
the linker's rule and not who happens to be in the shipped file.
"""

from __future__ import annotations

from datetime import date

from newsgraph.facts import Article, ArticleFacts, Entity, Evidence, Kind, PostClaim, slugify
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.offline import link, person_fields
from newsgraph.mapping import to_quads
from newsgraph.vocab import OWL, WD

BASE = "http://example.org/"

COUNTRIES = [{"name": "Egypt", "iso2": "EG", "qid": "Q79", "demonyms": ["Egyptian"]},
             {"name": "Norway", "iso2": "NO", "qid": "Q20", "demonyms": ["Norwegian"]},
             {"name": "United States", "iso2": "US", "qid": "Q30", "aliases": ["US"]}]


# -- a spelling variant, found through the post the article gives ---------------------------------

def _holders_gaz(*extra: dict) -> Gazetteer:
    positions = [{"qid": "Q9501", "name": "President of Egypt", "country": "EG", "role": "head-of-state"}]
    persons = [{"qid": "Q9601", "name": "Omar Abdel Rahman el-Masri", "country": "EG", "held": [["Q9501", "2014", ""]]},
               {"qid": "Q9602", "name": "Hassan el-Masri", "country": "EG", "held": [["Q9501", "1990", "2000"]]},
               *extra]
    return Gazetteer({"countries": COUNTRIES, "persons": persons, "positions": positions})


def _claimed(name: str, role: str = "President", published: date | None = date(2024, 5, 2)) -> ArticleFacts:
    c = Entity("country:egypt", Kind.COUNTRY, "Egypt")
    p = Entity("person:x", Kind.PERSON, name)
    post = PostClaim(p.key, role, Evidence(f"{role} {name}", 0, 5), country=c.key)
    return ArticleFacts(Article("v1", f"{role} {name} spoke", published=published), {c.key: c, p.key: p}, [post])


def test_a_transliterated_name_links_through_the_post_it_holds() -> None:
    linked = link(_claimed("Omar Abdel-Rahman el-Masry"), _holders_gaz()).entities["person:x"]
    assert (linked.wikidata, linked.link_confidence) == ("Q9601", 0.9)


def test_a_spelling_variant_needs_the_post_and_one_fitting_holder() -> None:
    gaz = _holders_gaz()
    assert link(_claimed("Omar Abdel-Rahman el-Masry", role="Ambassador"), gaz).entities["person:x"].wikidata is None
    assert link(_claimed("Karim el-Masry"), gaz).entities["person:x"].wikidata is None  # another given name
    assert link(_claimed("Hassan el-Masry"), gaz).entities["person:x"].wikidata is None  # not in office in 2024
    twin = {"qid": "Q9603", "name": "Omar Abdul Rahman el-Masri", "country": "EG", "held": [["Q9501", "2015", ""]]}
    assert link(_claimed("Omar Abdel-Rahman el-Masry"), _holders_gaz(twin)).entities["person:x"].wikidata is None


# -- notable people: the article has to be about their field ----------------------------------------

def _notables_gaz() -> Gazetteer:
    persons = [{"qid": "Q9701", "name": "Lena Falk", "country": "NO", "held": [], "famous": True,
                "desc": "Norwegian singer-songwriter"},
               {"qid": "Q9702", "name": "Tom Ridley", "country": "US", "held": [], "famous": True,
                "desc": "American television presenter"},
               {"qid": "Q9703", "name": "Tom Ridley", "country": "US", "held": [], "domain": "baseball"},
               {"qid": "Q9704", "name": "Ray Cobb", "country": "US", "held": [], "domain": "baseball"}]
    return Gazetteer({"countries": COUNTRIES, "persons": persons})


def _mention(name: str, text: str) -> ArticleFacts:
    p = Entity("person:x", Kind.PERSON, name)
    return ArticleFacts(Article("f1", text), {p.key: p})


def test_a_famous_name_links_when_the_article_is_about_their_field() -> None:
    gaz = _notables_gaz()
    linked = link(_mention("Lena Falk", "Lena Falk released a new album and announced a tour."), gaz)
    assert linked.entities["person:x"].wikidata == "Q9701"
    assert link(_mention("Lena Falk", "Lena Falk, 52, was fined for speeding in Oslo."), gaz
                ).entities["person:x"].wikidata is None  # a namesake as likely as the singer


def test_a_registry_player_needs_the_registrys_own_sport_and_namesakes_stay_apart() -> None:
    gaz = _notables_gaz()
    assert link(_mention("Ray Cobb", "Ray Cobb hit a homer in the ninth inning."), gaz
                ).entities["person:x"].wikidata == "Q9704"
    assert link(_mention("Ray Cobb", "Ray Cobb won the golf tournament."), gaz).entities["person:x"].wikidata is None
    # the presenter and the baseball player share a name: a baseball story picks the player...
    assert link(_mention("Tom Ridley", "Tom Ridley pitched six innings of baseball."), gaz
                ).entities["person:x"].wikidata == "Q9703"
    # ...and a story that reads as both is left unlinked
    assert link(_mention("Tom Ridley", "Tom Ridley's television show followed a baseball season."), gaz
                ).entities["person:x"].wikidata is None


def test_fields_of_work_come_from_the_description() -> None:
    gaz = _notables_gaz()
    [falk] = gaz.persons_named("Lena Falk")
    assert person_fields(falk) == {"music"}
    assert person_fields(gaz.person("Q9703")) == {"sport"}


# -- organizations that are not parties -------------------------------------------------------------

def _bodies_gaz() -> Gazetteer:
    bodies = [{"qid": "Q9801", "name": "Northwind Broadcasting Corporation", "type": "media", "countries": ["NO"],
               "acronyms": ["NBC2"], "src": ["fb15k"]},
              {"qid": "Q9802", "name": "Quillfeather", "type": "company", "countries": ["US"], "src": ["nsi"]},
              {"qid": "Q9803", "name": "Zephyr", "type": "company", "countries": ["US"], "src": ["wikitrivia"],
               "pop": 120},
              {"qid": "Q9804", "name": "Zephyr", "type": "company", "countries": ["NO"], "src": ["nsi"], "pop": 3},
              {"qid": "Q9805", "name": "Office of Tides", "type": "government", "countries": ["US"],
               "acronyms": ["OT", "OTD"], "src": ["fb15k"]},
              {"qid": "Q9808", "name": "Board of Sand Research", "type": "research", "countries": ["US"],
               "acronyms": ["BSR", "BOSR"], "src": ["ror"]},
              {"qid": "Q9806", "name": "Harbor Union", "type": "nonprofit", "countries": ["US"], "src": ["ror"]},
              {"qid": "Q9807", "name": "Harbor Union", "type": "nonprofit", "countries": ["NO"], "src": ["ror"]}]
    return Gazetteer({"countries": COUNTRIES, "bodies": bodies})


def _org(name: str, *named: str, own: str | None = None) -> Entity:
    ents = {f"country:{slugify(c)}": Entity(f"country:{slugify(c)}", Kind.COUNTRY, c) for c in {*named, own} if c}
    org = Entity("organization:x", Kind.ORGANIZATION, name, country=f"country:{slugify(own)}" if own else None)
    ents[org.key] = org
    return link(ArticleFacts(Article("b1", name), ents), _bodies_gaz()).entities["organization:x"]


def test_a_company_or_medium_links_on_its_full_name_wherever_the_article_is_from() -> None:
    linked = _org("Northwind Broadcasting Corporation")
    assert (linked.wikidata, linked.link_confidence, linked.org_type) == ("Q9801", 0.9, "media")
    assert _org("Northwind Broadcasting Corporation", own="Egypt").wikidata is None  # the article says otherwise


def test_a_one_word_name_from_a_registry_needs_the_bodys_country() -> None:
    assert _org("Quillfeather").wikidata is None
    assert _org("Quillfeather", "United States").wikidata == "Q9802"


def test_a_far_more_notable_namesake_wins_and_equals_stay_unlinked() -> None:
    assert _org("Zephyr").wikidata == "Q9803"
    assert _org("Zephyr", own="Norway").wikidata == "Q9804"
    assert _org("Harbor Union").wikidata is None
    assert _org("Harbor Union", "Norway").wikidata == "Q9807"


def test_acronyms_of_bodies_are_case_exact_and_two_letters_are_not_enough() -> None:
    linked = _org("OTD")
    assert (linked.wikidata, linked.link_confidence) == ("Q9805", 0.85)
    assert _org("OT", "United States").wikidata is None
    assert _org("Otd", "United States").wikidata is None
    # a registry's acronym: four letters and the body's country named, or nothing
    assert _org("BOSR", "United States").wikidata == "Q9808"
    assert _org("BOSR").wikidata is None
    assert _org("BSR", "United States").wikidata is None


def test_namesake_bodies_get_iris_of_their_own() -> None:
    gaz = _bodies_gaz()
    iris = set()
    for country in ("Norway", "United States"):
        ents = {"country:c": Entity("country:c", Kind.COUNTRY, country),
                "organization:x": Entity("organization:x", Kind.ORGANIZATION, "Harbor Union")}
        facts = link(ArticleFacts(Article(f"h-{country}", "Harbor Union"), ents), gaz)
        iris |= {str(q.subject) for q in to_quads(facts, BASE) if q.predicate == OWL.sameAs
                 and q.object in (WD.Q9806, WD.Q9807)}
    assert iris == {f"<{BASE}id/org/harbor-union-q9806>", f"<{BASE}id/org/harbor-union-q9807>"}


def _words_gaz() -> Gazetteer:
    bodies = [{"qid": "Q9811", "name": "Harbinger", "type": "other", "countries": ["GB"], "src": ["fb15k"]},
              {"qid": "Q9812", "name": "Lantern", "type": "company", "countries": ["US"], "src": ["wikitrivia"],
               "pop": 12},
              {"qid": "Q9813", "name": "Kettering Rovers F.C.", "type": "sports-team", "countries": ["GB"],
               "aliases": ["Kettering Rovers"], "src": ["wikitrivia"], "pop": 80},
              {"qid": "Q9814", "name": "Brightwater University", "type": "education", "countries": ["US"],
               "aliases": ["Brightwater"], "src": ["fb15k"]},
              {"qid": "Q9815", "name": "Zylo", "type": "media", "src": ["searxng"]},
              {"qid": "Q9816", "name": "Lakeshore State University", "type": "education", "countries": ["US"],
               "aliases": ["Lakeshore State"], "src": ["fb15k"]},
              {"qid": "Q9817", "name": "Lakeshore State Herons football", "type": "sports-team", "countries": ["US"],
               "src": ["fb15k"]},
              {"qid": "Q9818", "name": "Lakeshore State Herons basketball", "type": "sports-team",
               "countries": ["US"], "src": ["fb15k"]}]
    bodies += [{"qid": "Q9819", "name": "Harbour Bank", "type": "company", "countries": ["NO"], "src": ["nsi"]},
               {"qid": "Q9820", "name": "Lakeshore Naval Academy", "type": "education", "countries": ["US"],
                "aliases": ["Naval Service"], "src": ["fb15k"]}]
    return Gazetteer({"countries": COUNTRIES, "bodies": bodies,
                      "generic": ["harbinger", "lantern", "harbour bank", "naval service"]})


def _org_in(name: str, text: str) -> Entity:
    org = Entity("organization:x", Kind.ORGANIZATION, name)
    return link(ArticleFacts(Article("w1", text), {org.key: org}), _words_gaz()).entities["organization:x"]


def test_a_one_word_name_must_be_the_bodys_own_and_an_english_word_only_a_famous_ones() -> None:
    assert _org_in("Zylo", "Zylo said on Monday.").wikidata == "Q9815"
    assert _org_in("Harbinger", "Harbinger said on Monday.").wikidata is None  # a band-like group, a word
    assert _org_in("Lantern", "Lantern said on Monday.").wikidata is None  # a word, not famous enough
    assert _org_in("Kettering Rovers", "Kettering Rovers won.").wikidata == "Q9813"  # the name without F.C.
    assert _org_in("Brightwater", "Brightwater said on Monday.").wikidata is None  # a leading word only


def test_a_college_in_a_sports_report_is_its_team_of_the_sport_reported() -> None:
    report = "Lakeshore State beat the visitors 31-10 in a football game; the coach praised the players."
    assert _org_in("Lakeshore State", report).wikidata == "Q9817"
    assert _org_in("Lakeshore State", "Lakeshore State raised its tuition fees.").wikidata == "Q9816"
    both = "Lakeshore State's football and basketball players won their match and the league."
    assert _org_in("Lakeshore State", both).wikidata is None  # which team?


def test_spaced_initials_also_match_run_together() -> None:
    gaz = Gazetteer({"persons": [{"qid": "Q9901", "name": "J. R. Talbot", "held": [], "famous": True,
                                  "desc": "English novelist"}]})
    assert [p.qid for p in gaz.persons_named("JR Talbot")] == ["Q9901"]
    linked = link(_mention("JR Talbot", "JR Talbot's new novel is out."), gaz).entities["person:x"]
    assert linked.wikidata == "Q9901"


def test_a_registry_name_of_common_words_needs_its_country_and_an_alias_of_them_never_links() -> None:
    assert _org_in("Harbour Bank", "Harbour Bank raised rates.").wikidata is None
    ents = {"country:no": Entity("country:no", Kind.COUNTRY, "Norway"),
            "organization:x": Entity("organization:x", Kind.ORGANIZATION, "Harbour Bank")}
    facts = link(ArticleFacts(Article("w2", "Harbour Bank in Norway raised rates."), ents), _words_gaz())
    assert facts.entities["organization:x"].wikidata == "Q9819"
    ents = {"country:us": Entity("country:us", Kind.COUNTRY, "United States"),
            "organization:x": Entity("organization:x", Kind.ORGANIZATION, "Naval Service")}
    facts = link(ArticleFacts(Article("w3", "The Naval Service of the United States."), ents), _words_gaz())
    assert facts.entities["organization:x"].wikidata is None


def test_an_office_holder_links_on_the_country_alone_only_in_a_political_story() -> None:
    gaz = Gazetteer({"countries": COUNTRIES,
                     "positions": [{"qid": "Q9951", "name": "ambassador of Norway to Chile", "country": "NO",
                                    "role": "ambassador"}],
                     "persons": [{"qid": "Q9952", "name": "Odd Halvorsen", "country": "NO",
                                  "held": [["Q9951", "2002", "2005"]]}]})

    def linked(text: str) -> str | None:
        ents = {"country:no": Entity("country:no", Kind.COUNTRY, "Norway"),
                "person:x": Entity("person:x", Kind.PERSON, "Odd Halvorsen")}
        return link(ArticleFacts(Article("p1", text), ents), gaz).entities["person:x"].wikidata

    assert linked("Odd Halvorsen, who breeds salmon in Norway, said the season was good.") is None
    assert linked("Odd Halvorsen told the Norway summit that the government's foreign policy failed.") == "Q9952"


def test_a_leading_country_acronym_is_written_out_to_find_the_agency() -> None:
    gaz = Gazetteer({"countries": COUNTRIES,
                     "bodies": [{"qid": "Q9961", "name": "United States Office of Tide Tables", "type": "government",
                                 "countries": ["US"], "src": ["ror"]}]})
    ents = {"country:us": Entity("country:us", Kind.COUNTRY, "United States"),
            "organization:x": Entity("organization:x", Kind.ORGANIZATION, "U.S. Office of Tide Tables")}
    facts = link(ArticleFacts(Article("c1", "The U.S. Office of Tide Tables said."), ents), gaz)
    assert facts.entities["organization:x"].wikidata == "Q9961"


def test_a_newspaper_called_by_a_common_word_needs_its_country() -> None:
    gaz = Gazetteer({"countries": COUNTRIES, "generic": ["chronicle"],
                     "bodies": [{"qid": "Q9971", "name": "The Chronicle", "type": "media", "countries": ["NO"],
                                 "src": ["wikitrivia"], "pop": 90}]})

    def linked(*named: str) -> str | None:
        ents = {f"country:{slugify(c)}": Entity(f"country:{slugify(c)}", Kind.COUNTRY, c) for c in named}
        ents["organization:x"] = Entity("organization:x", Kind.ORGANIZATION, "Chronicle")
        facts = link(ArticleFacts(Article("m1", "the Chronicle reported"), ents), gaz)
        return facts.entities["organization:x"].wikidata

    assert linked() is None and linked("United States") is None
    assert linked("Norway") == "Q9971"
