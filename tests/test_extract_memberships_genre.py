"""Memberships as wire copy states them: member lists, accessions, founders, leavers and guests.

Every sentence here is written for the test. Each positive case names the pattern of the genre it
stands for; each negative case is one a careless extractor would turn into a membership.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from newsgraph.extract import Extractor
from newsgraph.facts import Article, ArticleFacts

Extract = Callable[[str], ArticleFacts]


@pytest.fixture(scope="module")
def extract(extractor: Extractor) -> Extract:
    """The session's pipeline (conftest), reading each text as an article of one fixed date."""

    def run(text: str) -> ArticleFacts:
        return extractor.extract(Article(id="genre", text=text, published=date(2024, 6, 5)))

    return run


def members(facts: ArticleFacts) -> set[tuple[str, str]]:
    return {(facts.entities[b.member].name, facts.entities[b.organization].name) for b in facts.memberships}


def of(bloc: str, *countries: str) -> set[tuple[str, str]]:
    return {(c, bloc) for c in countries}


# -- member lists -----------------------------------------------------------------------------------

def test_members_are_list_after_the_bloc_was_named(extract: Extract) -> None:
    facts = extract("Leaders of BRICS met in Kazan on Tuesday. The bloc's five members are Brazil, Russia, "
                    "India, China and South Africa.")
    assert members(facts) == of("BRICS", "Brazil", "Russia", "India", "China", "South Africa")


def test_colon_list_of_members(extract: Extract) -> None:
    facts = extract("The Quad has four members: the United States, Japan, India and Australia.")
    assert members(facts) == of("Quad", "United States", "Japan", "India", "Australia")


def test_list_after_a_colon_the_parser_splits_off(extract: Extract) -> None:
    # spaCy makes a sentence of the list after "permanent ones:"; the two read as one statement
    facts = extract("The UN Security Council has 15 members, five of which are permanent ones: "
                    "Britain, China, France, Russia, and the United States.")
    assert of("UN Security Council", "China", "France", "Russia", "United States") <= members(facts)


def test_non_permanent_members_are_members(extract: Extract) -> None:
    facts = extract("Denmark and Greece were elected non-permanent members of the UN Security Council on "
                    "Thursday.")
    assert members(facts) == of("UN Security Council", "Denmark", "Greece")


def test_relative_clause_states_accession(extract: Extract) -> None:
    facts = extract("Bolivia, which became a full member of Mercosur in 2024, hosted the meeting.")
    assert members(facts) == of("Mercosur", "Bolivia")


def test_bloc_defined_by_acronym_gets_its_members(extract: Extract) -> None:
    facts = extract("Leaders of the Economic Community of Central African States (ECCAS) met in Libreville. "
                    "The bloc's members include Gabon, Chad and Cameroon.")
    assert members(facts) == of("Economic Community of Central African States", "Gabon", "Chad", "Cameroon")


def test_leaders_of_the_group_listed_by_country(extract: Extract) -> None:
    facts = extract("In attendance were the other leaders of the Nordic Council: the Prime Minister of Norway "
                    "Jonas Gahr Store, the Prime Minister of Sweden Ulf Kristersson and the Prime Minister of "
                    "Finland Petteri Orpo.")
    assert members(facts) == of("Nordic Council", "Norway", "Sweden", "Finland")


def test_stated_count_then_that_many_countries(extract: Extract) -> None:
    facts = extract("The summit brought together the leaders of the three member states of the Alliance of "
                    "Sahel States.\nThe presidents of Mali, Niger and Burkina Faso signed a charter.")
    assert members(facts) == of("Alliance of Sahel States", "Mali", "Niger", "Burkina Faso")


def test_count_that_does_not_match_claims_nothing(extract: Extract) -> None:
    facts = extract("The summit brought together the leaders of the four member states of the Alliance of "
                    "Sahel States.\nThe presidents of Mali, Niger and Burkina Faso signed a charter.")
    assert members(facts) == set()


# -- accessions and founders ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Finland joined NATO as its 31st member on Tuesday.", of("NATO", "Finland")),
    ("Sweden became the 32nd member of NATO in March.", of("NATO", "Sweden")),
    ("Egypt was admitted to the Shanghai Cooperation Organisation last year.",
     of("Shanghai Cooperation Organisation", "Egypt")),
    ("The African Union admitted Morocco as a member in 2017.", of("African Union", "Morocco")),
], ids=["joined-as-member", "became-nth-member", "was-admitted", "admitted-as-member"])
def test_accession(extract: Extract, text: str, expected: set[tuple[str, str]]) -> None:
    assert members(extract(text)) == expected


def test_joiner_joins_the_members_it_names(extract: Extract) -> None:
    facts = extract("Sweden became the 32nd member of NATO on Thursday. Sweden joins Finland, Norway, Denmark "
                    "and Iceland.")
    assert members(facts) == of("NATO", "Sweden", "Finland", "Norway", "Denmark", "Iceland")


def test_founders_are_members(extract: Extract) -> None:
    facts = extract("Mali, Burkina Faso and Niger established the Alliance of Sahel States in 2023.")
    assert members(facts) == of("Alliance of Sahel States", "Mali", "Burkina Faso", "Niger")


def test_these_countries_founded_after_leaving_another_bloc(extract: Extract) -> None:
    facts = extract("Last year saw the withdrawal of Mali, Niger and Burkina Faso from ECOWAS. These countries "
                    "exited the bloc and established the Alliance of Sahel States.")
    got = members(facts)
    assert of("Alliance of Sahel States", "Mali", "Niger", "Burkina Faso") <= got
    assert not {m for m in got if m[1] != "Alliance of Sahel States"}  # they left ECOWAS


