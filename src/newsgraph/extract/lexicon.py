"""Word lists of news English that the extraction rules rely on.

These are general facts about how wire copy names offices and reports meetings, not knowledge of
any particular article: role nouns ("minister", "secretary", "economist"), honorifics, status
markers ("former", "ex-"), meeting verbs, membership cues. Keeping them here, apart from the
rules, lets a reader see (and extend) the vocabulary in one place.
"""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The white-space separated words of ``text``: how every list here (and in :mod:`.summit_words`) is written."""
    return frozenset(text.split())


#: Head nouns of posts and jobs. A title before a name, or an apposition after it, must contain
#: one of these to count as a post ("Foreign Minister", "the head of", "economist").
ROLE_NOUNS: frozenset[str] = word_set(
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
VAGUE_ROLES: frozenset[str] = word_set("official partner candidate nominee incumbent counterpart")

#: Honorifics dropped from person names ("Mr Blair" is Blair, "Sir Alan Budd" is Alan Budd).
HONORIFICS: frozenset[str] = word_set(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. sir dame lord lady prof prof. rev rev. reverend mme mme.
    herr sen. rep. gen. lt. col. maj. capt. adm. sgt. hon. honourable honorable madam monsieur
    """
)

#: Words that, before a role, make it a past post.
FORMER_MARKERS: frozenset[str] = word_set("former ex ex- then then- previous erstwhile onetime one-time")

#: Modifiers kept inside the role label ("Acting Prime Minister", "Deputy Foreign Minister").
ROLE_MODIFIERS: frozenset[str] = word_set(
    """
    acting deputy vice interim assistant associate senior junior chief principal permanent first prime
    second general state foreign top senior-most most executive managing national federal
    regional special
    """
)

#: Lemmas of verbs that report a meeting between their subject and object.
MEET_VERBS: frozenset[str] = word_set(
    "meet host receive visit phone call greet welcome join hold have talk speak confer sit dine telephone accompany"
)
#: Nouns that name a meeting ("talks with", "a meeting between X and Y").
MEET_NOUNS: frozenset[str] = word_set(
    "meeting talks talk call conversation summit visit discussions discussion negotiations meetings "
    "phone telephone sidelines encounter"
)
#: Verbs that need their object to be "talks", "meeting", "call", "discussions" ("held talks").
MEET_LIGHT_VERBS: frozenset[str] = word_set("hold have conduct make sit begin start")

#: Words that say a country is in a bloc.
MEMBER_CUES: frozenset[str] = word_set(
    "member members member-states membership joined join joins addition admitted admit made comprising "
    "comprises comprise consists include includes including expanded grouping groups unites"
)
#: Words that say a country is *not* (yet) a member, however close it sits to the list.
NON_MEMBER_CUES: frozenset[str] = word_set(
    """
    invited invite observer observers guest guests partner partners applicant applicants candidate
    candidates applied apply aspiring seeking seek bid outside non-member non-members nonmember
    dialogue left quit withdrew suspended expelled
    """
)

#: Words that refer back to a bloc named earlier ("the group expanded ...").
BLOC_ANAPHORS: frozenset[str] = word_set("group bloc alliance grouping union club organisation organization coalition")

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
PERSON_PRONOUNS: frozenset[str] = word_set("he she him her his")

#: Organization heads that are generic when alone and must not become organizations by themselves.
GENERIC_ORG_WORDS: frozenset[str] = frozenset(
    {"government", "cabinet", "parliament", "ministry", "police", "army", "military", "state media",
     "state television", "opposition", "administration", "court", "commission", "council", "committee",
     "agency", "party", "group", "bloc"}
)


#: Titles that exist under that wording in one country only ("Home Secretary" is British,
#: "Secretary of State" without "for ..." is the US foreign minister). A post worded so gets that
#: country when the article gives none.
_UK_SECRETARIES = word_set(
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


# --- posts: states that no longer exist ------------------------------------------------------------

#: Adjectives of former states, which the gazetteer (today's countries) does not know: a "Soviet
#: Premier" is a post of the Soviet Union, never of the country the article is filed from.
HISTORICAL_DEMONYMS: dict[str, str] = {
    "soviet": "Soviet Union",
    "yugoslav": "Yugoslavia",
    "yugoslavian": "Yugoslavia",
    "czechoslovak": "Czechoslovakia",
    "czechoslovakian": "Czechoslovakia",
    "east german": "East Germany",
    "west german": "West Germany",
}


# --- posts: portfolios ------------------------------------------------------------------------------

#: Words that name a government portfolio. "Cabinet Secretary for Trade", "Minister of Foreign
#: Affairs": a capitalized portfolio after "of"/"for" is part of the role's wording, not an
#: organization of its own (the ministry, when named, is "the Ministry of Trade").
PORTFOLIO_WORDS: frozenset[str] = word_set(
    """
    foreign affairs defence defense finance treasury trade industry commerce economy economic health
    education interior home justice energy mines agriculture fisheries tourism transport labour labor
    environment culture information communications digital development planning investment
    security intelligence housing roads works water youth sports sport women gender family welfare
    social science technology innovation higher research land lands natural resources oil petroleum
    gas mining infrastructure urban rural local government regional integration cooperation
    international relations public service administration immigration citizenship veterans
    climate ocean blue aviation maritime railways telecommunications culture heritage arts
    and the of
    """
)

# -- memberships: accessions, withdrawals, founders and member lists (extract/memberships.py) ------------

#: Words that put a stated membership in the future or undo it: "its planned membership", "exited
#: the bloc", "the withdrawal of Mali". A country under one of these is not (or no longer) a member.
MEMBER_UNDOING_CUES: frozenset[str] = word_set(
    """
    planned prospective proposed potential future eventual possible would-be hopeful hopefuls aspirant
    exit exited exits exiting withdrawal withdraw withdrawing withdraws leave leaves leaving departure
    quitting suspension expulsion former ex-member formerly associated associate associates
    application applications applying
    """
)
#: Verbs whose subject brings a bloc into being: the founders are its first members.
FOUNDING_VERBS: frozenset[str] = word_set("establish found form create launch set")
#: Nouns for the people who stand for a bloc's members at its table ("leaders of the bloc: ...").
BLOC_LEADER_NOUNS: frozenset[str] = word_set("leaders leader presidents heads members member-states states countries")
#: Nouns that, right after a name, say the name is a grouping of countries ("the B9 group",
#: "the AES countries", "EU member states").
BLOC_FOLLOWERS: frozenset[str] = word_set("group grouping bloc alliance countries nations states member members")
#: Number words, for "the four full member countries" (the count a member list must have).
NUMBER_WORDS: dict[str, int] = {
    w: n for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split())
}
#: Accession verbs beyond MEMBER_CUES: a country that rejoins or is readmitted is a member again.
REJOIN_CUES: frozenset[str] = word_set("rejoined rejoin rejoins readmitted readmit readmits")

