"""SIZE002 rare-class: classes with too few training examples to be learned."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.labels.base import split_classes
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register


@register
@dataclass
class RareClass(Summarised):
    """A class (label) has fewer training examples than the per-class minimum.

    Why: a class seen a handful of times is barely learned; the model will rarely predict it, and
    its test score is noise.
    Example: 600 "billing" tickets, 450 "shipping", 7 "legal".
    Fix: collect more examples of the class, merge it into a related class, or drop it.
    """

    id = "SIZE002"
    name = "rare-class"
    family = "size"
    severity = Severity.WARNING
    needs = frozenset({"label"})
    shares = frozenset({"split_classes", "split_labels"})

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Train's classes, one row per class a labelled row names (`split_classes`)."""
        return {"classes": split_classes(ctx, "train")}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        verdict = ctx.config.verdict
        bar = (
            verdict.min_per_class_production if ctx.config.goal == "production" else verdict.min_per_class_poc
        )
        # A list label (one rating per annotator, a multi-label row) names several classes: each
        # is counted on its own, since a class is learned from every row that carries it.
        groups = summary["classes"].group_by("label").agg(pl.col("line").unique().sort()).sort("label")
        self.metrics["classes"] = groups.height
        rare = 0
        for label, lines in groups.iter_rows():
            if len(lines) < bar:
                rare += 1
                yield self.finding(
                    f"class {label[:80]!r} has {len(lines)} training example(s), under the minimum of {bar}",
                    [ctx.location("train", n) for n in lines],
                    [label[:160]],
                    metrics={"count": len(lines), "threshold": bar},
                )
        self.metrics["rare_classes"] = rare
