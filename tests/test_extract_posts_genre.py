"""Posts as wire copy words them in cabinet line-ups, appointment stories and summit lists.

Every sentence here was written for these tests (the names are real or made up; no article's
wording is reused). Each test is one pattern of the genre, checked through the real pipeline:
who holds which post, in which organization or country, current or former. Wrong posts are worse
than missing ones, so several tests check that a post is *not* claimed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from newsgraph.extract import Extractor
from newsgraph.facts import Article, ArticleFacts, Kind, Status

PUBLISHED = date(2024, 6, 5)
CURRENT, FORMER = Status.CURRENT, Status.FORMER

Extract = Callable[[str], ArticleFacts]
Post = tuple[str, str | None, str | None, Status]


@pytest.fixture(scope="module")
def extract(extractor: Extractor) -> Extract:
    """The session's pipeline (conftest), reading each text as an article of one fixed date."""

    def run(text: str) -> ArticleFacts:
        return extractor.extract(Article(id="genre", text=text, published=PUBLISHED))

    return run


def _name(facts: ArticleFacts, key: str | None) -> str | None:
    return facts.entities[key].name if key else None


def posts_of(facts: ArticleFacts, full_name: str) -> set[Post]:
    """(role, organization, country, status) of every post claimed for the person so named."""
    keys = [e.key for e in facts.of_kind(Kind.PERSON) if e.name == full_name]
    assert len(keys) == 1, f"{full_name!r} among {[e.name for e in facts.of_kind(Kind.PERSON)]}"
    return {(p.role, _name(facts, p.organization), _name(facts, p.country), p.status)
            for p in facts.posts if p.holder == keys[0]}


# -- appointment stories -----------------------------------------------------------------------------

def test_appointing_verb_gives_the_post_to_its_object_not_its_subject(extract: Extract) -> None:
    facts = extract("Prime Minister Ana Lopes appointed Rui Costa as finance minister on Tuesday.")
    assert posts_of(facts, "Rui Costa") == {("finance minister", None, None, CURRENT)}
    assert posts_of(facts, "Ana Lopes") == {("Prime Minister", None, None, CURRENT)}


def test_replaces_x_as_makes_x_the_former_holder(extract: Extract) -> None:
    facts = extract("Maria Santos replaces Joao Pereira as health minister, the presidency said.")
    assert posts_of(facts, "Maria Santos") == {("health minister", None, None, CURRENT)}
    assert posts_of(facts, "Joao Pereira") == {("health minister", None, None, FORMER)}


def test_the_new_role_is_name(extract: Extract) -> None:
    facts = extract("The new interior minister is Carlos Mendes, who previously led the police.")
    assert posts_of(facts, "Carlos Mendes") == {("interior minister", None, None, CURRENT)}


def test_assumes_the_role_of(extract: Extract) -> None:
    facts = extract("Carlos Mendes assumes the role of defence minister after the reshuffle.")
    assert posts_of(facts, "Carlos Mendes") == {("defence minister", None, None, CURRENT)}


def test_the_appointment_of_x_as_y(extract: Extract) -> None:
    facts = extract("Analysts welcomed the appointment of Paulo Silva, a former banker, as trade minister.")
    assert ("trade minister", None, None, CURRENT) in posts_of(facts, "Paulo Silva")


def test_with_y_as_her_deputy_is_ys_post(extract: Extract) -> None:
    facts = extract("Lina Haddad took the oath as president, with Omar Nasser as her vice president.")
    assert posts_of(facts, "Omar Nasser") == {("vice president", None, None, CURRENT)}
    assert posts_of(facts, "Lina Haddad") == {("president", None, None, CURRENT)}


def test_coordinated_roles_are_two_posts(extract: Extract) -> None:
    facts = extract("Anna Nowak, deputy prime minister and finance minister, attended the session.")
    assert posts_of(facts, "Anna Nowak") == {("deputy prime minister", None, None, CURRENT),
                                             ("finance minister", None, None, CURRENT)}


# -- summit line-ups ----------------------------------------------------------------------------------

