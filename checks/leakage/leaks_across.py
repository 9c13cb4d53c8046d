"""The leak checks' form (LEAK003-005, `LeaksAcross`) when a split they compare is held in blocks on
the Ray workers: the near pairs across splits (`dataqa.text.near_across`), the rows whose input
another split has (`shared_inputs`), and on labelled data the `input_sides` of the held split's rows
those inputs and the near ones name.

Labelled data is compared on inputs under labels: each held-out row's input, system prompt and label
against the reference rows' with an identical or a near input. Locally `input_sides` holds every row of
a split; every use joins it to pairs of inputs, so a held split supplies the rows of those inputs
only: the rows of the inputs another split has (the shuffle's frame, with their representatives),
and every row of the inputs its near pairs across name (at LEAK003's and LEAK005's threshold and
shingle, their rows from the inputs' classes), their row-local fields (`base.side_rows`) made on
the blocks in one round when first asked. The driver holds those rows, not the split's.
"""

from __future__ import annotations

import functools

import numpy as np
import polars as pl

from dataqa.checks.labels import same_inputs
from dataqa.checks.leakage import contained
from dataqa.checks.leakage.base import (
    SIDE_SCHEMA,
    SIDES,
    comparisons,
    input_options,
    labelled,
    near_options,
    side_rows,
)
from dataqa.checks.leakage.shared_inputs import GROUPING, SHARED_INPUTS, input_rows
from dataqa.engine.context import Context
from dataqa.engine.registry import Runner
from dataqa.text import copies
from dataqa.text.near_across import NearAcross
from dataqa.text.near_duplicates import _empty_pairs, pairs_key
from dataqa.text.near_held import input_classes


class LeaksAcross(NearAcross):
    """LEAK003-005's form (module doc): the near pairs across splits at the options of LEAK003 and
    LEAK005 read from the scan's configuration, the rows whose input another split has
    (`shared_inputs.GROUPING`'s frame, which the engine supplies from its shuffle), and on
    labelled data `input_sides` and the rows of one input or question under other labels (LBL001's
    `same_inputs.GROUPING`: multiple-choice questions are compared on it)."""

    groupings = (copies.GROUPING, GROUPING, same_inputs.GROUPING, contained.GROUPING)

    def __init__(self) -> None:
        super().__init__(near_options, comparisons, input_options)

    def supplied(self, ctx: Context, split: str) -> bool:
        sides = not labelled(ctx) or ctx.supplied((*SIDES, split))
        questions = not labelled(ctx) or ctx.supplied(same_inputs.SAME_INPUTS)
        return sides and questions and ctx.supplied(SHARED_INPUTS) and super().supplied(ctx, split)

    def supply(self, ctx: Context, split: str, runner: Runner) -> None:
        super().supply(ctx, split, runner)
        if labelled(ctx) and not ctx.supplied((*SIDES, split)):
            ctx.supply((*SIDES, split), functools.partial(self._sides, ctx, split, runner))

    def _sides(self, ctx: Context, split: str, runner: Runner) -> pl.DataFrame:
        """`input_sides` of the held split's rows whose input another split has, identical or near."""
        near = [pl.Series(dtype=pl.Int64)]
        for left, right in self._pairs_of(ctx, split):
            for options in dict.fromkeys([near_options(ctx), input_options(ctx)]):
                found = ctx.shared(pairs_key(left, right, "prompt", *options), _empty_pairs)
                near.append(found["left_line" if split == left else "right_line"])
        reps = pl.concat(near).unique().sort()
        classes = input_classes(ctx, split).filter(pl.col("rep").is_in(reps.implode()))
        rows = pl.concat(
            [
                input_rows(ctx, split).select("line", "rep"),
                classes.select("line", "rep"),
                pl.DataFrame({"line": reps, "rep": reps}),
            ]
        ).unique("line")
        lines = np.sort(rows["line"].to_numpy())
        got = runner.get([h[0] for h in runner.blocks(side_rows, [(lines,)] * len(runner))])
        fields = pl.concat([pl.DataFrame(schema=SIDE_SCHEMA), *got])
        return rows.join(fields, on="line").sort("line")
