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
    """One record a finding points at: its split, file and 1-based physical line."""

    split: str
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"

    def to_dict(self) -> dict[str, Any]:
        return {"split": self.split, "path": self.path, "line": self.line}


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
        }


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
