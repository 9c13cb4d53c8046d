# ruff: noqa: RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL009 trivial-target: a few words in answer to a long-form request."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.quality.common import messages, record_findings
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.text.redaction import snippet

LONG_FORM = (
    r"(?i)^\W*(?:please\s+|can you\s+|could you\s+|would you\s+)?"
    r"(write|compose|draft|explain|describe|discuss|elaborate|compare|analy[sz]e|outline|summari[sz]e"
    r"|tell me about|create|generate|give me an overview)\b"
)
"""A request whose answer takes at least a few sentences (the captured verb is the prompt type)."""
SHORT_ASK = (
    r"(?i)\b(?:titles?|headlines?|slogans?|taglines?|haikus?|tweets?|one-liners?|captions?|subject lines?"
    r"|hashtags?|acronyms?|yes or no|true or false|one line|(?:one|a single|a|\d+|a few|three|five) words?"
    r"|(?:in )?(?:one|a single|a) (?:sentence|phrase)|labels?|categor(?:y|ies)|sentiment|rating|score|emojis?"
    r"|regex|formula|equation|code|function|command|query|names? (?:for|of)|briefly|in brief|in short"
    r"|be brief|keep it short|(?:short|brief) (?:answer|reply|response|description|summary|definition"
    r"|explanation|overview|title|sentence|paragraph|note|caption|statement|version))\b"
)
"""Asks for something short by nature: a title, one word, a label, code…"""


@register
@dataclass
class TrivialTarget(Check):
    """A long-form request ("Explain…", "Write an essay…") is answered in a few words ("Sure.", "OK", "N/A").

    Why: the model learns to brush off requests; such answers are usually placeholders or failed
    generations. Judged against the prompt type: the answer must also be far shorter than the
    split's usual answer to requests of the same kind.
    Example: "Explain how vaccines train the immune system." → "Sure."
    Fix: write the full answer or drop the record.
    """

    id = "QUAL009"
    shares = frozenset({"quality.messages"})
    name = "trivial-target"
    family = "quality"
    severity = Severity.WARNING
    min_words: int = 5
    """Answers to long-form requests with fewer words are trivial (unless the split's are all short)."""
    ratio: float = 0.2
    """...and shorter than this share of the median answer to the same kind of request."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            msgs = messages(ctx, split)
            final = (
                msgs.filter(pl.col("role") == "assistant")
                .group_by("line")
                .agg(pl.col("content").last().alias("answer"), pl.col("turn").last().alias("at"))
            )
            asks = (
                msgs.filter(pl.col("role") == "user")
                .join(final, on="line")
                .filter(pl.col("turn") < pl.col("at"))
                .group_by("line")
                .agg(pl.col("content").last().alias("ask"), pl.col("answer").first())
                .with_columns(pl.col("ask").str.extract(LONG_FORM, 1).str.to_lowercase().alias("kind"))
                .filter(pl.col("kind").is_not_null() & ~pl.col("ask").str.contains(SHORT_ASK))
                .with_columns(pl.col("answer").str.count_matches(r"\w+").alias("words"))
                .sort("line")
            )
            medians = {k: statistics.median(v) for k, v in asks.group_by("kind").agg(pl.col("words")).rows()}
            hits = []
            for line, ask, answer, kind, words in asks.select(
                "line", "ask", "answer", "kind", "words"
            ).iter_rows():
                typical = medians.get(kind, 0)
                if words < self.min_words and words < self.ratio * typical:
                    hits.append(
                        (
                            line,
                            f'{words}-word answer to "{kind}" (typical: {math.floor(typical)} words)',
                            f"{snippet(ask, 0, 0, 60)} → {snippet(answer, 0, 0, 40)}",
                        )
                    )
            yield from record_findings(self, ctx, split, hits, "trivially short target")
