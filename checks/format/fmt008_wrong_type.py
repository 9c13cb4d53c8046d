"""FMT008 wrong-type: fields of the wrong JSON type, which providers reject."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class WrongType(RecordIssueCheck):
    """A field has the wrong JSON type (content a number, messages an object, weight not 0/1).

    Why: providers reject mistyped records, and code that trains on them may crash or stringify
    the value.
    Example: `{"role": "user", "content": 42}` or `"messages": {"role": "user"}`.
    Fix: convert the value to the expected type.
    """

    id = "FMT008"
    name = "wrong-type"
    family = "format"
    severity = Severity.ERROR
    kind = formats.WRONG_TYPE
