"""The `Report`: findings, metrics, verdict and provenance; every output is drawn from it.

Its JSON form (`to_dict`) is a stable, versioned schema, documented in `dataqa/schema/report.schema.json`.
Renderers live in `dataqa.reports.<name>` and each exposes `render(report) -> str`.
"""

from __future__ import annotations

import importlib
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from dataqa.core.models import CheckResult, CheckStatus, Condition, Finding, Severity
from dataqa.engine.verdict import GO, Usable
from dataqa.ingest.layouts import MESSAGE_KEYS

if TYPE_CHECKING:
    import pandas
    import polars

SCHEMA_VERSION = "1.5"
"""1.1: locations of tables carry `row` (and `record`) instead of `line`; splits carry `input`.
1.2: `engine` (local or ray, and for ray its cluster, blocks and the checks on its workers); checks
run by the Ray engine carry `ran_on`.
1.3: the Ray engine's `engine` adds each block's task's time by stage (`per_block`), each worker's
blocks and peak memory (`workers`) and the environment it gave its workers (`worker_env`)."""

SEVERITIES = ["info", "warning", "error"]
"""Severity labels, least serious first: the order of the frames' `severity` enum."""


def findings_schema() -> dict[str, Any]:
    """Column → polars dtype of `Report.findings_frame()`, fixed whatever the findings."""
    import polars as pl

    return {
        "check_id": pl.String,
        "check_name": pl.String,
        "family": pl.String,
        "severity": pl.Enum(SEVERITIES),
        "message": pl.String,
        "split": pl.String,
        "path": pl.String,
        "line": pl.Int64,
        "row": pl.Int64,
        "group": pl.Int64,
        "group_size": pl.Int64,
        "similarity": pl.Float64,
        "unusable": pl.Boolean,
    }


def conditions_schema() -> dict[str, Any]:
    """Column → polars dtype of `Report.conditions_frame()`."""
    import polars as pl

    return {
        "name": pl.String,
        "blocking": pl.Boolean,
        "passed": pl.Boolean,
        "value": pl.Float64,
        "threshold": pl.Float64,
        "value_text": pl.String,
        "threshold_text": pl.String,
        "description": pl.String,
        "reason": pl.String,
    }


def usable_schema() -> dict[str, Any]:
    """Column → polars dtype of `Report.usable_frame()`."""
    import polars as pl

    return {"stage": pl.String, "removed": pl.Int64, "remaining": pl.Int64}