# -- Names: persons and organizations (entities.py) -------------------------------------------------
# General shapes of names in wire copy: the particles that sit inside a person's name, the titles
# and their abbreviations that precede one, and the head words that make a capitalized run a
# venue, an event or a landform rather than a person or an organization.

#: Lower-case words that sit inside a person's name ("Maria van der Berg", "Mohammed bin Salman",
#: "Luiz Inacio Lula da Silva"), so a run of capitalized words does not end at them.
NAME_PARTICLES: frozenset[str] = word_set(
    "bin ibn bint ben al el ul ud van von der den de del della di da das dos du la le ter ten abu"
)

#: Particles after which the next name is a parent's, not the person's own: "Salman" alone is not
#: "Mohammed bin Salman", it is (often) his father.
PATRONYMIC_PARTICLES: frozenset[str] = word_set("bin ibn bint ben ould")

#: Title words and abbreviations that precede a name and are never part of it ("PM Kallas",
#: "Gen Musharraf", "Crown Prince Mohammed", "Sheikh Tamim").
NAME_TITLES: frozenset[str] = word_set(
    """
    pm fm dpm gen gen. lt lt. col col. maj maj. capt capt. cmdr adm brig brig. sgt sen sen. rep rep.
    gov gov. amb amb. pres pres. vp supt insp cpl pte crown sheikh sheikha shaikh emir amir sultan
    king queen prince princess president presidents minister ministers premier chancellor
    dr dr. mr mr. mrs mrs. ms ms. prof prof. sir dame lord lady excellency h.e. honourable hon hon.
    rt rt. comrade mullah maulana ayatollah hojatoleslam marshal portfolio
    """
)

#: Plural title nouns that head a list of names ("Presidents Hage Geingob from Namibia, ...").
PLURAL_TITLES: frozenset[str] = word_set(
    "presidents ministers premiers leaders kings queens princes emirs sultans senators governors "
    "ambassadors envoys secretaries chancellors mayors generals"
)

#: Last words of a place where people meet, not of an organization ("Presidential Palace", "State
#: House Conference Centre", "Kuala Lumpur Convention Centre").
VENUE_HEADS: frozenset[str] = word_set(
    """
    palace centre center hall hotel stadium airport square residence mansion bhawan bhavan niwas
    building complex auditorium arena resort plaza castle villa lodge pavilion terminal
    """
)

#: Last words of events, programmes and wars, which are not organizations ("Second Karabakh War",
#: "Pacific Policing Initiative", "Celebrity Fit Club" is a show, not a club, but cannot be told).
EVENT_HEADS: frozenset[str] = word_set(
    """
    war wars summit summits initiative programme program games olympics cup championship
    championships tournament festival expo election elections referendum declaration accord
    accords agreement treaty protocol plan strategy dialogue process crisis conflict revolution
    uprising talks conference forum-meeting award awards prize
    """
)

#: First and last words of landforms and waters ("Wadi Rum", "Iguazu Falls", "Lake Chad").
LANDFORM_FIRST: frozenset[str] = word_set("mount mt mt. lake cape wadi gulf isle")
LANDFORM_LAST: frozenset[str] = word_set(
    "falls river mountains valley desert peninsula canyon glacier islands archipelago plateau strait caucasus"
)

#: Nouns that introduce a news outlet by name ("news agency Xinhua", "the newspaper La Nación").
MEDIA_NOUNS: frozenset[str] = word_set(
    """
    agency newspaper daily weekly outlet broadcaster television tv channel radio station portal
    website site magazine paper tabloid network wire service newswire publication
    """
)

#: Words that refer to a group of leaders, not to an organization ("Heads of State and Government").
GROUP_OF_LEADERS: frozenset[str] = frozenset({"heads of state", "heads of state and government",
                                              "heads of government", "leaders"})

#: Nouns that a place name or a pair of demonyms modifies ("Pak-Uzbek ties", "the Caucasus
#: regions", "the Anyaa-Sowutuom constituency"): the capitalized word before them is no body.
PLACE_MODIFIED_NOUNS: frozenset[str] = word_set(
    """
    ties relations relationship region regions constituency constituencies border borders
    cooperation partnership friendship axis corridor district districts province provinces
    coast coastline mountains territory territories enclave peninsula
    """
)

#: Lower-case bodies of a state that news names with its demonym ("the Indonesian army", "the
#: Iranian air force"): the state's forces are organizations, "the French government" is not.
STATE_FORCES: tuple[tuple[str, ...], ...] = (
    ("army",), ("navy",), ("air", "force"), ("coast", "guard"), ("national", "guard"),
)
