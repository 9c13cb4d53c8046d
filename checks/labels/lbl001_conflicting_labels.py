"""LBL001 conflicting-labels: one input with different labels, which teaches two answers."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.labels.base import labelled_splits, labels_noun, shared_classes, split_labels
from dataqa.checks.labels.label_aliases import Alias, aliases
from dataqa.checks.labels.lbl003_label_spelling_variant import normalise_label
from dataqa.checks.labels.same_inputs import GROUPING, inputs, partners, same_inputs
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.form_labels import judges_form
from dataqa.engine.registry import GROUP, Check, register
from dataqa.ingest.choices import answer_text
from dataqa.ingest.issues import excerpt
from dataqa.ingest.label_sets import Scale, score_scale, score_value
from dataqa.ingest.layouts import MULTIPLE_CHOICE
from dataqa.ingest.naming import input_name


def _label_list(ctx: Context, labels: dict[str, list[int]], split: str) -> list[str]:
    """Evidence lines: each label with the records that carry it (lines, or rows of a table)."""
    return [
        f"{label[:80]!r} at {split} {ctx.describe(split, lines[:12])}" + (" …" if len(lines) > 12 else "")
        for label, lines in labels.items()
    ]


@register
@dataclass
class ConflictingLabels(Check):
    """The same input appears with different labels (identical, or equal after normalising case,
    spacing, punctuation and Unicode), within one split. In multi-label classification the label
    is the row's set of classes: two different sets conflict, and both are named. Where the label
    is a score on a scale (STS-B's similarity: a field named a score, or labels that are numbers with
    many fractional values, `label_sets.ScoreTally`), scores conflict when they lie further apart
    than a fifth of the scale ("0.5" and "4.8"), not when they are written apart ("5.000" and "5")
    or are annotators' averages a little apart ("4.909" and "5.000"). A multiple-choice question is
    compared on its question alone and by its right answers' texts, its choices' order aside: it
    conflicts where one record's right answer is offered as a wrong choice by another
    (`choices.contradictions`); both right choices are named.

    Labels that differ only in case, spacing or punctuation ("negative" / "Negative", a set merged
    from two sources) are one label spelled two ways: such a group is no conflict (LBL003 names the
    spellings, DUP001 / DUP002 the copies); a group that also holds another label is one, its
    different labels counted once per spelling-insensitive form. Labels that are one class under
    two names (`label_aliases`: nearly every recurring text of one, ten or more, carries the other
    too: Bengali sentiment's SAIL tweets under `BN_NEG"` and again under `Negative`) are named once,
    in one finding listing the alias's rows, instead of a conflict per text; a text under the alias
    and another class still conflicts.

    Where the labels judge the text's form (acceptability: `dataqa.engine.form_labels`), inputs
    equal only after normalisation are the set's minimal pairs ("список." / "список?"), not
    reported; the identical inputs among them that carry two labels are.

    Every row of a conflicting group is unusable (the "consistent" stage of the usable count):
    which label is right cannot be told from the data.
    Why: the model is trained to give two answers to one question; it learns neither reliably,
    and the group's examples in test make the score arbitrary.
    Example: "My parcel never arrived" labelled `shipping` on line 201 and `billing` on line 881.
    Fix: decide the right label and keep one example, or make the inputs differ where the labels
    differ (e.g. add the detail that decides).
    """

    id = "LBL001"
    near = True
    shares = frozenset({"hashes", "label_aliases", "split_labels", "same_inputs", "same_input_texts"})
    name = "conflicting-labels"
    family = "labels"
    severity = Severity.ERROR
    needs = frozenset({"label"})
    scope = GROUP
    grouping = GROUPING

    def near_finding(self, finding: Finding) -> bool:
        """A group of inputs equal only after normalisation; its `forms` (how many inputs it holds
        as written) is told only where labels judge form, where the exact inputs among them that
        conflict are reported on their own (`_exact_parts`)."""
        return finding.metrics.get("forms", 1) > 1

    def run(self, ctx: Context) -> Iterator[Finding]:
        frame = same_inputs(ctx)
        alias = aliases(ctx)
        merged: dict[str, list[tuple[str, int, str]]] = defaultdict(list)

        def class_of(label: str) -> str:
            form = normalise_label(label)
            return alias[form][0] if form in alias else form

        for split in _labelled(ctx):
            groups = (
                frame.filter(pl.col("split") == split)
                .group_by("key")
                .agg(
                    pl.col("line").sort_by("line"),
                    pl.col("label").sort_by("line"),
                    pl.col("prompt_exact").n_unique().alias("forms"),
                )
                .sort(pl.col("line").list.first())
            )
            form = judges_form(ctx, split) is not None
            if form:  # minimal pairs: the exact inputs of a group conflict too
                groups = pl.concat([groups, _exact_parts(frame, groups, split)], how="vertical_relaxed")
                groups = groups.sort(pl.col("line").list.first(), pl.col("forms"), descending=[False, True])
            if ctx.splits[split].scored:  # scores on a scale conflict when far apart, not when written apart
                apart = _scores_apart(_scale(ctx, split))
                groups = groups.filter(
                    pl.Series([apart(labels) for labels in groups["label"]], dtype=pl.Boolean)
                )
            chosen = ctx.splits[split].kind == MULTIPLE_CHOICE
            if chosen:
                groups = _contradicting(groups, partners(frame), split)
            prompts = inputs(ctx, split, [lines[0] for lines in groups["line"].to_list()])
            conflicting = reported = 0
            for lines, labels, forms in groups.select("line", "label", "forms").iter_rows():
                if not chosen and len({class_of(label) for label in labels}) < 2:
                    # one label in two spellings ("negative" / "Negative"): LBL003's, not a conflict;
                    # or under two names (`label_aliases`): one finding names them
                    for line, label in zip(lines, labels, strict=True):
                        if normalise_label(label) in alias:
                            merged[normalise_label(label)].append((split, line, label))
                    continue
                prompt = prompts.get(lines[0], "")
                by_label: dict[str, list[int]] = defaultdict(list)
                for line, label in zip(lines, labels, strict=True):
                    by_label[label].append(line)
                conflicting += len(lines)
                reported += 1
                named = input_name(ctx.splits[split], plural=True)
                how = (
                    f"the same {input_name(ctx.splits[split])} (its choices in any order)"
                    if chosen
                    else f"identical {named}"
                    if forms == 1
                    else f"{named} equal after normalising case and punctuation"
                )
                noun = "right answers" if chosen else labels_noun(ctx, split)
                kinds = len({answer_text(label) if chosen else class_of(label) for label in by_label})
                summary = ", ".join(f"{lab[:60]!r} x{len(ls)}" for lab, ls in by_label.items())
                locations = [ctx.location(split, line) for line in lines]
                yield self.finding(
                    f"{len(lines)} {split} examples with {how} carry {kinds} different {noun}: "
                    + summary
                    + shared_classes(ctx, split, list(by_label)),
                    locations,
                    [excerpt(prompt), *_label_list(ctx, by_label, split)],
                    metrics={"labels": {lab: ls for lab, ls in by_label.items()}}
                    | ({"forms": forms} if form else {}),
                    unusable=locations,
                )
            self.metrics[f"{split}_conflict_groups"] = reported
            self.metrics[f"{split}_conflicting_rows"] = conflicting
        for form, rows in sorted(merged.items()):
            yield self._alias_finding(ctx, rows, alias[form], frame)

    def _alias_finding(
        self, ctx: Context, rows: list[tuple[str, int, str]], alias: Alias, frame: pl.DataFrame
    ) -> Finding:
        """One finding for a label that is another under another name (`label_aliases`): its rows
        whose text recurs under the other, the two labels as the set spells them most often."""
        target, both, recurring = alias
        mine = Counter(label for _, _, label in rows).most_common(1)[0][0]
        theirs = Counter(
            label for label in frame["label"].to_list() if normalise_label(label) == target
        ).most_common(1)
        other = theirs[0][0] if theirs else target
        locations = [ctx.location(split, line) for split, line, _ in rows]
        per_split: dict[str, list[int]] = defaultdict(list)
        for split, line, _ in rows:
            per_split[split].append(line)
        return self.finding(
            f"label {mine[:60]!r} is {other[:60]!r} under another name: {both} of the {recurring} texts "
            f"under {mine[:60]!r} that recur carry {other[:60]!r} too (two label vocabularies merged); "
            f"map {mine[:60]!r} to {other[:60]!r}",
            locations,
            [
                f"{mine[:80]!r} at {split} {ctx.describe(split, lines[:12])}"
                for split, lines in per_split.items()
            ],
            metrics={"alias": mine, "of": other, "texts": both, "recurring": recurring},
        )


SCALE_SHARE = 0.2
"""Scores of one input conflict when they lie further apart than this share of the split's scale (its
lowest to its highest score): 1 point on STS-B's 0-5, where one pair scored 4.909 and 5.000, or 2.75
and 3.2, is annotators' averages that disagree a little, not two answers."""


