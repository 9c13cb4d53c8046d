"""Helpers the file renderers share: display paths, finding order, number formats, plain-word labels.

Renderers read the `Report` only; nothing here computes a finding. Dataset text is untrusted, so
every string that came from it goes through `neutralise` (control and bidi characters made
visible) before the renderer applies its own escaping (HTML, Markdown, SARIF/GitHub encodings).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataqa.core.models import Finding, Severity
from dataqa.engine.registry import FAMILIES, Check, load_checks
from dataqa.reports.terminal import neutralise

if TYPE_CHECKING:
    from dataqa.engine.report import Report

__all__ = [
    "check_classes",
    "display_path",
    "family_title",
    "fmt_number",
    "fmt_value",
    "neutralise",
    "ranked_findings",
    "trim",
]


def display_path(path: str, base: str | os.PathLike[str] | None = None) -> str:
    """`path` relative to `base` (default: the working directory) when it lies inside it, in `/` form.

    Code-scanning tools and CI annotations want repository-relative paths; a path outside the base
    is kept as given.
    """
    root = Path(base) if base is not None else Path.cwd()
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


def trim(text: str, limit: int = 300) -> str:
    """Untrusted text made printable and cut to `limit` characters (with an ellipsis)."""
    text = neutralise(str(text))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def ranked_findings(report: Report) -> list[Finding]:
    """Findings worst first; within one severity the report's own (check id, split, line) order."""
    order = {id(f): i for i, f in enumerate(report.findings)}
    return sorted(report.findings, key=lambda f: (-int(f.severity), order[id(f)]))


def check_classes() -> dict[str, type[Check]]:
    """Registered check classes by id (for rule documentation and versions); empty if loading fails."""
    try:
        return load_checks()
    except Exception:  # a broken plugin must not stop a report from rendering
        return {}


def family_title(family: str) -> str:
    return FAMILIES.get(family, family.replace("_", " ").replace("-", " ").capitalize())


def fmt_number(value: float | int, digits: int = 3) -> str:
    """Integers with thousands separators; floats to `digits` significant digits."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.{digits}g}" if abs(value) >= 1 else f"{value:.{digits}g}"


def fmt_value(value: Any, key: str = "") -> str:
    """A measured value for people: booleans as yes/no, shares and rates as percentages."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if key.endswith(("_rate", "_fraction", "_share", "share", "fraction", "rate")) and 0 <= value <= 1:
            return f"{100 * value:.3g}%"
        return fmt_number(value)
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(v) for v in value[:10]) + (" …" if len(value) > 10 else "")
    return trim(str(value), 120)


SEVERITY_WORDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
