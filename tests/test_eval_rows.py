"""`newsgraph eval`'s rows are the shared scorer's: hand-computed figures on a made-up gold pair.

The expected counts below were worked out by hand from the definitions (eval/README.md of the
shared evaluation) and checked once against the shared scorer on the same rows; they cover the
corners where a reimplementation drifts: a gold participant who is no gold person, ties between
gold meetings, a split meeting, a body the gold does not list, optional items and not_facts.
"""

from __future__ import annotations

from typing import Any

import pytest

from newsgraph.evaluate import Report, score

GOLD = {
    "t1": {
        "id": "t1",
        "persons": [
            {"name": "Hakan Fidan", "aliases": ["Fidan"], "wikidata": "Q1"},
            {"name": "Sergey Lavrov", "aliases": ["Lavrov"], "wikidata": "Q2"},
            {"name": "Xi Jinping", "aliases": ["Xi"], "wikidata": "Q3"},
            {"name": "Mr Nobody", "aliases": [], "optional": True},
        ],
        "organizations": [
            {"name": "BRICS", "aliases": []},
            {"name": "North Atlantic Treaty Organization", "aliases": ["NATO"]},
            {"name": "Shanghai Cooperation Organisation", "aliases": ["SCO"]},
        ],
        "posts": [
            {"person": "Hakan Fidan", "role": "Foreign Minister", "organization": None, "country": "Türkiye",
             "status": "current"},
            {"person": "Sergey Lavrov", "role": "Foreign Minister", "organization": None, "country": "Russia",
             "status": "current"},
            {"person": "Xi Jinping", "role": "President", "organization": None, "country": "China",
             "status": "current"},
            {"person": "Sergey Lavrov", "role": "Defence Minister", "organization": None, "country": "Russia",
             "status": "former", "optional": True},
        ],
        "meetings": [
            {"participants": ["Hakan Fidan", "Sergey Lavrov"]},
            {"participants": ["Hakan Fidan", "Sergey Lavrov", "Xi Jinping"]},
            {"participants": ["Xi Jinping", "Unknown Envoy"], "optional": True},
        ],
        "memberships": [
            {"member": "Egypt", "organization": "BRICS"},
            {"member": "Iran", "organization": "BRICS"},
            {"member": "Türkiye", "organization": "North Atlantic Treaty Organization"},
            {"member": "Ethiopia", "organization": "BRICS", "optional": True},
        ],
        "not_facts": [{"kind": "membership", "member": "Turkey", "organization": "BRICS", "why": "invited only"}],
    },
    "t2": {
        "id": "t2",
        "persons": [{"name": "Emmanuel Macron", "aliases": ["Macron"]}],
        "organizations": [{"name": "European Union", "aliases": ["EU"]}],
        "posts": [{"person": "Emmanuel Macron", "role": "President", "organization": None, "country": "France",
                   "status": "current"}],
        "meetings": [{"participants": ["Emmanuel Macron", "Olaf Scholz"]}],
        "memberships": [{"member": "France", "organization": "European Union"}],
    },
}

ROWS = {
    "persons": [
        {"label": "Hakan Fidan", "wikidata": "http://www.wikidata.org/entity/Q1"},
        {"label": "Fidan"},
        {"label": "S. Lavrov", "wikidata": "Q9"},
        {"label": "Xi Jinping"},
        {"label": "Joe Bloggs"},
    ],
    "organizations": [{"label": "BRICS"}, {"label": "SCO"}, {"label": "Kremlin"}],
    "posts": [
        {"person": "Fidan", "role": "Minister of Foreign Affairs", "country": "Turkey", "status": "current"},
        {"person": "Lavrov", "role": "foreign minister", "country": "Russia", "status": "former"},
        {"person": "Xi Jinping", "role": "general secretary", "country": "China", "status": "current"},
        {"person": "Joe Bloggs", "role": "mayor", "country": None, "status": "current"},
    ],
    "meetings": [
        {"meeting": "m1", "participant": "Hakan Fidan"}, {"meeting": "m1", "participant": "Sergey Lavrov"},
        {"meeting": "m2", "participant": "Hakan Fidan"}, {"meeting": "m2", "participant": "Sergey Lavrov"},
        {"meeting": "m2", "participant": "Xi Jinping"},
        {"meeting": "m3", "participant": "Xi Jinping"}, {"meeting": "m3", "participant": "Joe Bloggs"},
        {"meeting": "m4", "participant": "Hakan Fidan"},
        {"meeting": "m5", "participant": "Fidan"}, {"meeting": "m5", "participant": "Lavrov"},
    ],
    "memberships": [
        {"member": "Egypt", "organization": "BRICS"}, {"member": "Turkey", "organization": "BRICS"},
        {"member": "Türkiye", "organization": "NATO"}, {"member": "Ethiopia", "organization": "BRICS"},
        {"member": "Egypt", "organization": "African Union"},
    ],
}

ROWS_T2 = {"meetings": [{"meeting": "m6", "participant": "Macron"}, {"meeting": "m6", "participant": "Olaf Scholz"}]}


