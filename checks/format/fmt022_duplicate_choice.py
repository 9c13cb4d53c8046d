"""FMT022 duplicate-choice: a multiple-choice question offering one text as two of its choices."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class DuplicateChoice(RecordIssueCheck):
    """Two choices of one multiple-choice question have the same text (spacing aside; case counts).

    Why: when the right answer is one of them, two letters are right and the record teaches (or an
    eval scores) only one; when it is not, the question offers one choice fewer than it seems. Either
    way it usually marks a distractor drawn twice or a copy slip.
    Example: `{"question": "Which is a fruit?", "choice0": "apple", "choice1": "chair", "choice2":
    " apple", "label": 0}`. Case tells choices apart ("Bb" and "bb" are two genotypes).
    Fix: replace the repeated choice with another distractor.
    """

    id = "FMT022"
    name = "duplicate-choice"
    family = "format"
    severity = Severity.WARNING
    kind = formats.DUPLICATE_CHOICE
