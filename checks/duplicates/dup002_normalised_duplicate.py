"""DUP002 normalised-duplicate: records identical after case, spacing, punctuation, Unicode forms."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dataqa.checks.duplicates.base import DuplicateCheck, exact_groups, other_lines
from dataqa.core.models import Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.text import similarity


@register
@dataclass
class NormalisedDuplicate(DuplicateCheck):
    """Records that are identical once case, spacing, punctuation and Unicode forms are ignored.

    Why: "Reset my password." and "reset my password" teach the model the same thing twice; they
    escape an exact comparison and over-weight one example just as much. Exact copies are reported
    by DUP001 and stand here as their first line.
    Example: line 8 "How do I return an item?" and line 302 "how do i return an item" with the
    same reply.
    Fix: keep one record of each group.
    """

    id = "DUP002"
    shares = frozenset({"distinct"})
    name = "normalised-duplicate"
    family = "duplicates"
    severity = Severity.WARNING

    def groups(self, ctx: Context, split: str) -> list[list[int]]:
        exact = exact_groups(ctx, split).filter(pl.col("line") == pl.col("rep")).select("line")
        norm = similarity.distinct(ctx, split, "text").members.join(exact, on="line", how="semi")
        grouped = norm.group_by("rep").agg(pl.col("line").sort()).filter(pl.col("line").list.len() > 1)
        return sorted(grouped["line"].to_list(), key=lambda g: g[0])

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        first = ctx.location(split, group[0])
        return (
            f"{len(group)} records identical to {first} after normalisation (case, spacing, "
            f"punctuation): {other_lines(ctx, split, group)}",
            {"similarity": 1.0},
        )
