"""SIZE001 training-set-size: too few valid training examples for the chosen goal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.engine.verdict import is_rft, size_bar, size_tier, split_rows


@register
@dataclass
class TrainingSetSize(Summarised):
    """The training split has fewer valid examples than the bar for the chosen goal.

    Why: under about 50 examples prompting with a few examples does better than fine-tuning; a few
    hundred support a proof of concept with LoRA/PEFT; a production fine-tune wants thousands of
    clean, distinct examples. (The verdict applies the same bars to the *usable* count, after
    duplicates, leaks and conflicts are removed.)
    Example: 120 valid chat examples with `--goal production`.
    Fix: collect more examples, or aim at a proof of concept (`--goal poc`) first.
    """

    id = "SIZE001"
    name = "training-set-size"
    family = "size"
    needs = frozenset({"records"})
    severity = Severity.WARNING

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Train's records, valid records and their tokens, and the line of its first record."""
        train = ctx.train
        valid = ctx.valid_rows(train)
        return {
            "rows": split_rows(ctx, "train"),
            "valid_rows": valid.height,
            "tokens": int(valid["n_tokens"].sum() or 0),
            "first": [int(train.frame["line"].min())] if train.frame.height else [],  # type: ignore[arg-type]
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        train = ctx.train
        valid = summary["valid_rows"]
        verdict = ctx.config.verdict
        rft = is_rft(train.kind)
        bar = size_bar(ctx.config.goal, verdict, rft)
        tier, advice = size_tier(valid, verdict, rft)
        self.metrics.update(rows=summary["rows"], valid_rows=valid, tier=tier, tokens_total=summary["tokens"])
        if valid < bar:
            first = min(summary["first"], default=1)
            yield self.finding(
                f"{valid} valid training example(s), under the "
                f"{'reinforcement fine-tuning' if rft else ctx.config.goal} bar of {bar}. {advice}",
                [ctx.location(train, int(first or 1))],
                metrics={"valid_rows": valid, "threshold": bar},
            )
