"""FMT006 damaged-text: control characters and U+FFFD, which the model learns to write."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.issues import excerpt

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{fffd}]"
"""C0/C1 control characters and U+FFFD. Mojibake (UTF-8 read as Windows-1252, "Ã©" for "é") is QUAL004's:
one defect, one finding, confirmed there by re-encoding."""


@register
@dataclass
class DamagedText(Check):
    """Text holds control characters or U+FFFD replacement characters: encoding damage.

    Why: "\ufffd" marks bytes a converter could not decode, so the original text is gone; control
    characters are invisible noise the model learns to emit. Mojibake ("Ã©" for "é", recoverable
    text) is reported by QUAL004 alone, so one damaged record is one finding.
    Example: "Ca\ufffd\ufffdt find my order", or a stray "\\x1b" escape in a reply.
    Fix: recover the text from the source with the right encoding, or drop the example.
    """

    id = "FMT006"
    name = "damaged-text"
    family = "format"
    scope = RECORD
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        for split in ctx:
            cols = ["system", "prompt", "response"]
            hit = split.frame.filter(
                pl.any_horizontal(pl.col(c).str.contains(_CONTROL_PATTERN).fill_null(False) for c in cols)
            )
            for row in hit.select("line", *cols).iter_rows(named=True):
                total += 1
                text = next(row[c] for c in cols if row[c] and _CONTROL.search(row[c]))
                m = _CONTROL.search(text)
                start = max(m.start() - 40, 0)
                snippet = text[start : m.end() + 40].encode("unicode_escape").decode("ascii")
                if m.group() == "\ufffd":
                    what = "replacement character U+FFFD"
                else:
                    what = f"control character {m.group()!r}"
                yield self.finding(
                    f"text contains a {what}", [ctx.location(split, row["line"])], [excerpt(snippet)]
                )
        self.metrics["records"] = total
