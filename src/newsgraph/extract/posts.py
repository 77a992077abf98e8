"""Posts: who holds (or held) which office, from the ways wire copy words it.

Four constructions cover most of it:

* a title before the name — "Turkish Foreign Minister Hakan Fidan", "Tory leader Michael Howard",
  also inside lists ("..., National Defense Minister Yasar Guler, and ...");
* an apposition after the name — "Sergey Shoygu, the secretary of Russia's Security Council";
* an apposition before the name — "the Palestinian leader, Mahmoud Abbas";
* a copula or appointment verb — "Kishida became prime minister", "X was named finance minister",
  "X, who served as defence minister" (past service is a former post).

Cabinet and summit copy adds more: "appointed X as Y" (the object's post, never the subject's),
"Z replaces X as Y" (X held it before), "the new Y is X", "X assumes the role of Y", "the
appointment of X as Y", "with X as his deputy", "deputy prime minister and defence minister" (two
posts), a comma-set title with no determiner ("Algerian President, X"), "his counterparts from A,
X; from B, Y", and line-ups sharing one plural title (:mod:`newsgraph.extract.lineups`).
Hypothetical statements ("asked if he would quit as leader") give nothing.

Each yields a role phrase that :mod:`newsgraph.extract.roles_text` splits into wording, status,
country and organization; :mod:`newsgraph.extract.post_context` then reads what the rest of the
article says about status (death, dismissal, periods that ended) and country (the gazetteer's
positions of the holder), and keeps one claim per single-seat role. A post with no country of
its own takes one from the other posts of the same sentence (lists of one government's
officials) and, failing that, from the article's dominant country, with a lower confidence.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Token

from newsgraph.extract.doc_cache import ent_types, lemma_lowers, lowers, pos_tags
from newsgraph.extract.entities import EntityIndex, Mention, fold, sentence_evidence
from newsgraph.extract.lexicon import (
    COUNTRY_SIGNALS,
    FORMER_MARKERS,
    HONORIFICS,
    PARTY_WORDS,
    ROLE_MODIFIERS,
    ROLE_NOUNS,
    role_country,
)
from newsgraph.extract.lineups import bracket_lists, respective_lists
from newsgraph.extract.post_context import (
    british_chancellors,
    dead_holders,
    dedupe_by_concept,
    dismissed,
    known_country,
    mark_past,
    past_by_date,
    reference_year,
)
from newsgraph.extract.roles_text import RoleParse, country_of, parse_role_tokens
from newsgraph.facts import Kind, PostClaim, Status
from newsgraph.link.gazetteer import Gazetteer

#: Styles that go with a name, not an office: "Emir Sheikh Tamim" is an emir called Sheikh Tamim.
_STYLES = {"sheikh", "sheikha", "shaikh", "sheik"}
_STOP_LEFT = {",", ";", ":", "(", ")", '"', "“", "”", "‘", "'", "—", "–"}
_COPULA = {"be", "become", "remain", "serve", "elect", "appoint", "name", "nominate", "succeed", "replace"}
#: Leaving a post: "stepped down as", "resigned as", "quit as" make it former.
_LEAVE = {"step", "resign", "quit", "retire", "leave"}
#: Verbs whose "as X" is a description, not an office ("described as a bully", "known as").
_NOT_A_POST = {"describe", "know", "see", "regard", "portray", "brand", "dismiss", "view", "treat", "label",
               "depict", "characterise", "characterize", "hail", "criticise", "criticize", "mock", "present",
               "praise", "laud", "commend", "congratulate", "thank", "credit", "cite", "recognise", "recognize",
               "honour", "honor", "remember", "introduce", "style", "bill", "tout", "consider", "count"}


def _title_before(doc: Doc, m: Mention, idx: EntityIndex, gaz: Gazetteer) -> list[Token]:
    """Tokens of the title that stands right before a name, in text order."""
    i = m.start - 1
    while i >= 0 and (doc[i].lower_ in HONORIFICS or doc[i].lower_ in _STYLES):
        i -= 1
    toks: list[Token] = []
    sent_start = doc[m.start].sent.start
    while i >= sent_start:
        t = doc[i]
        other = idx.at(i)
        if t.text == ")" and i - 2 >= sent_start and doc[i - 2].text == "(" and doc[i - 1].text.isupper():
            inner = idx.at(i - 3)  # "International Monetary Fund (IMF) Managing Director X"
            if inner is not None and inner.kind is Kind.ORGANIZATION and toks:
                i -= 3
                continue
        if t.text in _STOP_LEFT or (other is not None and other.kind is Kind.PERSON):
            break
        low = t.lower_
        cap = t.text[:1].isupper()
        if _title_token(t, low, cap, toks, other, i == sent_start, m, gaz):
            toks.append(t)
        else:
            break
        i -= 1
    toks.reverse()
    # The title ends with a role noun, or with its "of/for ..." complement ("Secretary of State",
    # "Chancellor of the Exchequer"); never with anything else ("Minister's Questions").
    last_role = max((k for k, t in enumerate(toks) if _role_head(t)), default=-1)
    if last_role < 0:
        return []
    tail = toks[last_role + 1:]
    if not (tail and tail[0].lower_ in {"of", "for"} and all(t.text[:1].isupper() or t.lower_ in
                                                              {"of", "for", "and", "the", "&"} for t in tail)):
        toks = toks[:last_role + 1]
    if toks[last_role].tag_ in {"NNS", "NNPS"}:
        return []  # "two ministers Kishida retained": a plural is not this person's title
    # Drop anything before the last connector-free stretch that starts the title.
    while toks and toks[0].lower_ in {"of", "for", "and", "&", "-", "'s", "’s"}:
        toks.pop(0)
    return toks


def _role_head(t: Token) -> bool:
    low = t.lower_
    return low in ROLE_NOUNS or (low.endswith("s") and low[:-1] in ROLE_NOUNS)


def _title_token(t: Token, low: str, cap: bool, toks: list[Token], other: Mention | None, first: bool,
                 m: Mention, gaz: Gazetteer) -> bool:
    """May ``t`` belong to a title that ends right before the name of ``m``? (Read right to left.)"""
    if t.text in {"'s", "’s"}:
        return True  # "Türkiye's National Intelligence ..."
    if low in {"of", "for", "and", "&"}:
        # "Minister of State", "Energy and Mines Minister": capitalized words on both sides — but
        # "... of Mexico and Energy Minister X" is a list: a country before "and" ends the title
        left = t.doc[t.i - 1] if t.i > 0 else None
        if left is None or not left.text[:1].isupper() or not toks or not toks[-1].text[:1].isupper():
            return False
        return not (low in {"and", "&"} and country_of(left, gaz) is not None)
    if t.text == "-":
        # "ex-" and glued compounds such as "Vice-President"; a spaced dash ends the title
        left = t.doc[t.i - 1] if t.i > 0 else None
        return bool(toks) and left is not None and not t.whitespace_ and not left.whitespace_
    if low in ROLE_NOUNS or low in ROLE_MODIFIERS or low in FORMER_MARKERS or low.startswith("ex-"):
        return True
    if cap and other is not None:
        return True  # an organization, country or place inside the title
    if cap and t.pos_ in {"PROPN", "NOUN", "ADJ", "NUM"}:
        # A capitalized word opening the sentence is part of a title when a known word, or a proper
        # noun or adjective right before more of the title ("Home Secretary", "South African President").
        nxt = t.doc[t.i + 1].lower_ if t.i + 1 < len(t.doc) else ""
        return (not first or country_of(t, gaz) is not None or f"{low} {nxt}".rstrip("s") in PARTY_WORDS
                or low in PARTY_WORDS or (bool(toks) and t.pos_ in {"PROPN", "ADJ"}))
    # lower-case modifiers inside the noun phrase: "senior civil servant", "assistant energy secretary"
    return (not cap and t.pos_ in {"NOUN", "ADJ"} and t.dep_ in {"compound", "amod", "nmod"}
            and t.i < t.head.i <= m.end)  # modifying a word between it and the name


def _hyphen_glued(t: Token) -> bool:
    """ "center-left": a word glued to the one before by a hyphen is part of a compound, whatever
    the tagger makes of it."""
    return t.i >= 2 and t.doc[t.i - 1].text == "-" and not t.doc[t.i - 1].whitespace_ \
        and not t.doc[t.i - 2].whitespace_


def _apposition_after(doc: Doc, m: Mention, idx: EntityIndex) -> list[Token]:
    """ "NAME, the secretary of X," → the role phrase tokens (up to the closing comma)."""
    j = m.end
    if j >= len(doc) or doc[j].text != ",":
        return []
    b = m.start - 1
    while b > 0 and doc[b].lower_ in HONORIFICS | {"madam"}:
        b -= 1
    # "Mr X and Madam Y, the chair and deputy chair of Z": the phrase is about both
    conjoined = b >= 1 and doc[b].lower_ == "and" and (
        (idx.at(b - 1) is not None and idx.at(b - 1).kind is Kind.PERSON) or doc[b - 1].pos_ == "PROPN")
    k = j + 1
    if k < len(doc) and doc[k].lower_ in {"who", "which"}:
        # "X, who is/was the head of ..." — handled as a copula
        return []
    sent_end = doc[m.start].sent.end
    toks: list[Token] = []
    depth = 0
    while k < sent_end:
        t = doc[k]
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif depth == 0 and (t.text in {",", ";", ":", "—", "–", '"', "“", "”", "."} or t.is_space
                             or (t.pos_ in {"VERB", "AUX"} and not _hyphen_glued(t))
                             or t.lower_ in {"who", "which", "that"}):
            break
        other = idx.at(k)
        if other is not None and other.kind is Kind.PERSON:
            break
        if t.lower_ == "and" and k + 1 < sent_end and doc[k + 1].text[:1].isupper() \
                and any(_role_head(x) for x in toks):
            break  # "..., assistant energy secretary of Mexico and Energy Minister X": next item
        toks.append(t)
        k += 1
    if not toks or len(toks) > 14:
        return []
    nxt = idx.at(k) if k < sent_end else None
    if nxt is not None and nxt.kind is Kind.PERSON:
        return []  # ", National Defense Minister Yasar Guler": the next list item's own title
    if toks[0].lower_ in {"now", "currently", "still"} and len(toks) > 1:
        toks = toks[1:]  # "Jack Straw, now foreign secretary"
    first = toks[0]
    if not (first.lower_ in {"the", "a", "an", "his", "her", "their", "its"} or first.lower_ in FORMER_MARKERS
            or first.text[:1].isupper() or _role_head(first) or first.lower_ in ROLE_MODIFIERS
            or (first.pos_ in {"ADJ", "NOUN"} and first.dep_ in {"amod", "compound"})):
        return []  # "Mr Blair, more than 20 other world leaders ..." is no apposition
    heads = [t for t in toks if _role_head(t)]
    if not heads or all(t.tag_ in {"NNS", "NNPS"} for t in heads):
        return []
    if conjoined and (any(t.lower_ == "and" for t in toks) or (k < sent_end and doc[k].lower_ == "and")):
        return []  # "X and Y, the chair and deputy chair": a phrase about both, one role each
    return toks


def _apposition_before(doc: Doc, m: Mention, idx: EntityIndex, gaz: Gazetteer) -> list[Token]:
    """ "the Palestinian leader, Mahmoud Abbas", "the co-chairman of the Conservative Party, Liam
    Fox", "Mrs Quinn's nanny, Leoncia Casalme" → the tokens of the role phrase."""
    j = m.start - 1
    if j < 1 or doc[j].text != ",":
        return []
    k = j - 1
    toks: list[Token] = []
    sent_start = doc[m.start].sent.start
    while k >= sent_start:
        t = doc[k]
        if t.text in _STOP_LEFT or (t.pos_ in {"VERB", "AUX", "ADP"} and t.lower_ not in {"of", "for"}):
            break
        if t.lower_ in {"and", "or"}:
            break  # the previous item of a list ("Guinean President X and Ghana President, Y")
        toks.append(t)
        if (t.pos_ == "DET" or t.lower_ in {"his", "her", "their", "its"}) and not (
                k - 1 >= sent_start and doc[k - 1].lower_ in {"of", "for"}):
            break  # the phrase's own determiner, not the one inside "of the Conservative Party"
        k -= 1
    toks.reverse()
    if not toks:
        return []
    first = toks[0]
    owner = idx.at(first.i)
    bare = False
    if not (first.pos_ in {"DET", "PRON"} or first.lower_ in {"his", "her", "their"} or first.lower_ in HONORIFICS
            or (owner is not None and owner.kind is Kind.PERSON)):
        # "Algerian President, X", "Nigeria's President, X", "IMF Deputy Managing Director, X": a
        # title opened by its country or organization, set off by a comma, with no determiner
        bare = True
        if not (toks[-1].text[:1].isupper() and _role_head(toks[-1]) and toks[-1].tag_ not in {"NNS", "NNPS"}
                and (country_of(first, gaz) is not None
                     or (len(toks) > 2 and gaz.country(f"{first.text} {toks[1].text}") is not None)
                     or (owner is not None and owner.kind in {Kind.COUNTRY, Kind.ORGANIZATION}))):
            return []
    heads = [t for t in toks if _role_head(t)]
    if not heads:
        return []
    head = heads[-1]
    # Only an "of/for ..." complement may follow the role noun.
    rest = [t for t in toks if t.i > head.i]
    if rest and rest[0].lower_ not in {"of", "for"}:
        return []
    # The name must be in apposition to the role noun, not the next item of a list.
    # (The small model often hangs a determiner-less "Algerian President, X" off the verb as a
    # conjunct; the comma-and-capitalized-title shape is then evidence enough.)
    name_root = doc[m.start:m.end].root
    if name_root.dep_ != "appos" and name_root.head.i not in {t.i for t in toks} and not bare:
        return []
    return toks


