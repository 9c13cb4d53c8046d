"""PROV001 unsupported-shape: a format or key the provider refuses; the verdict's acceptance condition."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.base import (
    ProviderCheck,
    first_line,
    profile_of,
    uploaded_splits,
    verdict_profile,
)
from dataqa.checks.provider.problems import Grouped, Problem
from dataqa.core.models import Condition, Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.engine.verdict import VerdictInputs, condition
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split
from dataqa.ingest.formats import FORMATS, describe

TOP_LEVEL, MESSAGE = "top-level key", "message key"


@register
@dataclass
class UnsupportedShape(Grouped, ProviderCheck):
    """The provider does not accept the file's record format, or a top-level or message key in a record.

    Why: the upload is refused outright (a wrong format) or record by record (extraneous keys:
    Bedrock, for one, allows only "system" and "messages").
    Example: an Alpaca file for OpenAI, or `{"messages": [...], "source": "crm"}` for Bedrock.
    Fix: convert the file to a format the provider lists (`dataqa explain` names them), and drop
    keys it does not know.
    """

    id = "PROV001"
    name = "unsupported-shape"
    family = "provider"

    def judged(self, ctx: Context) -> list[Split]:
        """The uploaded splits in a format the profile accepts (a file in another is one finding)."""
        profile = profile_of(ctx)
        return [] if profile.is_generic else uploaded_splits(ctx, profile)

    def records(self, ctx: Context, split: Split) -> list[tuple[int, list[Problem]]]:
        """(line, problems) of each record: (where, 'the <where> "<key>"') for each top-level or
        message key it carries that the profile does not accept."""
        profile = profile_of(ctx)
        allowed = profile.keys.get(split.format or "")
        in_messages = profile.message_keys.get(split.format or "")
        out = []
        for line, st in structure.records(ctx, split):
            problems: list[Problem] = []
            if allowed is not None:
                problems += [_refused(TOP_LEVEL, key) for key in st.get("keys", []) if key not in allowed]
            if in_messages is not None:
                keys = (key for msg in st.get("message_keys", []) for key in msg["keys"])
                problems += [_refused(MESSAGE, key) for key in dict.fromkeys(keys) if key not in in_messages]
            out.append((line, problems))
        return out

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """The keys' summary per accepted split, and each uploaded split's first line (where a
        finding on a file in the wrong format points; none in a block without rows)."""
        summary = super().summarise(ctx)
        summary["first"] = {
            split.name: [first_line(split)] if split.frame.height else [] for split in uploaded_splits(ctx)
        }
        return summary

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic:
            return
        gathered = summary.get("rows", {}).get("problems", {})
        for split in uploaded_splits(ctx):
            if profile.formats and split.format not in profile.formats:
                accepted = "; ".join(FORMATS[f] for f in profile.formats)
                loc = ctx.location(split, (summary["first"].get(split.name) or [1])[0])
                yield self.finding(
                    f"{split.name} is {describe(split.format, split.layout)}; "
                    f"{profile.title} accepts {accepted}",
                    [loc],
                    metrics={"rejected": True, "file_level": True},
                )
                continue
            problems = summary["splits"][split.name]["problems"]
            for what, found in sorted(problems.items(), key=lambda kv: (kv[1]["first"][0][0], kv[0])):
                where = found["first"][0][1]
                accepted_keys = profile.keys if where == TOP_LEVEL else profile.message_keys
                locs = [ctx.location(split, n) for n in gathered.get(split.name, {}).get(what, [])]
                yield self.finding(
                    f"{profile.title} does not accept {what} ({found['records']} record(s)); "
                    f"it accepts {', '.join(accepted_keys.get(split.format or '') or ())}",
                    locs,
                    metrics={"rejected": True, "records": found["records"]},
                    unusable=locs,
                )
            self.metrics[f"{split.name}_keys_rejected"] = len(problems)


def _refused(where: str, key: str) -> Problem:
    """A key the profile refuses as a problem: grouped by what is refused, `where` kept."""
    return where, f'the {where} "{key}"'


# -- verdict condition: the profile's rules as a GO / NO-GO condition -------------------------------


@condition
def provider_rejections(v: VerdictInputs) -> Condition | None:
    """Records the profile's provider would refuse (provider findings marked rejected)."""
    profile = verdict_profile(v)
    if profile is None:
        return None
    records = {
        (loc.split, loc.line)
        for r in v.family_results("provider")
        for f in r.findings
        if f.metrics.get("rejected") and not f.metrics.get("file_level")
        for loc in f.locations
    }
    shape = [
        f.message
        for r in v.family_results("provider")
        for f in r.findings
        if f.metrics.get("file_level") and r.check_id == UnsupportedShape.id
    ]
    value = len(records)
    passed = value == 0 and not shape
    return Condition(
        name="provider-accepts-records",
        description=f"Records {profile.title} would refuse at upload (shape, roles, weights, images, parts)",
        value=value,
        threshold=0,
        passed=passed,
        reason=""
        if passed
        else (
            shape[0] if shape else f"{value} record(s) would be refused by {profile.title}; fix or drop them."
        ),
    )
