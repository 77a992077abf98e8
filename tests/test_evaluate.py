"""`newsgraph eval`: the scorer's rules on hand-made rows, and a real run over a bundled sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsgraph
from newsgraph.cli import main
from newsgraph.evaluate import role_overlap, score

GOLD = {
    "a1": {
        "id": "a1",
        "persons": [
            {"name": "Hakan Fidan", "aliases": ["Fidan"]},
            {"name": "Sergey Lavrov", "aliases": ["Lavrov"]},
            {"name": "Mr Nobody", "aliases": [], "optional": True},
        ],
        "organizations": [{"name": "BRICS", "aliases": []}],
        "posts": [
            {"person": "Hakan Fidan", "role": "Foreign Minister", "role_alts": ["Minister of Foreign Affairs"],
             "organization": None, "country": "Türkiye", "status": "current"},
            {"person": "Sergey Lavrov", "role": "Defence Minister", "role_alts": [], "organization": None,
             "country": "Russia", "status": "former"},
        ],
        "meetings": [{"participants": ["Hakan Fidan", "Sergey Lavrov"]}],
        "memberships": [{"member": "Egypt", "organization": "BRICS"},
                        {"member": "Iran", "organization": "BRICS", "optional": True}],
    }
}


def rows(**by_query: list[dict]) -> dict[str, dict[str, list[dict]]]:
    out = {q: {} for q in ("persons", "organizations", "posts", "meetings", "memberships")}
    for q, rs in by_query.items():
        out[q] = {"a1": [{"article": "a1", **r} for r in rs]}
    return out


def test_second_entity_for_one_person_is_a_false_positive() -> None:
    report = score(GOLD, rows(persons=[{"label": "Hakan Fidan"}, {"label": "Fidan"}, {"label": "S. Lavrov"}]))
    s = report.scores["persons"]
    assert (s.tp, s.fp, s.fn) == (2, 1, 0)
    assert ("a1", "persons", "duplicate", "Fidan") in report.misses


def test_optional_items_count_neither_way() -> None:
    report = score(GOLD, rows(persons=[{"label": "Mr Nobody"}, {"label": "Hakan Fidan"}, {"label": "Lavrov"}],
                              memberships=[{"member": "Egypt", "organization": "BRICS"},
                                           {"member": "Iran", "organization": "BRICS"}]))
    p = report.scores["persons"]
    assert (p.tp, p.fp, p.fn) == (2, 0, 0)
    m = report.scores["memberships"]
    assert (m.tp, m.fp, m.fn) == (1, 0, 0)


def test_post_full_match_needs_country_and_status() -> None:
    report = score(GOLD, rows(posts=[
        {"person": "Fidan", "role": "Minister of Foreign Affairs", "organization": None, "country": "Turkey",
         "status": "current"},
        {"person": "Lavrov", "role": "defense minister", "organization": None, "country": "Russia",
         "status": "current"},
    ]))
    assert report.scores["posts_holder_role"].tp == 2
    full = report.scores["posts_full"]
    assert (full.tp, full.fp, full.fn) == (1, 1, 1)  # Lavrov's post is former in the gold


def test_role_overlap_folds_usual_synonyms() -> None:
    assert role_overlap("Defence Secretary", ["defense secretary"]) == 1.0
    assert role_overlap("head", ["Director"]) == 1.0
    assert role_overlap("economist", ["Foreign Minister"]) == 0.0


def test_meetings_score_as_pairs() -> None:
    report = score(GOLD, rows(meetings=[
        {"meeting": "m1", "participant": "Hakan Fidan"}, {"meeting": "m1", "participant": "Sergey Lavrov"},
        {"meeting": "m1", "participant": "Someone Else"},
    ]))
    s = report.scores["meeting_pairs"]
    assert (s.tp, s.fp, s.fn) == (1, 2, 0)


def test_eval_command_scores_a_sample_article(tmp_path: Path) -> None:
    sample = Path(newsgraph.__file__).parent / "samples" / "sample-blinken-beijing.txt"
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "sample-blinken-beijing.json").write_text(json.dumps({
        "id": "sample-blinken-beijing",
        "persons": [{"name": "Antony Blinken", "aliases": ["Blinken"]}, {"name": "Xi Jinping", "aliases": ["Xi"]},
                    {"name": "Wang Yi", "aliases": ["Wang"]}],
        "organizations": [],
        "posts": [{"person": "Antony Blinken", "role": "Secretary of State", "organization": None,
                   "country": "United States", "status": "current"}],
        "meetings": [{"participants": ["Antony Blinken", "Xi Jinping"]}],
        "memberships": [],
    }), encoding="utf-8")
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(main, ["eval", str(gold_dir), str(sample), "--json", str(out), "--verbose"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["metric", "P", "R", "F1", "tp", "fp", "fn"]
    figures = json.loads(out.read_text())
    assert figures["articles"] == 1
    assert figures["persons"]["f1"] == pytest.approx(1.0)
    assert figures["meeting_pairs"]["tp"] == 1
    assert figures["posts_holder_role"]["tp"] == 1


def test_eval_command_without_gold_files_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", str(tmp_path), str(tmp_path)])
    assert result.exit_code != 0
    assert "no gold" in result.output
