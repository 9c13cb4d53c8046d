"""The HTML readiness report: one self-contained file a stakeholder can read in a minute.

Everything the page shows is drawn from the `Report`. This module lays it out (verdict, conditions,
size gauge and waterfall, per-family findings with evidence, charts, fine-tuning advice and
provenance) and hands plain values to the Jinja2 templates in `templates/`.

Safety: every dataset string is untrusted. Jinja2 autoescape is switched on explicitly, control and
bidi characters are made visible, the page has no script at all, and a Content-Security-Policy
allows nothing but the one inline stylesheet (pinned by its SHA-256), so neither an injected
`<script>`, an event handler, an injected `<style>` nor a network request can take effect.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from dataqa.core.models import CheckResult, CheckStatus, Finding, Severity
from dataqa.engine.config import ReportConfig, VerdictConfig
from dataqa.engine.registry import FAMILIES
from dataqa.engine.verdict import size_tier
from dataqa.reports.common import (
    check_classes,
    display_path,
    family_title,
    fmt_number,
    fmt_value,
    trim,
)

if TYPE_CHECKING:
    from dataqa.engine.report import Report

DEFAULT_PRICE_PER_MILLION = ReportConfig.price_per_million_tokens
DEFAULT_EPOCHS = ReportConfig.epochs

PAIR_FAMILIES = frozenset({"duplicates", "leakage"})
"""Families whose findings compare two records: their first two excerpts are shown side by side."""

STAGE_WORDS = {
    "valid": "readable and well-formed",
    "distinct": "not a copy of another example",
    "not leaked": "not also in the test set",
    "consistent": "no conflicting label or answer",
    "clean": "no other problem that removes it",
}


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
# Charts: geometry is computed here, the templates only draw it (inline SVG, no script).


@dataclass
class Bar:
    label: str
    value: float
    display: str
    x: float
    y: float
    w: float
    h: float
    cls: str = ""
    title: str = ""


@dataclass
class Chart:
    """An SVG chart: bars with labels, on a `width` x `height` view box."""

    title: str
    width: int
    height: int
    bars: list[Bar]
    kind: str = "hbar"
    note: str = ""
    label_w: float = 0
    axis: list[tuple[float, str]] = field(default_factory=list)


def hbar_chart(
    title: str, items: list[tuple[str, float]], limit: int, note: str = "", pct_of: float = 0
) -> Chart:
    """Horizontal bars, largest first as given; beyond `limit` rows the rest is one "N more" bar."""
    items = list(items)
    if len(items) > limit:
        rest = items[limit - 1 :]
        items = [*items[: limit - 1], (f"{len(rest)} more", sum(v for _, v in rest))]
    width, label_w, row_h, value_w = 1100, 330, 22, 120
    top = max((v for _, v in items), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(items):
        w = (width - label_w - value_w) * value / top
        share = f" ({100 * value / pct_of:.1f}%)" if pct_of else ""
        bars.append(
            Bar(
                label=trim(label, 50),
                value=value,
                display=fmt_number(value) + share,
                x=label_w,
                y=i * row_h + 3,
                w=max(w, 1 if value else 0),
                h=row_h - 6,
                title=trim(label, 200),
            )
        )
    return Chart(title, width, max(len(bars) * row_h, row_h), bars, "hbar", note, label_w)


def histogram_chart(title: str, bins: list[tuple[str, float]], note: str = "", cls: str = "") -> Chart:
    """Vertical bars over ordered bins (empty bins at both ends are dropped)."""
    while bins and not bins[-1][1]:
        bins = bins[:-1]
    while bins and not bins[0][1]:
        bins = bins[1:]
    width, height, base, left = 1100, 170, 140, 10
    n = max(len(bins), 1)
    slot = min((width - 2 * left) / n, 120)  # a few bins stay bar-sized, not slabs
    top = max((c for _, c in bins), default=0) or 1
    bars = []
    for i, (label, count) in enumerate(bins):
        h = (base - 18) * count / top
        bars.append(
            Bar(
                label=label,
                value=count,
                display=fmt_number(count),
                x=left + i * slot + slot * 0.1,
                y=base - h,
                w=slot * 0.8,
                h=max(h, 1 if count else 0),
                cls=cls,
                title=f"{label}: {fmt_number(count)}",
            )
        )
    return Chart(title, width, height, bars, "vbar", note)


def _bin_label(lo: Any, hi: Any) -> str:
    if hi is None:
        return f"> {fmt_number(lo - 1 if isinstance(lo, int) else lo)}"
    if isinstance(lo, float) or isinstance(hi, float):
        return f"{lo:.2g}\u2013{hi:.2g}"
    return f"{fmt_number(lo)}\u2013{fmt_number(hi)}"


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
    where = [f"{display_path(loc.path)}:{loc.line}" for loc in finding.locations]
    metrics = [
        (k.replace("_", " "), fmt_value(v, k))
        for k, v in finding.metrics.items()
        if isinstance(v, int | float | str | bool)
    ][:6]
    return {
        "id": finding.check_id,
        "severity": finding.severity.label,
        "message": trim(finding.message, 600),
        "where": where[: limits.locations_per_finding],
        "where_more": max(len(where) - limits.locations_per_finding, 0),
        "group": len(finding.locations),
        "unusable": len(finding.unusable),
        "evidence": _evidence(finding, family, limits, where),
        "metrics": metrics,
    }


# ---------------------------------------------------------------------------------------------
# Sections


def _verdict(report: Report) -> dict[str, Any]:
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
    }


def _conditions(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "name": trim(c.name, 80),
            "description": trim(c.description, 300),
            "value": fmt_value(c.value, c.name),
            "threshold": fmt_value(c.threshold, c.name),
            "passed": c.passed,
            "blocking": c.blocking,
            "reason": trim(c.reason, 400),
        }
        for c in report.conditions
    ]


def _verdict_config(report: Report) -> VerdictConfig:
    known = VerdictConfig.__dataclass_fields__
    given = report.config.get("verdict") or {}
    return VerdictConfig(**{k: v for k, v in given.items() if k in known})


def _gauge(report: Report, vc: VerdictConfig) -> dict[str, Any]:
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
    goal_bar = prod if report.goal == "production" else poc
    tier, advice = size_tier(usable, vc)
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


def _waterfall(report: Report) -> dict[str, Any]:
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


def _metric_items(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """A check's scalar summary numbers (lists and tables are drawn as charts instead)."""
    scalars = [(k, v) for k, v in metrics.items() if isinstance(v, int | float | bool | str)]
    return [(k.replace("_", " "), fmt_value(v, k)) for k, v in scalars][:8]


