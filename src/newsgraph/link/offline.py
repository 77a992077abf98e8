"""Linking: Wikidata identifiers for the entities and posts of an article, from the offline gazetteer.

A wrong link is worse than a missing one (it merges two people), so every link needs evidence, and
the evidence sets its confidence:

* countries, places and organizations link on an exact name, alias or acronym that the gazetteer
  gives one entry of the right kind (0.95); a national body (a party) on its exact name (0.9) or
  acronym (0.85) when the article's countries leave one candidate (see :func:`_link_body`);
* a person links on a full name (or alias) that names exactly one gazetteer person, or one person
  that the article's context singles out among namesakes. Context is a post claim of the article
  whose role and country match a position the person held, at the article's date when it has one
  (0.97); for an office holder, their country named in a story about politics (0.9); for a famous
  person or a one-sport registry player, words of their field of work in the article (0.9: a golf
  report does not take a broadcaster's name); having been head of state or government (0.85). A
  minister or legislator with no context does not link: among tens of thousands of office holders,
  namesakes (a golfer and a minister called David Frost) are common;
* a name the article spells differently from Wikidata ("Abdel-Fattah el-Sissi") links through the
  holders of the post the article gives, when one of them bears a close spelling (0.9);
* a bare surname ("Shoygu") links through a matching post claim, when exactly one gazetteer person
  with that surname fits it; with no post claim, only when exactly one bearer of the surname is of
  a country the article names and was its head of state or government ("Abbott", 0.85);
* an organization the blocs list lacks links to a body (party, agency, company, medium,
  university, team) on its name (0.9), alias or acronym (0.85) when one body fits: see
  :func:`_body_fits` for what a party, an acronym, one word or a name of common words needs, and
  :func:`_link_team` for a college's name in a sports report;
* a post claim links (``PostClaim.wikidata``) to the position its holder held with the claimed role
  in the claimed country, else to the one position of that role the country has.

When a linked person's claimed post names an organization that one gazetteer position of the same
role belongs to, and the person is not recorded as holding it but another position of that role, the
linker records a :class:`~newsgraph.facts.Conflict` (the seed article's "Naryshkin, head of the
Federal Security Service"); the claim stays as the article states it.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING

from newsgraph.facts import ArticleFacts, Conflict, Entity, Kind, PostClaim, Status, slugify
from newsgraph.link.gazetteer import Body, Gazetteer, Person, Position, normalize, notable
from newsgraph.link.lookup_cache import cached
from newsgraph.roles import role_type

if TYPE_CHECKING:
    from newsgraph.link.identity import IdentityIndex

MIN_CONFIDENCE = 0.8
_WORD = re.compile(r"[a-z][a-z'-]+")

#: Words of a Wikidata description that name a field of work ("English footballer" -> sport).
FIELD_TITLES: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "sport": "golfer footballer football soccer cricketer rugby tennis basketball baseball hockey athlete "
             "sprinter swimmer boxer wrestler cyclist jockey skater skier racing coach olympic quarterback "
             "pitcher runner gymnast snooker darts",
    "music": "singer songwriter singer-songwriter musician rapper band composer guitarist drummer pianist "
             "vocalist dj conductor",
    "screen": "actor actress comedian film television presenter screenwriter filmmaker model host "
              "broadcaster personality",
    "letters": "writer novelist author poet playwright essayist dramatist",
    "politics": "politician diplomat statesman stateswoman president minister senator governor activist",
    "business": "businessman businesswoman entrepreneur executive investor billionaire industrialist",
    "journalism": "journalist reporter columnist editor anchor commentator",
    "science": "physicist chemist biologist mathematician scientist economist astronomer engineer "
               "philosopher",
    "royalty": "king queen prince princess duke duchess monarch emperor empress royal",
    "religion": "pope bishop cardinal theologian priest imam rabbi",
}.items()}
#: Words of an article that show it is about a field.
FIELD_WORDS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "sport": "sport sports match season team club league tournament championship coach player players "
             "golf football soccer rugby cricket tennis basketball baseball hockey olympic olympics medal "
             "stadium scored goal goals innings wicket touchdown quarterback par birdie",
    "music": "music musical song songs album albums singer band concert concerts tour single chart charts "
             "grammy grammys lyrics rapper guitarist",
    "screen": "film films movie movies actor actress television tv show shows series episode starred "
              "starring role cast hollywood oscar oscars emmy emmys comedy comedian sitcom presenter",
    "letters": "book books novel novels author writer poet poem poems poetry playwright literary literature",
    "politics": "government minister ministers ministry president election elections parliament senator "
                "congress vote campaign political politician party cabinet diplomat diplomatic foreign defence "
                "defense security intelligence summit talks treaty sanctions embassy ambassador governor mayor",
    "business": "company companies business ceo firm shares investors investor founder corporation",
    "journalism": "journalist journalists reporter newspaper interview broadcaster editor columnist magazine",
    "science": "scientist scientists research researchers physicist study professor discovery theory",
    "royalty": "king queen prince princess royal royals duke duchess palace monarch throne",
    "religion": "pope church bishop cardinal religious faith priest imam mosque vatican",
}.items()}
#: One-field registries: the field their persons are in, and the words that field needs.
DOMAIN_FIELDS = {"baseball": "sport", "association football": "sport"}
DOMAIN_WORDS: dict[str, frozenset[str]] = {
    "baseball": frozenset("baseball mlb inning innings pitcher homer bullpen".split()),
    "association football": frozenset("football soccer footballer striker midfielder goalkeeper".split()),
}
LEADER_ROLES = frozenset({"head-of-state", "head-of-government"})


def _claim_role(claim: PostClaim) -> str | None:
    return claim.role_type or role_type(claim.role)


class _Context:
    """What the article says around its entities: countries named, and post claims per holder."""

    def __init__(self, facts: ArticleFacts, gaz: Gazetteer) -> None:
        self.facts = facts
        self.gaz = gaz
        self.day = facts.article.published.isoformat() if facts.article.published else None
        self.year = facts.article.published.year if facts.article.published else None
        self.iso: dict[str, str] = {}  # entity key -> ISO alpha-2, for country entities
        for ent in facts.entities.values():
            if ent.kind is Kind.COUNTRY and (c := gaz.country(ent.name)):
                self.iso[ent.key] = c.iso2
        self.countries = set(self.iso.values())
        for ent in facts.entities.values():
            if ent.country in self.iso:
                self.countries.add(self.iso[ent.country])
        self.words = frozenset(_WORD.findall(f"{facts.article.title or ''} {facts.article.text}".lower()))

    def claim_country(self, claim: PostClaim) -> str | None:
        key = claim.country
        if key is None and claim.organization and (org := self.facts.entities.get(claim.organization)):
            key = org.country
        return self.iso.get(key) if key else None

    def claims_of(self, key: str) -> list[PostClaim]:
        return [c for c in self.facts.posts if c.holder == key]

    def fits(self, person: Person, claim: PostClaim) -> list[Position]:
        """Positions ``person`` held that match the claim's role and country (and date, when known)."""
        role, country = _claim_role(claim), self.claim_country(claim)
        if role is None:
            return []
        out = []
        for t in person.held:
            pos = self.gaz.position(t.position)
            if pos is None or pos.role != role or (country and pos.country and pos.country != country):
                continue
            if self.day and claim.status is Status.CURRENT and not t.covers(self.day):
                continue
            out.append(pos)
        return out


