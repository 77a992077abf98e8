"""Word lists of news English that the extraction rules rely on.

These are general facts about how wire copy names offices and reports meetings, not knowledge of
any particular article: role nouns ("minister", "secretary", "economist"), honorifics, status
markers ("former", "ex-"), meeting verbs, membership cues. Keeping them here, apart from the
rules, lets a reader see (and extend) the vocabulary in one place.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Head nouns of posts and jobs. A title before a name, or an apposition after it, must contain
#: one of these to count as a post ("Foreign Minister", "the head of", "economist").
ROLE_NOUNS: frozenset[str] = _words(
    """
    minister ministers secretary president vice-president premier chancellor leader chief
    head director director-general spokesman spokeswoman spokesperson ambassador envoy governor
    mayor senator congressman congresswoman representative mp mep lawmaker legislator economist
    analyst strategist chairman chairwoman chair chairperson ceo cfo coo executive boss
    commissioner general admiral commander marshal king queen prince princess emir sultan sheikh
    monarch pope deputy adviser advisor counsellor counselor diplomat negotiator judge justice
    prosecutor attorney-general attorney solicitor-general officer founder co-founder owner
    editor correspondent reporter journalist columnist watchdog frontman campaigner activist
    administrator coordinator superintendent inspector treasurer comptroller auditor registrar
    speaker whip manager president-elect premier-elect chancellor-elect governor-general viceroy
    consul attache official representative delegate rapporteur ombudsman regulator nanny
    servant banker trader partner professor lecturer researcher scientist chief-of-staff dean
    rector provost principal bishop archbishop cardinal imam rabbi ayatollah chieftain ruler
    president-designate candidate nominee incumbent counterpart peer co-chairman co-chair supremo consultant
    lieutenant clerk
    """
)

#: Role nouns that only make a post when something else in the phrase says which office
#: ("Energy Minister", "the head of the agency"); alone before a name they are too vague.
VAGUE_ROLES: frozenset[str] = _words("official partner candidate nominee incumbent counterpart")

#: Honorifics dropped from person names ("Mr Blair" is Blair, "Sir Alan Budd" is Alan Budd).
HONORIFICS: frozenset[str] = _words(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. sir dame lord lady prof prof. rev rev. reverend mme mme.
    herr sen. rep. gen. lt. col. maj. capt. adm. sgt. hon. honourable honorable madam monsieur
    """
)

#: Words that, before a role, make it a past post.
FORMER_MARKERS: frozenset[str] = _words("former ex ex- then then- previous erstwhile onetime one-time")

#: Modifiers kept inside the role label ("Acting Prime Minister", "Deputy Foreign Minister").
ROLE_MODIFIERS: frozenset[str] = _words(
    """
    acting deputy vice interim assistant associate senior junior chief principal permanent first prime
    second general state foreign top senior-most most executive managing national federal
    regional special
    """
)

#: Lemmas of verbs that report a meeting between their subject and object.
MEET_VERBS: frozenset[str] = _words(
    "meet host receive visit phone call greet welcome join hold have talk speak confer sit dine telephone accompany"
)
#: Nouns that name a meeting ("talks with", "a meeting between X and Y").
MEET_NOUNS: frozenset[str] = _words(
    "meeting talks talk call conversation summit visit discussions discussion negotiations meetings "
    "phone telephone sidelines encounter"
)
#: Verbs that need their object to be "talks", "meeting", "call", "discussions" ("held talks").
MEET_LIGHT_VERBS: frozenset[str] = _words("hold have conduct make sit begin start")

#: Words that say a country is in a bloc.
MEMBER_CUES: frozenset[str] = _words(
    "member members member-states membership joined join joins addition admitted admit made comprising "
    "comprises comprise consists include includes including expanded grouping groups unites"
)
#: Words that say a country is *not* (yet) a member, however close it sits to the list.
NON_MEMBER_CUES: frozenset[str] = _words(
    """
    invited invite observer observers guest guests partner partners applicant applicants candidate
    candidates applied apply aspiring seeking seek bid outside non-member non-members nonmember
    dialogue left quit withdrew suspended expelled
    """
)

