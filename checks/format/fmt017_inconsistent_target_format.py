"""FMT017 inconsistent-target-format: targets off the dominant structure, teaching that format is optional."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.issues import excerpt
from dataqa.ingest.label_inference import target_shape
from dataqa.ingest.naming import field_name


@register
@dataclass
class InconsistentTargetFormat(Check):
    """Most targets share a structure (JSON with the same keys, a fixed key: value template) and some do not.

    Why: consistent output formatting is the main reason teams fine-tune; every target in another
    shape teaches the model that the format is optional, and the parser downstream breaks.
    Example: 480 replies are `{"category": ..., "priority": ...}` and 12 are prose or lack "priority".
    Fix: rewrite the odd targets in the dominant format (the finding names it).
    """

    id = "FMT017"
    name = "inconsistent-target-format"
    family = "format"
    needs = frozenset({"target"})
    severity = Severity.WARNING
    min_share: float = ranged(0.8, low=0, high=1)
    """The dominant structure must cover at least this share of targets."""
    min_examples: int = ranged(20, low=1)

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            frame = ctx.valid_rows(split).select("line", "response")
            if frame.height < self.min_examples:
                continue
            shapes = [target_shape(t) for t in frame["response"].to_list()]
            counts = Counter(shapes)
            dominant, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            share = n / len(shapes)
            self.metrics[f"{split.name}_dominant_share"] = round(share, 4)
            self.metrics[f"{split.name}_dominant_shape"] = dominant
            if dominant == "free text" or share < self.min_share or n == len(shapes):
                continue
            yield from self._deviants(ctx, split, frame, shapes, dominant, share)

    def _deviants(
        self, ctx: Context, split: Split, frame: pl.DataFrame, shapes: list[str], dominant: str, share: float
    ) -> Iterator[Finding]:
        for (line, response), shape in zip(frame.iter_rows(), shapes, strict=True):
            if shape != dominant:
                target, targets = field_name(split, "response"), field_name(split, "response", plural=True)
                yield self.finding(
                    f"{target} is {shape}; {round(share * len(shapes)):,} of {len(shapes):,} {targets} in "
                    f"this split are {dominant}",
                    [ctx.location(split, line)],
                    [excerpt(response)],
                )
