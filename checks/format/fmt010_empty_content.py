"""FMT010 empty-content: empty messages or input fields, which teach nothing."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class EmptyContent(RecordIssueCheck):
    """A message or input field is empty or only whitespace.

    Why: an empty turn teaches nothing and often marks a broken export.
    Example: `{"role": "user", "content": "   "}`.
    Fix: fill in the text or remove the turn.
    """

    id = "FMT010"
    name = "empty-content"
    family = "format"
    severity = Severity.ERROR
    kind = formats.EMPTY_CONTENT
