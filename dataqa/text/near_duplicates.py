"""Near-duplicates: verified near pairs between two splits and near-duplicate groups inside one.

Duplicates, leakage, label and diff checks all ask "are these the same text?", inside one split or
across two; they share this one engine, computed once per scan through `Context.shared`.

How near-duplicates are found (see `benchmarks/similarity.md` for the measurements behind it):

1. Texts are normalised (`normalise_expr`); rows whose normalised text is identical form one
   *class*, represented by its first line. Only the distinct normalised texts go further.
2. Each distinct text becomes a set of word shingles (`shingle` words each; default 2: a 1-3 word
   edit changes at most 6 word pairs, where the textbook word 5-grams change up to 15, and word
   pairs, unlike single words, are rarely shared by unrelated English texts, which keeps the
   candidate pairs few). A shingle set is sketched with one-permutation MinHash (one hash per
   shingle, `NUM_PERM` bins, empty bins filled by optimal densification), vectorised in numpy.
3. LSH banding (`BANDS` bands of `NUM_PERM // BANDS` rows) turns sketches into candidate pairs:
   a pair whose shingle sets have Jaccard 0.6 becomes a candidate with probability 0.99.
4. Every candidate is verified with rapidfuzz's Indel ratio over the *words* of the normalised
   texts (`1 - words inserted or deleted / words in both`; a changed word counts twice): the
   similarity reported is this true score, never the sketch's estimate, and pairs under the
   threshold are dropped. Words, not characters, because edits to data are edits of words.
5. Verified pairs are joined into groups by connected components (union-find).

Short texts: one changed word in an n-word text scores 1 - 1/n, so at the default threshold of
0.85 texts of six words or fewer are never near-duplicates by one changed word ("what is the
capital of france" vs "... of spain" is 0.83), where a character ratio would call them 0.88
alike. That is on purpose: one word often changes what a short input asks.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from dataqa.engine.context import Context
from dataqa.text.candidates import candidates_across, candidates_within
from dataqa.text.minhash import DEFAULT_SHINGLE, bands
from dataqa.text.normalise import distinct
from dataqa.text.verify import verify_pairs

DEFAULT_THRESHOLD = 0.85
"""Default verified similarity (word-level Indel ratio of the normalised texts) of a near-duplicate."""


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema={"left_line": pl.Int64, "right_line": pl.Int64, "similarity": pl.Float64})


def near_pairs(
    ctx: Context,
    left: str,
    right: str,
    column: str = "text",
    threshold: float | None = None,
    *,
    shingle: int = DEFAULT_SHINGLE,
) -> pl.DataFrame:
    """Verified near pairs between two splits (or inside one when `left == right`).

    Columns `left_line`, `right_line`, `similarity` (`word_similarity` of the normalised texts,
    >= `threshold`, default `DEFAULT_THRESHOLD`), sorted by lines. Texts identical after
    normalisation are one distinct text, represented by their first line (their copies are in
    `distinct(ctx, split, column).members`); inside one split, pairs have left_line < right_line
    and copies of one text are not paired with each other. Only valid rows, computed once per scan.
    """
    t = DEFAULT_THRESHOLD if threshold is None else float(threshold)

    def build() -> pl.DataFrame:
        ld = distinct(ctx, left, column)
        rd = ld if left == right else distinct(ctx, right, column)
        if not ld.size or not rd.size:
            return _empty_pairs()
        lk = bands(ctx, left, column, shingle)
        if left == right:
            codes = candidates_within(lk)
        else:
            codes = candidates_across(lk, bands(ctx, right, column, shingle))
        kept, sims = verify_pairs(ld.texts, rd.texts, codes, rd.size, t)
        return pl.DataFrame(
            {
                "left_line": ld.lines[kept[:, 0]] if len(kept) else np.empty(0, np.int64),
                "right_line": rd.lines[kept[:, 1]] if len(kept) else np.empty(0, np.int64),
                "similarity": sims,
            },
            schema={"left_line": pl.Int64, "right_line": pl.Int64, "similarity": pl.Float64},
        ).sort(["left_line", "right_line"])

    return ctx.shared(("near_pairs", left, right, column, t, shingle), build)


def near_duplicate_groups(
    ctx: Context,
    split: str,
    column: str = "text",
    threshold: float | None = None,
    *,
    shingle: int = DEFAULT_SHINGLE,
) -> list[list[int]]:
    """Groups (two or more rows) of `split` whose `column` texts are identical after normalisation
    or near-identical (verified similarity >= `threshold`, joined transitively).

    Each group is a sorted list of line numbers (the first is the representative); groups are
    sorted by their first line. Only valid rows with a non-empty text; computed once per scan.
    """
    t = DEFAULT_THRESHOLD if threshold is None else float(threshold)

    def build() -> list[list[int]]:
        d = distinct(ctx, split, column)
        if not d.size:
            return []
        pairs = near_pairs(ctx, split, split, column, t, shingle=shingle)
        index = pl.DataFrame({"rep": d.lines, "i": np.arange(d.size, dtype=np.int64)})
        a = pairs.join(index.rename({"rep": "left_line"}), on="left_line", maintain_order="left")[
            "i"
        ].to_numpy()
        b = pairs.join(index.rename({"rep": "right_line"}), on="right_line", maintain_order="left")[
            "i"
        ].to_numpy()
        graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(d.size, d.size))
        _, component = connected_components(graph, directed=False)
        comp = pl.DataFrame({"rep": d.lines, "component": component.astype(np.int64)})
        frame = d.members.join(comp, on="rep").group_by("component").agg(pl.col("line").sort())
        groups = [lines for lines in frame["line"].to_list() if len(lines) > 1]
        return sorted(groups, key=lambda g: g[0])

    return ctx.shared(("near_groups", split, column, t, shingle), build)
