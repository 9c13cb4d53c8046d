"""FMT014 mixed-format: records in another format than their split, which are mis-read."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import RecordIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class MixedFormat(RecordIssueCheck):
    """A record is in another format than the rest of its split (e.g. one Alpaca row in a chat file).

    Why: providers expect one format per file; the odd record is rejected or mis-read.
    Example: `{"prompt": ..., "completion": ...}` among `{"messages": [...]}` records.
    Fix: convert the record to the split's format.
    """

    id = "FMT014"
    name = "mixed-format"
    family = "format"
    severity = Severity.ERROR
    kind = formats.OTHER_FORMAT
