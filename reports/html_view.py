"""The HTML report's view model: each section of the page as plain values drawn from the `Report`.

Verdict, conditions, size gauge and waterfall, per-family findings with their evidence, and
provenance; the charts are `dataqa.reports.html_charts`, the advice `dataqa.reports.html_advice`.
Every string is trimmed here; escaping is the templates' (`dataqa.reports.html`).
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dataqa.core.models import CheckResult, CheckStatus, Finding, Severity
from dataqa.engine.config import VerdictConfig
from dataqa.engine.registry import FAMILIES
from dataqa.engine.verdict import is_rft, size_bar, size_tier
from dataqa.reports.common import (
    check_classes,
    condition_value,
    display_path,
    family_title,
    fmt_number,
    fmt_value,
    neutralise,
    not_applicable,
    split_source,
    trim,
)

if TYPE_CHECKING:
    from dataqa.engine.report import Report

PAIR_FAMILIES = frozenset({"duplicates", "leakage"})
"""Families whose findings compare two records: their first two excerpts are shown side by side."""

STAGE_WORDS = {
    "valid": "readable and well-formed",
    "distinct": "not a copy of another example",
    "not leaked": "not also in the test set",
    "consistent": "no conflicting label or answer",
    "clean": "no other problem that removes it",
}


COUNTS_NOTE = (
    "errors, warnings and notes count findings; a blocking problem is a failed verdict condition, "
    "which may stand for many findings or for none (too few examples)"
)
"""How the finding counts differ from the blocking problems, said wherever both appear."""


@dataclass
class Limits:
    """Caps that keep the file small whatever the size of the scan."""

    findings_per_check: int = 25
    locations_per_finding: int = 12
    excerpts_per_finding: int = 6
    excerpt_chars: int = 400
    chart_rows: int = 20
    topics: int = 30


# ---------------------------------------------------------------------------------------------
# Evidence


def word_diff(a: str, b: str, max_tokens: int = 600) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """Two texts as (changed?, text) segments, word by word (difflib), for side-by-side display."""
    ta = re.findall(r"\s+|\w+|[^\w\s]", a)[:max_tokens]
    tb = re.findall(r"\s+|\w+|[^\w\s]", b)[:max_tokens]
    left: list[tuple[bool, str]] = []
    right: list[tuple[bool, str]] = []
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        same = op == "equal"
        if i2 > i1:
            left.append((not same, "".join(ta[i1:i2])))
        if j2 > j1:
            right.append((not same, "".join(tb[j1:j2])))
    return left, right


def _evidence(finding: Finding, family: str, limits: Limits, where: list[str]) -> dict[str, Any]:
    """How to show a finding's excerpts: a side-by-side pair, a per-line table, or a list."""
    excerpts = [trim(e, limits.excerpt_chars) for e in finding.evidence]
    if family in PAIR_FAMILIES and len(excerpts) >= 2:
        # Checks prefix each side with its "path:line: "; the labels show that, the diff should not.
        for i in (0, 1):
            prefix = f"{finding.locations[i]}: " if i < len(finding.locations) else ""
            if prefix and finding.evidence[i].startswith(prefix):
                excerpts[i] = trim(finding.evidence[i][len(prefix) :], limits.excerpt_chars)
        left, right = word_diff(excerpts[0], excerpts[1])
        labels = [where[i] if i < len(where) else "" for i in (0, 1)]
        return {"kind": "pair", "left": left, "right": right, "labels": labels}
    if len(excerpts) >= 2 and len(excerpts) == len(finding.locations):
        rows = list(zip(where, excerpts, strict=False))[: limits.locations_per_finding]
        return {"kind": "table", "rows": rows, "more": len(excerpts) - len(rows)}
    shown = excerpts[: limits.excerpts_per_finding]
    return {"kind": "list", "excerpts": shown, "more": len(excerpts) - len(shown)}


def _finding_view(finding: Finding, family: str, limits: Limits) -> dict[str, Any]:
    where = [neutralise(loc.where(display_path(loc.path))) for loc in finding.locations]
    return {
        "id": finding.check_id,
        "severity": finding.severity.label,
        "message": trim(finding.message, 600),
        "where": where[: limits.locations_per_finding],
        "where_more": max(len(where) - limits.locations_per_finding, 0),
        "group": len(finding.locations),
        "unusable": len(finding.unusable),
        "evidence": _evidence(finding, family, limits, where),
        "metrics": _metric_items(finding.metrics, 6),
    }


# ---------------------------------------------------------------------------------------------
# Sections