#: Verbs whose object is the person given a post ("appointed X as Y", "named X defence minister").
_APPOINT = {"appoint", "name", "nominate", "elect", "choose", "select", "designate", "install", "promote", "make",
            "reappoint", "re-elect", "swear", "confirm", "tap", "pick"}
#: Verbs whose object is an office: "held the post of X", "assumes the role of X".
_TAKE_OFFICE = {"hold", "assume", "take", "occupy", "retain", "keep", "fill", "inherit", "accept"}
_OFFICE_NOUNS = {"post", "posts", "office", "offices", "position", "portfolio", "job", "role", "seat"}


def _copula_subject(verb: Token, idx: EntityIndex) -> str | None:
    """Who a copula or appointment verb is about: its subject, a resolved pronoun, the antecedent
    of "who", or — for "After serving as ..., he became ..." — the subject of the clause it hangs from."""
    v = verb
    for _ in range(3):
        for c in v.children:
            if c.dep_ not in {"nsubj", "nsubjpass"}:
                continue
            m = idx.at(c.i)
            if m is not None and m.kind is Kind.PERSON:
                return m.key
            if c.lower_ in {"he", "she"}:
                return idx.resolve_pronoun(c)
            if c.lower_ == "who" and v.dep_ == "relcl":
                head = idx.at(v.head.i)
                return head.key if head is not None and head.kind is Kind.PERSON else None
            return None
        if v.dep_ in {"advcl", "xcomp", "conj", "pcomp"} and v.head.i != v.i:
            v = v.head if v.dep_ != "pcomp" else v.head.head
        else:
            return None
    return None


