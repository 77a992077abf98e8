"""Memberships: which countries the article says belong to which bloc.

A country counts when the sentence names a bloc (or refers back to one: "the group expanded ...")
and the country sits under a membership cue in the parse ("made up of", "members", "joined",
"with the addition of", "including"), and under no non-membership cue ("invited", "observer",
"partner", "applied"): an invited country is not a member.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from newsgraph.extract.entities import EntityIndex, Mention, sentence_evidence
from newsgraph.extract.lexicon import BLOC_ANAPHORS, MEMBER_CUES, NON_MEMBER_CUES
from newsgraph.facts import BlocMembership, Kind, Status

_BLOC_TYPES = {"bloc", "igo", "alliance", "union", "organization", "intergovernmental"}


_BLOC_HEADS = {"group", "union", "alliance", "bloc", "community", "league", "organisation", "organization",
               "forum", "association", "partnership", "coalition", "pact", "council", "cooperation", "triangle",
               "quad", "quartet", "format"}


def _is_bloc(m: Mention, idx: EntityIndex) -> bool:
    """A body countries can belong to: a gazetteer bloc/IGO, or a name that says so."""
    ent = idx.entities.get(m.key or "")
    if ent is None or ent.kind is not Kind.ORGANIZATION or ent.country is not None:
        return False
    return ent.org_type in _BLOC_TYPES or ent.name.split()[-1].lower() in _BLOC_HEADS


_MEMBER_NOUNS = {"member", "members", "member-state", "member-states"}
_LIST_GLUE = {",", "and", "or", "the", "—", "–", "-", "(", ")", "as", "well", "by", "of", ":", "from"}


def _cues_on_path(tok: Token, sent: Span, countries: set[int]) -> tuple[bool, bool]:
    """(membership cue, non-membership cue) for a country token.

    Read two ways, since list parses are brittle: up the dependency tree (the token's ancestors,
    their predicates "became full members", and "as an observer" phrases), and leftwards through
    the list it stands in ("founded by Brazil, Russia, ...", "member states — Brunei, ...").
    """
    member = False
    non_member = False
    for a in [tok, *tok.ancestors]:
        if a.i < sent.start or a.i >= sent.end:
            break
        words = {a.lower_, a.lemma_.lower()}
        if words & NON_MEMBER_CUES:
            non_member = True
        if words & MEMBER_CUES:
            member = True
        if a is not tok and a.tag_ in {"VBD", "VBZ", "VBP"} and member:
            break  # a finite verb heads the country's own clause: "while Indonesia joined ..." stops here
        for c in a.children:
            if c.dep_ in {"attr", "oprd"} and c.lower_ in _MEMBER_NOUNS:
                if any(g.dep_ == "neg" or g.lower_ in {"not", "non"} for g in c.children) or (
                        c.i > 0 and c.doc[c.i - 1].lower_ in {"not", "never"}):
                    non_member = True  # "is not a member"
                else:
                    member = True  # "Indonesia has become a full member"
            if c.dep_ in {"attr", "oprd"} and {c.lower_, c.lemma_.lower()} & NON_MEMBER_CUES:
                non_member = True  # "Ukraine is a partner of the alliance"
            if c.dep_ == "neg" and words & MEMBER_CUES:
                non_member = True  # "has not joined"
            if c.dep_ == "prep" and c.lower_ == "as":
                objs = {g.lower_ for g in c.subtree}
                if objs & NON_MEMBER_CUES:
                    non_member = True
                if objs & _MEMBER_NOUNS:
                    member = True
    i = tok.i - 1
    doc = tok.doc
    while i >= sent.start and (i in countries or doc[i].lower_ in _LIST_GLUE or doc[i].is_space
                               or doc[i].ent_type_ in {"DATE", "CARDINAL"}):
        i -= 1
    if i >= sent.start:
        w = {doc[i].lower_, doc[i].lemma_.lower()}
        if w & NON_MEMBER_CUES:
            non_member = True
        elif w & (MEMBER_CUES | {"found", "founded", "founding", "states"}) and not (w & {"including", "include"}):
            member = True
    return member, non_member


def extract_memberships(doc: Doc, idx: EntityIndex) -> list[BlocMembership]:
    out: list[BlocMembership] = []
    last_bloc: str | None = None
    last_bloc_sent = -10
    seen: set[tuple[str, str]] = set()
    for n_sent, sent in enumerate(doc.sents):
        blocs = [m for m in idx.mentions if sent.start <= m.start < sent.end and m.kind is Kind.ORGANIZATION
                 and _is_bloc(m, idx)]
        bloc_key = blocs[0].key if blocs else None
        if bloc_key is None and last_bloc is not None and any(
                t.lower_ in BLOC_ANAPHORS and t.i > 0 and doc[t.i - 1].lower_ in {"the", "this", "that"}
                for t in sent):
            bloc_key = last_bloc
        sent_words = {t.lower_ for t in sent}
        if bloc_key is None and last_bloc is not None and n_sent - last_bloc_sent == 1 \
                and sent_words & (_MEMBER_NOUNS | {"joined", "membership"}):
            bloc_key = last_bloc  # "Last year, Iran, Egypt ... became full members." after naming BRICS
        if blocs:
            last_bloc = blocs[-1].key
            last_bloc_sent = n_sent
        if bloc_key is None:
            continue
        if not sent_words & (MEMBER_CUES | {"founded", "founding"}):
            continue
        countries = {i for m in idx.mentions if m.kind is Kind.COUNTRY and sent.start <= m.start < sent.end
                     for i in range(m.start, m.end)}
        for m in idx.mentions:
            if not (sent.start <= m.start < sent.end) or m.kind is not Kind.COUNTRY or not m.key:
                continue
            if m.key == bloc_key:
                continue
            if doc[m.start].dep_ == "amod" or doc[m.start].tag_ == "JJ":
                continue  # "Ukrainian Foreign Minister ... joined the talks": an adjective joins nothing
            member, non_member = _cues_on_path(doc[m.start], sent, countries)
            if not member or non_member:
                continue
            k = (m.key, bloc_key)
            if k in seen:
                continue
            seen.add(k)
            out.append(BlocMembership(member=m.key, organization=bloc_key, evidence=sentence_evidence(sent),
                                      status=Status.CURRENT, confidence=0.8))
    return out + _appositive_members(doc, idx, seen)


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
