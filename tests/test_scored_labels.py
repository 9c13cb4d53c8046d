"""Labels that are scores on a scale (STS-B's similarity of a sentence pair, 0 to 5): read from the
layouts that declare them (`dataqa.ingest.layouts.LABEL_SCORE`), compared as numbers by LBL001, and
left alone by the checks that read labels as classes (their names, counts, a classifier)."""

from __future__ import annotations

from pathlib import Path

import orjson

import dataqa
from dataqa.ingest.dataset import load_split
from dataqa.ingest.detection import Detector
from dataqa.ingest.label_sets import ScoreTally, score_tally, score_value
from dataqa.ingest.layouts import LAYOUTS

HEADER = "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\n"
PAIRS = [
    ("A plane is taking off.", "An air plane is taking off.", "5.000"),
    ("A man is playing a large flute.", "A man is playing a flute.", "3.800"),
    ("A woman is cooking meat.", "A man is speaking.", "0.000"),
    ("A cat is playing a piano.", "A cat is playing the keyboard.", "4.2"),
    ("Three men are playing chess.", "Two men are playing chess.", "2.600"),
    ("A man is slicing a tomato.", "A woman is slicing a potato.", "1.250"),
]


def _tsv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = [
        f"main-captions\tMSRvid\t2012test\t{i:04d}\t{score}\t{a}\t{b}\n"
        for i, (a, b, score) in enumerate(rows)
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def test_score_values() -> None:
    assert [score_value(v) for v in ("4.2", " 3.800 ", "5", ".5", 4, 2.5)] == [4.2, 3.8, 5.0, 0.5, 4.0, 2.5]
    assert [score_value(v) for v in ("n/a", "", "1e3", "nan", True, None, [1])] == [None] * 7


def test_sts_as_released_is_read_with_its_scores_as_written(tmp_path: Path) -> None:
    split = load_split("train", str(_tsv(tmp_path / "sts-train.tsv", PAIRS)))
    assert split.format == "sts" and split.scored and not split.multi_label
    assert split.frame["label"].to_list() == [score for _, _, score in PAIRS]
    assert split.frame["prompt"][0] == "A plane is taking off.\n\nAn air plane is taking off."


def test_a_score_that_is_no_number_is_no_sts_record() -> None:
    detector = Detector(list(LAYOUTS.values()))
    pair = {"sentence1": "a", "sentence2": "b"}
    assert detector.detect({**pair, "score": "4.2"})[0].name == "sts"
    assert detector.detect({**pair, "score": "n/a"})[0] is None  # the cache keys a number apart
    assert detector.detect({**pair, "similarity_score": 1})[0].name == "sts_similarity"
    assert detector.detect({**pair, "label": 1})[0].name == "sentence_pair"  # classes, as before


def test_class_checks_are_skipped_on_scores_and_lbl001_compares_numbers(tmp_path: Path) -> None:
    rows = [
        *PAIRS,
        ("A plane is taking off.", "An air plane is taking off.", "5"),  # 5.000 written apart: same score
        ("A man is playing a large flute.", "A man is playing a flute.", "4.5"),  # 0.7 apart: annotators
        ("A cat is playing a piano.", "A cat is playing the keyboard.", "0.8"),  # 3.4 apart: a conflict
    ]
    report = dataqa.scan(
        str(_tsv(tmp_path / "sts-train.tsv", rows)), select=["LBL", "COV001", "SIZE002", "DUP004"]
    )
    results = {r.check_id: r for r in report.results}
    for check in ("LBL002", "LBL003", "LBL006", "COV001", "SIZE002", "DUP004"):
        assert results[check].status.value == "skipped", check
        assert "scores on a scale" in results[check].reason, check
    conflicts = [f for f in report.findings if f.check_id == "LBL001"]
    assert [[loc.line for loc in f.locations] for f in conflicts] == [[5, 10]]
    assert "'4.2' x1, '0.8' x1" in conflicts[0].message


def test_a_held_out_pair_found_in_train_is_a_copy_whatever_its_score(tmp_path: Path) -> None:
    """A score is no class: the same pair in test at 2.000 and in train at 2.167 (or 1.200) is a near
    copy of a training input (LEAK003), not an input "with another label" (LEAK005)."""
    test_rows = [
        ("A man is slicing a tomato.", "A woman is slicing a potato.", "2.000"),
        ("A cat is playing a piano.", "A cat is playing the keyboard.", "1.200"),
    ]
    train = _tsv(
        tmp_path / "sts-train.tsv",
        [*PAIRS[:5], ("A man is slicing a tomato.", "A woman is slicing a potato.", "2.167")],
    )
    test = _tsv(tmp_path / "sts-test.tsv", test_rows)
    report = dataqa.scan(str(train), test=str(test), select=["LEAK"])
    found = sorted((f.check_id, f.locations[0].line) for f in report.findings)
    assert found == [("LEAK003", 2), ("LEAK003", 3)]


def _glue_jsonl(path: Path, scores: list[str]) -> Path:
    """GLUE's STS-B as the Hub ships it: the score under "label", one JSON record a pair."""
    lines = [
        orjson.dumps(
            {
                "sentence1": f"A man is playing instrument {i}.",
                "sentence2": f"A man plays {i}.",
                "label": orjson.loads(score),
                "idx": i,
            }
        ).decode()
        for i, score in enumerate(scores)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_numeric_labels_with_many_fractions_are_scores_for_the_whole_split(tmp_path: Path) -> None:
    """A layout that reads classes ("sentence_pair": GLUE's "label") holds scores when its labels are
    numbers with `SCORE_FRACTIONS` distinct fractional values or more in a bounded range."""
    scores = ["3.8", "0.2", "5.0", "4.909", "1.25", "2.6", "0", "4", "3.8"]
    split = load_split("train", str(_glue_jsonl(tmp_path / "stsb.jsonl", scores)))
    assert split.format == "sentence_pair" and split.scored
    few = load_split("train", str(_glue_jsonl(tmp_path / "three.jsonl", ["0", "1", "2", "1.0", "0.5"])))
    assert not few.scored  # class ids, one written as a float, one half: classes


def test_score_tally() -> None:
    assert score_tally([("3.8", 2), ("0.2", 1), ("4.909", 1), ("1.25", 1), ("2.6", 1)]).scores
    assert not score_tally([("0", 50), ("1", 40), ("2.0", 3)]).scores  # class ids
    assert not score_tally([("0.5", 1), ("1.5", 1), ("2.5", 1), ("3.5", 1)]).scores  # too few fractions
    many = [(str(i + 0.5), 1) for i in range(10)]
    assert not score_tally([*many, ("n/a", 5)]).scores  # not numbers
    assert not score_tally([*many, ("5000.5", 1)]).scores  # no rating spans 5000
    halves = score_tally(many[:3]).add(score_tally(many[3:]))  # pieces of a split read apart
    assert halves.scores and halves.scale == (0.5, 9.5) and halves.numbers == 10
    assert ScoreTally().add(ScoreTally()) == ScoreTally()
