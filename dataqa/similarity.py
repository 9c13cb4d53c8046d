"""Shared text-similarity machinery: normalisation, content hashes (and, from #3, near-duplicates).

Duplicates, leakage and label checks all ask "are these the same text?", inside one split or
across two; they share this one engine, computed once per scan through `Context.shared`.
"""

from __future__ import annotations

import polars as pl

from dataqa.context import Context

HASHED_COLUMNS = ("text", "prompt", "response")
"""Canonical columns that get exact and normalised hashes."""

_HASH_SEED = 0x5EED


def normalise_expr(text: pl.Expr) -> pl.Expr:
    """Unicode NFKC, case-folded, punctuation and symbols dropped, whitespace collapsed and trimmed.

    Two texts that differ only in case, spacing, punctuation or Unicode presentation normalise to
    the same string.
    """
    return (
        text.fill_null("")
        .str.normalize("NFKC")
        .str.to_lowercase()
        .str.replace_all(r"[\p{P}\p{S}]+", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def _hash_frame(frame: pl.DataFrame) -> pl.DataFrame:
    exprs = [pl.col("line")]
    for column in HASHED_COLUMNS:
        exprs.append(pl.col(column).fill_null("").hash(_HASH_SEED).alias(f"{column}_exact"))
        exprs.append(normalise_expr(pl.col(column)).hash(_HASH_SEED).alias(f"{column}_norm"))
    exprs.append(pl.col("system").fill_null("").hash(_HASH_SEED).alias("system_exact"))
    exprs.append(pl.col("label").hash(_HASH_SEED).alias("label_exact"))
    return frame.select(exprs)


def hashes(ctx: Context, split: str) -> pl.DataFrame:
    """Per valid record of `split`: `line`, `<col>_exact` and `<col>_norm` hashes for text, prompt
    and response, plus `system_exact` and `label_exact`. Computed once per scan.
    """
    return ctx.shared(("hashes", split), lambda: _hash_frame(ctx.valid_rows(split)))
