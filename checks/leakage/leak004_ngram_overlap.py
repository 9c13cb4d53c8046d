"""LEAK004 ngram-overlap: a held-out example sharing a long word sequence with a training example."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.leakage import contained
from dataqa.checks.leakage.base import (
    NEAR_SHARES,
    Group,
    LeakCheck,
    reported_above,
)
from dataqa.checks.leakage.input_leaks import input_leaks
from dataqa.checks.leakage.leak008_exchange_leak import exchange_leaks
from dataqa.checks.leakage.leaks_across import LeaksAcross
from dataqa.core.models import Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import HeldForm, Runner, register
from dataqa.ingest.issues import excerpt
from dataqa.text import copies, near_across, overlap, overlap_held, similarity
from dataqa.text.normalise import UNSPACED_WORD


class OverlapsAcross(LeaksAcross):
    """LEAK004's form: LEAK005's (the layers above, whose rows it leaves out), and the n-grams of a
    split held on the workers made on its blocks (`dataqa.text.overlap_held`): as a reference split
    its hits of the held-out n-grams, as a held-out split its n-grams and their matches."""

    def supplied(self, ctx: Context, split: str) -> bool:
        keys = [(*overlap.HITS, split), (*overlap.HELD_OUT, split)]
        return all(ctx.supplied(key) for key in keys) and super().supplied(ctx, split)

    def supply(self, ctx: Context, split: str, runner: Runner) -> None:
        super().supply(ctx, split, runner)
        if (split, "text") not in self.held:
            return
        held = self.held[split, "text"]  # its blocks' `later` lines are read when first asked
        if not ctx.supplied((*overlap.HITS, split)):
            ctx.supply(
                (*overlap.HITS, split),
                lambda: functools.partial(overlap_held.reference_hits, held.runner, held.later),
            )
        if not ctx.supplied((*overlap.HELD_OUT, split)):
            ctx.supply(
                (*overlap.HELD_OUT, split),
                lambda: overlap_held.held_out(
                    ctx,
                    split,
                    held.runner,
                    held.later,
                    near_across.parts_of(ctx, split),
                    ctx.shared((*copies.FETCH, split), lambda: None),
                ),
            )


@register
@dataclass
class NgramOverlap(LeakCheck):
    """A held-out example shares a long word sequence (default 13 words) with a training example.

    Why: this is contamination as LLM papers measure it: a passage, question or answer copied into
    the training data leaks part of the example even when the rest differs. Examples already
    reported as exact, normalised or near copies, or as inputs with another label or answer
    (LEAK005), are not repeated. A sequence found in more than
    `max_rows` rows of either split is a stock phrase or a template, not a leak, and is ignored; so
    is one whose words are mostly the scaffolding many rows share (under `content_share` of them
    outside the data set's template phrases: a tool-call JSON, a fixed preamble, a form's labels,
    with only a slot of its own); so is one found in `spread_rows` reference rows or more when
    it is a small part of the held-out text (under half of it shared: a news site's footer or a
    disclaimer on many articles), since a copied passage is most of the text that copies it or is
    found in a row or two. A span shorter than twice `ngram` words in an example with an answer of
    its own (not a class label) counts only when it is most of what the held-out example asks or
    answers (at least `part_share` of its prompt, or of its answer when that is `ngram` words or
    more: a shorter one, such as a dialogue's closing "I am glad I could help. Have a nice day", is
    shared only with the prompt's last words), or when the held-out prompt is the training one with
    other numbers or names: a worked solution's stock step ("there are 7 days in a week, so she
    eats 3*7") or one phrase of a question about something else is not a leak, a renumbered copy
    of a training problem is. A tool conversation is compared on what is said and called, its tools'
    results aside (`dataqa.ingest.tool_text`: a catalogue entry two requests both looked up is no
    passage of either), and a sequence that is mostly words of calls is a step of a shared trajectory
    (the same restaurant resolved for two orders), not a leak. Multiple-choice records share a span
    only where their right answers agree (`copies.answers_agree`): a question stem asked again over
    other choices is another item.
    A shared span is a signal to review, not proof: unlike LEAK001-003 it does not remove training
    rows from the usable count nor count toward the verdict's leaked share (templated data, such as
    form-generated tickets, shares long spans without leaking answers).
    Example: test.jsonl:5 quotes a 40-word paragraph that train.jsonl:310 also quotes.
    Fix: remove or rewrite the training rows that carry the passage, or move the example (and every
    example built on the same source) to one side of the split.
    """

    id = "LEAK004"
    shares = NEAR_SHARES | {
        "input_leaks",
        "ngram",
        "template_vocabulary",
        "contained_inputs",
        "exchange_leaks",
    }
    heavy = True
    name = "ngram-overlap"
    family = "leakage"
    severity = Severity.INFO
    blocks = False  # a shared span is evidence to review, not proof the example leaked
    ngram: int = ranged(13, low=1, high=100)
    max_rows: int = ranged(10, low=1)
    spread_rows: int = ranged(3, low=0)
    """Reference rows from which a sequence is the set's boilerplate when the held-out text shares
    under half of itself with the reference split (0: no bar)."""
    content_share: float = ranged(0.5, low=0, high=1)
    """Share of a shared sequence's words that must lie outside the template phrases (0: no bar)."""
    part_share: float = ranged(0.5, low=0, high=1)
    """Share of the held-out prompt or answer a span shorter than 2 x `ngram` words must cover to
    count, unless the prompts are one problem with other numbers or names (0: no bar)."""

    def held_form(self) -> HeldForm:
        """On splits held on the Ray workers: their n-grams made there, and the layers above made
        as LEAK005's form makes them (`OverlapsAcross`)."""
        return OverlapsAcross()

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        taken = reported_above(
            ctx,
            eval_split,
            ref_split,
            input_leaks(ctx, eval_split, ref_split).select(pl.col("lines").explode().alias("line")),
            contained.pairs(ctx, eval_split, ref_split),  # LEAK006's
            exchange_leaks(ctx, eval_split, ref_split),  # LEAK008's
        )
        overlaps = similarity.ngram_overlaps(
            ctx,
            eval_split,
            ref_split,
            n=self.ngram,
            column="text",
            max_rows=self.max_rows,
            min_content=math.ceil(self.content_share * self.ngram),
            spread_rows=self.spread_rows,
            part_share=self.part_share,
        ).join(taken, on="line", how="anti")
        pairs = list(zip(overlaps["line"].to_list(), overlaps["ref_line"].to_list(), strict=True))
        overlaps = overlaps.filter(
            pl.Series(copies.answers_agree(ctx, eval_split, ref_split, pairs), dtype=pl.Boolean)
        )
        for row in overlaps.iter_rows(named=True):
            tokens = row["span"].split()
            unspaced = sum(1 for t in tokens if len(t) == 1 and UNSPACED_WORD.match(t))
            yield (
                [row["line"]],
                [row["ref_line"]],
                {
                    "span_unit": "character" if 2 * unspaced > len(tokens) else "word",
                    "span_words": int(row["length"]),
                    "shared_ngrams": int(row["shared"]),
                    "evidence": [f"shared span: {excerpt(row['span'], 240)}"],
                },
            )

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, extra = group
        unit = extra.get("span_unit", "word")  # a Chinese or Japanese character counts as a word
        return (
            f"{ctx.location(eval_split, lines[0])} shares a {extra['span_words']}-{unit} span with "
            f"{ctx.location(ref_split, refs[0])} "
            f"({extra['shared_ngrams']} shared {self.ngram}-{unit} sequences)"
        )