def verdict_view(report: Report) -> dict[str, Any]:
    """The verdict banner: go or no-go, its headline and summary, blocking and advisory reasons."""
    blocking = [c for c in report.failed_conditions if c.blocking]
    advice = [c for c in report.failed_conditions if not c.blocking]
    u = report.usable
    if report.go:
        headline = "Ready to fine-tune"
        summary = (
            f"{u.usable:,} of {u.rows:,} training examples are usable and no blocking problem was found."
        )
    else:
        headline = "Not ready to fine-tune yet"
        n = len(blocking)
        summary = (
            f"{n} blocking problem{'s' if n != 1 else ''} must be fixed first. "
            f"{u.usable:,} of {u.rows:,} training examples are usable as the data stands."
        )
    return {
        "go": report.go,
        "word": report.verdict,
        "headline": headline,
        "summary": summary,
        "blocking": [trim(c.reason or c.description, 400) for c in blocking],
        "advice": [trim(c.reason or c.description, 400) for c in advice],
        "counts": {
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "notes": report.count(Severity.INFO),
        },
        "counts_note": COUNTS_NOTE,
    }


def condition_views(report: Report) -> list[dict[str, Any]]:
    """Every verdict condition with its value, threshold and outcome, trimmed for the page."""
    return [
        {
            "name": trim(c.name, 80),
            "description": trim(c.description, 300),
            "value": condition_value(c, c.value),
            "threshold": condition_value(c, c.threshold),
            "passed": c.passed,
            "blocking": c.blocking,
            "reason": trim(c.reason, 400),
        }
        for c in report.conditions
    ]


def verdict_config(report: Report) -> VerdictConfig:
    """The verdict settings the scan ran with (from the report's config), for the gauge and advice."""
    known = VerdictConfig.__dataclass_fields__
    given = report.config.get("verdict") or {}
    return VerdictConfig(**{k: v for k, v in given.items() if k in known})


def gauge_view(report: Report, vc: VerdictConfig) -> dict[str, Any]:
    """Usable examples on a log scale split into the size-guidance tiers."""
    usable = report.usable.usable
    poc, prod = vc.min_usable_poc, vc.min_usable_production
    top = max(10 ** math.ceil(math.log10(max(usable, prod * 10, 10) * 1.2)), 10)
    width, left, right = 1100, 24, 24
    span = width - left - right

    def x(v: float) -> float:
        return left + span * math.log10(max(v, 1)) / math.log10(top)

    tiers = [
        ("prompting", "prompting will do better", 1, poc),
        ("poc", "proof of concept: LoRA / PEFT", poc, prod),
        ("full", "full fine-tune", prod, top),
    ]
    ticks = [10**k for k in range(0, round(math.log10(top)) + 1)]
    train = report.split("train")
    rft = is_rft(train.format if train else None)
    goal_bar = size_bar(report.goal, vc, rft)
    tier, advice = size_tier(usable, vc, rft)
    tier_words = {
        "prompting": "prompting",
        "proof-of-concept": "proof-of-concept",
        "production": "full fine-tune",
    }
    return {
        "width": width,
        "tiers": [
            {"cls": c, "label": label, "x": x(lo), "w": max(x(hi) - x(lo), 0), "mid": (x(lo) + x(hi)) / 2}
            for c, label, lo, hi in tiers
        ],
        "ticks": [{"x": x(t), "label": fmt_number(t)} for t in ticks],
        "marker": x(usable),
        "usable": fmt_number(usable),
        "goal_x": x(goal_bar),
        "goal": f"{report.goal} bar: {goal_bar:,}",
        "tier": tier_words.get(tier, tier),
        "advice": advice,
    }


def waterfall_view(report: Report) -> dict[str, Any]:
    """Rows, then what each stage removed, as stacked horizontal bars."""
    u = report.usable
    width, label_w, row_h, value_w = 1100, 150, 24, 170
    span = width - label_w - value_w
    top = max(u.rows, 1)
    rows = [{"label": "rows in the file", "left": u.rows, "removed": 0, "words": "every training record"}]
    prev = u.rows
    for stage, left in u.steps:
        rows.append(
            {"label": stage, "left": left, "removed": prev - left, "words": STAGE_WORDS.get(stage, "")}
        )
        prev = left
    bars = []
    for i, r in enumerate(rows):
        keep_w = span * r["left"] / top
        gone_w = span * r["removed"] / top
        bars.append(
            {
                **r,
                "y": i * row_h + 4,
                "h": row_h - 8,
                "x": label_w,
                "keep_w": keep_w,
                "gone_x": label_w + keep_w,
                "gone_w": max(gone_w, 2 if r["removed"] else 0),
                "display": f"{r['left']:,}" + (f"  (\u2212{r['removed']:,})" if r["removed"] else ""),
            }
        )
    return {"width": width, "height": len(bars) * row_h + 4, "label_w": label_w, "bars": bars}


