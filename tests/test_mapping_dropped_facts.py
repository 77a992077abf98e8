"""An inconsistent fact is dropped with a reason, never the whole article (``to_quads(on_problem=...)``).

Without ``on_problem`` the mapper still raises (``tests/test_mapping.py``): that is how tests see
an extractor bug. With it, as ingest calls it, the bad fact leaves no quad behind and the others
are exactly what they would have been without it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newsgraph.facts import Article, ArticleFacts, BlocMembership, Conflict, Entity, Evidence, Kind, Meeting, PostClaim
from newsgraph.mapping import DroppedFact, claim_iri, conflict_iri, to_quads
from newsgraph.vocab import RDFS

BASE = "http://example.org/"
RUN_AT = datetime(2024, 6, 10, 12, 0, tzinfo=UTC)
# Our own text; offsets index into it.
TEXT = "Foreign Minister Ayla Demir met Defence Minister Jonas Berg in Oslo on Tuesday."
SENT = Evidence(TEXT, 0, len(TEXT))


def base_facts() -> ArticleFacts:
    ents = [Entity("person:ayla-demir", Kind.PERSON, "Ayla Demir"),
            Entity("person:jonas-berg", Kind.PERSON, "Jonas Berg"),
            Entity("country:norway", Kind.COUNTRY, "Norway"),
            Entity("organization:nato", Kind.ORGANIZATION, "NATO", org_type="bloc")]
    return ArticleFacts(
        Article("a1", TEXT), {e.key: e for e in ents},
        posts=[PostClaim("person:ayla-demir", "Foreign Minister", SENT, country="country:norway")],
        meetings=[Meeting(["person:ayla-demir", "person:jonas-berg"], SENT)],
        memberships=[BlocMembership("country:norway", "organization:nato", SENT)],
        extractor="test")


def test_each_kind_of_bad_fact_is_dropped_with_its_reason_and_the_rest_is_unchanged() -> None:
    good = base_facts()
    expected = to_quads(good, BASE, generated_at=RUN_AT)
    bad = base_facts()
    bad.posts.append(PostClaim("person:nobody", "Minister", SENT))  # post 2: unknown holder
    bad.posts.append(PostClaim("country:norway", "Minister", SENT))  # post 3: held by a country
    bad.meetings.append(Meeting(["person:ayla-demir", "person:ayla-demir"], SENT))  # meeting 2: one person
    bad.meetings.append(Meeting(["person:ayla-demir", "person:jonas-berg"], Evidence("x", 9, 3)))  # meeting 3
    bad.memberships.append(BlocMembership("country:norway", "person:jonas-berg", SENT))  # membership 2
    bad.conflicts.append(Conflict(post=1, holder="Q1", position="Q2", note="post 2 was dropped"))
    bad.entities["organization:nato"].wikidata = "not-a-qid"
    dropped: list[DroppedFact] = []
    quads = to_quads(bad, BASE, generated_at=RUN_AT, on_problem=dropped.append)
    assert [(d.kind, d.ref) for d in dropped] == [("entity", "organization:nato"), ("post", "2"), ("post", "3"),
                                                  ("meeting", "2"), ("meeting", "3"), ("membership", "2"),
                                                  ("conflict", "1")]
    assert str(dropped[3]) == "dropped meeting 2: meeting 2 has fewer than two participants"
    assert "which was dropped" in dropped[-1].reason
    assert quads == expected  # nothing of the bad facts is left, and nothing else changed
    gone = {claim_iri(BASE, "a1", k, n).value for k, n in
            [("post", 2), ("post", 3), ("meeting", 2), ("meeting", 3), ("membership", 2)]}
    gone.add(conflict_iri(BASE, "a1", 1).value)
    assert not any(q.subject.value.split("#")[0] in gone for q in quads)


def test_a_dropped_post_takes_back_the_label_it_gave_its_post() -> None:
    """A later good claim on the same post labels it again: the label is not lost with the bad claim."""
    f = base_facts()
    f.posts = [PostClaim("person:ayla-demir", "Foreign Minister", Evidence("x", 5, 1), country="country:norway"),
               PostClaim("person:ayla-demir", "Foreign Minister", SENT, country="country:norway")]
    dropped: list[DroppedFact] = []
    quads = to_quads(f, BASE, generated_at=RUN_AT, on_problem=dropped.append)
    assert [(d.kind, d.ref) for d in dropped] == [("post", "1")]
    posts = {q.subject for q in quads if q.subject.value.startswith(f"{BASE}id/post/")}
    assert len(posts) == 1
    [post] = posts
    assert len([q for q in quads if q.subject == post and q.predicate == RDFS.label]) == 1
