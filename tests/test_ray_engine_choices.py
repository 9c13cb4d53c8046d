"""Multiple-choice questions answered two ways (LBL001 within a split, LEAK005 across two) on splits
whose rows stay on the Ray workers: keyed on the question, its choices in any order, and compared by
the right answers' texts (`dataqa.ingest.choices.contradictions`). The findings, unusable rows,
metrics and verdict are the local engine's. One local Ray (2 CPUs, no dashboard) for the module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import decided_part, scan_held

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.usefixtures("local_ray")  # conftest: one local Ray of 2 CPUs for the module

CHECKED = ["LBL001", "LEAK005", "LEAK001"]


def question(i: int, tag: str, right: int = 0, order: tuple[int, ...] = (0, 1, 2, 3)) -> dict[str, Any]:
    """A four-choice question of its own (choices "answer i", "wrong i a".. in `order`), the right
    one the choice at `right` of the original order."""
    texts = [f"answer {i}", f"wrong {i} a", f"wrong {i} b", f"wrong {i} c"]
    shown = [texts[k] for k in order]
    return {
        "question": f"{tag} question number {i} about topic {i * 7}?",
        **{f"choice{k}": text for k, text in enumerate(shown)},
        "label": shown.index(texts[right]),
    }


def splits() -> dict[str, list]:
    """Train (240) and test (120) questions of their own, and: train 30 and 200 one question, shuffled,
    answered two ways (LBL001); train 60 and 170 one question shuffled with one answer (clean); test
    10 train's 90 shuffled with another right answer (LEAK005); test 20 train's 120 shuffled with the
    same answer (LEAK001's copy, no conflict); test 40 asks which fits as train's 150 does, over other
    choices (clean)."""
    train = [question(i, "train") for i in range(240)]
    test = [question(i, "test") for i in range(120)]
    train[200] = question(30, "train", right=1, order=(3, 1, 0, 2))
    train[170] = question(60, "train", order=(2, 0, 3, 1))
    test[10] = question(90, "train", right=2, order=(1, 2, 3, 0))
    test[20] = question(120, "train", order=(3, 2, 1, 0))
    fits = {"question": "Which is an animal?", "label": 0}
    train[150] = {**fits, "choice0": "tiger", "choice1": "stone", "choice2": "desk", "choice3": "sea"}
    test[40] = {**fits, "choice0": "heron", "choice1": "water", "choice2": "fire", "choice3": "rock"}
    return {"train": train, "test": test}


@pytest.mark.parametrize("driver_rows", [150, 10], ids=["train-held", "both-held"])
def test_multiple_choice_conflicts_of_held_splits_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    local, remote, held = scan_held(tmp_path, monkeypatch, splits(), driver_rows, CHECKED)
    assert held == (["train"] if driver_rows == 150 else ["train", "test"])
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    found = {
        f["check_id"]: [(loc["split"], loc["line"]) for loc in f["locations"]] for f in local["findings"]
    }
    assert found == {
        "LBL001": [("train", 31), ("train", 201)],
        "LEAK005": [("test", 11), ("train", 91)],
        "LEAK001": [("test", 21), ("train", 121)],
    }, found


SUBJECTS = ["agronomy", "anatomy", "astronomy", "economics", "genetics", "geography"]


def subject_files(folder: Path, rows: int, tag: str, planted: dict[tuple[int, int], list[str]]) -> str:
    """A CSV of `rows` four-choice questions per subject under `folder` (MMLU's columns: an unnamed
    row number, Question, A..D, Answer a letter), `planted` replacing rows (subject, row); its glob."""
    import csv

    folder.mkdir()
    for s, subject in enumerate(SUBJECTS):
        with open(folder / f"{subject}.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["", "Question", "A", "B", "C", "D", "Answer"])
            for i in range(rows):
                words = f"{tag} {subject} question {i}: which value of measure {s * 100 + i} holds?"
                row = [words, *(f"{i + k} units" for k in range(4)), "ABCD"[i % 4]]
                out.writerow([i, *planted.get((s, i), row)])
    return str(folder / "*.csv")


def test_many_small_files_of_held_splits_are_joined_into_blocks_and_give_the_local_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CMMLU's shape: a CSV a subject, a few-shot dev of 5 rows each read as train and a test of 40
    each, both left on the workers. A block per file (12 here, 134 on CMMLU) made every later stage
    a task per file: on CMMLU, DUP003 and COV005 ran past their 600 s limit on Ray (5 s locally).
    Adjacent small pieces are joined on the workers into blocks of `ray-block-rows`; the findings of
    the checks that read the whole split there are the local engine's."""
    import dataqa
    from dataqa.ingest import dataset

    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)  # as on a held split
    copied = ["What is the boiling point of pure water at sea level?", "90 C", "100 C", "110 C", "120 C", "B"]
    near = "What is the boiling point of pure water at sea level in degrees?"
    train = subject_files(tmp_path / "dev", 5, "dev", {(1, 2): copied})
    test = subject_files(
        tmp_path / "test",
        40,
        "test",
        {(3, 7): copied, (5, 30): [near, "90 C", "100 C", "110 C", "120 C", "B"]},
    )
    checked = ["DUP003", "COV005", "LEAK001", "LBL001"]
    options: dict[str, Any] = dict(test=test, select=checked)
    local = dataqa.scan(train, **options).to_dict()
    remote = dataqa.scan(train, engine="ray", ray_driver_rows=20, ray_block_rows=100, **options).to_dict()
    held = [s["name"] for s in remote["splits"] if "stay on the Ray workers" in s["profile"].get("note", "")]
    assert held == ["train", "test"]
    assert (remote["engine"]["read_tasks"], remote["engine"]["blocks"]) == (12, 3)  # 30 rows; 120 + 120
    assert decided_part(remote, checked) == decided_part(local, checked)
    found = {
        f["check_id"]: [(loc["split"], Path(loc["path"]).name, loc["line"]) for loc in f["locations"]]
        for f in local["findings"]
    }
    assert found == {  # the header is line 1: row 7 is line 9
        "DUP003": [("test", "economics.csv", 9), ("test", "geography.csv", 32)],
        "LEAK001": [("test", "economics.csv", 9), ("train", "anatomy.csv", 4)],
    }, found
