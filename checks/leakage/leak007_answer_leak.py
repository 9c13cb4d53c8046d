"""LEAK007 answer-leak: a held-out example whose long answer one training example gives word for word."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.leakage import contained, shared_answers
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
class AnswerLeak(LeakCheck):
    """A held-out example's answer is a training example's answer word for word, under a reworded input.

    The two answers are equal after normalisation (case, spacing, punctuation) and have eight words
    or more (a CJK character counts as one: `shared_answers.MIN_WORDS`); one training example gives
    that answer, to an input other than the held-out one, and no split gives it twice (one query in
    each of train, dev and test is one example three times). An answer two rows of one split give
    is a stock answer (a refusal, a sign-off, a template's reply) or a source's answer to a kind of
    question, not one example's. Only examples that answer one request
    without a tool call are read: a dialogue's last reply closes its conversation ("I am glad I could
    help. Have a nice day."), and a call, or the reply to its result, is what the request's values
    decide ("book Nordlys for 3 at 19:00" however it is worded). Labelled data is not read (a label
    is an answer many rows share: LEAK005 compares its inputs). Rows LEAK001-003 and LEAK006 report
    are not repeated here; the same input with the same answer is theirs, the same input with
    another answer LEAK005's.
    Why: a text-to-SQL question reworded around the same query, or a question asked again in other
    words with the same list of answers, is the training example in the test set: the model has
    learned the answer, and the held-out score measures recall of it, not generalisation ("question
    split" leaks).
    Example: test.jsonl:12 "which teams did shaq play for?" answers "Orlando Magic, Los Angeles Lakers,
    Miami Heat, Phoenix Suns, Cleveland Cavaliers, Boston Celtics" as train.jsonl:40 "what basketball
    teams has shaq played on?" does.
    Fix: move the held-out example to train (or the training one out), and split by answer, not by row,
    when the same answer is asked for in several ways.
    """

    id = "LEAK007"
    name = "answer-leak"
    family = "leakage"
    severity = Severity.ERROR
    scope = GROUP
    grouping = shared_answers.GROUPING
    shares = NEAR_SHARES | {"shared_answers", "contained_inputs"}

    def held_form(self) -> HeldForm:
        """On a split held on the Ray workers: LEAK003's near pairs and LEAK006's contained inputs,
        which this layer leaves to them (`leaks_across`); its own rows come from the grouping's shuffle."""
        return LeaksAcross()

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        found = shared_answers.answer_pairs(ctx, eval_split, ref_split)
        if not found.height:
            return
        taken = reported_above(ctx, eval_split, ref_split, contained.pairs(ctx, eval_split, ref_split))
        found = found.join(taken, on="line", how="anti")
        per_line = found.group_by("line").agg(pl.col("ref_line").sort())
        for line, ref_lines in per_line.sort("line").iter_rows():
            yield [line], ref_lines, {}

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, _ = group
        held, ref = ctx.location(eval_split, lines[0]), ctx.location(ref_split, refs[0])
        return f"{held} gives {ref}'s answer word for word, to a reworded input" + and_more(
            len(refs) - 1, f"{ref_split} rows"
        )
