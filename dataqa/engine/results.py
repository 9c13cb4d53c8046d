"""A check's `CheckResult` from what became of it: skipped for an unmet need, errored with where it
raised, or finished with its findings in the report's order. Every engine builds its results here,
so a check's result reads the same whichever engine ran it (`runner`, `ray_engine`)."""

from __future__ import annotations

import traceback
from typing import Any

from dataqa.core.models import CheckResult, CheckStatus, Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import GROUP, SPLIT, Check

WHOLE_SPLITS = "it reads whole splits, and "
"""How the reason of a check skipped because a split's rows stayed on the Ray workers begins."""


def held_back(result: CheckResult) -> bool:
    """Whether the check was skipped because a split's rows stayed on the Ray workers (`unmet`)."""
    return result.status == CheckStatus.SKIPPED and result.reason.startswith(WHOLE_SPLITS)


def _base(check: Check) -> dict[str, Any]:
    return dict(check_id=check.id, name=check.name, family=check.family, severity=check.effective_severity)


def unmet(check: Check, ctx: Context) -> CheckResult | None:
    """The check's result as skipped, with the reason, when one of its needs is not met, or when it
    reads whole splits and a split's rows are not here (`Split.elsewhere`); else None."""
    left = [s for s in ctx if s.elsewhere is not None]
    if check.scope in (SPLIT, GROUP) and left and not check.supplied_there(ctx):
        held = ", ".join(f"{s.name}'s {s.rows:,}" for s in left)
        reason = (
            f"{WHOLE_SPLITS}{held} rows stay on the Ray workers (more than ray-driver-rows, "
            f"{ctx.config.ray_driver_rows:,}); it has no form that works on blocks of rows yet"
        )
        return CheckResult(**_base(check), status=CheckStatus.SKIPPED, reason=reason)
    for need in sorted(check.needs):
        reason = ctx.unmet_need(need)
        if reason:
            return CheckResult(**_base(check), status=CheckStatus.SKIPPED, reason=reason)
    return None


def error_reason(exc: BaseException) -> str:
    """What a check that raised is reported with: the error and where it was raised."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} (at {where.filename.split('/')[-1]}:{where.lineno})"


def errored(check: Check, reason: str) -> CheckResult:
    return CheckResult(**_base(check), status=CheckStatus.ERRORED, reason=reason)


WHOLE_SPLIT_ROWS = 10
"""Records a split needs before one finding of a check on every one of them, alike, is told as one
finding of the split (`Check.split_wide`): a file of prompts without answers is one problem."""


def _split_wide(check: Check, ctx: Context, findings: list[Finding]) -> list[Finding]:
    """`findings`, those of a split whose every record has the same one (the same message, one record
    each, `WHOLE_SPLIT_ROWS` records or more) folded into one finding naming them all, where the
    check words it (`Check.split_wide`). Made from the findings alone, so every engine folds alike."""
    by_split: dict[str, list[Finding]] = {}
    for f in findings:
        by_split.setdefault(f.split or "", []).append(f)
    out: list[Finding] = []
    for name, own in by_split.items():
        alike = len({f.message for f in own}) == 1 and all(len(f.locations) == 1 for f in own)
        said = check.split_wide(own[0].message, len(own)) if alike and len(own) >= WHOLE_SPLIT_ROWS else None
        if said is None or getattr(ctx.splits.get(name), "rows", None) != len(own):
            out += own
            continue
        locations = sorted((f.locations[0] for f in own), key=lambda loc: loc.line)
        unusable = sorted((loc for f in own for loc in f.unusable), key=lambda loc: loc.line)
        out.append(check.finding(said, locations, own[0].evidence, unusable=unusable))
    return out


def finished(check: Check, ctx: Context, findings: list[Finding], metrics: dict[str, Any]) -> CheckResult:
    """The result of a check that ran: its findings in the report's order (split, line, message;
    the check's own order among equals), a split's every record alike folded into one where the
    check says so (`_split_wide`), failed when one is a warning or worse."""
    findings = _split_wide(check, ctx, findings)
    order = {name: i for i, name in enumerate(ctx.splits)}
    findings.sort(
        key=lambda f: (
            order.get(f.split or "", 99),
            f.first_location.line if f.first_location else 0,
            f.message,
        )
    )
    failing = any(f.severity >= Severity.WARNING for f in findings)
    return CheckResult(
        **_base(check),
        status=CheckStatus.FAILED if failing else CheckStatus.PASSED,
        metrics=metrics,
        findings=findings,
    )