def _families(report: Report, limits: Limits) -> list[dict[str, Any]]:
    classes = check_classes()
    by_family: dict[str, list[CheckResult]] = {}
    for r in report.results:
        by_family.setdefault(r.family, []).append(r)
    order = [f for f in FAMILIES if f in by_family] + sorted(f for f in by_family if f not in FAMILIES)
    out = []
    for family in order:
        results = by_family[family]
        status = Counter(r.status for r in results)
        checks, findings = [], []
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
            shown = r.findings[: limits.findings_per_check]
            findings.extend(_finding_view(f, family, limits) for f in shown)
            if len(r.findings) > len(shown):
                findings.append({"more": len(r.findings) - len(shown), "id": r.check_id})
        n_findings = sum(len(r.findings) for r in results)
        out.append(
            {
                "key": re.sub(r"[^a-z0-9-]", "-", family.lower()),
                "title": family_title(family),
                "checks": checks,
                "problem_checks": [c for c in checks if c["status"] != CheckStatus.PASSED.value],
                "passed_checks": [c for c in checks if c["status"] == CheckStatus.PASSED.value],
                "findings": findings,
                "n_findings": n_findings,
                "passed": status[CheckStatus.PASSED],
                "failed": status[CheckStatus.FAILED],
                "skipped": status[CheckStatus.SKIPPED],
                "errored": status[CheckStatus.ERRORED],
                "worst": max((f.severity for r in results for f in r.findings), default=None),
            }
        )
    for fam in out:
        fam["worst"] = fam["worst"].label if fam["worst"] is not None else "ok"
    return out


def _metric(report: Report, key: str, family: str | None = None) -> Any:
    """The first check metric named `key` (optionally within one family), or None."""
    for r in report.results:
        if (family is None or r.family == family) and key in r.metrics:
            return r.metrics[key]
    return None


