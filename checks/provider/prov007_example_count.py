"""PROV007 example-count: fewer or more training examples than the provider accepts; its verdict condition."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.base import ProviderCheck, first_line, profile_of, verdict_profile
from dataqa.core.models import Condition, Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.engine.verdict import VerdictInputs, condition


@register
@dataclass
class ExampleCount(Summarised, ProviderCheck):
    """The training file has fewer or more examples than the provider accepts.

    Why: the job is refused before it starts (OpenAI needs at least 10 examples, Fireworks at
    least 3 and at most 3 million, Bedrock Claude 3 Haiku 32 to 10,000).
    Example: 8 valid examples for OpenAI.
    Fix: add examples (or fix the invalid ones), or split a too-large file into several jobs.
    """

    id = "PROV007"
    name = "example-count"
    family = "provider"

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Train's valid rows, and its first line (a list to merge; none in a block without rows)."""
        if "train" not in ctx.splits:
            return {"examples": 0, "first": []}
        train = ctx.train
        return {
            "examples": ctx.valid_rows(train).height,
            "first": [first_line(train)] if train.frame.height else [],
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic or "train" not in ctx.splits:
            return
        train = ctx.train
        n = summary["examples"]
        self.metrics["valid_examples"] = n
        bound = None
        if profile.min_examples and n < profile.min_examples:
            bound = f"at least {profile.min_examples:,}"
        elif profile.max_examples and n > profile.max_examples:
            bound = f"at most {profile.max_examples:,}"
        if bound:
            yield self.finding(
                f"{n:,} valid training example(s); {profile.title} needs {bound}",
                [ctx.location(train, min(summary["first"], default=1))],
                metrics={"valid_examples": n, "file_level": True},
            )


# -- verdict condition: the profile's rules as a GO / NO-GO condition -------------------------------


@condition
def provider_example_count(v: VerdictInputs) -> Condition | None:
    """The provider's minimum and maximum number of training examples."""
    profile = verdict_profile(v)
    if profile is None or "train" not in v.ctx.splits or not (profile.min_examples or profile.max_examples):
        return None
    n = v.ctx.valid_count("train")  # also of a split whose rows stayed on the Ray workers
    low, high = profile.min_examples, profile.max_examples
    passed = n >= low and (not high or n <= high)
    bounds = f"{low:,}..{high:,}" if high else f">= {low:,}"
    return Condition(
        name="provider-example-count",
        description=f"Valid training examples within {profile.title}'s limits",
        value=n,
        threshold=bounds,
        passed=passed,
        reason="" if passed else f"{profile.title} accepts {bounds} training examples; the file has {n:,}.",
    )