def _leader(gaz: Gazetteer, person: Person) -> bool:
    """Head of state or government: famous enough to link on a full name alone."""
    return any((p := gaz.position(t.position)) is not None and p.role in LEADER_ROLES for t in person.held)


def person_fields(person: Person) -> set[str]:
    """The fields of work a person's Wikidata description names ("American singer-songwriter and
    actress" -> music, screen); a one-field registry's person has that registry's field."""
    fields = {f for f, words in FIELD_TITLES.items() if words & set(_WORD.findall((person.desc or "").lower()))}
    if person.domain:
        fields.add(DOMAIN_FIELDS.get(person.domain, person.domain))
    return fields


def _on_topic(ctx: _Context, person: Person) -> bool:
    """Whether the article is about the person's field: a golf report has golf words, so a famous
    broadcaster who shares a golfer's name is not linked from it. A registry person (a baseball
    player) needs the registry's own words ("baseball", "inning"), a notable any word of a field."""
    if person.domain:
        return bool(DOMAIN_WORDS.get(person.domain, frozenset({person.domain})) & ctx.words)
    return any(FIELD_WORDS[f] & ctx.words for f in person_fields(person) if f in FIELD_WORDS)


def _score(ctx: _Context, ent: Entity, person: Person) -> float:
    if any(ctx.fits(person, c) for c in ctx.claims_of(ent.key)):
        return 0.97
    if person.held and person.country and person.country in ctx.countries \
            and len(FIELD_WORDS["politics"] & ctx.words) >= 2:
        return 0.9  # an office holder of a country the article names, in an article about politics
    if (person.famous or person.domain) and _on_topic(ctx, person):
        return 0.9
    if _leader(ctx.gaz, person):
        return 0.85
    return 0.6


