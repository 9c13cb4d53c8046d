"""Copies: the rows of a scan whose text another row shares, exactly or after normalisation.

One frame answers "which rows are copies of which?" for the exact and normalised duplicate and leak
checks (DUP001/002, LEAK001/002): `split`, `line`, `exact` (the content hash of the text, with a
preference pair's rejected answer) and `norm` (the hash of its normalised form, `normalise`; null
when that is empty), for every valid row whose
key (`norm`, or `exact` when `norm` is null) another row of any split shares. A row's key is computed
from that row alone, so an engine that keeps the rows on other machines may compute the keys there,
block by block (`keyed`), bring the rows of one key together by a shuffle on it (`shared_keys`), and
give the scan only the keys held by two rows or more (`Context.supply`): the checks read the same
frame whichever engine made it (`GROUPING`, the checks' `Grouping`). Equality is of 64-bit hashes
(`hashing.HASH_SEED`), as every other "same text" of the scan: two different texts are taken for
copies with a chance of about n² / 2⁶⁵ (3 in 10⁸ at a million rows).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.engine.parts import Parts
from dataqa.engine.registry import Grouping
from dataqa.ingest.choices import same_answer
from dataqa.ingest.formats import PREFERENCE_FORMATS
from dataqa.ingest.layouts import CLASSIFICATION, MULTIPLE_CHOICE
from dataqa.text.hashing import HASH_SEED
from dataqa.text.normalise import content_hash, distinct, normalise

COPIES = ("copies",)
"""The shared key of the frame (`copies`): an engine that made it elsewhere supplies it."""
COPY_TEXTS = ("copy_texts",)
"""The shared key of the raw texts of splits whose rows are elsewhere (`texts`): `split`, `line`,
`text` of the rows a finding may quote (`quoted`), supplied by the engine that holds the rows."""
FETCH = ("fetch_texts",)
"""With a split's name after it, the shared key of a function of lines (and a column, default
"text") that gives their `line` and raw column from a split whose rows are elsewhere (its blocks):
the rows no other key quotes."""
SCHEMA = {"split": pl.String, "line": pl.Int64, "exact": pl.UInt64, "norm": pl.UInt64}


def keyed(ctx: Context, split: str) -> pl.DataFrame:
    """`split`, `line`, `exact`, `norm` of every valid row of a split the context holds (a whole
    split, or a block of it on a worker). A preference pair's rejected answer is part of it: one
    prompt and chosen answer over two rejected ones are two pairs (an all-pairs DPO set), not a copy."""
    rows = ctx.valid_rows(split).select("line", content_hash(pl.col("text")).alias("exact"), "rejected")
    d = distinct(ctx, split, "text")
    norms = d.members.join(pl.DataFrame({"rep": d.lines, "norm": content_hash(d.texts)}), on="rep")
    frame = rows.join(norms.select("line", "norm"), on="line", how="left", maintain_order="left")
    if ctx.splits[split].kind in PREFERENCE_FORMATS:
        exact = content_hash(frame["rejected"]).alias("rejected")
        norm = content_hash(normalise(frame["rejected"])).alias("rejected")
        frame = frame.with_columns(
            pl.struct("exact", exact).hash(HASH_SEED).alias("exact"),
            pl.when(pl.col("norm").is_not_null()).then(pl.struct("norm", norm).hash(HASH_SEED)).alias("norm"),
        )
    return frame.select(pl.lit(split).alias("split"), "line", "exact", "norm").cast(SCHEMA)  # type: ignore[arg-type]


KEY = pl.coalesce("norm", "exact")
"""The key rows are grouped on: the normalised text's hash, or the text's when that is empty (exact
copies always share it: the normalised form is a function of the text)."""


def shared_keys(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows of `keyed` frames whose key two rows or more share (all rows of one key must be
    among the frames: a shuffle's partition, or the whole scan), ordered by split and line."""
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    rows = pl.concat(frames, how="vertical")
    return (
        rows.filter(pl.len().over(KEY) > 1).sort("split", "line").cast(SCHEMA)  # type: ignore[arg-type]
    )


def copies(ctx: Context) -> pl.DataFrame:
    """The rows of every split that share their key with another row (module docstring), made
    once per scan from the rows here, or supplied by the engine that holds them."""
    return ctx.shared(COPIES, lambda: shared_keys([keyed(ctx, name) for name in ctx.splits]))


