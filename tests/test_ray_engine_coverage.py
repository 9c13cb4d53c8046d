"""Test coverage (COV005) of splits whose rows stay on the Ray workers (`dataqa.text.coverage_held`):
train's vectorizer from its blocks' word counts, its LSA from its sample's inputs, each held-out
input's nearest training input searched block by block. The findings (locations, messages, quoted
inputs, order), the metrics (every split's histogram, median and bar, train's spread) and the
verdict are the local engine's, with train held, test held, or both, searched by brute force or
in k-means cells; a training input copied into a later block is not named in place
of the first. One local Ray (2 CPUs, no dashboard, no network) for the module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from conftest import CASES, Plain, decided_part, scan_held, write_jsonl

from dataqa.engine import blocks
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits
from dataqa.text import coverage_held, near_held, nearest_train, topics
from dataqa.text.coverage_held import CoverageHeld

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.usefixtures("local_ray")  # conftest: one local Ray of 2 CPUs for the module

CHECKED = ["COV005"]
FIXTURES = CASES / "coverage" / "fixtures"


def rows(name: str) -> list[Any]:
    return [orjson.loads(line) for line in (FIXTURES / name).read_text().splitlines() if line.strip()]


def splits(big: str) -> dict[str, list[Any]]:
    """Support tickets (COV005's case: test lines 10 and 30 ask what no training ticket mentions)
    with copies of training tickets 200-219 at train's end (a later block: the nearest training
    input of a test ticket near one of them is the first copy); with `big` "test", train is cut to
    its first 100 tickets and test gets train's last 100 after its own, so that test is the larger."""
    train, test = rows("coverage_train.jsonl"), rows("coverage_test.jsonl")
    train = [*train, *train[199:219]]
    if big == "test":
        train, test = train[:100], [*test, *train[200:300]]
    return {"train": train, "test": test}


HELD_SPLITS = pytest.mark.parametrize(
    ("big", "driver_rows"),
    [("train", 60), ("train", 30), ("test", 120)],
    ids=["train-held", "both-held", "test-held"],
)
"""The large split held (and at 30 driver rows the other too)."""


@HELD_SPLITS
def test_coverage_of_held_splits_is_the_local_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big: str, driver_rows: int
) -> None:
    """The large split (and at 30 rows the other too) stays on the workers, read in many pieces.
    COV005 gives the local engine's report: the two test tickets train never covers."""
    local, remote, held = scan_held(tmp_path, monkeypatch, splits(big), driver_rows, CHECKED)
    assert held == ([big] if driver_rows != 30 else ["train", "test"])
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    cov005 = next(c for c in remote["checks"] if c["id"] == "COV005")
    assert cov005["status"] == "failed" and cov005["ran_on"] == "driver", cov005
    # with `big` "test", test also holds training tickets past train's first 100: some uncovered too
    assert {10, 30} <= {f["locations"][0]["line"] for f in local["findings"]}
    assert all(f["evidence"] and f["evidence"][0] for f in remote["findings"]), "the inputs were quoted"
    assert cov005["metrics"]["train_spread_bar"] is not None
    assert "nearest_search" not in cov005["metrics"] and not cov005["reason"]


@pytest.mark.parametrize(
    ("train", "test", "found"),
    [("coverage_zh_train", "coverage_zh_test", [16, 17]), ("persona_train", "persona_valid", [7])],
    ids=["pairs", "rare-words"],
)
def test_chinese_coverage_of_held_splits_is_the_local_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, train: str, test: str, found: list[int]
) -> None:
    """Chinese inputs (COV005's cases), both splits held: the blocks' vocabulary is made of the
    same character pairs, and the training inputs holding two of an input's too-rare words are
    searched on the blocks (persona prompts: only the request on databases is uncovered)."""
    zh = {"train": rows(f"{train}.jsonl"), "test": rows(f"{test}.jsonl")}
    local, remote, held = scan_held(tmp_path, monkeypatch, zh, 6, CHECKED)
    assert held == ["train", "test"]
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    assert [f["locations"][0]["line"] for f in remote["findings"]] == found


