"""FMT001 invalid-json: lines that are not valid JSON, which an upload rejects or drops."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import LoadIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import issues


@register
@dataclass
class InvalidJson(LoadIssueCheck):
    """A line is not valid JSON.

    Why: a provider's upload rejects the whole file, or silently drops the line; either way the
    example is lost.
    Example: `{"messages": [{"role": "user", "content": "hi"}` (missing closing brackets), or a
    trailing comma.
    Fix: repair the line (it is usually a truncated write or a hand edit) or delete it.
    """

    id = "FMT001"
    name = "invalid-json"
    family = "format"
    severity = Severity.ERROR
    kind = issues.INVALID_JSON
