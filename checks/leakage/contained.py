"""Inputs held whole inside another split's input: a training prompt with a sentence or two added
around it (an instruction before, a request after) and the same answer or label (LEAK006).

One frame: `split`, `line`, `key`, `whole`. Each valid row with a short input (at most
`MAX_SEGMENTS` sentences or clauses) gives the key of its whole input and, for every way of leaving
out one or two of its sentences, the key of what is left (`whole` false), each combined with the
hash of its normalised answer (its label, on labelled data): the same key on a whole input of one
split and on a part of another's is a held-out input that holds a training one whole, or the reverse,
with the same answer. A key is computed from its row alone, so an engine that keeps a split's rows on
other machines keys them there and brings the rows of a key together by a shuffle (`GROUPING`).
"""

from __future__ import annotations

import re
from itertools import combinations

import polars as pl

from dataqa.engine.context import Context
from dataqa.engine.registry import Grouping
from dataqa.text.hashing import HASH_SEED
from dataqa.text.normalise import content_hash, hashes, normalise

CONTAINED = ("contained_inputs",)
"""The shared key of the frame (module docstring): an engine that made it elsewhere supplies it."""
CONTAINED_TEXTS = ("contained_input_texts",)
"""The shared key of quoted rows' texts (none: a leak's rows are fetched by `copies.texts`)."""
SCHEMA = {"split": pl.String, "line": pl.Int64, "key": pl.UInt64, "whole": pl.Boolean}

MAX_SEGMENTS = 6
"""Inputs of more sentences are left to the near and n-gram layers (LEAK003, LEAK004), which read a
long input's added sentence as a small part of it; this layer is for the short ones."""
MIN_WORDS = 5
"""Words (a CJK character counts as one) the contained input needs: a shorter one ("thank you very
much", "yes") is a phrase many texts hold, not an example."""
STOCK_ROWS = 5
"""Rows of one split holding the same input as a part from which it is a stock phrase."""

_BOUNDARY = r"(?:[.!?:;](?:\s+|$)|[\u3002\uff01\uff1f\uff1a\uff1b]\s*|\n+)"
"""Where a sentence or clause ends: a stop and a space, a CJK stop, a line break."""
_CJK = r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"


def segments(text: str) -> list[str]:
    """The sentences (or clauses) of `text`, each with its closing mark."""
    out, start = [], 0
    for m in re.finditer(_BOUNDARY, text):
        if text[start : m.end()].strip():
            out.append(text[start : m.end()])
        start = m.end()
    if text[start:].strip():
        out.append(text[start:])
    return out


def parts(text: str) -> list[str]:
    """`text` with one or two of its sentences left out, for a text of 2 to `MAX_SEGMENTS` of them."""
    segs = segments(text)
    if not 2 <= len(segs) <= MAX_SEGMENTS:
        return []
    out = []
    for n in (1, 2):
        for dropped in combinations(range(len(segs)), n):
            if n < len(segs):
                out.append(" ".join(s for i, s in enumerate(segs) if i not in dropped))
    return out


def normalised_words(norm: pl.Expr) -> pl.Expr:
    """Words of a normalised text, a CJK character counted as one word."""
    return norm.str.count_matches(r"[^\s\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+") + norm.str.count_matches(
        _CJK
    )


CHUNK_ROWS = 50_000
"""Rows cut into parts at once: a split's parts (up to 21 a row) live only until they are hashed."""


