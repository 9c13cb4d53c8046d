"""DUP003's near pairs made on a split held in blocks on the Ray workers (`NearPairs`, its
`HeldForm`): the steps of `dataqa.text.near_blocks` put in order on a `Runner`, and what they make
supplied to the scan under the keys the local engine computes it under.

A split of whole examples with an answer (chat, instructions, preference pairs, plain text) has its
near pairs of "text" made directly (`Held`), its distinct texts told by the copies' shuffle. A
classification split's examples are compared on their inputs under one label (`_labelled_pairs`):
its inputs' classes come from a shuffle of their own (`near_blocks.class_keys`), their near pairs
are made as a split's texts are (`Held` of "prompt"), and the examples whose inputs they pair are
gathered from the blocks (`near_blocks.examples_step`) and joined as locally (`labelled_join`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from dataqa.core.once import once_per_object
from dataqa.engine.context import Context
from dataqa.engine.registry import HeldForm, Runner
from dataqa.ingest.layouts import CLASSIFICATION, TEXT
from dataqa.text import copies, near_blocks, templates
from dataqa.text.candidates import unique_ints
from dataqa.text.near_duplicates import _empty_pairs, inputs_apart, labelled_join, pairs_key
from dataqa.text.slots import SetWords

PART_ROWS = 200_000
"""Rows of a held split per part of its shuffles (a part's task holds its keys, 32 band keys of 17
bytes a distinct text, and then its candidates' texts)."""
INPUT_CLASSES = ("input_classes",)
"""With a split's name after it, the shared key of a held split's inputs' classes (`_classes` of
"prompt": `line`, `rep` of the rows whose normalised input another row has), made when first asked."""


def input_classes(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `rep` of a held split's rows whose normalised input another row has (`INPUT_CLASSES`,
    supplied by the form of the first check that reads them)."""
    return ctx.shared((*INPUT_CLASSES, split), lambda: pl.DataFrame(schema=near_blocks.CLASSES_SCHEMA))


def supply_sample(ctx: Context, split: str, runner: Runner, column: str = "prompt") -> None:
    """The template shingles' sample of a held split's inputs (`templates.SAMPLE`), told by the
    inputs' classes, for a form that reads what it makes (`templates.template_vocabulary`) without
    their near pairs; nothing when another form supplies it."""
    if ctx.supplied((*templates.SAMPLE, split, column)):
        return
    if not ctx.supplied((*INPUT_CLASSES, split)):
        ctx.supply((*INPUT_CLASSES, split), lambda: _classes(runner, column, parts_of(ctx, split)))

    def later() -> np.ndarray:
        frame = input_classes(ctx, split)
        return frame.filter(pl.col("line") != pl.col("rep"))["line"].to_numpy()

    held = Held(runner, split, later, parts_of(ctx, split), column=column)
    ctx.supply((*templates.SAMPLE, split, column), held.sample)


def parts_of(ctx: Context, split: str) -> int:
    """Parts of the shuffles of a held split's keys: one per `PART_ROWS` rows."""
    return max(1, -(-ctx.splits[split].rows // PART_ROWS))


class Held:
    """`near_pairs` of `column` inside one split held in blocks (`near_blocks`), step by step on a
    `Runner`: `sample` first (what the driver's template shingles and bound words read), then
    `pairs` with them. `later()`: the lines whose normalised text an earlier line has."""

    def __init__(
        self, runner: Runner, split: str, later: Callable[[], np.ndarray], parts: int, column: str = "text"
    ) -> None:
        self.runner, self.split, self.parts = runner, split, max(parts, 1)
        self._later = later
        self.column = column
        self.totals = (0, 0)
        self.offsets: list[tuple[int, int]] = []
        self.unanswered = pl.DataFrame(schema=near_blocks.UNANSWERED_SCHEMA)
        """The verified pairs of two examples, one or both without an answer, whether each has an input
        (`near_blocks.verify_part`): whether their inputs are near decides them (`NearPairs`)."""
        self._sample: tuple[pl.Series, int] | None = None

    @once_per_object
    def later(self) -> list[np.ndarray]:
        """Per block, the lines whose normalised text an earlier line has (every block is given all
        of them: a block keeps its own)."""
        lines = self._later()
        return [lines] * len(self.runner)

    def sample(self) -> tuple[pl.Series, int]:
        """The split's sample of distinct texts and their number, as `templates.sampled` makes it."""
        if self._sample is None:
            self._sample = self._sampled()
        return self._sample

    def _sampled(self) -> tuple[pl.Series, int]:
        run, column = self.runner, self.column
        sized = run.blocks(near_blocks.sizes, [(column, later) for later in self.later])
        self.offsets, self.totals = near_blocks.offsets(run.get([h[0] for h in sized]))
        n = self.totals[0]
        firsts = [offset for offset, _ in self.offsets]
        args = [(column, later, first, n) for later, first in zip(self.later, firsts, strict=True)]
        texts = run.get([h[0] for h in run.blocks(near_blocks.sample_part, args)])
        return pl.concat([pl.Series(dtype=pl.String), *texts]), n

    def pairs(
        self,
        common: np.ndarray,
        terms: SetWords | None,
        threshold: float,
        shingle: int,
        whole: bool,
    ) -> pl.DataFrame:
        """The verified near pairs (`near_pairs` inside the split; `sample` has run): keys per block,
        candidates per key part, cut again by pair, texts fetched per pair part from the blocks,
        verified per pair part."""
        run, column, parts = self.runner, self.column, self.parts
        args = [(column, later, self.totals, common, shingle, parts) for later in self.later]
        keyed = run.blocks(near_blocks.keys, args, returns=parts)
        cut = [
            run.task(near_blocks.part_step, parts, *[handles[p] for handles in keyed], returns=parts)
            for p in range(parts)
        ]
        steps = [
            run.task(near_blocks.pairs_step, *[handles[p] for handles in cut], returns=2)
            for p in range(parts)
        ]
        needs = run.get([step[1] for step in steps])
        texts = run.blocks(near_blocks.texts_step, [(column, needs)] * len(self.later), returns=parts)
        options = (column, threshold, shingle, common, terms, whole)
        found = verified(run, [step[0] for step in steps], options, 0, texts)
        self.unanswered = pl.concat([unanswered for _, unanswered in found])
        return pl.concat([_empty_pairs(), *[pairs for pairs, _ in found]]).sort(["left_line", "right_line"])


def verified(
    run: Runner, candidates: list[Any], options: tuple, n_left: int, texts: list[list[Any]]
) -> list[tuple[pl.DataFrame, pl.DataFrame]]:
    """A task per pair part: `near_blocks.verify_part` of its `candidates` with the `options`
    (column, threshold, shingle, template shingles, bound words, whole) on part p of each block's
    texts (`texts`: per block, a handle per part; the first `n_left` blocks the left split's); their
    values, in part order."""
    tasks = [
        run.task(near_blocks.verify_part, codes, *options, n_left, *[one[p] for one in texts])[0]
        for p, codes in enumerate(candidates)
    ]
    return run.get(tasks)


def _lines(pairs: pl.DataFrame) -> np.ndarray:
    """The lines verified pairs name, sorted."""
    return unique_ints(np.concatenate([pairs["left_line"].to_numpy(), pairs["right_line"].to_numpy()]))


def fetch(runner: Runner, lines: list[int], column: str = "text") -> pl.DataFrame:
    """`line` and the raw `column` of the given lines of a held split, from its blocks
    (`near_blocks.texts_at`)."""
    wanted = np.asarray(lines, dtype=np.int64)
    args = [(wanted, column)] * len(runner)
    found = runner.get([h[0] for h in runner.blocks(near_blocks.texts_at, args)])
    empty = pl.DataFrame(schema={"line": pl.Int64, column: pl.String})
    return pl.concat([empty, *found]).sort("line")


def supply_fetch(ctx: Context, split: str, runner: Runner) -> None:
    """Supply `copies.FETCH` for a held split (once, whichever form comes first): the texts a finding
    quotes, fetched from its blocks for the rows asked alone (`fetch`)."""
    if not ctx.supplied((*copies.FETCH, split)):
        ctx.supply((*copies.FETCH, split), lambda: functools.partial(fetch, runner))


def _classes(runner: Runner, column: str, parts: int) -> pl.DataFrame:
    """`line`, `rep` of the held split's rows whose normalised `column` text another row has
    (`near_blocks.class_keys`, shuffled on the key, `class_part` per part)."""
    keyed = runner.blocks(near_blocks.class_keys, [(column, parts)] * len(runner), returns=parts)
    found = [runner.task(near_blocks.class_part, *[h[p] for h in keyed])[0] for p in range(parts)]
    frames = runner.get(found)
    return pl.concat([pl.DataFrame(schema=near_blocks.CLASSES_SCHEMA), *frames]).sort("line")


class NearPairs(HeldForm):
    """DUP003's form on a split held in blocks (`Check.held_form`, module doc): the split's sample
    of distinct texts (so the driver makes the template shingles and bound words from it), its
    verified near pairs of "text" at `threshold` and `shingle` (the texts a finding quotes fetched
    from the blocks, `supply_fetch`)."""

    groupings = (copies.GROUPING,)

    def __init__(self, threshold: float, shingle: int) -> None:
        self.threshold, self.shingle = float(threshold), shingle
        self._inputs: dict[str, tuple[Callable[[], pl.DataFrame], Held]] = {}
        """Per split, its inputs' classes (made when first asked) and the steps of their near pairs."""

    def applies(self, ctx: Context, split: str) -> bool:
        return True

    def key(self, split: str, column: str = "text") -> tuple:
        return pairs_key(split, split, column, self.threshold, self.shingle)

    def supplied(self, ctx: Context, split: str) -> bool:
        return ctx.supplied(self.key(split))

    def _made(self, ctx: Context, held: Held, column: str, whole: bool) -> Callable[[], pl.DataFrame]:
        """The factory of `held`'s near pairs of `column`, with the scan's template shingles and
        bound words (their samples supplied first); a pair of two examples, one or both without an
        answer, kept only when their inputs are near (`_unanswered_apart`)."""

        def pairs() -> pl.DataFrame:
            common = templates.templates(ctx, column, self.shingle)
            terms = templates.set_words(ctx, column)
            found = held.pairs(common, terms, self.threshold, self.shingle, whole)
            if not held.unanswered.height:
                return found
            apart = held.unanswered.filter(pl.Series(self._unanswered_apart(ctx, held)))
            return found.join(apart, on=["left_line", "right_line"], how="anti", maintain_order="left")

        ctx.supply((*templates.SAMPLE, held.split, column), held.sample)
        return pairs

    def _unanswered_apart(self, ctx: Context, held: Held) -> np.ndarray:
        """Per pair of `held.unanswered`: whether their inputs are not near (`inputs_apart`, with
        each input's first line from the inputs' classes, none without an input)."""
        classes = dict(self._inputs[held.split][0]().iter_rows())
        near = ctx.shared(self.key(held.split, "prompt"), _empty_pairs)
        reps = [
            (classes.get(a, a) if has_a else None, classes.get(b, b) if has_b else None)
            for a, b, has_a, has_b in held.unanswered.iter_rows()
        ]
        return inputs_apart(reps, True, near)

    def supply(self, ctx: Context, split: str, runner: Runner) -> None:
        if ctx.supplied(self.key(split)):  # one check's form per split: the first
            return
        parts = parts_of(ctx, split)
        text = Held(runner, split, lambda: copies.later(ctx, split), parts)
        # The inputs' classes and near pairs: a classification split's examples are compared on
        # them; two examples, one or both without an answer, too. Made only when asked.
        if not ctx.supplied((*INPUT_CLASSES, split)):  # the leak checks' form may give them
            ctx.supply((*INPUT_CLASSES, split), lambda: _classes(runner, "prompt", parts))

        def classes() -> pl.DataFrame:
            return input_classes(ctx, split)

        def later() -> np.ndarray:
            frame = classes()
            return frame.filter(pl.col("line") != pl.col("rep"))["line"].to_numpy()

        inputs = Held(runner, split, later, parts, column="prompt")
        self._inputs[split] = (classes, inputs)
        ctx.supply(self.key(split, "prompt"), self._made(ctx, inputs, "prompt", False))
        supply_fetch(ctx, split, runner)
        if ctx.splits[split].kind != CLASSIFICATION:
            ctx.supply(self.key(split), self._made(ctx, text, "text", ctx.splits[split].kind != TEXT))
            return

        def examples() -> pl.DataFrame:
            found = ctx.shared(self.key(split, "prompt"), _empty_pairs)
            args = [(text.later[0], classes(), _lines(found))] * len(runner)
            parts_of = runner.get([h[0] for h in runner.blocks(near_blocks.examples_step, args)])
            ex = pl.concat(parts_of).sort("line")
            return labelled_join(found, ex, ex, same=True)

        ctx.supply(self.key(split), examples)