def _role_span(target: Token) -> list[Token]:
    toks = [t for t in target.subtree if t.text not in {",", ";"} and (t is target or t.dep_ not in {"conj", "cc"})
            and not any(a.dep_ == "conj" and a.i > target.i and a in target.subtree for a in t.ancestors)]
    return [t for t in toks if t.i <= target.i + 6]


def _copula_complements(verb: Token) -> tuple[list[list[Token]], bool]:
    """Role phrases a verb gives its subject ("became chancellor", "served as X and Y", "held the
    offices of A, B and C") and whether they are past ("served as", "held")."""
    former = verb.lemma_ in _LEAVE  # "stepping down as health secretary", "resigned as"
    if any(c.dep_ == "neg" for c in verb.children) or any(c.lower_ == "longer" for c in verb.children):
        former = True  # "now he is not home secretary", "is no longer minister"
    if verb.lemma_ in {"serve", "hold", "occupy"}:
        former = verb.tag_ in {"VBD", "VBN"} or ((verb.tag_ == "VBG" and verb.head.lower_ in {"after", "before"})
                                                  or any(c.lower_ in {"after", "before"} for c in verb.children))
        former = former and not any(c.lemma_ == "continue" for c in verb.ancestors)
        if any(c.dep_ == "aux" and c.lower_ in {"has", "have"} for c in verb.children) and any(
                t.lower_ == "since" for t in verb.subtree):
            former = False  # "has served as foreign minister since 2020": still does
    targets: list[Token] = []
    for c in verb.children:
        if c.dep_ in {"attr", "oprd", "acomp", "xcomp"} and verb.lemma_ not in _TAKE_OFFICE:
            targets.append(c)
        elif c.dep_ == "conj" and c.pos_ == "NOUN" and _role_head(c) and verb.lemma_ in {"serve", "be", "become"} \
                and any(t.dep_ in {"attr", "prep"} for t in verb.children):
            targets.append(c)  # "served as prime minister from 2007 to 2014, and president of X"
        elif c.dep_ == "prep" and c.lower_ == "as" and not any(g.lower_ in {"such", "well"} for g in c.children):
            targets += [g for g in c.children if g.dep_ == "pobj"]
        elif c.dep_ == "dobj" and verb.lemma_ in _TAKE_OFFICE:
            # "held the post of X", "held each of the offices of A, B and C", "assumes the role of X"
            for t in c.subtree:
                if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lower_ in _OFFICE_NOUNS:
                    targets.append(t)
    out: list[list[Token]] = []
    for target in targets:
        for t in [target, *[x for x in target.conjuncts if x.i > target.i]]:
            if t.lower_ in ROLE_NOUNS or t.lower_.rstrip("s") in ROLE_NOUNS:
                out.append(_role_span(t))
    return out, former


