"""Labels that are one class under two names: a set merged from sources that name their classes
differently (a Bengali sentiment set whose SAIL tweets are labelled `BN_NEG"` and recur, each one,
under `Negative` from another source). Where nearly every text of label A that recurs in its split
carries label B too, over many texts, A is B written in another vocabulary: the texts under both
are no disagreement about what they say, and LBL001 names the two labels once instead of a conflict
per text. Labels that disagree on what a text says meet on a few of their recurring texts (a
fifth at most on the Bengali set: neutral beside negative), not on nearly all of them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import polars as pl

from dataqa.checks.labels.base import split_labels
from dataqa.checks.labels.lbl003_label_spelling_variant import normalise_label
from dataqa.checks.labels.same_inputs import keyed
from dataqa.engine.context import Context
from dataqa.ingest.layouts import MULTIPLE_CHOICE

ALIAS_SHARE = 0.9
"""Share of a label's recurring texts (inputs another row of the split has too) that must carry the
other label as well for the first to be the second under another name."""
ALIAS_TEXTS = 10
"""... over at least this many texts (all splits together): a few shared texts are a coincidence."""


Alias = tuple[str, int, int]
"""The label another is a name of, the recurring texts both carry and the other's recurring texts."""


def aliases(ctx: Context) -> dict[str, Alias]:
    """`found_aliases` of the labelled splits held here, made once per scan (LBL001, LBL002 and DUP004
    read them)."""
    return ctx.shared(("label_aliases",), lambda: found_aliases(ctx, aliased_splits(ctx)))


def aliased_splits(ctx: Context) -> list[str]:
    """The splits aliases are read from: those held here with a labelled row (a split held on the Ray
    workers is not read: see `found_aliases`)."""
    return [s.name for s in ctx if s.elsewhere is None and split_labels(ctx, s.name).height]


def class_of(ctx: Context) -> Callable[[str], str] | None:
    """A label's class: the label it is another name of (`aliases`) in the spelling-insensitive form
    (`normalise_label`), that form for a label that has an alias, the label itself otherwise. None
    when the scan found no alias, so that callers skip the mapping at no cost."""
    alias = aliases(ctx)
    if not alias:
        return None
    classes = {target for target, _, _ in alias.values()}

    def named(label: str) -> str:
        form = normalise_label(label)
        return alias[form][0] if form in alias else form if form in classes else label

    return named


def one_class(ctx: Context) -> Callable[[str, str], bool]:
    """Whether two labels are one class: the same label, one spelled in another case or punctuation
    (`normalise_label`: "non-sarcastic" / "non_sarcastic", LBL003's variant, as LBL001 reads it), or
    an alias and its class (`class_of`)."""
    named = class_of(ctx)

    def same(a: str, b: str) -> bool:
        return (
            a == b or normalise_label(a) == normalise_label(b) or (named is not None and named(a) == named(b))
        )

    return same


def found_aliases(ctx: Context, splits: list[str]) -> dict[str, Alias]:
    """Spelling-insensitive label (`normalise_label`) -> the label it is another name of (`Alias`):
    nearly every (`ALIAS_SHARE`) recurring text of the first, over `ALIAS_TEXTS` texts or more, also
    carries the second. Where the reverse holds too (the second's texts recur only as the first's
    copies), the labels are two names of one class only if the set shows another such pair (two
    vocabularies meet in more than one class: `SRC_POS"` / positive beside `SRC_NEG"` / negative),
    the one with fewer rows the alias; a lone pair that meets on every recurring text both ways is
    two annotations that disagree throughout (yes / no), and stays a conflict per text. Read from
    the splits here whose label is one class per row (not scores, choices or label sets; a split
    held elsewhere is not read)."""
    recurring: Counter[str] = Counter()
    together: Counter[tuple[str, str]] = Counter()
    rows_of: Counter[str] = Counter()
    for split in splits:
        s = ctx.splits[split]
        if s.elsewhere is not None or s.scored or s.multi_label or s.kind == MULTIPLE_CHOICE:
            continue
        frame = keyed(ctx, split).select("key", "label")
        rows_of.update(normalise_label(label) for label in frame["label"].to_list())
        recurs = frame.filter(pl.len().over("key") > 1)
        for labels in recurs.group_by("key").agg(pl.col("label").unique())["label"].to_list():
            forms = {normalise_label(label) for label in labels}
            recurring.update(forms)
            together.update((a, b) for a in forms for b in forms if a != b)

    def holds(a: str, b: str) -> bool:
        return together[a, b] >= ALIAS_TEXTS and together[a, b] >= ALIAS_SHARE * recurring[a]

    pairs = [(a, b) for a, b in sorted(together) if holds(a, b)]
    one_way = {a: b for a, b in pairs if not holds(b, a)}
    mutual = {a: b for a, b in pairs if holds(b, a) and (rows_of[a], b) < (rows_of[b], a)}
    found = one_way | (mutual if len(one_way) + len(mutual) > 1 else {})
    return {a: (b, together[a, b], recurring[a]) for a, b in found.items() if b not in found}
