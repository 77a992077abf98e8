"""Meetings: named people who met, held talks, visited, hosted or phoned each other.

A meeting is read off a verb ("met", "hosted", "received", "joined ... in a visit"), a light verb
with a meeting noun ("held talks with"), or a meeting noun with its participants ("the meeting
between X and Y"). Participants are the person mentions among the verb's subjects and objects
(pronoun subjects resolve to the last person named before them); the place is an "in/at PLACE"
attached to the verb or the meeting noun; the date comes from a DATE entity attached there,
resolved against the article's publication date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from spacy.tokens import Doc, Span, Token

from newsgraph.extract import dates
from newsgraph.extract.doc_cache import lemma_lowers, lowers, pos_tags
from newsgraph.extract.entities import EntityIndex, sentence_evidence
from newsgraph.extract.lexicon import MEET_LIGHT_VERBS, MEET_NOUNS, MEET_VERBS, PERSON_PRONOUNS, ROLE_NOUNS
from newsgraph.extract.summits import clause_verb as _clause_verb
from newsgraph.extract.summits import summit_attendance
from newsgraph.facts import Kind, Meeting

_SUBJ = {"nsubj", "nsubjpass", "csubj"}
_NEEDS_WITH = {"talk", "speak", "confer", "sit", "dine", "hold", "have"}
_PERSON_OBJECT_ONLY = {"visit", "call", "phone", "telephone", "join", "greet", "welcome", "accompany",
                       "host", "receive", "meet"}
_PICTURE_VERBS = {"show", "picture", "photograph", "film", "depict"}
_PASSIVE_HOSTS = {"join", "receive", "host", "welcome", "greet", "meet", "visit", "accompany"}
_RECIPROCAL = {"meet", "talk", "speak", "confer", "dine", "sit", "discuss"}
_REPORT = {"say", "tell", "report", "add", "recount", "recall", "note"}
_TOPIC_VERBS = {"discuss", "review", "address", "exchange"}
#: Verbs whose object is the subject matter, so the other party must be a co-subject or "with" X.
_DISCUSS_VERBS = {"discuss", "exchange"}
_RECIPROCAL_OR_DISCUSS = frozenset(_RECIPROCAL | _DISCUSS_VERBS)
#: What two leaders "exchange" when they talk ("exchanged views"), as opposed to prisoners or fire.
_EXCHANGED = {"view", "views", "opinion", "idea", "greeting", "pleasantry", "note"}


def _described_person(tok: Token, idx: EntityIndex) -> str | None:
    """The person a definite title stands for: "the Soviet Premier" after "Soviet Premier Nikolai
    Ryzhkov", "the prime minister" after "Prime Minister Shehbaz Sharif".

    Wire copy names a leader once with title and name, then refers back by the title alone. Only a
    title that came right before the name of exactly one person earlier in the article counts.
    """
    if tok.lower_ not in ROLE_NOUNS or idx.at(tok.i) is not None:
        return None
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
        return None
    if any(idx.at(t.i) is not None for t in tok.subtree if t.i != tok.i and t.dep_ != "amod"):
        return None
    words = [t.lower_ for t in tok.lefts if t.dep_ in {"amod", "compound"}] + [tok.lower_]
    doc = tok.doc
    found: set[str] = set()
    for m in idx.mentions:
        if m.start >= tok.i:
            break
        if m.kind is not Kind.PERSON or not m.key or m.start < len(words):
            continue
        if [t.lower_ for t in doc[m.start - len(words):m.start]] == words:
            found.add(m.key)
    return found.pop() if len(found) == 1 else None


def _titled_name_after(tok: Token, idx: EntityIndex) -> str | None:
    """ "with Algerian President, Abdelmadjid Tebboune": a title whose name follows after a comma
    that the parser failed to attach to it."""
    if tok.lower_ not in ROLE_NOUNS or any(idx.at(t.i) is not None and idx.at(t.i).kind is Kind.PERSON
                                           for t in tok.subtree):
        return None
    nxt = tok.i + 1
    if nxt < len(tok.doc) and tok.doc[nxt].text == ",":
        nxt += 1
    m = idx.at(nxt) if nxt < len(tok.doc) else None
    if m is not None and m.kind is Kind.PERSON and m.key and m.start == nxt:
        root = tok.doc[m.start:m.end].root
        if root.head.i == tok.i or root.dep_ in {"conj", "appos", "npadvmod", "dep"}:
            return m.key
    return None


def _persons_under(tok: Token, idx: EntityIndex, stop: set[int] | None = None) -> list[str]:
    keys: list[str] = []
    for t in tok.subtree:
        if stop and t.i in stop:
            continue
        m = idx.at(t.i)
        if m is not None and m.kind is Kind.PERSON and m.key and m.key not in keys:
            root = t.doc[m.start:m.end].root
            if root.dep_ == "poss" and root.head.lower_ in ROLE_NOUNS:
                continue  # "X, Trump's special envoy": Trump is who X serves, not a party
            keys.append(m.key)
        elif m is None and t.pos_ in {"NOUN", "PROPN"}:
            k = _described_person(t, idx)
            if k and k not in keys:
                keys.append(k)
    return keys


def _direct_persons(tok: Token, idx: EntityIndex) -> list[str]:
    """Persons that *are* this phrase: the head and its conjuncts/appositions, not persons inside
    its prepositional modifiers ("visited the tomb of Yasser Arafat" visits no one)."""
    keys: list[str] = []
    stack = [tok]
    while stack:
        t = stack.pop()
        m = idx.at(t.i)
        if m is not None and m.kind is Kind.PERSON and m.key and m.key not in keys:
            keys.append(m.key)
        elif m is None and t.pos_ in {"NOUN", "PROPN"}:
            k = _described_person(t, idx) or _titled_name_after(t, idx)
            if k and k not in keys:
                keys.append(k)
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ == "of" and t.lower_ in ROLE_NOUNS:
                # "President of Uzbekistan Shavkat Mirziyoyev": the name closes the title's "of" phrase
                for g in c.children:
                    gm = idx.at(g.i)
                    if g.dep_ == "pobj" and gm is not None and gm.kind is Kind.PERSON and any(
                            cc.dep_ == "compound" and cc.pos_ == "PROPN" and not gm.start <= cc.i < gm.end
                            for cc in g.children):
                        stack.append(g)
            if c.dep_ == "compound" and idx.at(c.i) is None and c.lower_ not in ROLE_NOUNS:
                continue  # "a Trump administration official" is not Trump
            if c.dep_ == "acl" and c.lemma_ in {"lead", "head"} and t.lemma_ in {"delegation", "team", "mission"}:
                # "talks with a delegation led by X": X heads the other side
                stack += [a for a in c.children if a.dep_ == "agent"]
                continue
            if c.dep_ in {"conj", "appos", "compound", "pobj", "cc", "flat", "agent"} or (
                    c.dep_ == "prep" and t.dep_ == "prep"):
                stack.append(c)
    return keys


def _people(tok: Token, idx: EntityIndex, exclude: set[str], stop: set[int] | None = None) -> list[str]:
    """Persons under ``tok``, with pronouns ("she and Ryzhkov", "with her") resolved."""
    keys = _direct_persons(tok, idx) if stop is None else _persons_under(tok, idx, stop)
    for t in tok.subtree:
        if stop and t.i in stop:
            continue
        if t.lower_ in PERSON_PRONOUNS and t.dep_ in {"nsubj", "nsubjpass", "pobj", "dobj", "conj", "poss"}:
            if t.dep_ == "poss" and t.head.lower_ in ROLE_NOUNS:
                continue  # "his foreign minister X": X takes part, the "his" is the one X serves
            k = idx.resolve_pronoun(t, exclude | set(keys))
            if k and k not in keys:
                keys.append(k)
    return keys


def _subjects(verb: Token, idx: EntityIndex) -> list[str]:
    keys: list[str] = []
    v = verb
    # "X is to join Y", "X will meet Y", conjoined verbs "X arrived and met Y": climb to the subject.
    for _ in range(3):
        subs = [c for c in v.children if c.dep_ in _SUBJ]
        if subs:
            for s in subs:
                if s.lower_ in {"who", "that"} and v.dep_ == "relcl":
                    # "Gorbachev, who had talks with her": the relative pronoun is its antecedent
                    keys += [k for k in _persons_under(v.head, idx, stop={t.i for t in v.subtree})
                             if k not in keys]
                    continue
                # only the subject's own name and its conjuncts, not persons in its relative clauses
                keys += [k for k in _people(s, idx, set(keys), stop=_clause_tokens(s)) if k not in keys]
            return keys
        if v.dep_ == "pcomp" and v.head.dep_ == "prep" and v.head.head.i != v.head.i:
            v = _clause_verb(v.head.head)  # "hours after concluding an accord with X": the main verb's subject
        elif v.dep_ in {"xcomp", "conj", "advcl", "ccomp", "acomp"} and v.head.i != v.i:
            v = v.head
        else:
            break
    return keys


def _clause_verb_through_participles(tok: Token) -> Token:
    """The clause verb, passing over participles that only modify a noun ("agreements covering
    exchanges by X": the parser's "by" belongs to the passive verb above them)."""
    v = _clause_verb(tok)
    while v.dep_ == "acl" and v.tag_ in {"VBG", "VBN"} and v.head.i != v.i:
        v = _clause_verb(v.head)
    return v


def _clause_tokens(tok: Token) -> set[int]:
    out: set[int] = set()
    for c in tok.children:
        if c.dep_ in {"relcl", "acl", "prep"}:
            out |= {t.i for t in c.subtree}
    return out


def _place_and_date(anchors: list[Token], idx: EntityIndex, published: date | None,
                    future: bool) -> tuple[str | None, date | None, str | None]:
    place = None
    when: date | None = None
    when_text = None
    for a in anchors:
        for c in a.children:
            if c.dep_ == "prep" and c.lower_ in {"in", "at", "to"}:
                for g in c.children:
                    if g.dep_ != "pobj" or place:
                        continue
                    m = idx.at(g.i)
                    if m is not None and m.kind in {Kind.PLACE, Kind.COUNTRY}:
                        place = m.key
                        continue
                    # "at a government residence in La Celle-Saint-Cloud": one level down
                    for gg in g.children:
                        if gg.dep_ == "prep" and gg.lower_ in {"in", "near"}:
                            for ggg in gg.children:
                                m2 = idx.at(ggg.i)
                                if ggg.dep_ == "pobj" and m2 is not None and m2.kind in {Kind.PLACE, Kind.COUNTRY}:
                                    place = m2.key
            if c.ent_type_ == "DATE" and when_text is None:
                span = _ent_of(c)
                if span is not None:
                    when_text = _date_words(span)
            if c.dep_ == "prep" and c.lower_ in {"on", "in"} and when_text is None:
                for g in c.children:
                    # "in the morning", "earlier in the day": the model may call a part of a day a TIME
                    if g.ent_type_ == "DATE" or (g.ent_type_ == "TIME" and g.dep_ == "pobj"):
                        span = _ent_of(g)
                        if span is not None:
                            when_text = _date_words(span)
    if when_text:
        when = dates.resolve(when_text, published, future=future)
    return place, when, when_text


def _companions(tok: Token, participants: list[str], sent: Span, idx: EntityIndex) -> list[str]:
    """ "Kagame, accompanied by his foreign minister X, was received by Ruto", "Accompanied by X, Y
    was greeted by Z": those who came along with a participant take part too."""
    if len(participants) < 2:
        return []
    holders = [tok] + [r for r in (_mention_root(k, sent, idx) for k in participants) if r is not None]
    out: list[str] = []
    for h in holders:
        for c in h.children:
            if c.dep_ in {"acl", "advcl"} and c.lemma_ == "accompany":
                out += [k for a in c.children if a.dep_ == "agent" for k in _direct_persons(a, idx)
                        if k not in participants and k not in out]
    return out


def _joint_appearance(tok: Token, idx: EntityIndex) -> tuple[list[str], list[Token], bool, int] | None:
    """ "A and B addressed a joint press conference": two leaders side by side in one place."""
    nouns = [c for c in tok.children if c.dep_ == "dobj"] + [
        g for c in tok.children if c.dep_ == "prep" and c.lower_ in {"at", "in", "during"}
        for g in c.children if g.dep_ == "pobj"]
    for n in nouns:
        if n.lemma_ in {"conference", "appearance", "briefing"} and any(
                c.lower_ == "joint" for c in n.children):
            subj = _subjects(tok, idx)
            if len(subj) >= 2:
                return subj, [tok, n], _is_future(tok), len(subj)
    return None


def _gift(verb: Token, obj: Token) -> bool:
    """A thing given or done with a guest that puts the two in one room: a meal hosted, credentials
    presented, a pact signed or concluded with someone."""
    if verb.lemma_ in _HOSTING and obj.lemma_ in _MEALS:
        return True
    if verb.lemma_ in _SIGNING and obj.lemma_ in _PACTS:
        return True
    return _is_credentials(verb, obj)


def _is_credentials(verb: Token, obj: Token) -> bool:
    if verb.lemma_ not in {"present", "submit", "hand"}:
        return False
    return obj.lower_ in _CREDENTIALS or (obj.lemma_ == "letter" and any(t.lower_ in _CREDENTIALS for t in obj.subtree))


def _date_words(span: Span) -> str:
    """The date as worded, with "earlier in" / "later in" kept: "earlier in the day" says when,
    "the day" alone does not."""
    doc = span.doc
    if span.text.lower().startswith(("earlier in", "later in")):
        return span.text
    if span.start >= 2 and doc[span.start - 1].lower_ == "in" and doc[span.start - 2].lower_ in {
            "earlier", "later"}:
        return doc[span.start - 2:span.end].text
    if span.start >= 2 and doc[span.start - 1].lower_ == "in" and "earlier" in doc[span.start - 2].text.lower():
        return "earlier in " + span.text  # the model may fold "earlier" into a TIME ("five hours earlier")
    return span.text


def _ent_of(tok: Token) -> Span | None:
    for e in tok.doc.ents:
        if e.start <= tok.i < e.end:
            return e
    return None


def _is_future(verb: Token) -> bool:
    aux = {c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}}
    if aux & {"will", "shall", "'ll"}:
        return True
    return verb.dep_ == "xcomp" and verb.head.lemma_ in {"be", "plan", "expect", "due", "set"}


