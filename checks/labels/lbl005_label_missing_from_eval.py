"""LBL005 label-missing-from-eval: training labels the held-out split never evaluates."""

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
    needs = frozenset({"label", "eval"})

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Train's rows by class, and the classes of each held-out split (`split_classes`)."""
        return {
            "train": split_classes(ctx, "train"),
            "held_out": {s.name: set(split_classes(ctx, s.name)["label"].to_list()) for s in ctx.eval_splits},
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        train = summary["train"].group_by("label").agg(pl.col("line").sort()).sort("label")
        for split in ctx.eval_splits:
            present = summary["held_out"][split.name]
            if not present:
                continue
            missing = train.filter(~pl.col("label").is_in(sorted(present)))
            self.metrics[f"{split.name}_missing_labels"] = missing.height
            for label, lines in missing.iter_rows():
                yield self.finding(
                    f"training label {label[:80]!r} ({len(lines)} rows) never occurs in {split.name}; "
                    "the class is not evaluated",
                    [ctx.location("train", line) for line in lines],
                    [label[:160]],
                    metrics={"label": label, "split": split.name, "train_count": len(lines)},
                )
