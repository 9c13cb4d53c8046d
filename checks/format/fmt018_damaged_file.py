"""FMT018 damaged-file: files read incompletely or in no known format, which lose examples."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.format.base import LoadIssueCheck
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest import issues


@register
@dataclass
class DamagedFile(LoadIssueCheck):
    """The file as a whole could not be read completely, or matches no known format.

    Why: a truncated archive or a file rewritten during the scan loses examples silently; a file
    in no known format cannot be checked further.
    Example: a `.jsonl.gz` whose download stopped half-way.
    Fix: fetch or export the file again; name the format with `--format` if detection failed.
    """

    id = "FMT018"
    name = "damaged-file"
    family = "format"
    severity = Severity.ERROR
    kind = issues.FILE_LEVEL