def _topics(sent: Span, idx: EntityIndex) -> list[str]:
    topics: list[str] = []
    for tok in sent:
        if tok.lemma_ in _TOPIC_VERBS:
            for c in tok.children:
                if c.dep_ in {"dobj", "prep"}:
                    for t in c.subtree:
                        m = idx.at(t.i)
                        if m is not None and m.kind in {Kind.COUNTRY, Kind.PLACE} and m.key:
                            name = idx.entities[m.key].name
                            if name not in topics:
                                topics.append(name)
    return topics


_EVENT_NOUNS = MEET_NOUNS | {"conference", "session", "dialogue", "gathering", "delegations", "delegation",
                             "signing", "ceremony"}
_GROUP_VERBS = {"attend", "head", "lead", "join", "participate", "gather", "represent", "include", "sign",
                "witness", "co-chair", "chair"}


def _mention_root(key: str, sent: Span, idx: EntityIndex) -> Token | None:
    for m in idx.mentions:
        if m.key == key and sent.start <= m.start < sent.end:
            return sent.doc[m.start:m.end].root
    return None


def _list_groups(sent: Span, idx: EntityIndex) -> list[list[str]]:
    """Persons coordinated in one list ("A of X, Energy Minister B, ... and C"), as key groups."""
    roots: dict[int, str] = {}
    for m in idx.mentions:
        if m.kind is Kind.PERSON and m.key and sent.start <= m.start < sent.end:
            roots[sent.doc[m.start:m.end].root.i] = m.key
    for i, key in idx.pronouns.items():  # "he and Anwar are set to witness ..."
        if sent.start <= i < sent.end and sent.doc[i].dep_ in {"nsubj", "nsubjpass", "conj"}:
            roots.setdefault(i, key)
    parent = {i: i for i in roots}

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in roots:
        tok = sent.doc[i]
        head = tok.head
        # climb through a title noun the name hangs from ("Minister ... Espinosa" conj of "Hernandez")
        if tok.dep_ == "conj":
            h = head
            while h.i not in roots and h.dep_ in {"appos", "compound"} and h.head.i != h.i:
                h = h.head
            if h.i in roots:
                parent[find(i)] = find(h.i)
    groups: dict[int, list[str]] = {}
    for i, key in roots.items():
        g = groups.setdefault(find(i), [])
        if key not in g:
            g.append(key)
    return [g for g in groups.values() if len(g) >= 2]


