"""LBL002 near-identical-conflict: near-identical inputs with different labels."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dataqa.checks.labels.base import DECIDING, labelled_splits, split_labels, tie
from dataqa.checks.labels.label_space import LABEL_TOKENS
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
    A difference the set itself explains is no conflict: when a word one input has and the other
    lacks is one the other examples of the first input's label use at least `DECIDING` times as
    often as the second label's examples ("order a virtual card" / "order a card", "what do i
    need to change my oil" / "do i need to ...", "turn off on the plug" / "turn on the plug"; a
    contraction counts as its first word too: "why'd"), that word decides the label, and the two
    labels are both right. A group is reported when two of its inputs with different labels differ
    only in words both labels use alike, or in words no other example has ("to denver").
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
            explains = _explainer(labels, prompts)
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
                if all(
                    explains(a, b)
                    for a in members
                    for b in members
                    if a < b and labels[a] != labels[b] and norm[a] != norm[b]
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


_WORD = re.compile(LABEL_TOKENS)
_APOSTROPHE = re.compile("['\u2019]")


def _explainer(labels: dict[int, str], prompts: dict[int, str | None]) -> Callable[[int, int], bool]:
    """`explains(a, b)`: whether a word of one of the two lines, missing from the other, is one
    the other examples of its own line's label use `DECIDING` times as often as the other line's
    label's examples (`tie`, both lines left out). The split's words per label are counted on
    first use (most splits have no conflicting group)."""
    words: dict[int, set[str]] = {}
    per_label: dict[str, Counter[str]] = {}
    sizes = Counter(labels.values())

    def words_of(line: int) -> set[str]:
        if line not in words:
            found = {w.lower() for w in _WORD.findall(prompts.get(line) or "")}
            words[line] = found | {_APOSTROPHE.split(w)[0] for w in found}
        return words[line]

    def used(label: str) -> Counter[str]:
        if not per_label:
            for line, lab in labels.items():
                per_label.setdefault(lab, Counter()).update(words_of(line))
        return per_label.get(label, Counter())

    def decides(line: int, other: int) -> bool:
        mine, theirs = labels[line], labels[other]
        own, their = used(mine), used(theirs)
        return any(
            tie(own[w] - 1, sizes[mine] - 1, their[w], sizes[theirs] - 1) >= DECIDING
            for w in words_of(line) - words_of(other)
        )

    return lambda a, b: decides(a, b) or decides(b, a)