def _metric_items(metrics: dict[str, Any], most: int = 8) -> list[tuple[str, str]]:
    """A check's or a finding's scalar numbers (lists and tables are drawn as charts instead). A key
    is the check's own word, but a plugin may build one from data: it is neutralised like any text."""
    scalars = [(k, v) for k, v in metrics.items() if isinstance(v, int | float | bool | str)]
    return [(trim(k.replace("_", " "), 80), fmt_value(v, k)) for k, v in scalars][:most]


def family_views(report: Report, limits: Limits) -> list[dict[str, Any]]:
    """Per check family: its checks, their status counts and the findings shown (capped by `limits`);
    info-level notes apart (`notes`), since they are signals to review, not problems: the page shows
    them in their own collapsed section below the findings."""
    classes = check_classes()
    by_family: dict[str, list[CheckResult]] = {}
    for r in report.results:
        by_family.setdefault(r.family, []).append(r)
    order = [f for f in FAMILIES if f in by_family] + sorted(f for f in by_family if f not in FAMILIES)
    out = []
    for family in order:
        results = by_family[family]
        status = Counter(r.status for r in results)
        checks: list[dict[str, Any]] = []
        findings: list[dict[str, Any]] = []
        notes: list[dict[str, Any]] = []
        for r in results:
            cls = classes.get(r.check_id)
            checks.append(
                {
                    "id": r.check_id,
                    "name": r.name,
                    "summary": trim(cls.summary(), 200) if cls else "",
                    "status": r.status.value,
                    "findings": len(r.findings),
                    "reason": trim(r.reason, 300),
                    "metrics": _metric_items(r.metrics),
                }
            )
            for target, kept in (
                (findings, [f for f in r.findings if f.severity > Severity.INFO]),
                (notes, [f for f in r.findings if f.severity == Severity.INFO]),
            ):
                shown = kept[: limits.findings_per_check]
                target.extend(_finding_view(f, family, limits) for f in shown)
                if len(kept) > len(shown):
                    target.append({"more": len(kept) - len(shown), "id": r.check_id})
        n_notes = sum(1 for r in results for f in r.findings if f.severity == Severity.INFO)
        n_findings = sum(len(r.findings) for r in results) - n_notes
        out.append(
            {
                "key": re.sub(r"[^a-z0-9-]", "-", family.lower()),
                "title": family_title(family),
                "checks": checks,
                "problem_checks": [c for c in checks if c["status"] != CheckStatus.PASSED.value],
                "passed_checks": [c for c in checks if c["status"] == CheckStatus.PASSED.value],
                "findings": findings,
                "n_findings": n_findings,
                "notes": notes,
                "n_notes": n_notes,
                "passed": status[CheckStatus.PASSED],
                "failed": status[CheckStatus.FAILED],
                "skipped": status[CheckStatus.SKIPPED],
                "errored": status[CheckStatus.ERRORED],
                "worst": max(
                    (f.severity for r in results for f in r.findings if f.severity > Severity.INFO),
                    default=None,
                ),
            }
        )
    na = not_applicable(report)
    for fam, family in zip(out, order, strict=True):
        fam["worst"] = fam["worst"].label if fam["worst"] is not None else "ok"
        fam["na"] = na.get(family, "")
    return out


def check_metric(report: Report, key: str, family: str | None = None) -> Any:
    """The first check metric named `key` (optionally within one family), or None."""
    for r in report.results:
        if (family is None or r.family == family) and key in r.metrics:
            return r.metrics[key]
    return None


def provenance_view(report: Report) -> dict[str, Any]:
    """What was scanned with what: input files and hashes, check versions, tool version, config."""
    classes = check_classes()
    return {
        "splits": [
            {
                "name": s.name,
                "path": trim(split_source(s), 300),
                "size": fmt_number(s.size_bytes),
                "sha256": s.sha256,
                "lines": fmt_number(s.lines),
                "rows": fmt_number(s.rows),
                "usable": fmt_number(s.usable_rows),
                "format": (s.format or "unknown") + (f", {s.read_as}" if s.read_as else ""),
                "label_source": trim(s.label_source or "—", 120),
            }
            for s in report.splits
        ],
        "checks": [
            {
                "id": r.check_id,
                "name": r.name,
                "family": family_title(r.family),
                "version": getattr(classes.get(r.check_id), "version", "—"),
                "severity": r.severity.label,
                "status": r.status.value,
            }
            for r in report.results
        ],
        "tool_version": report.tool_version,
        "generated_at": report.generated_at,
        "duration": f"{report.duration_s:.1f} s",
        "goal": report.goal,
        "config_source": trim(str(report.config.get("source") or "defaults (no configuration file)"), 300),
        "config": trim(_config_text(report.config), 20000),
    }


def _config_text(config: dict[str, Any]) -> str:
    import orjson

    shown = {k: v for k, v in config.items() if k != "source"}
    return orjson.dumps(
        shown, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    ).decode()