# -- not members --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Mali, Niger and Burkina Faso left the Economic Community of West African States in January.",
    "Britain left the European Union in 2020 and is no longer a member.",
    "Niger announced its withdrawal from ECOWAS on Sunday.",
    "Venezuela remains suspended from Mercosur.",
    "Ukraine is a candidate for membership of the European Union.",
    "Bolivia attends Mercosur summits as an associate member.",
    "Georgia has applied to join the European Union.",
    "South Korea, Australia and New Zealand attended the NATO summit as partners.",
    "Papua New Guinea holds observer status in ASEAN.",
    "Thailand and Malaysia became BRICS partner countries in January.",
    "Serbia, a candidate country, hopes to join the European Union by 2030.",
    "Argentina declined an invitation to join BRICS in December.",
    "Azerbaijan is seeking membership in the Shanghai Cooperation Organisation.",
    "Japan, which is not a member of the Shanghai Cooperation Organisation, sent an envoy.",
    "Chad and Sudan could become members of the bloc, the African Union said.",
    "The European Union will admit Ukraine and Moldova as members once reforms are complete.",
    "The leaders discussed a roadmap for Timor-Leste's planned membership in ASEAN.",
], ids=["left", "no-longer", "withdrawal", "suspended", "candidate", "associate", "applied", "partners",
        "observer-status", "partner-countries", "hopes-to-join", "declined", "seeking", "relcl-not",
        "could-become", "will-admit", "planned"])
def test_no_membership(extract: Extract, text: str) -> None:
    assert extract(text).memberships == []


@pytest.mark.parametrize("text", [
    "Leaders from Kenya, Ghana and Nigeria attended the African Union summit in Addis Ababa.",
    "The G20 summit in Rio was attended by the presidents of France, Argentina and Indonesia.",
], ids=["leaders-from", "attended-by"])
def test_taking_part_in_a_summit_is_not_membership(extract: Extract, text: str) -> None:
    assert extract(text).memberships == []


def test_evidence_of_a_split_colon_list_quotes_both_parts(extract: Extract) -> None:
    facts = extract("The Quad has four members: the United States, Japan, India and Australia.")
    text = facts.article.text
    for b in facts.memberships:
        assert b.evidence.quote == text[b.evidence.start:b.evidence.end]
        assert "Quad" in b.evidence.quote and facts.entities[b.member].name in b.evidence.quote


def test_list_item_country_inside_a_leaders_title(extract: Extract) -> None:
    # the small model folds some "of <country>" into the person's name; the list still names it
    facts = extract("The meeting drew the leaders of the Visegrad Group: the Prime Minister of the Czech Republic "
                    "Petr Fiala, the President of Hungary Katalin Novak, the Prime Minister of Slovakia Robert Fico "
                    "and the President of Poland Andrzej Duda.")
    assert members(facts) == of("Visegrad Group", "Czechia", "Hungary", "Slovakia", "Poland")


def test_joined_list_with_a_long_country_name(extract: Extract) -> None:
    facts = extract("Somalia became the eighth member of the East African Community on Friday. Somalia joins "
                    "Kenya, Uganda, Rwanda and the Democratic Republic of the Congo.")
    assert members(facts) == of("East African Community", "Somalia", "Kenya", "Uganda", "Rwanda",
                                "Democratic Republic of the Congo")


@pytest.mark.parametrize(("text", "expected"), [
    ("Egypt and Jordan, both members of the Arab League, backed the plan.", of("Arab League", "Egypt", "Jordan")),
    ("Ghana and Senegal, two ECOWAS member states, condemned the coup.", of("ECOWAS", "Ghana", "Senegal")),
    ("Qatar is one of the six members of the Gulf Cooperation Council.", of("Gulf Cooperation Council", "Qatar")),
    ("European Union member states such as France and Germany backed the plan.",
     of("European Union", "France", "Germany")),
], ids=["apposition-after-list", "apposition-member-states", "one-of-the-members", "such-as"])
def test_member_phrases_beside_the_countries(extract: Extract, text: str, expected: set[tuple[str, str]]) -> None:
    assert members(extract(text)) == expected


def test_apposition_inside_a_list_covers_only_its_own_country(extract: Extract) -> None:
    facts = extract("Egypt, a member of the Arab League, and Iran held talks.")
    assert members(facts) == of("Arab League", "Egypt")


@pytest.mark.parametrize(("text", "expected"), [
    ("BRICS member countries Brazil, Russia and India backed the plan.", of("BRICS", "Brazil", "Russia", "India")),
    ("Morocco was readmitted to the African Union in 2017.", of("African Union", "Morocco")),
    ("Gambia rejoined the Commonwealth in 2018.", of("Commonwealth", "Gambia")),
    ("Finland, which joined NATO last year, hosted the drills.", of("NATO", "Finland")),
], ids=["member-countries", "readmitted", "rejoined", "which-joined"])
def test_more_accession_and_list_wordings(extract: Extract, text: str, expected: set[tuple[str, str]]) -> None:
    assert members(extract(text)) == expected


def test_which_joined_the_talks_is_no_membership(extract: Extract) -> None:
    facts = extract("Finland, which joined the talks late, told NATO it had concerns.")
    assert facts.memberships == []
