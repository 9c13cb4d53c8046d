# ruff: noqa: RUF001  (fullwidth punctuation is data here)
"""How QUAL007's cut rules read a split's answers: a fence line, how a finished answer ends, answers a
slice at a time and narrowed predicate by predicate, and the evidence of a cut (its tail)."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from dataqa.text.redaction import snippet

FENCE_LINE = r"(?m)^[ \t]*(?:```|~~~)"
"""A line that opens or closes a fenced code block."""
ENDED = r"(?:[.!?。！？…:;][\"”'’)\]]*|[)\]}*`|])\s*$"
"""How a finished target usually ends: sentence punctuation, a closing bracket, a fence or table."""


def last_line(text: pl.Expr) -> pl.Expr:
    """The last line of each text (all of it when it has no line break): a split on line breaks,
    several times cheaper than a regex for what follows the last one."""
    return text.str.split("\n").list.last()


HABIT_ROWS = 50_000
"""Targets the split-wide rules read at once (`in_slices`). Their expressions copy what they read (a
target stripped, its lines split apart), so a slice's copies live only until it is read: read whole,
the closing lines of the 300k answers of a generated chat set took 0.4 GB more resident memory
(`benchmarks/scan.md`)."""


def in_slices(frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """`frame` `HABIT_ROWS` rows at a time (an empty frame once)."""
    for start in range(0, max(frame.height, 1), HABIT_ROWS):
        yield frame.slice(start, HABIT_ROWS)


def narrowed(frame: pl.DataFrame, *predicates: pl.Expr) -> pl.DataFrame:
    """`frame` filtered by each predicate in turn (the rows all of them hold, in frame order). One
    filter computes every predicate on every row; so, cheapest and most selective first, each costly
    one reads only the rows left (most answers end like sentences, most have no Chinese); `in_slices`."""
    parts = []
    for part in in_slices(frame):
        for predicate in predicates:
            if part.is_empty():
                break
            part = part.filter(predicate)
        parts.append(part)
    return parts[0] if len(parts) == 1 else pl.concat(parts)


def at_least_words(text: pl.Expr, n: int) -> pl.Expr:
    r"""Whether `text` holds at least `n` runs of non-space (`count_matches(r"\S+") >= n`), stopping at
    the n-th instead of counting them all."""
    if n <= 0:
        return pl.lit(True)
    if n > 64:  # a long repetition makes a large automaton: count instead
        return text.str.count_matches(r"\S+") >= n
    return text.str.contains(r"\S+(?:\s+\S+){" + str(n - 1) + "}")


def evidence_tail(body: str) -> str:
    """The evidence of a cut answer: its last 80 characters or so."""
    body = body.strip()
    return snippet(body, len(body), len(body), 80)
