"""Shared machinery of the PROV checks: the scan's profile, the uploaded splits, the base class.

PROV: will the provider's upload accept this file? Judged against the profile (`--profile`).

The rules are data (`dataqa/profiles/*.toml`, read by `dataqa.engine.profile_rules`); these checks only
apply them. With the "generic" profile they find nothing, except content parts that no provider
knows or whose keys are wrong (PROV006). Test splits are not uploaded to a provider, so only the
train and valid splits are judged. Every record-level finding says in `metrics["rejected"]`
whether the provider refuses the record (the verdict's provider condition counts those).
"""

from __future__ import annotations

from dataqa.core.models import Severity
from dataqa.engine.context import Context
from dataqa.engine.profile_rules import Profile, load_profile
from dataqa.engine.registry import Check
from dataqa.engine.verdict import VerdictInputs
from dataqa.ingest.dataset import Split


def profile_of(ctx: Context) -> Profile:
    """The scan's provider profile (generic when none is configured)."""
    return load_profile(getattr(ctx.config, "profile", "generic") or "generic")


def uploaded_splits(ctx: Context, profile: Profile | None = None) -> list[Split]:
    """The splits a provider receives: train and valid (a test split stays with you).

    With `profile`, only splits in a format it accepts: a file in the wrong format is one PROV001
    finding, not one finding per record from every other check.
    """
    return [
        s
        for name, s in ctx.splits.items()
        if name != "test"
        and s.format is not None
        and (profile is None or not profile.formats or s.format in profile.formats)
    ]


def first_line(split: Split) -> int:
    """The first line of a split (1 when it is empty): where a file-level finding points."""
    return int(split.frame["line"].min() or 1) if split.frame.height else 1


def human_size(n: int) -> str:
    """A byte count as people read it: MB from one MB up, bytes below."""
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n:,} bytes"


def verdict_profile(v: VerdictInputs) -> Profile | None:
    """The scan's provider profile for a verdict condition; None for the generic profile (no condition)."""
    profile = load_profile(getattr(v.ctx.config, "profile", "generic") or "generic")
    return None if profile.is_generic else profile


class ProviderCheck(Check):
    """A provider's rule: its findings are errors (the provider refuses the record or the file)."""

    severity = Severity.ERROR