def _link_person(ctx: _Context, ent: Entity) -> tuple[Person, float] | None:
    names = [n for n in dict.fromkeys([ent.name, *sorted(ent.aliases)]) if " " in normalize(n)]
    candidates: dict[str, Person] = {}
    for n in names:
        for p in ctx.gaz.persons_named(n):
            candidates.setdefault(p.qid, p)
    if candidates:
        scored = sorted(((_score(ctx, ent, p), p) for p in candidates.values()), key=lambda t: -t[0])
        best, person = scored[0]
        if len(scored) > 1 and scored[1][0] >= best:
            return None  # namesakes the context cannot tell apart
        if len(scored) > 1 and best < 0.9:
            return None  # a namesake picked only for being a minister is a guess
        return (person, best) if best >= MIN_CONFIDENCE else None
    if (held := _holder_by_claim(ctx, ent)) is not None:
        return held, 0.9
    if names or " " in normalize(ent.name):
        return None
    claims = ctx.claims_of(ent.key)  # a bare surname: a post claim picks the person...
    bearers = ctx.gaz.persons_by_surname(ent.name)
    fitting = [p for p in bearers if any(ctx.fits(p, c) for c in claims)]
    if len(fitting) == 1:
        return fitting[0], 0.9
    if claims:
        return None
    # ...or, with no claim, being the only bearer of the surname from the article's countries, and a
    # head of state or government ("Abbott" in an article about Australia)
    local = [p for p in bearers if p.country and p.country in ctx.countries]
    return (local[0], 0.85) if len(local) == 1 and _leader(ctx.gaz, local[0]) else None


_PARTICLES = frozenset({"al", "el", "ad", "as", "ash", "bin", "ibn", "bint", "abu", "de", "da", "di", "do", "dos",
                        "du", "van", "von", "der", "den", "la", "le"})


@lru_cache(maxsize=8192)
def _name_tokens(name: str) -> tuple[str, ...]:
    """The folded words of a name without particles; kept per name, as the holders of a post are
    compared again for every article that gives someone that post."""
    return tuple(t for t in normalize(name).replace("-", " ").split() if t not in _PARTICLES)


@lru_cache(maxsize=65536)
def _similar(a: str, b: str) -> bool:
    """Two spellings of one name token: "sissi"/"sisi", "fuele"/"fule", "shoigu"/"shoygu".

    ``real_quick_ratio`` and ``quick_ratio`` are upper bounds of ``ratio`` (difflib's own idiom):
    most pairs of surnames fail on them, before the costly matching; the answer is the same.
    """
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    matcher = SequenceMatcher(None, a, b)
    return matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def _holder_by_claim(ctx: _Context, ent: Entity) -> Person | None:
    """The one holder of the post the article gives ``ent`` whose name is a spelling of ``ent``'s.

    Transliterated names vary ("Abdel-Fattah el-Sissi" / "Abdel Fattah el-Sisi"); an exact look-up
    misses them. The claimed post (role and country, at the article's date) leaves a handful of
    holders, among whom a close spelling of the surname, and of the given name when both have one,
    picks the person. Two such holders, or none, and nothing is linked.
    """
    mine = _name_tokens(ent.name)
    if len(mine) < 2:
        return None
    found: dict[str, Person] = {}
    for claim in ctx.claims_of(ent.key):
        role, country = _claim_role(claim), ctx.claim_country(claim)
        if role is None or country is None:
            continue
        for pos in ctx.gaz.positions_for(country, role):
            for person in ctx.gaz.holders(pos.qid):
                if person.qid in found or not ctx.fits(person, claim):
                    continue
                for name in person.names():
                    theirs = _name_tokens(name)
                    if len(theirs) >= 2 and _similar(mine[-1], theirs[-1]) and _similar(mine[0], theirs[0]):
                        found[person.qid] = person
                        break
    return next(iter(found.values())) if len(found) == 1 else None