def _rows() -> dict[str, dict[str, list[dict[str, Any]]]]:
    return {q: {"t1": [{"article": "t1", **r} for r in rs], "t2": [{"article": "t2", **r} for r in ROWS_T2.get(q, [])]}
            for q, rs in ROWS.items()}


@pytest.fixture(scope="module")
def report() -> Report:
    return score(GOLD, _rows())


@pytest.mark.parametrize(("row", "expected"), [
    # Fidan twice (duplicate), S. Lavrov by surname and initial, Joe Bloggs extra; Macron missed
    ("persons", (3, 2, 1)),
    # SCO by alias, Kremlin extra; NATO (not published) and the EU missed
    ("organizations", (2, 1, 2)),
    # Fidan's and Lavrov's roles match, Xi's and Bloggs's do not; Xi's and Macron's posts missed
    ("posts_holder_role", (2, 2, 2)),
    # only Fidan's in full: Lavrov's is current in the gold, not former
    ("posts_full", (1, 3, 3)),
    # the three pairs of the summit; Xi with Bloggs and Macron with Scholz (no gold person) are extra
    ("meeting_pairs", (3, 2, 0)),
    # m1 and m2 find the two gold meetings, m5 is a split, m3 and m6 are extra, t2's meeting missed
    ("meetings", (2, 3, 1)),
    # Ethiopia is optional; Turkey in BRICS and Egypt in an unlisted body are extra; Iran, France missed
    ("memberships", (2, 2, 2)),
    # Fidan's QID right; his second entity and Xi carry none, Lavrov's is wrong
    ("person_wikidata", (1, 1, 3)),
])
def test_row_counts(report: Report, row: str, expected: tuple[int, int, int]) -> None:
    s = report.scores[row]
    assert (s.tp, s.fp, s.fn) == expected


def test_figures_and_rows_in_the_shared_order(report: Report) -> None:
    assert list(report.scores) == ["persons", "organizations", "posts_holder_role", "posts_full",
                                   "meeting_pairs", "meetings", "memberships", "person_wikidata"]
    assert report.scores["meetings"].precision == pytest.approx(2 / 5)
    assert report.as_dict()["meetings"]["f1"] == pytest.approx(round(2 * 0.4 * (2 / 3) / (0.4 + 2 / 3), 3))


def _whats(report: Report, kind: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for (k, what), misses in report.grouped().items():
        if k == kind:
            out[what] = {m.detail for m in misses}
    return out


def test_post_errors_are_grouped_by_kind(report: Report) -> None:
    posts = _whats(report, "posts")
    assert any(d.startswith("published: Lavrov | foreign minister") for d in posts["wrong status"])
    assert any(d.startswith("published: Xi Jinping | general secretary") for d in posts["wrong role"])
    assert any("Emmanuel Macron | President" in d for d in posts["no post at all"])
    assert any(d.startswith("published: Joe Bloggs") for d in posts["extra"])


def test_wrong_organization_or_country_is_its_own_kind() -> None:
    gold = {"a": {"id": "a", "persons": [{"name": "Hakan Fidan"}], "organizations": [],
                  "posts": [{"person": "Hakan Fidan", "role": "Foreign Minister", "organization": None,
                             "country": "Türkiye", "status": "current"}],
                  "meetings": [], "memberships": []}}
    rows = {q: {} for q in ("persons", "organizations", "meetings", "memberships")}
    rows["posts"] = {"a": [{"person": "Hakan Fidan", "role": "Foreign Minister", "country": "Russia",
                            "status": "current"}]}
    rep = score(gold, rows)
    assert set(_whats(rep, "posts")) == {"wrong org or country"}
    assert (rep.scores["posts_holder_role"].tp, rep.scores["posts_full"].fp) == (1, 1)


def test_meeting_errors_are_grouped_by_kind(report: Report) -> None:
    meetings = _whats(report, "meetings")
    assert meetings["split meeting"] == {"Hakan Fidan, Sergey Lavrov"}
    assert meetings["extra meeting"] == {"Joe Bloggs, Xi Jinping", "Emmanuel Macron, Olaf Scholz"}
    assert meetings["missed meeting"] == {"Emmanuel Macron, Olaf Scholz"}
    # m1 (two people) was matched to the three-person summit: Xi is the participant it lacks
    assert meetings["missing participant"] == {"Xi Jinping — of: Hakan Fidan, Sergey Lavrov, Xi Jinping"}


def test_membership_the_gold_denies_says_why(report: Report) -> None:
    members = _whats(report, "memberships")
    assert members["denied by the text"] == {"Turkey in BRICS — gold: invited only"}
    assert members["wrong organization"] == {"Egypt in African Union"}
    assert members["missed"] == {"Iran in BRICS", "France in European Union"}


def test_verbose_text_heads_each_group_with_its_count(report: Report) -> None:
    text = report.misses_text()
    assert "meetings — split meeting (1)" in text.splitlines()
    assert text.index("persons —") < text.index("posts —") < text.index("memberships —")
