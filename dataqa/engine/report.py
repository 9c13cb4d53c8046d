"""The `Report`: findings, metrics, verdict and provenance; every output is drawn from it.

Its JSON form (`to_dict`) is a stable, versioned schema, documented in `dataqa/schema/report.schema.json`.
Renderers live in `dataqa.reports.<name>` and each exposes `render(report) -> str`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from dataqa.core.models import CheckResult, CheckStatus, Condition, Finding, Severity
from dataqa.engine.verdict import GO, Usable

SCHEMA_VERSION = "1.0"


@dataclass
class SplitInfo:
    """Provenance and size of one scanned file."""

    name: str
    path: str
    sha256: str
    size_bytes: int
    lines: int
    rows: int
    usable_rows: int
    format: str | None
    label_source: str | None
    profile: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "lines": self.lines,
            "rows": self.rows,
            "usable_rows": self.usable_rows,
            "format": self.format,
            "label_source": self.label_source,
            "profile": self.profile,
        }


@dataclass
class Report:
    """The result of one scan. Render it with `to_json()`, `to_terminal()`, `to_html()`, ..."""

    tool_version: str
    generated_at: str
    goal: str
    verdict: str
    conditions: list[Condition]
    splits: list[SplitInfo]
    results: list[CheckResult]
    usable: Usable
    config: dict[str, Any]
    duration_s: float = 0.0

    @property
    def findings(self) -> list[Finding]:
        """Every finding, in check-id order, then split and line order (deterministic)."""
        return [f for r in self.results for f in r.findings]

    @property
    def go(self) -> bool:
        return self.verdict == GO

    @property
    def failed_conditions(self) -> list[Condition]:
        return [c for c in self.conditions if not c.passed]

    def split(self, name: str) -> SplitInfo | None:
        return next((s for s in self.splits if s.name == name), None)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def worst_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def exit_code(self, fail_on: str = "no-go") -> int:
        """0 when the run passes `fail_on`, else 1 (see the README's exit codes)."""
        if fail_on == "never":
            return 0
        if fail_on == "no-go":
            return 0 if self.go else 1
        worst = self.worst_severity()
        bar = Severity.ERROR if fail_on == "error" else Severity.WARNING
        return 1 if worst is not None and worst >= bar else 0

    def to_dict(self) -> dict[str, Any]:
        from dataqa.core.resources import gc_paused  # an object per finding, and no cycles (see gc_paused)

        with gc_paused():
            return self._to_dict()

    def _to_dict(self) -> dict[str, Any]:
        checks = [r.to_dict() for r in self.results]
        return {
            "schema_version": SCHEMA_VERSION,
            "tool_version": self.tool_version,
            "generated_at": self.generated_at,
            "duration_s": round(self.duration_s, 3),
            "goal": self.goal,
            "verdict": self.verdict,
            "conditions": [c.to_dict() for c in self.conditions],
            "usable": self.usable.to_dict(),
            "splits": [s.to_dict() for s in self.splits],
            "checks": checks,
            "summary": {
                "errors": self.count(Severity.ERROR),
                "warnings": self.count(Severity.WARNING),
                "info": self.count(Severity.INFO),
                "checks_failed": sum(1 for r in self.results if r.status == CheckStatus.FAILED),
                "checks_skipped": sum(1 for r in self.results if r.status == CheckStatus.SKIPPED),
                "checks_errored": sum(1 for r in self.results if r.status == CheckStatus.ERRORED),
            },
            "findings": [f.to_dict() for f in self.findings],
            "config": self.config,
        }

    def to_json(self, indent: bool = True) -> str:
        option = orjson.OPT_INDENT_2 if indent else 0
        return orjson.dumps(self.to_dict(), option=option | orjson.OPT_NON_STR_KEYS).decode()

    def render(self, renderer: str, **options: Any) -> str:
        """Render with `dataqa.reports.<renderer>.render(report, **options)`."""
        from dataqa.core.resources import gc_paused

        module = importlib.import_module(f"dataqa.reports.{renderer}")
        with gc_paused():
            return module.render(self, **options)

    def to_terminal(self, **options: Any) -> str:
        return self.render("terminal", **options)

    def to_html(self, **options: Any) -> str:
        return self.render("html", **options)

    def to_markdown(self, **options: Any) -> str:
        return self.render("markdown", **options)

    def to_sarif(self, **options: Any) -> str:
        return self.render("sarif", **options)
