"""Same inputs under different labels: the labelled rows whose input another row of their split has.

LBL001 reads one frame: `split`, `line`, `key` (the hash of the row's system prompt and normalised
input), `prompt_exact` (its input's exact hash: how many spellings a group has) and `label`, for the
rows of each split whose key another row of the split shares under another label. A row's key is
computed from that row alone, so an engine that keeps a split's rows on other machines computes
the keys there, block by block, brings the rows of one key together by a shuffle on it and gives the
scan only the conflicting keys (`GROUPING`, the check's `Grouping`; the local engine builds the same
frame from the rows it holds). The input a finding quotes is the first row's of each group
(`quoted`), fetched from where the rows are.
"""

from __future__ import annotations

import polars as pl

from dataqa.checks.labels.base import split_labels
from dataqa.engine.context import Context
from dataqa.engine.registry import Grouping
from dataqa.text.copies import supplied_texts
from dataqa.text.hashing import HASH_SEED
from dataqa.text.normalise import hashes

SAME_INPUTS = ("same_inputs",)
"""The shared key of the frame (module docstring): an engine that made it elsewhere supplies it."""
INPUT_TEXTS = ("same_input_texts",)
"""The shared key of the inputs (`split`, `line`, `text`) of the quoted rows of splits held elsewhere."""
SCHEMA = {
    "split": pl.String,
    "line": pl.Int64,
    "key": pl.UInt64,
    "prompt_exact": pl.UInt64,
    "label": pl.String,
}


def keyed(ctx: Context, split: str) -> pl.DataFrame:
    """`split`, `line`, `key`, `prompt_exact`, `label` of every labelled row with a non-empty input of a
    split the context holds (a whole split, or a block of it on a worker)."""
    rows = ctx.valid_rows(split).select("line", "prompt")
    return (
        split_labels(ctx, split)
        .join(hashes(ctx, split).select("line", "prompt_norm", "prompt_exact", "system_exact"), on="line")
        .join(rows, on="line")
        .filter(pl.col("prompt").str.strip_chars().str.len_chars() > 0)
        .select(
            pl.lit(split).alias("split"),
            "line",
            pl.struct("system_exact", "prompt_norm").hash(HASH_SEED).alias("key"),
            "prompt_exact",
            "label",
        )
        .cast(SCHEMA)  # type: ignore[arg-type]
    )


def conflicts(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows of `keyed` frames whose key other rows of their split share under another label (all
    rows of one key must be among the frames: a shuffle's partition, or the whole scan), by split
    and line."""
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    rows = pl.concat(frames, how="vertical")
    return (
        rows.filter(pl.col("label").n_unique().over("split", "key") > 1).sort("split", "line").cast(SCHEMA)  # type: ignore[arg-type]
    )


def same_inputs(ctx: Context) -> pl.DataFrame:
    """The conflicting rows of every split (module docstring), made once per scan from the rows
    here, or supplied by the engine that holds them."""
    return ctx.shared(SAME_INPUTS, lambda: conflicts([keyed(ctx, name) for name in ctx.splits]))


def quoted(frame: pl.DataFrame) -> pl.DataFrame:
    """`split`, `line` of the first row of each group: the input a finding quotes."""
    return (
        frame.sort("split", "line")
        .filter(pl.int_range(pl.len()).over("split", "key") == 0)
        .select("split", "line")
    )


def inputs(ctx: Context, split: str, lines: list[int]) -> dict[int, str]:
    """The raw inputs of the given lines of a split: from its rows, or, for a split whose rows are
    elsewhere, from what its engine supplied (`INPUT_TEXTS`)."""
    if ctx.splits[split].elsewhere is not None:
        frame = supplied_texts(ctx, INPUT_TEXTS, split, lines)
    else:
        frame = ctx.valid_rows(split).filter(pl.col("line").is_in(lines)).select("line", "prompt")
    return {line: text or "" for line, text in frame.iter_rows()}


class SameInputs(Grouping):
    """The grouping of the conflicting-label check (module docstring)."""

    shared = SAME_INPUTS
    texts = INPUT_TEXTS
    column = "prompt"

    def keyed(self, ctx: Context, split: str) -> pl.DataFrame:
        return keyed(ctx, split)

    def combine(self, frames: list[pl.DataFrame]) -> pl.DataFrame:
        return conflicts(frames)

    def quoted(self, frame: pl.DataFrame) -> pl.DataFrame:
        return quoted(frame)


GROUPING = SameInputs()
