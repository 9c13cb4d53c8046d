"""The sample the model checks read on a split held on the Ray workers (`dataqa.engine.sample`): its
quotas per stratum, and its rows drawn from the blocks, the same whatever the blocks. Plain calls
stand for the workers (`conftest.Plain`); tests/test_ray_engine_sample.py runs the checks on a Ray.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import Plain, write_jsonl

from dataqa.engine import blocks, sample
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits


def test_quotas_keep_every_row_that_fits_a_floor_of_each_class_and_the_split_s_shares() -> None:
    counts = {"billing": 9_000, "legal": 900, "rare": 12, None: 88}
    assert sample.quotas(counts, 20_000) == counts  # it fits: all of it
    got = sample.quotas(counts, 1_000, floor=30)
    assert sum(got.values()) == 1_000
    assert got["rare"] == 12 and got[None] >= 30  # a small class whole, the floor of the others
    assert got["billing"] > 7 * got["legal"]  # the rest in proportion (9,000 - 30 to 900 - 30)
    many = {f"c{i}": 10 + i for i in range(100)}  # the floors alone exceed the size: equal shares
    got = sample.quotas(many, 500, floor=30)
    assert sum(got.values()) == 500 and max(got.values()) - min(got.values()) <= 1
    assert sample.quotas(many, 500, floor=30) == got  # deterministic


def test_ranks_are_a_fixed_order_of_lines_without_ties() -> None:
    lines = np.arange(1, 10_001)
    ranks = sample.ranks(lines)
    assert len(np.unique(ranks)) == len(lines)
    assert np.array_equal(ranks[5:9], sample.ranks(lines[5:9]))  # a line's rank is its own
    assert not np.array_equal(np.argsort(ranks), np.arange(len(lines)))  # not line order


def _held(ctx: Context, rows: int) -> Plain:
    shells = {name: blocks.shell(s) for name, s in ctx.splits.items()}
    labelled = blocks.facts(ctx)
    return Plain(
        [
            (blocks.block_context(block, shells, ctx.config, labelled), "train")
            for block in blocks.cut(ctx.splits["train"], rows)
        ]
    )


@pytest.fixture
def labelled(tmp_path: Path) -> Context:
    labels = ["billing"] * 600 + ["legal"] * 60 + ["rare"] * 5
    records = [{"text": f"ticket {i} about {label}", "label": label} for i, label in enumerate(labels)]
    records[7] = {"text": "", "label": "billing"}  # an invalid row: never sampled
    config = Config()
    path = write_jsonl(tmp_path / "train.jsonl", records)
    return Context(load_splits({"train": str(path)}, config), config)


@pytest.mark.parametrize("rows", [7, 64, 1000])
def test_the_sample_is_the_same_whatever_the_blocks_and_stratified_by_label(
    labelled: Context, rows: int
) -> None:
    whole = labelled.valid_rows("train")
    drawn = sample.draw(labelled, "train", _held(labelled, rows), 200, by_label=True)
    assert (drawn.rows, drawn.of, drawn.by_label, drawn.whole) == (200, whole.height, True, False)
    got = drawn.frame.filter("valid")
    assert got["line"].is_sorted() and set(got["line"]) <= set(whole["line"])
    assert Counter(got["label"].to_list()) == sample.quotas(Counter(whole["label"].to_list()), 200)
    same = sample.draw(labelled, "train", _held(labelled, 23), 200, by_label=True)
    assert got["line"].to_list() == same.frame["line"].to_list()
    even = sample.draw(labelled, "train", _held(labelled, rows), 200, by_label=False)
    assert even.frame.height == 200 and not even.by_label
    assert even.frame["line"].to_list() != got["line"].to_list()


def test_a_split_that_fits_is_gathered_whole(labelled: Context) -> None:
    drawn = sample.draw(labelled, "train", _held(labelled, 50), 10_000, by_label=True)
    assert drawn.whole and drawn.frame.equals(labelled.splits["train"].frame)