#: Roles a country has one position of: a role and a country alone may name the position.
SINGLE_POST_ROLES = frozenset({
    "head-of-state", "head-of-government", "foreign-minister", "defence-minister", "interior-minister",
    "finance-minister", "justice-minister", "trade-minister", "economy-minister", "energy-minister",
    "health-minister", "education-minister",
})


def _link_post(ctx: _Context, claim: PostClaim, holder: Entity) -> None:
    """The Wikidata position the claim names: the article's post, whoever Wikidata says holds it."""
    role, country = _claim_role(claim), ctx.claim_country(claim)
    if role is None:
        return
    org = ctx.facts.entities.get(claim.organization) if claim.organization else None
    person = ctx.gaz.person(holder.wikidata) if holder.wikidata else None
    found: list[Position] = []
    if person is not None:
        found = list({p.qid: p for p in ctx.fits(person, claim)}.values())
        if org is not None:
            found = [p for p in found if _names_org(p, org)]
    confidence = 0.95
    if not found and country:
        found = ctx.gaz.positions_for(country, role)
        if org is not None:
            found = [p for p in found if _names_org(p, org)]
        elif role not in SINGLE_POST_ROLES:
            found = []
        confidence = 0.85
    if len(found) == 1:
        claim.wikidata, claim.link_confidence = found[0].qid, confidence


def _names_org(position: Position, org: Entity | None) -> bool:
    if org is None:
        return False
    names = {normalize(n) for n in (org.name, *org.aliases)}
    return any(f" {n} " in f" {normalize(label)} " for label in position.names() for n in names if n)


def _check_conflict(ctx: _Context, n: int, claim: PostClaim, holder: Entity) -> None:
    """The article's post for ``holder`` against the positions the gazetteer says they hold."""
    if claim.status is not Status.CURRENT or not holder.wikidata or not claim.organization:
        return
    person = ctx.gaz.person(holder.wikidata)
    org = ctx.facts.entities.get(claim.organization)
    role, country = _claim_role(claim), ctx.claim_country(claim)
    if person is None or org is None or role is None or country is None:
        return
    claimed = [p for p in ctx.gaz.positions_for(country, role) if _names_org(p, org)]
    if len(claimed) != 1:
        return
    held_now = [ctx.gaz.position(t.position) for t in person.held if t.covers(ctx.day)]
    same_role = [p for p in held_now if p is not None and p.role == role and (p.country in (None, country))]
    if same_role and claimed[0].qid not in {p.qid for p in same_role}:
        other = same_role[0]
        ctx.facts.conflicts.append(Conflict(
            post=n, holder=person.qid, position=other.qid,
            note=f"the article has {holder.name} as {claim.role} of {org.name} ({claimed[0].name}, "
                 f"{claimed[0].qid}); Wikidata has {person.name} ({person.qid}) as {other.name} ({other.qid})"))


