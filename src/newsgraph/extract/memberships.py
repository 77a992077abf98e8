"""Memberships: which countries the article says belong to which bloc.

A country counts when the text names a bloc (or refers back to one: "the group expanded ...",
"the 16 member states, namely ...") and the country sits under a membership cue in the parse
("made up of", "members", "joined", "with the addition of", "including"), and under no
non-membership cue ("invited", "observer", "partner", "applied", "planned membership", "exited"):
an invited country is not a member, nor one that has left or is only about to join.

Wire copy states members in a few more shapes, each read here as a pattern of the genre:

* a list introduced by a colon, which the parser often makes a sentence of its own
  ("The council has 15 members, five of them permanent: A, B, C ...");
* the leaders of a bloc listed by their countries ("leaders of the B9 group: President of A X, ...");
* an accession told as joining the others ("Somalia joins A, B and C" in a story about the bloc);
* founders ("A, B and C established the Alliance ...", also "These countries ... established");
* a stated count followed by exactly that many countries ("the four member countries of the bloc."
  then "the presidents of A, B, C and D").

Countries named only as taking part in a bloc's summit are not claimed: the text must say that
they belong. Blocs the entity stage did not type are recognised here from their names ("...
Community", "Alliance of ... States"), from the words after them ("the B9 group") and from a
defined acronym ("the Southern African Development Community (SADC)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsgraph.extract.doc_cache import doc_text, lowers, sent_text, texts
from newsgraph.extract.entities import EntityIndex, Mention, fold, sentence_evidence
from newsgraph.extract.lexicon import (
    BLOC_ANAPHORS,
    BLOC_FOLLOWERS,
    BLOC_LEADER_NOUNS,
    FOUNDING_VERBS,
    MEMBER_CUES,
    MEMBER_UNDOING_CUES,
    NON_MEMBER_CUES,
    NUMBER_WORDS,
    REJOIN_CUES,
)
from newsgraph.facts import BlocMembership, Evidence, Kind, Status
from newsgraph.link.gazetteer import Gazetteer

_BLOC_TYPES = {"bloc", "igo", "alliance", "union", "organization", "intergovernmental"}

_BLOC_HEADS = {"group", "union", "alliance", "bloc", "community", "league", "organisation", "organization",
               "forum", "association", "partnership", "coalition", "pact", "council", "cooperation", "triangle",
               "quad", "quartet", "format"}
#: Last words of "X of <...> States" style names of blocs ("Organization of American States").
_BLOC_TAILS = {"states", "nations", "countries"}
#: Words that make a name with a bloc head something else ("Heads of State and Government" is a
#: meeting of the bloc's leaders, a "Council of Ministers" an organ).
_NOT_BLOC_WORDS = {"heads", "ministers", "summit", "session", "authority", "secretariat", "commission", "court",
                   "parliament", "assembly", "bank", "party", "ministry", "department", "government"}

_NON_MEMBER = NON_MEMBER_CUES | MEMBER_UNDOING_CUES
_MEMBER_CUES = MEMBER_CUES | REJOIN_CUES


def _name_is_bloc(name: str) -> bool:
    """A name that says it is a grouping: a bloc head word anywhere, or "... of ... States"."""
    words = fold(name).split()
    if not words or set(words) & _NOT_BLOC_WORDS:
        return False
    if set(words) & _BLOC_HEADS:
        return True
    return len(words) >= 3 and words[-1] in _BLOC_TAILS and "of" in words[:-1]


def _is_bloc(m: Mention, idx: EntityIndex) -> bool:
    """A body countries can belong to: a gazetteer bloc/IGO, or a name that says so."""
    ent = idx.entities.get(m.key or "")
    if ent is None or ent.kind is not Kind.ORGANIZATION or ent.country is not None:
        return False
    if ent.org_type in _BLOC_TYPES or ent.name.split()[-1].lower() in _BLOC_HEADS:
        return True
    return ent.org_type is None and _name_is_bloc(ent.name)


@dataclass
class _Bloc:
    """One mention of a bloc: an entity key, or a bloc the entity stage missed (added when used)."""

    start: int  # token index
    end: int
    key: str | None = None
    name: str | None = None
    acronym: str | None = None
    char_span: tuple[int, int] | None = None

    def resolve(self, idx: EntityIndex) -> str:
        if self.key is None:
            assert self.name is not None
            self.key = idx.add_organization(self.name, aliases={self.acronym} if self.acronym else None,
                                            org_type="bloc", span=self.char_span)
        return self.key


_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Za-z]{1,7})\)")
_SMALL = {"of", "the", "and", "for", "on", "in", "de", "des", "du"}


def _fits_acronym(words: list[str], acronym: str) -> bool:
    """Whether the initials of ``words`` spell ``acronym`` (small words may give a letter or none)."""
    target = acronym.upper()

    def go(i: int, j: int) -> bool:
        if i == len(words):
            return j == len(target)
        w = words[i]
        if w.lower() in _SMALL and go(i + 1, j):
            return True
        return j < len(target) and w[:1].upper() == target[j] and go(i + 1, j + 1)

    return go(0, 0)


def _defined_blocs(doc: Doc, idx: EntityIndex, taken: set[int]) -> list[_Bloc]:
    """Blocs the article defines with an acronym, and the acronym's later uses.

    "the Summit of Heads of State of the Southern African Development Community (SADC)": the
    longest run of capitalised words before the bracket whose initials spell the acronym, if it
    names a grouping. Only tokens no bloc mention covers yet are used.
    """
    out: list[_Bloc] = []
    for match in _ACRONYM_DEF.finditer(doc_text(doc)):
        acronym = match.group(1)
        if not any(c.isupper() for c in acronym[1:]):
            continue
        paren = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if paren is None:
            continue
        end = paren.start
        while end > 0 and doc[end - 1].is_space:
            end -= 1
        start = end
        while start > 0 and (doc[start - 1].is_title or doc[start - 1].is_upper
                             or doc[start - 1].lower_ in _SMALL) and not doc[start - 1].is_punct:
            start -= 1
        best = None
        for s in range(end - 1, start - 1, -1):  # shortest fitting suffix first
            words = [t.text for t in doc[s:end]]
            if words[0].lower() in _SMALL:
                continue
            if _fits_acronym(words, acronym):
                best = s
                break
        if best is None:
            continue
        span = doc[best:end]
        if not _name_is_bloc(span.text) or any(i in taken for i in range(span.start, span.end)):
            continue
        known = idx.at(span.start)
        if known is not None and known.start == span.start and known.end == span.end:
            continue  # the entity stage has it whole; _is_bloc decided on it
        ref = _Bloc(span.start, span.end, name=span.text, acronym=acronym,
                    char_span=(span.start_char, span.end_char))
        out.append(ref)
        for i, text in enumerate(texts(doc)):
            if text == acronym and i not in taken and i >= span.start:
                out.append(_Bloc(i, i + 1, name=span.text, acronym=acronym,
                                 char_span=(span.start_char, span.end_char)))
    return out


def _bloc_mentions(doc: Doc, idx: EntityIndex) -> list[_Bloc]:
    """Every mention of a bloc, in text order."""
    out: list[_Bloc] = []
    for m in idx.mentions:
        if m.kind is not Kind.ORGANIZATION or not m.key:
            continue
        follower = doc[m.end].lower_ if m.end < len(doc) else ""
        ent = idx.entities.get(m.key)
        named = ent is not None and ent.country is None and ent.org_type is None and follower in BLOC_FOLLOWERS \
            and len(m.text) <= 12 and m.text[:1].isupper()  # "the B9 group", "the AES countries"
        if _is_bloc(m, idx) or named:
            out.append(_Bloc(m.start, m.end, key=m.key))
    taken = {i for b in out for i in range(b.start, b.end)}
    out += _defined_blocs(doc, idx, taken)
    out.sort(key=lambda b: b.start)
    # a defined bloc's acronym used later and typed by the entity stage as something else: keep one
    seen: set[int] = set()
    uniq = []
    for b in out:
        if b.start not in seen:
            seen.add(b.start)
            uniq.append(b)
    return uniq


_MEMBER_NOUNS = {"member", "members", "member-state", "member-states"}
#: Auxiliaries that put a membership in the future or in doubt ("could become members").
_MODALS = {"could", "may", "might", "would", "will", "shall", "should", "must", "'ll", "wo"}
#: Verbs whose "to join" is a wish, not an accession ("hopes to join"; "expanded to include" is one).
_WANTING = {"hope", "want", "seek", "plan", "aim", "wish", "intend", "try", "expect", "aspire", "bid", "push",
            "strive", "prepare", "apply", "ask", "request", "vote", "move", "decide", "agree", "consider"}
_LIST_GLUE = {",", "and", "or", "the", "—", "–", "-", "(", ")", "as", "well", "by", "of", ":", "from", "namely", "such",
              "republic", "united"}


def _negated_member(c: Token) -> bool:
    """ "not a member", "non-member" — but not "non-permanent members", which are members."""
    for g in c.children:
        if g.dep_ == "neg":
            return True
        if g.lower_ in {"not", "non"}:
            nxt = c.doc[g.i + 1: g.i + 3]
            if not any(t.lower_ == "permanent" for t in nxt):
                return True
    return c.i > 0 and c.doc[c.i - 1].lower_ in {"not", "never"}


def _member_phrase(head: Token) -> bool:
    """ "a member of X", "both members of X", "two ECOWAS member states": an apposition that is a membership."""
    if any(t.lower_ in _NON_MEMBER or t.dep_ == "neg" for t in head.subtree):
        return False
    if head.lower_ in _MEMBER_NOUNS:
        return not _negated_member(head)
    return head.lower_ in {"states", "countries", "nations"} and any(
        c.dep_ in {"compound", "amod"} and c.lower_ in _MEMBER_NOUNS for c in head.children)


def _cues_on_path(tok: Token, sent: Span, countries: set[int],
                  bloc_at: int | None = None) -> tuple[bool, bool, bool]:
    """(membership cue, non-membership cue, list led by a member noun) for a country token.

    Read two ways, since list parses are brittle: up the dependency tree (the token's ancestors,
    their predicates "became full members", and "as an observer" phrases), and leftwards through
    the list it stands in ("founded by Brazil, Russia, ...", "member states — Brunei, ...").
    """
    member = False
    non_member = False
    led = False
    first = tok  # "Egypt and Jordan, both members of the Arab League, ...": the apposition follows the list
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    if any(c.dep_ == "appos" and c.i > tok.i and _member_phrase(c) for c in first.children):
        member = True
    for a in [tok, *tok.ancestors]:
        if a.i < sent.start or a.i >= sent.end:
            break
        words = {a.lower_, a.lemma_.lower()}
        if words & _NON_MEMBER:
            non_member = True
        if words & _MEMBER_CUES:
            member = True
            if a.lower_ in _MEMBER_NOUNS and _negated_member(a):
                non_member = True
            if any(c.dep_ in {"amod", "compound", "nmod"} and {c.lower_, c.lemma_.lower()} & _NON_MEMBER
                   for c in a.children):
                non_member = True  # "Timor-Leste's planned membership", "a would-be member"
        carries = bool(words & _MEMBER_CUES) or any(
            c.dep_ in {"attr", "oprd"} and c.lower_ in _MEMBER_NOUNS for c in a.children)
        if carries and a.pos_ in {"VERB", "AUX"} and any(
                c.dep_ == "aux" and (c.lower_ in _MODALS or (c.tag_ == "TO" and a.head.lemma_.lower() in _WANTING))
                for c in a.children):
            non_member = True  # "could become members", "will admit ... as members", "hopes to join"
        if a is not tok and a.tag_ in {"VBD", "VBZ", "VBP"} and member:
            break  # a finite verb heads the country's own clause: "while Indonesia joined ..." stops here
        for c in a.children:
            if c.dep_ in {"attr", "oprd"} and c.lower_ in _MEMBER_NOUNS:
                if _negated_member(c):
                    non_member = True  # "is not a member"
                else:
                    member = True  # "Indonesia has become a full member"
                if any(g.lower_ in _NON_MEMBER for g in c.children):
                    non_member = True  # "would become a prospective member"
            if c.dep_ == "nsubj" and c.lower_ in _MEMBER_NOUNS and a.lemma_ == "be" and not _negated_member(c) \
                    and not any(g.lower_ in _NON_MEMBER for g in c.children):
                member = True  # "The bloc's five members are A, B and C"
            if c.dep_ in {"attr", "oprd", "appos"} and c.lower_ in {"one", "some", "two", "three", "all"}:
                for of in c.children:  # "Qatar is one of the six members of ..."
                    if of.dep_ == "prep" and of.lower_ == "of":
                        for g in of.children:
                            if g.dep_ == "pobj" and g.lower_ in _MEMBER_NOUNS and not _negated_member(g):
                                member = True
            if c.dep_ in {"attr", "oprd"} and {c.lower_, c.lemma_.lower()} & _NON_MEMBER:
                non_member = True  # "Ukraine is a partner of the alliance"
            if c.dep_ == "neg" and words & _MEMBER_CUES:
                non_member = True  # "has not joined"
            if c.dep_ == "prep" and c.lower_ == "as":
                objs = {g.lower_ for g in c.subtree}
                if objs & _NON_MEMBER:
                    non_member = True
                if objs & _MEMBER_NOUNS:
                    member = True
    for c in tok.children:  # "Bolivia, which became a full member of Mercosur, ..."
        if c.dep_ == "relcl" and not any(g.dep_ == "aux" and (g.lower_ in _MODALS or g.tag_ == "TO")
                                         for g in c.children):
            if bloc_at is not None and c.lemma_.lower() in {"join", "rejoin"} \
                    and not any(g.dep_ == "neg" for g in c.children) \
                    and any(g.dep_ == "dobj" and g.left_edge.i <= bloc_at <= g.right_edge.i for g in c.children):
                member = True  # "Finland, which joined NATO last year, ..."
            for g in c.children:
                if g.dep_ in {"attr", "oprd"} and g.lower_ in _MEMBER_NOUNS:
                    if _negated_member(g) or any(x.lower_ in _NON_MEMBER for x in g.children) \
                            or any(x.dep_ == "neg" for x in c.children):
                        non_member = True
                    else:
                        member = True
    i = tok.i - 1
    doc = tok.doc
    while i >= sent.start and (i in countries or doc[i].lower_ in _LIST_GLUE or doc[i].is_space
                               or doc[i].ent_type_ in {"DATE", "CARDINAL"}):
        i -= 1
    if i >= sent.start:
        w = {doc[i].lower_, doc[i].lemma_.lower()}
        if w & _NON_MEMBER:
            non_member = True
        elif w & (_MEMBER_CUES | {"found", "founded", "founding", "states"}) and not (w & {"including", "include"}):
            member = True
            led = bool(w & (_MEMBER_NOUNS | {"states", "countries", "nations"}))
        elif w & {"countries", "nations"} and i > sent.start and doc[i - 1].lower_ in _MEMBER_NOUNS:
            member = led = True  # "BRICS member countries Brazil, Russia and India"
    return member, non_member, led


def _units(doc: Doc) -> list[Span]:
    """Sentences, with a sentence that ends on a colon joined to the list that follows it."""
    sents = list(doc.sents)
    out: list[Span] = []
    i = 0
    while i < len(sents):
        s = sents[i]
        last = next((t for t in reversed(s) if not t.is_space), None)
        if last is not None and last.text == ":" and i + 1 < len(sents):
            out.append(doc[s.start:sents[i + 1].end])
            i += 2
            continue
        out.append(s)
        i += 1
    return out


def _country_mentions(doc: Doc, idx: EntityIndex, span: Span, gaz: Gazetteer) -> list[tuple[int, str]]:
    """(token index, country key) of the countries named in ``span``, in order.

    A mention the entity stage made one organization of a list of countries ("Mali, Burkina
    Faso") is read as those countries when the gazetteer knows each part as a country.
    """
    out: list[tuple[int, str]] = []
    for m in idx.mentions:
        if not (span.start <= m.start < span.end) or not m.key:
            continue
        if m.kind is Kind.COUNTRY:
            out.append((m.start, m.key))
        elif m.kind is Kind.ORGANIZATION and ("," in m.text or " and " in m.text):
            out += _country_list(doc[m.start:m.end], idx, gaz)
    out.sort()
    return out


def _unmentioned_countries(doc: Doc, idx: EntityIndex, span: Span, gaz: Gazetteer,
                           extent: dict[int, int]) -> list[tuple[int, str]]:
    """Country names in ``span`` that the entity stage left inside another name or untyped.

    Only for the list patterns, where each item's place is clear: "President of Hungary Katalin
    Novák, Prime Minister of the Czech Republic Petr Fiala". A name counts when it is written as
    the country's own name or alias (not a demonym) after "of", "from", "(" or a list comma, and
    ``extent`` records where each found name ends.
    """
    out: list[tuple[int, str]] = []
    i = span.start
    while i < span.end:
        m = idx.at(i)
        if m is not None and m.kind is Kind.COUNTRY:
            i = m.end
            continue
        prev = doc[i - 1].lower_ if i > 0 else ""
        if prev == "the" and i > 1:
            prev = doc[i - 2].lower_
        if not doc[i].is_title or prev not in {"of", "from", "(", ",", "and"}:
            i += 1
            continue
        for n in range(min(6, span.end - i), 0, -1):
            words = doc[i:i + n]
            if not words[-1].is_title or any(not (t.is_title or t.lower_ in _SMALL) for t in words):
                continue
            country = gaz.country(words.text)
            if country is None:
                continue
            own = {fold(country.name), *(fold(a) for a in country.aliases)}
            if country.official:
                own.add(fold(country.official))
            if fold(words.text) in own:
                out.append((i, idx.country_entity(country.name, gaz)))
                extent[i] = i + n
                i += n - 1
                break
        i += 1
    return out


def _with_unmentioned(doc: Doc, idx: EntityIndex, span: Span, gaz: Gazetteer, countries: list[tuple[int, str]],
                      extent: dict[int, int]) -> list[tuple[int, str]]:
    known = {i for i, _ in countries}
    extra = [(i, k) for i, k in _unmentioned_countries(doc, idx, span, gaz, extent) if i not in known]
    return sorted(countries + extra)


def _country_list(span: Span, idx: EntityIndex, gaz: Gazetteer) -> list[tuple[int, str]]:
    """The countries of a span that is nothing but a list of country names, each at its first token."""
    parts: list[list[Token]] = [[]]
    for t in span:
        if t.text == "," or t.lower_ == "and":
            parts.append([])
        else:
            parts[-1].append(t)
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return []
    found = []
    for p in parts:
        country = gaz.country(" ".join(t.text for t in p))
        if country is None:
            return []
        found.append((p[0].i, idx.country_entity(country.name, gaz)))
    return found


class _Collector:
    """Memberships in order, each pair once."""

    def __init__(self, idx: EntityIndex) -> None:
        self.idx = idx
        self.out: list[BlocMembership] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, member: str, bloc: _Bloc | str, evidence: Evidence, confidence: float = 0.8) -> bool:
        key = bloc if isinstance(bloc, str) else bloc.resolve(self.idx)
        if member == key or (member, key) in self.seen:
            return False
        self.seen.add((member, key))
        self.out.append(BlocMembership(member=member, organization=key, evidence=evidence,
                                       status=Status.CURRENT, confidence=confidence))
        return True


def _evidence(doc: Doc, start: int, end: int) -> Evidence:
    return sentence_evidence(doc[start:end])


def extract_memberships(doc: Doc, idx: EntityIndex, gaz: Gazetteer | None = None) -> list[BlocMembership]:
    """The memberships the article states, each once, in text order (then appositions)."""
    gaz = gaz or Gazetteer.load()  # cached: the entity stage loaded it already
    blocs = _bloc_mentions(doc, idx)
    got = _Collector(idx)
    units = _units(doc)
    low = lowers(doc)  # ``token.lower_`` by index, read once per Doc
    last_bloc: _Bloc | None = None
    last_bloc_unit = -10  # the last unit that named a bloc
    last_talk_unit = -10  # the last unit that went on about its members without naming it
    prev_countries: list[tuple[int, str]] = []
    for n, sent in enumerate(units):
        here = [b for b in blocs if sent.start <= b.start < sent.end]
        bloc: _Bloc | None = here[0] if here else None
        strict = False  # the bloc is only carried over: read lists that follow a member noun only
        sent_words = set(low[sent.start:sent.end])
        countries = _country_mentions(doc, idx, sent, gaz)
        if bloc is None and last_bloc is not None and any(
                low[i] in BLOC_ANAPHORS and i > 0 and low[i - 1] in {"the", "this", "that"}
                for i in range(sent.start, sent.end)):
            bloc = last_bloc
        if bloc is None and last_bloc is not None and sent_words & (_MEMBER_NOUNS | {"joined", "membership"}):
            if n - last_bloc_unit == 1:
                bloc = last_bloc  # "Last year, Iran, Egypt ... became full members." after naming BRICS
            elif last_talk_unit > last_bloc_unit and n - last_talk_unit <= 2 and _one_bloc(blocs, sent.start):
                bloc, strict = last_bloc, True  # "The outgoing members of A, B ..." two units on
            if bloc is not None:
                last_talk_unit = n
        if here:
            last_bloc = here[-1]
            last_bloc_unit = n
        extent: dict[int, int] = {}  # where a country name the entity stage missed ends
        if bloc is not None:
            _cued_members(doc, idx, sent, bloc, countries, sent_words, got, strict=strict)
            listed = _with_unmentioned(doc, idx, sent, gaz, countries, extent) if ":" in sent_text(sent) else countries
            _colon_list(doc, idx, sent, bloc, listed, got, extent)
            if not strict:
                _leaders_list(doc, sent, bloc, listed, prev_countries, got)
                _founders(doc, idx, sent, here, countries, prev_countries, got)
                if n + 1 < len(units):
                    _counted_list(doc, idx, sent, bloc, units[n + 1], countries, got, gaz)
        elif last_bloc is not None and n - last_bloc_unit <= 3:
            _joins_the_others(doc, sent, last_bloc, _with_unmentioned(doc, idx, sent, gaz, countries, extent), got)
        if countries:
            prev_countries = countries
    return got.out + _appositive_members(doc, idx, got.seen)


def _one_bloc(blocs: list[_Bloc], before: int) -> bool:
    """Whether the text so far has named one bloc only (a carried-over bloc is then unambiguous)."""
    names = {b.key or b.name for b in blocs if b.start < before}
    return len(names) == 1


def _cued_members(doc: Doc, idx: EntityIndex, sent: Span, bloc: _Bloc, countries: list[tuple[int, str]],
                  sent_words: set[str], got: _Collector, *, strict: bool = False) -> None:
    """Countries under a membership cue in the parse or their list (the core rule).

    ``strict`` (the bloc is carried over from an earlier unit, not named here): only a list right
    after a member noun counts ("the 16 member states, namely A, B ..."), since a loose cue in a
    later sentence may well be about another grouping.
    """
    if not sent_words & (_MEMBER_CUES | {"founded", "founding"}):
        return
    tokens = set()
    for i, _ in countries:
        m = idx.at(i)
        tokens |= set(range(m.start, m.end)) if m is not None and m.kind is Kind.COUNTRY else {i}
    bloc_key = bloc.key
    for i, key in countries:
        if key == bloc_key:
            continue
        if doc[i].dep_ == "amod" or doc[i].tag_ == "JJ":
            continue  # "Ukrainian Foreign Minister ... joined the talks": an adjective joins nothing
        bloc_at = bloc.start if sent.start <= bloc.start < sent.end else None
        member, non_member, led = _cues_on_path(doc[i], sent, tokens, bloc_at)
        if member and not non_member and (led or not strict):
            got.add(key, bloc, sentence_evidence(sent))


def _leaders_list(doc: Doc, sent: Span, bloc: _Bloc, countries: list[tuple[int, str]],
                  prev_countries: list[tuple[int, str]], got: _Collector) -> None:
    """ "leaders of the B9 group: President of A X, President of B Y, ...": the listed countries.

    The colon must follow the bloc, and "leaders/heads/members ... of" must lead to it. "the
    eight other leaders of the group:" also makes a member of the one country the sentence before
    named (the host the "other" is counted against).
    """
    colon = next((t for t in sent if t.text == ":" and t.i > bloc.start), None)
    if colon is None:
        return
    before = doc[sent.start:bloc.start]
    lead = [t for t in before if t.lower_ in BLOC_LEADER_NOUNS]
    if not lead or doc[bloc.start - 1].lower_ not in {"of", "the"}:
        return
    if any(t.lower_ in _NON_MEMBER for t in doc[sent.start:colon.i]):
        return
    listed = [(i, k) for i, k in countries if i > colon.i]
    if len(listed) < 2:
        return
    if any(t.lower_ in _NON_MEMBER for t in doc[colon.i:sent.end]):
        return  # the list itself mixes in guests or observers: too loose to read
    ev = sentence_evidence(sent)
    for _, k in listed:
        got.add(k, bloc, ev, 0.75)
    if any(t.lower_ == "other" for t in before):
        hosts = {k for _, k in prev_countries}
        if len(hosts) == 1:
            got.add(hosts.pop(), bloc, ev, 0.7)


def _colon_list(doc: Doc, idx: EntityIndex, sent: Span, bloc: _Bloc, countries: list[tuple[int, str]],
                got: _Collector, extent: dict[int, int] | None = None) -> None:
    """ "The council has 15 members, five of them permanent: A, B, C, D and E."

    The words before the colon speak of the bloc's members (and of no guests, observers or
    leavers); after it comes nothing but a list of countries. Each listed country is a member.
    """
    colon = next((t for t in sent if t.text in {":", "—", "–"} and t.i > sent.start), None)
    if colon is None:
        return
    intro = doc[sent.start:colon.i]
    if not any(t.lower_ in _MEMBER_NOUNS or (t.lower_ in {"states", "countries"} and t.i > 0
                                             and doc[t.i - 1].lower_ in _MEMBER_NOUNS) for t in intro):
        return
    if any(t.lower_ in _NON_MEMBER or t.dep_ == "neg" for t in intro):
        return
    listed = [(i, k) for i, k in countries if i > colon.i]
    if len(listed) < 2:
        return
    in_country = set()
    for i, _ in listed:
        m = idx.at(i)
        if extent and i in extent:
            in_country |= set(range(i, extent[i]))
        else:
            in_country |= set(range(m.start, m.end)) if m is not None else {i}
    for t in doc[colon.i + 1:sent.end]:
        if t.i in in_country or t.is_space or t.is_punct or t.lower_ in {"and", "the", "namely"}:
            continue
        if t.text in {":", "—", "–"}:
            break  # the list ends at its closing dash
        return  # more than a list of countries: left to the parse rules
    ev = sentence_evidence(sent)
    for _, k in listed:
        got.add(k, bloc, ev, 0.75)


def _founders(doc: Doc, idx: EntityIndex, sent: Span, here: list[_Bloc], countries: list[tuple[int, str]],
              prev_countries: list[tuple[int, str]], got: _Collector) -> None:
    """ "A, B and C established the Alliance of ... States": the founders are members.

    The subject may be "These (three) countries", standing for the countries of the unit before.
    """
    at = {i: k for i, k in countries}
    for b in here:
        obj = doc[b.start:b.end].root
        verb = obj.head
        if obj.dep_ != "dobj" or verb.lemma_.lower() not in FOUNDING_VERBS:
            continue
        if verb.lemma_.lower() == "set" and not any(c.dep_ == "prt" and c.lower_ == "up" for c in verb.children):
            continue
        subj_verb = verb
        while not any(c.dep_ in {"nsubj"} for c in subj_verb.children) and subj_verb.dep_ == "conj":
            subj_verb = subj_verb.head
        subj = next((c for c in subj_verb.children if c.dep_ == "nsubj"), None)
        if subj is None:
            continue
        members: list[str] = []
        if subj.lower_ in {"countries", "nations", "states"} and any(
                c.lower_ in {"these", "those", "the"} for c in subj.children):
            members = [k for _, k in prev_countries]
        else:  # every country inside the subject phrase, however the parser chained the list
            members = [k for i, k in at.items() if subj.left_edge.i <= i <= subj.right_edge.i]
        if len(set(members)) < 1:
            continue
        ev = sentence_evidence(sent)
        for k in members:
            got.add(k, b, ev, 0.75)


def _counted_list(doc: Doc, idx: EntityIndex, sent: Span, bloc: _Bloc, nxt: Span,
                  countries: list[tuple[int, str]], got: _Collector, gaz: Gazetteer) -> None:
    """ "the four full member countries of the bloc." then a unit naming exactly four countries.

    The count is the text's own statement of how many members there are; the unit that follows
    names that many countries and no other bloc, so those are they.
    """
    if countries:
        return
    count = None
    for t in sent:
        if t.lower_ in {"member", "members"} and t.i + 1 < len(doc) and (
                t.lower_ == "members" or doc[t.i + 1].lower_ in {"states", "countries", "nations"}):
            for left in doc[max(sent.start, t.i - 3):t.i]:
                n = NUMBER_WORDS.get(left.lower_) or (int(left.text) if left.text.isdigit() else None)
                if n:
                    count = n
    if not count or count < 2:
        return
    listed = list(dict.fromkeys(k for _, k in _country_mentions(doc, idx, nxt, gaz)))
    if len(listed) != count:
        return
    if any(t.lower_ in _NON_MEMBER for t in nxt):
        return
    ev = _evidence(doc, sent.start, nxt.end)
    for k in listed:
        got.add(k, bloc, ev, 0.7)


def _joins_the_others(doc: Doc, sent: Span, bloc: _Bloc, countries: list[tuple[int, str]],
                      got: _Collector) -> None:
    """ "Somalia joins A, B and C": in a story about a bloc one of whose members the joiner already
    is (stated before), the countries it joins are the bloc's members too."""
    if len(countries) < 3 or bloc.key is None:
        return
    at = {i: k for i, k in countries}
    for t in sent:
        if t.lemma_.lower() != "join" or t.pos_ != "VERB":
            continue
        subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
        obj = next((c for c in t.children if c.dep_ in {"dobj", "attr"}), None)
        if subj is None or obj is None or at.get(subj.i) is None or at.get(obj.i) is None:
            continue
        if (at[subj.i], bloc.key) not in got.seen:
            continue
        if any(c.dep_ == "neg" for c in t.children) or any(w.lower_ in _NON_MEMBER for w in sent):
            continue
        ev = sentence_evidence(sent)
        for i, k in countries:
            if i >= obj.i:
                got.add(k, bloc, ev, 0.7)


def _appositive_members(doc: Doc, idx: EntityIndex, seen: set[tuple[str, str]]) -> list[BlocMembership]:
    """ "Turkey, a NATO member, ...": the apposition states the membership."""
    out: list[BlocMembership] = []
    for m in idx.mentions:
        if m.kind is not Kind.COUNTRY or not m.key or m.end + 3 >= len(doc) or doc[m.end].text != ",":
            continue
        if doc[m.end + 1].lower_ not in {"a", "an", "the"}:
            continue
        org = idx.at(m.end + 2)
        if org is None or org.kind is not Kind.ORGANIZATION or not _is_bloc(org, idx):
            continue
        if doc[org.end].lower_ not in {"member", "member-state", "ally"} if org.end < len(doc) else True:
            continue
        k = (m.key, org.key or "")
        if k in seen:
            continue
        seen.add(k)
        out.append(BlocMembership(member=m.key, organization=org.key or "",
                                  evidence=sentence_evidence(doc[m.start].sent), confidence=0.75))
    return out