def _co_attendance(sent: Span, idx: EntityIndex) -> list[list[str]]:
    """Named people listed together as taking part in a meeting the sentence names.

    "The delegations to the conference are headed by A, B and C", "A and B attended the talks".
    The list must hang from a verb of taking part (or be its passive agent), so that two people
    merely named in one sentence about a summit are not made to meet.
    """
    lemmas = lemma_lowers(sent.doc)
    if not any(lemmas[i] in _EVENT_NOUNS for i in range(sent.start, sent.end)):
        return []
    out = []
    for group in _list_groups(sent, idx):
        first = next(m for m in idx.mentions if m.key == group[0] and sent.start <= m.start < sent.end)
        tok = sent.doc[first.start:first.end].root
        anchor = tok
        while anchor.dep_ in {"conj", "appos", "pobj", "prep", "agent", "compound", "nsubj", "nsubjpass"} \
                and anchor.head.i != anchor.i:
            anchor = anchor.head
        # "he and Anwar are set to witness ...": the verb of taking part may be the clause's complement
        verbs = [anchor, *(c for c in anchor.children if c.dep_ == "xcomp")]
        verb = next((v for v in verbs if v.pos_ in {"VERB", "AUX"} and v.lemma_ in _GROUP_VERBS), None)
        if verb is not None:
            # "... attended the Dialogue along with their counterparts from Japan -- A and B"
            along = next((c.i for c in verb.subtree if c.lower_ == "with" and c.i > 0
                          and sent.doc[c.i - 1].lower_ == "along"), None)
            if along is not None:  # everyone named after "along with" in the clause joins the group
                group += [m.key for m in idx.mentions if m.kind is Kind.PERSON and m.key and along < m.start < sent.end
                          and m.key not in group]
            out.append(group)
    return out


