"""PREF006 kto-label-balance: KTO data mostly of one kind, whose rare kind is drowned."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.preference.base import MAX_LISTED
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest import formats


@register
@dataclass
class KtoLabelBalance(Check):
    """KTO examples are mostly desirable or mostly undesirable (the share of each is reported).

    Why: KTO weighs desirable and undesirable examples against each other; with one kind rare,
    its signal is drowned unless the trainer's `desirable_weight`/`undesirable_weight` correct
    for it (TRL recommends weighted counts within 1:1 to 4:3).
    Example: 950 examples labelled true and 50 labelled false.
    Fix: collect examples of the rare kind, or set the trainer's weights to the ratio reported.
    The finding lists the rarer kind's examples (the first 1,000).
    """

    id = "PREF006"
    name = "kto-label-balance"
    family = "preference"
    severity = Severity.WARNING
    min_share: float = ranged(0.25, low=0, high=0.5)
    """Below this share of the rarer label (desirable or undesirable) the balance is reported."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            if split.kind != formats.KTO:  # prompt/completion or messages, with a boolean label
                continue
            frame = ctx.valid_rows(split).filter(pl.col("label").is_in(["true", "false"]))
            if frame.height == 0:
                continue
            desirable = int((frame["label"] == "true").sum())
            undesirable = frame.height - desirable
            share = min(desirable, undesirable) / frame.height
            self.metrics[f"{split.name}_desirable"] = desirable
            self.metrics[f"{split.name}_undesirable"] = undesirable
            if share >= self.min_share:
                continue
            rare = "false" if undesirable < desirable else "true"
            weight = max(desirable, undesirable) / max(min(desirable, undesirable), 1)
            lines = frame.filter(pl.col("label") == rare)["line"].head(MAX_LISTED).to_list()
            lines = lines or [int(frame["line"].min())]
            yield self.finding(
                f"{desirable:,} desirable and {undesirable:,} undesirable examples: the rarer kind is "
                f"{share:.0%}; weigh it about {weight:.1f}x (e.g. "
                f"{'undesirable' if rare == 'false' else 'desirable'}_weight) or collect more",
                [ctx.location(split, n) for n in lines],
                metrics={"desirable": desirable, "undesirable": undesirable, "rare_share": round(share, 4)},
            )
