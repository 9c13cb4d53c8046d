"""FMT016 too-long: examples over the token limit, which providers truncate or reject."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.layouts import RFT


@register
@dataclass
class TooLong(Check):
    """An example is longer than the token limit (estimated: ~4 ASCII characters a token, other
    characters one token each, plus 4 tokens per message).

    Why: providers truncate or reject examples over the model's context; truncation cuts off the
    target, which is the part the model learns from.
    Example: a support chat that pastes a whole log file into one turn.
    Fix: shorten or split the example; raise `max_tokens` for a model with a longer context.
    Reinforcement fine-tuning prompts are not judged against this default: they hold no target to
    cut off, and their long documents are meant for a reasoning model's long context (a provider
    profile's model limit, PROV003, still applies to them).
    """

    id = "FMT016"
    name = "too-long"
    family = "format"
    scope = RECORD
    severity = Severity.WARNING
    max_tokens: int = ranged(16384, low=1)

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            if split.kind == RFT:
                continue
            long = split.frame.filter(pl.col("n_tokens") > self.max_tokens).select("line", "n_tokens")
            self.metrics[f"{split.name}_over_limit"] = long.height
            for line, n in long.iter_rows():
                yield self.finding(
                    f"about {n:,} tokens, over the limit of {self.max_tokens:,}",
                    [ctx.location(split, line)],
                    metrics={"tokens": n},
                )
