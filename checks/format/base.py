"""Bases of the FMT checks that report the issues the loader and the normaliser recorded, one kind each.

The loader (`dataqa.ingest.load`) and the format normaliser (`dataqa.ingest.formats`) record what they meet on
the way as issues of a known kind; each FMT check reports one kind. Checks that need the text
itself (damaged characters, token limits, target structure) read the canonical columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import ClassVar

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check
from dataqa.ingest import formats, load


class LoadIssueCheck(Check):
    """Reports the loader's issues of one kind, one finding per line."""

    kind: ClassVar[str]
    scope = RECORD  # an issue belongs to its line, whatever else the file holds

    def matches(self, issue: load.LoadIssue) -> bool:
        return issue.kind == self.kind

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        for split in ctx:
            for issue in split.load_issues:
                if not self.matches(issue):
                    continue
                total += 1
                loc = ctx.location(split, issue.line)
                yield self.finding(
                    issue.detail,
                    [loc],
                    [issue.excerpt] if issue.excerpt else [],
                    unusable=[loc] if issue.dropped else [],
                )
        self.metrics["lines"] = total


class RecordIssueCheck(Check):
    """Reports the normaliser's record issues of one kind, one finding per record."""

    kind: ClassVar[str]
    also: ClassVar[frozenset[str]] = frozenset()
    """Other issue kinds the check reports, in the same findings as its own."""
    scope = RECORD

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        for split in ctx:
            by_line: dict[int, list[str]] = defaultdict(list)
            for line, issue in split.record_issues:
                if issue.kind == self.kind or issue.kind in self.also:
                    by_line[line].append(issue.detail)
            for line, details in by_line.items():
                total += 1
                loc = ctx.location(split, line)
                blocking = self.kind in formats.BLOCKING_KINDS and self.effective_severity == Severity.ERROR
                yield self.finding(self.describe(details), [loc], unusable=[loc] if blocking else [])
        self.metrics["records"] = total

    def describe(self, details: list[str]) -> str:
        return "; ".join(details[:5]) + (f"; and {len(details) - 5} more" if len(details) > 5 else "")

    def split_wide(self, message: str, rows: int) -> str | None:
        """One problem, not one per record: every record of the split has it alike."""
        return f"{message}: in every record of the split ({rows:,})"