def _scale(ctx: Context, split: str) -> Scale | None:
    """The lowest and highest score of a split's valid rows: from its labels, or for a split held
    elsewhere, as its blocks were read (`Elsewhere.scale`), so that both engines judge against one."""
    held = ctx.splits[split].elsewhere
    return held.scale if held is not None else score_scale(split_labels(ctx, split)["label"])


def _scores_apart(scale: Scale | None) -> Callable[[pl.Series], bool]:
    """Whether a group's scores lie further apart than `SCALE_SHARE` of the split's `scale`."""
    tolerance = (scale[1] - scale[0]) * SCALE_SHARE if scale is not None else 0.0

    def apart(group: pl.Series) -> bool:
        found = [v for v in map(score_value, group.to_list()) if v is not None]
        return bool(found) and max(found) - min(found) > tolerance

    return apart


def _exact_parts(frame: pl.DataFrame, groups: pl.DataFrame, split: str) -> pl.DataFrame:
    """The identical inputs under different labels inside a split's groups of inputs equal after
    normalisation (`forms` above 1), as groups of their own (`forms` 1)."""
    keys = groups.filter(pl.col("forms") > 1).select("key")
    return (
        frame.filter(pl.col("split") == split)
        .join(keys, on="key")
        .group_by("key", "prompt_exact")
        .agg(pl.col("line").sort_by("line"), pl.col("label").sort_by("line"))
        .filter(pl.col("label").list.n_unique() > 1)
        .select("key", "line", "label", pl.lit(1, dtype=groups.schema["forms"]).alias("forms"))
    )


def _contradicting(
    groups: pl.DataFrame, found: dict[tuple[str, int], list[tuple[str, int]]], split: str
) -> pl.DataFrame:
    """The multiple-choice groups of one question reduced to their rows that another row of the split
    contradicts (`same_inputs.partners`); a group left with fewer than two is none."""
    keep = []
    for lines, labels, forms in groups.select("line", "label", "forms").iter_rows():
        at = [i for i, line in enumerate(lines) if any(s == split for s, _ in found.get((split, line), []))]
        if len(at) > 1:
            keep.append(([lines[i] for i in at], [labels[i] for i in at], forms))
    return pl.DataFrame(
        keep,
        schema={
            "line": groups.schema["line"],
            "label": groups.schema["label"],
            "forms": groups.schema["forms"],
        },
        orient="row",
    )


def _labelled(ctx: Context) -> list[str]:
    """The labelled splits: those with labelled rows here (`labelled_splits`), and those held
    elsewhere whose reading found labels."""
    here = set(labelled_splits(ctx))
    return [s.name for s in ctx if s.name in here or (s.elsewhere is not None and ctx.has_labels(s))]
