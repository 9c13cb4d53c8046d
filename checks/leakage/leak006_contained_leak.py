"""LEAK006 contained-leak: a held-out input holding a training input whole, same answer (or the reverse)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.leakage import contained
from dataqa.checks.leakage.base import (
    NEAR_SHARES,
    Group,
    LeakCheck,
    and_more,
    reported_above,
)
from dataqa.checks.leakage.leaks_across import LeaksAcross
from dataqa.core.models import Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import GROUP, HeldForm, register


@register
@dataclass
class ContainedLeak(LeakCheck):
    """A held-out input holds a training input whole with a sentence or two added, and the same answer.

    The held-out input is the training one with one or two sentences (or clauses: a CJK stop, a
    colon, a line break end one) added before, after or between its own, or the reverse (a training
    input holds the held-out one), and the two answers (labels, on labelled data) are the same after
    normalisation. The contained input has at least five words (a CJK character counts as one) and
    at most six sentences; longer ones are LEAK003's and LEAK004's, which read an added sentence as a
    small part of a long text. A contained input that five rows or more of a split hold is a stock
    phrase and is left out, and so is a pair LEAK003 reports (a near copy: the added words are few).
    Why: an instruction put around a training prompt ("Answer the following question. ...",
    "... Think step by step.") leaves the example the model was trained on whole, answer and all;
    on a short prompt the added words outweigh the shared ones, so no edit ratio calls it near.
    Example: test.jsonl:12 "Please read carefully and respond: How do I reset my card PIN? Be
    concise." answers as train.jsonl:88 "How do I reset my card PIN?" does.
    Fix: remove the training rows (or the held-out ones), and split before wrapping prompts in
    instructions.
    """

    id = "LEAK006"
    name = "contained-leak"
    family = "leakage"
    severity = Severity.ERROR
    scope = GROUP
    grouping = contained.GROUPING
    shares = NEAR_SHARES | {"contained_inputs"}

    def held_form(self) -> HeldForm:
        """On a split held on the Ray workers: LEAK003's near pairs, which this layer leaves to it
        (`leaks_across`); its own rows come from the grouping's shuffle."""
        return LeaksAcross()

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        found = contained.pairs(ctx, eval_split, ref_split)
        if not found.height:
            return
        found = found.join(reported_above(ctx, eval_split, ref_split), on="line", how="anti")
        per_line = found.group_by("line").agg(pl.col("ref_line").sort(), pl.col("held_out_holds").first())
        for line, ref_lines, holds in per_line.sort("line").iter_rows():
            yield [line], ref_lines, {"held_out_holds": bool(holds)}

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, extra = group
        held, ref = ctx.location(eval_split, lines[0]), ctx.location(ref_split, refs[0])
        how = f"holds {ref}'s input whole" if extra["held_out_holds"] else f"is held whole in {ref}'s input"
        return f"{held} {how}, with the same answer" + and_more(len(refs) - 1, f"{ref_split} rows")
