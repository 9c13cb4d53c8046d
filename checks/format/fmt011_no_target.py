"""FMT011 no-target: records with nothing to learn (no answer), which waste the example."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class NoTarget(RecordIssueCheck):
    """The record has nothing to learn: no assistant message, an empty completion, output or label.

    Why: the loss is computed on the target; without one the example is wasted (or rejected).
    Example: a chat with only system and user messages; `{"prompt": "...", "completion": ""}`.
    Fix: write the missing answer or drop the record.
    """

    id = "FMT011"
    name = "no-target"
    family = "format"
    needs = frozenset({"target"})
    severity = Severity.ERROR
    kind = formats.NO_TARGET
