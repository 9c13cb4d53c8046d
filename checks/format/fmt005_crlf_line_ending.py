"""FMT005 crlf-line-ending: CRLF line endings, a sign of a file stitched from several sources."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest import issues
from dataqa.ingest.dataset import Split


@register
@dataclass
class WindowsLineEnding(Summarised):
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

    def _lines(self, split: Split) -> list[int]:
        return [i.line for i in split.load_issues if i.kind == issues.LINE_ENDING]

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split, its lines that end with CRLF (of those the context holds), counted."""
        return {"lines": Counter({split.name: len(self._lines(split)) for split in ctx})}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        return sorted(name for name, n in summary["lines"].items() if n) or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        return {name: self._lines(ctx.splits[name]) for name in wanted}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            self.metrics[f"{split.name}_lines"] = summary["lines"][split.name]
            lines = summary.get("rows", {}).get(split.name, [])
            if lines:
                yield self.finding(
                    f"{len(lines)} line(s) end with CRLF (Windows line endings)",
                    [ctx.location(split, n) for n in lines],
                )
