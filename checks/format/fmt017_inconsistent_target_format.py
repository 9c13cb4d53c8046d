"""FMT017 inconsistent-target-format: targets off the dominant structure, teaching that format is optional."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.label_inference import target_shape
from dataqa.ingest.naming import field_name


@register
@dataclass
class InconsistentTargetFormat(Summarised):
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
    shares = frozenset({"format.target_shapes"})
    severity = Severity.WARNING
    min_share: float = ranged(0.8, low=0, high=1)
    """The dominant structure must cover at least this share of targets."""
    min_examples: int = ranged(20, low=1)

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: how many targets have each structure (`target_shape`)."""
        return {"splits": {split.name: Counter(_shapes(ctx, split.name)) for split in ctx}}

    def _dominant(self, counts: Counter[str]) -> tuple[str, int] | None:
        """The split's most common structure and its count, when the split has enough targets."""
        if sum(counts.values()) < self.min_examples:
            return None
        return max(counts.items(), key=lambda kv: (kv[1], kv[0]))

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """The splits whose targets mostly share a structure other than free text, but not all: the
        rows in another structure are its findings."""
        out = {}
        for name, counts in summary["splits"].items():
            top = self._dominant(counts)
            total = sum(counts.values())
            if (
                top is not None
                and top[0] != "free text"
                and self.min_share <= top[1] / total
                and top[1] < total
            ):
                out[name] = top[0]
        return out or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(line, target, structure) of the rows off the dominant structure, per split `wanted`."""
        out = {}
        for name, dominant in wanted.items():
            frame = ctx.valid_rows(name).select("line", "response")
            rows = zip(frame.iter_rows(), _shapes(ctx, name), strict=True)
            out[name] = [(line, excerpt(t), shape) for (line, t), shape in rows if shape != dominant]
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            counts = summary["splits"].get(split.name, Counter())
            top = self._dominant(counts)
            if top is None:
                continue
            dominant, n = top
            total = sum(counts.values())
            self.metrics[f"{split.name}_dominant_share"] = round(n / total, 4)
            self.metrics[f"{split.name}_dominant_shape"] = dominant
            target, targets = field_name(split, "response"), field_name(split, "response", plural=True)
            for line, response, shape in summary.get("rows", {}).get(split.name, []):
                yield self.finding(
                    f"{target} is {shape}; {n:,} of {total:,} {targets} in this split are {dominant}",
                    [ctx.location(split, line)],
                    [response],
                )


def _shapes(ctx: Context, split: str) -> list[str]:
    """The structure of each valid row's target (`target_shape`), in row order; once per scan (the
    summary counts them, the rows off the dominant one are read from them)."""
    return ctx.shared(
        ("format.target_shapes", split),
        lambda: [target_shape(t) for t in ctx.valid_rows(split)["response"].to_list()],
    )
