"""PREF007 tied-comparison: judged comparisons whose verdict prefers neither side."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.preference.base import MAX_LISTED
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest import formats
from dataqa.ingest.dataset import Split


@register
@dataclass
class TiedComparison(Summarised):
    """Pairwise comparisons judged a tie: neither answer is preferred, so they are no preference pair.

    Comparison data (Chatbot Arena, MT-Bench human judgements: two conversations and a `winner`)
    is read as preference pairs where the verdict names a side: the winner's answer is chosen, the
    other rejected. A tie ("tie", "tie (bothbad)", "draw") has no chosen side; said once per split
    with the count of each verdict, and left out of the usable pairs. So is a chosen / rejected pair
    whose own scores of the two sides are equal (UltraFeedback binarized's `score_chosen` =
    `score_rejected`).
    Why: DPO and its kin learn from which answer is better; a tie teaches nothing, and a "both
    bad" tie holds no answer fit to imitate either.
    Example: 312 of 1,000 battles with `"winner": "tie"` or `"tie (bothbad)"`.
    Fix: drop the ties for pairwise training (or keep them only for a trainer that models ties).
    The finding lists the tied records (the first 1,000).
    """

    id = "PREF007"
    name = "tied-comparison"
    family = "preference"
    severity = Severity.WARNING

    def _judged(self, ctx: Context) -> Iterator[Split]:
        """The splits of judged comparisons (a winner field), and of chosen / rejected pairs, whose
        two sides may carry scores of their own (`score_chosen` = `score_rejected`: a tie). Read from
        the layout, not from the ties found: a block of a split (the Ray workers') may hold none."""
        return (
            s
            for s in ctx
            if s.layout is not None
            and (s.layout.source("winner") is not None or s.layout.kind == formats.PREFERENCE)
        )

    def _ties(self, split: Split) -> list[tuple[int, str]]:
        return [(line, issue.detail) for line, issue in split.record_issues if issue.kind == formats.TIE]

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split of judged comparisons: its rows and its ties per verdict (first seen first)."""
        return {
            "splits": {
                split.name: {"rows": split.frame.height, "verdicts": Counter(d for _, d in self._ties(split))}
                for split in self._judged(ctx)
            }
        }

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        return sorted(name for name, seen in summary["splits"].items() if seen["verdicts"]) or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """The lines of the ties, per split `wanted` (all of them: each is unusable)."""
        return {name: [line for line, _ in self._ties(ctx.splits[name])] for name in wanted}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in self._judged(ctx):
            verdicts = summary["splits"][split.name]["verdicts"]
            ties = verdicts.total()
            if split.layout is not None and (ties or split.layout.source("winner") is not None):
                self.metrics[f"{split.name}_ties"] = ties  # pairs that score their sides: only when tied
            if not ties:
                continue
            rows = summary["splits"][split.name]["rows"]
            counts = ", ".join(f'"{v}" {n:,}' for v, n in verdicts.most_common())
            bothbad = sum(n for v, n in verdicts.items() if "bad" in v.lower())
            also = " (in those judged both bad, neither answer is fit to imitate either)" if bothbad else ""
            locations = [ctx.location(split, line) for line in summary["rows"][split.name]]
            metrics = {
                "ties": ties,
                "comparisons": rows,
                **{f"verdict {v}": n for v, n in verdicts.items()},
            }
            yield self.finding(
                f"{ties:,} of {rows:,} comparisons are ties ({counts}): neither side is preferred, "
                f"so they are no preference pairs and are left out of the usable count{also}; "
                "drop them for pairwise training",
                locations[:MAX_LISTED],
                metrics=metrics,
                unusable=locations,
            )
