"""PROV004 invalid-weight: a `weight` value, role or place the provider refuses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.base import ProviderCheck, profile_of, uploaded_splits
from dataqa.checks.provider.problems import Grouped, Problem
from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.profile_rules import Profile
from dataqa.engine.registry import register
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split


@register
@dataclass
class InvalidWeight(Grouped, ProviderCheck):
    """A `weight` the provider does not accept: a value, a role or a place it does not allow.

    Why: OpenAI, Mistral and Together accept `weight` 0 or 1 on assistant messages only; Vertex
    and Bedrock have no weights; Fireworks' record-level weights must be on every record or none.
    Example: `{"role": "user", "content": "...", "weight": 0}`, or `"weight": 0.5` for OpenAI.
    Fix: keep weights to the values and roles the provider lists, or remove them.
    """

    id = "PROV004"
    name = "invalid-weight"
    family = "provider"

    def judged(self, ctx: Context) -> list[Split]:
        profile = profile_of(ctx)
        return [] if profile.is_generic else uploaded_splits(ctx, profile)

    def records(self, ctx: Context, split: Split) -> list[tuple[int, list[Problem]]]:
        profile = profile_of(ctx)
        out = []
        for line, st in structure.records(ctx, split):
            problems = self._message_weights(profile, st.get("weights", []))
            root = st.get("root_weight")
            if root is not None:
                if profile.root_weight is False:
                    problems.append(("weight", f"{profile.title} has no record-level weight"))
                elif not isinstance(root, int | float) or isinstance(root, bool):
                    problems.append(("weight", f"record-level weight {str(root)[:20]!r} is not a number"))
            out.append((line, problems))
        return out

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """The problems' summary, and per split how many records carry a record-level weight of how
        many (a provider that takes it wants it on every record or on none)."""
        summary = super().summarise(ctx)
        for split in self.judged(ctx):
            weighted = _weighted(ctx, split)
            summary["splits"][split.name]["weighted"] = len(weighted)
            summary["splits"][split.name]["rows"] = split.frame.height
        return summary

    def wide(self, ctx: Context, seen: dict[str, Any]) -> bool:
        """Some records carry a record-level weight and some do not, for a provider that takes one."""
        return bool(profile_of(ctx).root_weight) and 0 < seen["weighted"] < seen["rows"]

    def wide_lines(self, ctx: Context, split: Split) -> list[int]:
        """The lines of the split's rows without a record-level weight, in row order."""
        weighted = _weighted(ctx, split)
        return [n for n in split.frame["line"].to_list() if n not in weighted]

    def wide_findings(
        self, ctx: Context, split: Split, seen: dict[str, Any], lines: list[int] | None
    ) -> Iterator[Finding]:
        if lines:
            locs = [ctx.location(split, n) for n in lines]
            yield self.finding(
                f"{seen['weighted']} record(s) carry a record-level weight and {len(lines)} do not; "
                f"{profile_of(ctx).title} needs it on every record or on none",
                locs,
                metrics={"rejected": True},
                unusable=locs,
            )

    @staticmethod
    def _message_weights(profile: Profile, weights: list[dict[str, Any]]) -> list[Problem]:
        if profile.weight_values is None:
            return []
        problems: list[Problem] = []
        for w in weights:
            value, role, at = w.get("value"), w.get("role"), str(w.get("at"))
            if not profile.weight_values:
                problems.append((at, f"{profile.title} has no message weights"))
            elif isinstance(value, bool) or value not in profile.weight_values:
                allowed = ", ".join(f"{v:g}" for v in profile.weight_values)
                problems.append((at, f"weight {str(value)[:20]!r} is not one of {allowed}"))
            elif profile.weight_roles and role not in profile.weight_roles:
                problems.append((at, f"weight on a {role} message ({', '.join(profile.weight_roles)} only)"))
        return problems


def _weighted(ctx: Context, split: Split) -> set[int]:
    """The lines of the split's records that carry a record-level weight."""
    return {line for line, st in structure.records(ctx, split) if st.get("root_weight") is not None}
