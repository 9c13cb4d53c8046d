"""LEAK003 near-leak: a held-out example that is a near-copy of a training example."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.leakage.base import (
    NEAR_SHARES,
    Group,
    LeakCheck,
    and_more,
    near_matches,
)
from dataqa.checks.leakage.leaks_across import LeaksAcross
from dataqa.core.models import Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import HeldForm, register
from dataqa.text import similarity


@register
@dataclass
class NearLeak(LeakCheck):
    """A held-out example is a near-copy of a training example (a few words or a sentence apart).

    Why: paraphrased or lightly edited copies leak the answer as surely as exact ones; they are the
    usual result of splitting templated or augmented data at random. Similarity is the word-level
    edit ratio of the normalised prompt + response, verified for every pair. Labelled data is
    compared on the input alone, with the same label (another label is LEAK005's conflict), so
    that the label's words do not make two short inputs look alike. A long part shared (a premise,
    a schema) does not make a near copy when a short part of its own (the hypothesis, the
    question, the answer) says something else. The evidence says what the two texts share and
    where they differ.
    Example: test.jsonl:17 ~ train.jsonl:2045 (similarity 0.93): the same ticket with another
    order number.
    Fix: remove the near-copies from train, and split by template, user or source document.
    """

    id = "LEAK003"
    shares = NEAR_SHARES
    name = "near-leak"
    family = "leakage"
    severity = Severity.ERROR
    shows_diff = True
    threshold: float = ranged(similarity.DEFAULT_THRESHOLD, low=0, high=1)
    shingle: int = ranged(similarity.DEFAULT_SHINGLE, low=1, high=20)

    def held_form(self) -> HeldForm:
        """On a split held on the Ray workers: the near pairs across splits made there, and on labelled
        data the rows of the inputs they pair (`leaks_across`)."""
        return LeaksAcross()

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        near = near_matches(ctx, eval_split, ref_split, self.threshold, self.shingle)
        # One finding per distinct held-out text: its copies, then the reference rows, best first.
        per_rep = near.group_by("left_line").agg(
            pl.col("line").unique().sort().alias("lines"),
            pl.struct("similarity", "ref_line").sort_by(["similarity", "ref_line"], descending=[True, False]),
        )
        for row in per_rep.sort("left_line").iter_rows(named=True):
            refs, seen = [], set()
            for item in row["similarity"]:
                if item["ref_line"] not in seen:
                    seen.add(item["ref_line"])
                    refs.append((item["ref_line"], item["similarity"]))
            yield row["lines"], [r for r, _ in refs], {"similarity": round(refs[0][1], 4)}

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, extra = group
        return (
            f"{ctx.location(eval_split, lines[0])} ~ {ctx.location(ref_split, refs[0])} "
            f"(similarity {extra['similarity']:.2f})"
            + and_more(len(lines) - 1, f"{eval_split} copies")
            + and_more(len(refs) - 1, f"{ref_split} rows")
        )