def _number(value: Any) -> float | None:
    """A finite int or float as a float (booleans and everything else: None)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _text(value: Any) -> str:
    """A condition's value as plain text: yes/no for booleans, lists comma-separated, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _similarity(metrics: dict[str, Any]) -> float | None:
    """The similarity a finding's metrics carry (a pair's score, or a group's lowest verified one)."""
    for key in ("similarity", "similarity_min"):
        score = _number(metrics.get(key))
        if score is not None:
            return score
    return None


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
    input: dict[str, Any] = field(default_factory=dict)
    """What the split was read from: `kind` (jsonl, json, csv, tsv, parquet, arrow, memory), `files`,
    and `note`, which says how a folder or glob was read (empty for a file given by name)."""
    template: dict[str, Any] | None = None
    """For text read as chat: the template's `name` and `title`, the `records` that carry it, `of` all
    records (`dataqa.ingest.chat_templates`); None (and left out of the JSON) otherwise."""
    rft: dict[str, Any] | None = None
    """For chat read as reinforcement fine-tuning data: the `records` that end on a user turn, `of` all
    records, and the grader fields (`references`) the split carries (`dataqa.ingest.rft`); None (and
    left out of the JSON) otherwise."""
    roles: dict[str, str] | None = None
    """For chat whose file names its roles or its messages' keys in its own words: each role or key as
    written -> the chat role, or "role" / "content", it was read as (`dataqa.ingest.role_names`); None
    (and left out of the JSON) otherwise."""

    @property
    def read_as(self) -> str:
        """How a split was read beyond its records' keys (a chat template, RFT, roles by their names),
        for the line that names its format ("" otherwise)."""
        if self.roles:
            keys = ", ".join(f'"{w[:40]}" as {r}' for w, r in self.roles.items() if r in MESSAGE_KEYS)
            roles = ", ".join(f'"{w[:40]}" as {r}' for w, r in self.roles.items() if r not in MESSAGE_KEYS)
            said = [f"messages' keys read by their names: {keys}"] * bool(keys)
            said += [f"roles read by their names: {roles}"] * bool(roles)
            expected = "{role, content} messages" if keys else "system/user/assistant"
            return f"{'; '.join(said)} (chat templates expect {expected})"
        t, r = self.template, self.rft
        if r:
            fields = ", ".join(f'"{k}"' for k in r["references"]) or "each record's own"
            return (
                f"read as reinforcement fine-tuning: {r['records']:,} of {r['of']:,} records end on a user "
                f"turn, graded against {fields}"
            )
        if not t:
            return ""
        return f"read as chat: {t['title']} template in {t['records']:,} of {t['of']:,} records"

    def to_dict(self) -> dict[str, Any]:
        return (
            {
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
                "input": self.input,
            }
            | ({"template": self.template} if self.template is not None else {})
            | ({"rft": self.rft} if self.rft is not None else {})
            | ({"roles": self.roles} if self.roles is not None else {})
        )


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
    engine: dict[str, Any] = field(default_factory=lambda: {"name": "local"})
    """Which engine ran the scan (`name`: local or ray) and, for Ray, where (`dataqa.engine.ray_engine`)."""

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
            "engine": self.engine,
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

    def findings_frame(self) -> polars.DataFrame:
        """One row per affected record of every finding (a polars DataFrame, columns `findings_schema()`).

        `group` is the finding's index in `report.findings` (a duplicate group's rows share it);
        `unusable` says whether this finding removes that record from the usable count (the verdict
        counts training rows); `similarity` is set where the finding's metrics carry a score. `line` is
        the physical line in `path` (where a record of a JSON array starts), `row` the 0-based row of
        a table (Parquet, Arrow, in-memory data): one of the two is set. A finding that points at no
        record (a dataset-wide one) is one row with no split, path, line or row.
        """
        import polars as pl

        columns: dict[str, list[Any]] = {name: [] for name in findings_schema()}
        checks = {r.check_id: r for r in self.results}
        for group, finding in enumerate(self.findings):
            result = checks.get(finding.check_id)
            unusable = set(finding.unusable)
            score = _similarity(finding.metrics)
            for loc in finding.locations or [None]:
                columns["check_id"].append(finding.check_id)
                columns["check_name"].append(result.name if result else None)
                columns["family"].append(result.family if result else None)
                columns["severity"].append(finding.severity.label)
                columns["message"].append(finding.message)
                columns["split"].append(loc.split if loc else None)
                columns["path"].append(loc.path if loc else None)
                columns["line"].append(loc.physical_line if loc else None)
                columns["row"].append(loc.row if loc else None)
                columns["group"].append(group)
                columns["group_size"].append(len(finding.locations))
                columns["similarity"].append(score)
                columns["unusable"].append(loc in unusable if loc else False)
        return pl.DataFrame(columns, schema=findings_schema())

    def conditions_frame(self) -> polars.DataFrame:
        """Every verdict condition as a row: numeric value and threshold where they are numbers, and
        both as text (`yes`/`no` for booleans) whatever they are."""
        import polars as pl

        rows = [
            {
                "name": c.name,
                "blocking": c.blocking,
                "passed": c.passed,
                "value": _number(c.value),
                "threshold": _number(c.threshold),
                "value_text": _text(c.value),
                "threshold_text": _text(c.threshold),
                "description": c.description,
                "reason": c.reason,
            }
            for c in self.conditions
        ]
        return pl.DataFrame(rows, schema=conditions_schema(), orient="row")

    def usable_frame(self) -> polars.DataFrame:
        """The usable-rows waterfall: training rows, then each stage with what it removed and what is left."""
        import polars as pl

        stages, removed, remaining = ["rows"], [0], [self.usable.rows]
        for stage, left in self.usable.steps:
            stages.append(stage)
            removed.append(remaining[-1] - left)
            remaining.append(left)
        return pl.DataFrame(
            {"stage": stages, "removed": removed, "remaining": remaining}, schema=usable_schema()
        )

    def to_pandas(self) -> pandas.DataFrame:
        """`findings_frame()` as a pandas DataFrame with nullable dtypes (needs pandas, not pyarrow)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Report.to_pandas() needs pandas: pip install pandas") from None
        frame = self.findings_frame()
        kinds = {"line": "Int64", "row": "Int64", "group": "Int64", "group_size": "Int64"}
        kinds |= {"similarity": "Float64", "unusable": "boolean"}
        data = {}
        for name in frame.columns:
            values = frame[name].to_list()
            if name == "severity":
                data[name] = pd.Categorical(values, categories=SEVERITIES, ordered=True)
            else:
                data[name] = pd.array(values, dtype=kinds.get(name, "string"))
        return pd.DataFrame(data, columns=frame.columns)

    def __repr__(self) -> str:
        """One line: verdict, usable rows, finding counts (the full report is `to_terminal()`)."""
        seen = Counter(f.severity for f in self.findings)
        words = ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "note"))
        counts = ", ".join(f"{seen[sev]:,} {word}{'' if seen[sev] == 1 else 's'}" for sev, word in words)
        blocking = sum(1 for c in self.failed_conditions if c.blocking)
        why = f"; {blocking} blocking condition{'s' if blocking != 1 else ''} failed" if blocking else ""
        return (
            f"<dataqa.Report {self.verdict}: {self.usable.usable:,} of {self.usable.rows:,} training rows "
            f"usable; {counts}{why}>"
        )

    def _repr_html_(self) -> str:
        """Jupyter's view: a compact, escaped version of the HTML report's first screen."""
        return self.render("html_summary")

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
