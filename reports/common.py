"""Helpers the file renderers share: display paths, finding order, number formats, plain-word labels.

Renderers read the `Report` only; nothing here computes a finding. Dataset text is untrusted, so
every string that came from it goes through `neutralise` (control and bidi characters made
visible) before the renderer applies its own escaping (HTML, Markdown, SARIF/GitHub encodings).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataqa.core.models import CheckResult, CheckStatus, Condition, Finding, Severity
from dataqa.engine.registry import FAMILIES, Check, load_checks
from dataqa.ingest.readers.layout import is_uri

if TYPE_CHECKING:
    from dataqa.engine.report import Report, SplitInfo

__all__ = [
    "blocking_findings",
    "check_classes",
    "condition_value",
    "display_path",
    "family_title",
    "fmt_number",
    "fmt_value",
    "neutralise",
    "not_applicable",
    "ranked_findings",
    "short_path",
    "trim",
]

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def neutralise(text: str) -> str:
    """Make untrusted text safe to print: control, escape and bidi characters become \\x.. escapes."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def display_path(path: str, base: str | os.PathLike[str] | None = None) -> str:
    """`path` relative to `base` (default: the working directory) when it lies inside it, in `/` form.

    Code-scanning tools and CI annotations want repository-relative paths; a path outside the base
    is kept as given.
    """
    if is_uri(path):  # read by the Ray engine from an object store: no local path to shorten
        return path
    root = Path(base) if base is not None else Path.cwd()
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


def split_source(split: SplitInfo, show: Callable[[str], str] = display_path, most: int = 3) -> str:
    """What a split was read from, as a reader names it: the file given, the glob given, or, for a
    folder, the files it took ("data/train.jsonl", not "data/" or "."), `show` applied to each."""
    files = [str(f) for f in (split.input or {}).get("files") or []]
    if not files or split.path in files or any(c in split.path for c in "*?["):
        return show(split.path)
    shown = [show(f) for f in files[:most]]
    rest = len(files) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest else "")


def trim(text: str, limit: int = 300) -> str:
    """Untrusted text made printable and cut to `limit` characters (with an ellipsis)."""
    text = neutralise(str(text))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_path(path: str) -> str:
    """`path` relative to the working directory when it lies inside it and that is shorter, else as given."""
    if is_uri(path):
        return path
    try:
        rel = os.path.relpath(path)
    except (ValueError, OSError):
        return path
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):  # outside the working directory
        return path
    return rel if len(rel) < len(path) else path


BLOCKING_SOURCES: dict[str, Callable[[CheckResult, Finding], bool]] = {
    "format-errors": lambda r, f: r.family == "format" and f.severity >= Severity.ERROR,
    "held-out-leakage": lambda r, f: r.family == "leakage" and bool(f.unusable),
    "secrets": lambda r, f: r.check_id == "PII001",
    "refusal-share": lambda r, f: r.check_id == "QUAL001" and f.split == "train",
    "provider-accepts-records": lambda r, f: r.family == "provider" and bool(f.metrics.get("rejected")),
}
"""Verdict conditions that count findings, and which findings each counts: when such a blocking
condition fails, its findings are what blocks (a failed size condition names no finding)."""


def blocking_findings(report: Report) -> set[int]:
    """`id()`s of the findings behind a failed blocking condition: fixing them is what turns NO-GO to GO."""
    failed = [
        BLOCKING_SOURCES[c.name]
        for c in report.failed_conditions
        if c.blocking and c.name in BLOCKING_SOURCES
    ]
    if not failed:
        return set()
    return {id(f) for r in report.results for f in r.findings if any(rule(r, f) for rule in failed)}


def ranked_findings(report: Report) -> list[Finding]:
    """Findings in the order they matter: blocking ones first, then errors, warnings and notes; within
    one rank the report's own (check id, split, line) order."""
    blocking = blocking_findings(report)
    order = {id(f): i for i, f in enumerate(report.findings)}
    return sorted(report.findings, key=lambda f: (id(f) not in blocking, -int(f.severity), order[id(f)]))


def _share(value: Any, threshold: Any) -> bool:
    """Whether a condition's value and threshold are shares (0..1 against a limit under 1)."""
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (value, threshold))
    return numbers and isinstance(threshold, float) and 0 < threshold < 1 and 0 <= value <= 1


def condition_value(condition: Condition, value: Any) -> str:
    """A condition's measured value or threshold as people read it: yes / no, "19.4 %", "1,000"."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and _share(condition.value, condition.threshold)
    ):
        return f"{100 * value:.3g} %"
    if isinstance(value, str):
        return trim(value, 120)
    return fmt_value(value)


def not_applicable(report: Report) -> dict[str, str]:
    """Families whose checks could not apply to this data, with why: shown as "not applicable", since
    "passed" would claim something was checked."""
    out: dict[str, str] = {}
    by_family: dict[str, list[CheckResult]] = {}
    for r in report.results:
        by_family.setdefault(r.family, []).append(r)

    def quiet(results: list[CheckResult]) -> bool:
        return all(not r.findings and r.status in (CheckStatus.PASSED, CheckStatus.SKIPPED) for r in results)

    formats = {s.format for s in report.splits}
    pref = by_family.get("preference")
    has_pairs = any(r.metrics.get("pairs") for r in pref or [])  # a field map names its layout "mapped"
    if pref and quiet(pref) and not has_pairs and not formats & {"preference", "openai_preference", "kto"}:
        out["preference"] = "no preference pairs in the data"
    tools = by_family.get("toolcalls")
    if tools and quiet(tools) and all(not r.metrics.get("tool_records") for r in tools):
        out["toolcalls"] = "no tool calls in the data"
    provider = by_family.get("provider")
    if provider and quiet(provider) and report.config.get("profile") in (None, "generic"):
        out["provider"] = "no provider chosen (--profile openai, vertex-gemini, ...)"
    for family, results in by_family.items():
        if family not in out and all(r.status == CheckStatus.SKIPPED for r in results):
            out[family] = trim(results[0].reason or "every check skipped", 120)
    return out


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
