"""Reading a role phrase: "former Turkish Foreign Minister", "the head of Türkiye's MIT".

Titles in news carry four things at once — the role, whether it is past, the country and the
organization — in a handful of orders. :func:`parse_role_tokens` takes the tokens of one such
phrase (already cut out of the sentence by the post rules) and pulls the four apart, so that the
published role label keeps the article's wording ("National Defense Minister") while the country
and organization become links.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from newsgraph.extract.entities import EntityIndex, Mention, fold
from newsgraph.extract.lexicon import (
    COUNTRY_SIGNALS,
    FORMER_MARKERS,
    HISTORICAL_DEMONYMS,
    HONORIFICS,
    PARTY_WORDS,
    PORTFOLIO_WORDS,
    ROLE_MODIFIERS,
    ROLE_NOUNS,
    VAGUE_ROLES,
)
from newsgraph.facts import Kind
from newsgraph.link.gazetteer import Gazetteer

_SKIP = {"the", "a", "an", "his", "her", "their", "its", "our", "'s", "’s", "'", "’", "(", ")", ",", "-", "–"}
#: Role nouns that name no post held: a candidate or nominee runs for one.
_NOT_HELD = {"candidate", "nominee", "contender", "hopeful", "challenger", "frontrunner", "front-runner"}
#: Words that make an indefinite apposition a judgment ("an experienced negotiator").
_EVALUATIVE = {"experienced", "seasoned", "trusted", "skilled", "respected", "able", "capable", "talented",
               "shrewd", "tough", "close", "loyal", "savvy", "consummate", "accomplished", "adept", "key",
               "leading", "fierce", "vocal", "staunch", "avowed"}
_STYLES = {"sheikh", "sheikha", "shaikh", "sheik"}
_CONNECTORS = {"of", "for", "and", "&", "on", "to"}
#: Words after which a role phrase says something else: the agent ("designated as prime minister
#: by President X"), a relative clause, a comparison.
_ROLE_ENDS = {"by", "who", "whom", "which", "that", "since", "than", "after", "before", "during", "when"}
_ACCREDITED = {"ambassador", "envoy", "ex-ambassador", "consul", "attache", "representative", "emissary"}
_DESCRIPTIVE = frozenset(
    "new newly leftist rightist left-wing right-wing veteran longtime long-time long-serving incoming embattled "
    "powerful influential popular controversial hardline hard-line moderate reformist centrist populist "
    "nationalist elected re-elected sitting current recently-appointed newly-appointed newly-elected "
    "then-current beleaguered legendary famous renowned prominent noted celebrated well-known outspoken "
    "respected acclaimed iconic".split()
)


@dataclass
class RoleParse:
    role: str
    former: bool = False
    country: str | None = None  # canonical country name
    organization: str | None = None  # entity key
    party: tuple[str, str] | None = None  # (party name, country) read off "Tory", "Republican"
    country_tokens: list[int] = field(default_factory=list)  # the tokens that named the country
    #: The phrase names a nationality or seat of power the gazetteer does not place ("Soviet
    #: Premier", "Kremlin leader"): its post belongs to no country the article's others suggest.
    unplaced: bool = False


def country_of(tok: Token, gaz: Gazetteer) -> str | None:
    """The country a token names or qualifies ("Turkish", "Russia's", "U.S.", "Djiboutian")."""
    text = tok.text
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    if not text[:1].isupper():
        return None
    c = gaz.country(text)
    if c is None and tok.ent_type_ == "NORP":
        return demonym_country(text, gaz)
    return c.name if c else None


#: Endings of English demonyms, longest first: "Djibouti-an", "Surinam-ese", "Guinea-n".
_DEMONYM_ENDINGS = ("ese", "ian", "ean", "an", "n", "i")
_STEMS: dict[int, dict[str, str]] = {}


def demonym_country(word: str, gaz: Gazetteer) -> str | None:
    """The country a demonym the gazetteer lacks stands for, read off its stem: "Djiboutian" →
    Djibouti, "Surinamese" → Suriname. Only a stem of five letters or more that starts the name of
    exactly one country (or is all of it) counts."""
    stems = _STEMS.get(id(gaz))
    if stems is None:
        stems = {}
        for country in gaz.countries:
            stems[fold(country.name)] = country.name
        _STEMS[id(gaz)] = stems
    low = fold(word)
    if " " in low:
        return None
    for ending in _DEMONYM_ENDINGS:
        if not low.endswith(ending) or len(low) - len(ending) < 5:
            continue
        stem = low[:-len(ending)]
        hits = {name for key, name in stems.items() if key == stem or (key.startswith(stem) and " " not in key
                                                                         and len(key) - len(stem) <= 2)}
        if len(hits) == 1:
            return hits.pop()
    return None


def parse_role_tokens(tokens: list[Token], idx: EntityIndex, gaz: Gazetteer) -> RoleParse | None:
    """Split a role phrase into role wording, status, country and organization.

    Returns ``None`` when the phrase holds no role noun (then it was not a title at all).
    """
    former = False
    country: str | None = None
    org: str | None = None
    party: tuple[str, str] | None = None
    country_tokens: list[int] = []
    role_toks: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        low = tok.lower_
        mention = idx.at(tok.i)
        if low in FORMER_MARKERS or (low == "ex" and i + 1 < n and tokens[i + 1].text == "-") or (
                low == "late" and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "the" and i + 1 < n):
            # "the late President X": a dead holder's post is past
            former = True
            i += 1
            continue
        if low.startswith("ex-") and len(low) > 3:
            former = True
            role_toks.append(tok)  # "ex-minister": the role is inside the token; cleaned below
            i += 1
            continue
        if (mention is not None and mention.kind is Kind.PERSON) or (
                low in HONORIFICS and not (i + 1 < n and tokens[i + 1].lower_ in ROLE_NOUNS)):
            i += 1  # "Mrs Quinn's nanny": the employer is not part of the role
            continue
        if mention is not None and mention.kind is Kind.ORGANIZATION and i > 0 and tokens[i - 1].lower_ in {
                "of", "for"} and _portfolio(idx, mention):
            while i < n and idx.at(tokens[i].i) is mention:  # "Cabinet Secretary for Trade": wording, not a body
                role_toks.append(tokens[i])
                i += 1
            continue
        if mention is not None and mention.kind is Kind.ORGANIZATION:
            org = mention.key
            if mention.country_hint and not country:
                country = mention.country_hint
            while i < n and idx.at(tokens[i].i) is mention:
                i += 1
            continue
        if mention is not None and mention.kind is Kind.COUNTRY and i > 0 and tokens[i - 1].lower_ == "to" \
                and any(t.lower_ in _ACCREDITED for t in role_toks):
            # "ambassador to Japan": the host country, not the one the envoy serves
            while i < n and idx.at(tokens[i].i) is mention:
                i += 1
            continue
        if mention is not None and mention.kind is Kind.COUNTRY:
            country = idx.entities[mention.key].name if mention.key else country  # type: ignore[index]
            while i < n and idx.at(tokens[i].i) is mention:
                country_tokens.append(tokens[i].i)
                i += 1
            continue
        two = f"{low} {tokens[i + 1].lower_}" if i + 1 < n else ""
        if two.rstrip("s") in PARTY_WORDS:
            party = PARTY_WORDS[two.rstrip("s")]
            i += 2
            continue
        if low in PARTY_WORDS and tok.text[:1].isupper() and not (
                i + 1 < n and tokens[i + 1].text[:1].isupper() and not _is_role_noun(tokens[i + 1])):
            # "Tory leader", but not "Republican People's Party": a word of a longer name
            party = PARTY_WORDS[low]
            i += 1
            continue
        if i + 1 < n and tok.text[:1].isupper() and tokens[i + 1].text[:1].isupper():
            two_words = gaz.country(f"{tok.text} {tokens[i + 1].text}")  # "South African", "New Zealand"
            if two_words is not None and tokens[i + 1].lower_ not in ROLE_NOUNS:
                country = two_words.name
                country_tokens += [tok.i, tokens[i + 1].i]
                i += 2
                continue
        if mention is None and i + 1 < n and _is_acronym(tok):
            known = organization_by_acronym(tok.text, idx, gaz)
            if known is not None:  # "EAC secretary general", "IMF Managing Director"
                org = known
                i += 1
                continue
        historical = HISTORICAL_DEMONYMS.get(two) if i + 1 < n and tokens[i + 1].text[:1].isupper() else None
        if historical is not None or (tok.text[:1].isupper() and low in HISTORICAL_DEMONYMS):
            country = historical or HISTORICAL_DEMONYMS[low]  # "Soviet Premier", "East German leader"
            country_tokens.append(tok.i)
            i += 2 if historical else 1
            continue
        c = country_of(tok, gaz)
        if c and (mention is None or mention.kind is not Kind.PERSON) and low not in ROLE_NOUNS:
            country = c
            country_tokens.append(tok.i)
            i += 1
            continue
        if mention is not None and mention.kind is Kind.PLACE:
            place = idx.entities.get(mention.key or "")
            if place is not None and place.country and not country:
                country = idx.entities[place.country].name
            while i < n and idx.at(tokens[i].i) is mention:
                i += 1
            continue
        if country is None and tok.text[:1].isupper():
            two = f"{low} {tokens[i + 1].lower_}" if i + 1 < n else ""
            signal = COUNTRY_SIGNALS.get(two) or COUNTRY_SIGNALS.get(low)
            if signal is not None:  # "Kremlin spokesman", "White House adviser", "Commons leader"
                country = signal
        if low in {"at", "in", "with", "from", "since", "until"} and any(_is_role_noun(t) for t in role_toks):
            break  # "clerk at the Inland Revenue": the rest is where, not what
        if (low in _ROLE_ENDS or tok.ent_type_ in {"DATE", "TIME"}) and any(_is_role_noun(t) for t in role_toks):
            break  # "prime minister by President X", "chair of ASEAN this year"
        if tok.ent_type_ == "PERSON" and any(_is_role_noun(t) for t in role_toks) and mention is None:
            return None  # "President of Bulgaria Rumen Radev": the next list item's name, not a role
        role_toks.append(tok)
        i += 1
    # Trim skip words and dangling connectors at both ends.
    while role_toks and (role_toks[0].lower_ in _SKIP or role_toks[0].lower_ in _CONNECTORS
                         or role_toks[0].is_punct or role_toks[0].is_space):
        role_toks.pop(0)
    while role_toks and (role_toks[-1].lower_ in _SKIP or role_toks[-1].lower_ in _CONNECTORS
                         or role_toks[-1].is_punct or role_toks[-1].is_space):
        role_toks.pop()
    # "the country's eighth president": the country is the article's own, not a word of the role
    role_toks = [t for t in role_toks if not (t.lower_ in {"country", "nation"} and t.i + 1 < len(t.doc)
                                              and t.doc[t.i + 1].lower_ in {"'s", "’s"})]
    role_toks = [t for t in role_toks if t.lower_ not in {"'s", "’s", "(", ")"}]
    # Descriptions are not part of the office: "leftist President", "the new president", "15th Secretary General"
    while len(role_toks) > 1 and (role_toks[0].lower_ in _DESCRIPTIVE or role_toks[0].like_num
                                  or role_toks[0].ent_type_ == "ORDINAL" or role_toks[0].lower_[:-2].isdigit()):
        role_toks.pop(0)
    if org is not None:
        last = max((k for k, t in enumerate(role_toks) if _is_role_noun(t)), default=-1)
        tail = role_toks[last + 1:]
        if last >= 0 and tail and tail[0].lower_ in {"of", "for"} and not any(t.text[:1].isupper() for t in tail):
            role_toks = role_toks[:last + 1]  # "leader of the center-left [Party]": the rest described the body
    styles = [t for t in role_toks if t.lower_ in _STYLES]
    if styles:  # "Emir Sheikh": Sheikh is a style of address, the office is Emir
        role_toks = [t for t in role_toks if t.lower_ not in _STYLES]
    if not role_toks:
        return None
    heads = [t for t in role_toks if _is_role_noun(t)]
    if not heads:
        return None
    if len(role_toks) == 1 and role_toks[0].lower_ in VAGUE_ROLES:
        return None
    if all(t.lower_.rstrip("s") in _NOT_HELD for t in heads):
        return None  # "liberal candidate X": running for an office is not holding one
    if tokens and tokens[0].lower_ in {"a", "an"} and any(t.lower_ in _EVALUATIVE for t in role_toks):
        return None  # "an experienced negotiator", "a trusted adviser": a description, not a post
    while role_toks and role_toks[-1].lower_ in _CONNECTORS | _SKIP:
        role_toks.pop()  # "chair of | this year"
    unplaced = not country and not org and any(
        t.ent_type_ in {"NORP", "GPE", "FAC", "LOC"} and t.text[:1].isupper() and not _is_role_noun(t)
        and t.lower_ not in ROLE_MODIFIERS for t in role_toks)
    text = _join(role_toks).lstrip("-–— ")
    if text.lower().startswith("ex-"):
        text = text[3:]
    if not text:
        return None
    return RoleParse(role=text, former=former, country=country, organization=org, party=party,
                     country_tokens=country_tokens, unplaced=unplaced)


def _portfolio(idx: EntityIndex, mention: Mention) -> bool:
    """Whether an "organization" is only the name of a portfolio ("Trade", "Foreign Affairs")."""
    words = mention.text.lower().split()
    return bool(words) and all(w in PORTFOLIO_WORDS for w in words)


def _is_acronym(tok: Token) -> bool:
    return 2 <= len(tok.text) <= 7 and tok.text.isupper() and tok.text.isalpha()


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w[:1].isupper())


def organization_by_acronym(acronym: str, idx: EntityIndex, gaz: Gazetteer) -> str | None:
    """The organization an acronym stands for: one of the article's own ("the East African
    Community (EAC)", or whose capitals spell it), else a bloc or IGO the gazetteer knows by it."""
    hits = {key for key, ent in idx.entities.items() if ent.kind is Kind.ORGANIZATION
            and (acronym in ent.aliases or ent.name == acronym or _initials(ent.name) == acronym)}
    if len(hits) == 1:
        return hits.pop()
    if hits:
        return None
    org = gaz.organization(acronym)
    if org is None or acronym not in org.acronyms:
        return None
    return idx.add_organization(org.name, aliases={acronym}, org_type=org.type)


def _is_role_noun(tok: Token) -> bool:
    low = tok.lower_
    if low.startswith("ex-"):
        low = low[3:]
    return low in ROLE_NOUNS or low.rstrip("s") in ROLE_NOUNS or fold(low) in ROLE_NOUNS


def _join(tokens: list[Token]) -> str:
    """Tokens back to text with the article's own spacing."""
    out = ""
    for i, t in enumerate(tokens):
        out += t.text
        if i + 1 < len(tokens) and tokens[i + 1].i == t.i + 1:
            out += t.whitespace_
        elif i + 1 < len(tokens):
            out += " "
    return out.strip()
