"""GitHub Actions workflow commands: `::error file=…,line=…,title=…::message` annotations.

One annotation per finding, on its first record (the message names how many more lines the group
has), worst first; then the verdict. Values are encoded as the runner expects (`%`, CR, LF, and in
properties `:` and `,`), so text from the dataset cannot end an annotation early or start a new
workflow command on a line of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataqa.core.models import Severity
from dataqa.reports.common import display_path, ranked_findings, trim
from dataqa.reports.terminal import neutralise

if TYPE_CHECKING:
    from dataqa.engine.report import Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow-command message: control and escape characters from the data shown, not sent."""
    return neutralise(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow-command property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, max_annotations: int = 200) -> str:
    """Annotations for up to `max_annotations` findings, worst first, and a verdict line."""
    lines = []
    findings = ranked_findings(report)
    for f in findings[:max_annotations]:
        loc = f.first_location
        props = []
        if loc:
            props.append(f"file={escape_property(display_path(loc.path))}")
            if loc.physical_line is not None:  # a table row has no line: the message names the row
                props.append(f"line={max(loc.physical_line, 1)}")
        props.append(f"title={escape_property(f'dataqa {f.check_id}')}")
        extra = len(f.locations) - 1
        more = ""
        if extra > 0:
            unit = "line" if loc is None or loc.physical_line is not None else "row"
            places = [o.row if o.physical_line is None else o.line_text for o in f.locations[1:11]]
            others = ", ".join(map(str, places))
            more = f" (also {unit}{'s' if extra > 1 else ''} {others}{' …' if extra > 10 else ''})"
        # a row has no line; a record that shares its line is named on it (`Location.on_line`)
        place = None if loc is None else loc.row_text if loc.physical_line is None else loc.on_line
        at_row = f"{place}: " if place else ""
        message = at_row + trim(f.message, 1000) + more
        lines.append(f"::{COMMANDS[f.severity]} {','.join(props)}::{escape_data(message)}")
    if len(findings) > max_annotations:
        lines.append(
            f"::notice title=dataqa::{len(findings) - max_annotations} more finding(s) not annotated; "
            "see the HTML, SARIF or JSON report"
        )
    u = report.usable
    blocking = [c for c in report.failed_conditions if c.blocking]
    if report.go:
        lines.append(
            f"::notice title=dataqa verdict::GO: {u.usable:,} usable of {u.rows:,} training rows "
            f"(goal {escape_data(report.goal)})"
        )
    else:
        reasons = "; ".join(trim(c.reason or c.name, 300) for c in blocking)
        lines.append(
            f"::error title=dataqa verdict::NO-GO: {u.usable:,} usable of {u.rows:,} training rows. "
            f"{escape_data(reasons)}"
        )
    return "\n".join(lines) + "\n"
