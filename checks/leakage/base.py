"""Shared machinery of the LEAK checks: the comparisons, the matching layers and the base class.

Here are the matches every layer reads (exact and normalised copies, near copies, pairs of inputs
and the sides of their rows) and `LeakCheck`, which turns a layer's matches into findings. LEAK005's
input leaks, built on all of these, are in `input_leaks`.

LEAK: held-out examples (test, valid) that are also in the training data, or in each other.

Each held-out split is compared with train, and test with valid. The layers do not report the same
example twice: an eval example copied exactly (LEAK001) is not reported again as a normalised copy
(LEAK002), a near copy (LEAK003), an input with another label or answer (LEAK005) or an n-gram
overlap (LEAK004). A finding names the held-out example first, then the reference rows; `unusable`
holds the reference rows (drop them to keep the evaluation honest). The verdict condition (with
LEAK001) judges the leaked share of each held-out split.

Labelled data (a label field, or chat replies that form a closed set) is an input to classify: a
near copy (LEAK003) is a near-identical input with the same label, and an input found in train with
another label, identical, normalised or near, is a cross-split label conflict (LEAK005), which
takes precedence over a near copy with the same label when the conflicting input is identical.
Generative data is matched on prompt and response (LEAK001-003); a prompt found identical (or
normalised) in train with a rewritten answer is a leak of the input (LEAK005).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np
import polars as pl

from dataqa.checks.labels.base import split_labels
from dataqa.checks.leakage.shared_inputs import SHARED_INPUTS, input_rows
from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check
from dataqa.ingest.issues import excerpt
from dataqa.text import copies, similarity

EVIDENCE_CHARS = 160

NEAR_SHARES = frozenset(
    {"bands", "copies", "distinct", "hashes", "input_conflicts", "input_pairs", "input_sides", "near_pairs"}
    | {"split_labels", "templates", SHARED_INPUTS[0]}
)
"""The shared values the near-leak checks read (LEAK003-005): near pairs of texts and of inputs."""

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


def _copy_matches(ctx: Context, eval_split: str, ref_split: str, on: str) -> pl.DataFrame:
    """`line`, `ref_line`: held-out rows whose `on` hash (`copies`: "exact" or "norm") a reference
    row shares."""
    left = copies.of_split(ctx, eval_split).filter(pl.col(on).is_not_null()).select("line", on)
    right = copies.of_split(ctx, ref_split).select(pl.col("line").alias("ref_line"), on)
    return left.join(right, on=on).select("line", "ref_line").sort(["line", "ref_line"])


def exact_matches(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`line`, `ref_line`: held-out rows whose text is identical to a reference row."""
    return _copy_matches(ctx, eval_split, ref_split, "exact")


