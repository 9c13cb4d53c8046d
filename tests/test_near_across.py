"""Near pairs between two splits when one or both are held in blocks (`dataqa.text.near_across`, what a
Ray engine's workers run) are the local engine's: the candidates of a shuffle's parts are
`candidates_across`'s, and the verified pairs, LEAK003's near leaks and the texts they quote are the
same with train held, test held or both, cut into blocks where the near copies fall in other blocks
than their originals. Plain calls stand for the workers.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from conftest import Plain, chat, reworded, shouted, ticket_records, user_turn, write_jsonl

from dataqa.checks.leakage import leak004_ngram_overlap, shared_inputs
from dataqa.checks.leakage.base import near_matches
from dataqa.checks.leakage.input_leaks import input_leaks
from dataqa.engine import blocks
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits
from dataqa.ingest import dataset
from dataqa.text import candidates, copies, near_across, near_blocks, near_held, overlap, templates
from dataqa.text.near_duplicates import near_pairs


def leaky() -> tuple[list[dict], list[dict]]:
    """Train tickets, and a test split with near copies of train rows (reworded, a word added to a
    normalised copy, short requests one word apart), a normalised and an exact copy (LEAK001/002's),
    rows of its own, and look-alikes that differ in a number or a name."""
    base: list[Any] = ticket_records(200, seed=9)
    train = [
        *base[:100],
        quoting(base[100]),  # a ticket that tells a story of its own ...
        *base[101:150],
        shouted(base[20]),  # a normalised copy in train: its class has two rows
        chat("Cancel my subscription", "Done."),
        chat("Refund order 1234 please", "Done."),
        chat("Book a room in the Berlin office for Monday", "Booked."),
        *base[150:160],
    ]
    test = [
        *base[160:200],
        reworded(base[3]),
        reworded(base[20], " please help me"),
        reworded(base[77]),
        reworded(base[149], " asap"),
        shouted(base[40]),  # normalised copy (LEAK002)
        base[41],  # exact copy (LEAK001)
        chat("Cancel my subscriptions", "Done."),  # one word apart
        chat("Refund order 1235 please", "Done."),  # another number
        chat("Book a room in the Munich office for Monday", "Booked."),  # another name
        reworded(base[155]),
        answered(base[60], "returns"),  # the same ticket routed elsewhere (LEAK005: identical input)
        answered(shouted(base[61]), "account"),  # ... and a normalised copy of its input
        answered(reworded(base[62], " asap"), "returns"),  # a near input, another answer: not a leak
        quoting(base[199]),  # ... which another ticket tells too (LEAK004: a shared span)
    ]
    return train, test


STORY = (
    "The courier left the parcel with a neighbour at number forty two, who now says she never took it"
    " in, and the tracking page has shown it as out for delivery since last Tuesday afternoon."
)


def quoting(record: dict) -> dict:
    """The chat record whose user turn tells `STORY` after its own words."""
    out = copy.deepcopy(record)
    user_turn(out)["content"] += " " + STORY
    return out


def answered(record: dict, queue: str) -> dict:
    """The chat record with another reply: the ticket routed to `queue`."""
    out = copy.deepcopy(record)
    out["messages"][-1]["content"] = json.dumps({"queue": queue, "priority": "urgent"})
    return out


def _context(tmp_path: Path, splits: dict[str, list[dict]]) -> Context:
    config = Config()
    paths = {name: str(write_jsonl(tmp_path / f"{name}.jsonl", rows)) for name, rows in splits.items()}
    return Context(load_splits(paths, config), config)


def _held(ctx: Context, held: set[str], rows: int) -> tuple[Context, dict[str, Plain]]:
    """The driver's context (the `held` splits without rows, the others whole, the copies' frame
    supplied as its shuffle would) and a runner on the blocks of each held split."""
    config = ctx.config
    shells = {name: blocks.shell(s) for name, s in ctx.splits.items()}
    labelled = blocks.facts(ctx)
    splits = {name: shells[name] if name in held else s for name, s in ctx.splits.items()}
    driver = blocks.shells_context(splits, config, labelled)
    driver.supply(copies.COPIES, lambda: copies.copies(ctx))
    driver.supply(shared_inputs.SHARED_INPUTS, lambda: shared_inputs.shared_inputs(ctx))
    runners = {
        name: Plain(
            [
                (blocks.block_context(b, shells, config, labelled), name)
                for b in blocks.cut(ctx.splits[name], rows)
            ]
        )
        for name in held
    }
    return driver, runners


@pytest.mark.parametrize(
    ("held", "rows", "parts", "sample"),
    [
        ({"train"}, 23, 3, 40),
        ({"test"}, 7, 2, 20_000),
        ({"train", "test"}, 11, 5, 25),
        ({"train"}, 500, 1, 60),
    ],
)
def test_near_pairs_across_held_splits_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: set[str], rows: int, parts: int, sample: int
) -> None:
    monkeypatch.setattr(templates, "TEMPLATE_SAMPLE", sample)  # an evenly spaced sample across blocks
    monkeypatch.setattr(near_across, "parts_of", lambda ctx, split: parts)
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)  # as on a held split
    train, test = leaky()
    ctx = _context(tmp_path, {"train": train, "test": test})
    local = near_pairs(ctx, "test", "train", "text")
    leaks = near_matches(ctx, "test", "train")
    found = set(leaks["line"].to_list())  # planted near copies found locally (a small sample: fewer)
    assert found <= {41, 42, 43, 44, 47, 50} and len(found) >= 3, found
    driver, runners = _held(ctx, held, rows)
    form = leak004_ngram_overlap.OverlapsAcross()  # LEAK003's and LEAK005's default options
    for name in sorted(held):
        assert form.applies(driver, name)
        form.supply(driver, name, runners[name])
        assert form.supplied(driver, name)
    assert near_pairs(driver, "test", "train", "text").equals(local)
    assert near_matches(driver, "test", "train").equals(leaks)
    inputs = input_leaks(ctx, "test", "train")
    assert [row[0] for row in inputs["lines"].to_list()] == [51, 52], inputs
    assert input_leaks(driver, "test", "train").equals(inputs)
    for content in (7, 0):  # LEAK004's bar of template words (a small sample makes most words so)
        options = dict(n=13, max_rows=10, min_content=content, spread_rows=3, part_share=0.5)
        overlaps = overlap.ngram_overlaps(ctx, "test", "train", **options)
        assert overlaps.height >= 1, overlaps  # the copies above share spans too; short ones are compared
        assert content or 54 in overlaps["line"].to_list(), overlaps  # the story two tickets tell
        assert overlap.ngram_overlaps(driver, "test", "train", **options).equals(overlaps)
    for name in held:
        lines = sorted(set(leaks["line" if name == "test" else "ref_line"].to_list()))
        assert dict(near_held.fetch(runners[name], lines).iter_rows()) == copies.texts(ctx, name, lines)


@pytest.mark.parametrize("seed", range(4))
def test_across_candidates_are_candidates_across_on_lines(seed: int) -> None:
    """Keys from a small alphabet (buckets past the cap on the right), rows as sparse lines in order,
    spread over blocks and parts on each side: the parts' pairs are `candidates_across`'s."""
    rng = np.random.default_rng(seed)
    cap, parts = 5, 3
    sides = []
    for n in (120, 300):
        keys = rng.integers(0, 30, size=(n, 4)).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        lines = np.sort(rng.choice(10_000, size=n, replace=False)).astype(np.int64)
        sides.append((keys, lines))
    want = candidates.candidates_across(sides[0][0], sides[1][0], cap)
    n_right = len(sides[1][0])
    lo, hi = sides[0][1][want // n_right], sides[1][1][want % n_right]
    expected = np.sort(lo * near_blocks.LINES + hi)
    frames = []
    for side, (keys, lines) in enumerate(sides):
        for chunk in np.array_split(np.arange(len(lines)), 4):  # blocks
            frame = near_blocks._key_frame(near_blocks.BANDS_KIND, keys[chunk], lines[chunk])
            frame = frame.select(pl.lit(side, dtype=pl.UInt8).alias("side"), *near_blocks.KEYS_SCHEMA)
            frames.append(near_blocks.cut(frame, parts))
    got = [near_across.across_candidates([f[p] for f in frames], cap) for p in range(parts)]
    # one pair may share buckets of several key parts: the pair parts take each once (`across_pairs`)
    assert np.array_equal(candidates.unique_ints(np.concatenate(got)), expected)