def _body_fits(ctx: _Context, own: str | None, body: Body, text: str, by_acronym: bool) -> bool:
    """Whether ``body`` may be what the article's ``text`` names, by its country and by how much a
    name can say.

    A party needs the article's countries: "Conservative Party" is a party of a dozen countries, and
    so does a government body that no general list holds ("National Assembly", "Ministry of Health").
    A company, medium, university or team has a country only as a check: a different one named for
    the organization rules it out. An acronym must be three letters at least for a notable body
    ("AP", "ED" are too short), four for one from a registry of one kind and of the article's
    countries ("TPC" is a dozen things); a single word must be the body's own name and, from a
    registry, of a body of the article's countries (:meth:`Gazetteer.one_word_names`); a name of
    English words only must be the body's own ("Air Force" is no name of an academy) and, from a
    registry, of the article's countries ("Central Bank"). A university
    under a short name in a sports report is its team ("Florida State"), which is another item.
    """
    if body.type == "party":
        if body.countries:
            return own in body.countries if own else bool(set(body.countries) & ctx.countries)
        return not own and not by_acronym
    if own and body.countries and own not in body.countries:
        return False
    local = bool(set(body.countries) & ({own} if own else ctx.countries))
    generic = ctx.gaz.is_generic(text) and (body.pop or 0) < ctx.gaz.WORD_POP
    if by_acronym:
        letters = len(text.replace(".", ""))
        return not generic and ((letters >= 3 and notable(body)) or (letters >= 4 and local))
    if body.type == "government" and not (local or notable(body)):
        return False
    if body.type == "education" and normalize(text) != normalize(body.name) \
            and len(FIELD_WORDS["sport"] & ctx.words) >= 2:
        return False
    if " " not in normalize(text):
        if body.type == "media" and ctx.gaz.is_generic(text) and not local:
            return False  # every country has a "Times" and a "Post": "the Times" of a US story is not London's
        return ctx.gaz.one_word_names(body, text) and (local or notable(body))
    if generic:
        # a name of English words: the body's own, not an alias ("Air Force" for an academy), and
        # from a registry of one kind only for a body of the article's countries ("Central Bank")
        return body.is_own_name(text) and (local or notable(body))
    return True


def _country_spelled_out(gaz: Gazetteer, name: str) -> list[str]:
    """``name`` with a leading country acronym written out: "U.S. Department of Education" ->
    "United States Department of Education", the form Wikidata labels agencies by."""
    head, _, rest = name.partition(" ")
    country = gaz.country(head) if rest and head.replace(".", "").isupper() else None
    return [f"{country.name} {rest}"] if country is not None else []


def _link_body(ctx: _Context, ent: Entity) -> tuple[Body, float] | None:
    """The one body (party, agency, company, medium, university, team...) that the organization's
    name, else one of its aliases, names in the article's context; None when none or several fit.

    Among several that fit, those of the article's countries win, then those not dissolved by the
    article's year, then one far more popular than the rest (ten times the sitelinks: "CNN" the
    channel, not a shop of that name). An acronym match is worth less than a name match.
    """
    own = ctx.iso.get(ent.country) if ent.country else None
    if ent.country and own is None:
        return None  # a country the gazetteer does not know: nothing to check the body against
    for texts in ([ent.name, *_country_spelled_out(ctx.gaz, ent.name)], sorted(ent.aliases - {ent.name})):
        hits: dict[str, tuple[Body, bool]] = {}
        for text in texts:
            for body, by_acronym in ctx.gaz.bodies_named(text):
                if not _body_fits(ctx, own, body, text, by_acronym):
                    continue
                prev = hits.get(body.qid)
                hits[body.qid] = (body, by_acronym and (prev[1] if prev else True))
        fitting = list(hits.values())
        if len(fitting) > 1:
            local = [f for f in fitting if set(f[0].countries) & ({own} if own else ctx.countries)]
            fitting = local or fitting
        if len(fitting) > 1 and ctx.year:
            alive = [f for f in fitting if f[0].until is None or f[0].until >= ctx.year]
            fitting = alive or fitting
        if len(fitting) > 1:
            fitting.sort(key=lambda f: -(f[0].pop or 0))
            if (fitting[0][0].pop or 0) >= 10 * max(1, fitting[1][0].pop or 0):
                fitting = fitting[:1]
        if len(fitting) == 1:
            body, by_acronym = fitting[0]
            return body, 0.85 if by_acronym else 0.9
        if fitting:
            return None  # the name is a body's, but the context cannot tell which: no guess from aliases
    return None


#: Words that end a team's name and say its sport ("Florida State Seminoles football").
SPORT_NAMES = frozenset("football basketball baseball hockey soccer rugby lacrosse volleyball softball".split())


def _link_team(ctx: _Context, ent: Entity) -> tuple[Body, float] | None:
    """The team a sports report means by a college's or city's name ("Florida State" beat
    "Alabama"): the one team named that name plus a nickname and a sport the article speaks of,
    when the organization is no known body other than the college itself."""
    if len(FIELD_WORDS["sport"] & ctx.words) < 2 or any(b.type != "education" for b, _ in
                                                          ctx.gaz.bodies_named(ent.name)):
        return None
    fitting = [team for team, rest in ctx.gaz.teams_of(ent.name)
               if (sport := SPORT_NAMES.intersection(rest.split())) and sport <= ctx.words]
    return (fitting[0], 0.85) if len(fitting) == 1 else None


