"""FMT005 crlf-line-ending: CRLF line endings, a sign of a file stitched from several sources."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest import issues


@register
@dataclass
class WindowsLineEnding(Check):
    """Lines end with CRLF (Windows line endings) instead of LF.

    Why: harmless to most JSON parsers, but tools that split on "\\n" keep a stray "\\r", and
    mixed endings show a file was stitched together from different sources.
    Example: a file saved by a Windows editor.
    Fix: convert with `dos2unix` or your editor's line-ending setting.
    """

    id = "FMT005"
    name = "crlf-line-ending"
    family = "format"
    severity = Severity.INFO

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            lines = [i.line for i in split.load_issues if i.kind == issues.LINE_ENDING]
            self.metrics[f"{split.name}_lines"] = len(lines)
            if lines:
                yield self.finding(
                    f"{len(lines)} line(s) end with CRLF (Windows line endings)",
                    [ctx.location(split, n) for n in lines],
                )
