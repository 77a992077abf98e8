"""Meetings as wire copy tells them: one event over several sentences, summits, calls, companions.

Every sentence here was written for these tests (real leaders' names, made-up events). Meetings are
compared by participant names, so a test reads like the copy it checks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from newsgraph.extract import Extractor
from newsgraph.facts import Article, ArticleFacts

#: A Wednesday: "on Monday" in past tense is 3 June 2024.
PUBLISHED = date(2024, 6, 5)

Extract = Callable[[str], ArticleFacts]


@pytest.fixture(scope="module")
def extract(extractor: Extractor) -> Extract:
    """The session's pipeline (conftest), reading each text as an article of one fixed date."""

    def run(text: str) -> ArticleFacts:
        return extractor.extract(Article(id="genre", text=text, published=PUBLISHED))

    return run


def groups(facts: ArticleFacts) -> list[frozenset[str]]:
    """Participant names of every meeting, in order."""
    return [frozenset(facts.entities[k].name for k in m.participants) for m in facts.meetings]


def has_meeting(facts: ArticleFacts, *surnames: str) -> bool:
    """Is there a meeting whose participants are exactly these people (matched by surname)?"""
    return any(len(g) == len(surnames) and all(any(n.endswith(s) for n in g) for s in surnames) for g in groups(facts))


# -- one event told over several sentences ---------------------------------------------------------

def test_meeting_restated_in_a_later_sentence_is_one_meeting(extract: Extract) -> None:
    facts = extract("German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on Monday. "
                    "Officials said energy prices were discussed during the meeting between Scholz and Macron.")
    assert groups(facts) == [frozenset({"Olaf Scholz", "Emmanuel Macron"})]
    assert facts.meetings[0].date == date(2024, 6, 3)
    assert facts.entities[facts.meetings[0].place].name == "Paris"


def test_meeting_at_another_time_stays_apart(extract: Extract) -> None:
    facts = extract("German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on Monday. "
                    "Scholz and Macron last met in Berlin in March.")
    assert len(groups(facts)) == 2


def test_companions_join_the_meeting_told_before(extract: Extract) -> None:
    facts = extract("Japanese Foreign Minister Yoko Kamikawa met US Secretary of State Antony Blinken in Tokyo "
                    "on Monday. Blinken was accompanied by US Ambassador Rahm Emanuel.")
    assert has_meeting(facts, "Kamikawa", "Blinken", "Emanuel")
    assert len(facts.meetings) == 1


def test_definite_title_refers_back_to_the_named_leader(extract: Extract) -> None:
    facts = extract("Indian Prime Minister Narendra Modi arrived in Tashkent on Tuesday. "
                    "The prime minister later met Uzbek President Shavkat Mirziyoyev.")
    assert has_meeting(facts, "Modi", "Mirziyoyev")


# -- summits ---------------------------------------------------------------------------------------

def test_summit_host_and_attendance_list_are_one_meeting(extract: Extract) -> None:
    facts = extract("The summit was hosted by Kenyan President William Ruto. In attendance were Ugandan "
                    "President Yoweri Museveni, Rwandan President Paul Kagame and Burundian President "
                    "Evariste Ndayishimiye.")
    assert has_meeting(facts, "Ruto", "Museveni", "Kagame", "Ndayishimiye")
    assert len(facts.meetings) == 1


def test_summit_attended_by_leaders(extract: Extract) -> None:
    facts = extract("The regional summit in Nairobi was attended by Rwandan President Paul Kagame and "
                    "Ugandan President Yoweri Museveni.")
    assert has_meeting(facts, "Kagame", "Museveni")


def test_bulleted_attendance_list_after_an_announcement(extract: Extract) -> None:
    facts = extract("Kenyan President William Ruto is hosting his counterparts at the regional summit in "
                    "Mombasa.\n\nThe attending presidents include:\n\n• Yoweri Museveni (Uganda)\n"
                    "• Paul Kagame (Rwanda)\n\nThe summit runs for two days.")
    assert has_meeting(facts, "Ruto", "Museveni", "Kagame")


def test_handover_during_a_summit_puts_both_there(extract: Extract) -> None:
    facts = extract("During the summit, Kenyan President William Ruto handed over the chairmanship of the "
                    "bloc to Ugandan President Yoweri Museveni.")
    assert has_meeting(facts, "Ruto", "Museveni")


def test_criticising_a_summit_is_not_attending_it(extract: Extract) -> None:
    facts = extract("French President Emmanuel Macron criticised German Chancellor Olaf Scholz before the "
                    "summit.")
    assert facts.meetings == []