#: Words that refer back to a bloc named earlier ("the group expanded ...").
BLOC_ANAPHORS: frozenset[str] = _words("group bloc alliance grouping union club organisation organization coalition")

#: Party adjectives and nicknames → the party's usual name and country.
PARTY_WORDS: dict[str, tuple[str, str]] = {
    "tory": ("Conservative Party", "United Kingdom"),
    "tories": ("Conservative Party", "United Kingdom"),
    "conservative": ("Conservative Party", "United Kingdom"),
    "labour": ("Labour Party", "United Kingdom"),
    "liberal democrat": ("Liberal Democrats", "United Kingdom"),
    "lib dem": ("Liberal Democrats", "United Kingdom"),
    "snp": ("Scottish National Party", "United Kingdom"),
    "ukip": ("UK Independence Party", "United Kingdom"),
    "gop": ("Republican Party", "United States"),
    "republican": ("Republican Party", "United States"),
    "democratic": ("Democratic Party", "United States"),
    "democrat": ("Democratic Party", "United States"),
}

#: Pronouns that can stand for a person already named.
PERSON_PRONOUNS: frozenset[str] = _words("he she him her his")

#: Organization heads that are generic when alone and must not become organizations by themselves.
GENERIC_ORG_WORDS: frozenset[str] = frozenset(
    {"government", "cabinet", "parliament", "ministry", "police", "army", "military", "state media",
     "state television", "opposition", "administration", "court", "commission", "council", "committee",
     "agency", "party", "group", "bloc"}
)


#: Titles that exist under that wording in one country only ("Home Secretary" is British,
#: "Secretary of State" without "for ..." is the US foreign minister). A post worded so gets that
#: country when the article gives none.
_UK_SECRETARIES = _words(
    """
    home foreign defence health education culture trade transport environment justice business
    work pensions energy northern scotland scottish wales welsh international development treasury
    chief commons lords
    """
)
_COUNTRY_TITLES: dict[str, str] = {
    "chancellor of the exchequer": "United Kingdom",
    "lord chancellor": "United Kingdom",
    "secretary of state": "United States",
    "attorney general": "United States",
    "shadow": "United Kingdom",
    "mp": "United Kingdom",
    "chief secretary to the treasury": "United Kingdom",
    "taoiseach": "Ireland",
    "external affairs minister": "India",
    "minister of external affairs": "India",
    "bundeskanzler": "Germany",
}


def role_country(role: str) -> str | None:
    """The one country whose offices use this exact wording, if any."""
    low = " ".join(role.lower().replace("-", " ").split())
    for prefix in ("acting ", "deputy ", "former ", "junior "):
        low = low.removeprefix(prefix)
    if low in _COUNTRY_TITLES:
        return _COUNTRY_TITLES[low]
    if low.startswith("shadow "):
        return "United Kingdom"
    words = low.split()
    if len(words) >= 2 and words[-1] == "secretary" and words[0] in _UK_SECRETARIES and words[0] != "chief":
        return "United Kingdom"
    return None


#: Institutions and seats of government that place an article in one country ("the Commons",
#: "the White House"): counted like a country name when guessing an article's home country.
COUNTRY_SIGNALS: dict[str, str] = {
    "westminster": "United Kingdom", "downing street": "United Kingdom", "whitehall": "United Kingdom",
    "house of commons": "United Kingdom", "house of lords": "United Kingdom", "commons": "United Kingdom",
    "white house": "United States", "capitol hill": "United States", "pentagon": "United States",
    "congress": "United States", "senate": "United States", "kremlin": "Russia", "duma": "Russia",
    "elysee": "France", "élysée": "France", "bundestag": "Germany", "knesset": "Israel", "dail": "Ireland",
    "lok sabha": "India", "rajya sabha": "India", "diet": "Japan", "zhongnanhai": "China",
}