def _charts(report: Report, limits: Limits) -> list[Chart]:
    """Every chart whose data is present in this report (producers fill the metric contracts)."""
    charts: list[Chart] = []
    train = report.split("train")
    profile = train.profile if train else {}
    labels = profile.get("labels") or {}
    if labels:
        items = sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))
        charts.append(
            hbar_chart(
                "Label distribution (training examples per label)",
                items,
                limits.chart_rows,
                pct_of=sum(labels.values()),
            )
        )
    for role, data in (profile.get("tokens_per_role") or {}).items():
        bins = [(_bin_label(b["from"], b["to"]), b["count"]) for b in data.get("histogram", [])]
        q = data.get("quantiles") or {}
        note = (
            f"median {fmt_number(q['p50'])} tokens, 95th percentile {fmt_number(q['p95'])}, "
            f"longest {fmt_number(q['max'])}"
            if {"p50", "p95", "max"} <= q.keys()
            else ""
        )
        if bins:
            charts.append(histogram_chart(f"Tokens per {trim(role, 30)} turn", bins, note, cls="role"))
    languages = _metric(report, "languages", "coverage")
    if isinstance(languages, dict):
        for split, counts in languages.items():
            if isinstance(counts, dict) and counts:
                items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                charts.append(
                    hbar_chart(
                        f"Languages in {trim(split, 20)} (“und”: too short to tell)",
                        items,
                        12,
                        pct_of=sum(counts.values()),
                    )
                )
    sizes = Counter(
        len(f.locations)
        for r in report.results
        if r.family == "duplicates"
        for f in r.findings
        if len(f.locations) > 1
    )
    if sizes:
        buckets = [
            ("2", 2, 2),
            ("3", 3, 3),
            ("4", 4, 4),
            ("5", 5, 5),
            ("6\u201310", 6, 10),
            ("11\u201350", 11, 50),
        ]
        bins = [(label, sum(c for s, c in sizes.items() if lo <= s <= hi)) for label, lo, hi in buckets]
        bins.append(("> 50", sum(c for s, c in sizes.items() if s > 50)))
        total = sum(sizes.values())
        charts.append(
            histogram_chart(
                "Duplicate groups by size (records per group)",
                bins,
                f"{total:,} group(s); a group of n keeps one record and removes n \u2212 1",
                cls="dup",
            )
        )
    topics = _metric(report, "topics", "coverage")
    if isinstance(topics, list) and topics:
        valid = [t for t in topics if isinstance(t, dict) and "size" in t]
        valid.sort(key=lambda t: (-int(t.get("size", 0)), int(t.get("id", 0))))
        items = [
            (", ".join(str(w) for w in (t.get("terms") or [])[:4]) or f"topic {t.get('id')}", t["size"])
            for t in valid
        ]
        chart = hbar_chart(
            "Topics in the training inputs (top terms, examples per topic)",
            items,
            limits.topics,
            "Thin topics (marked) have too few examples for the model to learn them well.",
            pct_of=sum(t["size"] for t in valid),
        )
        for bar, t in zip(chart.bars, valid, strict=False):
            bar.cls = "thin" if t.get("thin") else ""
        charts.append(chart)
    hist = _metric(report, "distance_histogram", "coverage")
    if isinstance(hist, list) and hist:
        bins = [(_bin_label(float(b["from"]), float(b["to"])), b["count"]) for b in hist if "count" in b]
        uncovered = _metric(report, "uncovered", "coverage")
        note = (
            "Distance from each test example to its nearest training example "
            "(0 = same text, 1 = nothing in common)."
        )
        if uncovered is not None:
            note += f" {fmt_number(uncovered)} test example(s) have nothing close in training."
        charts.append(
            histogram_chart("Test coverage: distance to the nearest training example", bins, note, "cov")
        )
    return charts


def _report_settings(report: Report, price: float | None, epochs: int | None) -> tuple[float, int]:
    settings = report.config.get("report") or {}
    price = (
        price if price is not None else settings.get("price_per_million_tokens", DEFAULT_PRICE_PER_MILLION)
    )
    epochs = epochs if epochs is not None else settings.get("epochs", DEFAULT_EPOCHS)
    return float(price), int(epochs)


