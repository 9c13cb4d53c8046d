"""FMT012 last-turn-not-assistant: conversations that end unanswered."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class LastTurnNotAssistant(RecordIssueCheck):
    """The conversation ends with a user, tool or system message instead of the assistant's reply.

    Why: the trailing turn is never answered, so the example trains on an unfinished dialogue;
    providers either reject it or ignore everything after the last assistant message.
    Example: user → assistant → user (the last question has no answer).
    Fix: add the final assistant reply or cut the trailing turn.
    """

    id = "FMT012"
    name = "last-turn-not-assistant"
    family = "format"
    needs = frozenset({"target"})
    severity = Severity.ERROR
    kind = formats.LAST_NOT_ASSISTANT
