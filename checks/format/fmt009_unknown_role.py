"""FMT009 unknown-role: messages whose role the format does not know, mapped to the wrong speaker."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class UnknownRole(RecordIssueCheck):
    """A message has a role the format does not know (chat: system, developer, user, assistant, tool).

    Why: an unknown role is rejected by providers or silently mapped to the wrong speaker.
    Example: `{"role": "bot", ...}` or ShareGPT `{"from": "AI", ...}`.
    Fix: map the role to one of the format's roles.
    """

    id = "FMT009"
    name = "unknown-role"
    family = "format"
    severity = Severity.ERROR
    kind = formats.UNKNOWN_ROLE
