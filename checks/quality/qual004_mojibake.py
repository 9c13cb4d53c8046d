# ruff: noqa: RUF002, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL004 mojibake: UTF-8 read as Windows-1252, each match confirmed by re-encoding it
(`dataqa.text.mojibake`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.quality.common import field_at, messages, record_findings
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.text.mojibake import MOJIBAKE_PATTERN, mojibake_runs
from dataqa.text.redaction import snippet

SHOWN = 24
"""Characters of a run of mojibake a message shows (half that of the text it was): a Chinese
paragraph read as Windows-1252 is one run hundreds of characters long."""


def _shown(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most] + "…"


@register
@dataclass
class Mojibake(Check):
    """Text is mojibake: UTF-8 that was decoded as Windows-1252 or Latin-1 ("Ã©" for "é", "â€™" for "’").

    Why: the model learns to write "cafÃ©" and "donâ€™t"; the original characters are recoverable,
    so this is a cheap fix that is expensive to leave in.
    Example: "Iâ€™m happy to help with your rÃ©sumÃ©."
    Fix: repair the text (e.g. with `ftfy.fix_text`) or re-export the source as UTF-8. Every match is
    confirmed by re-encoding it: only sequences that decode back to a real character are reported.
    Adjacent matches are one run, named with every layer undone: text encoded thrice says
    "ÃƒÂ°Ã…Â¸Ã‹Å“Ã¢â‚¬Å¡" for "😂", not "Ãƒ" for "Ã".
    """

    id = "QUAL004"
    shares = frozenset({"quality.messages"})
    name = "mojibake"
    family = "quality"
    scope = RECORD
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            cand = messages(ctx, split).filter(pl.col("content").str.contains(MOJIBAKE_PATTERN))
            hits = []
            for line, role, text in cand.select("line", "role", "content").iter_rows():
                for start, end, fixed in mojibake_runs(text):
                    hits.append(
                        (
                            line,
                            f'"{_shown(text[start:end], SHOWN)}" for "{_shown(fixed, SHOWN // 2)}" in '
                            f"{field_at(split, role, text, start)}",
                            snippet(text, start, end, 30),
                        )
                    )
            yield from record_findings(self, ctx, split, hits, "mojibake", max_kinds=6)
