"""Names of persons and organizations: the span repairs and filters of ``extract/entities.py``.

Every sentence here was written for these tests (names of real officials are facts, used so that
the gazetteer can know them). Each test states one pattern of wire copy that the small spaCy model
gets wrong on its own, and what the extractor must make of it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.tokens import Span

from newsgraph.extract import Extractor
from newsgraph.extract.entities import _acronym_fits, _clean_person, _word_order_key, build_index
from newsgraph.facts import Article, ArticleFacts, Entity, Kind
from newsgraph.link.gazetteer import Gazetteer

Extract = Callable[[str], ArticleFacts]


@pytest.fixture(scope="module")
def extract(extractor: Extractor) -> Extract:
    def run(text: str) -> ArticleFacts:
        return extractor.extract(Article(id="names-test", text=text))

    return run


def persons(facts: ArticleFacts) -> set[str]:
    return {e.name for e in facts.of_kind(Kind.PERSON)}


def orgs(facts: ArticleFacts) -> set[str]:
    return {e.name for e in facts.of_kind(Kind.ORGANIZATION)}


def org_named(facts: ArticleFacts, name: str) -> Entity:
    found = [e for e in facts.of_kind(Kind.ORGANIZATION) if e.name == name]
    assert len(found) == 1, orgs(facts)
    return found[0]


# -- persons: spans the gazetteer knows ----------------------------------------------------------------

def test_known_name_after_country_of_a_title_is_the_person(extract: Extract) -> None:
    facts = extract("The talks were joined by the Prime Minister of the Czech Republic Petr Fiala and "
                    "by the President of Romania Klaus Iohannis on Friday.")
    assert {"Petr Fiala", "Klaus Iohannis"} <= persons(facts)
    assert not any("Fiala" in o or "Iohannis" in o for o in orgs(facts))


def test_known_name_cut_short_by_the_model_comes_out_whole(extract: Extract) -> None:
    facts = extract("SEOUL -- President Yoon Suk Yeol on Friday spoke by phone with the Japanese leader.")
    assert "Yoon Suk Yeol" in persons(facts)
    assert "Yoon Suk" not in persons(facts)


def test_known_name_after_from_is_a_person_not_a_place(extract: Extract) -> None:
    facts = extract("She said the minister had inherited the department from Jack Straw in 2001.")
    assert "Jack Straw" in persons(facts)


def test_hyphenated_given_names_keep_their_lower_case_part(extract: Extract) -> None:
    facts = extract("Kim Jong-un and Lee Jae-myung have never met, officials in Seoul said on Monday.")
    assert {"Kim Jong-un", "Lee Jae-myung"} <= persons(facts)


# -- persons: the shape of the sentence ----------------------------------------------------------------

def test_bulleted_leaders_with_their_countries_are_persons(extract: Extract) -> None:
    facts = extract("The leaders taking part are:  •Paul Kagame (Rwanda) •Yoweri Museveni (Uganda) "
                    "•Samia Suluhu Hassan (Tanzania) •Ole Brandvik Tvedt (Norway).")
    assert {"Paul Kagame", "Yoweri Museveni", "Samia Suluhu Hassan", "Ole Brandvik Tvedt"} <= persons(facts)
    assert not any("•" in name for name in persons(facts) | orgs(facts))


def test_names_in_apposition_to_a_role_are_persons(extract: Extract) -> None:
    facts = extract("Tabaré Vázquez, the former president of Uruguay, once met Santiago Peña, "
                    "Paraguay's president, in Asuncion.")
    assert {"Tabaré Vázquez", "Santiago Peña"} <= persons(facts)
    assert "Santiago Peña" not in orgs(facts)


def test_name_after_role_of_country_and_a_comma_is_a_person(extract: Extract) -> None:
    facts = extract("The visit was announced by the president-elect of Paraguay, Santiago Peña, who takes "
                    "office in August.")
    assert "Santiago Peña" in persons(facts)


def test_names_listed_with_persons_are_persons(extract: Extract) -> None:
    facts = extract("The minister will have three deputies: Anna Kowalska, Piotr Nowak and Marek Zielinski.")
    assert {"Anna Kowalska", "Piotr Nowak", "Marek Zielinski"} <= persons(facts)


def test_unknown_name_after_a_title_is_a_person(extract: Extract) -> None:
    facts = extract("Officials said Prime Minister Fiame Naomi Mataafa would attend the meeting in Apia.")
    assert "Fiame Naomi Mataafa" in persons(facts)


def test_title_abbreviations_are_not_part_of_names(extract: Extract) -> None:
    facts = extract("Gen Musharraf and PM Sharif held talks in Islamabad. Musharraf later said the talks "
                    "had gone well.")
    assert {"Musharraf", "Sharif"} <= persons(facts)
    assert not any(name.startswith(("Gen ", "PM ")) for name in persons(facts))


def test_sheikh_and_crown_prince_are_titles_and_a_fathers_name_is_not_the_son(extract: Extract) -> None:
    facts = extract("Sheikh Tamim bin Hamad Al Thani received Crown Prince Mohammed bin Salman in Doha. "
                    "Later King Salman sent a cable of thanks.")
    names = persons(facts)
    assert {"Tamim bin Hamad Al Thani", "Mohammed bin Salman", "Salman"} <= names
    assert not any(n.startswith(("Sheikh", "Crown")) for n in names)
    mbs = next(e for e in facts.of_kind(Kind.PERSON) if e.name == "Mohammed bin Salman")
    assert "Salman" not in mbs.aliases


def test_also_known_as_gives_one_person_with_an_alias(extract: Extract) -> None:
    facts = extract("The conference aims to support Mahmoud Abbas, also known as Abu Mazen, before the vote.")
    abbas = [e for e in facts.of_kind(Kind.PERSON) if e.name == "Mahmoud Abbas"]
    assert len(abbas) == 1 and "Abu Mazen" in abbas[0].aliases
    assert "Abu Mazen" not in persons(facts)


def test_possessive_and_glued_verb_leave_the_name(extractor: Extractor) -> None:
    gaz = Gazetteer.load()
    nlp = extractor.nlp
    d = nlp.make_doc("Ruto hails the deal")
    assert _clean_person(d[0:2], gaz).text == "Ruto"  # type: ignore[union-attr]
    d = nlp.make_doc("Petro’s “Government of Change")
    assert _clean_person(d[0:4], gaz).text == "Petro"  # type: ignore[union-attr]


# -- outlets, places, venues and events are not persons or bodies -------------------------------------

def test_outlets_named_after_a_media_noun_are_organizations(extract: Extract) -> None:
    facts = extract("Writing in the newspaper La Tribuna, Jean Dupont said images from state television "
                    "outlet Al-Watania showed the arrival.")
    assert {"La Tribuna", "Al-Watania"} <= orgs(facts)
    assert persons(facts) == {"Jean Dupont"}


def _index_with_person(extractor: Extractor, text: str, word: str) -> dict[str, Kind]:
    """Entities of ``text`` when the model has tagged ``word`` PERSON (the error being repaired)."""
    doc = extractor.nlp(text)
    start = next(t.i for t in doc if t.text == word)
    doc.ents = [e for e in doc.ents if not (e.start <= start < e.end)] + [Span(doc, start, start + 1, "PERSON")]
    idx = build_index(doc, Gazetteer.load())
    return {e.name: e.kind for e in idx.entities.values()}


def test_camel_case_portal_tagged_person_is_no_person(extractor: Extractor) -> None:
    found = _index_with_person(extractor, "According to the portal NepalNews, the ceremony was delayed.", "NepalNews")
    assert found.get("NepalNews") is Kind.ORGANIZATION


def test_agency_tagged_person_that_reports_is_an_organization(extractor: Extractor) -> None:
    found = _index_with_person(extractor, "Ten states were elected for two years, Bernama reports.", "Bernama")
    assert found.get("Bernama") is Kind.ORGANIZATION


def test_venue_event_and_leader_group_are_not_organizations(extract: Extract) -> None:
    facts = extract("The Heads of State and Government met at the Presidential Palace in Warsaw to discuss "
                    "the Second Karabakh War and the Pacific Policing Initiative.")
    bad = {"Heads of State and Government", "Presidential Palace", "Second Karabakh War",
           "Pacific Policing Initiative"}
    assert not bad & orgs(facts)


def test_city_tagged_as_body_is_not_an_organization(extract: Extract) -> None:
    facts = extract("VIENTIANE, Laos -- The NATO summit in Vilnius will take place in July, diplomats said.")
    assert not {"VIENTIANE", "Vilnius"} & orgs(facts)
    assert "NATO" in orgs(facts)


def test_place_modifying_a_noun_is_no_body(extract: Extract) -> None:
    facts = extract("The two leaders focused on strengthening Pak-Uzbek ties in trade and energy.")
    assert "Pak-Uzbek" not in orgs(facts)


# -- organizations: one body, one entity --------------------------------------------------------------

def test_name_defined_with_its_acronym_is_one_organization(extract: Extract) -> None:
    facts = extract("The Economic Community of Central African States (ECCAS) held a summit. "
                    "ECCAS leaders agreed on a new plan.")
    ecc = org_named(facts, "Economic Community of Central African States")
    assert "ECCAS" in ecc.aliases
    assert "ECCAS" not in orgs(facts)


def test_acronym_goes_to_the_inner_body_it_spells(extract: Extract) -> None:
    facts = extract("Leaders gathered for the Authority of Heads of State and Government of the Economic "
                    "Community of West African States (ECOWAS) in Abuja.")
    ecowas = org_named(facts, "Economic Community of West African States")
    assert "ECOWAS" in ecowas.aliases


def test_acronyms_with_hyphens_and_small_words() -> None:
    assert _acronym_fits("Communist Party of Nepal-Unified Marxist Leninist", "CPN-UML")
    assert _acronym_fits("Economic Community of West African States", "ECOWAS")
    assert _acronym_fits("Southern African Development Community", "SADC")
    assert not _acronym_fits("National Intelligence Organization", "MIT")


def test_both_word_orders_of_a_ministry_are_one_organization(extract: Extract) -> None:
    facts = extract("The Ministry of Defence said the drills were planned. The Defence Ministry later "
                    "denied any link to the incident.")
    assert orgs(facts) == {"Ministry of Defence"}
    assert "Defence Ministry" in org_named(facts, "Ministry of Defence").aliases
    assert _word_order_key("Department of State") == _word_order_key("State Department")


def test_two_countries_bodies_of_one_name_stay_apart(extract: Extract) -> None:
    facts = extract("The Russian Foreign Ministry said the talks were useful. The Turkish Foreign Ministry "
                    "said they were not.")
    ministries = [e for e in facts.of_kind(Kind.ORGANIZATION) if e.name == "Foreign Ministry"]
    assert len(ministries) == 2
    assert {e.country for e in ministries} == {"country:russia", "country:turkiye"}


def test_spelling_variants_of_one_body_merge(extract: Extract) -> None:
    facts = extract("The African Union Commission welcomed the vote. A spokesman for the Africa Union "
                    "Commission said more talks would follow.")
    assert orgs(facts) == {"African Union Commission"}


def test_acronym_is_not_folded_into_its_assembly(extract: Extract) -> None:
    facts = extract("The AU Assembly met in Addis Ababa. The AU said the Assembly would meet again in July.")
    assert "AU Assembly" in orgs(facts)
    assert any(e.name in {"AU", "African Union"} or "AU" in e.aliases
               for e in facts.of_kind(Kind.ORGANIZATION) if e.name != "AU Assembly")


def test_state_forces_named_with_demonym_are_organizations(extract: Extract) -> None:
    facts = extract("He was chief of the Iranian air force and later served in the Indonesian army.")
    assert {"Iranian air force", "Indonesian army"} <= orgs(facts)
    assert org_named(facts, "Iranian air force").country == "country:iran"


def test_known_party_before_a_role_word_is_an_organization(extract: Extract) -> None:
    facts = extract("Hamas leader Ismail Haniyeh met Qatari Emir Sheikh Tamim in Doha on Sunday.")
    assert "Hamas" in orgs(facts)
    assert {"Ismail Haniyeh", "Tamim"} <= persons(facts)


def test_party_named_with_its_country_keeps_its_name(extract: Extract) -> None:
    facts = extract("The Bharatiya Janata Party (BJP) and the Indian National Congress traded barbs on Monday.")
    assert "Indian National Congress" in orgs(facts)
    assert "National Congress" not in orgs(facts)


def test_opening_participle_is_no_person_and_no_part_of_a_name(extract: Extract) -> None:
    facts = extract("Welcoming Museveni to Nairobi, Ruto hails ties between the two countries.")
    assert {"Museveni", "Ruto"} <= persons(facts)
    assert not any(n.startswith("Welcoming") for n in persons(facts))


def test_untagged_surname_saying_something_is_a_person(extract: Extract) -> None:
    facts = extract("Greeting his guest at the airport, Ruto said the visit was historic.")
    assert persons(facts) == {"Ruto"}


def test_minister_without_portfolio_is_a_title_before_a_known_name(extract: Extract) -> None:
    facts = extract("On Sunday the cabinet backed Minister without Portfolio Gideon Saar for the new job.")
    assert "Gideon Saar" in persons(facts)


def test_a_countrys_government_is_the_country_not_an_organization(extract: Extract) -> None:
    facts = extract("The Government of Ghana and the Kenyan Government signed the accord, and the Royal "
                    "Government of Cambodia welcomed it.")
    assert not orgs(facts)
    assert {"Ghana", "Kenya", "Cambodia"} <= {e.name for e in facts.of_kind(Kind.COUNTRY)}


def test_lone_head_word_is_no_organization(extract: Extract) -> None:
    facts = extract('He was once the "Father of the House" and later sat in the Lords.')
    assert "House" not in orgs(facts)


def test_a_gazetteer_alias_that_opens_with_a_title_is_no_name(extractor: Extractor) -> None:
    """Wikidata gives George H. W. Bush the alias "Vice President Bush": the person is "Bush", and
    the title stays a title (it gives the post), not part of the name."""
    facts = extractor.extract(Article(id="t", text="Vice President Bush told reporters in Washington on "
                                                  "Monday that the talks had gone well."))
    persons = [e.name for e in facts.entities.values() if e.kind == "person"]
    assert persons == ["Bush"]
    assert [(p.role, facts.entities[p.holder].name) for p in facts.posts] == [("Vice President", "Bush")]
