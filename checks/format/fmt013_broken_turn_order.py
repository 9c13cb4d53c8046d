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

    The assistant opening is out of order where the split's other conversations open with the user
    (a question lost or swapped). Where a quarter or more of a split's conversations open with the
    assistant (`formats.OPENING_SHARE`), that opening is the set's shape, not a broken record: an agent's
    greeting first (Schema-Guided Dialogue, Taskmaster, support logs), which OpenAI, Azure, Mistral
    and Fireworks accept; a provider whose rules want the user first says so under its profile
    (PROV002: Bedrock, Together).
    """

    id = "FMT013"
    name = "broken-turn-order"
    family = "format"
    severity = Severity.ERROR
    kind = formats.TURN_ORDER
    also = frozenset({formats.LEADING_ASSISTANT, formats.NO_REQUEST})