def _copula_posts(doc: Doc, idx: EntityIndex) -> list[tuple[str, list[Token], bool, Token]]:
    """(holder key, role tokens, former, verb) for every copula or appointment verb with a known subject."""
    out = []
    pos = pos_tags(doc)
    for i in range(len(doc)):
        if pos[i] not in {"VERB", "AUX"}:
            continue
        verb = doc[i]
        if verb.lemma_ in _NOT_A_POST or not (
                verb.lemma_ in _COPULA or verb.lemma_ in _TAKE_OFFICE
                or any(c.dep_ == "prep" and c.lower_ == "as" for c in verb.children)):
            continue
        phrases, former = _copula_complements(verb)
        if not phrases or _hypothetical(verb):
            continue
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)
        # "Petro appointed Murillo as foreign minister": the post is the object's, never the subject's
        holder = (_object_person(verb, idx) if verb.lemma_ in _APPOINT and not passive
                  else _copula_subject(verb, idx))
        if holder is None:
            continue
        if verb.lemma_ not in _COPULA | _TAKE_OFFICE and _object_person(verb, idx) is not None:
            continue  # "praised X as a trusted adviser": an "as" after an object describes the object
        theirs = [toks for toks in phrases if _someone_elses(toks)]
        phrases = [toks for toks in phrases if not _someone_elses(toks)]
        companion = _with_person(verb, idx) if theirs else None
        if companion is not None and companion != holder:
            # "was sworn in with Y as his vice president": Y's post
            out += [(companion, toks, False, verb) for toks in theirs]
        out += [(holder, toks, former, verb) for toks in phrases]
        if verb.lemma_ in {"replace", "succeed"} and not passive:
            # "Kaya replaces Demir as interior minister": Demir held it before
            predecessor = _object_person(verb, idx)
            if predecessor is not None and predecessor != holder:
                out += [(predecessor, toks, True, verb) for toks in phrases]
    lemmas = lemma_lowers(doc)
    for i in range(len(doc)):
        if lemmas[i] != "be" and lemmas[i] not in _APPOINTMENT_NOUNS:
            continue  # (what either rule needs first)
        tok = doc[i]
        out += _inverted_copula(tok, idx)
        out += _appointment_noun(tok, idx)
    return out


def _hypothetical(verb: Token) -> bool:
    """ "asked if he would quit as leader", "whether she could become chair": no fact either way."""
    if any(c.dep_ == "aux" and c.lower_ in {"would", "could", "might", "may", "should"} for c in verb.children):
        return True
    v = verb
    for _ in range(3):
        if any(c.dep_ == "mark" and c.lower_ in {"if", "whether", "unless"} for c in v.children):
            return True
        if v.head.i == v.i:
            break
        v = v.head
    return False


