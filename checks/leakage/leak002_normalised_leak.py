"""LEAK002 normalised-leak: a held-out example equal to a training example after normalisation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.leakage.base import (
    Group,
    LeakCheck,
    and_more,
    exact_matches,
    grouped_matches,
    normalised_matches,
)
from dataqa.core.models import Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import GROUP, register
from dataqa.text import copies


@register
@dataclass
class NormalisedLeak(LeakCheck):
    """A held-out example equals a training example once case, spacing and punctuation are ignored.

    Why: the model has seen this example with trivial differences; an exact comparison misses it
    but the evaluation is just as inflated. Exact copies are LEAK001's and are not repeated here.
    Example: test.jsonl:3 "What's the refund window?" and train.jsonl:88 "whats the refund window"
    with the same reply.
    Fix: remove the training copies, and de-duplicate after normalisation before splitting.
    """

    id = "LEAK002"
    name = "normalised-leak"
    family = "leakage"
    severity = Severity.ERROR
    scope = GROUP
    grouping = copies.GROUPING
    shares = frozenset({"copies", "copy_texts", "distinct"})

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        exact = exact_matches(ctx, eval_split, ref_split).select("line").unique()
        norm = normalised_matches(ctx, eval_split, ref_split).join(exact, on="line", how="anti")
        for lines, refs in grouped_matches(norm):
            yield lines, refs, {"similarity": 1.0}

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, _ = group
        return (
            f"{ctx.location(eval_split, lines[0])} = {ctx.location(ref_split, refs[0])} "
            "(identical after normalisation)"
            + and_more(len(lines) - 1, f"{eval_split} copies")
            + and_more(len(refs) - 1, f"{ref_split} copies")
        )
