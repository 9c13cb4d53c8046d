"""What the PREF checks share: the valid pairs of a split, the pair-issue base, the listing cap.

Pairs come in every form the normaliser reads: prompt/chosen/rejected with string or
conversational sides, the implicit-prompt form (the prompt inside each side, also HH-style
"Human:/Assistant:" strings), OpenAI/Together `input`/`preferred_output`/`non_preferred_output`,
and KTO's unpaired prompt/completion/label. The chosen answer is the `response` column, the
rejected one `rejected`; structural pair problems are found while normalising (empty side,
sides answering different prompts, a side ending on a user turn) and reported here.
"""

from __future__ import annotations

import polars as pl

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.context import Context

MAX_LISTED = 1000
"""A dataset-level finding (length bias, label balance) lists at most this many example records."""


def pairs(ctx: Context, split) -> pl.DataFrame:
    """Valid preference pairs of a split: line, prompt, chosen (`response`), rejected, and their lengths."""
    return (
        ctx.valid_rows(split)
        .filter(pl.col("rejected").is_not_null())
        .select(
            "line",
            "prompt",
            pl.col("response").alias("chosen"),
            "rejected",
            pl.col("response").str.len_chars().alias("chosen_chars"),
            pl.col("rejected").str.len_chars().alias("rejected_chars"),
        )
    )


class PairIssueCheck(RecordIssueCheck):
    """Reports the normaliser's pair issues of one kind, one finding per record; each is an error."""

    severity = Severity.ERROR
