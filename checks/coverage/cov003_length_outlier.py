"""COV003 length-outlier: prompts or targets far longer or shorter than the split's usual."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import field_name
from dataqa.ingest.tokens import estimate_tokens_expr


@register
@dataclass
class LengthOutlier(Check):
    """Prompts or targets whose token length is far outside what the rest of the split keeps.

    Method: on log token lengths per role (prompt, response), a robust z-score from the median
    and the median absolute deviation; rows beyond `z` on either side form one finding per role
    and direction, the most extreme first. Targets of classification data (labels) are skipped.
    Why: a few answers ten times longer than the rest dominate the loss and teach the model to
    ramble; near-empty answers among long ones teach it to stop early (or are broken exports).
    Example: replies of about 80 tokens, and six of 3,000 tokens pasted from a log file.
    Fix: read the extremes; trim, split or drop them, or make the length variation intentional.
    """

    id = "COV003"
    name = "length-outlier"
    family = "coverage"
    needs = frozenset({"target"})
    severity = Severity.WARNING
    z: float = ranged(4.0, low=0)
    """Robust z-score (log scale) beyond which a length is an outlier."""
    min_rows: int = ranged(30, low=2)
    """Fewer valid rows than this: too few to say what is typical."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        rows = ctx.valid_rows("train")
        roles = ["prompt"] if ctx.has_labels() else ["prompt", "response"]
        lengths = rows.select(
            "line", *[estimate_tokens_expr(pl.col(r).fill_null("")).alias(r) for r in ["prompt", "response"]]
        )
        for role in roles:
            tokens = lengths[role].to_numpy().astype(np.float64)
            if len(tokens) == 0:
                continue
            self.metrics[f"{role}_tokens"] = {
                q: float(np.quantile(tokens, p, method="nearest"))
                for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
            }
            if len(tokens) < self.min_rows:
                continue
            logs = np.log1p(tokens)
            median = float(np.median(logs))
            mad = float(np.median(np.abs(logs - median))) * 1.4826
            if mad <= 0:
                continue
            score = (logs - median) / mad
            typical = float(np.expm1(median))
            self.metrics[f"{role}_bounds"] = [
                round(float(np.expm1(median - self.z * mad)), 1),
                round(float(np.expm1(median + self.z * mad)), 1),
            ]
            lines = lengths["line"].to_numpy()
            for direction, mask in (("long", score > self.z), ("short", score < -self.z)):
                idx = np.flatnonzero(mask)
                if not len(idx):
                    continue
                extreme = idx[np.argmax(np.abs(score[idx]))]
                ordered = [extreme, *[i for i in idx if i != extreme]]
                word = "longer" if direction == "long" else "shorter"
                at = ctx.place("train", int(lines[extreme]))
                yield self.finding(
                    f"{len(idx)} {field_name(ctx.train, role, plural=len(idx) > 1)} far {word} than the rest "
                    f"(typical {typical:.0f} tokens; "
                    f"most extreme {tokens[extreme]:.0f} tokens at {at})",
                    [ctx.location("train", int(lines[i])) for i in ordered],
                    [excerpt(rows[role][int(extreme)], flat=True)],
                    metrics={"role": role, "direction": direction, "count": len(idx), "typical": typical},
                )
