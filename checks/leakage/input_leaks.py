"""LEAK005's leaks: held-out inputs the reference split has under another label or answer.

`input_leaks` is the one frame LEAK005 reports (and LEAK004 leaves out): on labelled data, an input
found in the reference split, identical, normalised or near, under another label (near ones only when
they differ in filler words and numbers, `filler_only`); on generative data, a prompt found identical
or normalised with an answer LEAK001-003 do not match; on multiple-choice data, a question asked with
another right answer (`_question_leaks`). It sits apart from `base` because it is the one layer built
on top of all the others: it reads their matches (`base`: copies, near copies, pairs of inputs and
their sides) to leave out what they report, and nothing in `base` reads it.
"""

from __future__ import annotations

from collections import Counter

import polars as pl

from dataqa.checks.labels.same_inputs import partners, same_inputs
from dataqa.checks.leakage.base import (
    identical_inputs,
    input_conflicts,
    input_options,
    input_rep_pairs,
    input_sides,
    labelled,
    near_matches,
    reported_above,
    taken_by_text,
)
from dataqa.checks.leakage.shared_inputs import input_rows
from dataqa.engine.context import Context
from dataqa.ingest.layouts import MULTIPLE_CHOICE
from dataqa.text import copies
from dataqa.text.normalise import normalise

_FILLER = (
    "a an the please pls plz hi hello hey ok okay oh ah um uh well just now so also really actually "
    "i me my you your we us our it this that is are was were be am do does did can could would will "
    "should shall may might"
)
FILLER_WORDS = frozenset(_FILLER.split())
"""Words that seldom decide a label: near inputs under two labels that differ only in these (and
in numbers) are a conflict; any other word that differs may be what decides the label. Not "thanks"
or "thank": they are what an emotion set's gratitude and an intent set's thank-you class say ("This is
so good!" admiration, "THIS IS SO GOOD. Thank you!!!" admiration and gratitude)."""


def filler_only(a: str, b: str) -> bool:
    """Whether two normalised texts differ only in `FILLER_WORDS` and numbers (an order number,
    "hi", "please"), not in a word that may decide a label ("city" or "building", "radio"), and in
    fewer filler words than the two share: a text that is mostly the filler is what the filler says
    ("[NAME]." against "Thanks [NAME].", neutral against gratitude)."""
    left, right = Counter(a.split()), Counter(b.split())
    differ = (left - right) + (right - left)
    fillers = sum(n for w, n in differ.items() if not w.isdigit())
    return all(w in FILLER_WORDS or w.isdigit() for w in differ) and fillers < (left & right).total()


def _filler_mask(ctx: Context, eval_split: str, ref_split: str, pairs: pl.DataFrame) -> pl.Series:
    """Per row of `pairs` (`rep`, `right_rep`, `same`): identical after normalisation, or near with
    only filler words and numbers between the two inputs (`filler_only`)."""
    near = pairs.filter(~pl.col("same"))
    if near.is_empty():
        return pl.Series([True] * pairs.height, dtype=pl.Boolean)
    texts = {}
    for split, column in ((eval_split, "rep"), (ref_split, "right_rep")):
        wanted = near[column].unique().sort().to_list()
        raw = copies.texts(ctx, split, wanted, "prompt")  # a held split's from its blocks
        normalised = normalise(pl.Series([raw.get(line, "") for line in wanted], dtype=pl.String))
        texts[column] = dict(zip(wanted, normalised.to_list(), strict=True))
    keep = [
        same or filler_only(texts["rep"][a], texts["right_rep"][b])
        for a, b, same in pairs.select("rep", "right_rep", "same").iter_rows()
    ]
    return pl.Series(keep, dtype=pl.Boolean)


def _shared_sides(
    ctx: Context, eval_split: str, ref_split: str
) -> tuple[pl.DataFrame, tuple[pl.DataFrame, pl.DataFrame]]:
    """Generative data: the `input_rep_pairs` of identical inputs and the `input_sides` of the rows they
    name, read from the rows whose input the other split has (`shared_inputs`), not from whole splits."""
    columns = ["line", "rep", "prompt_exact", "system_exact", pl.lit("").alias("target")]
    rows = [input_rows(ctx, split).select(columns) for split in (eval_split, ref_split)]
    return identical_inputs(ctx, eval_split, ref_split), (rows[0], rows[1])


