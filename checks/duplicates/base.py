"""Shared machinery of the DUP checks: exact groups, evidence texts and the base class that reports groups.

DUP: duplicate examples inside one split, from exact copies to near-duplicates and repeated inputs.

The layers do not report the same copies twice: exact copies (DUP001) are collapsed to their first
line before normalised duplicates (DUP002) are looked for (both read `dataqa.text.copies`, which an
engine may make on the blocks of a split it holds elsewhere), and normalised classes to their first
line before near-duplicates (DUP003). Each finding is one group, its first location the kept
representative; `unusable` lists every other member. All text work is `dataqa.text.similarity`'s.

"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check
from dataqa.ingest.issues import excerpt
from dataqa.text import copies

EVIDENCE_CHARS = 160


def duplicate_rate(copies: int, rows: int) -> float:
    """Copies per valid row, rounded for the metrics."""
    return round(copies / rows, 6) if rows else 0.0


def exact_groups(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `norm`, `rep` (the first line with the identical text) of the split's rows that
    share their text, or its normalised form, with another row (`copies`: every other row is alone)."""
    return copies.of_split(ctx, split).with_columns(pl.col("line").min().over("exact").alias("rep"))


def groups_of(frame: pl.DataFrame, by: str) -> list[list[int]]:
    """The lines of `frame` grouped on `by`, groups of two rows or more, each sorted, by first line."""
    grouped = frame.group_by(by).agg(pl.col("line").sort()).filter(pl.col("line").list.len() > 1)
    return sorted(grouped["line"].to_list(), key=lambda g: g[0])


class DuplicateCheck(Check):
    """Shared reporting of duplicate groups, one split at a time."""

    def groups(self, ctx: Context, split: str) -> list[list[int]]:  # pragma: no cover - abstract
        """Duplicate groups of a split, each a sorted list of lines (the kept one first)."""
        raise NotImplementedError

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        """A group's message and extra metrics."""
        raise NotImplementedError  # pragma: no cover - abstract

    def extra_evidence(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> list[str]:
        """Evidence after the excerpts of the group's first two rows (none by default)."""
        return []

    def run(self, ctx: Context) -> Iterator[Finding]:
        """One finding per group, every member but the first unusable."""
        for split in ctx.splits:
            rows = ctx.valid_count(split)
            groups = self.groups(ctx, split)
            repeats = sum(len(g) - 1 for g in groups)
            self.metrics[f"{split}_duplicate_rate"] = duplicate_rate(repeats, rows)
            self.metrics[f"{split}_groups"] = len(groups)
            needed = sorted({line for g in groups for line in g[:2]})
            texts = copies.texts(ctx, split, needed) if needed else {}
            for group in groups:
                message, metrics = self.describe(ctx, split, group, texts)
                locations = [ctx.location(split, line) for line in group]
                evidence = [
                    f"{ctx.location(split, line)}: {excerpt(texts.get(line, ''), EVIDENCE_CHARS)}"
                    for line in group[:2]
                ]
                evidence += self.extra_evidence(ctx, split, group, texts)
                yield self.finding(
                    message,
                    locations,
                    evidence,
                    metrics={"group_size": len(group), **metrics},
                    unusable=locations[1:],
                )


def other_lines(ctx: Context, split: str, group: list[int], limit: int = 5) -> str:
    """The lines of a group after its first, a few of them, for a finding's message."""
    more = f" and {len(group) - 1 - limit} more" if len(group) - 1 > limit else ""
    return ctx.describe(split, group[1 : limit + 1]) + more
