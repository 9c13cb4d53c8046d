"""LEAK008 exchange-leak: a held-out conversation's last request and its answer, inside a training one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.leakage.base import NEAR_SHARES, Group, LeakCheck, and_more, reported_above
from dataqa.checks.leakage.shared_answers import MIN_WORDS, answer_words
from dataqa.core.models import Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.ingest.structure import TOOL_EVENT
from dataqa.text.hashing import HASH_SEED

_EXCHANGE = {"line": pl.Int64, "key": pl.UInt64}


def _key(asked: pl.Expr, answered: pl.Expr) -> pl.Expr:
    """An exchange's key: its request and its answer as written, outer spaces aside."""
    return pl.struct(asked.str.strip_chars(), answered.str.strip_chars()).hash(HASH_SEED).alias("key")


def final_exchanges(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `key` of each valid conversation's last request and its answer, each of `MIN_WORDS`
    words or more (a dialogue's closing, "No, that will be all. Thank you." answered "I am glad I
    could help. Have a nice day.", ends conversations of every service), tool conversations aside."""
    split_ = ctx.splits[split]
    rows = ctx.valid_rows(split).filter(~pl.col("structure").fill_null("").str.contains(TOOL_EVENT))
    rows = rows.filter(answer_words(rows["response"].fill_null("")) >= MIN_WORDS).select("line", "response")
    users = (
        split_.turns.filter(pl.col("role").cast(pl.String) == "user")
        .join(rows.select("line"), on="line", how="semi")
        .sort("line", "turn")
        .group_by("line", maintain_order=True)
        .agg(pl.col("content").last().alias("asked"))
    )
    asked = rows.join(users, on="line")
    asked = asked.filter(answer_words(asked["asked"].fill_null("")) >= MIN_WORDS)
    keyed = asked.select("line", _key(pl.col("asked"), pl.col("response")))
    return keyed.cast(_EXCHANGE)


def every_exchange(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `key` of every request answered by the next message in a valid conversation of the
    split: each user turn followed by an assistant turn, the last one too. Made once per scan: both
    held-out splits are compared with train."""

    def build() -> pl.DataFrame:
        valid = ctx.valid_rows(split).select("line")
        turns = ctx.splits[split].turns.join(valid, on="line", how="semi").sort("line", "turn")
        paired = turns.select(
            "line",
            pl.col("role").cast(pl.String).alias("role"),
            pl.col("content").alias("asked"),
            pl.col("role").cast(pl.String).shift(-1).over("line").alias("next_role"),
            pl.col("content").shift(-1).over("line").alias("answered"),
        ).filter((pl.col("role") == "user") & (pl.col("next_role") == "assistant"))
        return paired.select("line", _key(pl.col("asked"), pl.col("answered"))).unique().cast(_EXCHANGE)

    return ctx.shared(("exchange_leaks", split), build)


MAX_ROWS = 10
"""Training conversations holding one exchange above which it is a stock exchange (LEAK008's default)."""


def exchange_leaks(ctx: Context, eval_split: str, ref_split: str, max_rows: int = MAX_ROWS) -> pl.DataFrame:
    """`line`, `ref_line`: held-out conversations whose last exchange (`final_exchanges`) is an exchange
    (`every_exchange`) of at most `max_rows` reference conversations, made once per scan. Empty for
    labelled data, and for a split whose rows are not here (LEAK008 is then skipped, saying so)."""

    def build() -> pl.DataFrame:
        empty = pl.DataFrame(schema={"line": pl.Int64, "ref_line": pl.Int64})
        held_elsewhere = any(ctx.splits[s].elsewhere is not None for s in (eval_split, ref_split))
        if ctx.has_labels() or held_elsewhere:
            return empty
        held = final_exchanges(ctx, eval_split)
        if not held.height:
            return empty
        ref = every_exchange(ctx, ref_split).join(held.select("key").unique(), on="key", how="semi")
        ref = ref.filter(pl.len().over("key") <= max_rows).rename({"line": "ref_line"})
        return held.join(ref, on="key").select("line", "ref_line").unique().sort("line", "ref_line")

    return ctx.shared(("exchange_leaks", eval_split, ref_split, max_rows), build)


@register
@dataclass
class ExchangeLeak(LeakCheck):
    """A held-out conversation's last request and its answer are an exchange of a training conversation.

    The held-out example's final user turn and the reply that answers it (its target; each of
    `MIN_WORDS` words or more) stand word for word as a user turn and the reply after it in a training
    conversation: dialogue data cut into windows (turns 1-6 one example, turns 3-8 the next) and
    split by window, not by conversation, puts the same exchange in both splits with other turns
    around it, so no two records are copies or near copies while the model has been trained on the
    very answer the held-out example scores. An exchange in more than `max_rows` training
    conversations is a stock one ("Thanks!" answered the same way everywhere), not one dialogue's.
    Tool conversations are left out (a call's reply is what its results decide). Rows LEAK001-003
    report are not repeated here, and LEAK004 leaves this check's rows to it. It reads the turns of
    whole splits: on a split held on the Ray workers it is skipped, saying so, and LEAK004 then
    reports the spans it would have left to it.
    Why: the held-out score then measures recall of trained replies, not how the model continues a
    conversation it has not seen.
    Example: test.jsonl:4's last request "and how long does the visa take?" with its 30-word answer
    is turns 5-6 of train.jsonl:118, another window of the same interview.
    Fix: split by conversation (every window of one dialogue on one side), then cut the windows.
    """

    id = "LEAK008"
    name = "exchange-leak"
    family = "leakage"
    severity = Severity.ERROR
    shares = NEAR_SHARES | {"exchange_leaks"}
    max_rows: int = ranged(MAX_ROWS, low=1)
    """Training conversations holding one exchange above which it is a stock exchange."""

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        found = (
            exchange_leaks(ctx, eval_split, ref_split, self.max_rows)
            .join(reported_above(ctx, eval_split, ref_split), on="line", how="anti")
            .group_by("line")
            .agg(pl.col("ref_line").sort())
            .sort("line")
        )
        for line, refs in found.iter_rows():
            yield [line], refs, {}

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, _ = group
        return (
            f"{ctx.location(eval_split, lines[0])}'s last request and its answer are an exchange of "
            f"{ctx.location(ref_split, refs[0])}" + and_more(len(refs) - 1, f"{ref_split} conversations")
        )
