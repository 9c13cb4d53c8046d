"""FMT006 damaged-text: control characters, U+FFFD and mojibake, which the model learns to write."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.issues import excerpt

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]|[ÂÃ][\xa0-\xbf]|â€")
_CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{fffd}]|[ÂÃ][\x{a0}-\x{bf}]|â€"
"""C0/C1 control characters, U+FFFD, and mojibake: UTF-8 read as Latin-1/Windows-1252 ("Ã©" for "é",
"â€" starting a curly quote or dash, "Â" before a no-break space), the trace of a double-decoded file."""


@register
@dataclass
class DamagedText(Check):
    """Text holds control characters, U+FFFD replacement characters or mojibake: encoding damage.

    Why: "\ufffd" marks bytes a converter could not decode, so the original text is gone; control
    characters are invisible noise the model learns to emit; mojibake ("Ã©" for "é") is UTF-8 that
    was decoded as Latin-1 somewhere, and the model learns to write it.
    Example: "Ca\ufffd\ufffdt find my order", "Itâ€™s late", or a stray "\\x1b" escape in a reply.
    Fix: recover the text from the source with the right encoding, or drop the example.
    """

    id = "FMT006"
    name = "damaged-text"
    family = "format"
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
                elif len(m.group()) > 1:
                    what = f"mis-decoded sequence {m.group()!r} (mojibake: UTF-8 read as Windows-1252)"
                else:
                    what = f"control character {m.group()!r}"
                yield self.finding(
                    f"text contains a {what}", [ctx.location(split, row["line"])], [excerpt(snippet)]
                )
        self.metrics["records"] = total
