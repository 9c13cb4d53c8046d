"""Near pairs between two splits when one or both are held in blocks on the Ray workers (`NearAcross`,
LEAK003's `HeldForm`): `near_pairs(ctx, left, right, ...)` made by steps on blocks and on the parts
of two shuffles, with the local engine's result.

Across two splits the local engine pairs each split's distinct texts by their band keys and their
short-edit keys (`candidates_across`: keys whole, not truncated; each bucket's right side capped at
its first `BUCKET_CAP` rows in line order), and verifies every candidate (`near_duplicates.verify`).
Here a split held on the workers makes the keys of its distinct texts on its blocks
(`near_blocks.key_frames`, its distinct texts told by the copies' shuffle), a split the driver
holds makes them on the driver; both are cut into parts by key (`side_keys`, a side tag on each).
A task per key part pairs its buckets as `candidates_across` pairs them (`across_part`), cut again
by pair; a task per pair part gives its candidates once each and the lines of each side they name
(`across_pairs`); those texts are fetched from each side's blocks (or the driver's rows) and
verified per pair part (`near_blocks.verify_part`). The driver receives the sample each held split
gives the template shingles (`near_held.Held.sample`), the lines each pair part needs and the
verified pairs; keys, candidates and their texts stay on the workers.

Two examples without an answer are decided on the driver by their inputs' near pairs across the
same two splits (the same steps on "prompt", made only then) and their inputs' classes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.engine.registry import HeldForm, Runner
from dataqa.ingest.layouts import TEXT
from dataqa.text import copies, near_blocks, templates
from dataqa.text.candidates import BUCKET_CAP, unique_ints
from dataqa.text.near_duplicates import _empty_pairs, inputs_apart, pairs_key
from dataqa.text.near_held import (
    INPUT_CLASSES,
    Held,
    _classes,
    input_classes,
    parts_of,
    supply_fetch,
    verified,
)
from dataqa.text.normalise import distinct

LEFT, RIGHT = 0, 1
SIDE_SCHEMA = {"side": pl.UInt8, **near_blocks.KEYS_SCHEMA}
NONE = np.empty(0, dtype=np.int64)


def side_keys(
    ctx: Context,
    split: str,
    column: str,
    later: np.ndarray,
    common: np.ndarray,
    shingle: int,
    side: int,
    parts: int,
) -> list[pl.DataFrame]:
    """`side`, `kind`, `key`, `line` of the whole keys of the split's distinct texts the context
    holds (a block's: those no earlier row of another block has, `later`; or a whole split's), cut
    into `parts` by key."""
    d = near_blocks.reps(ctx, split, column, later)
    frame = near_blocks.key_frames(d, common, shingle, None)
    frame = frame.select(pl.lit(side, dtype=pl.UInt8).alias("side"), *near_blocks.KEYS_SCHEMA)
    return near_blocks.cut(frame, parts)


def across_candidates(frames: list[pl.DataFrame], cap: int = BUCKET_CAP) -> np.ndarray:
    """One key part of both sides' `side_keys`: its candidate pairs as sorted unique codes left
    line * `LINES` + right line, each kind's buckets paired as `candidates_across` pairs them (the
    right side of a bucket capped at its first `cap` rows in line order)."""
    frame = pl.concat([pl.DataFrame(schema=SIDE_SCHEMA), *frames])
    found = [NONE]
    for kind in near_blocks.KINDS:
        one = frame.filter(pl.col("kind") == kind)
        left = one.filter(pl.col("side") == LEFT).select("key", "line")
        right = (
            one.filter(pl.col("side") == RIGHT)
            .select("key", pl.col("line").alias("right"))
            .sort("key", "right")
            .filter(pl.int_range(pl.len()).over("key") < cap)
        )
        joined = left.join(right, on="key").select(pl.col("line") * near_blocks.LINES + pl.col("right"))
        found.append(joined.to_series().to_numpy().astype(np.int64))
    return unique_ints(np.concatenate(found), in_place=True)


def across_part(parts: int, *frames: pl.DataFrame) -> list[np.ndarray]:
    """A key part's task: its candidates (`across_candidates`) cut into `parts` by pair."""
    codes = across_candidates(list(frames))
    at = codes % parts
    return [codes[at == part] for part in range(parts)]


