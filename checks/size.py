"""SIZE: is there enough data, per split and per class? The verdict judges the usable count."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.engine.verdict import size_tier, split_rows


@register
@dataclass
class TrainingSetSize(Check):
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
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        train = ctx.train
        valid = ctx.valid_rows(train).height
        verdict = ctx.config.verdict
        bar = verdict.min_usable_production if ctx.config.goal == "production" else verdict.min_usable_poc
        tier, advice = size_tier(valid, verdict)
        self.metrics.update(
            rows=split_rows(ctx, "train"),
            valid_rows=valid,
            tier=tier,
            tokens_total=int(ctx.valid_rows(train)["n_tokens"].sum() or 0),
        )
        if valid < bar:
            first = train.frame["line"].min() if train.frame.height else 1
            yield self.finding(
                f"{valid} valid training example(s), under the {ctx.config.goal} bar of {bar}. {advice}",
                [ctx.location(train, int(first or 1))],
                metrics={"valid_rows": valid, "threshold": bar},
            )


@register
@dataclass
class RareClass(Check):
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

    def run(self, ctx: Context) -> Iterator[Finding]:
        verdict = ctx.config.verdict
        bar = (
            verdict.min_per_class_production if ctx.config.goal == "production" else verdict.min_per_class_poc
        )
        frame = ctx.valid_rows("train").filter(pl.col("label").is_not_null())
        groups = frame.group_by("label").agg(pl.col("line").sort()).sort("label")
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


@register
@dataclass
class SmallEvalSet(Check):
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
    needs = frozenset({"eval"})
    min_rows: int = 50

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx.eval_splits:
            valid = ctx.valid_rows(split).height
            self.metrics[f"{split.name}_valid_rows"] = valid
            if valid < self.min_rows:
                first = int(split.frame["line"].min() or 1) if split.frame.height else 1
                yield self.finding(
                    f"{split.name} split has {valid} valid example(s), under {self.min_rows}: "
                    "too few to tell a better model from a worse one",
                    [ctx.location(split, first)],
                    metrics={"valid_rows": valid},
                )
