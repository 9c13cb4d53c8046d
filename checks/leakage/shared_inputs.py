"""Inputs found in two splits: the rows whose normalised input another split has (the identical and
normalised inputs the leak checks compare: LEAK005's input leaks on generative data, every pair of
inputs on labelled data).

One frame: `split`, `line`, `key` (the hash of the row's normalised input), `prompt_exact` and
`system_exact`, for every valid row with a non-empty input whose key a row of another split has. A
row's key is computed from that row alone, so an engine that keeps a split's rows on other machines
computes the keys there, block by block, brings the rows of one key together by a shuffle on it and
gives the scan only the keys of two splits (`GROUPING`); the local engine builds the same frame from
the rows it holds. Every row of such a key in its split is there, so the first line of each key in
a split is its input's representative, as `normalise.distinct` makes it (`input_rows`).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dataqa.engine.context import Context
from dataqa.engine.registry import Grouping
from dataqa.text.normalise import content_hash, hashes

SHARED_INPUTS = ("shared_inputs",)
"""The shared key of the frame (module docstring): an engine that made it elsewhere supplies it."""
SHARED_INPUT_TEXTS = ("shared_input_texts",)
"""The shared key of quoted rows' texts (none: a leak's rows are fetched by `copies.texts`)."""
SCHEMA = {
    "split": pl.String,
    "line": pl.Int64,
    "key": pl.UInt64,
    "prompt_exact": pl.UInt64,
    "system_exact": pl.UInt64,
}
EMPTY = content_hash(pl.Series([""], dtype=pl.String))[0]
"""The hash of an empty normalised input (a row without one is no input)."""


def keyed(ctx: Context, split: str) -> pl.DataFrame:
    """`split`, `line`, `key`, `prompt_exact`, `system_exact` of every valid row with a non-empty
    normalised input of a split the context holds (a whole split, or a block of it on a worker)."""
    return (
        hashes(ctx, split)
        .filter(pl.col("prompt_norm") != EMPTY)
        .select(
            pl.lit(split).alias("split"),
            "line",
            pl.col("prompt_norm").alias("key"),
            "prompt_exact",
            "system_exact",
        )
        .cast(SCHEMA)  # type: ignore[arg-type]
    )


def across(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows of `keyed` frames whose key a row of another split has (`in_two_splits`)."""
    return in_two_splits(frames, SCHEMA)


def in_two_splits(frames: list[pl.DataFrame], schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of keyed frames (`split`, `line`, `key`, ... of `schema`) whose key a row of another
    split has (all rows of one key must be among the frames: a shuffle's partition, or the whole
    scan), by split and line: LEAK005's shared inputs and LEAK007's shared answers."""
    if not frames:
        return pl.DataFrame(schema=schema)
    rows = pl.concat(frames, how="vertical")
    return rows.filter(pl.col("split").n_unique().over("key") > 1).sort("split", "line").cast(schema)  # type: ignore[arg-type]


def shared_inputs(ctx: Context) -> pl.DataFrame:
    """The rows of every split whose input another split has, made once per scan from the rows
    here, or supplied by the engine that holds them."""
    return ctx.shared(SHARED_INPUTS, lambda: across([keyed(ctx, name) for name in ctx.splits]))


def input_rows(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `key`, `rep` (the first line of the split with its normalised input), `prompt_exact`,
    `system_exact` of the split's rows whose input another split has."""
    rows = shared_inputs(ctx).filter(pl.col("split") == split).drop("split")
    return rows.with_columns(pl.col("line").min().over("key").alias("rep"))


GROUPING = Grouping(SHARED_INPUTS, SHARED_INPUT_TEXTS, keyed, across, column="prompt")
"""The grouping of LEAK005's identical and normalised inputs (module docstring)."""
