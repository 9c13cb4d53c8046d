"""LBL004 eval-label-unseen: held-out labels no training example has, never learnable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
from rapidfuzz import fuzz, process

from dataqa.checks.labels.base import split_classes
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register


def _closest(label: str, choices: list[str]) -> str | None:
    """The training label a held-out label most resembles (for a "did you mean" hint)."""
    if not choices:
        return None
    best = process.extractOne(label, choices, scorer=fuzz.ratio, score_cutoff=80)
    return best[0] if best else None


@register
@dataclass
class EvalLabelUnseen(Summarised):
    """A label in the test or validation split that no training example has.
    A label that is a list (several classes per row, or one rating per annotator) is read as its
    classes: a held-out ["Excellent", "Bad"] is learnable when train has both, in any combination.

    Why: the model cannot learn a class it never saw; every held-out example with it counts as an
    error that no amount of tuning fixes, and it often reveals a renamed or misspelled label.
    Example: train uses `shipping`, test has 14 rows labelled `delivery`.
    Fix: add training examples of the class, map the label to the training one, or drop the rows.
    """

    id = "LBL004"
    shares = frozenset({"split_classes", "split_labels"})
    name = "eval-label-unseen"
    family = "labels"
    severity = Severity.WARNING
    needs = frozenset({"label", "text_classes", "classes", "eval"})

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Train's classes, and each held-out split's rows per class (`split_classes`)."""
        return {
            "known": set(split_classes(ctx, "train")["label"].to_list()),
            "held_out": {
                s.name: Counter(split_classes(ctx, s.name)["label"].to_list()) for s in ctx.eval_splits
            },
        }

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Per held-out split, its classes train never has: the ones whose rows the findings name."""
        known = summary["known"]
        unseen = {name: sorted(set(counts) - known) for name, counts in summary["held_out"].items()}
        return {name: labels for name, labels in unseen.items() if labels} or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        return {
            name: split_classes(ctx, name).filter(pl.col("label").is_in(labels))
            for name, labels in wanted.items()
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        choices = sorted(summary["known"])
        for split in ctx.eval_splits:
            rows = summary.get("rows", {}).get(split.name)
            if rows is None:  # none of its classes is unseen (`wanted`)
                self.metrics[f"{split.name}_unseen_labels"] = self.metrics[f"{split.name}_unseen_rows"] = 0
                continue
            groups = rows.group_by("label").agg(pl.col("line").sort()).sort(pl.col("line").list.first())
            self.metrics[f"{split.name}_unseen_labels"] = groups.height
            self.metrics[f"{split.name}_unseen_rows"] = int(groups["line"].list.len().sum() or 0)
            for label, lines in groups.iter_rows():
                near = _closest(label, choices)
                hint = f"; closest training label: {near[:60]!r}" if near else ""
                yield self.finding(
                    f"label {label[:80]!r} on {len(lines)} {split.name} row(s) never occurs in train{hint}",
                    [ctx.location(split, line) for line in lines],
                    [label[:160]],
                    metrics={"label": label, "count": len(lines), "closest": near},
                )
