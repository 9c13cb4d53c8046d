"""Shared machinery of the DUP checks: exact groups, evidence texts and the base class that reports groups.

DUP: duplicate examples inside one split, from exact copies to near-duplicates and repeated inputs.

The layers do not report the same copies twice: exact copies (DUP001) are collapsed to their first
line before normalised duplicates (DUP002) are looked for, and normalised classes to their first
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

EVIDENCE_CHARS = 160


def raw_texts(ctx: Context, split: str, lines: list[int], column: str = "text") -> dict[int, str]:
    """The raw `column` text of the given lines of a split (for evidence excerpts)."""
    frame = ctx.valid_rows(split).filter(pl.col("line").is_in(lines)).select("line", column)
    return {line: text or "" for line, text in frame.iter_rows()}


def duplicate_rate(copies: int, rows: int) -> float:
    """Copies per valid row, rounded for the metrics."""
    return round(copies / rows, 6) if rows else 0.0


def exact_groups(ctx: Context, split: str) -> pl.DataFrame:
    """`line` → `rep`, the first line with the identical `text` (every valid row)."""
    return ctx.valid_rows(split).select("line", pl.col("line").min().over("text").alias("rep")).sort("line")


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
            rows = ctx.valid_rows(split).height
            groups = self.groups(ctx, split)
            copies = sum(len(g) - 1 for g in groups)
            self.metrics[f"{split}_duplicate_rate"] = duplicate_rate(copies, rows)
            self.metrics[f"{split}_groups"] = len(groups)
            needed = sorted({line for g in groups for line in g[:2]})
            texts = raw_texts(ctx, split, needed) if needed else {}
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
