"""Multiple-choice questions answered two ways (LBL001 within a split, LEAK005 across two) on splits
whose rows stay on the Ray workers: keyed on the question, its choices in any order, and compared by
the right answers' texts (`dataqa.ingest.choices.contradictions`). The findings, unusable rows,
metrics and verdict are the local engine's. One local Ray (2 CPUs, no dashboard) for the module.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from conftest import decided_part, scan_held

ray = pytest.importorskip("ray")

CHECKED = ["LBL001", "LEAK005", "LEAK001"]


@pytest.fixture(scope="module", autouse=True)
def ray_session():
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR)
    yield
    ray.shutdown()


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
