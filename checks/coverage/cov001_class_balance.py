"""COV001 class-balance: classes far smaller than the largest one."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.labels.base import per_class_bar, split_classes
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.layouts import MULTIPLE_CHOICE


@register
@dataclass
class ClassBalance(Summarised):
    """A class is far smaller than the largest one (class imbalance), with the full distribution.

    Why: with a 1:50 imbalance a fine-tuned model learns to answer the majority class and still
    scores well on accuracy; the minority classes are the ones that fail in production. Classes
    under the absolute per-class minimum are reported by SIZE002; this check judges proportions.
    Example: 2,000 "billing" tickets and 35 "legal" ones (ratio 57:1 with `max_ratio` 20).
    Fix: collect more minority examples, up-sample or re-weight them, or merge rare classes.

    In multiple-choice data (`dataqa.ingest.choices`) the label is the right choice's position
    (A, B, ...): there the finding is one position holding the right answer far more often than its
    fair share (`POSITION_SHARE`), which a model learns as "answer A" instead of reading the question.
    Fix: shuffle each question's choices (and its answer with them).
    """

    id = "COV001"
    name = "class-balance"
    family = "coverage"
    severity = Severity.WARNING
    needs = frozenset({"label", "classes"})
    shares = frozenset({"split_classes", "split_labels"})
    max_ratio: float = ranged(20.0, low=1)
    """A class smaller than the largest one divided by this is under-represented."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Train's valid rows per class, and each held-out split's (`split_classes`: a multi-label
        row counts once for each class of its set)."""
        train = Counter(split_classes(ctx, "train")["label"].to_list())
        held_out = {s.name: Counter(split_classes(ctx, s.name)["label"].to_list()) for s in ctx.eval_splits}
        return {"train": train, "held_out": held_out}

    def _reported(self, ctx: Context, counts: Counter[str]) -> list[str]:
        """The labels of the classes too small beside the largest one (and not under the minimum); in
        multiple-choice data the position that holds the right answer far too often."""
        if ctx.train.kind == MULTIPLE_CHOICE:
            return [top] if (top := skewed_position(counts)) is not None else []
        top, bar = max(counts.values(), default=0), per_class_bar(ctx)
        return sorted(label for label, n in counts.items() if n * self.max_ratio < top and n >= bar)

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        return self._reported(ctx, summary["train"]) or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        return {"train": split_classes(ctx, "train").filter(pl.col("label").is_in(wanted))}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        counts = dict(sorted(summary["train"].items()))
        if not counts:
            return
        top_label, top = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        low = min(counts.values())
        bar = per_class_bar(ctx)
        self.metrics["counts"] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        self.metrics["classes"] = len(counts)
        self.metrics["imbalance_ratio"] = round(top / low, 2)
        self.metrics["under_minimum"] = sorted(label for label, n in counts.items() if n < bar)
        for split in ctx.eval_splits:
            other = summary["held_out"][split.name]
            if other.total():
                self.metrics[f"{split.name}_label_distance"] = _total_variation(counts, other)
        if "rows" not in summary:  # no class to report (`wanted`)
            return
        groups = summary["rows"]["train"].group_by("label").agg(pl.col("line").sort()).sort("label")
        if ctx.train.kind == MULTIPLE_CHOICE:
            yield from self._positions(ctx, counts, groups)
            return
        for label, lines in groups.iter_rows():
            n = len(lines)
            yield self.finding(
                f"class {label[:80]!r} has {n} training example(s), 1:{top / n:.0f} against the "
                f"largest class {top_label[:80]!r} ({top}); the model will lean towards the majority",
                [ctx.location("train", line) for line in lines],
                [label[:160]],
                metrics={"count": n, "largest": top, "ratio": round(top / n, 2)},
            )

    def _positions(self, ctx: Context, counts: dict[str, int], groups: pl.DataFrame) -> Iterator[Finding]:
        """The one finding of a multiple-choice set whose right answers lean to one position."""
        n = sum(counts.values())
        spread = ", ".join(f"{label} {k / n:.0%}" for label, k in counts.items())
        answer = ctx.train.fields.get("label", "label")
        for label, lines in groups.iter_rows():
            yield self.finding(
                f"the right choice is {label} in {len(lines):,} of {n:,} training questions "
                f"({len(lines) / n:.0%}; {len(counts)} positions, fair share {1 / len(counts):.0%}): a model "
                f'learns to answer {label} without reading the question. Positions of "{answer}": {spread}',
                [ctx.location("train", line) for line in lines],
                [spread],
                metrics={"count": len(lines), "of": n, "positions": len(counts)},
            )


POSITION_SHARE = 0.25
"""A position holds the right answer too often when its share passes the fair one (1 of the
positions seen) by this much and by at least double, and not by chance (`POSITION_Z`): 50 % "A" among
four choices, 75 % among two."""
POSITION_Z = 3.0
"""Standard deviations above the fair share a position's count must be (a binomial test), so that a
small set's chance lean is not reported."""


def skewed_position(counts: Counter[str] | dict[str, int]) -> str | None:
    """The position (a letter) holding the right answer of a multiple-choice set far too often
    (`POSITION_SHARE`, `POSITION_Z`), or None."""
    n = sum(counts.values())
    if len(counts) < 2 or not n:
        return None
    fair = 1 / len(counts)
    label, top = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    spread = math.sqrt(n * fair * (1 - fair))
    if top / n >= min(2 * fair, fair + POSITION_SHARE) and top - n * fair >= POSITION_Z * spread:
        return label
    return None


def _total_variation(a: dict[str, int], b: Counter[str]) -> float:
    """Total variation distance between two label distributions (0 same, 1 disjoint)."""
    na, nb = sum(a.values()), sum(b.values())
    keys = set(a) | set(b)
    return round(0.5 * sum(abs(a.get(k, 0) / na - b.get(k, 0) / nb) for k in keys), 4)
