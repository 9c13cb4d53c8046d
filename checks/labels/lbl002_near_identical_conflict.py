"""LBL002 near-identical-conflict: near-identical inputs with different labels."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.labels.base import labelled_splits, split_labels
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import field_name
from dataqa.text.similarity import DEFAULT_THRESHOLD, hashes, near_duplicate_groups, word_diff


@register
@dataclass
class NearIdenticalConflict(Check):
    """Near-identical inputs (a word or two apart) with different labels, within one split.

    Inputs are grouped by the shared near-duplicate engine (verified word similarity at least
    `threshold` to the group's first input; what many rows share is discounted, and inputs that
    differ in a number, a name, a negation or, in a short input, the word it turns on, such as
    "physical" / "virtual card", are different inputs); a group is reported when two of its inputs
    that are not the same after normalisation carry different labels (identical inputs are
    LBL001's). Every row of the group is unusable until someone decides. The evidence shows where
    the two inputs differ.
    Why: when a greeting or an order number is all that separates two examples, different labels
    teach the model noise; either one label is wrong or the deciding detail is missing.
    Example: "Hi, my parcel never arrived, order 48213" labelled `shipping` and "My parcel never
    arrived, order 48877" labelled `billing`.
    Fix: correct the wrong label, or make the difference that decides the label explicit.
    """

    id = "LBL002"
    shares = frozenset(
        {"bands", "distinct", "hashes", "near_groups", "near_pairs", "split_labels", "templates"}
    )
    name = "near-identical-conflict"
    family = "labels"
    severity = Severity.WARNING
    needs = frozenset({"label"})
    threshold: float = ranged(DEFAULT_THRESHOLD, low=0, high=1)

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in labelled_splits(ctx):
            labels = dict(split_labels(ctx, split).iter_rows())
            info = (
                hashes(ctx, split)
                .select("line", "prompt_norm")
                .join(ctx.valid_rows(split).select("line", "prompt"), on="line")
            )
            norm = dict(zip(info["line"].to_list(), info["prompt_norm"].to_list(), strict=True))
            prompts = dict(zip(info["line"].to_list(), info["prompt"].to_list(), strict=True))
            found = 0
            for group in near_duplicate_groups(ctx, split, column="prompt", threshold=self.threshold):
                members = [line for line in group if line in labels]
                forms: dict[int, set[str]] = defaultdict(set)
                for line in members:
                    forms[norm[line]].add(labels[line])
                if len(forms) < 2 or not any(
                    a != b
                    for fa, la in forms.items()
                    for fb, lb in forms.items()
                    if fa != fb
                    for a in la
                    for b in lb
                ):
                    continue
                found += 1
                by_label: dict[str, list[int]] = defaultdict(list)
                for line in members:
                    by_label[labels[line]].append(line)
                locations = [ctx.location(split, line) for line in members]
                summary = ", ".join(f"{lab[:60]!r} x{len(ls)}" for lab, ls in by_label.items())
                first = members[0]
                other = next(line for line in members if labels[line] != labels[first])
                changed = word_diff(prompts[first] or "", prompts[other] or "")
                diff = f"{ctx.place(split, first)} ~ {ctx.place(split, other)}: {changed}"
                inputs = field_name(ctx.splits[split], "prompt", plural=True)
                yield self.finding(
                    f"{len(members)} near-identical {split} {inputs} carry {len(by_label)} different labels: "
                    + summary,
                    locations,
                    [
                        *(
                            f"{ctx.place(split, line)} ({labels[line][:40]!r}): {excerpt(prompts[line], 100)}"
                            for line in members[:6]
                        ),
                        diff,
                    ],
                    metrics={"labels": dict(by_label)},
                    unusable=locations,
                )
            self.metrics[f"{split}_near_conflict_groups"] = found