def test_plural_title_over_names_with_bracketed_countries(extract: Extract) -> None:
    facts = extract("The attending presidents include John Mahama (Ghana), Macky Sall (Senegal) "
                    "and Adama Barrow (Gambia).")
    assert posts_of(facts, "John Mahama") == {("president", None, "Ghana", CURRENT)}
    assert posts_of(facts, "Macky Sall") == {("president", None, "Senegal", CURRENT)}
    assert posts_of(facts, "Adama Barrow") == {("president", None, "Gambia", CURRENT)}


def test_respective_list_pairs_names_and_countries_in_order(extract: Extract) -> None:
    facts = extract("The foreign ministers of France and Germany, Jean Dupont and Klaus Weber, met in "
                    "Paris on Monday.")
    assert posts_of(facts, "Jean Dupont") == {("foreign minister", None, "France", CURRENT)}
    assert posts_of(facts, "Klaus Weber") == {("foreign minister", None, "Germany", CURRENT)}


def test_title_set_off_by_a_comma_without_determiner(extract: Extract) -> None:
    facts = extract("Kenyan President, William Ruto, opened the summit.")
    assert posts_of(facts, "William Ruto") == {("President", None, "Kenya", CURRENT)}


def test_counterparts_from_countries(extract: Extract) -> None:
    facts = extract("The president of Brazil, Luiz Inacio Lula da Silva, welcomed his counterparts from "
                    "Argentina, Javier Milei; from Chile, Gabriel Boric; and from Peru, Dina Boluarte.")
    assert posts_of(facts, "Javier Milei") == {("president", None, "Argentina", CURRENT)}
    assert posts_of(facts, "Gabriel Boric") == {("president", None, "Chile", CURRENT)}
    assert posts_of(facts, "Dina Boluarte") == {("president", None, "Peru", CURRENT)}


def test_his_minister_serves_his_country(extract: Extract) -> None:
    facts = extract("Syrian President Ahmed al Sharaa arrived in Riyadh. Accompanied by his foreign minister "
                    "Asaad al Shaibani, Sharaa was greeted by Saudi officials.")
    assert posts_of(facts, "Asaad al Shaibani") == {("foreign minister", None, "Syria", CURRENT)}


# -- status ---------------------------------------------------------------------------------------------

def test_a_dead_holder_held_every_post_in_the_past(extract: Extract) -> None:
    facts = extract("Former prime minister John Smithers has died at the age of 90. He held the offices of "
                    "home secretary and foreign secretary.")
    assert {(role, status) for role, _, _, status in posts_of(facts, "John Smithers")} == {
        ("prime minister", FORMER), ("home secretary", FORMER), ("foreign secretary", FORMER)}


def test_a_dismissed_minister_is_former(extract: Extract) -> None:
    facts = extract("Prime Minister Benjamin Netanyahu fired Defense Minister Yoav Gallant on Tuesday.")
    assert {(r, s) for r, _, _, s in posts_of(facts, "Yoav Gallant")} == {("Defense Minister", FORMER)}
    assert {(r, s) for r, _, _, s in posts_of(facts, "Benjamin Netanyahu")} == {("Prime Minister", CURRENT)}


def test_a_period_that_ended_is_former_and_since_is_current(extract: Extract) -> None:
    facts = extract("Aziz Nasirzadeh was chief of the air force from 2018 to 2021. Mahmoud Ali Youssouf has "
                    "been foreign minister of Djibouti since 2005.")
    assert {(r, s) for r, _, _, s in posts_of(facts, "Aziz Nasirzadeh")} == {("chief of the air force", FORMER)}
    assert posts_of(facts, "Mahmoud Ali Youssouf") == {("foreign minister", None, "Djibouti", CURRENT)}


# -- countries and organizations -----------------------------------------------------------------------

def test_country_of_a_known_holder_comes_from_the_gazetteer_not_the_dateline(extract: Extract) -> None:
    facts = extract("President Donald Trump spoke with Finnish President Alexander Stubb in Helsinki.")
    assert posts_of(facts, "Donald Trump") == {("President", None, "United States", CURRENT)}
    assert posts_of(facts, "Alexander Stubb") == {("President", None, "Finland", CURRENT)}


