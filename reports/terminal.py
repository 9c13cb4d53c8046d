"""The terminal summary: verdict, failed conditions, checks per family, findings as file:line, and
a closing verdict-and-count line with what to do next.

Readable in ten seconds. Findings come in the order they matter (blocking first, then errors,
warnings, notes), each line `path:line: ID [severity] message` with its location printed once. Colour
(click.style, like ruff: paths bold, ids and severities coloured, the verdict green or red) only when
the caller asks for it. Dataset text is neutralised: ANSI escapes and control characters from the
data are shown as visible escapes, never sent to the terminal; colour codes are added afterwards.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import click

from dataqa.core.models import CheckStatus, Finding, Severity
from dataqa.reports.common import (
    blocking_findings,
    condition_value,
    family_title,
    neutralise,
    not_applicable,
    ranked_findings,
    short_path,
    split_source,
)

if TYPE_CHECKING:
    from dataqa.engine.report import Report

__all__ = ["finding_line", "neutralise", "render", "render_concise", "statistics_lines", "summary_lines"]

SEVERITY_WORDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SEVERITY_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _paint(text: str, enabled: bool, **style: object) -> str:
    return click.style(text, **style) if enabled else text  # type: ignore[arg-type]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def severity_tag(finding: Finding, blocking: bool = False, color: bool = False) -> str:
    """`[blocking error]`, `[error]`, `[warning]` or `[note]`."""
    word = ("blocking " if blocking else "") + SEVERITY_WORDS[finding.severity]
    return _paint(f"[{word}]", color, fg=SEVERITY_COLOURS[finding.severity], bold=blocking)


def _message(finding: Finding) -> str:
    """The message with its own location said once: a leading `path:line ` is dropped (the line
    starts with it), and other lines of the same file are `line N`."""
    text = finding.message
    loc = finding.first_location
    if loc is None:
        return text
    here = loc.where()
    if text.startswith(here + " "):
        text = text[len(here) + 1 :]
    if loc.physical_line is None:  # a table: other rows of it are `row N`
        return _numbered_as(text, loc.path + " row ", "row ")
    return _numbered_as(text, loc.path + ":", "line ")


_NUMBER = re.compile(r"\d+")


def _numbered_as(text: str, prefix: str, word: str) -> str:
    """`text` with every `prefix` directly followed by a number written `word` + that number: what
    `re.sub` with the escaped prefix and a group of digits did, without compiling a pattern per
    path (each took a place in `re`'s cache of 512 patterns, for the life of the process)."""
    parts: list[str] = []
    done = search = 0
    while (at := text.find(prefix, search)) >= 0:
        number = _NUMBER.match(text, at + len(prefix))
        if number is None:
            search = at + 1
            continue
        parts += [text[done:at], word, number.group()]
        done = search = number.end()
    return "".join(parts) + text[done:] if parts else text


def finding_line(
    finding: Finding, max_locations: int = 1, *, blocking: bool = False, color: bool = False
) -> str:
    """`path:line: ID [severity] message` (the form editors and pre-commit understand)."""
    loc = finding.first_location
    where = loc.where(neutralise(short_path(loc.path))) if loc else "-"
    extra = len(finding.locations) - 1
    more = f" (+{extra} more line{'s' if extra > 1 else ''})" if extra > 0 and max_locations == 1 else ""
    return (
        f"{_paint(where, color, bold=True)}: {_paint(finding.check_id, color, fg='red', bold=True)} "
        f"{severity_tag(finding, blocking, color)} {neutralise(_message(finding))}{more}"
    )


def _counts(report: Report, blocking: set[int]) -> str:
    seen = Counter(f.severity for f in report.findings)
    errors = _plural(seen[Severity.ERROR], "error")
    if blocking:
        errors += f" ({len(blocking):,} blocking)"
    return f"{errors}, {_plural(seen[Severity.WARNING], 'warning')}, {_plural(seen[Severity.INFO], 'note')}"


def summary_lines(report: Report, color: bool = False, next_step: str | None = None) -> list[str]:
    """The closing lines every output format ends with: verdict and counts on one line, then what to
    do next. Blocking conditions (what decides the verdict) and blocking findings (the findings behind
    them) are counted apart from the errors, warnings and notes (every finding, by severity)."""
    u = report.usable
    word = _paint(report.verdict, color, fg="green" if report.go else "red", bold=True)
    failed = sum(1 for c in report.failed_conditions if c.blocking)
    why = f"; {_plural(failed, 'blocking condition')} failed" if failed else ""
    lines = [
        f"{word}: {u.usable:,} of {u.rows:,} training rows usable{why}; "
        f"{_counts(report, blocking_findings(report))} ({report.duration_s:.1f} s)"
    ]
    if next_step:
        lines.append(f"Next: {neutralise(next_step)}")  # it names the input files
    return lines


def statistics_lines(report: Report) -> list[str]:
    """One line per check: id, name, findings, records affected, seconds (or why it did not run)."""
    na = not_applicable(report)
    width = max((len(r.name) for r in report.results), default=10)
    out = []
    for r in report.results:
        head = f"{r.check_id:<8} {r.name:<{width}}"
        if r.status == CheckStatus.ERRORED:
            out.append(f"{head}  could not run: {neutralise(r.reason)}")
        elif r.status == CheckStatus.SKIPPED:
            out.append(f"{head}  skipped: {neutralise(r.reason)}")
        else:
            rows = len({(loc.split, loc.line) for f in r.findings for loc in f.locations})
            tail = "  (not applicable)" if r.family in na and not r.findings else ""
            tail += f"  ({neutralise(r.reason)})" if r.reason else ""  # how it ran (a Ray sample)
            out.append(
                f"{head}  {_plural(len(r.findings), 'finding'):>14}  {_plural(rows, 'row'):>12}  "
                f"{r.duration_s:7.2f} s{tail}"
            )
    return out


def render_concise(report: Report, color: bool = False, next_step: str | None = None) -> str:
    """One line per finding, in the order they matter, then the closing verdict-and-count lines."""
    blocking = blocking_findings(report)
    out = [finding_line(f, blocking=id(f) in blocking, color=color) for f in ranked_findings(report)]
    if out:
        out.append("")
    out.extend(summary_lines(report, color, next_step))
    return "\n".join(out) + "\n"


def render(
    report: Report,
    color: bool = False,
    max_findings: int = 20,
    statistics: bool = False,
    next_step: str | None = None,
) -> str:
    """The full terminal summary; `statistics` lists every check's numbers instead of the findings."""
    out: list[str] = []
    word = _paint(report.verdict, color, fg="green" if report.go else "red", bold=True)
    u = report.usable
    out.append(f"{word}  {u.usable:,} of {u.rows:,} training rows usable (goal: {report.goal})")
    for split in report.splits:
        # A label read from a field of another name ("category", --label-field) is named here.
        label = split.label_source if split.format == "classification" else None
        named = f' (label "{neutralise(label)}")' if label and label != "label" else ""
        named += f", {neutralise(split.read_as)}" if split.read_as else ""
        out.append(
            f"  {split.name:<5} {_paint(neutralise(split_source(split, short_path)), color, bold=True)}: "
            f"{split.rows:,} rows, {split.usable_rows:,} usable, format {split.format or 'unknown'}{named}"
        )
    for title, conditions in (
        ("Blocking:", [c for c in report.failed_conditions if c.blocking]),
        ("Advice (not blocking):", [c for c in report.failed_conditions if not c.blocking]),
    ):
        if conditions:
            out += ["", title]
        for c in conditions:
            mark = _paint("✗", color, fg="red" if c.blocking else "yellow", bold=True)
            measured = f"{condition_value(c, c.value)} (threshold {condition_value(c, c.threshold)})"
            out.append(f"  {mark} {c.name}: {neutralise(measured)}. {neutralise(c.reason)}".rstrip())
    out += ["", "Checks:"]
    na = not_applicable(report)
    families: dict[str, list] = {}
    for r in report.results:
        families.setdefault(r.family, []).append(r)
    width = max((len(family_title(f)) for f in families), default=10)
    for family, results in families.items():
        title = f"  {family_title(family):<{width}}  "
        if family in na:
            out.append(title + _paint(f"not applicable: {na[family]}", color, dim=True))
            continue
        status = Counter(r.status for r in results)
        n = sum(len(r.findings) for r in results)
        parts = [f"{status[CheckStatus.PASSED]} passed"]
        if status[CheckStatus.FAILED]:
            parts.append(f"{status[CheckStatus.FAILED]} found problems")
        if status[CheckStatus.SKIPPED]:
            parts.append(f"{status[CheckStatus.SKIPPED]} skipped")
        if status[CheckStatus.ERRORED]:
            parts.append(_paint(f"{status[CheckStatus.ERRORED]} could not run", color, fg="red"))
        count = f"{_plural(n, 'finding'):<12}"  # padded before it is painted: escape codes have no width
        out.append(f"{title}{_paint(count, color, bold=True) if n else count} · {', '.join(parts)}")
    for r in report.results:
        if r.status == CheckStatus.ERRORED:
            out.append(f"  ! {r.check_id} could not run: {neutralise(r.reason)}")
    if statistics:
        out += ["", "Statistics (per check: findings, records affected, seconds):"]
        out.extend("  " + line for line in statistics_lines(report))
    else:
        _findings(report, out, color, max_findings)
    out.append("")
    out.extend(summary_lines(report, color, next_step))
    return "\n".join(out) + "\n"


def _findings(report: Report, out: list[str], color: bool, max_findings: int) -> None:
    """Append the findings worth reading first: blocking, errors and warnings (notes only when there is
    nothing else), at most `max_findings`, and what was left out."""
    blocking = blocking_findings(report)
    findings = ranked_findings(report)
    shown = [f for f in findings if f.severity >= Severity.WARNING][:max_findings] or findings[:max_findings]
    if not shown:
        return
    out += ["", "Findings, blocking first:" if blocking else "Findings:"]
    out.extend("  " + finding_line(f, blocking=id(f) in blocking, color=color) for f in shown)
    left = Counter(f.severity for f in findings[len(shown) :])  # shown is a prefix: notes rank last
    rest = len(findings) - len(shown)
    if rest:
        kinds = ", ".join(
            _plural(left[s], SEVERITY_WORDS[s])
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            if left[s]
        )
        out.append(f"  … and {rest:,} more ({kinds}): --output-format concise lists every one")
