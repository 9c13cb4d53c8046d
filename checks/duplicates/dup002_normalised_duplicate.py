"""DUP002 normalised-duplicate: records identical after case, spacing, punctuation, Unicode forms."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dataqa.checks.duplicates.base import DuplicateCheck, exact_groups, groups_of, other_lines
from dataqa.core.models import Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import GROUP, register
from dataqa.text import copies


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
    shares = frozenset({"copies", "copy_texts", "distinct"})
    name = "normalised-duplicate"
    family = "duplicates"
    severity = Severity.WARNING
    scope = GROUP
    grouping = copies.GROUPING

    def groups(self, ctx: Context, split: str) -> list[list[int]]:
        firsts = exact_groups(ctx, split).filter(
            (pl.col("line") == pl.col("rep")) & pl.col("norm").is_not_null()
        )
        return groups_of(firsts, "norm")

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        first = ctx.location(split, group[0])
        return (
            f"{len(group)} records identical to {first} after normalisation (case, spacing, "
            f"punctuation): {other_lines(ctx, split, group)}",
            {"similarity": 1.0},
        )
