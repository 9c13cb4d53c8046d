"""PREF006 kto-label-balance: KTO data mostly of one kind, whose rare kind is drowned."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.preference.base import MAX_LISTED
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest import formats
from dataqa.ingest.dataset import Split


@register
@dataclass
class KtoLabelBalance(Summarised):
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

    def _judged(self, ctx: Context) -> Iterator[tuple[Split, pl.DataFrame]]:
        """Each KTO split (prompt/completion or messages, with a boolean label) and its valid rows
        labelled true or false, of those the context holds."""
        for split in ctx:
            if split.kind == formats.KTO:
                yield split, ctx.valid_rows(split).filter(pl.col("label").is_in(["true", "false"]))

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per KTO split: its desirable and undesirable rows, and its first line (a list to merge)."""
        out = {}
        for split, frame in self._judged(ctx):
            if frame.height:
                desirable = int((frame["label"] == "true").sum())
                first = [int(frame["line"].min())]  # type: ignore[arg-type]
                out[split.name] = {
                    "desirable": desirable,
                    "undesirable": frame.height - desirable,
                    "first": first,
                }
        return {"splits": out}

    @staticmethod
    def _share(counts: dict[str, Any]) -> float:
        """The rarer kind's share of the split's rows."""
        desirable, undesirable = counts["desirable"], counts["undesirable"]
        return min(desirable, undesirable) / (desirable + undesirable)

    def _rare(self, counts: dict[str, Any]) -> str | None:
        """The rarer kind's label when it is under `min_share` of the split, else None."""
        if self._share(counts) >= self.min_share:
            return None
        return "false" if counts["undesirable"] < counts["desirable"] else "true"

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        rare = {name: self._rare(counts) for name, counts in summary["splits"].items()}
        return {name: label for name, label in rare.items() if label is not None} or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """The first `MAX_LISTED` lines of the rarer kind's rows, per split `wanted`."""
        return {
            split.name: frame.filter(pl.col("label") == wanted[split.name])["line"].head(MAX_LISTED).to_list()
            for split, frame in self._judged(ctx)
            if split.name in wanted
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            counts = summary["splits"].get(split.name)
            if counts is None:
                continue
            desirable, undesirable, share = counts["desirable"], counts["undesirable"], self._share(counts)
            self.metrics[f"{split.name}_desirable"] = desirable
            self.metrics[f"{split.name}_undesirable"] = undesirable
            rare = self._rare(counts)
            if rare is None:
                continue
            weight = max(desirable, undesirable) / max(min(desirable, undesirable), 1)
            lines = sorted(summary["rows"].get(split.name, []))[:MAX_LISTED] or [min(counts["first"])]
            yield self.finding(
                f"{desirable:,} desirable and {undesirable:,} undesirable examples: the rarer kind is "
                f"{share:.0%}; weigh it about {weight:.1f}x (e.g. "
                f"{'undesirable' if rare == 'false' else 'desirable'}_weight) or collect more",
                [ctx.location(split, n) for n in lines],
                metrics={"desirable": desirable, "undesirable": undesirable, "rare_share": round(share, 4)},
            )