def _pictured_together(sent: Span, previous: Span | None, idx: EntityIndex) -> list[list[str]]:
    """Captions of a meeting: "It showed A with B and C", "A was pictured with B".

    Only when this sentence or the one before names a meeting, so that a photo of two people is
    not taken for one by itself.
    """
    lemmas = lemma_lowers(sent.doc)
    if not any(lemmas[i] in _EVENT_NOUNS for i in range(sent.start, sent.end)) and not (
            previous is not None and any(lemmas[i] in _EVENT_NOUNS for i in range(previous.start, previous.end))):
        return []
    out = []
    for verb in sent:
        if verb.lemma_ not in _PICTURE_VERBS or verb.pos_ != "VERB":
            continue
        shown = [k for c in verb.children if c.dep_ in {"dobj", "nsubjpass"} for k in _direct_persons(c, idx)]
        holders = [verb, *(c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"})]  # "A with B" may hang on A
        with_ = [k for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "with"
                 for k in _direct_persons(c, idx)]
        group = shown + [k for k in with_ if k not in shown]
        if shown and with_ and len(group) >= 2:
            out.append(group)
    return out


def extract_meetings(doc: Doc, idx: EntityIndex, published: date | None) -> list[Meeting]:
    meetings: list[Meeting] = []
    info: dict[int, _Told] = {}  # id(meeting) → how the sentence told it, for the article-wide merge
    previous: Span | None = None
    pos, lemmas, lows = pos_tags(doc), lemma_lowers(doc), lowers(doc)
    for n, sent in enumerate(doc.sents):
        before = previous
        for group in _pictured_together(sent, previous, idx):
            meetings.append(Meeting(participants=group, evidence=sentence_evidence(sent), confidence=0.5))
            info[id(meetings[-1])] = _Told(n, False, False, False, False)
        previous = sent
        for group in _co_attendance(sent, idx):
            meetings.append(Meeting(participants=group, evidence=sentence_evidence(sent), topics=_topics(sent, idx),
                                    confidence=0.55))
            info[id(meetings[-1])] = _Told(n, False, False, False, False)
        for i in range(sent.start, sent.end):
            if pos[i] not in _MEETING_POS or (pos[i] == "NOUN" and lemmas[i] not in _MEET_NOUNS
                                              and lows[i] not in _MEET_NOUNS):
                continue  # no verb and no meeting noun: neither _meeting_at nor _pair_named_before finds anything
            tok = doc[i]
            found = _meeting_at(tok, idx)
            if found is None or len(found[0]) < 2:
                found = _pair_named_before(tok, meetings[-1] if meetings else None, sent, before, idx) or found
            if found is None:
                continue
            participants, anchors, future, n_subjects = found
            participants = list(dict.fromkeys(participants + _companions(tok, participants, sent, idx)))
            if len(participants) < 2:
                continue
            # "met with Lavrov in Moscow": the parser may hang the place on the guest's name
            anchors = anchors + [_mention_root(k, sent, idx) for k in participants[1:]]
            place, when, when_text = _place_and_date([a for a in anchors if a is not None], idx, published, future)
            # "X held talks with A and B": X talked with each; it does not say A met B. (A host
            # receiving A and B, or X meeting them, is one gathering.)
            groups = [participants]
            if n_subjects == 1 and len(participants) > 2 and tok.lemma_ in _ONE_TO_EACH:
                groups = [[participants[0], other] for other in participants[1:]]
            for group in groups:
                meetings.append(Meeting(participants=group, evidence=sentence_evidence(sent), place=place,
                                        date=when, date_text=when_text, topics=_topics(sent, idx),
                                        confidence=0.75 if tok.pos_ == "VERB" else 0.65))
                info[id(meetings[-1])] = _Told(n, future, _other_occasion_at(anchors), _is_entourage(tok),
                                               _aside_at(anchors))
    merged = _merge_told(_merge(meetings), info)
    _place_from_context(merged, info)
    _date_from_lede(merged, info, doc, idx, published)
    attendees, where = summit_attendance(doc, idx)
    if len(attendees) >= 2 and where is not None:
        merged = _add_summit(merged, attendees, where)
    return merged


#: Light verbs of meeting nouns: the lexicon's ("held talks") and "paid a call on", "received a call from",
#: "granted an audience to".
_LIGHT = MEET_LIGHT_VERBS | {"pay", "grant"}
#: Verbs that are read as meetings themselves (the rest only through a meeting noun or a gift).
_MEETING_VERBS = frozenset(MEET_VERBS | _LIGHT | _DISCUSS_VERBS)
#: Parts of speech a meeting is read off (a verb, or a meeting noun).
_MEETING_POS = frozenset({"VERB", "AUX", "NOUN"})
#: Verbs that split "X held talks with A and B" into X with each.
_ONE_TO_EACH = frozenset(_LIGHT | _DISCUSS_VERBS)
#: Meeting nouns beyond the lexicon's: calls by video, audiences, consultations.
_MEET_NOUNS = MEET_NOUNS | {"videoconference", "video-conference", "teleconference", "audience", "consultations",
                            "tete-a-tete", "meeting"}
#: Meals and receptions a host gives for a guest ("hosted a luncheon for X").
_MEALS = {"lunch", "luncheon", "dinner", "banquet", "breakfast", "reception"}
_HOSTING = {"host", "give", "hold", "throw", "offer"}
#: Signing a pact with someone ("signed a security agreement with X in Paris") is done in one room.
_SIGNING = {"sign", "conclude", "ink", "seal"}
_PACTS = {"agreement", "accord", "deal", "pact", "treaty", "memorandum", "declaration", "communique"}
#: "presented his credentials / letters of credence to the president": an envoy's audience.
_CREDENTIALS = {"credential", "credentials", "credence"}
#: Verbs of addressing someone: during a call or talks, their object is the other party.
_ADDRESS_VERBS = {"tell", "assure", "inform", "brief", "urge", "ask", "invite", "thank", "congratulate",
                  "reassure", "promise", "update"}

#: Subjects that stand for the two (or more) people of the meeting just told.
_PLURAL_SUBJECTS = {"they", "both"}
_GROUP_HEADS = {"two", "both", "sides", "leaders", "ministers", "presidents", "men", "women"}


def _pair_named_before(tok: Token, last: Meeting | None, sent: Span, before: Span | None,
                       idx: EntityIndex) -> tuple[list[str], list[Token], bool, int] | None:
    """ "They last spoke in March", "The two leaders also exchanged views": a reciprocal verb (or
    "held talks") whose subject is a plural pronoun or "the two (leaders)" is a meeting of the people
    of the meeting told just before; with no meeting told, of the two people the sentence before
    names ("X is on a visit at the invitation of Y. The two leaders held talks")."""
    if tok.pos_ not in {"VERB", "AUX"}:
        return None
    light = tok.lemma_ in _LIGHT and any(c.dep_ == "dobj" and c.lemma_ in _MEET_NOUNS for c in tok.children)
    if tok.lemma_ not in _RECIPROCAL_OR_DISCUSS and not light:
        return None
    subj = [c for c in tok.children if c.dep_ in _SUBJ]
    if len(subj) != 1:
        return None
    s = subj[0]
    # "the two leaders", "both men", "the two" — but not "the ministers of both nations"
    two = s.lower_ in {"two", "both"} or any(
        c.lower_ in {"two", "both"} and c.dep_ in {"nummod", "det", "predet", "amod"} for c in s.children)
    plural = s.lower_ in _PLURAL_SUBJECTS or (s.lower_ in _GROUP_HEADS and two)
    if not plural or any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.children) or any(
            c.dep_ == "prep" and c.lower_ == "with" and c.head.lemma_ in _MEET_NOUNS for c in tok.subtree):
        return None  # "they met with X" is the group meeting someone else
    if tok.lemma_ == "exchange" and not any(c.dep_ == "dobj" and c.lemma_ in _EXCHANGED for c in tok.children):
        return None
    if last is not None and last.evidence.end >= sent.start_char - 400:
        return list(last.participants), [tok], _is_future(tok), len(last.participants)
    if two and before is not None:
        named = list(dict.fromkeys(m.key for m in idx.mentions if m.kind is Kind.PERSON and m.key
                                   and before.start <= m.start < sent.start))
        if len(named) == 2:
            return named, [tok], _is_future(tok), 2
    return None


@dataclass(slots=True)
class _Told:
    """How a sentence told a meeting: which sentence, in the future or not, whether it marks another
    occasion ("last met", "again"), whether it only adds companions ("accompanied by")."""

    sentence: int
    future: bool
    other_time: bool
    entourage: bool
    aside: bool = False  # "held separate bilateral talks": a smaller meeting apart from a group's


#: Words that set a meeting apart from the one just told ("they last met", "met again", "earlier").
_OTHER_OCCASION = {"last", "previous", "previously", "again", "earlier", "next", "ago", "since"}


#: Words that set a smaller meeting apart from the group meeting it is part of.
_ASIDE = {"separately", "separate", "bilateral", "one-on-one", "private", "privately", "tete-a-tete"}


def _aside_at(anchors: list[Token]) -> bool:
    return any(c.lower_ in _ASIDE for a in anchors if a is not None for c in [a, *a.children])


def _other_occasion_at(anchors: list[Token]) -> bool:
    """"they last met", "met again", "earlier, A and B met", "since the last meeting": a word on the
    meeting's own verb or noun that sets it apart from the meeting told before."""
    return any(c.lower_ in _OTHER_OCCASION and c.dep_ in {"advmod", "amod", "npadvmod", "prep"}
               for a in anchors if a is not None for c in a.children)


def _is_entourage(tok: Token) -> bool:
    """ "Joining X were A and B", "Y was accompanied by Z": companions of a meeting already told,
    unless the verb brings its own occasion ("join X in a visit", "joined for the signing")."""
    if tok.lemma_ not in {"accompany", "join"}:
        return False
    return not any(c.dep_ == "prep" and c.lower_ in {"in", "for", "at", "on", "to"} for c in tok.children)


def _compatible(a: Meeting, b: Meeting) -> bool:
    """Nothing says these are two occasions: no two different places, dates or date words."""
    if a.place and b.place and a.place != b.place:
        return False
    if a.date and b.date and a.date != b.date:
        return False
    return not (a.date_text and b.date_text and not (a.date and b.date) and a.date_text.lower() != b.date_text.lower())


def _merge_told(meetings: list[Meeting], info: dict[int, _Told]) -> list[Meeting]:
    """One event told over several sentences is one meeting.

    "A met B in Moscow on Monday. ... During the meeting between A and B, ..." restates the same
    meeting: a later meeting whose participants are all in an earlier one merges into it unless
    something says it is another occasion (another place or date, another tense, "last met",
    "again"). Companions ("Joining A were C and D", "B was accompanied by E") join the meeting
    told just before that has A (or B) in it.
    """
    out: list[Meeting] = []
    told: list[_Told] = []
    for m in meetings:
        t = info.get(id(m), _Told(-1, False, True, False, False))
        target = None
        for o, ot in zip(reversed(out), reversed(told), strict=False):
            if t.entourage and ot.sentence >= t.sentence - 3 and set(m.participants) & set(o.participants):
                target = o
                break
            if t.entourage or t.other_time or ot.future != t.future or ot.sentence == t.sentence:
                continue
            if t.aside and set(m.participants) < set(o.participants):
                continue  # "A and B also held bilateral talks" after a meeting of A, B and C
            if set(m.participants) <= set(o.participants) and _compatible(o, m):
                target = o
                break
        if target is None:
            out.append(m)
            told.append(t)
            continue
        target.participants += [k for k in m.participants if k not in target.participants]
        target.place = target.place or m.place
        target.date = target.date or m.date
        target.date_text = target.date_text or m.date_text
        target.topics += [x for x in m.topics if x not in target.topics]
    return out


def _place_from_context(meetings: list[Meeting], info: dict[int, _Told]) -> None:
    """ "A met B in Brussels on Wednesday. A also met C.": a meeting told right after another one
    that shares a participant, with no place of its own, happened where the first did (a visit's
    round of meetings). A date that sets it on another day blocks this."""
    for prev, m in pairwise(meetings):
        tp, tm = info.get(id(prev)), info.get(id(m))
        if m.place or not prev.place or tp is None or tm is None or tm.future != tp.future:
            continue
        if not 0 <= tm.sentence - tp.sentence <= 1 or not set(prev.participants) & set(m.participants):
            continue
        same_day = m.date_text is None or "the day" in m.date_text.lower() or (
            m.date is not None and m.date == prev.date)
        if same_day:
            m.place = prev.place


def _date_from_lede(meetings: list[Meeting], info: dict[int, _Told], doc: Doc, idx: EntityIndex,
                    published: date | None) -> None:
    """ "The foreign ministers of A, B and C met on Monday. X hosted Y and Z at ...": a meeting verb
    with a date but no named party, then the named meeting in the next sentence: that is its date."""
    sents = list(doc.sents)
    for m in meetings:
        t = info.get(id(m))
        if m.date_text or t is None or t.sentence < 1 or t.sentence >= len(sents):
            continue
        before = sents[t.sentence - 1]
        if any(info.get(id(o)) is not None and info[id(o)].sentence == t.sentence - 1 for o in meetings):
            continue
        for tok in before:
            if tok.pos_ == "VERB" and tok.lemma_ in {"meet", "gather", "convene"} and not _subjects(tok, idx):
                _, when, when_text = _place_and_date([tok], idx, published, _is_future(tok))
                if when_text:
                    m.date, m.date_text = when, when_text
                    break


def _add_summit(meetings: list[Meeting], attendees: list[str], where: Span) -> list[Meeting]:
    """The summit as one meeting of all its attendees; a group already read off one sentence that
    is wholly among them (and is not a one-to-one talk) is the same gathering."""
    summit = Meeting(participants=list(attendees), evidence=sentence_evidence(where), confidence=0.6)
    out: list[Meeting] = []
    for m in meetings:
        if set(m.participants) <= set(attendees) and len(m.participants) > 2:
            continue
        out.append(m)
    if not any(set(m.participants) == set(attendees) for m in out):
        out.append(summit)
    return out


def _meet_noun_within(tok: Token) -> bool:
    """Whether a word of ``tok``'s subtree has a lemma among the meeting nouns (lower-cased: a
    necessary condition of ``lemma_ in _MEET_NOUNS``), from a running count made once per Doc."""
    doc = tok.doc
    counts: list[int] | None = doc.user_data.get("ng_meet_noun_counts")
    if counts is None:
        counts = [0]
        for lemma in lemma_lowers(doc):
            counts.append(counts[-1] + (lemma in _MEET_NOUNS))
        doc.user_data["ng_meet_noun_counts"] = counts
    return counts[tok.right_edge.i + 1] > counts[tok.left_edge.i]


def _meeting_at(tok: Token, idx: EntityIndex) -> tuple[list[str], list[Token], bool, int] | None:
    """Participants, anchor tokens (for place/date), tense and subject count of a meeting at ``tok``."""
    verb = tok.pos_ in {"VERB", "AUX"}  # (anything else can only be a meeting noun, at the end)
    gives = verb and any(c.dep_ in {"dobj", "obj", "dative"} and _gift(tok, c) for c in tok.children)
    if verb and tok.lemma_ not in _MEETING_VERBS and not gives:
        joint = _joint_appearance(tok, idx)
        if joint is not None:
            return joint
        # "X and Y set targets during talks", "... said at a meeting with Y"; the parser may hang
        # the phrase deeper in the clause ("exchanged views on ... during the call")
        if not _meet_noun_within(tok):
            return None  # (the loop below needs a meeting noun in the verb's subtree)
        subj_tokens = {t.i for c in tok.children if c.dep_ in _SUBJ for t in c.subtree}
        for c in tok.subtree:
            if c.dep_ == "prep" and c.lower_ in {"during", "at", "in", "after", "following"} \
                    and c.i not in subj_tokens \
                    and _clause_verb(c.head).i == tok.i:
                for g in c.children:
                    if g.dep_ == "pobj" and g.lemma_ in _MEET_NOUNS and g.lemma_ not in {"summit", "visit"}:
                        subj = _subjects(tok, idx)
                        others = [k for cc in g.children if cc.dep_ == "prep" and cc.lower_ in {"with", "between"}
                                  for k in _people(cc, idx, set(subj))]
                        if not others and tok.lemma_ in _ADDRESS_VERBS:
                            # "told X in a phone call", "assured X during talks": X is the other party
                            others = [k for cc in tok.children if cc.dep_ in {"dobj", "dative"}
                                      for k in _direct_persons(cc, idx)]
                        people = subj + [k for k in others if k not in subj]
                        if len(people) == 1 and tok.dep_ in {"ccomp", "parataxis"} and tok.head.lemma_ in _REPORT:
                            # "In phone talks Tuesday, Biden offered ..., Kishida has said": the one
                            # reporting his own talks is the other party
                            people += [k for k in _subjects(tok.head, idx) if k not in people]
                        if len(people) >= 2:
                            return people, [tok, g], _is_future(tok), len(subj)
        return None
    if verb:
        subj = _subjects(tok, idx)
        for c in tok.children:
            if c.dep_ == "nsubjpass" and c.lemma_ in _MEET_NOUNS and tok.lemma_ in _PASSIVE_HOSTS:
                # "her talks with A were joined by B": the talks' own parties are the ones joined
                subj += [k for cc in c.children if cc.dep_ in {"poss", "prep"} and cc.lower_ not in {"on", "about"}
                         for k in _people(cc, idx, set(subj)) if k not in subj]
        objs: list[str] = []
        anchors = [tok]
        light = False
        late_preps: list[Token] = []
        for c in tok.children:
            if c.dep_ in {"dobj", "obj", "dative"} and _gift(tok, c):
                # "hosted a luncheon for X", "presented her letters of credence to President X",
                # "signed a security agreement with X in Paris"
                light = True
                anchors.append(c)
                late_preps += [cc for cc in c.children if cc.dep_ == "prep" and cc.lower_ in {"for", "to", "with"}]
                late_preps += [cc for cc in tok.children
                               if cc.dep_ in {"prep", "dative"} and cc.lower_ in {"for", "to"}]
            elif c.dep_ in {"dobj", "obj", "dative"}:
                if tok.lemma_ in _LIGHT or c.lemma_ in _MEET_NOUNS:
                    noun = c if c.lemma_ in _MEET_NOUNS else next(
                        (obj for of in c.children if of.dep_ == "prep" and of.lower_ == "of"
                         for obj in of.children if obj.dep_ == "pobj" and obj.lemma_ in _MEET_NOUNS), None)
                    if noun is not None:  # "held talks with", "had nine hours of talks with"
                        light = True
                        anchors.append(noun)
                        for cc in noun.children:
                            if cc.dep_ == "prep" and (cc.lower_ in {"with", "between", "from"} or (
                                    cc.lower_ in {"on", "to"} and noun.lemma_ in {"call", "visit", "audience"})):
                                # "received a call from X", "paid a courtesy call on X"
                                objs += _people(cc, idx, set(subj))
                elif tok.lemma_ in _PERSON_OBJECT_ONLY and (idx.at(c.i) is not None or c.lower_ in ROLE_NOUNS
                                                            or c.pos_ == "PRON"):
                    # the object is the person ("visited President X", "met his counterpart X"), not a
                    # thing named after one ("joined the Santos administration")
                    objs += _direct_persons(c, idx)
            elif c.dep_ == "prep" and c.lower_ in {"with", "to"}:
                if tok.lemma_ in {"speak", "talk", "meet", "confer", "sit", "dine"} or c.lower_ == "with":
                    objs += _people(c, idx, set(subj))
            elif c.dep_ == "agent" and tok.lemma_ in _PASSIVE_HOSTS:
                objs += _people(c, idx, set(subj))  # "Thatcher ... were joined by Gorbachev"
            elif c.dep_ == "prep" and c.lower_ == "on" and tok.lemma_ == "call":
                objs += _people(c, idx, set(subj))  # "called on Prime Minister Fumio Kishida"
            elif c.dep_ in {"prep", "dative"} and c.lower_ in {"on", "from", "to"} and tok.lemma_ in {
                    "pay", "receive", "grant"}:
                late_preps.append(c)  # "paid a courtesy call on X": counts once the call is known
            elif c.dep_ == "prep" and c.lower_ in {"in", "during", "at", "on"}:
                for g in c.children:
                    if g.lemma_ in _MEET_NOUNS:
                        anchors.append(g)
                    elif g.dep_ == "pobj" and g.lower_ in {"honour", "honor"} \
                            and tok.lemma_ in {"host", "give", "hold"}:
                        # "hosted a dinner in honour of X"
                        objs += [k for of in g.children if of.dep_ == "prep" and of.lower_ == "of"
                                 for k in _people(of, idx, set(subj))]
                    elif g.dep_ == "pobj" and g.lower_ == "presence":
                        # "A and B spoke in the presence of C": C (a host, a mediator) takes part
                        objs += [k for of in g.children if of.dep_ == "prep" and of.lower_ == "of"
                                 for k in _people(of, idx, set(subj))]
        if light:
            objs += [k for c in late_preps for k in _people(c, idx, set(subj)) if k not in objs]
        if tok.lemma_ in _PASSIVE_HOSTS and any(c.dep_ == "auxpass" for c in tok.children) and not objs:
            # the parser may hang the agent's "by" deeper in the clause ("were joined for the signing of
            # agreements ... by Kremlin leader Mikhail Gorbachev")
            subject_tokens = {t.i for c in tok.children if c.dep_ in _SUBJ for t in c.subtree}
            for t in tok.subtree:
                if t.lower_ == "by" and t.dep_ in {"prep", "agent"} and t.i not in subject_tokens \
                        and _clause_verb_through_participles(t).i == tok.i:
                    objs += [k for k in _direct_persons(t, idx) if k not in subj and k not in objs]
        if tok.lemma_ in _DISCUSS_VERBS and not objs:
            # "discussed on bilateral issues with X": the parser may hang "with" on the topic
            subject_tokens = {t.i for c in tok.children if c.dep_ in _SUBJ for t in c.subtree}
            for t in tok.subtree:
                if t.dep_ == "prep" and t.lower_ == "with" and t.i not in subject_tokens \
                        and _clause_verb(t).i == tok.i:
                    objs += [k for k in _people(t, idx, set(subj)) if k not in subj and k not in objs]
        if tok.lemma_ in _DISCUSS_VERBS:
            # "X and Y discussed ...", "X discussed with Y", "X and Y exchanged views": the other side
            # is a co-subject or a "with" phrase, never the thing discussed.
            if tok.lemma_ == "exchange" and not any(c.dep_ == "dobj" and c.lemma_ in _EXCHANGED
                                                    for c in tok.children):
                return None
            people = subj + [o for o in objs if o not in subj]
            return (people, anchors, _is_future(tok), len(subj)) if len(people) >= 2 else None
        if tok.lemma_ in _LIGHT and not light:
            return None
        if tok.lemma_ in _NEEDS_WITH and not objs and not light:
            return None
        if tok.lemma_ not in _RECIPROCAL and not objs and not light:
            return None  # "A and B received 85 and 46 votes": receiving, hosting, visiting need a guest
        participants = subj + [o for o in objs if o not in subj]
        return participants, anchors, _is_future(tok), len(subj)
    if tok.pos_ == "NOUN" and (tok.lemma_ in _MEET_NOUNS or tok.lower_ in _MEET_NOUNS):
        # "the meeting between X and Y", "X's talks with Y" — but "talks with A and B" alone names
        # only the guests, whose host is the verb's subject (handled above), not a meeting of A and B.
        hosts: list[str] = []
        for c in tok.children:
            if c.dep_ == "poss":
                hosts += [k for k in _people(c, idx, set(hosts)) if k not in hosts]
        people: list[str] = list(hosts)
        preps = [c for c in tok.children if c.dep_ == "prep"]
        # "the first negotiations in a year between A and B": the parser may hang "between" lower
        preps += [gc for c in preps if c.lower_ != "between" for g in c.children if g.dep_ == "pobj"
                  for gc in g.children if gc.dep_ == "prep" and gc.lower_ == "between"]
        for c in preps:
            if c.lower_ == "between" or (c.lower_ == "with" and hosts):
                people += [k for k in _people(c, idx, set(people)) if k not in people]
        if len(people) >= 2:
            return people, [tok], False, len(hosts)
    return None


def _merge(meetings: list[Meeting]) -> list[Meeting]:
    """One meeting per set of participants in one sentence (verb and noun may both fire)."""
    out: list[Meeting] = []
    for m in meetings:
        for o in out:
            if o.evidence == m.evidence and set(o.participants) == set(m.participants) and _compatible(o, m):
                o.place = o.place or m.place
                o.date = o.date or m.date
                o.date_text = o.date_text or m.date_text
                break
        else:
            out.append(m)
    return out
