"""SIZE002 rare-class: classes with too few training examples to be learned."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.labels.base import per_class_bar, split_classes
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
    needs = frozenset({"label", "text_classes", "classes"})
    shares = frozenset({"split_classes", "split_labels"})

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Train's rows per class (`split_classes`: a row counts once for each class it names)."""
        groups = split_classes(ctx, "train").group_by("label").agg(pl.col("line").n_unique())
        return {"classes": Counter(dict(groups.iter_rows()))}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        return sorted(label for label, n in summary["classes"].items() if n < per_class_bar(ctx)) or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        return {"classes": split_classes(ctx, "train").filter(pl.col("label").is_in(wanted))}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        bar = per_class_bar(ctx)
        # A list label (one rating per annotator, a multi-label row) names several classes: each
        # is counted on its own, since a class is learned from every row that carries it.
        self.metrics["classes"] = len(summary["classes"])
        self.metrics["rare_classes"] = 0
        if "rows" not in summary:  # no class is rare (`wanted`)
            return
        groups = (
            summary["rows"]["classes"].group_by("label").agg(pl.col("line").unique().sort()).sort("label")
        )
        self.metrics["rare_classes"] = groups.height
        for label, lines in groups.iter_rows():
            yield self.finding(
                f"class {label[:80]!r} has {len(lines)} training example(s), under the minimum of {bar}",
                [ctx.location("train", n) for n in lines],
                [label[:160]],
                metrics={"count": len(lines), "threshold": bar},
            )