def _split_coordinated(toks: list[Token]) -> list[list[Token]]:
    """ "deputy prime minister and defense minister" → two roles; "Energy and Mines Minister" stays
    one (its left side has no role noun of its own)."""
    for k, t in enumerate(toks):
        if t.lower_ != "and" or k == 0 or k + 1 >= len(toks):
            continue
        left, right = toks[:k], toks[k + 1:]
        if _role_head(left[-1]) and any(_role_head(x) for x in right) and right[0].pos_ != "DET" \
                and not any(x.lower_ in {"of", "for"} for x in left):
            return [left, *_split_coordinated(right)]
    return [toks]


def _someone_elses(toks: list[Token]) -> bool:
    """ "sworn in ... with Y as his vice president": a role owned by a pronoun ("his", "her") is a
    post of somebody else in that person's service, not the subject's own."""
    return any(t.dep_ == "poss" and t.lower_ in {"his", "her", "their"} and _role_head(t.head) for t in toks)


def _with_person(verb: Token, idx: EntityIndex) -> str | None:
    """The person of a verb's "with X" ("sworn in with X as his deputy")."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "with":
            for t in c.subtree:
                m = idx.at(t.i)
                if m is not None and m.kind is Kind.PERSON and t.dep_ in {"pobj", "appos"}:
                    return m.key
    return None


def _object_person(verb: Token, idx: EntityIndex) -> str | None:
    """The person a verb takes as its direct object ("appointed [Murillo]")."""
    for c in verb.children:
        if c.dep_ == "dobj":
            m = idx.at(c.i)
            if m is not None and m.kind is Kind.PERSON:
                return m.key
    return None


def _inverted_copula(verb: Token, idx: EntityIndex) -> list[tuple[str, list[Token], bool, Token]]:
    """ "The new finance minister is Mehmet Simsek": the role is the subject, the name the attribute."""
    if verb.lemma_ != "be" or any(c.dep_ == "neg" for c in verb.children):
        return []
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    attr = next((c for c in verb.children if c.dep_ == "attr"), None)
    if subj is None or attr is None or not _role_head(subj) or subj.tag_ in {"NNS", "NNPS"}:
        return []
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children) and not any(
            c.dep_ == "poss" for c in subj.children):
        return []  # "the new X is Y", "Estonia's new prime minister is Y": a definite role
    m = idx.at(attr.i)
    if m is None or m.kind is not Kind.PERSON or not m.key:
        return []
    return [(m.key, _role_span(subj), False, verb)]


#: Nouns of appointment whose "of X ... as Y" gives X the post Y.
_APPOINTMENT_NOUNS = {"appointment", "nomination", "election", "selection", "naming", "confirmation", "promotion",
                      "elevation", "installation", "designation"}


def _appointment_noun(noun: Token, idx: EntityIndex) -> list[tuple[str, list[Token], bool, Token]]:
    """ "the appointment of Sugiono, a former soldier, as foreign minister"."""
    if noun.lemma_ not in _APPOINTMENT_NOUNS or noun.pos_ != "NOUN":
        return []
    holder = None
    targets: list[Token] = []
    for t in noun.subtree:
        if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.i == noun.i:
            m = idx.at(t.i)
            if m is not None and m.kind is Kind.PERSON:
                holder = m.key
        if t.dep_ == "pobj" and t.head.lower_ == "as" and _role_head(t):
            targets.append(t)
    if holder is not None and not targets and noun.dep_ in {"dobj", "pobj"}:
        verb = noun.head if noun.dep_ == "dobj" else noun.head.head
        targets = [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"
                   for g in c.children if g.dep_ == "pobj" and _role_head(g)]  # "citing the appointment of X ... as Y"
    if holder is None or len(targets) != 1:
        return []
    return [(holder, _role_span(targets[0]), False, noun)]


def extract_posts(doc: Doc, idx: EntityIndex, gaz: Gazetteer) -> list[PostClaim]:
    posts: list[PostClaim] = []
    year = reference_year(doc, doc._.ng_published if doc.has_extension("ng_published") else None)
    seen: set[tuple] = set()
    markers: set[int] = set()  # tokens that gave a post its country ("U.S." in "U.S. Secretary ...")
    unplaced: set[int] = set()  # ids of claims whose role names a nationality the gazetteer cannot place
    predicated: set[int] = set()  # ids of claims read off a verb, not a title next to the name
    owners: dict[int, str] = {}  # name start → the person whose official it is ("his foreign minister X")
    served: dict[int, str] = {}  # claim id → that person
    for m in idx.mentions:
        if m.kind is not Kind.PERSON or not m.key:
            continue
        candidates: list[tuple[list[Token], float, bool]] = []
        title = _title_before(doc, m, idx, gaz)
        if title:
            candidates.append((title, 0.85, False))
            owner_tok = doc[title[0].i - 1] if title[0].i > 0 else None
            if owner_tok is not None and owner_tok.lower_ in {"his", "her"}:
                # "Accompanied by his foreign minister X": a minister of his government
                owner = idx.resolve_pronoun(owner_tok, {m.key})
                if owner is not None:
                    owners[m.start] = owner
        after = _apposition_after(doc, m, idx)
        if after:
            candidates.append((after, 0.8, False))
        before = _apposition_before(doc, m, idx, gaz)
        if before:
            candidates.append((before, 0.7, False))
        if candidates and dismissed(doc, m.start, m.end):
            candidates = [(toks, conf, True) for toks, conf, _ in candidates]
        candidates = [(part, conf, f) for toks, conf, f in candidates for part in _split_coordinated(toks)]
        for toks, conf, forced_former in candidates:
            parsed = parse_role_tokens(toks, idx, gaz)
            if parsed is None:
                continue
            markers.update(parsed.country_tokens)
            claim = _claim(parsed, m, doc, idx, gaz, conf, forced_former)
            if parsed.unplaced:
                unplaced.add(id(claim))
            if m.start in owners and title and title[0].i <= toks[0].i and toks[-1].i <= title[-1].i:
                served[id(claim)] = owners[m.start]
            k = (claim.holder, claim.role.lower(), claim.status)
            if k in seen:
                continue
            seen.add(k)
            posts.append(claim)
    by_key = {m.key: m for m in idx.mentions if m.kind is Kind.PERSON}
    copula = [(h, part, f, v) for h, toks, f, v in _copula_posts(doc, idx) for part in _split_coordinated(toks)]
    for holder, toks, former, verb in copula:
        parsed = parse_role_tokens(toks, idx, gaz)
        if parsed is None or holder not in by_key:
            continue
        former = former or past_by_date(verb, toks, year)
        markers.update(parsed.country_tokens)
        claim = _claim(parsed, by_key[holder], doc, idx, gaz, 0.7, former)
        if parsed.unplaced:
            unplaced.add(id(claim))
        predicated.add(id(claim))
        claim.evidence = sentence_evidence(toks[0].sent)
        k = (claim.holder, claim.role.lower(), claim.status)
        if k not in seen:
            seen.add(k)
            posts.append(claim)
    _listed(doc, idx, gaz, posts, seen)
    posts += _counterparts(doc, idx, gaz, posts, seen)
    mark_past(posts, dead_holders(doc, idx))
    _serving_countries(posts, served)
    _fill_countries(posts, doc, idx, gaz, markers, unplaced, predicated)
    british_chancellors(posts, idx)
    return dedupe_by_concept(posts)


def _listed(doc: Doc, idx: EntityIndex, gaz: Gazetteer, posts: list[PostClaim], seen: set[tuple]) -> None:
    """Posts of line-ups: "Presidents A (Ghana) and B (Togo)", "the presidents of X and Y, A and B"."""
    for lp in bracket_lists(doc, idx, gaz) + respective_lists(doc, idx, gaz):
        status = Status.FORMER if lp.former else Status.CURRENT
        country = idx.country_entity(lp.country, gaz)
        k = (lp.holder, lp.role.lower(), status)
        if k in seen:
            for p in posts:
                if (p.holder, p.role.lower(), p.status) == k and not p.country and not p.organization:
                    p.country = country
            continue
        seen.add(k)
        posts.append(PostClaim(holder=lp.holder, role=lp.role, evidence=sentence_evidence(doc[lp.sentence_token].sent),
                               country=country, status=status, confidence=0.7))


def _counterparts(doc: Doc, idx: EntityIndex, gaz: Gazetteer, posts: list[PostClaim],
                  seen: set[tuple]) -> list[PostClaim]:
    """ "his Russian counterpart Sergey Lavrov": Lavrov holds the Russian twin of his host's post.

    The role is the possessor's (resolved through the pronoun to the last person named before),
    the country the adjective's; nothing is claimed when the possessor has no post here.
    """
    out: list[PostClaim] = []
    for m in idx.mentions:
        if m.kind is not Kind.PERSON or not m.key:
            continue
        root = doc[m.start:m.end].root
        noun = root.head if root.dep_ in {"appos", "compound"} else None
        country = None
        if noun is None or noun.lemma_ != "counterpart":
            noun, country = _counterpart_from(doc, m, idx)
            if noun is None:
                continue
        poss = [c for c in noun.children if c.dep_ == "poss"]
        if not poss:
            continue
        other = idx.key_at(poss[0].i) or (
            idx.resolve_pronoun(poss[0], {m.key}) if poss[0].lower_ in {"his", "her"} else None)
        role_posts = [p for p in posts if p.holder == other and p.status is Status.CURRENT]
        if not role_posts:
            continue
        country = country or next((country_of(c, gaz) for c in noun.children
                                   if c.dep_ == "amod" and country_of(c, gaz)), None)
        k = (m.key, role_posts[0].role.lower(), Status.CURRENT)
        if k in seen:
            continue
        seen.add(k)
        out.append(PostClaim(holder=m.key, role=role_posts[0].role, evidence=sentence_evidence(doc[m.start].sent),
                             role_type=role_posts[0].role_type, organization=None,
                             country=idx.country_entity(country, gaz) if country else None,
                             status=Status.CURRENT, confidence=0.6))
    return out


def _names_holder(idx: EntityIndex, org: str, holder: str | None) -> bool:
    """Whether an organization entity is only the holder's own name mis-typed ("Chair (Alan Gibbs)")."""
    body, person = idx.entities.get(org), idx.entities.get(holder or "")
    if body is None or person is None:
        return False
    names = {fold(n) for n in (person.name, *person.aliases)}
    return bool({fold(n) for n in (body.name, *body.aliases)} & names)


