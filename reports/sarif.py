"""SARIF 2.1.0 for code-scanning tools: one result per finding location, rules from the check registry.

Every record a finding names becomes a result on that file and line, so a duplicate group of five
shows on all five lines; the other members of the group are `relatedLocations`. Paths are made
relative to the working directory (the repository root in CI) under the `%SRCROOT%` base.
The verdict and its conditions ride along in the run's `properties`; checks that were skipped or
could not run are tool notifications, not silence.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson

from dataqa.core.models import CheckStatus, Finding, Location, Severity
from dataqa.reports.common import check_classes, display_path, family_title, trim

if TYPE_CHECKING:
    from dataqa.engine.report import Report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
MAX_RELATED = 20
"""Other members of a group listed on each result (a group of thousands would bloat the file)."""


def _uri(path: str, base: Path) -> tuple[str, bool]:
    """A percent-encoded URI for `path`: relative to `base` when inside it (True), else absolute."""
    rel = display_path(path, base)
    if not Path(rel).is_absolute():
        return quote(rel, safe="/"), True
    return Path(os.path.abspath(path)).as_uri(), False


def _rules(report: Report) -> list[dict[str, Any]]:
    classes = check_classes()
    rules = []
    for r in report.results:
        cls = classes.get(r.check_id)
        doc = cls.documentation() if cls else ""
        summary = cls.summary() if cls else r.name
        rules.append(
            {
                "id": r.check_id,
                "name": r.name,
                "shortDescription": {"text": summary or r.name},
                "fullDescription": {"text": doc or summary or r.name},
                "help": {"text": doc or summary or r.name, "markdown": doc or summary or r.name},
                "defaultConfiguration": {"level": LEVELS[r.severity]},
                "properties": {
                    "family": r.family,
                    "familyName": family_title(r.family),
                    "version": str(getattr(cls, "version", "")) if cls else "",
                    "tags": ["dataqa", r.family],
                },
            }
        )
    return rules


def _location(loc: Location, base: Path, artifacts: dict[str, int], msg: str | None = None) -> dict[str, Any]:
    uri, relative = _uri(loc.path, base)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    if loc.path in artifacts:
        artifact["index"] = artifacts[loc.path]
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if loc.physical_line is not None:  # a table row has no line; the message names its row
        physical["region"] = {"startLine": max(int(loc.physical_line), 1)}
    out: dict[str, Any] = {"physicalLocation": physical}
    place = loc.row_text if loc.row is not None else loc.on_line  # what the line does not say
    if place is not None:
        msg = place + (f": {msg}" if msg else "")
    if msg:
        out["message"] = {"text": msg}
    return out


def _fingerprint(finding: Finding, loc: Location) -> str:
    """Stable across runs for the same problem at the same place (code scanning de-duplicates on it)."""
    place = loc.line if loc.row is None else f"row {loc.row}"
    key = f"{finding.check_id}\0{finding.message}\0{display_path(loc.path)}\0{place}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _results(report: Report, base: Path, artifacts: dict[str, int], rule_index: dict[str, int]) -> list[dict]:
    results = []
    for finding in report.findings:
        message = trim(finding.message, 1000)
        n = len(finding.locations)
        for i, loc in enumerate(finding.locations):
            text = message
            if n > 1:
                text += f" (record {i + 1} of a group of {n})"
            result: dict[str, Any] = {
                "ruleId": finding.check_id,
                "level": LEVELS[finding.severity],
                "message": {"text": text},
                "locations": [_location(loc, base, artifacts)],
                "partialFingerprints": {"dataqaFinding/v1": _fingerprint(finding, loc)},
            }
            if finding.check_id in rule_index:
                result["ruleIndex"] = rule_index[finding.check_id]
            others = [o for o in finding.locations if o != loc][:MAX_RELATED]
            if others:
                result["relatedLocations"] = [
                    {"id": j, **_location(o, base, artifacts, "same group")} for j, o in enumerate(others)
                ]
            props: dict[str, Any] = {}
            if finding.evidence:
                props["evidence"] = [trim(e, 300) for e in finding.evidence[:3]]
            if finding.metrics:
                props["metrics"] = finding.metrics
            if loc in finding.unusable:
                props["unusable"] = True
            if props:
                result["properties"] = props
            results.append(result)
    return results


def _notifications(report: Report) -> list[dict[str, Any]]:
    out = []
    for r in report.results:
        if r.status in (CheckStatus.SKIPPED, CheckStatus.ERRORED):
            out.append(
                {
                    "level": "error" if r.status == CheckStatus.ERRORED else "note",
                    "message": {"text": f"{r.check_id} {r.status.value}: {trim(r.reason, 500)}"},
                    "descriptor": {"id": r.check_id},
                }
            )
    return out


def render(report: Report, base: str | os.PathLike[str] | None = None) -> str:
    """The SARIF log as JSON text. `base` is the folder paths are made relative to (default: cwd)."""
    root = Path(base) if base is not None else Path.cwd()
    artifacts_list = []
    artifacts: dict[str, int] = {}
    for s in report.splits:
        if s.path in artifacts:
            continue
        uri, relative = _uri(s.path, root)
        loc: dict[str, Any] = {"uri": uri}
        if relative:
            loc["uriBaseId"] = "%SRCROOT%"
        artifacts[s.path] = len(artifacts_list)
        artifacts_list.append(
            {
                "location": loc,
                "length": s.size_bytes,
                "mimeType": "application/x-ndjson",
                "hashes": {"sha-256": s.sha256},
                "roles": ["analysisTarget"],
                "properties": {"split": s.name, "rows": s.rows, "usableRows": s.usable_rows},
            }
        )
    rules = _rules(report)
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "dataqa",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
        "artifacts": artifacts_list,
        "invocations": [
            {
                "executionSuccessful": not any(r.status == CheckStatus.ERRORED for r in report.results),
                "endTimeUtc": report.generated_at.replace("+00:00", "Z"),
                "toolExecutionNotifications": _notifications(report),
            }
        ],
        "results": _results(report, root, artifacts, rule_index),
        "properties": {
            "verdict": report.verdict,
            "goal": report.goal,
            "usable": report.usable.to_dict(),
            "conditions": [c.to_dict() for c in report.conditions],
        },
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return orjson.dumps(log, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n"
