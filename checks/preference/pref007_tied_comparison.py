"""PREF007 tied-comparison: judged comparisons whose verdict prefers neither side."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.preference.base import MAX_LISTED
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest import formats


@register
@dataclass
class TiedComparison(Check):
    """Pairwise comparisons judged a tie: neither answer is preferred, so they are no preference pair.

    Comparison data (Chatbot Arena, MT-Bench human judgements: two conversations and a `winner`)
    is read as preference pairs where the verdict names a side: the winner's answer is chosen, the
    other rejected. A tie ("tie", "tie (bothbad)", "draw") has no chosen side; said once per split
    with the count of each verdict, and left out of the usable pairs.
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

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            if split.layout is None or split.layout.source("winner") is None:  # no judged comparisons
                continue
            ties = [(line, issue.detail) for line, issue in split.record_issues if issue.kind == formats.TIE]
            self.metrics[f"{split.name}_ties"] = len(ties)
            if not ties:
                continue
            verdicts = Counter(detail for _, detail in ties)
            rows = split.frame.height
            counts = ", ".join(f'"{v}" {n:,}' for v, n in verdicts.most_common())
            bothbad = sum(n for v, n in verdicts.items() if "bad" in v.lower())
            also = " (in those judged both bad, neither answer is fit to imitate either)" if bothbad else ""
            locations = [ctx.location(split, line) for line, _ in ties]
            metrics = {
                "ties": len(ties),
                "comparisons": rows,
                **{f"verdict {v}": n for v, n in verdicts.items()},
            }
            yield self.finding(
                f"{len(ties):,} of {rows:,} comparisons are ties ({counts}): neither side is preferred, "
                f"so they are no preference pairs and are left out of the usable count{also}; "
                "drop them for pairwise training",
                locations[:MAX_LISTED],
                metrics=metrics,
                unusable=locations,
            )
