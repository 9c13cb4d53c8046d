"""PROV003 over-model-context: an example longer than the base model's training limit."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.provider.base import ProviderCheck, profile_of, uploaded_splits
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.merging import add_counts
from dataqa.engine.registry import RECORD, register


@register
@dataclass
class OverModelContext(ProviderCheck):
    """An example is longer than the chosen base model's per-example training limit (estimated tokens).

    Why: the provider cuts the example at the limit, losing the end of the target, or refuses it
    (the profile says which).
    Example: a 70,000-token transcript for gpt-4o-mini, whose training examples hold 65,536.
    Fix: shorten or split the example, or pick a model with a longer training context (`model`).
    """

    id = "PROV003"
    name = "over-model-context"
    family = "provider"
    scope = RECORD
    severity = Severity.WARNING
    model: str = ""
    """Base model whose limit applies (default: the profile's default model)."""
    max_tokens: int = ranged(0, low=0)
    """Use this limit instead of the model's (e.g. a job's shorter maximum sequence length)."""

    @classmethod
    def merge_metrics(cls, parts: list[dict[str, Any]]) -> dict[str, Any]:
        """The model and its limit (the same in every block) as they are; the counts added up."""
        kept = {key: parts[0][key] for key in ("model", "max_tokens") if parts and key in parts[0]}
        return kept | add_counts([{k: v for k, v in part.items() if k not in kept} for part in parts])

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        limit = None if profile.is_generic else profile.token_limit(self.model)
        if limit is None:
            return
        model, max_tokens = limit
        max_tokens = self.max_tokens or max_tokens
        self.metrics.update(model=model, max_tokens=max_tokens)
        rejected = profile.over_limit == "reject"
        fate = "refused" if rejected else "truncated"
        for split in uploaded_splits(ctx, profile):
            long = split.frame.filter(pl.col("n_tokens") > max_tokens).select("line", "n_tokens")
            self.metrics[f"{split.name}_over_limit"] = long.height
            for line, n in long.iter_rows():
                loc = ctx.location(split, line)
                yield self.finding(
                    f"about {n:,} tokens, over the {max_tokens:,}-token training limit of {model}; "
                    f"{profile.title} {fate} it",
                    [loc],
                    metrics={"tokens": n, "rejected": rejected},
                    unusable=[loc] if rejected else [],
                )
