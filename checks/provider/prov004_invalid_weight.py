"""PROV004 invalid-weight: a `weight` value, role or place the provider refuses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.base import ProviderCheck, profile_of, uploaded_splits
from dataqa.checks.provider.problems import Grouped, Problem, findings
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

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """The problems' records, and the records without a weight of each split where some have one."""
        problems = super().wanted(ctx, summary) or {}
        some = sorted(name for name, s in summary["splits"].items() if 0 < s["weighted"] < s["rows"])
        if not profile_of(ctx).root_weight:
            some = []
        return {"problems": problems, "unweighted": some} if problems or some else None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        out = {"problems": super().gather(ctx, wanted["problems"]) if wanted["problems"] else {}}
        out["unweighted"] = {name: _unweighted(ctx, ctx.splits[name]) for name in wanted["unweighted"]}
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        gathered = summary.get("rows", {})
        profile = profile_of(ctx)
        for split in self.judged(ctx):
            seen = summary["splits"][split.name]
            lines = gathered.get("problems", {}).get(split.name, {})
            yield from findings(self, ctx, split, seen, lines)
            missing = gathered.get("unweighted", {}).get(split.name)
            if missing:
                locs = [ctx.location(split, n) for n in missing]
                yield self.finding(
                    f"{seen['weighted']} record(s) carry a record-level weight and {len(missing)} do not; "
                    f"{profile.title} needs it on every record or on none",
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


def _unweighted(ctx: Context, split: Split) -> list[int]:
    """The lines of the split's rows without a record-level weight, in row order."""
    weighted = _weighted(ctx, split)
    return [n for n in split.frame["line"].to_list() if n not in weighted]