def input_leaks(
    ctx: Context, eval_split: str, ref_split: str, threshold: float | None = None, shingle: int | None = None
) -> pl.DataFrame:
    """LEAK005's leaks, one row per held-out input (its normalised form, system prompt and label):
    `lines` (held-out rows), `refs` (reference rows, best match first), `similarity` (the best),
    `match` ("identical" when a held-out and a reference input are equal character for character,
    "normalised" when they are equal after normalisation, else "near"),
    `target` and `ref_targets` (labelled data: the labels, one per reference row).

    A held-out row counts when its input (same system prompt) is in the reference split and no
    other layer reports it: for labelled data under another label (identical or normalised input
    first, else near at `threshold`, default LEAK005's option); for generative data with an answer
    that LEAK001-003 do not match (identical or normalised input only: a near input with another
    answer is most often another question, a changed number or name). Multiple-choice data is
    compared on its questions instead (`_question_leaks`)."""
    options = input_options(ctx)
    t = options[0] if threshold is None else float(threshold)
    k = options[1] if shingle is None else int(shingle)

    def build() -> pl.DataFrame:
        is_labelled = labelled(ctx)
        if is_labelled and MULTIPLE_CHOICE in {ctx.splits[eval_split].kind, ctx.splits[ref_split].kind}:
            return _question_leaks(ctx, eval_split, ref_split)
        if is_labelled:
            pairs = input_rep_pairs(ctx, eval_split, ref_split, t, k)
            sides = (input_sides(ctx, eval_split), input_sides(ctx, ref_split))
        else:
            pairs, sides = _shared_sides(ctx, eval_split, ref_split)
        left = sides[0].join(reported_above(ctx, eval_split, ref_split), on="line", how="anti")
        right = sides[1].rename(
            {"line": "ref_line", "rep": "right_rep", "target": "ref_target", "prompt_exact": "ref_prompt"}
        )
        # Copies first grouped on each side, then the groups joined: no product of copies.
        key = ["rep", "system_exact", "target"]
        eval_groups = left.group_by(key).agg(
            pl.col("line").sort(), pl.col("prompt_exact").unique().alias("prompts")
        )
        ref_groups = right.group_by("right_rep", "system_exact", "ref_target").agg(
            pl.col("ref_line").sort().alias("refs"), pl.col("ref_prompt").unique().alias("ref_prompts")
        )
        joined = eval_groups.join(pairs, left_on="rep", right_on="left_rep").join(
            ref_groups, on=["right_rep", "system_exact"]
        )
        if is_labelled:
            joined = joined.filter(pl.col("target") != pl.col("ref_target"))
            # An identical input under another label outranks near ones: keep only those for its row.
            strong = input_conflicts(ctx, eval_split, ref_split).select("line").unique()
            strong_reps = left.join(strong, on="line").select(key).unique()
            joined = joined.join(
                strong_reps.with_columns(pl.lit(True).alias("strong")), on=key, how="left"
            ).filter(pl.col("strong").is_null() | pl.col("same"))
            joined = joined.filter(_filler_mask(ctx, eval_split, ref_split, joined))
        joined = joined.with_columns(
            (pl.col("prompts").list.set_intersection("ref_prompts").list.len() > 0).alias("identical")
        ).sort(
            [*key, "same", "similarity", pl.col("refs").list.first()],
            descending=[False, False, False, True, True, False],
        )
        rows = []
        for (_rep, _system, target), group in joined.group_by(key, maintain_order=True):
            refs, ref_targets = [], []
            for group_refs, ref_target in zip(
                group["refs"].to_list(), group["ref_target"].to_list(), strict=True
            ):
                refs.extend(group_refs)
                ref_targets.extend([ref_target] * len(group_refs))
            first = group.row(0, named=True)
            rows.append(
                {
                    "lines": first["line"],
                    "refs": refs,
                    "similarity": float(first["similarity"]),
                    "match": (
                        ("identical" if group.filter("same")["identical"].any() else "normalised")
                        if first["same"]
                        else "near"
                    ),
                    "target": target,
                    "ref_targets": ref_targets,
                }
            )
        rows.sort(key=lambda r: r["lines"][0])
        return pl.DataFrame(rows, schema=LEAK_SCHEMA)

    return ctx.shared(("input_leaks", eval_split, ref_split, t, k), build)


LEAK_SCHEMA = {
    "lines": pl.List(pl.Int64),
    "refs": pl.List(pl.Int64),
    "similarity": pl.Float64,
    "match": pl.String,
    "target": pl.String,
    "ref_targets": pl.List(pl.String),
}
"""`input_leaks`' frame."""


def _question_leaks(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`input_leaks` of multiple-choice data: held-out rows whose question (with its passage, its
    choices in any order) the reference split asks with another right answer, one offered by the other
    as a wrong choice (`same_inputs.partners`: the rows LBL001 reads), one row per question and right
    choice; `match` "question". Rows LEAK001-003 report are left to them."""
    frame = same_inputs(ctx).filter(pl.col("split").is_in([eval_split, ref_split]))
    found = partners(frame)
    taken = set(taken_by_text(ctx, eval_split, ref_split)["line"].to_list())
    taken |= set(near_matches(ctx, eval_split, ref_split)["line"].to_list())
    labels = {
        (split, line): label for split, line, label in frame.select("split", "line", "label").iter_rows()
    }
    keys = dict(zip(frame.select("split", "line").iter_rows(), frame["key"].to_list(), strict=True))
    groups: dict[tuple[int, str], tuple[list[int], set[int]]] = {}
    for (split, line), others in sorted(found.items()):
        refs = {other for at, other in others if at == ref_split}
        if split != eval_split or line in taken or not refs:
            continue
        lines, seen = groups.setdefault((keys[(split, line)], labels[(split, line)]), ([], set()))
        lines.append(line)
        seen.update(refs)
    rows = [
        {
            "lines": lines,
            "refs": sorted(refs),
            "similarity": 1.0,
            "match": "question",
            "target": target,
            "ref_targets": [labels[(ref_split, ref)] for ref in sorted(refs)],
        }
        for (_key, target), (lines, refs) in groups.items()
    ]
    rows.sort(key=lambda r: r["lines"][0])
    return pl.DataFrame(rows, schema=LEAK_SCHEMA)