def of_split(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `exact`, `norm` of the split's rows in `copies`, in line order."""
    return copies(ctx).filter(pl.col("split") == split).drop("split")


def class_lines(ctx: Context, split: str, reps: pl.Series) -> pl.DataFrame:
    """`line`, `rep` of every row of the classes of `reps` (distinct normalised texts, as their first
    lines: `normalise.distinct`): each rep and the rows of the split that share its normalised text,
    read from the copies, so that an engine holding the split elsewhere knows them too."""
    wanted = reps.unique().sort().cast(pl.Int64)
    rows = of_split(ctx, split).filter(pl.col("norm").is_not_null())
    rows = rows.select("line", pl.col("line").min().over("norm").alias("rep"))
    found = rows.filter(pl.col("rep").is_in(wanted.implode()))
    own = pl.DataFrame({"line": wanted, "rep": wanted})
    return pl.concat([found, own]).unique().sort("rep", "line")


def later(ctx: Context, split: str) -> np.ndarray:
    """The lines of a split whose normalised text an earlier line has (not the first of their
    class), sorted: from `copies`, so an engine that made it elsewhere knows them too."""
    rows = of_split(ctx, split).filter(pl.col("norm").is_not_null())
    return rows.filter(pl.col("line") != pl.col("line").min().over("norm"))["line"].to_numpy()


def quoted(frame: pl.DataFrame) -> pl.DataFrame:
    """`split`, `line` of the rows of a copies frame that a finding may quote: the first two rows of
    each text in each split (a group's first two rows, the first held-out and reference row of a
    leak: every one of them is the first or second row of its text in its split)."""
    return (
        frame.sort("split", "line")
        .filter(pl.int_range(pl.len()).over("split", "exact") < 2)
        .select("split", "line")
    )


def supplied_texts(ctx: Context, key: tuple[str, ...], split: str, lines: list[int]) -> pl.DataFrame:
    """`line`, `text` of the given lines of a split whose rows are elsewhere, from the texts its
    engine supplied under a grouping's `texts` key (none supplied: none)."""
    given: Parts | None = ctx.shared(key, lambda: None)
    if given is None:
        return pl.DataFrame(schema={"line": pl.Int64, "text": pl.String})
    return given.get(split, lines).select("line", "text")


def supplied_sweep(
    ctx: Context, key: tuple[str, ...], split: str, batches: list[list[int]]
) -> Iterator[pl.DataFrame]:
    """`supplied_texts` of each batch of lines in turn, read in one sweep over the parts
    (`Parts.sweep`)."""
    given: Parts | None = ctx.shared(key, lambda: None)
    if given is None:
        yield from (supplied_texts(ctx, key, split, lines) for lines in batches)
        return
    yield from (frame.select("line", "text") for frame in given.sweep(split, batches))


def texts(ctx: Context, split: str, lines: list[int], column: str = "text") -> dict[int, str]:
    """The raw `column` text of the given lines of a split (evidence excerpts): from its rows, or,
    for a split whose rows are elsewhere, from what its engine supplied (`COPY_TEXTS`; texts only),
    or else fetched from its blocks (`FETCH`: a near pair's rows, a leak's)."""
    if ctx.splits[split].elsewhere is not None and column != "text":
        frame = pl.DataFrame(schema={"line": pl.Int64, column: pl.String})
        if ctx.supplied((*FETCH, split)):
            frame = ctx.shared((*FETCH, split), lambda: None)(sorted(set(lines)), column)
    elif ctx.splits[split].elsewhere is not None:
        frame = supplied_texts(ctx, COPY_TEXTS, split, lines)
        missing = sorted(set(lines) - set(frame["line"].to_list()))
        if missing and ctx.supplied((*FETCH, split)):  # a near pair's or a leak's row
            fetch = ctx.shared((*FETCH, split), lambda: None)
            frame = pl.concat([frame, fetch(missing)])
    else:
        frame = ctx.valid_rows(split).filter(pl.col("line").is_in(lines)).select("line", column)
    return {line: text or "" for line, text in frame.iter_rows()}


def compared_texts(ctx: Context, split: str, lines: list[int]) -> dict[int, str]:
    """The texts two rows' word difference compares (`similarity.word_diff`): a classification
    record's input alone (its label is no word of what it says: "shares 5 of 6 words" counted the
    class "2"), any other record's text (`texts`)."""
    return texts(ctx, split, lines, "prompt" if ctx.splits[split].kind == CLASSIFICATION else "text")


def copy_key() -> pl.Expr:
    """A row's key: its normalised hash where it has one, else its exact hash (`KEY`)."""
    return KEY


GROUPING = Grouping(COPIES, COPY_TEXTS, keyed, shared_keys, quoted, key=copy_key)
"""The grouping of the exact and normalised copy checks (module docstring)."""


def answers_agree(ctx: Context, left: str, right: str, pairs: list[tuple[int, int]]) -> list[bool]:
    """Per pair of lines (of `left`, of `right`): whether the two records may be copies of one example
    as far as their answers go. Always, except between multiple-choice records whose right answers
    differ (`dataqa.ingest.choices.same_answer`): one question stem over other choices and another
    right answer is another item, however alike the texts the similarity checks compare."""
    if not pairs or any(ctx.splits[split].kind != MULTIPLE_CHOICE for split in (left, right)):
        return [True] * len(pairs)
    ours = texts(ctx, left, sorted({a for a, _ in pairs}), "response")
    theirs = texts(ctx, right, sorted({b for _, b in pairs}), "response")
    # a row whose answer could not be read here (held on workers that supplied none) is not judged
    return [not (ours.get(a) and theirs.get(b)) or same_answer(ours[a], theirs[b]) for a, b in pairs]
