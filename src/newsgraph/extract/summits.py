"""Summits: the named leaders an article says attended one gathering, as one meeting.

Wire copy of a summit rarely says "A met B"; it says who hosted it, who attended, who was present,
and often lists the attendees in a sentence of their own ("In attendance were ...", "These are
Presidents A (X), B (Y) ...", a bulleted list after "The attending presidents include:"). Every
leader so named took part in one meeting, so they are gathered into a single group: a summit of
ten leaders is one meeting, not ten fragments.

Only attendance is read, never mere mention: a leader who criticised the summit, or one named in a
clause about something else, does not attend it.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from newsgraph.extract.doc_cache import lemma_lowers, lowers, pos_tags, sent_text, tags
from newsgraph.extract.entities import EntityIndex
from newsgraph.extract.summit_words import (
    ADDRESS_VERBS,
    ATTENDANCE_NOUNS,
    ATTENDANCE_VERBS,
    GATHER_VERBS,
    HANDOVER_VERBS,
    LIST_OPENERS,
    SPEECH_NOUNS,
    SUMMIT_NOUNS,
    SUMMIT_ONLY_NOUNS,
    TRAVEL_VERBS,
)
from newsgraph.facts import Kind

#: Clause kinds that start a new statement: a person inside one is not in the attendance list.
_SUBCLAUSES = {"relcl", "ccomp", "advcl", "acl", "xcomp", "parataxis"}
_BULLETS = ("•", "·", "-", "*", "–", "—", "▪")


def _event_noun(tok: Token) -> bool:
    return tok.lemma_.lower() in SUMMIT_NOUNS or tok.lower_ in SUMMIT_NOUNS


def _persons_in_clause(tokens: list[Token], clause: Token | None, idx: EntityIndex) -> list[str]:
    """Person keys among ``tokens`` that belong to ``clause`` (not to a relative or reported clause
    nested in it). With ``clause`` None every person among the tokens counts (verbless lists)."""
    keys: list[str] = []
    for t in tokens:
        m = idx.at(t.i)
        if m is None or m.kind is not Kind.PERSON or not m.key or m.key in keys or t.i != m.start:
            continue
        if m.text.isupper() and " " not in m.text:
            continue  # an acronym ("SADC") in a list of leaders is a body, not one of them
        root = t.doc[m.start:m.end].root
        ok = True
        a = root
        while clause is not None and a.i != clause.i and a.head.i != a.i:
            if a.dep_ in _SUBCLAUSES and a.pos_ in {"VERB", "AUX"}:
                ok = False
                break
            a = a.head
        if ok:
            keys.append(m.key)
    return keys


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" for c in verb.children) or any(
        c.dep_ == "neg" for c in verb.head.children if verb.dep_ == "xcomp")


def _subject_persons(verb: Token, idx: EntityIndex) -> list[str]:
    subj = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if verb.dep_ == "relcl" and any(s.lower_ in {"who", "that"} for s in subj):
        subj = [verb.head]  # "X, who attended, ..."
        verb = verb.head
    v = verb
    while not subj and v.dep_ in {"xcomp", "advcl", "conj"} and v.head.i != v.i:
        v = v.head  # "X arrived in Nairobi to attend the summit"
        subj = [c for c in v.children if c.dep_ in {"nsubj", "nsubjpass"}]
        verb = v
    if not subj and verb.dep_ == "acl" and verb.head.pos_ in {"PROPN", "NOUN"}:
        subj = [verb.head]  # "Biden, attending his final summit, ..."
    toks = [t for s in subj for t in s.subtree]
    return _persons_in_clause(toks, verb, idx)


def _about_event(tok: Token) -> bool:
    """Does the verb's object or prepositional phrase name a gathering ("attended the summit",
    "took part in the session", "hosting his counterparts at the summit")?"""
    for c in tok.children:
        if c.dep_ in {"dobj", "attr"} and _event_noun(c):
            return True
        if c.dep_ == "prep" and any(g.dep_ == "pobj" and _event_noun(g) for g in c.children):
            return True
        if c.dep_ == "dobj":
            for p in c.children:  # "hosting his counterparts at the summit"
                if p.dep_ == "prep" and any(g.dep_ == "pobj" and _event_noun(g) for g in p.children):
                    return True
    return False


_VERBS = frozenset({"VERB", "AUX"})


def _sentence_attendees(sent: Span, idx: EntityIndex, event_near: bool) -> tuple[list[str], bool]:
    """Attendees this sentence names, and whether it announces attendance (so that a list in the
    next sentence or in bullets belongs to it)."""
    out: list[str] = []
    announces = False
    doc = sent.doc
    pos, tag, lower = pos_tags(doc), tags(doc), lowers(doc)  # per-Doc arrays: no Token per word skipped
    for i in range(sent.start, sent.end):
        if pos[i] not in _VERBS and tag[i] != "VBG" and not (event_near and lower[i] in ATTENDANCE_NOUNS):
            continue  # (what the last branch below needs of a word that is no verb: most words go here)
        tok = doc[i]
        low, lemma = tok.lower_, tok.lemma_.lower()
        if tok.pos_ in {"VERB", "AUX"} and lemma in ATTENDANCE_VERBS and _negated(tok):
            continue  # "said he would not attend"
        participle = tok.dep_ in {"amod", "acl"} and tok.tag_ == "VBG"
        if tok.pos_ in {"VERB", "AUX"} and lemma in ATTENDANCE_VERBS and not participle:
            # "the summit, chaired by X, ...": a past participle on the gathering is a passive
            passive = any(c.dep_ == "auxpass" for c in tok.children) or (
                tok.dep_ == "acl" and tok.tag_ == "VBN" and _event_noun(tok.head))
            if passive and tok.dep_ == "acl":
                out += [k for c in tok.children if c.dep_ in {"agent", "prep"} and c.lower_ == "by"
                        for k in _persons_in_clause(list(c.subtree), tok, idx) if k not in out]
                announces = True
                continue
            if passive:
                subj = [c for c in tok.children if c.dep_ == "nsubjpass"]
                if not any(_event_noun(s) or s.lower_ in {"it", "which"} for s in subj) \
                        and not (tok.dep_ == "relcl" and _event_noun(tok.head)):
                    continue
                # "was attended by A, B; in addition to C": every person after "by" in this clause
                by = next((t for t in tok.subtree if t.lower_ == "by" and t.i > tok.i), None)
                if by is not None:
                    out += [k for k in _persons_in_clause([t for t in sent if t.i > by.i], tok, idx)
                            if k not in out]
                    announces = True
            elif _about_event(tok) or (event_near and lemma in {"attend", "participate"}):
                out += [k for k in _subject_persons(tok, idx) if k not in out]
                announces = announces or lemma != "host"
        elif tok.pos_ == "VERB" and lemma in ADDRESS_VERBS and _addresses_summit(tok):
            # "X told the summit", "X addressed / opened the summit", "welcomed leaders to the summit"
            out += [k for k in _subject_persons(tok, idx) if k not in out]
        elif tok.pos_ == "VERB" and _during_summit(tok):
            # "During the summit, X handed over the chairmanship to Y": both were there
            out += [k for k in _subject_persons(tok, idx) if k not in out]
            if lemma in HANDOVER_VERBS:
                out += [k for c in tok.subtree if c.dep_ in {"prep", "dative"} and c.lower_ == "to"
                        and clause_verb(c).i == tok.i for k in _persons_in_clause(list(c.subtree), tok, idx)
                        if k not in out]
        elif tok.pos_ == "VERB" and (_takes_part(tok) or (lemma in TRAVEL_VERBS and _for_event(tok))):
            # "X and Y took part in the summit", "X arrived in Arusha for the summit"
            out += [k for k in _subject_persons(tok, idx) if k not in out]
            announces = True
        elif tok.pos_ == "VERB" and lemma in {"include", "draw", "attract"} and any(
                c.dep_ == "nsubj" and (_event_noun(c) or any(
                    p.dep_ == "prep" and p.lower_ in {"at", "to", "of"} and any(
                        g.dep_ == "pobj" and _event_noun(g) for g in p.children) for p in c.children))
                for c in tok.children):
            # "Heads of state at the summit included A and B", "The summit drew A, B and C"
            out += [k for c in tok.children if c.dep_ == "dobj"
                    for k in _persons_in_clause(list(c.subtree), tok, idx) if k not in out]
            announces = True
        elif event_near and tok.pos_ == "VERB" and (lemma in GATHER_VERBS or (
                lemma == "bring" and any(c.lower_ == "together" for c in tok.children))):
            # "the summit will bring together the presidents of ...", "leaders gathered in X"
            out += [k for c in tok.children if c.dep_ in {"dobj", "nsubj"}
                    for k in _persons_in_clause(list(c.subtree), tok, idx) if k not in out]
            announces = True
        elif (low in ATTENDANCE_NOUNS and event_near) or (participle and lemma in {"attend", "participate"}):
            # "In attendance were ...", "present at the meeting are ...", "The attending presidents
            # include: ...", "confirmed their participation in the summit"
            clause = _clause_root(tok)
            if clause.lemma_ in {"be", "include", "comprise"}:
                out += [k for k in _persons_in_clause([t for t in sent if t.i > tok.i], clause, idx)
                        if k not in out]
                if tok.i > clause.i or any(a.lower_ == "among" and a.head.i == clause.i for a in tok.ancestors):
                    # "X and Y were in attendance", "X was among the leaders attending the summit"
                    out += [k for k in _subject_persons(clause, idx) if k not in out]
            announces = True
    return out, announces


def _takes_part(verb: Token) -> bool:
    """ "took part in the summit": "take" with "part" and a gathering."""
    return verb.lemma_ == "take" and any(c.dep_ == "dobj" and c.lower_ == "part" for c in verb.children) and (
        _about_event(verb) or any(_about_event(c) for c in verb.children if c.lower_ == "part"))


def _for_event(verb: Token) -> bool:
    """ "arrived in Arusha for the summit", "flew to Nairobi for the conference"."""
    return any(c.dep_ == "prep" and c.lower_ == "for" and any(
        g.dep_ == "pobj" and g.lemma_.lower() in SUMMIT_ONLY_NOUNS for g in c.children) for c in verb.children)


def _summit_only(tok: Token) -> bool:
    return tok.lemma_.lower() in SUMMIT_ONLY_NOUNS or tok.lower_ in SUMMIT_ONLY_NOUNS


def _addresses_summit(verb: Token) -> bool:
    """ "told the summit", "opened the conference", "welcomed leaders to the summit"."""
    for c in verb.children:
        if c.dep_ in {"dobj", "dative"} and _summit_only(c):
            return True
        if c.dep_ in {"prep", "dative"} and c.lower_ == "to" and any(
                g.dep_ == "pobj" and _summit_only(g) for g in c.children):
            return True
        if c.dep_ == "dobj" and any(  # "welcomed leaders to the summit"
                p.dep_ == "prep" and p.lower_ == "to" and any(g.dep_ == "pobj" and _summit_only(g)
                                                              for g in p.children) for p in c.children):
            return True
    return False


def _during_summit(verb: Token) -> bool:
    """Is the verb's action set at a summit ("during the summit", "at the conference", "in his address
    to the summit")? Only gatherings of many count here: "at the meeting" may be a one-to-one talk."""
    for c in verb.children:
        if c.dep_ != "prep" or c.lower_ not in {"during", "at", "in"}:
            continue
        for g in c.children:
            if g.dep_ != "pobj":
                continue
            if c.lower_ != "in" and _summit_only(g):
                return True
            if c.lower_ == "in" and g.lemma_ in SPEECH_NOUNS and any(
                    p.dep_ == "prep" and p.lower_ in {"to", "at"} and any(
                        gg.dep_ == "pobj" and _summit_only(gg) for gg in p.children) for p in g.children):
                return True
    return False


