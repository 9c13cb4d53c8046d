"""What the LBL checks share: the labels of each split (cached), and which splits have any.

Identity of inputs comes from the shared hashes of `dataqa.text.similarity`.
"""

from __future__ import annotations

import polars as pl

from dataqa.engine.context import Context
from dataqa.ingest.label_inference import canonical_label

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


def labelled_splits(ctx: Context) -> list[str]:
    """Names of the splits with at least one valid, labelled row: the ones the label checks read."""
    return [s.name for s in ctx if split_labels(ctx, s.name).height]
