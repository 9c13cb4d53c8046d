"""The terminal summary: verdict, failed conditions, counts per family, top findings as file:line.

Readable in ten seconds. Dataset text is neutralised: ANSI escapes and control characters from
the data are shown as visible escapes, never sent to the terminal.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from dataqa.core.models import CheckStatus, Finding, Severity
from dataqa.engine.registry import FAMILIES

if TYPE_CHECKING:
    from dataqa.engine.report import Report

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def neutralise(text: str) -> str:
    """Make untrusted text safe to print: control, escape and bidi characters become \\x.. escapes."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def finding_line(finding: Finding, max_locations: int = 1) -> str:
    """`path:line: ID message` (the form editors and pre-commit understand)."""
    loc = finding.first_location
    where = loc.where() if loc else "-"
    extra = len(finding.locations) - 1
    more = f" (+{extra} more line{'s' if extra > 1 else ''})" if extra > 0 and max_locations == 1 else ""
    return neutralise(f"{where}: {finding.check_id} {finding.message}{more}")


def _color(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def render(report: Report, color: bool = False, max_findings: int = 20) -> str:
    out: list[str] = []
    verdict_color = "1;32" if report.go else "1;31"
    out.append(
        f"{_color(report.verdict, verdict_color, color)}  "
        f"{report.usable.usable:,} usable of {report.usable.rows:,} training rows "
        f"(goal: {report.goal})"
    )
    for split in report.splits:
        out.append(
            f"  {split.name:<5} {neutralise(split.path)}: {split.rows:,} rows, {split.usable_rows:,} usable, "
            f"format {split.format or 'unknown'}"
        )
    failed = report.failed_conditions
    if failed:
        out.append("")
        out.append("Failed conditions:")
        for c in failed:
            tag = "blocking" if c.blocking else "advice"
            out.append(f"  ✗ {c.name} ({tag}): {c.value} vs {c.threshold}. {c.reason}")
    out.append("")
    out.append("Checks:")
    by_family: dict[str, Counter[str]] = {}
    for r in report.results:
        by_family.setdefault(r.family, Counter())[r.status.value] += 1
        by_family[r.family]["findings"] += len(r.findings)
    for family, counts in by_family.items():
        parts = [f"{counts['findings']} finding(s)"] + [
            f"{counts[s.value]} {s.value}" for s in CheckStatus if counts[s.value]
        ]
        out.append(f"  {FAMILIES.get(family, family):<20} " + ", ".join(parts))
    for r in report.results:
        if r.status == CheckStatus.ERRORED:
            out.append(f"  ! {r.check_id} errored: {neutralise(r.reason)}")
    findings = sorted(report.findings, key=lambda f: -int(f.severity))
    shown = [f for f in findings if f.severity >= Severity.WARNING][:max_findings] or findings[:max_findings]
    if shown:
        out.append("")
        out.append("Top findings:")
        out.extend("  " + finding_line(f) for f in shown)
        if len(findings) > len(shown):
            out.append(f"  … and {len(findings) - len(shown)} more (see --json or --html)")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    out.append("")
    out.append(
        f"{errors} error(s), {warnings} warning(s), {report.count(Severity.INFO)} note(s) "
        f"in {report.duration_s:.1f}s"
    )
    return "\n".join(out) + "\n"