def _counterpart_from(doc: Doc, m: Mention, idx: EntityIndex) -> tuple[Token | None, str | None]:
    """ "his counterparts from Argentina, A; from Uruguay, B": the "counterpart" noun a name in such
    a list hangs from, and the name's country."""
    if m.start < 3 or doc[m.start - 1].text != ",":
        return None, None
    place = idx.at(m.start - 2)
    if place is None or place.kind is not Kind.COUNTRY or not place.key or place.start < 1 \
            or doc[place.start - 1].lower_ != "from":
        return None, None
    lo = max(doc[m.start].sent.start, m.start - 40)
    i = place.start - 2
    while i >= lo:
        if doc[i].lemma_ == "counterpart":
            return doc[i], idx.entities[place.key].name
        other = idx.at(i)
        if doc[i].pos_ == "VERB":
            break
        if other is not None and other.kind is Kind.PERSON:
            if doc[other.end].text not in {";", ","}:
                break  # a name outside the list
            i = other.start
        i -= 1
    return None, None


def _claim(parsed: RoleParse, m: Mention, doc: Doc, idx: EntityIndex, gaz: Gazetteer, conf: float,
           forced_former: bool) -> PostClaim:
    org = parsed.organization
    country = parsed.country
    if not country and m.end + 1 < len(doc) and doc[m.end].lower_ == "of":
        after = idx.at(m.end + 1)  # "Energy Minister Javier Espinosa of Ecuador"
        if after is not None and after.kind is Kind.COUNTRY and after.key:
            country = idx.entities[after.key].name
        elif after is None:  # the model missed the name: "... of Colombia", "... of Trinidad-Tobago"
            for width in (3, 2, 1):
                found = gaz.country(doc[m.end + 1:m.end + 1 + width].text) if m.end + width < len(doc) else None
                if found is not None:
                    country = found.name
                    break
    if org is not None and _names_holder(idx, org, m.key):
        org = None  # "Chair (Alan Gibbs)": a post never names its holder as its own organization
    if parsed.party is not None and (not country or country == parsed.party[1]):
        party_name, party_country = parsed.party
        country = country or party_country
        org = org or idx.add_organization(party_name, country=idx.country_entity(party_country, gaz),
                                          org_type="party")
    if org and not country:
        ent = idx.entities.get(org)
        if ent is not None and ent.country:
            country = idx.entities[ent.country].name
    if not country and not org:
        country = role_country(parsed.role)
    return PostClaim(
        holder=m.key or "",
        role=parsed.role,
        evidence=sentence_evidence(doc[m.start].sent),
        organization=org,
        country=idx.country_entity(country, gaz) if country else None,
        status=Status.FORMER if (parsed.former or forced_former) else Status.CURRENT,
        confidence=conf,
    )


