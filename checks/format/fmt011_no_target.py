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
    A split whose every record lacks its answer alike (a file of evaluation prompts, `"response": ""`
    in each, waiting for a model's predictions) is one finding naming every record, not one each.
    Fix: write the missing answer or drop the record.
    """

    id = "FMT011"
    name = "no-target"
    family = "format"
    needs = frozenset({"target"})
    severity = Severity.ERROR
    kind = formats.NO_TARGET

    def split_wide(self, message: str, rows: int) -> str | None:
        """A split whose every record lacks its answer alike is a file of inputs: one finding."""
        return (
            f"{message}: in every record of the split ({rows:,}), a file of inputs without answers (an "
            "evaluation set's prompts, or a form for a model's predictions) has nothing to train on or to "
            "score a model against"
        )
