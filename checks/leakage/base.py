"""Shared machinery of the LEAK checks: the comparisons, the matching layers and the base class.

LEAK: held-out examples (test, valid) that are also in the training data, or in each other.

Each held-out split is compared with train, and test with valid. The layers do not report the same
example twice: an eval example copied exactly (LEAK001) is not reported again as a normalised copy
(LEAK002), a near copy (LEAK003) or an n-gram overlap (LEAK004). A finding names the held-out
example first, then the reference rows; `unusable` holds the reference rows (drop them to keep the
evaluation honest). The verdict condition (with LEAK001) judges the leaked share of each held-out split.

"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import polars as pl

from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check
from dataqa.ingest.load import excerpt
from dataqa.text import similarity

EVIDENCE_CHARS = 160

Group = tuple[list[int], list[int], dict]
"""One leak: held-out lines (representative first), reference lines (best first), extra metrics."""


def comparisons(ctx: Context) -> list[tuple[str, str]]:
    """(held-out split, reference split) pairs: every eval split against train, test against valid."""
    out = []
    for split in ctx.eval_splits:
        if "train" in ctx.splits:
            out.append((split.name, "train"))
    if "test" in ctx.splits and "valid" in ctx.splits:
        out.append(("test", "valid"))
    return out


def _options(ctx: Context, check_id: str, **defaults: float | int) -> dict[str, float | int]:
    """Another leakage layer's configured options (the layers below must agree with it)."""
    given = {k.replace("-", "_"): v for k, v in ctx.config.checks.get(check_id, {}).items()}
    return {key: given.get(key, value) for key, value in defaults.items()}


def exact_matches(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`line`, `ref_line`: held-out rows whose text is identical to a reference row."""
    left = ctx.valid_rows(eval_split).select("line", "text")
    right = ctx.valid_rows(ref_split).select(pl.col("line").alias("ref_line"), "text")
    return left.join(right, on="text").select("line", "ref_line").sort(["line", "ref_line"])


def normalised_matches(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`line`, `ref_line`: held-out rows identical to a reference row after normalisation."""
    left = similarity.distinct(ctx, eval_split, "text")
    right = similarity.distinct(ctx, ref_split, "text")
    lt = left.members.join(pl.DataFrame({"rep": left.lines, "norm": left.texts}), on="rep")
    rt = right.members.join(pl.DataFrame({"rep": right.lines, "norm": right.texts}), on="rep")
    return (
        lt.select("line", "norm")
        .join(rt.select(pl.col("line").alias("ref_line"), "norm"), on="norm")
        .select("line", "ref_line")
        .sort(["line", "ref_line"])
    )


def near_matches(
    ctx: Context, eval_split: str, ref_split: str, threshold: float | None = None, shingle: int | None = None
) -> pl.DataFrame:
    """`line`, `ref_line`, `similarity`: held-out rows near a reference row, every normalised copy
    on either side included, held-out rows with a normalised (or exact) copy in the reference split
    excluded (LEAK001/LEAK002 report those). Threshold and shingle default to LEAK003's options."""
    opts = _options(
        ctx, "LEAK003", threshold=similarity.DEFAULT_THRESHOLD, shingle=similarity.DEFAULT_SHINGLE
    )
    t = float(opts["threshold"] if threshold is None else threshold)
    k = int(opts["shingle"] if shingle is None else shingle)
    pairs = similarity.near_pairs(ctx, eval_split, ref_split, "text", t, shingle=k)
    left = similarity.distinct(ctx, eval_split, "text").members
    right = similarity.distinct(ctx, ref_split, "text").members
    taken = normalised_matches(ctx, eval_split, ref_split).select("line").unique()
    return (
        pairs.join(left.rename({"rep": "left_line"}), on="left_line")
        .join(right.rename({"rep": "right_line", "line": "ref_line"}), on="right_line")
        .join(taken, on="line", how="anti")
        .select("line", "ref_line", "similarity", "left_line")
        .sort(["line", "similarity", "ref_line"], descending=[False, True, False])
    )


def _texts(ctx: Context, split: str, lines: list[int]) -> dict[int, str]:
    frame = ctx.valid_rows(split).filter(pl.col("line").is_in(lines)).select("line", "text")
    return {line: text or "" for line, text in frame.iter_rows()}


def and_more(n: int, what: str) -> str:
    """ " and N more <what>" for a message, or nothing when there are none."""
    return f" and {n} more {what}" if n > 0 else ""


class LeakCheck(Check):
    """Shared bookkeeping: per comparison, findings and the leaked fraction of each held-out split."""

    needs = frozenset({"eval"})
    blocks: ClassVar[bool] = True
    """Whether this layer's leaks remove the training rows and count in the verdict's leaked share."""

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        """Per leak: (held-out lines, reference lines, metrics and optional extra `evidence`)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        """A leak's message."""
        raise NotImplementedError  # pragma: no cover - abstract

    def run(self, ctx: Context) -> Iterator[Finding]:
        """One finding per leak, per comparison; the leaked share of each held-out split as metrics."""
        leaked: dict[str, set[int]] = {s.name: set() for s in ctx.eval_splits}
        for eval_split, ref_split in comparisons(ctx):
            groups = list(self.matches(ctx, eval_split, ref_split))
            needed_eval = sorted({g[0][0] for g in groups})
            needed_ref = sorted({g[1][0] for g in groups})
            eval_texts = _texts(ctx, eval_split, needed_eval) if needed_eval else {}
            ref_texts = _texts(ctx, ref_split, needed_ref) if needed_ref else {}
            for lines, refs, extra in groups:
                leaked[eval_split].update(lines)
                eval_locs = [ctx.location(eval_split, line) for line in lines]
                ref_locs = [ctx.location(ref_split, line) for line in refs]
                evidence = [
                    f"{eval_locs[0]}: {excerpt(eval_texts.get(lines[0], ''), EVIDENCE_CHARS)}",
                    f"{ref_locs[0]}: {excerpt(ref_texts.get(refs[0], ''), EVIDENCE_CHARS)}",
                    *extra.pop("evidence", []),
                ]
                yield self.finding(
                    self.describe(ctx, eval_split, ref_split, (lines, refs, extra)),
                    eval_locs + ref_locs,
                    evidence,
                    metrics={"reference_split": ref_split, **extra},
                    unusable=ref_locs if self.blocks else [],
                )
        for split, lines in leaked.items():
            rows = ctx.valid_rows(split).height
            self.metrics[f"{split}_leaked"] = len(lines)
            self.metrics[f"{split}_leaked_fraction"] = round(len(lines) / rows, 6) if rows else 0.0


def grouped_matches(matches: pl.DataFrame) -> Iterator[tuple[list[int], list[int]]]:
    """Held-out lines with the same set of reference lines, as (eval lines, reference lines)."""
    by_eval = matches.group_by("line").agg(pl.col("ref_line").sort())
    by_refs = by_eval.group_by("ref_line").agg(pl.col("line").sort())
    yield from sorted(zip(by_refs["line"].to_list(), by_refs["ref_line"].to_list(), strict=True))