# -- calls, talks, mediators -----------------------------------------------------------------------

def test_call_reported_by_one_party(extract: Extract) -> None:
    facts = extract("Canadian Prime Minister Justin Trudeau said that following a phone call with President "
                    "Joe Biden on Monday, the two countries had agreed to pause new tariffs.")
    assert has_meeting(facts, "Trudeau", "Biden")


def test_talks_in_the_presence_of_a_mediator(extract: Extract) -> None:
    facts = extract("US Secretary of State Antony Blinken and Chinese Foreign Minister Wang Yi spoke briefly in "
                    "the presence of Swiss Foreign Minister Ignazio Cassis, officials said.")
    assert has_meeting(facts, "Blinken", "Wang Yi", "Cassis")


def test_discussed_with_several_is_one_talk_each(extract: Extract) -> None:
    facts = extract("Indian Prime Minister Narendra Modi also discussed trade with Japanese Prime Minister "
                    "Fumio Kishida and Australian Prime Minister Anthony Albanese.")
    assert has_meeting(facts, "Modi", "Kishida")
    assert has_meeting(facts, "Modi", "Albanese")
    assert not any({"Fumio Kishida", "Anthony Albanese"} <= g for g in groups(facts))


def test_began_talks_with_counterpart(extract: Extract) -> None:
    facts = extract("Indian Foreign Minister Subrahmanyam Jaishankar began talks with his Chinese counterpart "
                    "Wang Yi in New Delhi on Monday.")
    assert has_meeting(facts, "Jaishankar", "Wang Yi")


def test_exchanged_views_as_co_subjects(extract: Extract) -> None:
    facts = extract("Ethiopian Prime Minister Abiy Ahmed and Kenyan President William Ruto exchanged views on "
                    "regional security.")
    assert has_meeting(facts, "Ahmed", "Ruto")


# -- things that are not meetings ------------------------------------------------------------------

def test_official_of_an_administration_is_not_its_leader(extract: Extract) -> None:
    facts = extract("Venezuelan President Nicolas Maduro met on Friday with a senior Trump administration "
                    "official.")
    assert facts.meetings == []


def test_joining_an_administration_meets_no_one(extract: Extract) -> None:
    facts = extract("Former Treasury Secretary Janet Yellen first joined the Obama administration in 2009.")
    assert facts.meetings == []


def test_they_last_spoke_is_an_earlier_call_of_the_same_pair(extract: Extract) -> None:
    facts = extract("On Monday, Kenyan President William Ruto called Ugandan President Yoweri Museveni about "
                    "the border, but before that, they last spoke in March.")
    assert [len(g) for g in groups(facts)] == [2, 2]
    assert {m.date_text for m in facts.meetings} == {"Monday", "March"}


def test_the_ministers_of_both_nations_are_not_the_pair_just_named(extract: Extract) -> None:
    facts = extract("Ugandan President Yoweri Museveni met Kenyan President William Ruto in Kampala on Monday. "
                    "The foreign ministers of both nations will meet next month.")
    assert len(facts.meetings) == 1


def test_negotiations_between_two_leaders(extract: Extract) -> None:
    facts = extract("The first negotiations in a year between Russian President Vladimir Putin and Azerbaijani "
                    "President Ilham Aliyev took place in Dushanbe.")
    assert has_meeting(facts, "Putin", "Aliyev")