def _serving_countries(posts: list[PostClaim], served: dict[int, str]) -> None:
    """ "his foreign minister X": X's post is in the country of his own (one country only)."""
    for p in posts:
        owner = served.get(id(p))
        if owner is None or p.country or p.organization:
            continue
        theirs = {q.country for q in posts if q.holder == owner and q.country}
        if len(theirs) == 1:
            p.country = theirs.pop()


def _fill_countries(posts: list[PostClaim], doc: Doc, idx: EntityIndex, gaz: Gazetteer,
                    markers: set[int], unplaced: set[int], predicated: set[int]) -> None:
    """Give country-less posts the country of their sentence's other posts, else the article's.

    A post whose own wording names a nationality the gazetteer cannot place ("Soviet Premier")
    takes no other post's country: the article's home country would make it a post of the wrong
    state."""
    held = [p for p in posts if id(p) in unplaced]
    posts = [p for p in posts if id(p) not in unplaced]
    for p in held:
        ent = idx.entities.get(p.holder)
        country = known_country(gaz, ent.name, p.role) if ent is not None else None
        if country is not None:
            p.country = idx.country_entity(country, gaz)
    for p in posts:  # the country of the position the gazetteer says the holder held
        if not p.country and not p.organization:
            ent = idx.entities.get(p.holder)
            country = known_country(gaz, ent.name, p.role) if ent is not None else None
            if country is not None:
                p.country = idx.country_entity(country, gaz)
    by_sentence: dict[int, list[PostClaim]] = {}
    for p in posts:
        by_sentence.setdefault(p.evidence.start, []).append(p)
    for group in by_sentence.values():
        # Lists name one government's officials after the first: "the head of Türkiye's MIT,
        # National Defense Minister Yasar Guler, and ..." — inherit forwards only.
        previous = None
        for p in group:
            if not p.country and previous and not p.organization and id(p) not in predicated:
                p.country = previous
                p.confidence = round(p.confidence - 0.1, 2)
            previous = p.country or previous
    # A person's other posts in the article say which country they serve ("Sikorski, an
    # ex-defence minister" after "Polish Foreign Minister Radoslaw Sikorski").
    by_holder: dict[str, set[str]] = {}
    for p in posts:
        if p.country:
            by_holder.setdefault(p.holder, set()).add(p.country)
    for p in posts:
        known = by_holder.get(p.holder, set())
        if not p.country and not p.organization and len(known) == 1:
            p.country = next(iter(known))
            p.confidence = round(p.confidence - 0.1, 2)
    # Nominal mentions elsewhere in the article say whose office it is: "Prime Minister Tony Blair"
    # ... "the British prime minister" (a name-less "the ADJ ROLE" phrase with one country).
    nominal = _nominal_countries(doc, idx, gaz)
    for p in posts:
        key = p.role.lower()
        if not p.country and not p.organization and len(nominal.get(key, set())) == 1:
            p.country = idx.country_entity(next(iter(nominal[key])), gaz)
            p.confidence = round(p.confidence - 0.1, 2)
    dominant = _dominant_country(doc, idx, gaz, markers)
    if dominant is None:
        return
    for p in posts:
        if not p.country and not p.organization:
            p.country = idx.country_entity(dominant, gaz)
            p.confidence = round(p.confidence - 0.2, 2)