def across_pairs(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A pair part's task: its candidates from every key part, each once, and the lines of the left
    and of the right split they name."""
    unique = unique_ints(np.concatenate([NONE, *codes]), in_place=True)
    return unique, unique_ints(unique // near_blocks.LINES), unique_ints(unique % near_blocks.LINES)


class Across:
    """`near_pairs` of `column` between the splits `left` and `right`, either held (`Held`, its
    steps on its blocks) or on the driver (None: its rows in the driver's `ctx`)."""

    def __init__(self, ctx: Context, left: str, right: str, held: tuple[Held | None, Held | None]) -> None:
        self.ctx, self.splits, self.held = ctx, (left, right), held
        one = next(h for h in held if h is not None)
        self.runner: Runner = one.runner
        self.parts = max(h.parts for h in held if h is not None)
        self.unanswered = pl.DataFrame(schema=near_blocks.UNANSWERED_SCHEMA)
        """The verified pairs of two examples, one or both without an answer
        (`near_blocks.verify_part`)."""

    def _per_block(
        self, side: int, fn: Callable[..., list], args: Callable[[np.ndarray], tuple]
    ) -> list[list]:
        """`fn` on each block of the side's split (a handle per result), or on the driver's rows
        (the values, as one block); `args(later)`: its arguments for a block's `later` lines."""
        held, split = self.held[side], self.splits[side]
        if held is None:
            return [fn(self.ctx, split, *args(NONE))]
        return held.runner.blocks(fn, [args(later) for later in held.later], returns=self.parts)

    def pairs(self, column: str, threshold: float, shingle: int, whole: bool) -> pl.DataFrame:
        """The verified near pairs between the two splits (module doc)."""
        ctx, run, parts = self.ctx, self.runner, self.parts
        common = templates.templates(ctx, column, shingle)
        terms = templates.set_words(ctx, column)
        keyed = [
            self._per_block(side, side_keys, lambda later, s=side: (column, later, common, shingle, s, parts))
            for side in (LEFT, RIGHT)
        ]
        every = keyed[0] + keyed[1]
        cut = [run.task(across_part, parts, *[one[p] for one in every], returns=parts) for p in range(parts)]
        steps = [run.task(across_pairs, *[one[p] for one in cut], returns=3) for p in range(parts)]
        needs = [run.get([step[1 + side] for step in steps]) for side in (LEFT, RIGHT)]
        texts = [
            self._per_block(side, near_blocks.texts_step, lambda later, s=side: (column, needs[s]))
            for side in (LEFT, RIGHT)
        ]
        options = (column, threshold, shingle, common, terms, whole)
        found = verified(
            run, [step[0] for step in steps], options, len(texts[LEFT]), texts[LEFT] + texts[RIGHT]
        )
        self.unanswered = pl.concat([unanswered for _, unanswered in found])
        return pl.concat([_empty_pairs(), *[pairs for pairs, _ in found]]).sort(["left_line", "right_line"])


class NearAcross(HeldForm):
    """The leak checks' form: the near pairs of "text" and of "prompt" between the splits they
    compare (`comparisons`), at the threshold and shingle `options` reads from the scan's
    configuration (and those of "prompt" at `inputs`' too), when one of them or both are held on
    the workers (module doc); the texts a finding quotes fetched from the blocks (`copies.FETCH`)."""

    groupings = (copies.GROUPING,)

    def __init__(
        self,
        options: Callable[[Context], tuple[float, int]],
        comparisons: Callable[[Context], list[tuple[str, str]]],
        inputs: Callable[[Context], tuple[float, int]] | None = None,
    ) -> None:
        self.options, self.comparisons = options, comparisons
        self.inputs = inputs or options
        """The threshold and shingle of the inputs' near pairs a check reads besides `options`'."""
        self.held: dict[tuple[str, str], Held] = {}
        """Per held split and column, its steps (its sample, its blocks)."""

    def applies(self, ctx: Context, split: str) -> bool:
        return True

    def _pairs_of(self, ctx: Context, split: str) -> list[tuple[str, str]]:
        return [pair for pair in self.comparisons(ctx) if split in pair]

    def supplied(self, ctx: Context, split: str) -> bool:
        keys = [pairs_key(*pair, "text", *self.options(ctx)) for pair in self._pairs_of(ctx, split)]
        return all(ctx.supplied(key) for key in keys)

    def supply(self, ctx: Context, split: str, runner: Runner) -> None:
        if not self.applies(ctx, split):
            return
        parts = parts_of(ctx, split)
        if not ctx.supplied((*INPUT_CLASSES, split)):  # DUP003's form may give them
            ctx.supply((*INPUT_CLASSES, split), lambda: _classes(runner, "prompt", parts))

        def later_inputs() -> np.ndarray:
            frame = input_classes(ctx, split)
            return frame.filter(pl.col("line") != pl.col("rep"))["line"].to_numpy()

        for column, later in (("text", lambda: copies.later(ctx, split)), ("prompt", later_inputs)):
            held = self.held[split, column] = Held(runner, split, later, parts, column=column)
            sample = (*templates.SAMPLE, split, column)
            if not ctx.supplied(sample):  # DUP003's form may give it (and its steps need their own)
                ctx.supply(sample, held.sample)
        inputs = dict.fromkeys([self.options(ctx), self.inputs(ctx)])  # LEAK003's, LEAK005's
        wanted = [("text", self.options(ctx)), *(("prompt", options) for options in inputs)]
        for left, right in self._pairs_of(ctx, split):
            for column, options in wanted:
                key = pairs_key(left, right, column, *options)
                if not ctx.supplied(key):
                    ctx.supply(key, functools.partial(self._made, ctx, left, right, column, options))
        supply_fetch(ctx, split, runner)

    def _made(
        self, ctx: Context, left: str, right: str, column: str, options: tuple[float, int]
    ) -> pl.DataFrame:
        """The near pairs of `column` between `left` and `right` at `options` (threshold, shingle);
        a pair of two examples, one or both without an answer,
        kept only when their inputs are near (`_apart`)."""
        held = (self.held.get((left, column)), self.held.get((right, column)))
        across = Across(ctx, left, right, held)
        whole = column == "text" and all(ctx.splits[s].kind != TEXT for s in (left, right))
        found = across.pairs(column, *options, whole)
        if not across.unanswered.height:
            return found
        apart = across.unanswered.filter(pl.Series(self._apart(ctx, left, right, across.unanswered)))
        return found.join(apart, on=["left_line", "right_line"], how="anti", maintain_order="left")

    def _reps(self, ctx: Context, split: str) -> Callable[[int, bool], int | None]:
        """A row's input representative (None without an input): from the inputs' classes of a held
        split, from the driver's rows of another."""
        if (split, "prompt") in self.held:
            classes = dict(input_classes(ctx, split).iter_rows())
            return lambda line, has: classes.get(line, line) if has else None
        members = dict(distinct(ctx, split, "prompt").members.iter_rows())
        return lambda line, has: members.get(line)

    def _apart(self, ctx: Context, left: str, right: str, unanswered: pl.DataFrame) -> np.ndarray:
        """Per pair of `unanswered`: whether their inputs are not near (`inputs_apart`)."""
        near = ctx.shared(pairs_key(left, right, "prompt", *self.options(ctx)), _empty_pairs)
        lrep, rrep = self._reps(ctx, left), self._reps(ctx, right)
        reps = [(lrep(a, has_a), rrep(b, has_b)) for a, b, has_a, has_b in unanswered.iter_rows()]
        return inputs_apart(reps, False, near)