@pytest.mark.parametrize("text, surnames", [
    ("Among those attending the summit were Kenyan President William Ruto, Rwandan President Paul Kagame and "
     "Ugandan President Yoweri Museveni.", ("Ruto", "Kagame", "Museveni")),
    ("Leaders attending the summit in Nairobi included Rwandan President Paul Kagame and Ugandan President "
     "Yoweri Museveni.", ("Kagame", "Museveni")),
    ("Rwandan President Paul Kagame arrived in Nairobi on Friday to attend the regional summit. Ugandan "
     "President Yoweri Museveni also attended the summit.", ("Kagame", "Museveni")),
    ("The summit, chaired by Kenyan President William Ruto, was also attended by Ugandan President Yoweri "
     "Museveni.", ("Ruto", "Museveni")),
    ("Rwandan President Paul Kagame was among the leaders attending the summit, along with Ugandan President "
     "Yoweri Museveni.", ("Kagame", "Museveni")),
    ("Leaders including Kenyan President William Ruto and Rwandan President Paul Kagame gathered in Addis Ababa "
     "for the African Union summit.", ("Ruto", "Kagame")),
    ("Also present at the summit were Kenyan President William Ruto and Rwandan President Paul Kagame.",
     ("Ruto", "Kagame")),
    ("Kenyan President William Ruto and Rwandan President Paul Kagame took part in the summit in Arusha.",
     ("Ruto", "Kagame")),
    ("Kenyan President William Ruto and Rwandan President Paul Kagame were in attendance at the summit.",
     ("Ruto", "Kagame")),
    ("Kenyan President William Ruto and Rwandan President Paul Kagame arrived in Arusha for the summit on "
     "Friday.", ("Ruto", "Kagame")),
    ("Heads of state at the summit included Kenyan President William Ruto and Rwandan President Paul Kagame.",
     ("Ruto", "Kagame")),
    ("The summit drew Kenyan President William Ruto, Rwandan President Paul Kagame and Ugandan President "
     "Yoweri Museveni.", ("Ruto", "Kagame", "Museveni")),
    ("The regional summit opened in Arusha on Friday. Kenyan President William Ruto told the summit that trade "
     "must grow. Rwandan President Paul Kagame addressed the summit on security.", ("Ruto", "Kagame")),
    ("Speaking at the summit, Kenyan President William Ruto said trade must grow. In his address to the "
     "summit, Rwandan President Paul Kagame called for peace.", ("Ruto", "Kagame")),
    ("Kenyan President William Ruto welcomed leaders to the summit in Nairobi. Rwandan President Paul Kagame, "
     "who attended, praised the host.", ("Ruto", "Kagame")),
])
def test_ways_of_saying_who_attended_a_summit(extract: Extract, text: str, surnames: tuple[str, ...]) -> None:
    assert has_meeting(extract(text), *surnames)


def test_declining_to_attend_is_not_attending(extract: Extract) -> None:
    facts = extract("Kenyan President William Ruto will host the summit next year. Rwandan President Paul Kagame "
                    "will not attend the summit.")
    assert facts.meetings == []


@pytest.mark.parametrize("text, surnames", [
    ("Rwandan President Paul Kagame paid a courtesy call on Kenyan President William Ruto at State House on "
     "Tuesday.", ("Kagame", "Ruto")),
    ("Rwandan President Paul Kagame was received at the airport by Kenyan President William Ruto.",
     ("Kagame", "Ruto")),
    ("Rwandan President Paul Kagame hosted a state banquet in honour of Kenyan President William Ruto.",
     ("Kagame", "Ruto")),
    ("Kenyan President William Ruto received a phone call from Rwandan President Paul Kagame on Monday.",
     ("Ruto", "Kagame")),
    ("The talks, mediated by Qatari Emir Tamim bin Hamad Al Thani, brought together Rwandan President Paul "
     "Kagame and Congolese President Felix Tshisekedi.", ("Al Thani", "Kagame", "Tshisekedi")),
    ("Kenyan President William Ruto told Rwandan President Paul Kagame in a phone call on Monday that the "
     "border would reopen.", ("Ruto", "Kagame")),
])
def test_calls_receptions_hosts_and_mediators(extract: Extract, text: str, surnames: tuple[str, ...]) -> None:
    assert has_meeting(extract(text), *surnames)


def test_signing_or_criticising_is_not_a_meeting(extract: Extract) -> None:
    assert extract("Kenyan President William Ruto criticised Rwandan President Paul Kagame on Monday.").meetings == []


def test_talks_joined_by_a_third_leader(extract: Extract) -> None:
    facts = extract("German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on Monday. "
                    "The talks between Scholz and Macron were later joined by Italian Prime Minister Giorgia Meloni.")
    assert has_meeting(facts, "Scholz", "Macron", "Meloni")


# -- place and date from the story around a meeting ------------------------------------------------

def test_second_meeting_of_a_visit_takes_the_place_of_the_first(extract: Extract) -> None:
    facts = extract("Kenyan President William Ruto met Rwandan President Paul Kagame in Kigali on Monday. "
                    "Ruto also met Rwandan Prime Minister Edouard Ngirente.")
    second = next(m for m in facts.meetings if any("Ngirente" in facts.entities[k].name for k in m.participants))
    assert facts.entities[second.place].name == "Kigali"
    assert second.date is None  # nothing says it was on Monday too


