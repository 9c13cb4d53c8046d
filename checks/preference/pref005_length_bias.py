"""PREF005 length-bias: chosen answers systematically longer, which teaches that longer wins."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.preference.base import MAX_LISTED, pairs
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.naming import field_name


@register
@dataclass
class LengthBias(Summarised):
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

    def _pairs(self, ctx: Context, split: Split) -> pl.DataFrame:
        """The split's pairs (of those the context holds) with both answers non-empty."""
        return pairs(ctx, split).filter((pl.col("chosen_chars") > 0) & (pl.col("rejected_chars") > 0))

    def _strong(self) -> pl.Expr:
        return pl.col("chosen_chars") >= self.max_ratio * pl.col("rejected_chars")

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split with pairs: how many, the answers' characters summed, the pairs whose chosen
        answer is longer, and those where it is `max_ratio` times as long."""
        out = {}
        for split in ctx:
            frame = self._pairs(ctx, split)
            if frame.height:
                out[split.name] = {
                    "pairs": frame.height,
                    "chosen": int(frame["chosen_chars"].sum()),
                    "rejected": int(frame["rejected_chars"].sum()),
                    "longer": int((frame["chosen_chars"] > frame["rejected_chars"]).sum()),
                    "strong": int(frame.select(self._strong().sum()).item()),
                }
        return {"splits": out}

    def _biased(self, counts: dict[str, int]) -> bool:
        ratio, longer = counts["chosen"] / counts["rejected"], counts["longer"] / counts["pairs"]
        return counts["pairs"] >= self.min_pairs and longer > self.max_longer_share and ratio > self.max_ratio

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        return sorted(name for name, counts in summary["splits"].items() if self._biased(counts)) or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """The first `MAX_LISTED` lines of the pairs with the chosen answer `max_ratio` times as long."""
        return {
            name: self._pairs(ctx, ctx.splits[name]).filter(self._strong())["line"].head(MAX_LISTED).to_list()
            for name in wanted
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            counts = summary["splits"].get(split.name)
            if counts is None:
                continue
            ratio = float(counts["chosen"] / counts["rejected"])
            longer = float(counts["longer"] / counts["pairs"])
            self.metrics[f"{split.name}_length_ratio"] = round(ratio, 3)
            self.metrics[f"{split.name}_chosen_longer_share"] = round(longer, 4)
            if not self._biased(counts):
                continue
            lines = sorted(summary["rows"][split.name])[:MAX_LISTED]
            strong, listed = counts["strong"], min(counts["strong"], MAX_LISTED)
            chosen = field_name(split, "chosen")
            yield self.finding(
                f"{chosen} is the longer answer in {longer:.0%} of {counts['pairs']:,} pairs and "
                f"{ratio:.2f} times as long overall: the model will learn that longer wins "
                f"({strong:,} pairs with {chosen} {self.max_ratio:g}x as long, {listed:,} listed)",
                [ctx.location(split, n) for n in lines],
                metrics={"length_ratio": round(ratio, 3), "chosen_longer_share": round(longer, 4)},
            )