def test_demonym_missing_from_the_gazetteer_is_read_off_its_stem(extract: Extract) -> None:
    facts = extract("Djiboutian President Ismail Omar Guelleh met Ethiopian officials.")
    assert posts_of(facts, "Ismail Omar Guelleh") == {("President", None, "Djibouti", CURRENT)}


def test_acronym_in_a_title_is_the_articles_organization(extract: Extract) -> None:
    facts = extract("The East African Community (EAC) admitted Somalia. EAC secretary general Peter Mathuki "
                    "welcomed the move.")
    assert posts_of(facts, "Peter Mathuki") == {("secretary general", "East African Community", None, CURRENT)}


def test_sheikh_is_a_style_not_the_office(extract: Extract) -> None:
    facts = extract("Egypt's President Abdel Fattah el-Sisi met Qatar's Emir Sheikh Tamim bin Hamad Al Thani "
                    "in Cairo.")
    assert posts_of(facts, "Tamim bin Hamad Al Thani") == {("Emir", None, "Qatar", CURRENT)}


# -- wrong posts are worse than missing ones --------------------------------------------------------------

def test_british_chancellor_is_the_exchequer_not_head_of_government(extract: Extract) -> None:
    facts = extract("Chancellor Gordon Brown told the Commons that Britain's economy was growing, as Tony "
                    "Blair looked on.")
    brown = [p for p in facts.posts if _name(facts, p.holder) == "Gordon Brown"]
    assert [(p.role, p.role_type) for p in brown] == [("Chancellor", "finance-minister")]


def test_soviet_premier_is_not_a_british_post(extract: Extract) -> None:
    facts = extract("British Prime Minister Margaret Thatcher met Soviet Premier Nikolai Ryzhkov in London on "
                    "Friday. Thatcher said Britain welcomed the talks.")
    assert posts_of(facts, "Nikolai Ryzhkov") == {("Premier", None, "Soviet Union", CURRENT)}
    assert posts_of(facts, "Margaret Thatcher") == {("Prime Minister", None, "United Kingdom", CURRENT)}


def test_seat_of_power_in_a_title_names_its_country(extract: Extract) -> None:
    facts = extract("Israeli Prime Minister Benjamin Netanyahu spoke in Jerusalem. Kremlin spokesman Dmitry "
                    "Peskov said talks went well.")
    assert posts_of(facts, "Dmitry Peskov") == {("Kremlin spokesman", None, "Russia", CURRENT)}


def test_candidates_and_praise_are_not_posts(extract: Extract) -> None:
    facts = extract("Murillo was the running mate of liberal candidate Sergio Fajardo. President Chan Santokhi "
                    "praised Albert Ramdin as a trusted adviser.")
    assert posts_of(facts, "Sergio Fajardo") == set()
    assert posts_of(facts, "Chan Santokhi") == {("President", None, "Suriname", CURRENT)}  # via the gazetteer
    assert posts_of(facts, "Albert Ramdin") == set()


def test_portfolio_after_of_is_wording_not_an_organization(extract: Extract) -> None:
    facts = extract("Kenya's Cabinet Secretary for Trade Rebecca Miano opened the fair.")
    assert posts_of(facts, "Rebecca Miano") == {("Cabinet Secretary for Trade", None, "Kenya", CURRENT)}


def test_a_hypothetical_resignation_is_no_post_either_way(extract: Extract) -> None:
    facts = extract("Asked if he would quit as leader, Tony Blair said no.")
    assert posts_of(facts, "Tony Blair") == set()


def test_the_late_president_held_the_post_in_the_past(extract: Extract) -> None:
    facts = extract("The foundation was named after the late President Nelson Mandela.")
    assert {(role, status) for role, _, _, status in posts_of(facts, "Nelson Mandela")} == {("President", FORMER)}


def test_a_date_point_does_not_end_a_post(extract: Extract) -> None:
    facts = extract("Vladimir Putin was president during the 2014 annexation of Crimea.")
    assert {(role, status) for role, _, _, status in posts_of(facts, "Vladimir Putin")} == {("president", CURRENT)}