#: Body types whose names are generic across countries ("Ministry of Health", "Labour Party"): their
#: IRI carries the country, as the mapper does for national bodies.
NATIONAL_TYPES = frozenset({"party", "government"})


def _body_identity(gaz: Gazetteer, body: Body) -> str:
    """The IRI key of a linked body, from the gazetteer's name, so "Labour" and "the Labour Party"
    are one resource: ``{slug(country)}-{slug(name)}`` for national bodies as the mapper makes them,
    ``{slug(name)}`` for others, with ``-q123`` added when another body bears the same name."""
    slug = slugify(body.name)
    country = gaz.by_code(body.countries[0]) if len(body.countries) == 1 else None
    if body.type in NATIONAL_TYPES and country is not None:
        return slug if f"-{slugify(country.name)}-" in f"-{slug}-" else f"{slugify(country.name)}-{slug}"
    if any(b.qid != body.qid for b, by_acronym in gaz.bodies_named(body.name) if not by_acronym):
        return f"{slug}-{body.qid.lower()}"
    return slug


def _identity(gaz: Gazetteer, person: Person) -> str:
    """The IRI key of a linked person: ``slug(Wikidata label)``, so that "Fidan" in one article and
    "Hakan Fidan" in another are one resource, with ``-q123`` added when the gazetteer holds a
    namesake, so that two people of one name stay two."""
    slug = slugify(person.name)
    if any(p.qid != person.qid for p in gaz.persons_named(person.name)):
        slug = f"{slug}-{person.qid.lower()}"
    return slug


def link(facts: ArticleFacts, gaz: Gazetteer | None = None, identities: IdentityIndex | None = None) -> ArticleFacts:
    """Fill ``wikidata`` and ``link_confidence`` of entities and post claims where the gazetteer and
    the article's context allow, and record conflicts with the gazetteer; returns ``facts``.

    With ``identities`` (what the store already publishes, see :mod:`newsgraph.link.identity`), entities
    the gazetteer leaves unlinked also get their cross-article ``identity``: a bare surname joins the
    one published person its post claim fits, or stays local to the article.
    """
    archive = gaz or Gazetteer.load()
    # The look-ups by name through the process's cache (the one the extraction rules fill, in the
    # same process): the same answers, each name normalized and probed in SQLite once per process.
    gaz = cached(archive)
    ctx = _Context(facts, gaz)
    for ent in facts.entities.values():
        if ent.wikidata:
            continue
        found = None
        if ent.kind is Kind.COUNTRY:
            found = gaz.country(ent.name)
        elif ent.kind is Kind.PLACE:
            found = gaz.place(ent.name)
        elif ent.kind is Kind.ORGANIZATION:
            found = gaz.organization(ent.name)
            if found is None:
                found = next((o for a in sorted(ent.aliases) if (o := gaz.organization(a))), None)
            if found is not None and ent.country:  # "Russia's Security Council" is not the UN's
                found = None
            if found is None and (body := _link_body(ctx, ent) or _link_team(ctx, ent)) is not None:
                ent.wikidata, ent.link_confidence = body[0].qid, body[1]
                ent.identity = _body_identity(gaz, body[0])
                ent.org_type = ent.org_type or body[0].type
                continue
        elif ent.kind is Kind.PERSON:
            linked = _link_person(ctx, ent)
            if linked is not None:
                person = linked[0]
                ent.wikidata, ent.link_confidence = person.qid, linked[1]
                ent.identity = _identity(gaz, person)
            continue
        if found is not None and getattr(found, "qid", None):
            ent.wikidata, ent.link_confidence = found.qid, 0.95
    for n, claim in enumerate(facts.posts):
        holder = facts.entities.get(claim.holder)
        if holder is None:
            continue
        if not claim.wikidata:
            _link_post(ctx, claim, holder)
        _check_conflict(ctx, n, claim, holder)
    if identities is not None:
        # through the same cache: identity asks the gazetteer for the persons of a QID and of a
        # name again and again (each a SQLite query and a JSON record), the answers the rules got
        identities.resolve(facts, gaz)
    return facts