def test_meeting_in_another_city_keeps_its_own_place(extract: Extract) -> None:
    facts = extract("Kenyan President William Ruto met Rwandan President Paul Kagame in Kigali on Monday. "
                    "Ruto also met Ugandan President Yoweri Museveni in Kampala on Tuesday.")
    places = {facts.entities[m.place].name for m in facts.meetings if m.place}
    assert places == {"Kigali", "Kampala"}


def test_earlier_in_the_day_is_kept_as_worded(extract: Extract) -> None:
    facts = extract("Kenyan President William Ruto met Rwandan President Paul Kagame in Kigali on Monday. "
                    "Ruto also met Rwandan Prime Minister Edouard Ngirente earlier in the day.")
    assert "earlier in the day" in {m.date_text for m in facts.meetings}


def test_date_of_an_unnamed_lede_meeting_goes_to_the_named_one(extract: Extract) -> None:
    facts = extract("The foreign ministers of Kenya, Uganda and Rwanda met in Nairobi on Monday. Kenyan Foreign "
                    "Minister Musalia Mudavadi hosted Ugandan Foreign Minister Jeje Odongo and Rwandan Foreign "
                    "Minister Olivier Nduhungirehe at State House.")
    [m] = facts.meetings
    assert m.date == date(2024, 6, 3)


@pytest.mark.parametrize("text, surnames", [
    ("Kenyan President William Ruto is on a state visit to Rwanda at the invitation of President Paul Kagame. "
     "The two leaders held talks on trade.", ("Ruto", "Kagame")),
    ("Rwandan President Paul Kagame hosted a luncheon for Kenyan President William Ruto at State House.",
     ("Kagame", "Ruto")),
    ("Kenyan President William Ruto held a videoconference with Rwandan President Paul Kagame on Monday.",
     ("Ruto", "Kagame")),
    ("US Ambassador Meg Whitman presented her credentials to Kenyan President William Ruto on Monday.",
     ("Whitman", "Ruto")),
    ("Kenyan President William Ruto held talks with a delegation led by Rwandan Foreign Minister Olivier "
     "Nduhungirehe.", ("Ruto", "Nduhungirehe")),
    ("Kenyan President William Ruto and Rwandan President Paul Kagame addressed a joint press conference in "
     "Kigali.", ("Ruto", "Kagame")),
    ("Rwandan President Paul Kagame, accompanied by Foreign Minister Olivier Nduhungirehe, arrived in Nairobi, "
     "where he was received by Kenyan President William Ruto.", ("Kagame", "Nduhungirehe", "Ruto")),
])
def test_visits_audiences_and_delegations(extract: Extract, text: str, surnames: tuple[str, ...]) -> None:
    assert has_meeting(extract(text), *surnames)


def test_a_speech_given_with_someone_is_not_a_meeting_verb(extract: Extract) -> None:
    facts = extract("Kenyan President William Ruto gave a speech on trade, and Rwandan President Paul Kagame "
                    "offered support.")
    assert facts.meetings == []


def test_speaking_at_a_summit_in_turn_is_not_attendance_by_itself(extract: Extract) -> None:
    facts = extract("The summit opened on Friday. Kenyan President William Ruto told reporters that trade must "
                    "grow. Rwandan President Paul Kagame said peace came first.")
    assert facts.meetings == []


def test_bilateral_talks_within_a_group_meeting_stay_apart(extract: Extract) -> None:
    facts = extract("Kenyan President William Ruto hosted Rwandan President Paul Kagame and Ugandan President "
                    "Yoweri Museveni in Nairobi on Monday. Ruto and Kagame also held bilateral talks.")
    assert has_meeting(facts, "Ruto", "Kagame", "Museveni")
    assert has_meeting(facts, "Ruto", "Kagame")


def test_pacts_signed_with_leaders_are_meetings_where_signed(extract: Extract) -> None:
    facts = extract("Moldovan President Maia Sandu signed a defence agreement with French President Emmanuel "
                    "Macron in Paris on Monday, a day after concluding a similar pact with German Chancellor "
                    "Olaf Scholz in Berlin.")
    places = {frozenset(g): facts.entities[m.place].name for g, m in zip(groups(facts), facts.meetings, strict=True)
              if m.place}
    assert places == {frozenset({"Maia Sandu", "Emmanuel Macron"}): "Paris",
                      frozenset({"Maia Sandu", "Olaf Scholz"}): "Berlin"}


def test_a_deal_signed_with_a_company_is_not_a_meeting(extract: Extract) -> None:
    assert extract("Kenyan President William Ruto signed a deal with Microsoft on Monday.").meetings == []
