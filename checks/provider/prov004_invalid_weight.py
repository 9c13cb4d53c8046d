"""PROV004 invalid-weight: a `weight` value, role or place the provider refuses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.base import ProviderCheck, profile_of, uploaded_splits
from dataqa.checks.provider.problems import Problem
from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.profile_rules import Profile
from dataqa.engine.registry import register
from dataqa.ingest import structure


@register
@dataclass
class InvalidWeight(ProviderCheck):
    """A `weight` the provider does not accept: a value, a role or a place it does not allow.

    Why: OpenAI, Mistral and Together accept `weight` 0 or 1 on assistant messages only; Vertex
    and Bedrock have no weights; Fireworks' record-level weights must be on every record or none.
    Example: `{"role": "user", "content": "...", "weight": 0}`, or `"weight": 0.5` for OpenAI.
    Fix: keep weights to the values and roles the provider lists, or remove them.
    """

    id = "PROV004"
    name = "invalid-weight"
    family = "provider"

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic:
            return
        for split in uploaded_splits(ctx, profile):
            with_root: list[int] = []
            records = []
            for line, st in structure.records(ctx, split):
                problems = self._message_weights(profile, st.get("weights", []))
                root = st.get("root_weight")
                if root is not None:
                    with_root.append(line)
                    if profile.root_weight is False:
                        problems.append(("weight", f"{profile.title} has no record-level weight"))
                    elif not isinstance(root, int | float) or isinstance(root, bool):
                        problems.append(("weight", f"record-level weight {str(root)[:20]!r} is not a number"))
                records.append((line, problems))
            yield from self.grouped(ctx, split, records)
            if profile.root_weight and with_root and len(with_root) < split.frame.height:
                have = set(with_root)
                missing = [n for n in split.frame["line"].to_list() if n not in have]
                locs = [ctx.location(split, n) for n in missing]
                yield self.finding(
                    f"{len(with_root)} record(s) carry a record-level weight and {len(missing)} do not; "
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
