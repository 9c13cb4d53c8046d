"""PROV001 unsupported-shape: a format or key the provider refuses; the verdict's acceptance condition."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.provider.base import (
    ProviderCheck,
    first_line,
    profile_of,
    uploaded_splits,
    verdict_profile,
)
from dataqa.core.models import Condition, Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.engine.verdict import VerdictInputs, condition
from dataqa.ingest import structure
from dataqa.ingest.formats import FORMATS, describe


@register
@dataclass
class UnsupportedShape(ProviderCheck):
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

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic:
            return
        for split in uploaded_splits(ctx):
            if profile.formats and split.format not in profile.formats:
                accepted = "; ".join(FORMATS[f] for f in profile.formats)
                loc = ctx.location(split, first_line(split))
                yield self.finding(
                    f"{split.name} is {describe(split.format, split.layout)}; "
                    f"{profile.title} accepts {accepted}",
                    [loc],
                    metrics={"rejected": True, "file_level": True},
                )
                continue
            allowed = profile.keys.get(split.format or "")
            allowed_in_messages = profile.message_keys.get(split.format or "")
            by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
            for line, st in structure.records(ctx, split):
                for key in st.get("keys", []) if allowed is not None else []:
                    if key not in allowed:
                        by_key[("top-level key", key)].append(line)
                for msg in st.get("message_keys", []) if allowed_in_messages is not None else []:
                    for key in msg["keys"]:
                        if key not in allowed_in_messages:
                            seen = by_key[("message key", key)]
                            if not seen or seen[-1] != line:  # records come in line order
                                seen.append(line)
            for (where, key), lines in sorted(by_key.items(), key=lambda kv: (kv[1][0], kv[0])):
                accepted = allowed if where == "top-level key" else allowed_in_messages
                locs = [ctx.location(split, n) for n in lines]
                yield self.finding(
                    f'{profile.title} does not accept the {where} "{key}" ({len(lines)} record(s)); '
                    f"it accepts {', '.join(accepted or ())}",
                    locs,
                    metrics={"rejected": True, "records": len(lines)},
                    unusable=locs,
                )
            self.metrics[f"{split.name}_keys_rejected"] = len(by_key)


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
