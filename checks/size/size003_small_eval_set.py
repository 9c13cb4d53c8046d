"""SIZE003 small-eval-set: held-out splits too small to tell two models apart."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register


@register
@dataclass
class SmallEvalSet(Summarised):
    """A held-out split (test or valid) is too small to measure a difference between models.

    Why: with a few dozen test examples one answer moves accuracy by several points, so a
    fine-tune cannot be told apart from the baseline.
    Example: 900 training examples and a 12-example test set.
    Fix: hold out more examples (10-20 % of the data, at least `min_rows`).
    """

    id = "SIZE003"
    name = "small-eval-set"
    family = "size"
    severity = Severity.WARNING
    needs = frozenset({"eval", "records"})
    min_rows: int = ranged(50, low=0)

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per held-out split: its valid records and the line of its first record."""
        return {
            split.name: {
                "valid_rows": ctx.valid_rows(split).height,
                "first": [int(split.frame["line"].min() or 1)] if split.frame.height else [],  # type: ignore[arg-type]
            }
            for split in ctx.eval_splits
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx.eval_splits:
            valid = summary[split.name]["valid_rows"]
            self.metrics[f"{split.name}_valid_rows"] = valid
            if valid < self.min_rows:
                first = min(summary[split.name]["first"], default=1)
                yield self.finding(
                    f"{split.name} split has {valid} valid example(s), under {self.min_rows}: "
                    "too few to tell a better model from a worse one",
                    [ctx.location(split, first)],
                    metrics={"valid_rows": valid},
                )
