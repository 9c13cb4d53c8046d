"""LBL005 label-missing-from-eval: training labels the held-out split never evaluates."""

from __future__ import annotations

from collections import Counter
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
class LabelMissingFromEval(Summarised):
    """A training label that the test (or validation) split never uses: that class is not evaluated.
    A list label is read as its classes (see LBL004): each class, not each combination, needs one.

    Why: the test score says nothing about a class it does not contain; regressions on it go
    unnoticed until production.
    Example: train has 40 `legal` tickets, test has none.
    Fix: move or add a few examples of each class to the held-out split (a stratified split).
    """

    id = "LBL005"
    shares = frozenset({"split_classes", "split_labels"})
    name = "label-missing-from-eval"
    family = "labels"
    severity = Severity.INFO
    needs = frozenset({"label", "text_classes", "classes", "eval"})

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Train's rows per class, and the classes of each held-out split (`split_classes`)."""
        return {
            "train": Counter(split_classes(ctx, "train")["label"].to_list()),
            "held_out": {s.name: set(split_classes(ctx, s.name)["label"].to_list()) for s in ctx.eval_splits},
        }

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Train's classes some held-out split (that has classes) never has: their rows are named."""
        missing = {label for present in summary["held_out"].values() if present for label in summary["train"]}
        missing -= set.intersection(*[p for p in summary["held_out"].values() if p] or [set()])
        return sorted(missing) or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        return {"train": split_classes(ctx, "train").filter(pl.col("label").is_in(wanted))}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        rows = summary["rows"]["train"] if "rows" in summary else None
        train = None if rows is None else rows.group_by("label").agg(pl.col("line").sort()).sort("label")
        for split in ctx.eval_splits:
            present = summary["held_out"][split.name]
            if not present:
                continue
            missing = [] if train is None else train.filter(~pl.col("label").is_in(sorted(present))).rows()
            self.metrics[f"{split.name}_missing_labels"] = len(missing)
            for label, lines in missing:
                yield self.finding(
                    f"training label {label[:80]!r} ({len(lines)} rows) never occurs in {split.name}; "
                    "the class is not evaluated",
                    [ctx.location("train", line) for line in lines],
                    [label[:160]],
                    metrics={"label": label, "split": split.name, "train_count": len(lines)},
                )
