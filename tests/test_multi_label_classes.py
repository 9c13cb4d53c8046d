"""Multi-label classification (#19) judged per class by every check that compares classes: one
set of comments, each with a set of emotions, with planted per-class defects (a class on two rows,
a class spelled two ways, a row's exact copy with another set) and clean controls (classes that
often come together, a word that goes with one class in several combinations). Each check reads
a row's classes from one place (`label_sets.label_classes`, `compared_classes`), so the findings
name classes, never combinations, and the verdict counts rows per class.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_jsonl

import dataqa

CHECKS = ["LBL001", "LBL002", "LBL003", "LBL006", "SIZE002", "COV001"]

ROWS = [
    ("Thank you so much, this made my whole week", ["gratitude", "joy"]),
    ("Thanks for the birthday wishes everyone", ["gratitude", "joy"]),
    ("Appreciate the quick fix on the login bug", ["gratitude"]),
    ("Thank you for sticking with the team all season", ["gratitude", "admiration"]),
    ("I adore how my grandmother tells stories", ["love", "joy"]),
    ("Love this song, it plays on repeat in my car", ["love"]),
    ("My dog curled up on my feet and I melted", ["love", "joy"]),
    ("What a brilliant goal from forty yards out", ["admiration", "joy"]),
    ("Her painting of the harbour is stunning", ["admiration"]),
    ("The bridge engineers did incredible work here", ["admiration"]),
    ("We finally closed on the house today", ["joy"]),
    ("So happy the rain stopped before the picnic", ["Joy"]),  # 12: LBL003, 'joy' spelled another way
    ("Grandpa passed away last night in his sleep", ["grief", "sadness"]),  # 13: grief, 1 of 2
    ("Still cannot believe she is gone, miss her every day", ["grief"]),  # 14: grief, 2 of 2
    ("The shop closed down and I lost my favourite cafe", ["sadness"]),
    ("Missed the last train home again tonight", ["sadness"]),
    ("My old phone finally died after seven years", ["sadness"]),
    ("Thanks for the birthday wishes everyone", ["gratitude"]),  # 18: LBL001, line 2 with another set
    ("Haha, that is the most terrifying thing I have read on this forum all week", ["amusement"]),
    ("Oh, that is the most terrifying thing I have read on this forum all week", ["fear", "surprise"]),
    ("haha my cat did the exact same thing to the christmas tree", ["amusement", "joy"]),
    ("haha that username is perfect", ["amusement", "joy"]),
    ("haha I needed that laugh today", ["amusement", "joy"]),
    ("haha this is the best reply in the whole thread", ["admiration", "amusement"]),
    ("haha no way he fell for the fake parcel twice", ["amusement", "joy"]),
    ("That meme about printers got me good", ["amusement"]),
    ("The way he slid off the chair was too funny", ["amusement"]),
    ("I am scared to drive over that bridge now", ["fear"]),
    ("That spider video gave me chills for hours", ["fear"]),
    ("Wait, they cancelled the whole season?", ["surprise"]),
    ("I did not expect that ending at all", ["surprise"]),
    ("That scratching noise in the attic at night is creepy", ["fear", "surprise"]),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder: Path = tmp_path_factory.mktemp("multi_label")
    path = write_jsonl(folder / "train.jsonl", [{"text": t, "labels": s} for t, s in ROWS])
    bars = {"min_per_class_production": 3, "min_per_class_poc": 3}
    return dataqa.scan(str(path), select=CHECKS, verdict=bars).to_dict()


def test_planted_per_class_defects_are_found_and_combinations_are_not(report: dict) -> None:
    """The copy with another set (LBL001), the variant spelling (LBL003) and the classes under the
    minimum (SIZE002: grief on two rows, the variant on one) are found, at their lines; classes that
    come together (joy with gratitude, love, admiration, amusement) are no conflict, no rare class,
    no imbalance, and "haha" explains the near pair [amusement] / [fear, surprise] (no LBL002)."""
    found = sorted((f["check_id"], tuple(loc["line"] for loc in f["locations"])) for f in report["findings"])
    assert found == [
        ("LBL001", (2, 18)),
        ("LBL003", (12,)),
        ("SIZE002", (12,)),
        ("SIZE002", (13, 14)),
    ], found
    messages = {f["check_id"] + str(f["locations"][0]["line"]): f["message"] for f in report["findings"]}
    assert '\'["gratitude","joy"]\' x1, \'["gratitude"]\' x1' in messages["LBL0012"]
    assert messages["LBL00312"].startswith("label(s) 'Joy' (1) look like variants of 'joy'")
    assert messages["SIZE00213"] == "class 'grief' has 2 training example(s), under the minimum of 3"


def test_the_classifier_check_says_why_it_is_skipped(report: dict) -> None:
    """LBL006 fits one class per row: on a set of classes per row it is skipped, with the reason."""
    lbl006 = next(c for c in report["checks"] if c["id"] == "LBL006")
    assert lbl006["status"] == "skipped" and "multi-label" in lbl006["reason"], lbl006


def test_the_verdict_counts_rows_per_class(report: dict) -> None:
    """The examples-per-class condition reads classes: its rarest is the one-row variant, not a
    combination (every combination of this set is on three rows or fewer)."""
    condition = next(c for c in report["conditions"] if c["name"] == "examples-per-class")
    assert not condition["passed"] and "'Joy' with 1" in condition["reason"], condition


def test_two_rows_labels_are_weighed_class_by_class() -> None:
    """`weighed_classes`: each class one row has and the other lacks, against the other's classes
    it lacks, or all of them when they are all its own too; one class a row in single-label data;
    an empty set (none of the classes applies) weighed as a class of its own."""
    from dataqa.checks.labels.base import weighed_classes

    assert weighed_classes("billing", "shipping") == [("billing", "shipping", False)]
    assert weighed_classes("[1]", "[14,26]") == [("1", "14", False), ("1", "26", False)]
    assert weighed_classes("[0,15]", "[15]") == [("0", "15", True)]
    assert weighed_classes("[15]", "[0,15]") == []  # nothing the first has that the second lacks
    assert weighed_classes("[3]", "[]") == [("3", "[]", False)]
    assert weighed_classes('["joy","love"]', '["joy","sadness"]') == [("love", "sadness", False)]
