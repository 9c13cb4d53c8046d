"""Same inputs under different labels: the labelled rows whose input another row of their split has.

LBL001 reads one frame: `split`, `line`, `key` (the hash of the row's system prompt and normalised
input), `prompt_exact` (its input's exact hash: how many spellings a group has) and `label`, for the
rows of each split whose key another row of the split shares under another label. A row's key is
computed from that row alone, so an engine that keeps a split's rows on other machines computes
the keys there, block by block, brings the rows of one key together by a shuffle on it and gives the
scan only the conflicting keys (`GROUPING`, the check's `Grouping`; the local engine builds the same
frame from the rows it holds). The input a finding quotes is the first row's of each group
(`quoted`), fetched from where the rows are.

A multiple-choice row (`dataqa.ingest.choices`) is keyed on its question (with its passage) alone,
not on its choices in their order, and compared by its right answer's text (`answer`) and its
choices' (`offered`), not by the right choice's position: shuffled choices with one answer are one
answer, and two answers contradict where one is offered by the other as a wrong choice
(`choices.contradictions`). Those rows are kept whatever their split (LEAK005 reads the same frame for
the same question answered otherwise in another split); `partners` says which rows each contradicts.
"""

from __future__ import annotations

import polars as pl

from dataqa.checks.labels.base import split_labels
from dataqa.engine.context import Context
from dataqa.engine.registry import Grouping
from dataqa.ingest.choices import answer_text, contradictions, folded, rendered
from dataqa.ingest.layouts import MULTIPLE_CHOICE
from dataqa.text.copies import supplied_texts
from dataqa.text.hashing import HASH_SEED
from dataqa.text.normalise import content_hash, hashes, normalise

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
    "answer": pl.String,
    "offered": pl.List(pl.String),
}


def keyed(ctx: Context, split: str) -> pl.DataFrame:
    """`split`, `line`, `key`, `prompt_exact`, `label`, `answer`, `offered` of every labelled row with a
    non-empty input of a split the context holds (a whole split, or a block of it on a worker); a
    multiple-choice row's key, label, answer and choices as the module docstring says."""
    rows = ctx.valid_rows(split).select("line", "prompt", "response")
    frame = (
        split_labels(ctx, split)
        .join(hashes(ctx, split).select("line", "prompt_norm", "prompt_exact", "system_exact"), on="line")
        .join(rows, on="line")
        .filter(pl.col("prompt").str.strip_chars().str.len_chars() > 0)
    )
    if ctx.splits[split].kind == MULTIPLE_CHOICE:
        read = [rendered(prompt) for prompt in frame["prompt"].to_list()]
        frame = frame.with_columns(
            content_hash(normalise(pl.Series([q for q, _ in read], dtype=pl.String))).alias("prompt_norm"),
            pl.col("response").alias("label"),
            pl.Series([answer_text(r or "") for r in frame["response"].to_list()], dtype=pl.String).alias(
                "answer"
            ),
            pl.Series([[folded(c) for c in cs] for _, cs in read], dtype=pl.List(pl.String)).alias("offered"),
        )
    else:
        frame = frame.with_columns(
            pl.col("label").alias("answer"), pl.lit([], dtype=pl.List(pl.String)).alias("offered")
        )
    return frame.select(
        pl.lit(split).alias("split"),
        "line",
        pl.struct("system_exact", "prompt_norm").hash(HASH_SEED).alias("key"),
        "prompt_exact",
        "label",
        "answer",
        "offered",
    ).cast(SCHEMA)  # type: ignore[arg-type]


def conflicts(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows of `keyed` frames whose key other rows of their split share under another label, and
    the multiple-choice rows another row of their key contradicts in any split (`partners`); all rows
    of one key must be among the frames (a shuffle's partition, or the whole scan), by split and line."""
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    rows = pl.concat(frames, how="vertical")
    chosen = pl.col("offered").list.len() > 0
    rows = rows.filter(
        (~chosen & (pl.col("label").n_unique().over("split", "key") > 1))
        | (chosen & (pl.col("answer").n_unique().over("key") > 1))
    )
    kept = {row for row, found in partners(rows.filter(chosen)).items() if found}
    keep = [
        not offered or (split, line) in kept
        for split, line, offered in rows.select("split", "line", "offered").iter_rows()
    ]
    return rows.filter(pl.Series(keep, dtype=pl.Boolean)).sort("split", "line").cast(SCHEMA)  # type: ignore[arg-type]


Row = tuple[str, int]
"""A row of the frame: its split and line."""


def partners(frame: pl.DataFrame) -> dict[Row, list[Row]]:
    """Per multiple-choice row of the frame (rows with `offered` choices): the rows of its key that
    contradict it (`choices.contradictions`), in any split, by split and line."""
    out: dict[Row, list[Row]] = {}
    chosen = frame.filter(pl.col("offered").list.len() > 0)
    for (_key,), group in chosen.group_by("key"):
        rows = list(zip(group["split"].to_list(), group["line"].to_list(), strict=True))
        found = contradictions(group["answer"].to_list(), group["offered"].to_list())
        for row, others in zip(rows, found, strict=True):
            out[row] = sorted(rows[j] for j in others)
    return out


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


GROUPING = Grouping(SAME_INPUTS, INPUT_TEXTS, keyed, conflicts, quoted, column="prompt")
"""The grouping of the conflicting-label check (module docstring)."""
