"""FMT019 duplicate-key: objects holding one key twice, read differently by each parser."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import LoadIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import issues


@register
@dataclass
class DuplicateKey(LoadIssueCheck):
    """One JSON object holds the same key twice (e.g. two "messages" keys on one line).

    Why: JSON parsers disagree on which value wins (Python's json and orjson keep the last, others
    the first, strict ones reject the line), so the example trained on may not be the one reviewed;
    it usually marks a botched merge of two records.
    Example: `{"messages": [...], "messages": [...]}`.
    Fix: keep the intended value and delete the other key. dataqa reads the last value.
    """

    id = "FMT019"
    name = "duplicate-key"
    family = "format"
    severity = Severity.WARNING
    kind = issues.DUPLICATE_KEY
