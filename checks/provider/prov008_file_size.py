"""PROV008 file-size: a file over the provider's upload limit; its verdict condition."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.base import (
    ProviderCheck,
    human_size,
    profile_of,
    uploaded_splits,
    verdict_profile,
)
from dataqa.core.models import Condition, Finding
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.engine.verdict import VerdictInputs, condition


@register
@dataclass
class FileSize(Summarised, ProviderCheck):
    """A file is larger than the provider's upload limit.

    Why: the upload fails (OpenAI and Mistral take files up to 512 MB, Vertex 1 GB).
    Example: a 700 MB training file for OpenAI.
    Fix: remove duplicates and oversized examples, or split the data into several jobs.
    """

    id = "PROV008"
    name = "file-size"
    family = "provider"
    max_bytes: int = ranged(0, low=0)
    """Use this limit instead of the profile's (e.g. an account with a raised upload quota)."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Nothing of the rows: the file sizes are the splits' own (what every block shares)."""
        return {}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        profile = profile_of(ctx)
        limit = self.max_bytes or profile.max_file_bytes
        if profile.is_generic or not limit:
            return
        for split in uploaded_splits(ctx):
            self.metrics[f"{split.name}_bytes"] = split.size_bytes
            if split.size_bytes > limit:
                yield self.finding(
                    f"{split.name} file is {human_size(split.size_bytes)}; {profile.title} accepts files "
                    f"up to {human_size(limit)}",
                    [ctx.location(split, 1)],
                    metrics={"bytes": split.size_bytes, "file_level": True},
                )


# -- verdict condition: the profile's rules as a GO / NO-GO condition -------------------------------


@condition
def provider_file_size(v: VerdictInputs) -> Condition | None:
    """The provider's upload size limit, for every file that is uploaded."""
    profile = verdict_profile(v)
    if profile is None or not profile.max_file_bytes:
        return None
    sizes = {name: s.size_bytes for name, s in v.ctx.splits.items() if name != "test"}
    if not sizes:
        return None
    largest = max(sizes.values())
    passed = largest <= profile.max_file_bytes
    return Condition(
        name="provider-file-size",
        description=f"Uploaded files within {profile.title}'s file-size limit (bytes)",
        value=largest,
        threshold=profile.max_file_bytes,
        passed=passed,
        reason=""
        if passed
        else f"a file is {human_size(largest)}, over {profile.title}'s {human_size(profile.max_file_bytes)}.",
    )
