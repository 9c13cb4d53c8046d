"""FMT013 broken-turn-order: turns out of order, a dialogue shape the model never meets."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class BrokenTurnOrder(RecordIssueCheck):
    """Turns are out of order: system not first, two user (or assistant) turns in a row, a stray tool result.

    Why: chat templates assume alternating turns; a broken order trains the model on a dialogue
    shape it will never see, and some providers reject it.
    Example: system → user → user → assistant, or a system message in the middle.
    Fix: merge consecutive turns of one speaker, move the system message to the front.
    """

    id = "FMT013"
    name = "broken-turn-order"
    family = "format"
    severity = Severity.ERROR
    kind = formats.TURN_ORDER
