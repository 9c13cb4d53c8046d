"""FMT004 blank-line: blank lines between records, which validators reject."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import LoadIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import issues


@register
@dataclass
class BlankLine(LoadIssueCheck):
    """A blank (empty or whitespace-only) line between records.

    Why: JSONL has one record per line; several providers' validators reject blank lines and
    some loaders turn them into empty examples.
    Example: a trailing empty line in the middle of the file after concatenating two exports.
    Fix: delete blank lines (`grep -v '^\\s*$'`).
    """

    id = "FMT004"
    name = "blank-line"
    family = "format"
    severity = Severity.WARNING
    kind = issues.BLANK_LINE
