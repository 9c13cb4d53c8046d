"""PREF005 length-bias: chosen answers systematically longer, which teaches that longer wins."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.preference.base import MAX_LISTED, pairs
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.naming import field_name


@register
@dataclass
class LengthBias(Check):
    """Chosen answers are systematically longer than rejected ones (the length ratio is reported).

    Why: when the preferred answer is nearly always the longer one, DPO learns "longer is
    better" instead of "better is better": a known source of verbose fine-tunes.
    Example: in 85 % of pairs the chosen answer is longer, 2.1 times on average.
    Fix: add pairs where the concise answer wins, trim padding from chosen answers, or use a
    length-normalised objective. The finding lists the pairs where chosen is `max_ratio` times
    longer or more (the first 1,000).
    """

    id = "PREF005"
    name = "length-bias"
    family = "preference"
    severity = Severity.WARNING
    max_longer_share: float = ranged(0.75, low=0, high=1)
    """Share of pairs with the longer answer chosen above which the bias is reported."""
    max_ratio: float = ranged(1.5, low=1)
    """Mean chosen/rejected length ratio above which the bias is reported."""
    min_pairs: int = ranged(20, low=1)

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            frame = pairs(ctx, split).filter((pl.col("chosen_chars") > 0) & (pl.col("rejected_chars") > 0))
            if frame.height == 0:
                continue
            ratio = float(frame["chosen_chars"].sum() / frame["rejected_chars"].sum())
            longer = float((frame["chosen_chars"] > frame["rejected_chars"]).mean())
            self.metrics[f"{split.name}_length_ratio"] = round(ratio, 3)
            self.metrics[f"{split.name}_chosen_longer_share"] = round(longer, 4)
            if frame.height < self.min_pairs or longer <= self.max_longer_share or ratio <= self.max_ratio:
                continue
            strong = frame.filter(pl.col("chosen_chars") >= self.max_ratio * pl.col("rejected_chars"))
            listed = min(strong.height, MAX_LISTED)
            chosen = field_name(split, "chosen")
            yield self.finding(
                f"{chosen} is the longer answer in {longer:.0%} of {frame.height:,} pairs and "
                f"{ratio:.2f} times as long overall: the model will learn that longer wins "
                f"({strong.height:,} pairs with {chosen} {self.max_ratio:g}x as long, {listed:,} listed)",
                [ctx.location(split, n) for n in strong["line"].head(MAX_LISTED).to_list()],
                metrics={"length_ratio": round(ratio, 3), "chosen_longer_share": round(longer, 4)},
            )
