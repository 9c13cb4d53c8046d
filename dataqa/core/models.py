"""The data every part of dataqa exchanges: findings, check results, conditions, the verdict.

Checks produce `Finding`s; the runner wraps them in `CheckResult`s; the verdict turns them into
`Condition`s. The `Report` (in `dataqa.engine.report`) holds all of it and is what every renderer reads.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How serious a finding is; ordered so that `max()` gives the worst."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (use info, warning or error)") from None


@dataclass(frozen=True, order=True)
class Location:
    """One record a finding points at: its split, its file, and where in the file it is.

    `line` is the record's key in its split (the frame's `line` column, what checks compare). For
    one line-based file (JSONL, a JSON array, CSV) it is the record's 1-based physical line, and
    that is all a location holds. Otherwise `row` (a table: Parquet, Arrow, an in-memory object)
    or `file_line` (one file of several) says where the record is in `path`."""

    split: str
    path: str
    line: int
    row: int | None = field(default=None, compare=False)
    """The record's 0-based row in `path`, for inputs that have rows, not lines."""
    file_line: int | None = field(default=None, compare=False)
    """The record's 1-based physical line in `path`, when it is not `line` (a split of several files)."""
    element: int | None = field(default=None, compare=False)
    """The record's 1-based position in its JSON document, when its line starts other records too
    (a one-line array): the line alone would not say which record it is."""
    position: str | None = field(default=None, compare=False)
    """Where a record read out of nested lists sits in its JSON document (a SQuAD question:
    `data[3].paragraphs[1].qas[2]`); its line is that of the record it was read out of."""

    @property
    def physical_line(self) -> int | None:
        """The 1-based line an editor opens, or None for a row of a table."""
        if self.row is not None:
            return None
        return self.file_line if self.file_line is not None else self.line

    @property
    def on_line(self) -> str | None:
        """What names the record among others on its line: its position in nested lists
        (`data[0].paragraphs[1].qas[2]`), `record 3` on a line that starts several records; None
        when the line alone says which record it is."""
        if self.position is not None:
            return self.position
        return f"record {self.element}" if self.element is not None else None

    @property
    def line_text(self) -> str | None:
        """The physical line as a message names it: `7`, `1 (record 3)`, `1 (data[0].paragraphs[1]
        .qas[2])` (see `on_line`); None for a row of a table."""
        line = self.physical_line
        if line is None:
            return None
        return f"{line} ({self.on_line})" if self.on_line is not None else str(line)

    @property
    def row_text(self) -> str:
        """A table row as a message names it: `row 7`, `row 7 (rows 0 > 3 > 7)` for a record read
        out of several rows (a thread of a message table)."""
        return f"row {self.row}" + (f" ({self.position})" if self.position is not None else "")

    def where(self, path: str | None = None) -> str:
        """`path:line`, or `path row N` for a table row (`path` defaults to the location's own)."""
        shown = self.path if path is None else path
        line = self.line_text
        if line is not None:
            return f"{shown}:{line}"
        return f"{shown} {self.row_text}"

    def __str__(self) -> str:
        return self.where()

    def to_dict(self) -> dict[str, Any]:
        """`line` alone for a line of a one-file split (as before); else `line` (the physical line)
        or `row`, with the split-wide `record` key, and the `position` of a record read out of
        nested lists."""
        if self.row is not None:
            out = {"split": self.split, "path": self.path, "row": self.row, "record": self.line}
            return out if self.position is None else {**out, "position": self.position}
        if self.file_line is not None:
            out = {"split": self.split, "path": self.path, "line": self.file_line, "record": self.line}
            return out if self.position is None else {**out, "position": self.position}
        return {"split": self.split, "path": self.path, "line": self.line}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Location:
        """The location `to_dict` wrote."""
        split, path = str(data["split"]), str(data["path"])
        if "record" not in data:
            return cls(split, path, int(data["line"]))
        row = data.get("row")
        line = data.get("line")
        return cls(
            split,
            path,
            int(data["record"]),
            row=None if row is None else int(row),
            file_line=None if line is None else int(line),
            position=data.get("position"),
        )


@dataclass
class Finding:
    """One problem group: one bad line, one duplicate cluster, one conflicting-label group.

    `locations` lists every affected record (the first is the representative where a group has
    one). `unusable` lists the records this problem removes from the usable-example count; a
    duplicate group keeps its representative, so only the extra copies are unusable.
    `evidence` holds short excerpts of dataset text (untrusted: renderers escape it).
    """

    check_id: str
    severity: Severity
    message: str
    locations: list[Location]
    evidence: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    unusable: list[Location] = field(default_factory=list)

    @property
    def split(self) -> str | None:
        return self.locations[0].split if self.locations else None

    @property
    def first_location(self) -> Location | None:
        return self.locations[0] if self.locations else None

    def sort_key(self) -> tuple:
        loc = self.first_location
        return (loc.split, loc.line) if loc else ("", 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "severity": self.severity.label,
            "message": self.message,
            "locations": [loc.to_dict() for loc in self.locations],
            "evidence": list(self.evidence),
            "metrics": dict(self.metrics),
            "unusable": [loc.to_dict() for loc in self.unusable],
        }


class CheckStatus(enum.StrEnum):
    """What became of one check in one scan ("did not run" is a result, not silence)."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERRORED = "errored"


@dataclass
class CheckResult:
    """One check's outcome: status, summary metrics, its findings, and why it skipped or errored."""

    check_id: str
    name: str
    family: str
    severity: Severity
    status: CheckStatus
    metrics: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""
    duration_s: float = 0.0
    ran_on: str = ""
    """Where the check ran when an engine other than the local one ran the scan: "workers" (Ray
    workers, block by block) or "driver" (this process); empty for the local engine."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.check_id,
            "name": self.name,
            "family": self.family,
            "severity": self.severity.label,
            "status": self.status.value,
            "metrics": dict(self.metrics),
            "findings": len(self.findings),
            "reason": self.reason,
            "duration_s": round(self.duration_s, 3),
        } | ({"ran_on": self.ran_on} if self.ran_on else {})


@dataclass
class Condition:
    """One verdict condition: what was measured, against which threshold, and the outcome.

    A blocking condition that fails makes the verdict NO-GO; a non-blocking one is advice.
    `reason` is one plain-language sentence, shown next to a failure.
    """

    name: str
    description: str
    value: Any
    threshold: Any
    passed: bool
    blocking: bool = True
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "value": self.value,
            "threshold": self.threshold,
            "passed": self.passed,
            "blocking": self.blocking,
            "reason": self.reason,
        }