def _advice(report: Report, vc: VerdictConfig, price: float, epochs: int) -> list[dict[str, str]]:
    """ "Should we fine-tune?": size tier, target format, knowledge lookup, tokens and cost."""
    out: list[dict[str, str]] = []
    usable = report.usable.usable
    tier, advice = size_tier(usable, vc)
    tone = {"prompting": "bad", "proof-of-concept": "meh", "production": "good"}.get(tier, "meh")
    out.append({"title": f"Size: {usable:,} usable examples", "tone": tone, "text": advice})

    train = report.split("train")
    profile = train.profile if train else {}
    labels = profile.get("labels") or {}
    share = _metric(report, "train_dominant_share", "format")
    shape = _metric(report, "train_dominant_shape", "format")
    if train and train.label_source and labels:
        out.append(
            {
                "title": f"Targets: a closed set of {len(labels):,} answers",
                "tone": "good",
                "text": "Every reply is one of a small set of answers, so this is a classification task. "
                "Fine-tuning learns a fixed label set reliably; compare it with a small classifier, "
                "which may be cheaper to run.",
            }
        )
    elif isinstance(share, int | float) and shape and shape != "free text":
        good = share >= 0.95
        out.append(
            {
                "title": f"Targets: {100 * share:.1f}% share one structure",
                "tone": "good" if good else "meh",
                "text": f"The dominant target shape is {trim(str(shape), 120)}. "
                + (
                    "A consistent output format is one of the strongest reasons to fine-tune: the model "
                    "learns the shape so the prompt need not spell it out."
                    if good
                    else "Make the remaining targets follow the same shape: a fine-tune copies inconsistency."
                ),
            }
        )
    elif isinstance(share, int | float):
        out.append(
            {
                "title": "Targets: free text",
                "tone": "meh",
                "text": "Replies are free text with no common structure. Fine-tuning pays when it teaches a "
                "style, a tone or domain language that a good prompt with a few examples cannot; try that "
                "prompt first and keep it as the baseline to beat.",
            }
        )

    knowledge = profile.get("knowledge") or {}
    questions, density = knowledge.get("question_prompts"), knowledge.get("fact_density")
    if isinstance(questions, int | float) and isinstance(density, int | float) and not labels:
        lookup = questions >= 0.5 and density >= 0.1
        out.append(
            {
                "title": "Looks like knowledge lookup" if lookup else "Teaches behaviour rather than facts",
                "tone": "bad" if lookup else "good",
                "text": (
                    f"{100 * questions:.0f}% of inputs are questions and "
                    f"{100 * density:.0f}% of answer words "
                    "are names or numbers. "
                )
                + (
                    "When the answers carry facts, retrieval (search over your documents, put in the prompt) "
                    "is usually cheaper, easier to update and more accurate than fine-tuning the facts in."
                    if lookup
                    else "The answers carry few facts, so the data mostly teaches a behaviour, style or "
                    "format, which is what fine-tuning is good at."
                ),
            }
        )

    tokens = profile.get("tokens_total")
    if isinstance(tokens, int | float) and tokens > 0:
        valid_rows = profile.get("valid_rows") or train.rows if train else 0
        clean_tokens = tokens * usable / valid_rows if valid_rows else tokens
        cost = clean_tokens / 1e6 * price * epochs
        out.append(
            {
                "title": f"Training cost: about ${cost:,.2f}",
                "tone": "info",
                "text": f"{fmt_number(int(tokens))} tokens per epoch as the file stands, about "
                f"{fmt_number(int(clean_tokens))} after dropping unusable rows; {epochs} epoch(s) at "
                f"${fmt_number(price)} per million training tokens. Set your provider's price and epochs "
                "in [tool.dataqa.report] (price-per-million-tokens, epochs). Tokens are estimated, "
                "not counted with your model's tokenizer.",
            }
        )
    test = report.split("test")
    if test is None:
        out.append(
            {
                "title": "No held-out test set",
                "tone": "bad",
                "text": "Without a test set nobody can tell whether the fine-tune beats the base model "
                "with a "
                "good prompt. Hold out a few hundred examples the model never trains on.",
            }
        )
    else:
        leaked = _metric(report, "test_leaked_fraction", "leakage")
        extra = (
            f" {100 * leaked:.1f}% of it was also found in training."
            if isinstance(leaked, int | float)
            else ""
        )
        out.append(
            {
                "title": f"Evaluation: {test.usable_rows:,} test examples",
                "tone": "good" if test.usable_rows >= 100 else "meh",
                "text": "Compare the fine-tune with the base model and your best prompt on this set before "
                "deciding; a test set of a hundred or more examples makes the comparison meaningful." + extra,
            }
        )
    return out


def _provenance(report: Report) -> dict[str, Any]:
    classes = check_classes()
    return {
        "splits": [
            {
                "name": s.name,
                "path": trim(display_path(s.path), 300),
                "size": fmt_number(s.size_bytes),
                "sha256": s.sha256,
                "lines": fmt_number(s.lines),
                "rows": fmt_number(s.rows),
                "usable": fmt_number(s.usable_rows),
                "format": s.format or "unknown",
                "label_source": s.label_source or "—",
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


def _css() -> str:
    return resources.files("dataqa.reports").joinpath("templates/report.css").read_text(encoding="utf-8")


def csp(css: str) -> str:
    """The page's Content-Security-Policy: nothing may load or run except this exact stylesheet."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; script-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("dataqa.reports", "templates"),
        autoescape=True,  # dataset text is untrusted; select_autoescape() would not cover .j2 names
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    report: Report,
    *,
    price_per_million_tokens: float | None = None,
    epochs: int | None = None,
    limits: Limits | None = None,
) -> str:
    """The readiness report as one self-contained HTML page (no script, no network)."""
    limits = limits or Limits()
    vc = _verdict_config(report)
    price, n_epochs = _report_settings(report, price_per_million_tokens, epochs)
    css = _css()
    train = report.split("train")
    title_name = display_path(train.path) if train else "dataset"
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=trim(title_name, 120),
            css=css,
            csp=csp(css),
            verdict=_verdict(report),
            conditions=_conditions(report),
            gauge=_gauge(report, vc),
            waterfall=_waterfall(report),
            families=_families(report, limits),
            charts=_charts(report, limits),
            advice=_advice(report, vc, price, n_epochs),
            prov=_provenance(report),
        )
    )
