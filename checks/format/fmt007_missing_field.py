"""FMT007 missing-field: records without a field their format requires, which providers reject."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class MissingField(RecordIssueCheck):
    """A field the split's format requires is missing (e.g. no "messages", a message without "content").

    Why: providers reject the record; without the field there is nothing to train on.
    Example: `{"messages": [{"role": "user"}]}` or an Alpaca record without "output".
    Fix: add the field, or drop the record.
    """

    id = "FMT007"
    name = "missing-field"
    family = "format"
    severity = Severity.ERROR
    kind = formats.MISSING_FIELD
