"""A compact Markdown summary for a pull-request comment or a CI step summary.

Verdict, every condition, the usable-row waterfall and the top findings with `file:line`. Text from
the dataset (finding messages, paths) is escaped so it cannot become markup, a link, an image or raw
HTML in GitHub-flavoured Markdown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dataqa.core.models import CheckStatus, Severity
from dataqa.reports.common import display_path, family_title, fmt_value, ranked_findings, split_source, trim

if TYPE_CHECKING:
    from dataqa.engine.report import Report

_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
"""Markdown punctuation that can take effect mid-line (emphasis, code, links/images, table cells, math)."""


def escape(text: str, limit: int = 300) -> str:
    """Untrusted text as literal Markdown: one line, HTML-significant characters as entities,
    Markdown punctuation backslash-escaped (so no emphasis, link, image, table cell break, mention)."""
    text = trim(text, limit).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _code(text: str, in_table: bool = False) -> str:
    """Text in an inline code span (backticks in it are replaced so the span cannot be closed early;
    in a table cell `|` is escaped, which GFM requires even inside code)."""
    text = trim(text, 200).replace("`", "'").replace("\n", " ").replace("\r", " ")
    return f"`{text.replace('|', chr(92) + '|') if in_table else text}`"


def render(report: Report, max_findings: int = 15) -> str:
    """The summary; at most `max_findings` findings are listed, worst first."""
    u = report.usable
    icon = "✅" if report.go else "❌"
    words = "ready for fine-tuning" if report.go else "not ready for fine-tuning"
    out = [
        f"## {icon} dataqa: **{report.verdict}**, {words}",
        "",
        f"**{u.usable:,}** usable of {u.rows:,} training rows (goal: {escape(report.goal)}); "
        f"{_counts(report)}.",
    ]
    blocking = [c for c in report.failed_conditions if c.blocking]
    if blocking:
        out += ["", "**Blocking:**"]
        out += [f"- {escape(c.reason or c.description, 400)}" for c in blocking]
    out += [
        "",
        "| Condition | Measured | Threshold | Result |",
        "|---|---:|---:|---|",
    ]
    for c in report.conditions:
        result = "pass" if c.passed else ("**fail** (blocking)" if c.blocking else "fail (advice)")
        out.append(
            f"| {_code(c.name, in_table=True)} | {escape(fmt_value(c.value, c.name))} | "
            f"{escape(fmt_value(c.threshold, c.name))} | {result} |"
        )
    steps = " → ".join([f"{u.rows:,} rows"] + [f"{left:,} {escape(stage)}" for stage, left in u.steps])
    out += ["", f"Usable rows: {steps}"]
    findings = ranked_findings(report)
    if findings:
        out += ["", f"### Top findings ({len(findings):,} in all)", ""]
        for f in findings[:max_findings]:
            loc = f.first_location
            where = _code(loc.where(display_path(loc.path))) if loc else "—"
            extra = len(f.locations) - 1
            more = f" (+{extra} more line{'s' if extra != 1 else ''})" if extra > 0 else ""
            out.append(f"- {where} **{f.check_id}** {f.severity.label}: {escape(f.message)}{more}")
        if len(findings) > max_findings:
            out.append(f"- … and {len(findings) - max_findings:,} more (see the HTML or JSON report)")
    ran_so = [r for r in report.results if r.reason and r.status in (CheckStatus.PASSED, CheckStatus.FAILED)]
    if ran_so:  # how a check ran when it did not read every row (the Ray engine's sample)
        out += ["", "**How some checks ran:**"]
        out += [f"- **{escape(r.check_id)}** {escape(r.reason, 400)}" for r in ran_so]
    families: dict[str, list[int]] = {}
    for r in report.results:
        counts = families.setdefault(r.family, [0, 0])
        counts[0] += 1
        counts[1] += len(r.findings)
    summary = ", ".join(
        f"{escape(family_title(fam))} {n} finding{'s' if n != 1 else ''}" for fam, (_, n) in families.items()
    )
    files = ", ".join(
        f"{escape(s.name)} {_code(split_source(s))} ({s.rows:,} rows, sha256 {s.sha256[:12]})"
        for s in report.splits
    )
    out += [
        "",
        f"<sub>{len(report.results)} checks: {summary}. Files: {files}. "
        f"dataqa {escape(report.tool_version)}, {_code(report.generated_at)}, "
        f"{report.duration_s:.1f}s.</sub>",
        "",
    ]
    return "\n".join(out)


def _counts(report: Report) -> str:
    e, w, i = report.count(Severity.ERROR), report.count(Severity.WARNING), report.count(Severity.INFO)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n != 1 else ''}"

    return f"{plural(e, 'error')}, {plural(w, 'warning')}, {plural(i, 'note')}"
