"""QUAL017 truncated-input: inputs cut at one fixed length, an ellipsis where the rest was."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.quality.common import messages, split_final_answers
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import input_name

CUT_END = r"[\w)\]\"'\u201d\u2019,;:](?:\.\.\.|\u2026)$"
"""An input that ends on an ellipsis right after a word (or its closing mark): "He will also..."."""
LEAD_OUT = r"\n\s*[^\n:\uff1a]{1,30}[:\uff1a]$"
"""A last line that only leads to the target ("TL;DR:", "Summary:", "Answer:"), which a template puts
after the text it cut: read before it."""
SHOWN = 2


@register
@dataclass
class TruncatedInput(Summarised):
    """Inputs cut at one fixed length: many end on an ellipsis at about one length, and none is longer.

    Why: a script that shortened long documents to fit a context (an article cut at 2,000 characters
    and "..." put where the rest was) leaves targets that summarise, answer or translate text the model
    is never shown: it learns to make up what the cut removed.
    Example: 157 of 200 news articles end "He will also..." at about 2,000 characters, each followed
    by highlights that cover the whole article.
    Fix: cut at a sentence boundary the target does not go past, drop the examples whose target needs
    the missing text, or give the model a longer context. Reported once per split, when at least
    `min_records` inputs (and `min_share` of the split) end on an ellipsis right after a word, most of
    them (`min_together`) within `spread` of their median length, and hardly any other input is longer
    (`max_longer`): that is a length cap, where an ellipsis a writer puts ("Well...") falls at any
    length. A last line that only leads to the target ("TL;DR:", "Summary:"), which a template adds
    after the text it cut, is read past. Records stay usable: many targets do not need the missing text.
    """

    id = "QUAL017"
    shares = frozenset({"quality.messages", "quality.final_answers"})
    name = "truncated-input"
    family = "quality"
    severity = Severity.WARNING
    min_records: int = ranged(10, low=1)
    min_share: float = ranged(0.05, low=0, high=1)
    spread: float = ranged(0.15, low=0, high=1)
    """Relative distance from the cut inputs' median length (characters) within which they count as cut
    at one length."""
    min_together: float = ranged(0.8, low=0, high=1)
    max_longer: float = ranged(0.05, low=0, high=1)
    """Largest share of the other inputs longer than the cap (the median plus `spread`)."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: the lengths of inputs that do not end cut (a count per length), and the line,
        length and end of each that does."""
        out = {}
        for split in ctx:
            if ctx.has_labels(split):
                continue
            asks = _last_asks(messages(ctx, split), split_final_answers(ctx, split))
            if asks.is_empty():
                continue
            asks = asks.with_columns(pl.col("ask").str.contains(CUT_END).alias("cut"))
            cut, rest = asks.filter(pl.col("cut")), asks.filter(~pl.col("cut"))
            out[split.name] = {
                "lengths": Counter(dict(rest.group_by("chars").len().iter_rows())),
                "cut": [
                    (line, chars, excerpt(ask[-120:], 120, flat=True))
                    for line, chars, ask in cut.select("line", "chars", "ask").iter_rows()
                ],
            }
        return {"splits": out}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            seen = summary["splits"].get(split.name)
            if not seen or not seen["cut"]:
                continue
            cut = sorted(seen["cut"])
            lengths: Counter = seen["lengths"]
            others = sum(lengths.values())
            total = len(cut) + others
            if len(cut) < self.min_records or len(cut) < self.min_share * total:
                continue
            median = statistics.median(chars for _, chars, _ in cut)
            low, high = median * (1 - self.spread), median * (1 + self.spread)
            together = [c for c in cut if low <= c[1] <= high]
            longer = sum(n for chars, n in lengths.items() if chars > high)
            if len(together) < self.min_together * len(cut) or longer > self.max_longer * others:
                continue
            what = input_name(split, plural=True)
            yield self.finding(
                f"{len(together):,} of {total:,} {what} end on an ellipsis at about {median:,.0f} "
                f"characters ({low:,.0f}-{high:,.0f}), and {longer:,} others are longer: they were "
                "cut at a fixed length, and a target may cover what the cut removed",
                [ctx.location(split, line) for line, _, _ in together],
                [f"…{tail}" for _, _, tail in together[:SHOWN]],
                metrics={"records": len(together), "length": round(median)},
            )
            self.metrics[f"{split.name}_records"] = len(together)


def _last_asks(msgs: pl.DataFrame, final: pl.DataFrame) -> pl.DataFrame:
    """Per record, its last user message before its final answer (`final`'s turn `at`), right-stripped
    and without a last line that only leads to the target (`LEAD_OUT`) (`ask`), and its length in
    characters (`chars`)."""
    return (
        msgs.filter(pl.col("role") == "user")
        .join(final.select("line", "at"), on="line")
        .filter(pl.col("turn") < pl.col("at"))
        .group_by("line")
        .agg(pl.col("content").sort_by("turn").last().alias("ask"))
        .with_columns(pl.col("ask").str.strip_chars_end().str.replace(LEAD_OUT, "").str.strip_chars_end())
        .with_columns(pl.col("ask").str.len_chars().alias("chars"))
        .sort("line")
    )
