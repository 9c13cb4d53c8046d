"""PREF001 identical-pair: pairs whose two answers are (nearly) the same, which teach nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

from dataqa.checks.preference.base import pairs
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import field_name
from dataqa.text.similarity import normalise_expr


def _sides(split: Split) -> str:
    """The pair's two answers as the split names them ("chosen and rejected answers",
    "preferred_output and non_preferred_output")."""
    chosen, rejected = field_name(split, "chosen"), field_name(split, "rejected")
    return (
        "chosen and rejected answers"
        if (chosen, rejected) == ("chosen", "rejected")
        else f"{chosen} and {rejected}"
    )


@register
@dataclass
class IdenticalPair(Check):
    """The chosen and rejected answers are the same, or nearly (case, spacing or a few characters apart).

    Why: a DPO pair whose two answers are alike has no preference to learn; the loss pushes the
    same tokens up and down and adds noise, and a near-copy teaches that a typo is what matters.
    Example: chosen "The capital is Paris." and rejected "the capital is Paris".
    Fix: write a genuinely worse rejected answer, or drop the pair.
    """

    id = "PREF001"
    name = "identical-pair"
    family = "preference"
    severity = Severity.ERROR
    near: float = ranged(0.95, low=0, high=1)
    """Similarity (0-1, rapidfuzz ratio of the normalised answers) from which a pair counts as a copy."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        for split in ctx:
            frame = pairs(ctx, split).with_columns(
                normalise_expr(pl.col("chosen")).alias("c"), normalise_expr(pl.col("rejected")).alias("r")
            )
            n = 0
            for line, chosen, rejected, c, r in frame.select(
                "line", "chosen", "rejected", "c", "r"
            ).iter_rows():
                if chosen == rejected:
                    how = "identical"
                elif c == r:
                    how = "identical after normalising case, spacing and punctuation"
                else:
                    score = fuzz.ratio(c, r, score_cutoff=self.near * 100) / 100
                    if not score:
                        continue
                    how = f"{score:.0%} alike"
                n += 1
                loc = ctx.location(split, line)
                yield self.finding(
                    f"{_sides(split)} are {how}",
                    [loc],
                    [excerpt(chosen), excerpt(rejected)],
                    unusable=[loc],
                )
            self.metrics[f"{split.name}_identical_pairs"] = n
            total += n
        self.metrics["records"] = total
