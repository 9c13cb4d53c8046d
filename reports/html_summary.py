"""The HTML report's first screen, compact: what Jupyter shows for a `Report` (`_repr_html_`).

The verdict in plain words, the blocking reasons, the counts and the worst findings; the full page
is `report.to_html()`. A fragment, not a page: notebooks embed it, so it carries inline styles and
no stylesheet or script. Every string goes through Jinja2 autoescape (dataset text is untrusted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataqa.reports.common import display_path, ranked_findings, trim
from dataqa.reports.html import _environment
from dataqa.reports.html_view import verdict_view

if TYPE_CHECKING:
    from dataqa.engine.report import Report


def render(report: Report, max_findings: int = 5) -> str:
    """The summary fragment, with at most `max_findings` findings, worst first."""
    findings = []
    for f in ranked_findings(report)[:max_findings]:
        loc = f.first_location
        findings.append(
            {
                "severity": f.severity.label,
                "id": f.check_id,
                "where": trim(loc.where(display_path(loc.path)), 120) if loc else "",
                "message": trim(f.message, 200),
            }
        )
    train = report.split("train")
    return (
        _environment()
        .get_template("summary.html.j2")
        .render(
            verdict=verdict_view(report),
            title=trim(display_path(train.path), 120) if train else "dataset",
            goal=trim(report.goal, 40),
            findings=findings,
            more=max(len(report.findings) - len(findings), 0),
        )
    )