def clause_verb(tok: Token) -> Token:
    """The verb heading the clause ``tok`` is in (meetings reads clauses with it too)."""
    t = tok
    while t.pos_ not in {"VERB", "AUX"} and t.head.i != t.i:
        t = t.head
    return t


def _clause_root(tok: Token) -> Token:
    t = tok
    while t.head.i != t.i and not (t.pos_ in {"VERB", "AUX"} and t.dep_ in {"ROOT", "conj"}):
        t = t.head
    return t


def _is_list_follow_up(sent: Span) -> bool:
    """A sentence that only lists who: "These are Presidents ...", a bullet, a verbless fragment."""
    text = sent_text(sent).strip()
    if not text:
        return False
    if text.startswith(_BULLETS):
        return True
    words = [t.lower_ for t in sent if not t.is_punct and not t.is_space][:2]
    if " ".join(words) in LIST_OPENERS or (words and words[0] in LIST_OPENERS):
        return True
    return not any(t.pos_ in {"VERB", "AUX"} for t in sent)


def summit_attendance(doc: Doc, idx: EntityIndex) -> tuple[list[str], Span | None]:
    """The persons an article says attended (or hosted) its gathering, with the first sentence
    saying so. Fewer than two persons means no summit meeting."""
    sents = list(doc.sents)
    lemmas, lows = lemma_lowers(doc), lowers(doc)
    attendees: list[str] = []
    evidence: Span | None = None
    last_event = -10
    announced = False
    for n, sent in enumerate(sents):
        if any(lemmas[i] in SUMMIT_NOUNS or lows[i] in SUMMIT_NOUNS for i in range(sent.start, sent.end)):
            last_event = n  # (_event_noun of any of its words)
        event_near = n - last_event <= 2
        found, announces = _sentence_attendees(sent, idx, event_near)
        follow_up = False
        if not found and announced and _is_list_follow_up(sent):
            found = _persons_in_clause(list(sent), None, idx)
            follow_up = announces = bool(found)  # a bulleted list runs on over several lines
        if found:
            attendees += [k for k in found if k not in attendees]
            evidence = evidence or sent
        announced = announces and (event_near or follow_up)
    return attendees, evidence
