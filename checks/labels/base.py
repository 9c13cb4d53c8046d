"""What the LBL checks share: the labels of each split (cached), which splits have any, and how
strongly the data ties a word to one label rather than another.

Identity of inputs comes from the shared hashes of `dataqa.text.similarity`.
"""

from __future__ import annotations

import polars as pl

from dataqa.engine.context import Context
from dataqa.ingest.label_inference import canonical_label
from dataqa.ingest.label_sets import compared_classes, label_classes

CLOSED_SET_SOURCE = "assistant reply (closed set)"


def split_labels(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `label` of the valid, labelled rows of a split.

    A held-out split of chat data too small to be recognised as a closed set on its own (under
    ten rows) takes its labels from its replies when train's labels are replies.
    """

    def compute() -> pl.DataFrame:
        rows = ctx.valid_rows(split)
        s = ctx.splits[split]
        if s.label_source is None and split != "train" and ctx.train.label_source == CLOSED_SET_SOURCE:
            labels = [canonical_label(r) if r and r.strip() else None for r in rows["response"].to_list()]
            rows = rows.with_columns(pl.Series("label", labels, dtype=pl.String))
        return rows.select("line", "label").filter(pl.col("label").is_not_null())

    return ctx.shared(("split_labels", split), compute)


def split_classes(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `label` of a split with one row per class each label names (`label_classes`)."""

    def compute() -> pl.DataFrame:
        rows = split_labels(ctx, split)
        pairs = [(line, c) for line, label in rows.iter_rows() for c in label_classes(label)]
        return pl.DataFrame(pairs, schema={"line": rows["line"].dtype, "label": pl.String}, orient="row")

    return ctx.shared(("split_classes", split), compute)


def weighed_classes(mine: str, theirs: str) -> list[tuple[str, str, bool]]:
    """How two rows' labels are told apart class by class (`compared_classes`), as the word checks
    weigh them (LBL002, DUP004): (c, d, shared) for each class c the first row has and the second
    lacks, against each class d of the second's that the first lacks, or, when the second row's
    classes are all the first's too (`[15]` beside `[0,15]`: what sets the first apart is c alone),
    against each of them (`shared`: the first row is one of d's examples as well). One class a row
    (single-label data): `[(mine, theirs, False)]`. So a word that goes with one class ("haha":
    amusement) explains a row that has that class beside one that has others (`[1]` / `[14,26]`),
    whatever combinations the set's rows hold."""
    a, b = compared_classes(mine), compared_classes(theirs)
    only_a = [c for c in a if c not in b]
    only_b = [d for d in b if d not in a]
    return [(c, d, d in a) for c in only_a for d in only_b or b]


def labels_noun(ctx: Context, split: str) -> str:
    """What a message calls a split's labels: "label sets" in multi-label classification, whose
    labels show as their canonical lists (`[3,27]`, `dataqa.ingest.label_sets`), else "labels"."""
    return "label sets" if ctx.splits[split].multi_label else "labels"


def shared_classes(ctx: Context, split: str, labels: list[str]) -> str:
    """In multi-label classification, what the conflicting label sets `labels` agree on, as a clause
    for the message ("; every set has '10'"): sets that share a class are a partial agreement (an
    annotator added or left out one emotion), told apart from sets that share none. Empty elsewhere
    or where they share no class."""
    if not ctx.splits[split].multi_label or len(labels) < 2:
        return ""
    common = set.intersection(*(set(label_classes(label)) for label in labels))
    if not common:
        return ""
    names = ", ".join(repr(c) for c in sorted(common, key=lambda c: (len(c), c)))
    return f"; every set has {names}, they differ in the others"


def per_class_bar(ctx: Context) -> int:
    """The fewest training examples a class needs for the scan's goal (`verdict.min_per_class_*`)."""
    verdict = ctx.config.verdict
    return verdict.min_per_class_production if ctx.config.goal == "production" else verdict.min_per_class_poc


def labelled_splits(ctx: Context) -> list[str]:
    """Names of the splits with at least one valid, labelled row: the ones the label checks read."""
    return [s.name for s in ctx if split_labels(ctx, s.name).height]


DECIDING = 3.0
"""A word decides between two labels when one label's examples use it at least this many times as
often (per example) as the other's: "virtual" in getting_virtual_card (96 of 98) against
order_physical_card (1 of 120), "have" in alarm_query against alarm_set (48 / 2 of 175)."""


def tie(n_a: float, size_a: float, n_b: float, size_b: float) -> float:
    """How many times as often the `size_a` examples of label a use a word (`n_a` of them) as the
    `size_b` examples of label b (`n_b`): the ratio of the shares, each smoothed by half an example
    so that one use against none is 3x, not infinite. 0 when no example of a uses it: a word of
    one prompt (a name, a slot value) ties nothing to anything. Callers leave the prompts being
    compared out of the counts, so a word is judged by the other examples only."""
    if n_a < 1 or size_a < 1:
        return 0.0
    return ((n_a + 0.5) / (size_a + 1.0)) / ((max(n_b, 0.0) + 0.5) / (max(size_b, 0.0) + 1.0))