def normalised_matches(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`line`, `ref_line`: held-out rows identical to a reference row after normalisation (a
    normalised text that is not empty)."""
    return _copy_matches(ctx, eval_split, ref_split, "norm")


def near_options(ctx: Context) -> tuple[float, int]:
    """LEAK003's configured threshold and shingle: what a near leak is, for every layer."""
    opts = _options(
        ctx, "LEAK003", threshold=similarity.DEFAULT_THRESHOLD, shingle=similarity.DEFAULT_SHINGLE
    )
    return float(opts["threshold"]), int(opts["shingle"])


def input_options(ctx: Context) -> tuple[float, int]:
    """LEAK005's configured threshold and shingle: the near inputs under another label it reports."""
    opts = _options(
        ctx, "LEAK005", threshold=similarity.DEFAULT_THRESHOLD, shingle=similarity.DEFAULT_SHINGLE
    )
    return float(opts["threshold"]), int(opts["shingle"])


def near_matches(
    ctx: Context, eval_split: str, ref_split: str, threshold: float | None = None, shingle: int | None = None
) -> pl.DataFrame:
    """`line`, `ref_line`, `similarity`: held-out rows near a reference row, every normalised copy
    on either side included, held-out rows with a normalised (or exact) copy in the reference split
    excluded (LEAK001/LEAK002 report those). Threshold and shingle default to LEAK003's options.

    Labelled data is matched on the input with the same label (`left_line` is then the held-out
    input's representative); held-out rows whose identical input has another label in the
    reference split are LEAK005's and left out."""
    options = near_options(ctx)
    t = options[0] if threshold is None else float(threshold)
    k = options[1] if shingle is None else int(shingle)
    if labelled(ctx):
        return _labelled_near_matches(ctx, eval_split, ref_split, t, k)
    pairs = similarity.near_pairs(ctx, eval_split, ref_split, "text", t, shingle=k)
    left = copies.class_lines(ctx, eval_split, pairs["left_line"])
    right = copies.class_lines(ctx, ref_split, pairs["right_line"])
    taken = normalised_matches(ctx, eval_split, ref_split).select("line").unique()
    return (
        pairs.join(left.rename({"rep": "left_line"}), on="left_line")
        .join(right.rename({"rep": "right_line", "line": "ref_line"}), on="right_line")
        .join(taken, on="line", how="anti")
        .select("line", "ref_line", "similarity", "left_line")
        .sort(["line", "similarity", "ref_line"], descending=[False, True, False])
    )


def labelled(ctx: Context) -> bool:
    """Whether the data is labelled (a label field, or chat replies that form a closed set): its
    leaks are then matched on the input, and the label says whether they conflict."""
    return ctx.has_labels()


SIDES = ("input_sides",)
"""With a split's name after it, the shared key of `input_sides` (an engine that holds the split elsewhere
supplies the rows of the inputs another split has, identical or near: the only rows joined)."""


SIDE_SCHEMA = {"line": pl.Int64, "prompt_exact": pl.UInt64, "system_exact": pl.UInt64, "target": pl.String}


def side_rows(ctx: Context, split: str, lines: np.ndarray | None = None) -> pl.DataFrame:
    """`line`, `prompt_exact`, `system_exact` and `target` (`input_sides`) of each valid row (of those
    among `lines`), each read from its row alone: on a split here, or on a block of a held one."""
    frame = similarity.hashes(ctx, split).select("line", "prompt_exact", "system_exact")
    if lines is not None:
        frame = frame.filter(pl.col("line").is_in(pl.Series(lines, dtype=pl.Int64).implode()))
    if not labelled(ctx) or ctx.splits[split].scored:  # a score is no class to match a leak on
        return frame.with_columns(pl.lit("").alias("target")).cast(SIDE_SCHEMA)  # type: ignore[arg-type]
    targets = (
        ctx.valid_rows(split)
        .select("line", "response")
        .join(split_labels(ctx, split), on="line", how="left")
        .select("line", pl.coalesce("label", "response").fill_null("").alias("target"))
    )
    return frame.join(targets, on="line").cast(SIDE_SCHEMA)  # type: ignore[arg-type]


def input_sides(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `rep` (the representative of its normalised input), `prompt_exact`, `system_exact`
    and `target` (its label, or its reply when it has none; "" for generative data, and for scores on
    a scale: a held-out pair found in train is a copy whatever its score, 2.000 or 2.167) of each
    valid row with a non-empty input (of a split held elsewhere: of each whose input another split
    has, identical or near, which is all that is joined to the pairs of inputs)."""

    def build() -> pl.DataFrame:
        return similarity.distinct(ctx, split, "prompt").members.join(side_rows(ctx, split), on="line")

    return ctx.shared((*SIDES, split), build)


def identical_inputs(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`left_rep`, `right_rep`, `similarity` (1.0), `same` (true): held-out and reference inputs
    identical after normalisation, as their representatives (one row per distinct input pair), read
    from the rows whose input the other split has (`shared_inputs`, which an engine holding a split
    elsewhere supplies), not from whole splits."""
    rows = [input_rows(ctx, split).select("key", "rep").unique() for split in (eval_split, ref_split)]
    return (
        rows[0]
        .rename({"rep": "left_rep"})
        .join(rows[1].rename({"rep": "right_rep"}), on="key")
        .select("left_rep", "right_rep", pl.lit(1.0).alias("similarity"), pl.lit(True).alias("same"))
        .sort("left_rep", "right_rep")
    )


def input_rep_pairs(
    ctx: Context, eval_split: str, ref_split: str, threshold: float | None, shingle: int
) -> pl.DataFrame:
    """`left_rep`, `right_rep`, `similarity`, `same`: held-out and reference inputs (prompts, as
    their normalised representatives) identical after normalisation (`same`, similarity 1.0) or,
    with a `threshold`, near (verified similarity >= `threshold`; a near pair may score 1.0 when
    only filler words differ). One row per pair of distinct inputs, never per copy; identical
    pairs first, then by similarity."""

    def build() -> pl.DataFrame:
        same = identical_inputs(ctx, eval_split, ref_split)
        if threshold is None:
            return same.sort(["left_rep", "right_rep"])
        # Across two splits the near pairs include inputs identical after normalisation (`same`
        # has them all, even those a crowded LSH bucket leaves out).
        near = (
            similarity.near_pairs(ctx, eval_split, ref_split, "prompt", threshold, shingle=shingle)
            .select(
                pl.col("left_line").alias("left_rep"), pl.col("right_line").alias("right_rep"), "similarity"
            )
            .join(same.select("left_rep", "right_rep"), on=["left_rep", "right_rep"], how="anti")
            .with_columns(pl.lit(False).alias("same"))
        )
        return pl.concat([same, near]).sort(
            ["left_rep", "same", "similarity", "right_rep"], descending=[False, True, True, False]
        )

    return ctx.shared(("input_pairs", eval_split, ref_split, threshold, shingle), build)


def taken_by_text(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`line`: held-out rows with an exact or normalised copy in the reference split (LEAK001/002)."""
    return normalised_matches(ctx, eval_split, ref_split).select("line").unique()


def reported_above(ctx: Context, eval_split: str, ref_split: str, *more: pl.DataFrame) -> pl.DataFrame:
    """`line`: held-out rows a layer above reports against the reference split, which the layers
    below leave to it: an exact or normalised copy (LEAK001/002), a near copy (LEAK003), and the
    `line`s of `more` (LEAK005's input leaks, LEAK006's contained inputs, as a layer reads them)."""
    lines = [
        taken_by_text(ctx, eval_split, ref_split),
        near_matches(ctx, eval_split, ref_split).select("line"),
    ]
    return pl.concat([*lines, *(frame.select("line") for frame in more)]).unique()


def input_conflicts(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """Labelled data: `line`, `ref_line` of held-out rows (not LEAK001/002's) whose input is in the
    reference split, identical after normalisation and with the same system prompt, under another label."""

    def build() -> pl.DataFrame:
        pairs = input_rep_pairs(ctx, eval_split, ref_split, None, similarity.DEFAULT_SHINGLE)
        left = input_sides(ctx, eval_split).join(
            taken_by_text(ctx, eval_split, ref_split), on="line", how="anti"
        )
        right = input_sides(ctx, ref_split).rename(
            {"line": "ref_line", "rep": "right_rep", "target": "ref_target", "prompt_exact": "ref_prompt"}
        )
        return (
            left.join(pairs, left_on="rep", right_on="left_rep")
            .join(right, on=["right_rep", "system_exact"])
            .filter(pl.col("target") != pl.col("ref_target"))
            .select("line", "ref_line")
        )

    return ctx.shared(("input_conflicts", eval_split, ref_split), build)


def _labelled_near_matches(
    ctx: Context, eval_split: str, ref_split: str, threshold: float, shingle: int
) -> pl.DataFrame:
    """`near_matches` of labelled data: inputs near (or equal to) a reference input with the same label."""
    pairs = input_rep_pairs(ctx, eval_split, ref_split, threshold, shingle)
    left = (
        input_sides(ctx, eval_split)
        .join(taken_by_text(ctx, eval_split, ref_split), on="line", how="anti")
        .join(input_conflicts(ctx, eval_split, ref_split).select("line").unique(), on="line", how="anti")
        .select("line", pl.col("rep").alias("left_line"), "target")
    )
    right = input_sides(ctx, ref_split).select(
        pl.col("line").alias("ref_line"), pl.col("rep").alias("right_rep"), "target"
    )
    return (
        left.join(pairs, left_on="left_line", right_on="left_rep")
        .join(right, on=["right_rep", "target"])
        .select("line", "ref_line", "similarity", "left_line")
        .sort(["line", "similarity", "ref_line"], descending=[False, True, False])
    )


def and_more(n: int, what: str) -> str:
    """ " and N more <what>" for a message, or nothing when there are none."""
    return f" and {n} more {what}" if n > 0 else ""


class LeakCheck(Check):
    """Shared bookkeeping: per comparison, findings and the leaked fraction of each held-out split."""

    needs = frozenset({"eval"})
    blocks: ClassVar[bool] = True
    """Whether this layer's leaks remove the training rows and count in the verdict's leaked share."""
    shows_diff: ClassVar[bool] = False
    """Whether the evidence says what the held-out and the reference text share and where they
    differ (near copies: the difference is the point)."""

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
            eval_texts = copies.texts(ctx, eval_split, needed_eval) if needed_eval else {}
            ref_texts = copies.texts(ctx, ref_split, needed_ref) if needed_ref else {}
            for lines, refs, extra in groups:
                leaked[eval_split].update(lines)
                eval_locs = [ctx.location(eval_split, line) for line in lines]
                ref_locs = [ctx.location(ref_split, line) for line in refs]
                evidence = [
                    f"{eval_locs[0]}: {excerpt(eval_texts.get(lines[0], ''), EVIDENCE_CHARS)}",
                    f"{ref_locs[0]}: {excerpt(ref_texts.get(refs[0], ''), EVIDENCE_CHARS)}",
                    *extra.pop("evidence", []),
                ]
                if self.shows_diff:
                    said = copies.compared_texts(ctx, eval_split, lines[:1])
                    said_ref = copies.compared_texts(ctx, ref_split, refs[:1])
                    diff = similarity.word_diff(said.get(lines[0], ""), said_ref.get(refs[0], ""))
                    evidence.append(f"{eval_locs[0]} ~ {ref_locs[0]}: {diff}")
                yield self.finding(
                    self.describe(ctx, eval_split, ref_split, (lines, refs, extra)),
                    eval_locs + ref_locs,
                    evidence,
                    metrics={"reference_split": ref_split, **extra},
                    unusable=ref_locs if self.blocks else [],
                )
        for split, lines in leaked.items():
            rows = ctx.valid_count(split)
            self.metrics[f"{split}_leaked"] = len(lines)
            self.metrics[f"{split}_leaked_fraction"] = round(len(lines) / rows, 6) if rows else 0.0


def grouped_matches(matches: pl.DataFrame) -> Iterator[tuple[list[int], list[int]]]:
    """Held-out lines with the same set of reference lines, as (eval lines, reference lines)."""
    by_eval = matches.group_by("line").agg(pl.col("ref_line").sort())
    by_refs = by_eval.group_by("ref_line").agg(pl.col("line").sort())
    yield from sorted(zip(by_refs["line"].to_list(), by_refs["ref_line"].to_list(), strict=True))