@HELD_SPLITS
def test_past_the_brute_force_size_both_engines_search_the_same_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big: str, driver_rows: int
) -> None:
    """Past `BRUTE_FORCE_PRODUCTS` held-out x training rows both engines search k-means cells: the
    held form's centres are fitted on the driver from the same sample of train's points, each block
    searched in the cells a query probes, the far rows again, wider. The report is the local one,
    without a note; the searches really went through the cells, and the far rows were searched
    twice (once more widely) on both engines."""
    monkeypatch.setattr(nearest_train, "BRUTE_FORCE_PRODUCTS", 1000)
    monkeypatch.setattr(nearest_train, "IVF_PROBES", 1)  # so that the wider search probes more
    data = splits(big)
    wider = nearest_train.wider_probes(np.zeros(nearest_train.cell_count(len(data["train"]))))
    local_probes: list[int] = []  # the local search's, in this process
    held_probes: list[int] = []  # the held form's, asked by the driver (the tasks run on the workers)
    local_search, held_search = nearest_train.Cells.nearest, coverage_held._Train._in_cells

    def local_counted(cells: nearest_train.Cells, queries: np.ndarray, probed: np.ndarray, c: int) -> Any:
        local_probes.append(probed.shape[1])
        return local_search(cells, queries, probed, c)

    def held_counted(train: Any, run: Any, queries: list[Any], k: int, probes: int) -> list[Any]:
        held_probes.append(probes)
        return held_search(train, run, queries, k, probes)

    monkeypatch.setattr(nearest_train.Cells, "nearest", local_counted)
    monkeypatch.setattr(coverage_held._Train, "_in_cells", held_counted)
    local, remote, held = scan_held(tmp_path, monkeypatch, data, driver_rows, CHECKED)
    assert held == ([big] if driver_rows != 30 else ["train", "test"])
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    assert {10, 30} <= {f["locations"][0]["line"] for f in remote["findings"]}
    cov005 = next(c for c in remote["checks"] if c["id"] == "COV005")
    assert "nearest_search" not in cov005["metrics"] and not cov005["reason"]
    # the first search and a wider one of the far rows, on each engine
    assert sorted(set(local_probes)) == sorted(set(held_probes)) == [1, wider] and wider > 1


@pytest.mark.parametrize(("size", "features", "zh"), [(37, None, False), (120, 50, False), (7, None, True)])
def test_train_space_and_search_over_blocks_are_the_splits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, features: int | None, zh: bool
) -> None:
    """Plain calls stand for the workers: train cut into blocks of `size` rows (and the vocabulary
    cut to its `features` most frequent words), its word counts summed in parts of the words cut
    by word (a part per 50 rows). The vectorizer (vocabulary and idf), which words train uses, its
    spread, the nearest training input of each test input and the exact search are the whole
    split's (with `zh`, of Chinese questions: pairs of adjacent characters for words)."""
    monkeypatch.setattr(near_held, "PART_ROWS", 50)
    if features is not None:
        monkeypatch.setattr(topics, "MAX_FEATURES", features)
    config = Config()
    one = splits("train") if not zh else {n: rows(f"coverage_zh_{n}.jsonl") for n in ("train", "test")}
    paths = {name: str(write_jsonl(tmp_path / f"{name}.jsonl", r)) for name, r in one.items()}
    ctx = Context(load_splits(paths, config), config)
    shells = {name: s for name, s in ((n, blocks.shell(s)) for n, s in ctx.splits.items())}
    labelled = blocks.facts(ctx)
    runner = Plain(
        [(blocks.block_context(b, shells, config, labelled), "train") for b in blocks.cut(ctx.train, size)]
    )
    driver = blocks.shells_context(shells, config, labelled)
    driver.splits["test"] = ctx.splits["test"]  # test on the driver
    CoverageHeld().supply(driver, "train", runner)
    here, there = nearest_train.text_vectorizer(ctx), nearest_train.text_vectorizer(driver)
    assert len(here.vocabulary_) == (features or len(here.vocabulary_))
    assert here.vocabulary_ == there.vocabulary_ and np.array_equal(here.idf_, there.idf_)
    words = topics.text_words(ctx.valid_rows("train")["prompt"])
    asked = {*sorted(words)[::3], "unheardofword", "zyxwvut"}  # some of train's, two it never uses
    assert driver.shared(("train_words", "prompt"), lambda: None)(asked) == asked & words
    assert nearest_train.train_spread(driver).equals(nearest_train.train_spread(ctx))
    assert nearest_train.nearest_train(driver, "test").equals(nearest_train.nearest_train(ctx, "test"))
    queries = here.transform(ctx.valid_rows("test")["prompt"].to_list()).tocsr()
    found, expected = nearest_train.exact_train(driver)(queries), nearest_train.exact_train(ctx)(queries)
    assert all(np.array_equal(a, b) for a, b in zip(found, expected, strict=True))


@pytest.mark.parametrize("driver_rows", [120, 10], ids=["test-held", "both-held"])
def test_an_exemplar_pool_of_held_splits_is_the_local_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    """An exemplar pool (COV005's case: 20 tickets against 320 test inputs): both engines read the
    pool from the splits' counts alone and report the far test inputs once, at the same lines."""
    pool = {"train": rows("pool_train.jsonl"), "test": rows("pool_test.jsonl")}
    local, remote, held = scan_held(tmp_path, monkeypatch, pool, driver_rows, CHECKED)
    assert held == (["test"] if driver_rows == 120 else ["train", "test"])
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    [finding] = remote["findings"]
    assert finding["metrics"]["exemplar_pool"] and len(finding["locations"]) == finding["metrics"]["far"]