def _part_keys(rows: pl.DataFrame) -> pl.DataFrame:
    """`line`, `key`, `whole` (false) of the parts of `rows`' inputs (`parts`) with `MIN_WORDS` words."""
    cut = rows.filter(pl.col("prompt").str.contains(_BOUNDARY)).select("line", "response_norm", "prompt")
    # in Python, not `map_elements`: no Python function runs inside a polars query (test_layers)
    cut = cut.with_columns(pl.Series("prompt", [parts(t) for t in cut["prompt"]], dtype=pl.List(pl.String)))
    cut = cut.explode("prompt").drop_nulls("prompt")
    if not cut.height:
        return pl.DataFrame(schema={"line": pl.Int64, "key": pl.UInt64, "whole": pl.Boolean})
    return (
        cut.with_columns(normalise(cut["prompt"]).alias("norm"))
        .filter(normalised_words(pl.col("norm")) >= MIN_WORDS)
        .select(
            "line",
            pl.struct(content_hash(pl.col("norm")).alias("prompt_norm"), "response_norm")
            .hash(HASH_SEED)
            .alias("key"),
            pl.lit(False).alias("whole"),
        )
        .unique(["line", "key"])
    )


def keyed(ctx: Context, split: str) -> pl.DataFrame:
    """`split`, `line`, `key`, `whole` of the valid rows of a split the context holds (module docstring)."""
    rows = (
        ctx.valid_rows(split)
        .select("line", "prompt")
        .join(hashes(ctx, split).select("line", "prompt_norm", "response_norm"), on="line")
    )
    whole = rows.select(
        "line",
        pl.struct("prompt_norm", "response_norm").hash(HASH_SEED).alias("key"),
        pl.lit(True).alias("whole"),
    )
    cuts = [_part_keys(rows.slice(at, CHUNK_ROWS)) for at in range(0, rows.height, CHUNK_ROWS)]
    frame = pl.concat([whole, *(c.select(whole.columns) for c in cuts)], how="vertical_relaxed")
    return frame.select(pl.lit(split).alias("split"), "line", "key", "whole").cast(SCHEMA)  # type: ignore[arg-type]


def across(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows of `keyed` frames whose key is a whole input in one split and a part in another
    (all rows of one key among the frames), a part held by fewer than `STOCK_ROWS` rows of its split."""
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    rows = pl.concat(frames, how="vertical")
    parts_here = pl.col("line").filter(~pl.col("whole")).n_unique().over("key", "split")
    rows = rows.filter(pl.col("whole") | (parts_here < STOCK_ROWS))
    whole_in = pl.col("split").filter(pl.col("whole")).unique().implode().over("key")
    part_in = pl.col("split").filter(~pl.col("whole")).unique().implode().over("key")
    return (
        rows.with_columns(whole_in.alias("w"), part_in.alias("p"))
        .filter((pl.col("w").list.len() > 0) & (pl.col("p").list.len() > 0))
        .filter(pl.concat_list("w", "p").list.unique().list.len() > 1)
        .drop("w", "p")
        .sort("split", "line", "key")
        .cast(SCHEMA)  # type: ignore[arg-type]
    )


def contained(ctx: Context) -> pl.DataFrame:
    """The rows of every split whose input holds, or is held by, another split's input with the same
    answer, made once per scan from the rows here, or supplied by the engine that holds them."""
    return ctx.shared(CONTAINED, lambda: across([keyed(ctx, name) for name in ctx.splits]))


def pairs(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`line`, `ref_line`, `held_out_holds` (the held-out input holds the training one, or the
    reverse) of the held-out rows whose input holds or is held by a reference row's, same answer."""
    frame = contained(ctx)
    mine = frame.filter(pl.col("split") == eval_split).drop("split")
    theirs = frame.filter(pl.col("split") == ref_split).drop("split").rename({"line": "ref_line"})
    joined = mine.join(theirs, on="key", suffix="_ref")
    copied = joined.filter(pl.col("whole") & pl.col("whole_ref")).select("line").unique()
    return (
        joined.filter(pl.col("whole") != pl.col("whole_ref"))
        .join(copied, on="line", how="anti")
        .select("line", "ref_line", (~pl.col("whole")).alias("held_out_holds"))
        .unique(["line", "ref_line"])
        .sort("line", "ref_line")
    )


GROUPING = Grouping(CONTAINED, CONTAINED_TEXTS, keyed, across, column="prompt")
"""The grouping of LEAK006's contained inputs (module docstring)."""
