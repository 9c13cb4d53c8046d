"""FMT002 not-an-object: lines of valid JSON that is not an object, which no format accepts."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import LoadIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import issues


@register
@dataclass
class NotAnObject(LoadIssueCheck):
    """A line holds valid JSON that is not an object (an array, string, number, null).

    Why: every fine-tuning format expects one JSON object per line; anything else is rejected.
    Example: `["hello", "world"]` or `"just a string"` on its own line.
    Fix: wrap the data in the object shape of your format, or remove the line.
    """

    id = "FMT002"
    name = "not-an-object"
    family = "format"
    severity = Severity.ERROR
    kind = issues.NOT_OBJECT
