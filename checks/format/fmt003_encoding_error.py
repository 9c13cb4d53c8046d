"""FMT003 encoding-error: bytes that are not clean UTF-8, which make lines unreadable."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import LoadIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import issues


@register
@dataclass
class EncodingError(LoadIssueCheck):
    """The bytes are not clean UTF-8: invalid UTF-8, NUL bytes, a byte-order mark, UTF-16/32 files.

    Why: providers require UTF-8 JSONL; an invalid byte sequence or NUL makes the line unreadable,
    and a BOM breaks the first line for many parsers.
    Example: a file exported from Excel as "Unicode text" (UTF-16), or a Latin-1 `é` byte (0xE9).
    Fix: re-encode the file as UTF-8 without BOM (e.g. `iconv -f latin1 -t utf-8`), drop NUL bytes.
    """

    id = "FMT003"
    name = "encoding-error"
    family = "format"
    severity = Severity.ERROR
    kind = issues.ENCODING