def _dateline_country(doc: Doc, gaz: Gazetteer) -> str | None:
    """The country of a wire-story dateline ("TEHRAN, Jul. 14 (MNA) –", "ASTANA, July 4 -")."""
    for end in range(1, min(5, len(doc))):
        if doc[end].text in {",", "—", "–", "-", ":", "("}:
            head = doc[:end].text.strip()
            if head.isupper() or doc[end].text != ",":
                place = gaz.place(head)
                if place is not None and place.country_name:
                    return place.country_name
                country = gaz.country(head)
                return country.name if country else None
            return None
    return None


def _nominal_countries(doc: Doc, idx: EntityIndex, gaz: Gazetteer) -> dict[str, set[str]]:
    """Role wording → countries of name-less "the British prime minister"-style phrases."""
    out: dict[str, set[str]] = {}
    low = lowers(doc)
    for i in range(len(doc)):
        if low[i] != "the":
            continue
        tok = doc[i]
        j = tok.i + 1
        country = None
        while j < len(doc) and j < tok.i + 3:
            c = country_of(doc[j], gaz)
            if c is None:
                break
            country = c
            j += 1
        if country is None:
            continue
        k = j
        while k < len(doc) and k < j + 4 and not doc[k].is_punct and idx.at(k) is None \
                and (doc[k].lower_ in ROLE_NOUNS or doc[k].lower_ in ROLE_MODIFIERS
                     or doc[k].pos_ in {"NOUN", "PROPN"}):
            k += 1
        if k == j or doc[k - 1].lower_ not in ROLE_NOUNS or (k < len(doc) and idx.at(k) is not None):
            continue  # a name follows: that is a title, not a nominal mention
        out.setdefault(doc[j:k].text.lower(), set()).add(country)
    return out


def _dominant_country(doc: Doc, idx: EntityIndex, gaz: Gazetteer, markers: set[int]) -> str | None:
    """The country whose officials need no nationality in this article: its "home" country.

    Wire copy marks foreign officials ("U.S. Secretary of State Antony Blinken") and leaves the
    home country's bare ("Foreign Minister Toshimitsu Motegi"), so the country words that mark a
    post are left out of the count; the rest — names, adjectives, capitals — are counted.
    """
    counts: Counter[str] = Counter()  # type: ignore[assignment]  # float weights
    dateline = _dateline_country(doc, gaz)
    if dateline is not None:
        counts[dateline] += 2  # "TEHRAN, Jul. 14 (MNA) –": the story is filed from there
    marked: Counter[str] = Counter()
    ents = ent_types(doc)
    for i in range(len(doc)):
        if ents[i] not in {"GPE", "NORP", "ORG"}:
            continue  # no country read off it below
        tok = doc[i]
        inside = idx.at(tok.i)
        if inside is not None and inside.kind is Kind.COUNTRY and inside.end - inside.start > 1:
            continue  # a word of a longer country name: "Sudan" in "South Sudan" is not Sudan
        c = country_of(tok, gaz) if tok.ent_type_ in {"GPE", "NORP", "ORG"} else None
        if not c:  # ORG: "US Congress", "Iranian Foreign Ministry"
            continue
        if tok.i in markers:
            marked[c] += 1
        else:
            counts[c] += 1
    for m in idx.mentions:
        signal = COUNTRY_SIGNALS.get(m.text.lower().removeprefix("the ")) if m.kind is not Kind.PERSON else None
        if signal is not None:
            counts[signal] += 1  # "the Commons", "the White House"
        if m.kind is Kind.PLACE and m.key:
            place = idx.entities.get(m.key)
            if place is not None and place.country:
                counts[idx.entities[place.country].name] += 0.5  # "Washington" says less than "U.S."
    if not counts and not marked:
        return None
    (top, n), *rest = [*counts.most_common(2), ("", 0)]
    runner_up = rest[0][1] if rest else 0
    if n >= 2 and n > runner_up:
        return top
    # An article about one country's officials marks them all ("Polish prime minister", "the
    # Polish president"): with no other country named (a city abroad aside), that one is home.
    if len(marked) == 1 and sum(marked.values()) >= 2:
        home = next(iter(marked))
        if all(v < 1 for c, v in counts.items() if c != home):
            return home
    return None
