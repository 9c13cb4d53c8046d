"""PROV009 tool-call-id: a tool-call id not in the form the provider requires."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dataqa.checks.provider.base import ProviderCheck, profile_of, uploaded_splits
from dataqa.checks.provider.problems import Grouped, Problem
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split


@register
@dataclass
class ToolCallId(Grouped, ProviderCheck):
    """A tool-call id (or a tool result's `tool_call_id`) is not in the form the provider requires.

    Why: Mistral's fine-tuning validation refuses tool calls whose id is not exactly nine letters
    or digits, the form its models emit; OpenAI-style ids such as "call_abc123" are rejected.
    Example: `"id": "call_1"` in a Mistral function-calling example.
    Fix: rewrite every call id (and the `tool_call_id` of its result) in the provider's form.
    """

    id = "PROV009"
    name = "tool-call-id"
    family = "provider"

    def judged(self, ctx: Context) -> list[Split]:
        profile = profile_of(ctx)
        if profile.is_generic or not profile.tool_call_id_pattern:
            return []
        return uploaded_splits(ctx, profile)

    def records(self, ctx: Context, split: Split) -> list[tuple[int, list[Problem]]]:
        profile = profile_of(ctx)
        pattern = re.compile(profile.tool_call_id_pattern)
        what = f"tool-call id not of the form {profile.tool_call_id_pattern}"
        return [
            (
                line,
                [
                    (f"{e['at']} ({str(e.get('id'))[:40]!r})", what)
                    for e in st.get("events", [])
                    if e.get("id") is not None and not pattern.fullmatch(str(e["id"]))
                ],
            )
            for line, st in structure.records(ctx, split)
        ]
